#include "konform/check/assertion.hpp"

#include "konform/check/body_formats.hpp"
#include "konform/check/xml_reading.hpp"
#include "konform/graphql/conformance.hpp"
#include "konform/schema/xml_well_formed.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"

#include "pattern.hpp"

namespace konform::check {

using nlohmann::json;

namespace {

// Reads `x`'s body as XML once, into `text` and `doc`: "" or why it is not XML konform
// reads. Bounded first (pugixml: linear), strict second (libxml2, budgeted).
std::string read_xml(const http::exchange& x, const schema_set& schemas, std::string& text,
                     std::optional<xml_document>& doc) {
    if (x.resp->body.empty()) return "the response has no body (expected XML)";
    auto decoded = read_xml_text(x.resp->body, x.resp->header("Content-Type").value_or(""));
    if (!decoded) return "the response body cannot be read as XML: " + decoded.error().why;
    text = std::move(*decoded);
    std::string error;
    auto parsed = xml_document::parse(text, schemas.namespaces, error, schemas.xml_limits);
    if (!parsed) return "the response body is " + error;
    schema::validation_budget budget;
    budget.deadline = std::chrono::steady_clock::now() + schemas.xsd_time_limit;
    budget.stop = schemas.stop;
    if (auto bad = schema::xml_not_well_formed(text, budget))
        return "the response body is not well-formed XML: " + *bad;
    doc = std::move(parsed);
    return {};
}

} // namespace

response_view::response_view(const http::exchange& x, const schema_set& schemas)
    : x_(x), schemas_(schemas) {}

const json* response_view::json(std::string& error) {
    if (!json_tried_) {
        json_tried_ = true;
        const std::string& body = x_.resp->body;
        if (body.empty())
            json_error_ = "the response has no body (expected JSON)";
        else {
            try {
                // A hostile body may nest deeper than any real document; refuse it before
                // anything recursive (printing, comparing) walks it. Linear in the body.
                json_ = util::parse_json(body, schemas_.max_json_values);
            } catch (const util::json_too_deep&) {
                json_error_ = "the response body nests deeper than 512 levels";
            } catch (const util::json_too_large& e) {
                json_error_ = std::string("the response body ") + e.what() +
                              " (the limit is --max-json-values)";
            } catch (const json::exception& e) {
                std::string what = e.what();
                auto pos = what.find("] ");
                json_error_ = "the response body is not valid JSON: " +
                              (pos == std::string::npos ? what : what.substr(pos + 2));
            }
        }
    }
    error = json_error_;
    return json_ ? &*json_ : nullptr;
}

const std::string* response_view::xml_text(std::string& error) {
    if (!xml_tried_) {
        xml_tried_ = true;
        xml_error_ = read_xml(x_, schemas_, xml_text_, xml_);
    }
    error = xml_error_;
    return xml_ ? &xml_text_ : nullptr;
}

const xml_document* response_view::xml(std::string& error) {
    return xml_text(error) ? &*xml_ : nullptr;
}

const nlohmann::json& response_view::absent() {
    static const nlohmann::json none;
    return none;
}

const json* response_view::as(model::subject format, std::string& error) {
    if (format == model::subject::json) return json(error);
    if (format == model::subject::data || format == model::subject::errors) {
        const nlohmann::json* doc = json(error);
        if (!doc) return nullptr;
        const char* member = format == model::subject::data ? "data" : "errors";
        if (!doc->is_object()) {
            error = "the answer is not a GraphQL response (a JSON object)";
            return nullptr;
        }
        return doc->contains(member) ? &(*doc)[member] : &absent();
    }
    auto [it, fresh] = formats_.try_emplace(format);
    auto& [value, why] = it->second;
    if (fresh) {
        const std::string& body = x_.resp->body;
        try {
            if (format == model::subject::csv)
                value = csv_records(body, schemas_.max_json_values);
            else if (format == model::subject::ndjson)
                value = ndjson_values(body, schemas_.max_json_values);
            else
                value = jsonp_value(body, schemas_.max_json_values);
        } catch (const format_error& e) {
            why = std::string("the response body: ") + e.what();
        }
    }
    error = why;
    return value ? &*value : nullptr;
}

namespace {

// The value a JSON Pointer names in place, or nullptr.
const json* pointer_at(const json& doc, const std::string& pointer) {
    if (pointer.empty()) return &doc;
    json::json_pointer p(pointer);
    return doc.contains(p) ? &doc.at(p) : nullptr;
}

// The same value, copied (a capture keeps it).
std::optional<json> pointer_value(const json& doc, const std::string& pointer) {
    const json* at = pointer_at(doc, pointer);
    return at ? std::optional<json>(*at) : std::nullopt;
}

// Where a JSON Pointer that names nothing stops: the deepest place it names that exists,
// and what is there ("at /results/0 the keys are: id, navn"), so a misspelled or moved
// member is found without opening the evidence.
std::string missing_pointer_hint(const json& doc, const std::string& pointer) {
    std::string at = pointer;
    while (!at.empty()) {
        at = at.substr(0, at.rfind('/'));
        json::json_pointer p(at);
        if (!doc.contains(p)) continue;
        const json& there = doc.at(p);
        const std::string place = at.empty() ? "the top level" : at;
        if (there.is_array())
            return "at " + place + " there is an array of " + std::to_string(there.size());
        if (!there.is_object()) return "at " + place + " there is a " + there.type_name();
        std::string keys;
        std::size_t n = 0;
        for (const auto& [k, v] : there.items()) {
            if (n++ == 10) {
                keys += ", ... (" + std::to_string(there.size()) + " in all)";
                break;
            }
            keys += (keys.empty() ? "" : ", ") + k;
        }
        return "at " + place + (keys.empty() ? " the object is empty" : " the keys are: " + keys);
    }
    return {};
}

// The system's schema, read from its introspection answer, against the standard's SDL:
// every type, field, argument and enum value of `a.types` it lacks or types differently.
outcome graphql_schema_outcome(const model::assertion& a, const graphql::schema& standard,
                               response_view& view, const schema_set& schemas) {
    const std::string expected = "the system's schema has " +
                                 (a.types.empty() ? std::string("every type")
                                                  : std::to_string(a.types.size()) + " type(s)") +
                                 " of " + a.selector + " as the standard defines them";
    std::string error;
    const json* doc = view.json(error);
    if (!doc) return {false, expected, "(no JSON body)", error};
    if (std::string why = graphql_errors_problem(view); !why.empty())
        return {false, expected, "(errors)", why};
    graphql::schema system;
    try {
        system = graphql::from_introspection(*doc, schemas.introspection);
    } catch (const std::exception& e) {
        return {false, expected, "(no schema)", util::visible(e.what())};
    }
    const auto findings = graphql::compare_schemas(standard, system, a.types);
    if (findings.empty()) return {true, expected, "conforms", {}};
    std::string list;
    for (std::size_t i = 0; i < findings.size() && i < 10; ++i)
        list += (i ? "; " : "") + findings[i].where + ": " + findings[i].what;
    if (findings.size() > 10) list += "; and " + std::to_string(findings.size() - 10) + " more";
    return {false, expected, std::to_string(findings.size()) + " difference(s)",
            util::visible(list)};
}

outcome schema_outcome(const model::assertion& a, response_view& view, const schema_set& schemas) {
    std::string error;
    if (auto it = schemas.json.find(a.selector); it != schemas.json.end()) {
        const json* doc = view.json(error);
        if (!doc) return {false, "valid against schema " + a.selector, "(no JSON body)", error};
        auto violations = it->second->validate(*doc);
        if (violations.empty()) return {true, "valid against schema " + a.selector, "valid", {}};
        std::string list;
        for (std::size_t i = 0; i < violations.size() && i < 5; ++i)
            list += (i ? "; " : "") +
                    (violations[i].pointer.empty() ? "/" : violations[i].pointer) + ": " +
                    violations[i].message;
        if (violations.size() > 5)
            list += "; and " + std::to_string(violations.size() - 5) + " more";
        return {false, "valid against schema " + a.selector,
                std::to_string(violations.size()) + " violation(s)", list};
    }
    if (auto it = schemas.xml.find(a.selector); it != schemas.xml.end()) {
        schema::validation_budget budget;
        budget.max_errors = schemas.xsd_max_errors;
        budget.deadline = std::chrono::steady_clock::now() + schemas.xsd_time_limit;
        budget.stop = schemas.stop;
        std::string unread;
        const std::string* text = view.xml_text(unread);
        if (!text) return {false, "valid against XSD " + a.selector, "(no XML body)", unread};
        auto errors = it->second->validate(*text, budget);
        if (errors.empty()) return {true, "valid against XSD " + a.selector, "valid", {}};
        std::string list;
        for (std::size_t i = 0; i < errors.size() && i < 5; ++i)
            list += (i ? "; " : "") + errors[i];
        if (errors.size() > 5 && errors.back().rfind("validation stopped", 0) == 0)
            list += "; ... " + errors.back();
        return {false, "valid against XSD " + a.selector,
                std::to_string(errors.size()) + " violation(s)", list};
    }
    if (auto it = schemas.graphql.find(a.selector); it != schemas.graphql.end())
        return graphql_schema_outcome(a, *it->second, view, schemas);
    return {false, "schema " + a.selector, "(unknown schema)",
            "the profile declares no schema of that name"};
}

// The SOAP envelope of an answer, found by namespace URI: SOAP 1.1's or 1.2's, and the
// version of the request when konform sent SOAP. XPaths on it use the prefix the document's
// names were rewritten to (xml_document), so no made-up namespace can pass for SOAP's.
struct soap_paths {
    std::string body, fault, code, reason, detail;
};

const std::string soap11_ns = "http://schemas.xmlsoap.org/soap/envelope/";
const std::string soap12_ns = "http://www.w3.org/2003/05/soap-envelope";

// The SOAP version konform's request spoke ("" when it sent no SOAP envelope).
std::string request_soap_ns(const http::exchange& x) {
    const std::string ct = http::find_header(x.req.headers, "Content-Type").value_or("");
    if (x.req.body.find(soap12_ns) != std::string::npos && ct.rfind("application/soap+xml", 0) == 0)
        return soap12_ns;
    if (x.req.body.find(soap11_ns) != std::string::npos && ct.rfind("text/xml", 0) == 0)
        return soap11_ns;
    return {};
}

// Media types that hold XML (RFC 7303): text/plain is not one, whatever its body looks like.
bool xml_media_type(std::string ct) {
    ct = ct.substr(0, ct.find(';'));
    for (auto& c : ct)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    while (!ct.empty() && ct.back() == ' ')
        ct.pop_back();
    return ct == "text/xml" || ct == "application/xml" ||
           (ct.size() > 4 && ct.compare(ct.size() - 4, 4, "+xml") == 0);
}

// The paths into `doc`'s SOAP envelope, or why it has none that answers this request.
boost::system::result<soap_paths, std::string> soap_envelope(const xml_document& doc,
                                                             const http::exchange& x) {
    const auto no = [](std::string why) {
        return boost::system::result<soap_paths, std::string>(boost::system::in_place_error,
                                                              std::move(why));
    };
    if (!xml_media_type(x.resp->header("Content-Type").value_or("")))
        return no(std::string("the answer is not labelled as XML (Content-Type ") +
                  util::visible(x.resp->header("Content-Type").value_or("none").substr(0, 80)) +
                  "), so it is no SOAP message");
    const std::string wanted = request_soap_ns(x);
    for (const auto& ns : {soap11_ns, soap12_ns}) {
        const std::string p = doc.prefix_of(ns);
        if (p.empty()) continue;
        const std::string body = "/" + p + ":Envelope/" + p + ":Body";
        auto has = doc.evaluate("boolean(" + body + ")");
        if (!has || !has->is_boolean() || !has->get<bool>()) continue;
        if (!wanted.empty() && ns != wanted)
            return no(std::string("the answer is a SOAP ") + (ns == soap12_ns ? "1.2" : "1.1") +
                      " envelope, but the request was SOAP " +
                      (wanted == soap12_ns ? "1.2" : "1.1"));
        soap_paths s;
        s.body = body;
        s.fault = body + "/" + p + ":Fault";
        if (ns == soap11_ns) { // the fault's children are unqualified in SOAP 1.1
            s.code = s.fault + "/faultcode";
            s.reason = s.fault + "/faultstring";
            s.detail = s.fault + "/detail";
        } else {
            s.code = s.fault + "/" + p + ":Code/" + p + ":Value";
            s.reason = s.fault + "/" + p + ":Reason/" + p + ":Text";
            s.detail = s.fault + "/" + p + ":Detail";
        }
        return s;
    }
    return no("the answer is not a SOAP Envelope with a Body in SOAP 1.1's or 1.2's namespace");
}

// "code: reason" of the SOAP fault in `doc`, or "" when its Body holds none.
std::string fault_text(const xml_document& doc, const soap_paths& s) {
    auto text = [&](const std::string& xp) {
        auto v = doc.evaluate("normalize-space(" + xp + "[1])");
        return v && v->is_string() ? v->get<std::string>() : std::string();
    };
    auto has = doc.evaluate("boolean(" + s.fault + ")");
    if (!has || !has->is_boolean() || !has->get<bool>()) return {};
    return text(s.code) + ": " + text(s.reason);
}

outcome soap_outcome(const model::assertion& a, response_view& view) {
    std::string error;
    const xml_document* doc = view.xml(error);
    const std::string subject = a.what == model::subject::soap_body ? "soap_body " + a.selector
                                                                    : "soap_fault " + a.selector;
    if (!doc) return {false, subject, "(no XML body)", error};
    auto envelope = soap_envelope(*doc, view.exchange());
    if (!envelope) return {false, subject, "(not a SOAP envelope)", envelope.error()};
    const soap_paths& s = *envelope;
    const std::string fault = fault_text(*doc, s);
    if (a.what == model::subject::soap_body) {
        auto first = doc->evaluate("name(" + s.body + "/*[1])");
        const std::string name = first && first->is_string() ? first->get<std::string>() : "";
        if (name == a.selector) return {true, subject, name, ""};
        if (!fault.empty())
            return {false, subject, "SOAP Fault", "the answer is a SOAP fault: " + fault};
        return {false, subject, name.empty() ? "(an empty Body)" : name,
                "the SOAP Body holds another element"};
    }
    if (fault.empty()) {
        outcome o = evaluate_predicates(a.predicates, std::nullopt);
        o.expected = subject + " " + o.expected;
        o.actual = "(no SOAP fault)";
        return o;
    }
    const std::string& xp = a.selector == "code"     ? s.code
                            : a.selector == "reason" ? s.reason
                                                     : s.detail;
    auto v = doc->evaluate("normalize-space(" + xp + "[1])");
    outcome o = evaluate_predicates(a.predicates, v);
    o.expected = subject + " " + o.expected;
    return o;
}

} // namespace

schema_set schema_set::of(const model::profile& p) {
    schema_set s;
    s.namespaces = p.namespaces;
    for (const auto& [name, ref] : p.schemas) {
        if (ref.json) s.json.emplace(name, ref.json.get());
        if (ref.xsd) s.xml.emplace(name, ref.xsd.get());
        if (ref.sdl) s.graphql.emplace(name, ref.sdl.get());
    }
    return s;
}

std::string graphql_errors_problem(response_view& view) {
    std::string error;
    const json* doc = view.json(error);
    if (!doc || !doc->is_object() || !doc->contains("errors")) return {};
    const json& errors = (*doc)["errors"];
    if (errors.is_array() && errors.empty()) return {};
    std::string text = "the answer holds errors";
    if (errors.is_array()) {
        text += " (" + std::to_string(errors.size()) + "):";
        for (std::size_t i = 0; i < errors.size() && i < 3; ++i) {
            const json& e = errors[i];
            const std::string m = e.is_object() && e.contains("message") && e["message"].is_string()
                                      ? e["message"].get<std::string>()
                                      : e.dump();
            text += (i ? "; " : " ") + util::visible(m.substr(0, 300));
        }
        if (errors.size() > 3) text += "; ...";
    }
    return text + " (a step that expects them says so with an errors expectation)";
}

outcome evaluate(const model::assertion& a, response_view& view, const schema_set& schemas,
                 bool describe_held) {
    const http::exchange& x = view.exchange();
    const http::response& r = *x.resp;
    std::string error;
    switch (a.what) {
    case model::subject::status: {
        const json status = r.status;
        outcome o = evaluate_predicates(a.predicates, &status, describe_held);
        if (o.passed && !describe_held) return o;
        o.expected = "status " + o.expected;
        return o;
    }
    case model::subject::header: {
        auto v = r.header(a.selector);
        outcome o = evaluate_predicates(a.predicates, v ? std::optional<json>(*v) : std::nullopt);
        o.expected = "header " + a.selector + " " + o.expected;
        return o;
    }
    case model::subject::json:
    case model::subject::csv:
    case model::subject::ndjson:
    case model::subject::jsonp:
    case model::subject::data:
    case model::subject::errors: {
        if (a.what == model::subject::data && !a.errors_expected)
            if (std::string why = graphql_errors_problem(view); !why.empty())
                return {false, "data" + a.selector + " " + a.predicates.dump(), "(errors)", why};
        const json* doc = view.as(a.what, error);
        if (!doc) {
            const std::string format = util::ascii_upper(model::to_string(a.what));
            return {false, a.selector + " " + a.predicates.dump(), "(no " + format + " body)",
                    error};
        }
        const json* value =
            doc == &response_view::absent() ? nullptr : pointer_at(*doc, a.selector);
        outcome o = evaluate_predicates(a.predicates, value, describe_held);
        if (o.passed && !describe_held) return o;
        const std::string member = a.what == model::subject::data     ? "data"
                                   : a.what == model::subject::errors ? "errors"
                                                                      : "";
        o.expected =
            (a.selector.empty() ? (member.empty() ? "body" : member) : member + a.selector) + " " +
            o.expected;
        if (!o.passed && !value)
            if (std::string hint = missing_pointer_hint(*doc, a.selector); !hint.empty())
                o.explanation += (o.explanation.empty() ? "" : "; ") + hint;
        return o;
    }
    case model::subject::xpath: {
        const xml_document* doc = view.xml(error);
        if (!doc) return {false, a.selector + " " + a.predicates.dump(), "(no XML body)", error};
        try {
            outcome o = evaluate_predicates(a.predicates, doc->evaluate(a.selector));
            o.expected = a.selector + " " + o.expected;
            return o;
        } catch (const std::exception& e) {
            return {false, a.selector, "(not evaluated)", e.what()};
        }
    }
    case model::subject::body: {
        outcome o = evaluate_predicates(a.predicates, json(r.body));
        o.expected = "body " + o.expected;
        return o;
    }
    case model::subject::duration: {
        outcome o = evaluate_predicates(a.predicates, json(x.time.total));
        o.expected = "duration_ms " + o.expected;
        return o;
    }
    case model::subject::schema:
        return schema_outcome(a, view, schemas);
    case model::subject::soap_body:
    case model::subject::soap_fault:
        return soap_outcome(a, view);
    case model::subject::service_level:
        // A load's figure, judged on the whole load (check::service_level), never one answer.
        return {false, a.selector, "(one answer)", "a service level is judged on a load"};
    case model::subject::refused: {
        // The refusal at the TLS level is judged by the interpreter (there is no response).
        const bool refused = r.status == 401 || r.status == 403;
        return {refused, "refused (TLS handshake, 401 or 403)",
                "answered " + std::to_string(r.status),
                refused ? "" : "the system served a client it should have refused"};
    }
    }
    return {false, "?", "?", "unknown assertion subject"};
}

namespace {

std::optional<json> extract_value(const model::capture& c, response_view& view,
                                  std::string& error) {
    const http::response& r = *view.exchange().resp;
    std::optional<json> value;
    switch (c.source) {
    case model::capture::from::json: {
        const json* doc = view.json(error);
        if (!doc) return std::nullopt;
        value = pointer_value(*doc, c.selector);
        if (!value) {
            error = "the response has no value at " + c.selector;
            if (std::string hint = missing_pointer_hint(*doc, c.selector); !hint.empty())
                error += "; " + hint;
        }
        break;
    }
    case model::capture::from::xpath: {
        const xml_document* doc = view.xml(error);
        if (!doc) return std::nullopt;
        try {
            value = doc->evaluate(c.selector);
        } catch (const std::exception& e) {
            error = e.what();
            return std::nullopt;
        }
        if (!value) error = "the response has no node at " + c.selector;
        break;
    }
    case model::capture::from::header:
        if (auto h = r.header(c.selector))
            value = *h;
        else
            error = "the response has no header " + c.selector;
        break;
    case model::capture::from::body:
        value = r.body;
        break;
    }
    if (!value || !c.regex) return value;
    std::string text = value->is_string() ? value->get<std::string>() : value->dump();
    try {
        boost::smatch m;
        const boost::regex re = detail::pattern(*c.regex);
        if (!boost::regex_search(text, m, re)) {
            error = "the value does not match /" + *c.regex + "/";
            return std::nullopt;
        }
        return json(m[c.group].str());
    } catch (const std::exception& e) {
        error = std::string("the regular expression could not be applied: ") + e.what();
        return std::nullopt;
    }
}

} // namespace

boost::system::result<json, std::string> extract(const model::capture& c, response_view& view) {
    std::string error;
    std::optional<json> value = extract_value(c, view, error);
    if (!value)
        return boost::system::result<json, std::string>(boost::system::in_place_error,
                                                        error.empty() ? "no value" : error);
    // In place: a JSON value converts to a string too, so which side it is must be said.
    return boost::system::result<json, std::string>(boost::system::in_place_value,
                                                    std::move(*value));
}

} // namespace konform::check
