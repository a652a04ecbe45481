#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace konform::schema {

// How much work one validation may do: a hostile document of many invalid elements makes
// libxml2 report (and format) one error per element.
struct validation_budget {
    std::size_t max_errors = 20; // validation stops after this many
    std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
    const std::atomic<bool>* stop = nullptr; // set when the run is interrupted
};

// A compiled W3C XML Schema (XSD 1.0, as libxml2 implements it). Documents are parsed
// without network access, external entities or DTD loading.
class xml_schema {
public:
    // Loads an XSD file; its includes and imports resolve relative to it and must be files
    // in its folder or below (a URL or a file elsewhere is refused). Throws
    // std::invalid_argument with the reason (libxml2's) when the schema is not usable.
    static xml_schema load(const std::string& xsd_file);

    // The files the schema named and konform read while loading it (includes, imports),
    // as canonical paths: part of what a profile consists of.
    const std::vector<std::filesystem::path>& files() const;

    // The violations, as "line N: message (at /element/path)" (the path where the document
    // is at most 1 MiB); empty when the document is valid. The document is validated as it
    // is read, and validation stops at the budget's error count, its
    // deadline or its stop flag, with a last entry that says so.
    std::vector<std::string> validate(std::string_view xml_document,
                                      const validation_budget& budget = {}) const;

private:
    struct impl;
    std::shared_ptr<impl> impl_;
};

} // namespace konform::schema
