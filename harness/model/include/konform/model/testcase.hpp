#pragma once

#include "konform/model/problem.hpp"

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace konform::model {

// What an assertion looks at.
enum class subject {
    status,
    header,
    json,
    xpath,
    body,
    duration,
    schema,
    refused,
    soap_body,
    soap_fault,
    csv,          // the body as CSV with a header row: an array of objects of strings
    ndjson,       // the body as newline-delimited JSON: an array of its lines' values
    jsonp,        // the body as JSONP: the JSON inside callback(...)
    data,         // a GraphQL answer's `data`
    errors,       // a GraphQL answer's `errors`
    service_level // a load's figure (p95_ms, error_rate, ...): only in a load step's expect
};
std::string_view to_string(subject s);

// A check on one exchange. `predicates` is the object of predicates (equals, matches,
// exists, ...) that the subject's value must satisfy; see docs/writing-profiles.md.
struct assertion {
    subject what = subject::status;
    std::string selector; // header name, JSON Pointer, XPath or schema name
    nlohmann::json predicates = nlohmann::json::object();
    std::vector<std::string> proves; // requirement ids; empty means the test case's
    // "after": judged only when every expectation of these subjects in the same step
    // passed; otherwise not reached, so one fault fails one requirement.
    std::vector<subject> after;
    std::string description;
    std::string pointer; // where it stands in its file
    // A schema assertion against a GraphQL schema: the standard's types this requirement
    // covers (all when empty), compared with the system's introspection answer.
    std::vector<std::string> types;
    // A `data` assertion of a step that also expects `errors`: the answer may hold errors.
    bool errors_expected = false;
};

// Stores a value from a response in a variable for later steps.
struct capture {
    enum class from { json, xpath, header, body };
    std::string variable;
    from source = from::json;
    std::string selector;             // pointer, XPath or header name
    std::optional<std::string> regex; // applied to the value; group `group` is kept
    int group = 1;
    bool append = false; // add the value to an array variable (made on first use)
};

struct request_spec {
    std::string method = "GET";
    std::string path; // template; appended to the target's base URL
    std::vector<std::pair<std::string, std::string>> query;
    std::vector<std::pair<std::string, std::string>> headers;
    std::optional<nlohmann::json> json_body; // templated recursively
    std::optional<std::string> xml_body;     // template; values are XML-escaped
    std::optional<std::string> text_body;    // template, sent as-is
    std::optional<std::vector<std::pair<std::string, std::string>>>
        form_body; // templates, url-encoded
    std::string soap_action;
    // A SOAP request: konform wraps `body` (and `header`) in the envelope of `version`
    // ("1.1" or "1.2") and sets Content-Type and the action as that version says.
    struct soap_message {
        std::string version = "1.1";
        std::string action; // template
        std::string header; // template, XML-escaped values; empty: no soap:Header
        std::string body;   // template, XML-escaped values
    };
    std::optional<soap_message> soap;
    // A GraphQL request: POSTed as {"query", "variables", "operationName"} (GraphQL over
    // HTTP). The query is sent as written (never templated); its variables are templates.
    struct graphql_message {
        std::string query;
        std::string file; // the .graphql file it was read from (relative to the profile)
        nlohmann::json variables = nlohmann::json::object();
        std::string operation;      // operationName; empty: the document's only operation
        std::string schema;         // the profile's GraphQL schema the query is checked against
        bool introspection = false; // konform's introspection query
        bool checked = true;        // false: not checked against the schema (a query meant to fail)
        // Set by the paged step, never templated: a cursor or an offset from the system.
        std::vector<std::pair<std::string, nlohmann::json>> paging_variables;
    };
    std::optional<graphql_message> graphql;
    bool follow_redirects = false;
    bool follow_cross_origin = false; // also redirects to another origin (never with credentials)
    bool authenticate = true;         // false sends the request without the target's credentials
    // "safe": true: a POST that changes nothing in the system (a SOAP lookup); it may run in
    // a production verification. Only a POST may be marked (a load error otherwise).
    bool safe = false;
    bool client_certificate = true; // false ("none"): a TLS connection without the target's
                                    // client certificate
    // {"cert": ..., "key": ...}: this PEM certificate and key of the profile's own instead
    // (e.g. one from a CA no system trusts); made absolute when the profile loads.
    std::filesystem::path profile_cert, profile_key;
};

// Where the rows of a for_each come from.
struct loop_source {
    enum class kind { dataset, expression, rows, range };
    kind from = kind::dataset;
    std::string name;           // the data set, or the template of an array ("{{units}}")
    nlohmann::json rows;        // inline rows, templated
    nlohmann::json first, last; // a range's bounds, inclusive (numbers or templates)
};

struct step;

// {"param": "side", "from": 1, "max": 1000}: the request is sent once per page, the parameter
// counting up from `from`, until a page holds no rows; a `rows` assertion judges every
// page's rows together.
// A GraphQL step pages by cursor instead: {"cursor": "after", "page_info":
// "/DAR_Adresse/pageInfo"} sends the variable `after` as the last page's endCursor until
// hasNextPage is false; or by an offset variable: {"variable": "skip", "from": 0, "step": 100}.
struct paging {
    std::string param;
    long long from = 1;
    long long max = 1000;
    std::string cursor;    // the GraphQL variable that takes endCursor
    std::string page_info; // JSON Pointer into `data` to the pageInfo object
    std::string variable;  // a GraphQL variable counting up (offset paging)
    long long step = 1;
};

// A step is exactly one of three kinds.

// A request, what its answer must hold, and what is taken from it; sent page by page with
// `pages`.
struct exchange_step {
    request_spec request;
    std::vector<assertion> expect;
    std::vector<capture> captures;
    std::optional<paging> pages;
};

// A for_each: run `steps` once per row, the row bound to `as`; every row runs unless
// `stop_on_failure`. `where` ({"column": value, ...}) runs only the rows holding each value
// (JSON equality).
struct loop_step {
    loop_source source;
    std::string as = "row";
    bool stop_on_failure = false;
    nlohmann::json where = nlohmann::json::object();
    std::vector<step> steps;
};

// A used fragment: `steps` are its steps, run with `bindings` (its parameters, templates of
// the using step) set; its captures stay visible to the steps after it.
struct fragment_use {
    std::string fragment;
    std::vector<std::pair<std::string, nlohmann::json>> bindings;
    std::vector<step> steps;
};

// {"open": {"rate", "duration_s", "ramp_up_s", "connections"}} or {"closed": {"users",
// "think_ms", "duration_s", "ramp_up_s"}}: how a load step drives its requests.
struct load_plan {
    enum class kind { open, closed };
    kind model = kind::open;
    double rate = 0;       // open: arrivals per second, each started on schedule
    int connections = 0;   // open: at most this many requests at once (0: as the rate needs)
    int users = 0;         // closed: virtual users, each sending after the last answer
    double think_ms = 0;   // closed: a user's pause between an answer and its next request
    double duration_s = 0; // the measured window
    double ramp_up_s = 0;  // before it, unmeasured, rising linearly to the rate or users
    double sample = 1;     // the fraction of answers judged on the steps' expectations
};

// A load: `steps` (requests with their expectations; no captures, no pages) sent under
// `plan`, arrival after arrival taking the next step and (with `rows`) the next row of a
// data set; `expect` holds its service levels.
struct load_step {
    load_plan plan;
    std::string rows; // a data set cycled through, each row bound to `as`
    std::string as = "row";
    nlohmann::json where = nlohmann::json::object(); // only the rows holding these values
    std::vector<step> steps;
    std::vector<assertion> expect; // service_level expectations
};

struct step {
    std::string name;       // template, rendered in every output
    std::string pointer;    // in the expanded test case ("/steps/2/steps/0" inside a fragment)
    std::string written_at; // inside a fragment: its file and the step's pointer there
    std::variant<exchange_step, loop_step, fragment_use, load_step> kind;

    const exchange_step* exchange() const { return std::get_if<exchange_step>(&kind); }
    exchange_step* exchange() { return std::get_if<exchange_step>(&kind); }
    const loop_step* loop() const { return std::get_if<loop_step>(&kind); }
    const fragment_use* use() const { return std::get_if<fragment_use>(&kind); }
    const load_step* load() const { return std::get_if<load_step>(&kind); }
    // The steps inside a loop, a used fragment or a load; none for an exchange.
    const std::vector<step>& inner() const;
    // An exchange's expectations, or a load's service levels; none for the other kinds.
    const std::vector<assertion>& expectations() const;
};

// Named, parameterised steps kept in the profile folder, used from a step with
// {"use": "<id>", "with": {...}}; expanded where they are used, when the profile loads.
struct fragment {
    std::string id;
    std::filesystem::path file;
    std::string description;
    std::vector<std::pair<std::string, std::optional<nlohmann::json>>> parameters; // default
    nlohmann::json steps;                                                          // as written
};
using fragment_library = std::map<std::string, fragment, std::less<>>;

// What running a test case does to the system: only reads, or writes (creates, changes or
// deletes). A production verification runs only read-only test cases.
enum class effect { read_only, writes };
std::string_view to_string(effect e);

struct testcase {
    std::filesystem::path file;
    std::string id;
    std::string title;
    std::string description;
    std::string cls;
    std::vector<std::string> verifies;
    std::vector<std::string> requires_parameters; // inapplicable unless the target sets them
    // "needs": ["certification-data"]: the test case expects the certification data set
    // in the system, so a production verification (which holds real data) cannot run it.
    bool needs_certification_data = false;
    bool serial = false; // never runs beside another test case (e.g. it counts all objects)
    bool load = false;   // it holds a load step (and so runs serially)
    std::optional<effect> stated_effect; // "effect" as the test case states it
    effect eff = effect::writes; // stated, else inferred from its steps (the profile sets it)
    // Set once when the test case starts, in order ({"unit": "{{$uuid}}"}); templates keep
    // their value's type, and any JSON value may stand here.
    std::vector<std::pair<std::string, nlohmann::json>> variables;
    std::vector<step> setup; // the class's, then its own; they prove nothing
    std::vector<step> steps;
    std::vector<step> cleanup; // its own, then the class's; always run; they prove nothing
};

// Whether a request writes: any method other than GET and HEAD, unless it is a POST marked
// safe; and a GET or HEAD with a body or a method override (an X-HTTP-Method-Override
// header, a `_method` parameter).
bool writes(const request_spec& r);

// The first step of a test case (setup, steps, cleanup; inside rows and fragments) whose
// request writes, or null: a test case without one is read-only.
const step* first_write(const testcase& tc);

// The first data set a test case runs over (for_each) or compares with (rows), if any: a
// sign that it expects the certification data set in the system.
std::optional<std::string> first_dataset_use(const testcase& tc);

// Whether a for_each row runs under `where` ({"column": value, ...}): the row is an object
// holding each value (JSON equality; an empty `where` lets every row run).
bool row_matches(const nlohmann::json& row, const nlohmann::json& where);

// Parses a test case document (already checked against the format schema), expanding the
// fragments its steps use from `fragments`.
testcase parse_testcase(const nlohmann::json& doc, const std::filesystem::path& file,
                        diagnostics& diag, const fragment_library& fragments = {});

// Parses steps written elsewhere than a test case (a class's setup in profile.json):
// `where` is their array's pointer in `file`.
std::vector<step> parse_steps(const nlohmann::json& steps, const std::string& where,
                              const std::filesystem::path& file, diagnostics& diag,
                              const fragment_library& fragments);

} // namespace konform::model
