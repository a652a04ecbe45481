#include "konform/model/testcase.hpp"

#include "konform/graphql/introspection.hpp"
#include "konform/load/recorder.hpp"

#include "konform/model/predicates.hpp"
#include "konform/model/template_expression.hpp"

#include <algorithm>
#include <boost/regex.hpp>
#include <cctype>
#include <memory>
#include <pugixml.hpp>

namespace konform::model {

using nlohmann::json;

std::string_view to_string(subject s) {
    switch (s) {
    case subject::status:
        return "status";
    case subject::header:
        return "header";
    case subject::json:
        return "json";
    case subject::xpath:
        return "xpath";
    case subject::body:
        return "body";
    case subject::duration:
        return "duration_ms";
    case subject::schema:
        return "schema";
    case subject::csv:
        return "csv";
    case subject::ndjson:
        return "ndjson";
    case subject::jsonp:
        return "jsonp";
    case subject::data:
        return "data";
    case subject::errors:
        return "errors";
    case subject::service_level:
        return "service_level";
    case subject::refused:
        return "refused";
    case subject::soap_body:
        return "soap_body";
    case subject::soap_fault:
        return "soap_fault";
    }
    return "?";
}

namespace {

constexpr subject all_subjects[] = {
    subject::status,    subject::header,     subject::json,   subject::xpath,
    subject::body,      subject::duration,   subject::schema, subject::refused,
    subject::soap_body, subject::soap_fault, subject::csv,    subject::ndjson,
    subject::jsonp,     subject::data,       subject::errors, subject::service_level};

bool is_predicate(const std::string& key) {
    return find_predicate(key) != nullptr;
}

struct parser {
    const std::filesystem::path& file;
    diagnostics& diag;
    const fragment_library& fragments;
    std::string prefix;                   // pointer of the using step, inside a fragment
    std::string used_at;                  // "(used at tc.json /steps/2)", inside a fragment
    std::vector<const fragment*> chain{}; // the fragments being expanded, outermost first
    std::shared_ptr<std::size_t> expanded = std::make_shared<std::size_t>(0); // steps so far

    // Fragments that use fragments several times could expand without end in practice
    // (2 uses at each of 30 levels): a test case stops at this many steps.
    static constexpr std::size_t max_expanded_steps = 10'000;

    void error(const std::string& where, const std::string& message) {
        diag.add(file.string(), where, message + used_at);
    }

    // The modifiers of a predicate object (as, within, decimals) name what they can.
    void check_modifiers(const json& preds, const std::string& where) {
        if (preds.contains("as") &&
            !(preds["as"].is_string() && find_value_type(preds["as"].get<std::string>())))
            error(where + "/as", "\"as\" names a value type: integer, decimal, date or dateTime");
        if (preds.contains("within") &&
            !(preds["within"].is_number() && preds["within"].get<double>() >= 0))
            error(where + "/within", "\"within\" is a tolerance: a number of at least 0");
        if (preds.contains("decimals") &&
            !(preds["decimals"].is_number_integer() && preds["decimals"].get<int>() >= 0 &&
              preds["decimals"].get<int>() <= 15))
            error(where + "/decimals", "\"decimals\" is a whole number from 0 to 15");
        if (preds.contains("within") && preds.contains("decimals"))
            error(where, "\"within\" and \"decimals\" both state a tolerance: keep one");
        const auto as = preds.contains("as") && preds["as"].is_string()
                            ? find_value_type(preds["as"].get<std::string>())
                            : nullptr;
        if ((preds.contains("within") || preds.contains("decimals")) && as &&
            as->id != value_type::integer && as->id != value_type::decimal)
            error(where, "a tolerance compares numbers: it does not go with \"as\": \"" +
                             std::string(as->name) + "\"");
    }

    // Checks regexes and modifiers inside a predicate object (recursively for
    // each/some/count), and the comparisons of a rows predicate.
    void check_predicates(const json& preds, const std::string& where) {
        if (!preds.is_object()) return;
        check_modifiers(preds, where);
        for (const auto& [key, value] : preds.items()) {
            if (key == "rows" && value.is_object() && value.contains("compare") &&
                value["compare"].is_object())
                for (const auto& [column, how] : value["compare"].items()) {
                    const std::string at = where + "/rows/compare/" + column;
                    for (const auto& [m, v] : how.items())
                        if (m != "as" && m != "within" && m != "decimals")
                            error(at + "/" + m, "a column compares with as, within or decimals");
                    check_modifiers(how, at);
                }
            const predicate_info* p = find_predicate(key);
            if (!p) continue;
            switch (p->argument) {
            case predicate_argument::regex:
                if (!value.is_string()) break;
                try {
                    boost::regex re(value.get<std::string>());
                } catch (const boost::regex_error& e) {
                    error(where + "/" + key,
                          std::string("invalid regular expression: ") + e.what());
                }
                break;
            case predicate_argument::nested:
                check_predicates(value, where + "/" + key);
                break;
            case predicate_argument::count:
                if (value.is_object()) check_predicates(value, where + "/" + key);
                break;
            default:
                break;
            }
        }
    }

    void check_pointer(const std::string& ptr, const std::string& where) {
        try {
            json::json_pointer p(ptr);
        } catch (const json::exception&) {
            error(where, "invalid JSON Pointer \"" + ptr +
                             "\": expected \"\" or a path starting with '/' (RFC 6901)");
        }
    }

    void check_xpath(const std::string& expr, const std::string& where) {
        try {
            pugi::xpath_query q(expr.c_str());
        } catch (const pugi::xpath_exception& e) {
            error(where, std::string("invalid XPath 1.0 expression: ") + e.what());
        }
    }

    // The one subject an expectation names, its selector, and the predicates the subject's
    // own value implies ("status": 200 is equals 200); counts the subjects it names.
    int parse_subject(const json& a, const std::string& where, assertion& out, json& preds) {
        int subjects = 0;
        auto take = [&](subject s) {
            ++subjects;
            out.what = s;
        };
        if (a.contains("status")) {
            take(subject::status);
            const json& v = a["status"];
            if (v.is_number_integer())
                preds["equals"] = v;
            else if (v.is_array())
                preds["one_of"] = v;
            else if (v.is_string()) {
                int base = (v.get<std::string>()[0] - '0') * 100;
                preds["ge"] = base;
                preds["lt"] = base + 100;
            } else if (v.is_object())
                preds.update(v);
        }
        // Subjects whose value names what to judge.
        for (const auto& [key, s] : {std::pair{"header", subject::header},
                                     {"schema", subject::schema},
                                     {"soap_body", subject::soap_body},
                                     {"soap_fault", subject::soap_fault}})
            if (a.contains(key)) {
                take(s);
                out.selector = a[key].get<std::string>();
            }
        for (const auto& [key, s] : {std::pair{"json", subject::json},
                                     {"csv", subject::csv},
                                     {"ndjson", subject::ndjson},
                                     {"jsonp", subject::jsonp},
                                     {"data", subject::data},
                                     {"errors", subject::errors}})
            if (a.contains(key)) {
                take(s);
                out.selector = a[key].get<std::string>();
                check_pointer(out.selector, where + "/" + key);
            }
        if (a.contains("xpath")) {
            take(subject::xpath);
            out.selector = a["xpath"].get<std::string>();
            check_xpath(out.selector, where + "/xpath");
        }
        for (const auto& [key, s] :
             {std::pair{"body", subject::body}, {"duration_ms", subject::duration}})
            if (a.contains(key)) {
                take(s);
                preds.update(a[key]);
            }
        if (a.contains("refused")) take(subject::refused);
        if (a.contains("service_level")) {
            take(subject::service_level);
            out.selector = a["service_level"].get<std::string>();
            const auto& names = load::metric_names();
            if (std::find(names.begin(), names.end(), out.selector) == names.end()) {
                std::string all;
                for (auto n : names)
                    all += (all.empty() ? "" : ", ") + std::string(n);
                error(where + "/service_level",
                      "unknown service level \"" + out.selector + "\": expected one of " + all);
            }
        }
        return subjects;
    }

    // The predicates fit the subject: each subject takes the kind it can judge.
    void check_fit(const assertion& out, json& preds, const std::string& where) {
        const bool rows_subject = out.what == subject::json || out.what == subject::csv ||
                                  out.what == subject::ndjson || out.what == subject::jsonp ||
                                  out.what == subject::data || out.what == subject::errors;
        if (preds.contains("rows") && !rows_subject)
            error(where + "/rows", "rows compares an array of records: use it with json, csv, "
                                   "ndjson, jsonp or data");
        bool modifiers_only = !preds.empty();
        for (const auto& [key, value] : preds.items())
            modifiers_only = modifiers_only && is_modifier(key);
        if (modifiers_only)
            error(where, "as, within and decimals say how a predicate compares: add one, e.g. "
                         "equals, one_of or ge");
        if (preds.empty() && (rows_subject || out.what == subject::header ||
                              out.what == subject::xpath || out.what == subject::soap_fault))
            preds["exists"] = true;
        if (out.what == subject::refused && !preds.empty())
            error(where, "\"refused\" takes no predicate: it holds when the system refuses "
                         "the connection or answers 401 or 403");
        if (out.what == subject::soap_body && !preds.empty())
            error(where, "\"soap_body\" takes no predicate: it names the element the SOAP "
                         "Body must hold (check its content with xpath)");
        if (preds.empty() && out.what != subject::schema && out.what != subject::refused &&
            out.what != subject::soap_body)
            error(where, "assertion has no predicate: expected e.g. equals, matches, exists");
        if (out.what == subject::schema && !preds.empty())
            error(where, "a schema assertion takes no predicates");
    }

    // "after": the subjects an expectation waits for; never its own.
    void parse_after(const json& names, const std::string& where, assertion& out) {
        for (const auto& n : names.is_array() ? names : json::array({names})) {
            std::optional<subject> s;
            for (subject each : all_subjects)
                if (to_string(each) == n.get<std::string>()) s = each;
            if (!s || *s == out.what)
                error(where + "/after",
                      !s ? "\"" + n.get<std::string>() + "\" is not a subject of an expectation"
                         : "an expectation cannot wait for its own subject \"" +
                               n.get<std::string>() + "\"");
            else
                out.after.push_back(*s);
        }
    }

    assertion parse_assertion(const json& a, const std::string& where) {
        assertion out;
        out.pointer = prefix + where;
        json preds = json::object();
        for (const auto& [key, value] : a.items())
            if (is_predicate(key) || (is_modifier(key) && key != "at")) preds[key] = value;
        if (int subjects = parse_subject(a, where, out, preds); subjects != 1)
            error(where, subjects == 0
                             ? "assertion has no subject: expected one of status, header, "
                               "json, csv, ndjson, jsonp, data, errors, xpath, body, "
                               "duration_ms, schema, refused, soap_body, soap_fault, "
                               "service_level"
                             : "assertion has more than one subject: split it in two");
        check_fit(out, preds, where);
        check_predicates(preds, where);
        if (a.contains("types")) {
            if (out.what != subject::schema)
                error(where + "/types", "types names the GraphQL types a schema assertion covers");
            else
                out.types = a["types"].get<std::vector<std::string>>();
        }
        out.predicates = std::move(preds);
        if (a.contains("proves")) {
            const json& p = a["proves"];
            if (p.is_string())
                out.proves.push_back(p.get<std::string>());
            else
                for (const auto& id : p)
                    out.proves.push_back(id.get<std::string>());
        }
        if (a.contains("after")) parse_after(a["after"], where, out);
        out.description = a.value("description", "");
        return out;
    }

    capture parse_capture(const std::string& name, const json& c, const std::string& where) {
        capture out;
        out.variable = name;
        int sources = 0;
        if (c.contains("json")) {
            ++sources;
            out.source = capture::from::json;
            out.selector = c["json"].get<std::string>();
            check_pointer(out.selector, where + "/json");
        }
        if (c.contains("xpath")) {
            ++sources;
            out.source = capture::from::xpath;
            out.selector = c["xpath"].get<std::string>();
            check_xpath(out.selector, where + "/xpath");
        }
        if (c.contains("header")) {
            ++sources;
            out.source = capture::from::header;
            out.selector = c["header"].get<std::string>();
        }
        if (c.contains("body")) {
            ++sources;
            out.source = capture::from::body;
        }
        if (sources != 1)
            error(where, "a capture takes exactly one source: json, xpath, header or body");
        if (c.contains("regex")) {
            out.regex = c["regex"].get<std::string>();
            try {
                boost::regex re(*out.regex);
                out.group = c.value("group", re.mark_count() > 0 ? 1 : 0);
                if (static_cast<std::size_t>(out.group) > re.mark_count())
                    error(where + "/group",
                          "the regex has only " + std::to_string(re.mark_count()) + " group(s)");
            } catch (const boost::regex_error& e) {
                error(where + "/regex", std::string("invalid regular expression: ") + e.what());
            }
        } else if (out.source == capture::from::body) {
            error(where, "a body capture needs a regex");
        }
        out.append = c.value("append", false);
        return out;
    }

    // Setup and cleanup steps prove nothing.
    void no_proof(const step& s) {
        if (s.load())
            diag.add(file.string(), s.pointer,
                     "a load runs among the test case's steps, not in its setup or cleanup");
        for (const auto& a : s.expectations())
            if (!a.proves.empty())
                diag.add(file.string(), a.pointer, "setup and cleanup steps prove no requirement");
        for (const auto& inner : s.inner())
            no_proof(inner);
    }

    static std::string scalar_text(const json& v) {
        return v.is_string() ? v.get<std::string>() : v.dump();
    }

    // {"query" | "file" | "introspection": true, "variables", "operation", "schema"}. An
    // inline query is parsed here (a query file when the profile loads): a query operation
    // changes nothing, so the POST that carries it is safe.
    request_spec::graphql_message parse_graphql(const json& g, const std::string& where) {
        request_spec::graphql_message m;
        m.query = g.value("query", "");
        m.file = g.value("file", "");
        m.introspection = g.value("introspection", false);
        if (m.introspection) m.query = graphql::introspection_query();
        if (g.contains("variables")) m.variables = g["variables"];
        m.operation = g.value("operation", "");
        m.schema = g.value("schema", "");
        m.checked = g.value("checked", true);
        if (int n = !m.file.empty() + g.contains("query") + m.introspection; n != 1)
            error(where, "a GraphQL request takes one of query, file or introspection");
        return m;
    }

    request_spec parse_request(const json& r, const std::string& where) {
        request_spec out;
        out.method = r["method"].get<std::string>();
        out.path = r["path"].get<std::string>();
        // A templated path is checked once rendered (request_builder).
        if (!out.path.empty() && out.path.front() != '/' && out.path.rfind("http", 0) != 0 &&
            out.path.find("{{") == std::string::npos)
            error(where + "/path", "a path starts with '/' (or is a full http(s) URL)");
        if (r.contains("query"))
            for (const auto& [k, v] : r["query"].items()) {
                if (v.is_array())
                    for (const auto& item : v)
                        out.query.emplace_back(k, scalar_text(item));
                else
                    out.query.emplace_back(k, scalar_text(v));
            }
        if (r.contains("headers"))
            for (const auto& [k, v] : r["headers"].items())
                out.headers.emplace_back(k, v.get<std::string>());
        int bodies = 0;
        if (r.contains("json")) ++bodies, out.json_body = r["json"];
        if (r.contains("xml")) ++bodies, out.xml_body = r["xml"].get<std::string>();
        if (r.contains("body")) ++bodies, out.text_body = r["body"].get<std::string>();
        if (r.contains("form")) {
            ++bodies;
            out.form_body.emplace();
            for (const auto& [k, v] : r["form"].items())
                out.form_body->emplace_back(k, v.get<std::string>());
        }
        if (r.contains("soap")) {
            ++bodies;
            const json& s = r["soap"];
            request_spec::soap_message m;
            m.version = s.value("version", "1.1");
            m.action = s.value("action", "");
            m.header = s.value("header", "");
            m.body = s["body"].get<std::string>();
            out.soap = std::move(m);
            if (r.contains("soap_action"))
                error(where + "/soap_action", "a soap request names its action in soap.action");
        }
        if (r.contains("graphql")) {
            ++bodies;
            out.graphql = parse_graphql(r["graphql"], where + "/graphql");
            if (out.method != "POST")
                error(where + "/method", "a GraphQL request is a POST (GraphQL over HTTP)");
        }
        if (bodies > 1)
            error(where, "a request takes at most one of json, xml, body, form, soap, graphql");
        out.soap_action = r.value("soap_action", "");
        out.follow_redirects = r.value("follow_redirects", false);
        out.follow_cross_origin = r.value("follow_cross_origin", false);
        out.authenticate = r.value("authenticate", true);
        out.safe = r.value("safe", false);
        if (out.safe && out.method != "POST")
            error(where + "/safe",
                  "only a POST may be marked safe (a lookup such as a SOAP call); " + out.method +
                      " says what it does by its method");
        if (r.contains("client_certificate")) {
            const json& c = r["client_certificate"];
            if (c.is_string()) {
                out.client_certificate = c.get<std::string>() != "none";
            } else {
                out.profile_cert = c["cert"].get<std::string>();
                out.profile_key = c["key"].get<std::string>();
            }
        }
        return out;
    }

    // Expands {"use": "<fragment>", "with": {...}}: the fragment's steps, parsed in the
    // fragment's file, with their pointers under the using step's.
    void parse_use(const json& s, const std::string& where, step& out) {
        fragment_use& use = out.kind.emplace<fragment_use>();
        const std::string id = s["use"].get<std::string>();
        auto it = fragments.find(id);
        if (it == fragments.end()) {
            std::vector<std::string> ids;
            for (const auto& [name, f] : fragments)
                ids.push_back(name);
            auto hint = closest(id, ids);
            error(where + "/use", "unknown fragment \"" + id + "\"" +
                                      (hint ? ": did you mean \"" + *hint + "\"?"
                                            : ": not among the profile's fragments"));
            return;
        }
        const fragment& f = it->second;
        for (const fragment* outer : chain)
            if (outer == &f) {
                std::string cycle;
                for (const fragment* c : chain)
                    cycle += c->file.filename().string() + " -> ";
                error(where + "/use",
                      "fragments use each other in a cycle: " + cycle + f.file.filename().string());
                return;
            }
        use.fragment = id;
        if (out.name.empty()) out.name = id;
        std::vector<std::string> names;
        for (const auto& [name, def] : f.parameters)
            names.push_back(name);
        const json with = s.value("with", json::object());
        for (const auto& [key, value] : with.items()) {
            if (std::find(names.begin(), names.end(), key) == names.end()) {
                auto hint = closest(key, names);
                error(where + "/with/" + key,
                      "fragment \"" + id + "\" has no parameter \"" + key + "\"" +
                          (hint ? ": did you mean \"" + *hint + "\"?" : ""));
                continue;
            }
            use.bindings.emplace_back(key, value);
        }
        for (const auto& [name, def] : f.parameters) {
            if (with.contains(name)) continue;
            if (def)
                use.bindings.emplace_back(name, *def);
            else
                error(where + "/with",
                      "fragment \"" + id + "\" needs the parameter \"" + name + "\"");
        }
        parser inner{f.file,
                     diag,
                     fragments,
                     prefix + where,
                     used_at.empty() ? " (used at " + file.string() + " " + where + ")" : used_at,
                     chain,
                     expanded};
        inner.chain.push_back(&f);
        for (std::size_t i = 0; i < f.steps.size(); ++i) {
            if (*expanded >= max_expanded_steps) {
                error(where + "/use", "the fragments expand to more than " +
                                          std::to_string(max_expanded_steps) +
                                          " steps in one test case");
                return;
            }
            use.steps.push_back(inner.parse_step(f.steps[i], "/steps/" + std::to_string(i)));
        }
    }

    // {"load": {...}, "steps": [...], "expect": [...]}: requests under a stated load, and
    // the service levels it must keep (the format schema has checked the shapes).
    void parse_load(const json& s, const std::string& where, step& out) {
        load_step& ld = out.kind.emplace<load_step>();
        const json& l = s["load"];
        const bool open = l.contains("open");
        const json& m = open ? l["open"] : l["closed"];
        ld.plan.model = open ? load_plan::kind::open : load_plan::kind::closed;
        ld.plan.rate = m.value("rate", 0.0);
        ld.plan.connections = m.value("connections", 0);
        ld.plan.users = m.value("users", 0);
        ld.plan.think_ms = m.value("think_ms", 0.0);
        ld.plan.duration_s = m.value("duration_s", 0.0);
        ld.plan.ramp_up_s = m.value("ramp_up_s", 0.0);
        ld.plan.sample = l.value("sample", 1.0);
        ld.rows = l.value("rows", "");
        ld.as = l.value("as", "row");
        if (l.contains("where")) ld.where = l["where"];
        const json& inner = s["steps"];
        for (std::size_t i = 0; i < inner.size(); ++i) {
            const std::string at = where + "/steps/" + std::to_string(i);
            ld.steps.push_back(parse_step(inner[i], at));
            const exchange_step* x = ld.steps.back().exchange();
            if (!x || !inner[i].contains("request"))
                error(at, "a load's steps are requests (no for_each, use or load inside)");
            else if (x->pages || !x->captures.empty())
                error(at, "a load's request neither pages nor captures: each answer stands "
                          "alone (capture in the test case's setup)");
        }
        if (s.contains("expect")) {
            const json& e = s["expect"];
            for (std::size_t i = 0; i < e.size(); ++i) {
                ld.expect.push_back(parse_assertion(e[i], where + "/expect/" + std::to_string(i)));
                if (ld.expect.back().what != subject::service_level)
                    error(where + "/expect/" + std::to_string(i),
                          "a load step's expect holds service levels (\"service_level\": "
                          "\"p95_ms\", ...); an answer's expectations go in its request step");
            }
        }
    }

    step parse_step(const json& s, const std::string& where) {
        ++*expanded;
        step out;
        out.pointer = prefix + where;
        if (!chain.empty()) out.written_at = file.string() + " " + where;
        out.name = s.value("name", "");
        if (s.contains("use")) {
            parse_use(s, where, out);
            return out;
        }
        if (s.contains("for_each")) {
            loop_step& loop = out.kind.emplace<loop_step>();
            const json& f = s["for_each"];
            if (f.is_array()) {
                loop.source.from = loop_source::kind::rows;
                loop.source.rows = f;
            } else if (f.is_object()) {
                loop.source.from = loop_source::kind::range;
                loop.source.first = f["from"];
                loop.source.last = f["to"];
            } else {
                loop.source.name = f.get<std::string>();
                loop.source.from = loop.source.name.find("{{") == std::string::npos
                                       ? loop_source::kind::dataset
                                       : loop_source::kind::expression;
            }
            loop.as = s.value("as", "row");
            loop.stop_on_failure = s.value("stop_on_failure", false);
            if (s.contains("where")) loop.where = s["where"];
            const json& inner = s["steps"];
            for (std::size_t i = 0; i < inner.size(); ++i)
                loop.steps.push_back(parse_step(inner[i], where + "/steps/" + std::to_string(i)));
            return out;
        }
        if (s.contains("load")) {
            parse_load(s, where, out);
            return out;
        }
        exchange_step& x = out.kind.emplace<exchange_step>();
        if (s.contains("request")) x.request = parse_request(s["request"], where + "/request");
        if (s.contains("pages")) {
            const json& p = s["pages"];
            paging pg;
            pg.param = p.value("param", "");
            pg.cursor = p.value("cursor", "");
            pg.page_info = p.value("page_info", "");
            pg.variable = p.value("variable", "");
            pg.from = p.value("from", pg.cursor.empty() && pg.variable.empty() ? 1LL : 0LL);
            pg.max = p.value("max", 1000LL);
            pg.step = p.value("step", 1LL);
            const int kinds = !pg.param.empty() + !pg.cursor.empty() + !pg.variable.empty();
            if (kinds != 1)
                error(where + "/pages", "pages takes one of param (a query parameter), cursor "
                                        "or variable (GraphQL)");
            if (!pg.cursor.empty() && pg.page_info.empty())
                error(where + "/pages", "cursor paging names the page_info it reads "
                                        "(\"/Entity/pageInfo\", a pointer into data)");
            if ((!pg.cursor.empty() || !pg.variable.empty()) &&
                !(s.contains("request") && s["request"].contains("graphql")))
                error(where + "/pages", "cursor and variable paging are for GraphQL requests");
            if (!pg.page_info.empty()) check_pointer(pg.page_info, where + "/pages/page_info");
            x.pages = pg;
        }
        if (s.contains("expect")) {
            const json& e = s["expect"];
            for (std::size_t i = 0; i < e.size(); ++i) {
                x.expect.push_back(parse_assertion(e[i], where + "/expect/" + std::to_string(i)));
                if (x.expect.back().what == subject::service_level)
                    error(where + "/expect/" + std::to_string(i),
                          "a service level is a load's figure: it belongs in a load step's "
                          "expect");
            }
        }
        if (s.contains("capture"))
            for (const auto& [name, c] : s["capture"].items())
                x.captures.push_back(parse_capture(name, c, where + "/capture/" + name));
        // An answer with errors fails a step that expects data, unless it expects the errors.
        bool expects_errors = false;
        for (const auto& a : x.expect)
            expects_errors = expects_errors || a.what == subject::errors;
        for (auto& a : x.expect)
            a.errors_expected = expects_errors;
        return out;
    }
};

} // namespace

std::vector<step> parse_steps(const json& steps, const std::string& where,
                              const std::filesystem::path& file, diagnostics& diag,
                              const fragment_library& fragments) {
    parser p{file, diag, fragments, "", ""};
    std::vector<step> out;
    for (std::size_t i = 0; i < steps.size(); ++i) {
        out.push_back(p.parse_step(steps[i], where + "/" + std::to_string(i)));
        p.no_proof(out.back());
    }
    return out;
}

const std::vector<step>& step::inner() const {
    static const std::vector<step> none;
    if (const auto* l = loop()) return l->steps;
    if (const auto* u = use()) return u->steps;
    if (const auto* l = load()) return l->steps;
    return none;
}

const std::vector<assertion>& step::expectations() const {
    static const std::vector<assertion> none;
    if (const auto* l = load()) return l->expect;
    return exchange() ? exchange()->expect : none;
}

std::string_view to_string(effect e) {
    return e == effect::read_only ? "read-only" : "writes";
}

namespace {

bool named(const std::string& name, std::initializer_list<std::string_view> names) {
    for (auto n : names)
        if (name.size() == n.size() &&
            std::equal(name.begin(), name.end(), n.begin(), [](char a, char b) {
                return std::tolower(static_cast<unsigned char>(a)) ==
                       std::tolower(static_cast<unsigned char>(b));
            }))
            return true;
    return false;
}

// A GET or HEAD that asks to be taken for another method: frameworks honour a header or a
// `_method` parameter, and the request then writes.
bool overrides_method(const request_spec& r) {
    for (const auto& [k, v] : r.headers)
        if (named(k, {"X-HTTP-Method-Override", "X-HTTP-Method", "X-Method-Override"})) return true;
    for (const auto& [k, v] : r.query)
        if (named(k, {"_method"})) return true;
    if (r.form_body)
        for (const auto& [k, v] : *r.form_body)
            if (named(k, {"_method"})) return true;
    return false;
}

bool has_body(const request_spec& r) {
    return r.json_body || r.xml_body || r.text_body || r.form_body || r.soap;
}

} // namespace

bool writes(const request_spec& r) {
    if (r.method == "GET" || r.method == "HEAD") return overrides_method(r) || has_body(r);
    // "safe" marks a lookup sent as POST (SOAP); any other method writes whatever it says.
    return !(r.safe && r.method == "POST") || overrides_method(r);
}

namespace {

const step* first_write_in(const std::vector<step>& steps) {
    for (const auto& s : steps) {
        if (s.exchange() && writes(s.exchange()->request)) return &s;
        if (const step* inner = first_write_in(s.inner())) return inner;
    }
    return nullptr;
}

} // namespace

const step* first_write(const testcase& tc) {
    for (const auto* phase : {&tc.setup, &tc.steps, &tc.cleanup})
        if (const step* s = first_write_in(*phase)) return s;
    return nullptr;
}

namespace {

// The data set a `rows` predicate compares with, anywhere in nested predicates.
std::optional<std::string> rows_dataset(const json& predicates) {
    if (!predicates.is_object()) return std::nullopt;
    for (const auto& [key, v] : predicates.items()) {
        if (key == "rows" && v.is_object() && v.contains("dataset") && v["dataset"].is_string())
            return v["dataset"].get<std::string>();
        if (key == "each" || key == "some")
            if (auto inner = rows_dataset(v)) return inner;
    }
    return std::nullopt;
}

std::optional<std::string> dataset_use_in(const std::vector<step>& steps) {
    for (const auto& s : steps) {
        if (s.loop() && s.loop()->source.from == loop_source::kind::dataset)
            return s.loop()->source.name;
        for (const auto& a : s.expectations())
            if (auto d = rows_dataset(a.predicates)) return d;
        if (auto inner = dataset_use_in(s.inner())) return inner;
    }
    return std::nullopt;
}

} // namespace

std::optional<std::string> first_dataset_use(const testcase& tc) {
    for (const auto* phase : {&tc.setup, &tc.steps, &tc.cleanup})
        if (auto d = dataset_use_in(*phase)) return d;
    return std::nullopt;
}

bool row_matches(const json& row, const json& where) {
    for (const auto& [column, value] : where.items()) {
        if (!row.is_object()) return false;
        auto it = row.find(column);
        if (it == row.end() || *it != value) return false;
    }
    return true;
}

testcase parse_testcase(const json& doc, const std::filesystem::path& file, diagnostics& diag,
                        const fragment_library& fragments) {
    parser p{file, diag, fragments, "", ""};
    testcase tc;
    tc.file = file;
    tc.id = doc["id"].get<std::string>();
    tc.title = doc["title"].get<std::string>();
    tc.description = doc.value("description", "");
    tc.cls = doc["class"].get<std::string>();
    tc.verifies = doc["verifies"].get<std::vector<std::string>>();
    tc.serial = doc.value("serial", false);
    if (doc.contains("effect"))
        tc.stated_effect = doc["effect"] == "read-only" ? effect::read_only : effect::writes;
    if (doc.contains("needs"))
        for (const auto& n : doc["needs"])
            tc.needs_certification_data = tc.needs_certification_data || n == "certification-data";
    if (doc.contains("requires_parameters"))
        tc.requires_parameters = doc["requires_parameters"].get<std::vector<std::string>>();
    if (doc.contains("variables"))
        for (const auto& [k, v] : doc["variables"].items())
            tc.variables.emplace_back(k, v);
    const json& steps = doc["steps"];
    for (std::size_t i = 0; i < steps.size(); ++i) {
        tc.steps.push_back(p.parse_step(steps[i], "/steps/" + std::to_string(i)));
        // A load runs alone: beside other test cases it would measure them as well.
        if (tc.steps.back().load()) tc.load = tc.serial = true;
    }
    for (const char* phase : {"setup", "cleanup"}) {
        if (!doc.contains(phase)) continue;
        const json& list = doc[phase];
        auto& into = std::string_view(phase) == "setup" ? tc.setup : tc.cleanup;
        for (std::size_t i = 0; i < list.size(); ++i) {
            into.push_back(
                p.parse_step(list[i], "/" + std::string(phase) + "/" + std::to_string(i)));
            p.no_proof(into.back());
        }
    }
    return tc;
}

} // namespace konform::model
