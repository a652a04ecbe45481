#pragma once

#include "konform/util/jcs.hpp"

#include <charconv>
#include <cstddef>
#include <string>
#include <string_view>

namespace konform::report::detail {

// Writes JSON text straight into a string, without building a document first: the report
// writers' hot path (one HAR entry and one step per exchange). Members come out in the
// order they are written, so a caller that writes them sorted gets RFC 8785 text.
class json_text {
public:
    explicit json_text(std::string& out) : out_(out) {}

    json_text& open() {
        sep();
        out_ += '{';
        first_ = true;
        return *this;
    }
    json_text& close() {
        out_ += '}';
        first_ = false;
        return *this;
    }
    json_text& open_array() {
        sep();
        out_ += '[';
        first_ = true;
        return *this;
    }
    json_text& close_array() {
        out_ += ']';
        first_ = false;
        return *this;
    }
    // A member name; its value is written next.
    json_text& key(std::string_view k) {
        sep();
        util::append_string(out_, k);
        out_ += ':';
        first_ = true;
        return *this;
    }
    // A member name written in konform's own code (a literal: ASCII, no quote, backslash
    // or control character, so nothing to escape): appended in one piece. Most members of
    // every HAR entry and step record are these.
    template <std::size_t N> json_text& key(const char (&k)[N]) {
        sep();
        out_.reserve(out_.size() + N + 2);
        out_ += '"';
        out_.append(k, N - 1);
        out_.append("\":", 2);
        first_ = true;
        return *this;
    }
    json_text& str(std::string_view s) {
        sep();
        util::append_string(out_, s);
        return *this;
    }
    json_text& num(double d) {
        sep();
        out_ += util::ecmascript_number(d);
        return *this;
    }
    // A number with three decimals (milliseconds in the evidence): no canonical form
    // needed there, and much cheaper to print.
    json_text& fixed3(double d) {
        sep();
        char buf[48];
        auto r = std::to_chars(buf, buf + sizeof buf, d, std::chars_format::fixed, 3);
        out_.append(buf, r.ptr);
        return *this;
    }
    json_text& integer(long long i) {
        sep();
        char buf[24];
        auto r = std::to_chars(buf, buf + sizeof buf, i);
        out_.append(buf, r.ptr);
        return *this;
    }
    // A whole JSON value, in its RFC 8785 form.
    json_text& canonical(const nlohmann::json& v) {
        sep();
        out_ += util::canonicalize(v);
        return *this;
    }
    json_text& boolean(bool b) {
        sep();
        out_ += b ? "true" : "false";
        return *this;
    }

private:
    void sep() {
        if (!first_) out_ += ',';
        first_ = false;
    }

    std::string& out_;
    bool first_ = true;
};

} // namespace konform::report::detail
