#include "template_lint.hpp"

#include "konform/model/template_expression.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace konform::model::detail {

namespace {

using nlohmann::json;

struct linter {
    const profile& prof;
    const testcase& tc;
    diagnostics& diag;
    std::set<std::string> scope;
    // Loop variables bound to a data set's rows, and that data set: `{{row.col}}` must name
    // one of its columns.
    std::map<std::string, std::string> rows_of;

    void problem(const step* s, const std::string& where, const std::string& message) {
        std::string at = s && !s->written_at.empty() ? " (written in " + s->written_at + ")" : "";
        diag.add(tc.file.string(), where, message + at);
    }

    // Checks one template string.
    void text(const std::string& t, const std::string& where, const step* s) {
        std::vector<std::string> exprs;
        try {
            exprs = template_placeholders(t);
        } catch (const template_error& e) {
            problem(s, where, e.what());
            return;
        }
        for (const auto& text : exprs) {
            expression e;
            try {
                e = parse_expression(text);
            } catch (const template_error& err) {
                problem(s, where, err.what());
                continue;
            }
            bool has_default = false;
            for (const auto& f : e.filters) {
                if (std::string why = filter_problem(f, text); !why.empty()) problem(s, where, why);
                has_default = has_default || f.name == "default";
            }
            if (e.literal || has_default) continue;
            const std::string root = e.root();
            if (!root.empty() && root.front() == '$') {
                const auto gens = known_generators();
                if (std::find(gens.begin(), gens.end(), root) == gens.end()) {
                    auto hint = closest(root, gens);
                    problem(s, where,
                            "unknown generator {{" + root + "}}" +
                                (hint ? ": did you mean {{" + *hint + "}}?"
                                      : ": expected $uuid, $now, $today, $timestamp or $random"));
                }
                continue;
            }
            if (scope.count(root)) {
                column(e.name, root, where, s);
                continue;
            }
            std::vector<std::string> names(scope.begin(), scope.end());
            auto hint = closest(root, names);
            problem(s, where,
                    "undefined name {{" + root + "}}" +
                        (hint ? ": did you mean {{" + *hint + "}}?"
                              : ": not a parameter, variable, loop variable, fragment parameter "
                                "or capture of an earlier step"));
        }
    }

    // `{{row.titel}}` where row is a data set's row: the column must be in its header.
    void column(const std::string& name, const std::string& root, const std::string& where,
                const step* s) {
        auto bound = rows_of.find(root);
        if (bound == rows_of.end() || name.size() <= root.size() + 1) return;
        auto set = prof.datasets.find(bound->second);
        if (set == prof.datasets.end()) return;
        const auto& columns = set->second.rows.columns();
        if (columns.empty()) return; // a JSON data set's rows may differ in their members
        const std::string col =
            name.substr(root.size() + 1, name.find('.', root.size() + 1) - root.size() - 1);
        if (std::find(columns.begin(), columns.end(), col) != columns.end()) return;
        auto hint = closest(col, columns);
        std::string all;
        for (const auto& c : columns)
            all += (all.empty() ? "" : ", ") + c;
        problem(s, where,
                "data set " + bound->second + " has no column \"" + col + "\" in {{" + name + "}}" +
                    (hint ? ": did you mean {{" + root + "." + *hint + "}}?"
                          : " (its columns: " + all + ")"));
    }

    // Checks every string (and object key) of a JSON value.
    void value(const json& v, const std::string& where, const step* s) {
        if (v.is_string())
            text(v.get<std::string>(), where, s);
        else if (v.is_array())
            for (std::size_t i = 0; i < v.size(); ++i)
                value(v[i], where + "/" + std::to_string(i), s);
        else if (v.is_object())
            for (const auto& [k, item] : v.items()) {
                text(k, where, s);
                value(item, where + "/" + k, s);
            }
    }

    void request(const request_spec& r, const std::string& where, const step& s) {
        text(r.path, where + "/path", &s);
        for (const auto& [k, v] : r.query) {
            text(k, where + "/query", &s);
            text(v, where + "/query/" + k, &s);
        }
        for (const auto& [k, v] : r.headers)
            text(v, where + "/headers/" + k, &s);
        if (r.json_body) value(*r.json_body, where + "/json", &s);
        if (r.xml_body) text(*r.xml_body, where + "/xml", &s);
        if (r.text_body) text(*r.text_body, where + "/body", &s);
        if (r.form_body)
            for (const auto& [k, v] : *r.form_body)
                text(v, where + "/form/" + k, &s);
        text(r.soap_action, where + "/soap_action", &s);
        if (r.soap) {
            text(r.soap->action, where + "/soap/action", &s);
            text(r.soap->header, where + "/soap/header", &s);
            text(r.soap->body, where + "/soap/body", &s);
        }
    }

    void run(const step& s) {
        text(s.name, s.pointer + "/name", &s);
        std::visit([&](const auto& kind) { run(s, kind); }, s.kind);
    }

    void run(const step& s, const exchange_step& x) {
        request(x.request, s.pointer + "/request", s);
        for (const auto& a : x.expect) {
            value(a.predicates, a.pointer, &s);
            if (a.what != subject::schema) text(a.selector, a.pointer, &s);
        }
        for (const auto& c : x.captures)
            text(c.selector, s.pointer + "/capture/" + c.variable, &s);
        for (const auto& c : x.captures)
            scope.insert(c.variable);
    }

    // Names bound for the inner steps only (loop variables, fragment parameters).
    void run_inner(const std::vector<step>& steps, const std::vector<std::string>& bound) {
        std::vector<std::string> added;
        for (const auto& name : bound)
            if (scope.insert(name).second) added.push_back(name);
        for (const auto& inner : steps)
            run(inner);
        for (const auto& name : added)
            scope.erase(name);
    }

    void run(const step& s, const loop_step& loop) {
        const loop_source& src = loop.source;
        if (src.from == loop_source::kind::expression) text(src.name, s.pointer + "/for_each", &s);
        value(src.rows, s.pointer + "/for_each", &s);
        value(src.first, s.pointer + "/for_each/from", &s);
        value(src.last, s.pointer + "/for_each/to", &s);
        const auto outer = rows_of;
        if (src.from == loop_source::kind::dataset)
            rows_of[loop.as] = src.name;
        else
            rows_of.erase(loop.as);
        run_inner(loop.steps, {loop.as});
        rows_of = outer;
    }

    void run(const step& s, const fragment_use& use) {
        std::vector<std::string> bound;
        for (const auto& [name, v] : use.bindings) {
            value(v, s.pointer + "/with/" + name, &s);
            bound.push_back(name);
        }
        run_inner(use.steps, bound);
    }

    void run(const step&, const load_step& load) {
        const auto outer = rows_of;
        if (!load.rows.empty())
            rows_of[load.as] = load.rows;
        else
            rows_of.erase(load.as);
        run_inner(load.steps, load.rows.empty() ? std::vector<std::string>{}
                                                : std::vector<std::string>{load.as});
        rows_of = outer;
    }
};

} // namespace

void lint_templates(const profile& prof, const testcase& tc, diagnostics& diag) {
    linter l{prof, tc, diag, {}};
    for (const auto& [name, p] : prof.parameters)
        l.scope.insert(name);
    for (const auto& [name, v] : tc.variables) {
        l.value(v, "/variables/" + name, nullptr);
        l.scope.insert(name);
    }
    for (const auto* phase : {&tc.setup, &tc.steps, &tc.cleanup})
        for (const auto& s : *phase)
            l.run(s);
}

} // namespace konform::model::detail
