#pragma once

#include "konform/model/problem.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace konform::model {

// What an assertion looks at.
enum class subject { status, header, json, xpath, body, duration, schema };
std::string_view to_string(subject s);

// A check on one exchange. `predicates` is the object of predicates (equals, matches,
// exists, ...) that the subject's value must satisfy; see docs/writing-profiles.md.
struct assertion {
    subject what = subject::status;
    std::string selector; // header name, JSON Pointer, XPath or schema name
    nlohmann::json predicates = nlohmann::json::object();
    std::vector<std::string> proves; // requirement ids; empty means the test case's
    std::string description;
    std::string pointer; // where it stands in its file
};

// Stores a value from a response in a variable for later steps.
struct capture {
    enum class from { json, xpath, header, body };
    std::string variable;
    from source = from::json;
    std::string selector;             // pointer, XPath or header name
    std::optional<std::string> regex; // applied to the value; group `group` is kept
    int group = 1;
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
    bool follow_redirects = false;
    bool follow_cross_origin = false; // also redirects to another origin (never with credentials)
    bool authenticate = true;         // false sends the request without the target's credentials
};

struct step {
    std::string name;
    std::string pointer;
    std::optional<request_spec> request;
    std::vector<assertion> expect;
    std::vector<capture> captures;
    // Control flow: run `steps` once per row of a data set, the row bound to `as`.
    std::string for_each;
    std::string as = "row";
    std::vector<step> steps;
};

struct testcase {
    std::filesystem::path file;
    std::string id;
    std::string title;
    std::string description;
    std::string cls;
    std::vector<std::string> verifies;
    std::vector<std::string> requires_parameters; // inapplicable unless the target sets them
    bool serial = false; // never runs beside another test case (e.g. it counts all objects)
    // Set once when the test case starts, in order ({"unit": "{{$uuid}}"}); templates keep
    // their value's type, and any JSON value may stand here.
    std::vector<std::pair<std::string, nlohmann::json>> variables;
    std::vector<step> steps;
    std::vector<step> cleanup; // always run; they prove nothing
};

// Parses a test case document (already checked against the format schema).
testcase parse_testcase(const nlohmann::json& doc, const std::filesystem::path& file,
                        diagnostics& diag);

} // namespace konform::model
