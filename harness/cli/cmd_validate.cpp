#include "commands.hpp"
#include "konform/model/json_file.hpp"
#include "konform/schema/json_schema.hpp"
#include "konform/schema/xml_schema.hpp"
#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"
#include "konform/util/text.hpp"

#include <filesystem>
#include <iostream>

namespace konform::cli {

namespace {

struct validate_args {
    std::string schema, document;
};

exit_code execute(const validate_args& a) {
    namespace fs = std::filesystem;
    if (fs::path(a.schema).extension() == ".xsd") {
        std::string doc;
        try {
            doc = util::read_file(a.document);
        } catch (const std::exception& e) {
            std::cerr << e.what() << '\n';
            return exit_code::input_error;
        }
        auto xsd = schema::xml_schema::load(a.schema); // invalid_argument -> caught below
        auto errors = xsd.validate(doc);
        for (const auto& e : errors)
            std::cout << util::visible(a.document + ": " + e) << '\n';
        std::cout << a.document << (errors.empty() ? ": valid\n" : ": invalid\n");
        return errors.empty() ? exit_code::ok : exit_code::not_ok;
    }
    model::diagnostics diag;
    auto schema_doc = model::read_json_file(a.schema, diag);
    auto doc = model::read_json_file(a.document, diag);
    if (!diag.empty()) {
        for (const auto& p : diag.problems())
            std::cerr << p.to_string() << '\n';
        return exit_code::input_error;
    }
    auto violations = schema::json_schema::compile(*schema_doc).validate(*doc);
    for (const auto& v : violations)
        std::cout << util::visible(a.document + ": " + (v.pointer.empty() ? "/" : v.pointer) +
                                   ": " + v.message)
                  << '\n';
    std::cout << a.document << (violations.empty() ? ": valid\n" : ": invalid\n");
    return violations.empty() ? exit_code::ok : exit_code::not_ok;
}

} // namespace

action add_validate(CLI::App& app) {
    auto a = std::make_shared<validate_args>();
    auto* cmd = app.add_subcommand(
        "validate", "Validate a JSON document against a JSON Schema (or XML against an XSD)");
    cmd->add_option("--schema", a->schema, "JSON Schema (draft 7) or XSD file")->required();
    cmd->add_option("document", a->document, "Document to validate")->required();
    return [a]() {
        try {
            return execute(*a);
        } catch (const std::invalid_argument& e) {
            std::cerr << a->schema << ": " << e.what() << '\n';
            return exit_code::input_error;
        }
    };
}

} // namespace konform::cli
