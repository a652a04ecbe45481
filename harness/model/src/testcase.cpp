#include "konform/model/testcase.hpp"

#include <boost/regex.hpp>
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
    }
    return "?";
}

namespace {

const char* const predicate_names[] = {
    "equals", "not_equals", "matches", "not_matches", "exists",   "absent", "type", "one_of",
    "lt",     "le",         "gt",      "ge",          "contains", "count",  "each", "some"};

bool is_predicate(const std::string& key) {
    for (const char* p : predicate_names)
        if (key == p) return true;
    return false;
}

struct parser {
    const std::filesystem::path& file;
    diagnostics& diag;

    void error(const std::string& where, const std::string& message) {
        diag.add(file.string(), where, message);
    }

    // Checks regexes inside a predicate object (recursively for each/some/count).
    void check_predicates(const json& preds, const std::string& where) {
        if (!preds.is_object()) return;
        for (const auto& [key, value] : preds.items()) {
            if ((key == "matches" || key == "not_matches") && value.is_string()) {
                try {
                    boost::regex re(value.get<std::string>());
                } catch (const boost::regex_error& e) {
                    error(where + "/" + key,
                          std::string("invalid regular expression: ") + e.what());
                }
            } else if (key == "each" || key == "some" || (key == "count" && value.is_object())) {
                check_predicates(value, where + "/" + key);
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

    assertion parse_assertion(const json& a, const std::string& where) {
        assertion out;
        out.pointer = where;
        int subjects = 0;
        json preds = json::object();
        for (const auto& [key, value] : a.items()) {
            if (is_predicate(key)) preds[key] = value;
        }
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
        if (a.contains("header")) {
            take(subject::header);
            out.selector = a["header"].get<std::string>();
        }
        if (a.contains("json")) {
            take(subject::json);
            out.selector = a["json"].get<std::string>();
            check_pointer(out.selector, where + "/json");
        }
        if (a.contains("xpath")) {
            take(subject::xpath);
            out.selector = a["xpath"].get<std::string>();
            check_xpath(out.selector, where + "/xpath");
        }
        if (a.contains("body")) {
            take(subject::body);
            preds.update(a["body"]);
        }
        if (a.contains("duration_ms")) {
            take(subject::duration);
            preds.update(a["duration_ms"]);
        }
        if (a.contains("schema")) {
            take(subject::schema);
            out.selector = a["schema"].get<std::string>();
        }
        if (subjects != 1) {
            error(where, subjects == 0
                             ? "assertion has no subject: expected one of status, header, "
                               "json, xpath, body, duration_ms, schema"
                             : "assertion has more than one subject: split it in two");
        }
        if (preds.empty() && (out.what == subject::header || out.what == subject::json ||
                              out.what == subject::xpath))
            preds["exists"] = true;
        if (preds.empty() && out.what != subject::schema)
            error(where, "assertion has no predicate: expected e.g. equals, matches, exists");
        if (out.what == subject::schema && !preds.empty())
            error(where, "a schema assertion takes no predicates");
        check_predicates(preds, where);
        out.predicates = std::move(preds);
        if (a.contains("proves")) {
            const json& p = a["proves"];
            if (p.is_string())
                out.proves.push_back(p.get<std::string>());
            else
                for (const auto& id : p)
                    out.proves.push_back(id.get<std::string>());
        }
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
        return out;
    }

    static std::string scalar_text(const json& v) {
        return v.is_string() ? v.get<std::string>() : v.dump();
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
        if (bodies > 1) error(where, "a request takes at most one of json, xml, body, form");
        out.soap_action = r.value("soap_action", "");
        out.follow_redirects = r.value("follow_redirects", false);
        out.follow_cross_origin = r.value("follow_cross_origin", false);
        out.authenticate = r.value("authenticate", true);
        return out;
    }

    step parse_step(const json& s, const std::string& where) {
        step out;
        out.pointer = where;
        out.name = s.value("name", "");
        if (s.contains("request")) out.request = parse_request(s["request"], where + "/request");
        if (s.contains("expect")) {
            const json& e = s["expect"];
            for (std::size_t i = 0; i < e.size(); ++i)
                out.expect.push_back(parse_assertion(e[i], where + "/expect/" + std::to_string(i)));
        }
        if (s.contains("capture"))
            for (const auto& [name, c] : s["capture"].items())
                out.captures.push_back(parse_capture(name, c, where + "/capture/" + name));
        if (s.contains("for_each")) {
            out.for_each = s["for_each"].get<std::string>();
            out.as = s.value("as", "row");
            const json& inner = s["steps"];
            for (std::size_t i = 0; i < inner.size(); ++i)
                out.steps.push_back(parse_step(inner[i], where + "/steps/" + std::to_string(i)));
        }
        return out;
    }
};

} // namespace

testcase parse_testcase(const json& doc, const std::filesystem::path& file, diagnostics& diag) {
    parser p{file, diag};
    testcase tc;
    tc.file = file;
    tc.id = doc["id"].get<std::string>();
    tc.title = doc["title"].get<std::string>();
    tc.description = doc.value("description", "");
    tc.cls = doc["class"].get<std::string>();
    tc.verifies = doc["verifies"].get<std::vector<std::string>>();
    tc.serial = doc.value("serial", false);
    if (doc.contains("requires_parameters"))
        tc.requires_parameters = doc["requires_parameters"].get<std::vector<std::string>>();
    if (doc.contains("variables"))
        for (const auto& [k, v] : doc["variables"].items())
            tc.variables.emplace_back(k, v);
    const json& steps = doc["steps"];
    for (std::size_t i = 0; i < steps.size(); ++i)
        tc.steps.push_back(p.parse_step(steps[i], "/steps/" + std::to_string(i)));
    if (doc.contains("cleanup")) {
        const json& cleanup = doc["cleanup"];
        for (std::size_t i = 0; i < cleanup.size(); ++i) {
            tc.cleanup.push_back(p.parse_step(cleanup[i], "/cleanup/" + std::to_string(i)));
            for (const auto& a : tc.cleanup.back().expect)
                if (!a.proves.empty())
                    diag.add(file.string(), a.pointer, "cleanup steps prove no requirement");
        }
    }
    return tc;
}

} // namespace konform::model
