#pragma once

#include "konform/check/predicate.hpp"
#include "konform/check/xml_document.hpp"
#include "konform/graphql/introspection.hpp"
#include "konform/http/exchange.hpp"
#include "konform/model/profile.hpp"
#include "konform/schema/json_schema.hpp"
#include "konform/schema/xml_schema.hpp"
#include "konform/util/jcs.hpp"

#include <atomic>
#include <boost/system/result.hpp>
#include <chrono>
#include <map>
#include <optional>
#include <string>

namespace konform::check {

// The schemas and namespaces a profile declares, compiled when the profile was loaded.
struct schema_set {
    std::map<std::string, const schema::json_schema*> json;
    std::map<std::string, const schema::xml_schema*> xml;
    std::map<std::string, const graphql::schema*> graphql; // SDL the system's schema must fit
    graphql::introspection_limits introspection;           // what an introspection answer may hold
    xml_document::namespace_map namespaces;
    // What one XSD validation may cost: at most this many errors, this long (from its
    // start), and no longer than the run goes on.
    std::size_t xsd_max_errors = 20;
    std::chrono::milliseconds xsd_time_limit{30000};
    const std::atomic<bool>* stop = nullptr;
    // The most values a JSON response body may hold (each costs up to ~100 bytes parsed).
    std::size_t max_json_values = util::default_max_json_values;
    // The most attributes an XML response body may hold, per element and in all.
    check::xml_limits xml_limits;

    // Views the profile's compiled schemas; the profile must outlive the set.
    static schema_set of(const model::profile& p);
};

// A response's body, parsed as JSON or XML on first use and then reused by every
// assertion and capture of the step.
class response_view {
public:
    // `schemas` (its namespaces and limits) must outlive the view.
    response_view(const http::exchange& x, const schema_set& schemas);

    const http::exchange& exchange() const { return x_; }
    // The parsed JSON body, or nothing with `error` set.
    const nlohmann::json* json(std::string& error);
    // The one reading of an XML body (check::read_xml_text: decoded to UTF-8 once, by its
    // declarations) that XPath, SOAP and XSD checks all read; it must be well-formed XML
    // (schema::xml_not_well_formed) and within the attribute limits. Nothing, with `error`
    // set, when it is not.
    const std::string* xml_text(std::string& error);
    const xml_document* xml(std::string& error);
    // The body read as `format` (csv, ndjson or jsonp; json as json(); data and errors as
    // the GraphQL answer's members, &absent() when the answer has none) and turned into
    // JSON, or nothing with `error` set.
    const nlohmann::json* as(model::subject format, std::string& error);
    // What as() gives for a GraphQL member the answer does not hold: every pointer into it
    // names nothing, so `absent` holds and `exists` fails.
    static const nlohmann::json& absent();

private:
    const http::exchange& x_;
    const schema_set& schemas_;
    bool json_tried_ = false, xml_tried_ = false;
    std::optional<nlohmann::json> json_;
    std::string xml_text_;
    std::optional<xml_document> xml_;
    std::string json_error_, xml_error_;
    std::map<model::subject, std::pair<std::optional<nlohmann::json>, std::string>> formats_;
};

// Why a GraphQL answer may not be judged as data: it holds `errors` (the first messages,
// shown visibly); empty when it holds none. An answer with errors fails a step that expects
// data, unless the step expects the errors too (model::assertion::errors_expected).
std::string graphql_errors_problem(response_view& view);

// Judges one assertion against a completed exchange. Pure: no I/O.
// With `describe_held` false, an expectation that held may come back without its words
// (see evaluate_predicates).
outcome evaluate(const model::assertion& a, response_view& view, const schema_set& schemas,
                 bool describe_held = true);

// A capture's value, or why the response does not hold it.
boost::system::result<nlohmann::json, std::string> extract(const model::capture& c,
                                                           response_view& view);

} // namespace konform::check
