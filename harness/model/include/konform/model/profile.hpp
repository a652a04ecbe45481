#pragma once

#include "konform/graphql/document.hpp"
#include "konform/model/dataset_reader.hpp"
#include "konform/model/testcase.hpp"
#include "konform/schema/json_schema.hpp"
#include "konform/schema/xml_schema.hpp"

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace konform::model {

enum class level { must, should, may };
std::string_view to_string(level l);

struct conformance_class {
    std::string id;
    std::string title;
    bool mandatory = false;
    std::vector<std::string> depends_on;
};

struct requirement {
    std::string id;
    std::string cls; // the conformance class it belongs to
    level lvl = level::must;
    std::string text;
    std::string ref;  // section of the standard or source file it comes from
    std::string note; // e.g. where the written docs and the implementation disagree
};

// A document a profile's requirements cite: "ref": "<id> <file or section> ...". A source
// that lists its files is checked: a ref must name one of them. An `own` source is the
// profile itself; requirements citing only it stand in optional classes.
struct source {
    std::string id; // empty for a source given as plain text
    std::string title;
    std::string version;
    std::string url;
    std::vector<std::string> files;
    bool own = false;
};

struct parameter_spec {
    std::string name;
    std::string description;
    bool required = false;
    bool secret = false;
    std::optional<std::string> default_value;
};

// A schema the profile declares, compiled once when the profile is loaded.
struct schema_ref {
    std::string name;
    std::filesystem::path file;
    bool is_xsd = false;
    bool is_graphql = false;                         // SDL (.graphql): `sdl` is set when it parsed
    std::shared_ptr<const schema::json_schema> json; // set for a JSON Schema
    std::shared_ptr<const schema::xml_schema> xsd;   // set for an XSD
    std::shared_ptr<const graphql::schema> sdl;      // set for a GraphQL schema (.graphql)
};

struct dataset {
    std::string name;
    std::filesystem::path file;
    dataset_rows rows;
};

struct file_digest {
    std::string path; // relative to the profile folder, '/'-separated
    std::string sha256;
};

// One version of one standard, with everything needed to test it.
struct profile {
    std::filesystem::path dir;
    std::filesystem::path file;
    std::string id;
    std::string version;
    std::string title;
    std::vector<source> sources;
    std::vector<conformance_class> classes;
    std::vector<requirement> requirements;
    std::map<std::string, schema_ref> schemas;
    std::map<std::string, std::string> namespaces; // XPath prefix -> namespace URI
    std::map<std::string, dataset> datasets;
    std::map<std::string, parameter_spec> parameters;
    std::vector<testcase> testcases;
    std::vector<file_digest> files; // every file the profile consists of
    std::string digest;             // SHA-256 over `files`

    const conformance_class* find_class(std::string_view id) const;
    const requirement* find_requirement(std::string_view id) const;
};

// Loads a profile folder (or its profile.json) with its test cases, schemas and data
// sets, and checks every cross-reference. Problems go to `diag`; the result is only
// usable when `diag` stays empty.
profile load_profile(const std::filesystem::path& dir_or_file, diagnostics& diag);

// The same, throwing load_error with every problem.
profile load_profile(const std::filesystem::path& dir_or_file);

} // namespace konform::model
