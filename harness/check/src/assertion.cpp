#include "konform/check/assertion.hpp"

#include "konform/check/body_formats.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"

#include "pattern.hpp"

namespace konform::check {

using nlohmann::json;

response_view::response_view(const http::exchange& x, const xml_document::namespace_map& ns,
                             std::size_t max_json_values)
    : x_(x), ns_(ns), max_json_values_(max_json_values) {}

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
                json_ = util::parse_json(body, max_json_values_);
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

const xml_document* response_view::xml(std::string& error) {
    if (!xml_tried_) {
        xml_tried_ = true;
        if (x_.resp->body.empty())
            xml_error_ = "the response has no body (expected XML)";
        else
            xml_ = xml_document::parse(x_.resp->body, ns_, xml_error_);
        if (!xml_error_.empty()) xml_error_ = "the response body is " + xml_error_;
    }
    error = xml_error_;
    return xml_ ? &*xml_ : nullptr;
}

const json* response_view::as(model::subject format, std::string& error) {
    if (format == model::subject::json) return json(error);
    auto [it, fresh] = formats_.try_emplace(format);
    auto& [value, why] = it->second;
    if (fresh) {
        const std::string& body = x_.resp->body;
        try {
            if (format == model::subject::csv)
                value = csv_records(body, max_json_values_);
            else if (format == model::subject::ndjson)
                value = ndjson_values(body, max_json_values_);
            else
                value = jsonp_value(body, max_json_values_);
        } catch (const format_error& e) {
            why = std::string("the response body: ") + e.what();
        }
    }
    error = why;
    return value ? &*value : nullptr;
}

namespace {

std::optional<json> pointer_value(const json& doc, const std::string& pointer) {
    json::json_pointer p(pointer);
    if (!doc.contains(p)) return std::nullopt;
    return doc.at(p);
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
        auto errors = it->second->validate(view.exchange().resp->body, budget);
        if (errors.empty()) return {true, "valid against XSD " + a.selector, "valid", {}};
        std::string list;
        for (std::size_t i = 0; i < errors.size() && i < 5; ++i)
            list += (i ? "; " : "") + errors[i];
        if (errors.size() > 5 && errors.back().rfind("validation stopped", 0) == 0)
            list += "; ... " + errors.back();
        return {false, "valid against XSD " + a.selector,
                std::to_string(errors.size()) + " violation(s)", list};
    }
    return {false, "schema " + a.selector, "(unknown schema)",
            "the profile declares no schema of that name"};
}

// XPaths on a SOAP 1.1 or 1.2 envelope, by local name, whatever its prefixes.
const std::string soap_body_xp = "/*[local-name()='Envelope']/*[local-name()='Body']";
const std::string soap_fault_xp = soap_body_xp + "/*[local-name()='Fault']";

// "code: reason" of the SOAP fault in `doc`, or "" when its Body holds none.
std::string fault_text(const xml_document& doc) {
    auto text = [&](const std::string& xp) {
        auto v = doc.evaluate("normalize-space(" + xp + ")");
        return v && v->is_string() ? v->get<std::string>() : std::string();
    };
    auto has = doc.evaluate("boolean(" + soap_fault_xp + ")");
    if (!has || !has->is_boolean() || !has->get<bool>()) return {};
    const std::string code =
        text("(" + soap_fault_xp + "/*[local-name()='faultcode'] | " + soap_fault_xp +
             "/*[local-name()='Code']/*[local-name()='Value'])[1]");
    const std::string reason =
        text("(" + soap_fault_xp + "/*[local-name()='faultstring'] | " + soap_fault_xp +
             "/*[local-name()='Reason']/*[local-name()='Text'])[1]");
    return code + ": " + reason;
}

outcome soap_outcome(const model::assertion& a, response_view& view) {
    std::string error;
    const xml_document* doc = view.xml(error);
    const std::string subject = a.what == model::subject::soap_body ? "soap_body " + a.selector
                                                                    : "soap_fault " + a.selector;
    if (!doc) return {false, subject, "(no XML body)", error};
    // Names arrive rewritten to the profile's prefixes, so the envelope is known by its shape.
    auto envelope = doc->evaluate("boolean(" + soap_body_xp + ")");
    if (!envelope || !envelope->is_boolean() || !envelope->get<bool>())
        return {false, subject, "(not a SOAP envelope)",
                "the answer is not a SOAP Envelope with a Body"};
    const std::string fault = fault_text(*doc);
    if (a.what == model::subject::soap_body) {
        auto first = doc->evaluate("name(" + soap_body_xp + "/*[1])");
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
    std::string xp;
    if (a.selector == "code")
        xp = "(" + soap_fault_xp + "/*[local-name()='faultcode'] | " + soap_fault_xp +
             "/*[local-name()='Code']/*[local-name()='Value'])[1]";
    else if (a.selector == "reason")
        xp = "(" + soap_fault_xp + "/*[local-name()='faultstring'] | " + soap_fault_xp +
             "/*[local-name()='Reason']/*[local-name()='Text'])[1]";
    else
        xp = "(" + soap_fault_xp + "/*[local-name()='detail' or local-name()='Detail'])[1]";
    auto v = doc->evaluate("normalize-space(" + xp + ")");
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
    }
    return s;
}

outcome evaluate(const model::assertion& a, response_view& view, const schema_set& schemas) {
    const http::exchange& x = view.exchange();
    const http::response& r = *x.resp;
    std::string error;
    switch (a.what) {
    case model::subject::status: {
        outcome o = evaluate_predicates(a.predicates, json(r.status));
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
    case model::subject::jsonp: {
        const json* doc = view.as(a.what, error);
        if (!doc) {
            const std::string format = util::ascii_upper(model::to_string(a.what));
            return {false, a.selector + " " + a.predicates.dump(), "(no " + format + " body)",
                    error};
        }
        const std::optional<json> value = pointer_value(*doc, a.selector);
        outcome o = evaluate_predicates(a.predicates, value);
        o.expected = (a.selector.empty() ? "body" : a.selector) + " " + o.expected;
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
