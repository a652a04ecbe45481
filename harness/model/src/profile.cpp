#include "konform/model/profile.hpp"

#include "konform/graphql/parser.hpp"
#include "konform/graphql/validate.hpp"
#include "konform/model/dataset_reader.hpp"
#include "konform/model/json_file.hpp"
#include "konform/model/template_expression.hpp"
#include "konform/schema/json_schema.hpp"
#include "konform/schema/xml_schema.hpp"
#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"
#include "template_lint.hpp"

#include <algorithm>
#include <boost/regex.hpp>
#include <fnmatch.h>
#include <set>

namespace konform::model {

namespace fs = std::filesystem;
using nlohmann::json;

std::string_view to_string(level l) {
    switch (l) {
    case level::must:
        return "MUST";
    case level::should:
        return "SHOULD";
    case level::may:
        return "MAY";
    }
    return "?";
}

const conformance_class* profile::find_class(std::string_view id) const {
    for (const auto& c : classes)
        if (c.id == id) return &c;
    return nullptr;
}

const requirement* profile::find_requirement(std::string_view id) const {
    for (const auto& r : requirements)
        if (r.id == id) return &r;
    return nullptr;
}

namespace {

// Expands one test-case entry: a file, or a folder-relative pattern whose last part has
// wildcards ("testcases/*.json"). Returns the files in name order.
std::vector<fs::path> expand(const fs::path& base, const std::string& entry) {
    fs::path pattern = base / entry;
    std::string leaf = pattern.filename().string();
    if (leaf.find_first_of("*?[") == std::string::npos) return {pattern.lexically_normal()};
    std::vector<fs::path> out;
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(pattern.parent_path(), ec)) {
        if (e.is_regular_file() && ::fnmatch(leaf.c_str(), e.path().filename().c_str(), 0) == 0)
            out.push_back(e.path().lexically_normal());
    }
    std::sort(out.begin(), out.end());
    return out;
}

std::set<std::string> xpath_prefixes(const std::string& expr) {
    // prefix:name outside string literals; "::" is an axis, not a prefix.
    static const boost::regex re(R"(([A-Za-z_][A-Za-z0-9_.-]*):(?!:)[A-Za-z_*])");
    std::set<std::string> out;
    std::string unquoted;
    char quote = 0;
    for (char c : expr) {
        if (quote) {
            if (c == quote) quote = 0;
            unquoted += ' ';
        } else if (c == '"' || c == '\'') {
            quote = c;
            unquoted += ' ';
        } else
            unquoted += c;
    }
    for (boost::sregex_iterator it(unquoted.begin(), unquoted.end(), re), end; it != end; ++it) {
        std::size_t pos = static_cast<std::size_t>(it->position());
        if (pos > 0 && unquoted[pos - 1] == ':') continue; // after an axis "::"
        out.insert((*it)[1].str());
    }
    return out;
}

struct checker {
    const profile& prof;
    diagnostics& diag;

    void step(const testcase& tc, const step& s) {
        const std::string file = tc.file.string();
        for (const auto& a : s.expectations()) {
            for (const auto& id : a.proves) {
                if (!prof.find_requirement(id))
                    diag.add(file, a.pointer + "/proves",
                             "unknown requirement \"" + id + "\": not defined in the profile");
                else if (std::find(tc.verifies.begin(), tc.verifies.end(), id) == tc.verifies.end())
                    diag.add(file, a.pointer + "/proves",
                             "requirement \"" + id +
                                 "\" is not listed in the test case's verifies");
            }
            if (a.what == subject::schema && !prof.schemas.count(a.selector))
                diag.add(file, a.pointer + "/schema",
                         "unknown schema \"" + a.selector +
                             "\": not declared in the profile's schemas");
            else if (a.what == subject::schema && !a.types.empty() &&
                     !prof.schemas.at(a.selector).is_graphql)
                diag.add(file, a.pointer + "/types",
                         "types names GraphQL types: \"" + a.selector +
                             "\" is not a GraphQL schema");
            else if (a.what == subject::schema && !a.types.empty())
                if (const auto& sdl = prof.schemas.at(a.selector).sdl)
                    for (const auto& t : a.types)
                        if (!sdl->type(t))
                            diag.add(file, a.pointer + "/types",
                                     "the GraphQL schema \"" + a.selector + "\" defines no type " +
                                         t);
            if (a.what == subject::xpath) prefixes(file, a.pointer + "/xpath", a.selector);
            if (a.predicates.contains("rows") && a.predicates["rows"].contains("dataset"))
                rows_columns(file, a.pointer + "/rows", a.predicates["rows"]);
        }
        if (const auto* x = s.exchange())
            for (const auto& c : x->captures)
                if (c.source == capture::from::xpath) prefixes(file, s.pointer, c.selector);
        const loop_step* loop = s.loop();
        if (loop && loop->source.from == loop_source::kind::dataset &&
            !prof.datasets.count(loop->source.name)) {
            std::vector<std::string> names;
            for (const auto& [name, d] : prof.datasets)
                names.push_back(name);
            auto hint = closest(loop->source.name, names);
            diag.add(file, s.pointer + "/for_each",
                     "unknown data set \"" + loop->source.name + "\"" +
                         (hint ? ": did you mean \"" + *hint + "\"?"
                               : ": not declared in the profile's datasets (a template "
                                 "such as \"{{list}}\" loops over an array)"));
        } else if (loop && loop->source.from == loop_source::kind::dataset &&
                   !loop->where.empty()) {
            where_rows(file, s.pointer, *loop);
        }
        if (const load_step* ld = s.load();
            ld && !ld->rows.empty() && !prof.datasets.count(ld->rows))
            diag.add(file, s.pointer + "/load/rows",
                     "unknown data set \"" + ld->rows +
                         "\": not declared in the profile's datasets");
        for (const auto& inner : s.inner())
            step(tc, inner);
    }

    // The columns of a data set, as its header or its rows name them.
    std::set<std::string> columns_of(const dataset_rows& rows) {
        std::set<std::string> columns(rows.columns().begin(), rows.columns().end());
        if (!columns.empty()) return columns; // a CSV data set: its header
        for (std::size_t i = 0; i < rows.size(); ++i) {
            const nlohmann::json row = rows.row(i);
            for (const auto& [column, value] : row.items())
                columns.insert(column);
        }
        return columns;
    }

    // A `rows` comparison with a data set names the data set and only columns it has.
    void rows_columns(const std::string& file, const std::string& where,
                      const nlohmann::json& spec) {
        const std::string name = spec["dataset"].get<std::string>();
        auto it = prof.datasets.find(name);
        if (it == prof.datasets.end()) {
            diag.add(file, where + "/dataset",
                     "unknown data set \"" + name + "\": not declared in the profile's datasets");
            return;
        }
        const auto columns = columns_of(it->second.rows);
        auto need = [&](const std::string& column, const std::string& at) {
            if (columns.count(column)) return;
            auto hint = closest(column, {columns.begin(), columns.end()});
            diag.add(file, where + at,
                     "data set \"" + name + "\" has no column \"" + column + "\"" +
                         (hint ? ": did you mean \"" + *hint + "\"?" : ""));
        };
        need(spec["key"].get<std::string>(), "/key");
        if (spec.contains("where"))
            for (const auto& [column, value] : spec["where"].items())
                need(column, "/where/" + column);
        if (spec.contains("order_by"))
            for (std::size_t i = 0; i < spec["order_by"].size(); ++i)
                need(spec["order_by"][i].get<std::string>(), "/order_by/" + std::to_string(i));
        if (spec.contains("fields")) {
            const auto& f = spec["fields"];
            if (f.is_array())
                for (std::size_t i = 0; i < f.size(); ++i)
                    need(f[i].get<std::string>(), "/fields/" + std::to_string(i));
            else
                for (const auto& [column, pointer] : f.items())
                    need(column, "/fields/" + column);
        }
    }

    // A data set's `where` names its columns and selects at least one row: a filter that
    // selects nothing would make the loop prove nothing.
    void where_rows(const std::string& file, const std::string& pointer, const loop_step& loop) {
        const std::string& name = loop.source.name;
        const dataset_rows& rows = prof.datasets.at(name).rows;
        const auto columns = columns_of(rows);
        bool known = true;
        for (const auto& [column, value] : loop.where.items())
            if (!columns.count(column)) {
                known = false;
                auto hint = closest(column, {columns.begin(), columns.end()});
                diag.add(file, pointer + "/where/" + column,
                         "data set \"" + name + "\" has no column \"" + column + "\"" +
                             (hint ? ": did you mean \"" + *hint + "\"?" : ""));
            }
        if (!known) return;
        for (std::size_t i = 0; i < rows.size(); ++i)
            if (row_matches(rows.row(i), loop.where)) return;
        diag.add(file, pointer + "/where",
                 "selects no row of data set \"" + name + "\" (" + loop.where.dump() +
                     "): the loop would prove nothing");
    }

    void prefixes(const std::string& file, const std::string& where, const std::string& expr) {
        for (const auto& p : xpath_prefixes(expr))
            if (!prof.namespaces.count(p))
                diag.add(file, where,
                         "namespace prefix \"" + p +
                             "\" is not declared in the profile's namespaces");
    }
};

std::string relative_name(const fs::path& file, const fs::path& dir) {
    return fs::relative(file, dir).generic_string();
}

// Loads one profile document, part by part; every problem goes to `diag`.
struct loader {
    loader(profile& p, const json& d, diagnostics& g)
        : prof(p), doc(d), diag(g), pfile(p.file.string()), files{p.file} {}

    profile& prof;
    const json& doc;
    diagnostics& diag;
    const std::string pfile;
    std::vector<fs::path> files; // every file the profile consists of
    std::error_code ec;
    fragment_library fragment_lib;
    std::map<std::string, std::vector<step>> class_setup, class_cleanup;

    void classes() {
        std::set<std::string> seen;
        const json& classes = doc["classes"];
        for (std::size_t i = 0; i < classes.size(); ++i) {
            conformance_class c;
            c.id = classes[i]["id"];
            c.title = classes[i]["title"];
            c.mandatory = classes[i].value("mandatory", false);
            if (classes[i].contains("depends_on"))
                c.depends_on = classes[i]["depends_on"].get<std::vector<std::string>>();
            if (!seen.insert(c.id).second)
                diag.add(pfile, "/classes/" + std::to_string(i) + "/id",
                         "duplicate class id \"" + c.id + "\"");
            prof.classes.push_back(std::move(c));
        }
        for (std::size_t i = 0; i < prof.classes.size(); ++i)
            for (std::size_t d = 0; d < prof.classes[i].depends_on.size(); ++d)
                if (!prof.find_class(prof.classes[i].depends_on[d]))
                    diag.add(pfile,
                             "/classes/" + std::to_string(i) + "/depends_on/" + std::to_string(d),
                             "unknown class \"" + prof.classes[i].depends_on[d] + "\"");
    }

    void requirements() {
        std::set<std::string> seen;
        const json& reqs = doc["requirements"];
        for (std::size_t i = 0; i < reqs.size(); ++i) {
            requirement r;
            const json& j = reqs[i];
            r.id = j["id"];
            r.cls = j["class"];
            std::string lvl = j["level"];
            r.lvl = lvl == "MUST" ? level::must : lvl == "SHOULD" ? level::should : level::may;
            r.text = j["text"];
            r.ref = j.value("ref", "");
            r.note = j.value("note", "");
            const std::string where = "/requirements/" + std::to_string(i);
            if (!seen.insert(r.id).second)
                diag.add(pfile, where + "/id", "duplicate requirement id \"" + r.id + "\"");
            if (!prof.find_class(r.cls))
                diag.add(pfile, where + "/class",
                         "unknown class \"" + r.cls + "\": not in classes");
            prof.requirements.push_back(std::move(r));
        }
    }

    // With sources declared by id, every ref cites them: "<id> <file> ..." parts separated
    // by ';', each file one the source lists; a requirement of a mandatory class cites the
    // standard, not only the profile itself.
    void references() {
        std::vector<std::string> ids;
        for (const auto& s : prof.sources)
            if (!s.id.empty()) ids.push_back(s.id);
        if (ids.empty()) return;
        for (std::size_t i = 0; i < prof.requirements.size(); ++i) {
            const requirement& r = prof.requirements[i];
            const std::string where = "/requirements/" + std::to_string(i) + "/ref";
            const conformance_class* c = prof.find_class(r.cls);
            if (r.ref.empty()) {
                diag.add(pfile, where,
                         "requirement " + r.id + " cites no source (declared: " + join_ids(ids) +
                             ")");
                continue;
            }
            bool cites_standard = false, unknown = false;
            std::size_t start = 0;
            while (start <= r.ref.size()) {
                std::size_t end = r.ref.find(';', start);
                if (end == std::string::npos) end = r.ref.size();
                std::string part = r.ref.substr(start, end - start);
                start = end + 1;
                part.erase(0, part.find_first_not_of(' '));
                const std::string id = part.substr(0, part.find(' '));
                const source* src = nullptr;
                for (const auto& s : prof.sources)
                    if (s.id == id) src = &s;
                if (!src) {
                    auto hint = closest(id, ids);
                    diag.add(pfile, where,
                             "\"" + part + "\" names no declared source" +
                                 (hint ? ": did you mean \"" + *hint + "\"?"
                                       : " (declared: " + join_ids(ids) + ")"));
                    unknown = true;
                    continue;
                }
                cites_standard = cites_standard || !src->own;
                if (src->files.empty()) continue;
                std::string rest = part.size() > id.size() ? part.substr(id.size() + 1) : "";
                const std::string file = without_lines(rest.substr(0, rest.find(' ')));
                if (std::find(src->files.begin(), src->files.end(), file) == src->files.end()) {
                    auto hint = closest(file, src->files, file.size() / 2);
                    diag.add(pfile, where,
                             "source " + id + (src->version.empty() ? "" : " " + src->version) +
                                 " has no file \"" + file + "\"" +
                                 (hint ? ": did you mean \"" + *hint + "\"?"
                                       : " among the files it lists"));
                }
            }
            if (c && c->mandatory && !cites_standard && !unknown)
                diag.add(pfile, where,
                         "requirement " + r.id + " is in the mandatory class " + r.cls +
                             " but cites only the profile itself: cite the standard, or move it "
                             "to an optional class");
        }
    }

    // "dir/file.js:34-40,52" names dir/file.js: lines, ranges and lists of them after a colon
    static std::string without_lines(const std::string& file) {
        static const boost::regex lines(":[0-9]+(-[0-9]+)?(,[0-9]+(-[0-9]+)?)*$");
        boost::smatch m;
        return boost::regex_search(file, m, lines)
                   ? file.substr(0, static_cast<std::size_t>(m.position(std::size_t{0})))
                   : file;
    }

    static std::string join_ids(const std::vector<std::string>& ids) {
        std::string out;
        for (const auto& id : ids)
            out += (out.empty() ? "" : ", ") + id;
        return out;
    }

    // Why a file the profile names may not be used, or nothing: with symlinks resolved, it
    // must be a regular file inside the profile folder. A profile is one folder, frozen
    // and digested as a whole; it cannot reach a key file elsewhere on the machine.
    std::string unconfined(const fs::path& file) const {
        std::error_code e;
        const fs::path real = fs::canonical(file, e);
        if (e) return "does not exist";
        const fs::path root = fs::canonical(prof.dir, e);
        const fs::path rel = real.lexically_relative(root);
        if (e || rel.empty() || *rel.begin() == "..")
            return "is outside the profile folder " + root.string() + " (it resolves to " +
                   real.string() + ")";
        if (!fs::is_regular_file(real, e)) return "is not a regular file";
        return {};
    }

    void schemas() {
        if (doc.contains("schemas")) {
            for (const auto& [name, rel] : doc["schemas"].items()) {
                schema_ref s;
                s.name = name;
                s.file = (prof.dir / rel.get<std::string>()).lexically_normal();
                s.is_xsd = s.file.extension() == ".xsd";
                s.is_graphql = s.file.extension() == ".graphql";
                const std::string where = "/schemas/" + name;
                if (std::string why = unconfined(s.file); !why.empty()) {
                    diag.add(pfile, where, "schema file " + s.file.string() + " " + why);
                    // Declared all the same: an assertion naming it is not a second problem.
                    prof.schemas.emplace(name, std::move(s));
                    continue;
                }
                files.push_back(s.file);
                try {
                    if (s.is_graphql) {
                        try {
                            s.sdl = std::make_shared<const graphql::schema>(
                                graphql::parse_schema(util::read_file(s.file)));
                        } catch (const graphql::syntax_error& e) {
                            diag.add(s.file.string() + ":" + std::to_string(e.where().line), "",
                                     e.what());
                        }
                    } else if (s.is_xsd) {
                        s.xsd = std::make_shared<const schema::xml_schema>(
                            schema::xml_schema::load(s.file.string()));
                        // What it imports is part of the profile: digested with it.
                        std::error_code ec;
                        const fs::path root = fs::weakly_canonical(prof.dir, ec);
                        for (const auto& f : s.xsd->files()) {
                            const fs::path in = prof.dir / f.lexically_relative(root);
                            if (std::find(files.begin(), files.end(), in) == files.end() &&
                                std::find(files.begin(), files.end(), f) == files.end() &&
                                fs::weakly_canonical(s.file, ec) != f)
                                files.push_back(in.lexically_normal());
                        }
                    } else if (auto sdoc = read_json_file(s.file, diag))
                        s.json = std::make_shared<const schema::json_schema>(
                            schema::json_schema::compile(
                                *sdoc, sibling_schema_files(
                                           s.file, *sdoc,
                                           [this](const fs::path& f) { return unconfined(f); },
                                           [this](const fs::path& f) {
                                               if (std::find(files.begin(), files.end(), f) ==
                                                   files.end())
                                                   files.push_back(f);
                                           })));
                } catch (const std::exception& e) {
                    diag.add(s.file.string(), "", e.what());
                }
                prof.schemas.emplace(name, std::move(s));
            }
        }
    }

    void datasets() {
        if (doc.contains("datasets")) {
            for (const auto& [name, entry] : doc["datasets"].items()) {
                // "name": "file.csv", or {"file": "file.csv", "types": {"column": "integer"}}
                const std::string rel =
                    entry.is_string() ? entry.get<std::string>() : entry["file"].get<std::string>();
                std::map<std::string, std::string> types;
                if (entry.is_object() && entry.contains("types"))
                    types = entry["types"].get<std::map<std::string, std::string>>();
                dataset d{name, (prof.dir / rel).lexically_normal(), {}};
                if (std::string why = unconfined(d.file); !why.empty()) {
                    diag.add(pfile, "/datasets/" + name,
                             "data set file " + d.file.string() + " " + why);
                    continue;
                }
                files.push_back(d.file);
                if (!types.empty() && d.file.extension() != ".csv")
                    diag.add(pfile, "/datasets/" + name + "/types",
                             "column types apply to CSV data sets (JSON values keep their type)");
                d.rows = read_dataset(d.file, diag, types);
                prof.datasets.emplace(name, std::move(d));
            }
        }
    }

    void parameters() {
        if (doc.contains("parameters")) {
            for (const auto& [name, p] : doc["parameters"].items()) {
                parameter_spec spec;
                spec.name = name;
                spec.description = p.value("description", "");
                spec.required = p.value("required", false);
                spec.secret = p.value("secret", false);
                if (p.contains("default")) spec.default_value = p["default"].get<std::string>();
                prof.parameters.emplace(name, std::move(spec));
            }
        }
    }

    // Reads the fragment files the profile lists; they are expanded where test cases use them.
    void fragments() {
        each_listed("fragments", "fragment", "fragment", [&](const fs::path& f, const json& fdoc) {
            fragment fr;
            fr.id = fdoc["id"].get<std::string>();
            fr.file = f;
            fr.description = fdoc.value("description", "");
            const json params = fdoc.value("parameters", json::object());
            for (const auto& [name, spec] : params.items())
                fr.parameters.emplace_back(name, spec.contains("default")
                                                     ? std::optional<json>(spec["default"])
                                                     : std::nullopt);
            fr.steps = fdoc["steps"];
            if (fragment_lib.count(fr.id))
                diag.add(f.string(), "/id",
                         "duplicate fragment id \"" + fr.id + "\" (also in " +
                             fragment_lib[fr.id].file.string() + ")");
            else
                fragment_lib.emplace(fr.id, std::move(fr));
        });
    }

    // A class's setup and cleanup steps, run around each of its test cases.
    void class_steps() {
        const json& classes = doc["classes"];
        for (std::size_t i = 0; i < classes.size(); ++i)
            for (const std::string phase : {"setup", "cleanup"}) {
                if (!classes[i].contains(phase)) continue;
                auto& by_class = phase == "setup" ? class_setup : class_cleanup;
                by_class[classes[i]["id"].get<std::string>()] =
                    parse_steps(classes[i][phase], "/classes/" + std::to_string(i) + "/" + phase,
                                prof.file, diag, fragment_lib);
            }
    }

    // The files a list of the profile names ("testcases": ["testcases/*.json"]), each one
    // confined to the profile folder, read, digested and checked against its format before
    // `use` sees it.
    template <class F>
    void each_listed(const char* key, std::string_view format, const std::string& what, F&& use) {
        if (!doc.contains(key)) return;
        const json& list = doc[key];
        for (std::size_t i = 0; i < list.size(); ++i) {
            const std::string where = "/" + std::string(key) + "/" + std::to_string(i);
            auto matched = expand(prof.dir, list[i].get<std::string>());
            if (matched.empty())
                diag.add(pfile, where,
                         "no " + what + " file matches \"" + list[i].get<std::string>() + "\"");
            for (const auto& f : matched) {
                if (std::string why = unconfined(f); !why.empty()) {
                    diag.add(pfile, where, what + " file " + f.string() + " " + why);
                    continue;
                }
                auto fdoc = read_json_file(f, diag);
                if (!fdoc) continue;
                files.push_back(f);
                std::size_t n = diag.problems().size();
                check_format(*fdoc, format, f, diag);
                if (diag.problems().size() == n) use(f, *fdoc);
            }
        }
    }

    void testcases() {
        std::set<std::string> tc_ids;
        each_listed("testcases", "testcase", "test case", [&](const fs::path& f, const json& tdoc) {
            testcase tc = parse_testcase(tdoc, f, diag, fragment_lib);
            graphql_requests(tc);
            if (auto it = class_setup.find(tc.cls); it != class_setup.end())
                tc.setup.insert(tc.setup.begin(), it->second.begin(), it->second.end());
            if (auto it = class_cleanup.find(tc.cls); it != class_cleanup.end())
                tc.cleanup.insert(tc.cleanup.end(), it->second.begin(), it->second.end());
            if (!tc_ids.insert(tc.id).second)
                diag.add(f.string(), "/id", "duplicate test case id \"" + tc.id + "\"");
            // Its effect: as stated, else inferred; a read-only one may not write.
            const step* write = first_write(tc);
            tc.eff = tc.stated_effect.value_or(write ? effect::writes : effect::read_only);
            if (tc.eff == effect::read_only && write)
                diag.add(f.string(), "/effect",
                         "the test case states it is read-only, but step " +
                             (write->written_at.empty() ? write->pointer : write->written_at) +
                             " sends " + write->exchange()->request.method +
                             " (mark the request \"safe\": true if it changes nothing)");
            prof.testcases.push_back(std::move(tc));
        });
    }

    // The GraphQL schema a request's query is written for: the one it names, else the
    // profile's only one; null (and a problem) when there is none.
    const graphql::schema* graphql_schema_of(const request_spec::graphql_message& g,
                                             const std::string& file, const std::string& at) {
        std::vector<const schema_ref*> all;
        for (const auto& [name, ref] : prof.schemas)
            if (ref.is_graphql) all.push_back(&ref);
        if (!g.schema.empty()) {
            auto it = prof.schemas.find(g.schema);
            if (it == prof.schemas.end() || !it->second.is_graphql) {
                diag.add(file, at + "/schema",
                         "unknown GraphQL schema \"" + g.schema +
                             "\": not a .graphql schema of the profile");
                return nullptr;
            }
            return it->second.sdl.get();
        }
        if (all.size() == 1) return all.front()->sdl.get();
        if (all.size() > 1)
            diag.add(file, at, "the profile has several GraphQL schemas: name one in \"schema\"");
        return nullptr;
    }

    // Every GraphQL request of a test case: its query read (from its file inside the
    // profile folder, digested with it), parsed, checked against the schema it is written
    // for, and marked safe when its operation is a query (it changes nothing).
    void graphql_requests(testcase& tc) {
        const std::string file = tc.file.string();
        auto walk = [&](std::vector<step>& steps, auto& self) -> void {
            for (step& s : steps) {
                if (auto* loop = std::get_if<loop_step>(&s.kind)) self(loop->steps, self);
                if (auto* use = std::get_if<fragment_use>(&s.kind)) self(use->steps, self);
                exchange_step* x = s.exchange();
                if (!x || !x->request.graphql) continue;
                auto& g = *x->request.graphql;
                const std::string at = s.pointer + "/request/graphql";
                std::string where_query = file;
                if (!g.file.empty()) {
                    const fs::path qf = (prof.dir / g.file).lexically_normal();
                    if (std::string why = unconfined(qf); !why.empty()) {
                        diag.add(file, at + "/file", "query file " + qf.string() + " " + why);
                        continue;
                    }
                    if (std::find(files.begin(), files.end(), qf) == files.end())
                        files.push_back(qf);
                    g.query = util::read_file(qf);
                    where_query = qf.string();
                }
                graphql::executable_document doc;
                try {
                    doc = graphql::parse_executable(g.query);
                } catch (const graphql::syntax_error& e) {
                    diag.add(
                        g.file.empty() ? file : where_query + ":" + std::to_string(e.where().line),
                        g.file.empty() ? at + "/query" : "", std::string("GraphQL: ") + e.what());
                    continue;
                }
                const graphql::operation* op = doc.find(g.operation);
                if (!op) {
                    diag.add(file, at,
                             g.operation.empty()
                                 ? "the query holds several operations: name one in \"operation\""
                                 : "the query has no operation " + g.operation);
                    continue;
                }
                x->request.safe = op->type == "query";
                if (g.introspection || !g.checked) continue;
                if (const graphql::schema* sdl = graphql_schema_of(g, file, at))
                    for (const auto& p : graphql::validate(doc, *sdl))
                        diag.add(g.file.empty() ? file
                                                : where_query + ":" + std::to_string(p.at.line),
                                 g.file.empty() ? at + "/query" : "",
                                 "GraphQL " + std::to_string(p.at.line) + ":" +
                                     std::to_string(p.at.column) + ": " + p.what);
            }
        };
        walk(tc.setup, walk);
        walk(tc.steps, walk);
        walk(tc.cleanup, walk);
    }

    // Client certificates a profile ships (a step's {"cert", "key"}): files inside the
    // profile folder, made absolute and digested with it.
    void certificates() {
        auto walk = [&](const testcase& tc, step& s, auto& self) -> void {
            exchange_step* x = s.exchange();
            if (x && !x->request.profile_cert.empty()) {
                for (auto* p : {&x->request.profile_cert, &x->request.profile_key}) {
                    const fs::path file = (prof.dir / *p).lexically_normal();
                    if (std::string why = unconfined(file); !why.empty()) {
                        diag.add(tc.file.string(), s.pointer + "/request/client_certificate",
                                 "client certificate file " + file.string() + " " + why);
                        continue;
                    }
                    *p = file;
                    if (std::find(files.begin(), files.end(), file) == files.end())
                        files.push_back(file);
                }
            }
            if (auto* loop = std::get_if<loop_step>(&s.kind))
                for (auto& inner : loop->steps)
                    self(tc, inner, self);
            if (auto* use = std::get_if<fragment_use>(&s.kind))
                for (auto& inner : use->steps)
                    self(tc, inner, self);
        };
        for (auto& tc : prof.testcases)
            for (auto* phase : {&tc.setup, &tc.steps, &tc.cleanup})
                for (auto& s : *phase)
                    walk(tc, s, walk);
    }

    // Every reference between test cases and the profile resolves.
    void cross_check() {
        checker chk{prof, diag};
        for (const auto& tc : prof.testcases) {
            const std::string f = tc.file.string();
            if (!prof.find_class(tc.cls))
                diag.add(f, "/class",
                         "unknown class \"" + tc.cls + "\": not in the profile's classes");
            for (std::size_t v = 0; v < tc.verifies.size(); ++v) {
                const requirement* r = prof.find_requirement(tc.verifies[v]);
                if (!r)
                    diag.add(f, "/verifies/" + std::to_string(v),
                             "unknown requirement \"" + tc.verifies[v] +
                                 "\": not defined in the profile");
            }
            for (std::size_t p = 0; p < tc.requires_parameters.size(); ++p)
                if (!prof.parameters.count(tc.requires_parameters[p]))
                    diag.add(f, "/requires_parameters/" + std::to_string(p),
                             "unknown parameter \"" + tc.requires_parameters[p] + "\"");
            for (const auto* phase : {&tc.setup, &tc.steps, &tc.cleanup})
                for (const auto& s : *phase)
                    chk.step(tc, s);
            detail::lint_templates(prof, tc, diag);
        }
    }

    void digest() {
        // The digest covers every file, listed as sha256sum would print them.
        std::string listing;
        for (const auto& f : files) {
            try {
                prof.files.push_back(
                    {relative_name(f, prof.dir), util::sha256_hex(util::read_file(f))});
            } catch (const std::exception& e) {
                diag.add(f.string(), "", e.what());
            }
        }
        std::sort(prof.files.begin(), prof.files.end(),
                  [](const file_digest& a, const file_digest& b) { return a.path < b.path; });
        for (const auto& f : prof.files)
            listing += f.sha256 + "  " + f.path + "\n";
        prof.digest = util::sha256_hex(listing);
    }
};

} // namespace

profile load_profile(const fs::path& dir_or_file, diagnostics& diag) {
    profile prof;
    std::error_code ec;
    prof.file = fs::is_directory(dir_or_file, ec) ? dir_or_file / "profile.json" : dir_or_file;
    prof.dir = fs::absolute(prof.file).parent_path();

    auto doc = read_json_file(prof.file, diag);
    if (!doc) return prof;
    std::size_t before = diag.problems().size();
    check_format(*doc, "profile", prof.file, diag);
    if (diag.problems().size() != before) return prof;

    prof.id = (*doc)["id"];
    prof.version = (*doc)["version"];
    prof.title = (*doc)["title"];
    if (doc->contains("sources"))
        for (const auto& s : (*doc)["sources"]) {
            source src;
            if (s.is_string()) {
                src.title = s.get<std::string>();
            } else {
                src.id = s["id"].get<std::string>();
                src.title = s["title"].get<std::string>();
                src.version = s.value("version", "");
                src.url = s.value("url", "");
                src.own = s.value("own", false);
                if (s.contains("files")) src.files = s["files"].get<std::vector<std::string>>();
            }
            prof.sources.push_back(std::move(src));
        }
    if (doc->contains("namespaces"))
        prof.namespaces = (*doc)["namespaces"].get<std::map<std::string, std::string>>();
    loader l(prof, *doc, diag);
    l.classes();
    l.requirements();
    l.references();
    l.schemas();
    l.datasets();
    l.parameters();
    l.fragments();
    l.class_steps();
    l.testcases();
    l.certificates();
    l.cross_check();
    l.digest();
    return prof;
}

profile load_profile(const fs::path& dir_or_file) {
    diagnostics diag;
    profile p = load_profile(dir_or_file, diag);
    throw_if_any(diag);
    return p;
}

} // namespace konform::model
