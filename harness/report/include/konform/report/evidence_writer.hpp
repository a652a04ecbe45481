#pragma once

#include "konform/run/result.hpp"
#include "konform/util/file.hpp"
#include "konform/util/sha256.hpp"

#include <filesystem>
#include <nlohmann/json.hpp>
#include <string>

namespace konform::report {

// One exchange as a HAR 1.2 entry, JSON text (cookies redacted; secrets were replaced by
// placeholders when the exchange was recorded; bytes that are not UTF-8 become U+FFFD).
std::string har_entry(const http::exchange& x, const std::string& testcase);

// Evidence: every exchange of the run as HAR 1.2, written as the run goes, one entry a
// line, in the order the report numbers them (entry N is "exchange": N). The file is put
// in place by finish(), which returns its SHA-256; memory does not grow with the run.
class evidence_writer {
public:
    explicit evidence_writer(const std::filesystem::path& file);
    void add(const http::exchange& x, const std::string& testcase);
    std::string finish();

private:
    void write(std::string_view bytes);

    util::atomic_file_writer out_;
    util::sha256_stream digest_;
    std::size_t count_ = 0;
};

} // namespace konform::report
