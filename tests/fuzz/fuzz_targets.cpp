#include "fuzz_targets.hpp"

#include "konform/check/assertion.hpp"
#include "konform/check/predicate.hpp"
#include "konform/check/xml_document.hpp"
#include "konform/model/json_file.hpp"
#include "konform/model/testcase.hpp"
#include "konform/run/template.hpp"
#include "konform/util/jcs.hpp"

#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdlib>
#include <string>
#include <string_view>

namespace konform::fuzz {

using nlohmann::json;

namespace {

std::string_view text(const std::uint8_t* data, std::size_t size) {
    return {reinterpret_cast<const char*>(data), size};
}

// Splits the input at the first NUL into two parts (e.g. a document and a query).
std::pair<std::string, std::string> two_parts(std::string_view s) {
    auto nul = s.find('\0');
    if (nul == std::string_view::npos) return {std::string(s), {}};
    return {std::string(s.substr(0, nul)), std::string(s.substr(nul + 1))};
}

void invariant(bool held) {
    if (!held) std::abort();
}

} // namespace

int loaders(const std::uint8_t* data, std::size_t size) {
    json doc = json::parse(text(data, size), nullptr, false);
    if (doc.is_discarded()) return 0;
    for (const char* format : {"profile", "testcase", "target"}) {
        model::diagnostics diag;
        model::check_format(doc, format, "fuzz.json", diag);
        // The parser runs only on documents the format schema accepted, as in the loader.
        if (diag.empty() && std::string(format) == "testcase")
            model::parse_testcase(doc, "fuzz.json", diag);
    }
    return 0;
}

int templates(const std::uint8_t* data, std::size_t size) {
    auto [tmpl, json_text] = two_parts(text(data, size));
    run::variables vars{{"id", "abc"},
                        {"row", json{{"language", "da"}, {"n", 2}}},
                        {"list", json::array({1, "x"})}};
    try {
        (void)run::render(tmpl, vars);
        (void)run::render(tmpl, vars, run::escaping::xml);
    } catch (const run::template_error&) {
    }
    json value = json::parse(json_text, nullptr, false);
    if (!value.is_discarded()) {
        try {
            (void)run::render_json(value, vars);
        } catch (const run::template_error&) {
        }
    }
    return 0;
}

int predicates(const std::uint8_t* data, std::size_t size) {
    auto [first, second] = two_parts(text(data, size));
    // JSON: {"predicates": {...}, "value": ..., "pointer": "..."}
    json doc = json::parse(first, nullptr, false);
    if (doc.is_object() && doc.contains("predicates") && doc["predicates"].is_object()) {
        std::optional<json> value;
        if (doc.contains("value")) value = doc["value"];
        if (doc.contains("pointer") && doc["pointer"].is_string() && value) {
            try {
                json::json_pointer p(doc["pointer"].get<std::string>());
                value = value->contains(p) ? std::optional<json>(value->at(p)) : std::nullopt;
            } catch (const json::exception&) {
            }
        }
        try {
            (void)check::evaluate_predicates(doc["predicates"], value);
        } catch (const json::exception&) {
            // a predicate of the wrong type: the format schema refuses it before a run
        }
    }
    // XML and XPath: the first part as a document, the second as an expression.
    std::string error;
    auto xml = check::xml_document::parse(
        first, {{"ex", "urn:ex"}, {"soap", "http://schemas.xmlsoap.org/soap/envelope/"}}, error);
    if (xml) {
        for (const char* q : {"/", "//*", "count(//ex:*)", "string(/*)", "//@*"})
            (void)xml->evaluate(q);
        if (!second.empty()) {
            try {
                (void)xml->evaluate(second);
            } catch (const std::invalid_argument&) {
            }
        }
    }
    return 0;
}

int response(const std::uint8_t* data, std::size_t size) {
    namespace http = boost::beast::http;
    http::response_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(1024 * 1024);
    boost::beast::error_code ec;
    std::string_view bytes = text(data, size);
    std::size_t used = 0;
    while (used < bytes.size() && !parser.is_done()) {
        std::size_t n =
            parser.put(boost::asio::buffer(bytes.data() + used, bytes.size() - used), ec);
        if (ec || n == 0) break; // need_more here means the input ended inside the message
        used += n;
    }
    if (ec == http::error::need_more) ec = {};
    if (!ec && parser.is_header_done() && !parser.is_done()) parser.put_eof(ec); // the peer closed
    if (!parser.is_header_done()) return 0;
    auto& msg = parser.get();
    konform::http::exchange x;
    konform::http::response r;
    r.status = static_cast<int>(msg.result_int());
    for (const auto& f : msg)
        r.headers.emplace_back(std::string(f.name_string()), std::string(f.value()));
    r.body = msg.body();
    x.resp = std::move(r);
    check::xml_document::namespace_map ns{{"ex", "urn:ex"}};
    check::response_view view(x, ns);
    check::schema_set schemas;
    schemas.namespaces = ns;
    auto assertion = [](model::subject s, std::string selector, json preds) {
        model::assertion a;
        a.what = s;
        a.selector = std::move(selector);
        a.predicates = std::move(preds);
        return a;
    };
    const model::assertion checks[] = {
        assertion(model::subject::status, "", {{"ge", 200}, {"lt", 300}}),
        assertion(model::subject::header, "Content-Type", {{"matches", "json"}}),
        assertion(model::subject::json, "/a/0", {{"exists", true}}),
        assertion(model::subject::json, "", {{"each", {{"type", "object"}}}}),
        assertion(model::subject::xpath, "/ex:r", {{"exists", true}}),
        assertion(model::subject::body, "", {{"contains", "x"}}),
    };
    for (const auto& a : checks)
        (void)check::evaluate(a, view, schemas);
    std::string error;
    model::capture c;
    c.source = model::capture::from::json;
    c.selector = "/id";
    (void)check::extract(c, view, error);
    return 0;
}

int canonical(const std::uint8_t* data, std::size_t size) {
    json doc;
    try {
        doc = util::parse_strict(text(data, size));
    } catch (const std::invalid_argument&) {
        return 0;
    }
    std::string once;
    try {
        once = util::canonicalize(doc);
    } catch (const std::invalid_argument&) {
        return 0; // not representable (e.g. a member name that is not UTF-8)
    }
    // Canonical form is a fixed point: parsing and canonicalising it again changes nothing.
    json again = util::parse_strict(once);
    invariant(util::canonicalize(again) == once);
    return 0;
}

} // namespace konform::fuzz
