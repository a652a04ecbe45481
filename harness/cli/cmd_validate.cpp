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
    std::string schema;
    std::vector<std::string> documents;
};

namespace fs = std::filesystem;

// Why a file a schema's "$ref" names may not be read: it must be in the schema's folder.
std::string outside_schema_folder(const fs::path& schema_file, const fs::path& target) {
    std::error_code ec;
    const fs::path dir = fs::canonical(fs::absolute(schema_file).parent_path(), ec);
    const fs::path inside = fs::canonical(target, ec).lexically_relative(dir);
    if (ec || inside.empty() || *inside.begin() == "..")
        return "is not a file in the schema's folder " + dir.string();
    return {};
}

exit_code validate_xml(const validate_args& a) {
    auto xsd = schema::xml_schema::load(a.schema); // invalid_argument -> caught below
    bool all_valid = true;
    for (const auto& document : a.documents) {
        std::string doc;
        try {
            doc = util::read_file(document);
        } catch (const std::exception& e) {
            std::cerr << e.what() << '\n';
            return exit_code::input_error;
        }
        auto errors = xsd.validate(doc);
        for (const auto& e : errors)
            std::cout << util::visible(document + ": " + e) << '\n';
        std::cout << util::visible(document) << (errors.empty() ? ": valid\n" : ": invalid\n");
        all_valid = all_valid && errors.empty();
    }
    return all_valid ? exit_code::ok : exit_code::not_ok;
}

exit_code execute(const validate_args& a) {
    if (fs::path(a.schema).extension() == ".xsd") return validate_xml(a);
    model::diagnostics diag;
    auto schema_doc = model::read_json_file(a.schema, diag);
    std::vector<std::optional<nlohmann::json>> docs;
    for (const auto& d : a.documents)
        docs.push_back(model::read_json_file(d, diag));
    if (!diag.empty()) {
        for (const auto& p : diag.problems())
            std::cerr << util::visible(p.to_string()) << '\n';
        return exit_code::input_error;
    }
    const auto compiled = schema::json_schema::compile(
        *schema_doc,
        model::sibling_schema_files(a.schema, *schema_doc, [&](const fs::path& target) {
            return outside_schema_folder(a.schema, target);
        }));
    bool all_valid = true;
    for (std::size_t i = 0; i < docs.size(); ++i) {
        const auto violations = compiled.validate(*docs[i]);
        for (const auto& v : violations)
            std::cout << util::visible(a.documents[i] + ": " +
                                       (v.pointer.empty() ? "/" : v.pointer) + ": " + v.message)
                      << '\n';
        std::cout << util::visible(a.documents[i])
                  << (violations.empty() ? ": valid\n" : ": invalid\n");
        all_valid = all_valid && violations.empty();
    }
    return all_valid ? exit_code::ok : exit_code::not_ok;
}

} // namespace

action add_validate(CLI::App& app) {
    auto a = std::make_shared<validate_args>();
    auto* cmd = app.add_subcommand(
        "validate", "Validate JSON documents against a JSON Schema (or XML against an XSD)");
    cmd->add_option("--schema", a->schema, "JSON Schema (draft 7) or XSD file")->required();
    cmd->add_option("documents", a->documents,
                    "Documents to validate (each gets a line: valid or invalid)")
        ->required();
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
