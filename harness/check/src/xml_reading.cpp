#include "konform/check/xml_reading.hpp"

#include "konform/util/text.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <iconv.h>
#include <optional>

namespace konform::check {

namespace {

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

// One name per encoding, so that "UTF8", "utf-8" and "Utf-8" agree.
std::string canonical(std::string_view name) {
    std::string n = lower(name);
    if (n == "utf8") return "utf-8";
    if (n == "latin1" || n == "iso_8859-1" || n == "iso8859-1" || n == "l1") return "iso-8859-1";
    if (n == "cp1252") return "windows-1252";
    if (n == "ascii") return "us-ascii";
    return n;
}

bool utf_family(const std::string& enc) {
    return enc == "utf-8" || enc == "us-ascii" || enc.rfind("utf-16", 0) == 0;
}

// The encoding an XML declaration at the start of `text` names, or "".
std::string declared_in(std::string_view text) {
    if (text.substr(0, 5) != "<?xml") return {};
    const auto end = text.find("?>");
    if (end == std::string_view::npos || end > 512) return {};
    const std::string_view decl = text.substr(0, end);
    const auto at = decl.find("encoding");
    if (at == std::string_view::npos) return {};
    std::size_t i = at + 8;
    while (i < decl.size() && (decl[i] == ' ' || decl[i] == '\t' || decl[i] == '\r' ||
                               decl[i] == '\n' || decl[i] == '='))
        ++i;
    if (i >= decl.size() || (decl[i] != '"' && decl[i] != '\'')) return {};
    const char quote = decl[i];
    const auto close = decl.find(quote, i + 1);
    if (close == std::string_view::npos) return {};
    return std::string(decl.substr(i + 1, close - i - 1));
}

// `text` decoded from `encoding` into UTF-8, or nothing when its bytes are not text in it.
std::optional<std::string> decode(std::string_view text, const std::string& encoding,
                                  std::string& error) {
    iconv_t cd = ::iconv_open("UTF-8", encoding.c_str());
    if (cd == reinterpret_cast<iconv_t>(-1)) {
        error = "it is declared as " + util::visible(std::string_view(encoding).substr(0, 40)) +
                ", an encoding konform cannot read";
        return std::nullopt;
    }
    std::string out(text.size() * 2 + 16, '\0');
    char* in = const_cast<char*>(text.data());
    std::size_t in_left = text.size();
    std::size_t used = 0;
    while (in_left > 0) {
        char* o = out.data() + used;
        std::size_t out_left = out.size() - used;
        const std::size_t rc = ::iconv(cd, &in, &in_left, &o, &out_left);
        used = out.size() - out_left;
        if (rc != static_cast<std::size_t>(-1)) break;
        if (errno == E2BIG) {
            out.resize(out.size() * 2);
            continue;
        }
        ::iconv_close(cd);
        error = "its bytes are not " + encoding + " text (at byte " +
                std::to_string(text.size() - in_left) + ")";
        return std::nullopt;
    }
    ::iconv_close(cd);
    out.resize(used);
    return out;
}

// Whether `s` is valid UTF-8 (by util::valid_utf8's rules: no overlong forms, no
// surrogates), and whether it holds any character beyond ASCII.
bool valid_utf8_with_multibyte(std::string_view s, bool& multibyte) {
    multibyte = std::any_of(s.begin(), s.end(), [](char c) { return (c & 0x80) != 0; });
    return !multibyte || util::valid_utf8(s) == s;
}

// The text's declaration, if any, rewritten to say what the text now is.
std::string say_utf8(std::string text, const std::string& declared) {
    if (declared.empty()) return text;
    const auto at = text.find(declared, text.find("encoding"));
    if (at != std::string::npos && at < 512) text.replace(at, declared.size(), "UTF-8");
    return text;
}

boost::system::result<std::string, unreadable_xml> ok(std::string text) {
    return {boost::system::in_place_value, std::move(text)};
}

} // namespace

std::string charset_of(std::string_view content_type) {
    const std::string ct = lower(content_type);
    for (std::size_t at = ct.find("charset"); at != std::string::npos;
         at = ct.find("charset", at + 1)) {
        std::size_t i = at + 7;
        while (i < ct.size() && ct[i] == ' ')
            ++i;
        if (i >= ct.size() || ct[i] != '=') continue;
        ++i;
        while (i < ct.size() && ct[i] == ' ')
            ++i;
        std::string value;
        const bool quoted = i < ct.size() && ct[i] == '"';
        if (quoted) ++i;
        while (i < ct.size() && ct[i] != ';' && ct[i] != ' ' && ct[i] != '"')
            value += ct[i++];
        return value;
    }
    return {};
}

boost::system::result<std::string, unreadable_xml> read_xml_text(std::string_view body,
                                                                 std::string_view content_type) {
    std::string bom;
    if (body.substr(0, 3) == "\xEF\xBB\xBF")
        bom = "utf-8", body.remove_prefix(3);
    else if (body.substr(0, 2) == "\xFF\xFE")
        bom = "utf-16le", body.remove_prefix(2);
    else if (body.substr(0, 2) == "\xFE\xFF")
        bom = "utf-16be", body.remove_prefix(2);
    const std::string charset = canonical(charset_of(content_type));
    std::string error;
    // An encoding name is letters, digits and ._:- (XML 1.0 [81] EncName, and RFC 2978's).
    const auto name_ok = [](const std::string& n) {
        return n.size() <= 40 && std::all_of(n.begin(), n.end(), [](char c) {
                   return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' ||
                          c == ':' || c == '-';
               });
    };
    if (!name_ok(charset))
        return unreadable_xml{std::string("its HTTP charset is not an encoding name")};
    if (bom.rfind("utf-16", 0) == 0) {
        // The declaration inside is UTF-16 text too: decode first, then read it.
        auto text = decode(body, bom, error);
        if (!text) return unreadable_xml{error};
        const std::string declared = declared_in(*text);
        return ok(say_utf8(std::move(*text), declared));
    }
    const std::string declared_as_written = declared_in(body);
    const std::string declared = canonical(declared_as_written);
    if (!name_ok(declared))
        return unreadable_xml{std::string("its XML declaration names no encoding")};
    std::string encoding = !bom.empty() ? bom : !charset.empty() ? charset : declared;
    if (encoding.empty()) encoding = "utf-8";
    // Two declarations that read the bytes into different text: no reading is the answer's.
    for (const auto& other : {charset, declared})
        if (!other.empty() && other != encoding) {
            std::string e1, e2;
            auto a = decode(body, encoding, e1);
            auto b = decode(body, other, e2);
            if (!a || !b || *a != *b)
                return unreadable_xml{
                    "its declarations disagree: " +
                    (bom.empty() ? "the HTTP charset says " +
                                       util::visible(std::string_view(charset).substr(0, 40))
                                 : "its byte order mark says UTF-8") +
                    ", its XML declaration says " +
                    util::visible(std::string_view(declared_as_written).substr(0, 40)) +
                    ", and they read its bytes differently"};
        }
    bool multibyte = false;
    const bool utf8 = valid_utf8_with_multibyte(body, multibyte);
    if (encoding == "utf-8" || encoding == "us-ascii") {
        if (!utf8 || (encoding == "us-ascii" && multibyte))
            return unreadable_xml{"its bytes are not " + encoding + " text"};
        return ok(say_utf8(std::string(body), declared_as_written));
    }
    if (!utf_family(encoding) && utf8 && multibyte)
        return unreadable_xml{"it is declared as " + encoding +
                              ", but its bytes are UTF-8: a client that honours the "
                              "declaration reads other characters than were sent"};
    auto text = decode(body, encoding, error);
    if (!text) return unreadable_xml{error};
    return ok(say_utf8(std::move(*text), declared_as_written));
}

} // namespace konform::check
