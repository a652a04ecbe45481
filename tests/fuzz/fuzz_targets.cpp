#include "fuzz_targets.hpp"

#include "../../harness/http/src/read_header.hpp"
#include "konform/check/assertion.hpp"
#include "konform/check/predicate.hpp"
#include "konform/check/xml_document.hpp"
#include "konform/graphql/conformance.hpp"
#include "konform/graphql/introspection.hpp"
#include "konform/graphql/parser.hpp"
#include "konform/graphql/validate.hpp"
#include "konform/model/json_file.hpp"
#include "konform/model/json_style.hpp"
#include "konform/model/testcase.hpp"
#include "konform/run/template.hpp"
#include "konform/schema/json_schema.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/jsonc.hpp"

#include <boost/asio/async_result.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
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
    check::schema_set schemas;
    schemas.namespaces = ns;
    check::response_view view(x, schemas);
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
        // The same body read as CSV, NDJSON and JSONP, and as records compared on a key.
        assertion(model::subject::csv, "/0/id", {{"exists", true}}),
        assertion(model::subject::ndjson, "", {{"count", {{"ge", 1}}}}),
        assertion(model::subject::jsonp, "/id", {{"exists", true}}),
        assertion(model::subject::json, "",
                  {{"rows",
                    {{"expected", json::parse(R"([{"id": "a", "n": 1}, {"id": "b", "n": ""}])")},
                     {"key", "id"},
                     {"fields", {{"id", "/id"}, {"n", "/n/0"}}},
                     {"ordered", true}}}}),
        assertion(model::subject::csv, "",
                  {{"rows",
                    {{"expected", json::parse(R"([{"id": "1", "navn": "Ø"}])")},
                     {"key", "id"},
                     {"fields", {{"navn", "/navn"}}}}}}),
    };
    for (const auto& a : checks)
        (void)check::evaluate(a, view, schemas);
    model::capture c;
    c.source = model::capture::from::json;
    c.selector = "/id";
    (void)check::extract(c, view);
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

// konform's JSON parser either refuses a document (too deep, too many values, invalid) or
// reads exactly what nlohmann's own parser reads.
int style(const std::uint8_t* data, std::size_t size) {
    const auto [doc, pointer] = two_parts(text(data, size));
    std::string once;
    try {
        once = model::restyle(doc);
    } catch (const json::exception&) { // not JSON with comments
        return 0;
    } catch (const std::invalid_argument&) { // too deep, too large
        return 0;
    }
    invariant(model::restyle(once) == once); // idempotent; a logic_error would escape
    (void)util::jsonc::line_of(once, pointer);
    return 0;
}

int schema(const std::uint8_t* data, std::size_t size) {
    const auto [schema_text, document_text] = two_parts(text(data, size));
    json schema_doc, document;
    try {
        schema_doc = util::parse_json(schema_text, 10'000);
        document = util::parse_json(document_text, 10'000);
    } catch (const std::exception&) {
        return 0;
    }
    auto fetch = [&](const std::string& uri) -> std::optional<json> {
        if (uri == "self.json") return schema_doc; // a file that names the schema again
        return std::nullopt;
    };
    try {
        (void)schema::json_schema::compile(schema_doc, fetch).validate(document);
    } catch (const std::invalid_argument&) { // not a usable schema
    }
    return 0;
}

int json_parse(const std::uint8_t* data, std::size_t size) {
    const std::string_view s = text(data, size);
    json ours;
    try {
        ours = util::parse_json(s, 1000);
    } catch (const util::json_too_deep&) {
        return 0;
    } catch (const util::json_too_large&) {
        return 0;
    } catch (const json::exception&) { // a syntax error, or a number too large (out_of_range)
        invariant(!json::accept(s));
        return 0;
    }
    invariant(ours == json::parse(s));
    return 0;
}

namespace {

// An in-memory stream that hands out its bytes in chunks whose sizes the input chooses.
class chunked_stream {
public:
    chunked_stream(boost::asio::io_context& ioc, std::string_view bytes, std::uint8_t step)
        : ioc_(ioc), bytes_(bytes), step_(step == 0 ? 1 : step) {}

    template <class Buffers, class Token> auto async_read_some(const Buffers& b, Token&& token) {
        return boost::asio::async_initiate<Token, void(boost::system::error_code, std::size_t)>(
            [this](auto handler, const Buffers& buffers) {
                std::size_t n = std::min<std::size_t>(
                    {boost::asio::buffer_size(buffers), bytes_.size() - pos_, step_});
                boost::asio::buffer_copy(buffers, boost::asio::buffer(bytes_.data() + pos_, n));
                pos_ += n;
                boost::system::error_code ec;
                if (n == 0) ec = boost::asio::error::eof;
                boost::asio::post(ioc_, [h = std::move(handler), ec, n]() mutable { h(ec, n); });
            },
            token, b);
    }

private:
    boost::asio::io_context& ioc_;
    std::string_view bytes_;
    std::size_t step_;
    std::size_t pos_ = 0;
};

} // namespace

// The bounded header read never hands the parser more than its limit, and ends every input
// (a complete header, an error, or the end of the bytes) without hanging.
int header(const std::uint8_t* data, std::size_t size) {
    if (size < 2) return 0;
    const std::uint64_t limit = 64 + data[0] * 4; // 64..1084 bytes
    boost::asio::io_context ioc;
    chunked_stream stream(ioc, text(data + 2, size - 2), data[1]);
    boost::beast::flat_buffer buffer;
    buffer.max_size(std::max<std::uint64_t>(limit, 4096));
    boost::beast::http::response_parser<boost::beast::http::string_body> parser;
    bool done = false;
    boost::asio::co_spawn(
        ioc,
        [&]() -> boost::asio::awaitable<void> {
            auto r =
                co_await http::detail::async_read_header_bounded(stream, buffer, parser, limit);
            invariant(r.bytes <= limit);
            invariant(r.ec || parser.is_header_done());
            done = true;
        },
        boost::asio::detached);
    ioc.run();
    invariant(done);
    return 0;
}

// A schema and a query (split at the first NUL): each parses or is refused with a position;
// the query is validated against the schema; a schema read back from its own introspection
// answer conforms to itself.
int graphql(const std::uint8_t* data, std::size_t size) {
    auto [sdl, query] = two_parts(text(data, size));
    std::optional<graphql::schema> s;
    try {
        s = graphql::parse_schema(sdl);
    } catch (const graphql::syntax_error& e) {
        invariant(e.where().line >= 1 && e.where().column >= 1);
    }
    if (s) {
        const json answer = graphql::to_introspection(*s);
        try {
            const graphql::schema back = graphql::from_introspection(answer);
            invariant(graphql::compare_schemas(*s, back).empty());
        } catch (const std::runtime_error&) {
            // a schema whose query type is not defined has no introspection answer to read
        }
    }
    try {
        const graphql::executable_document doc =
            graphql::parse_executable(query.empty() ? sdl : query);
        if (s) graphql::validate(doc, *s);
    } catch (const graphql::syntax_error& e) {
        invariant(e.where().line >= 1 && e.where().column >= 1);
    }
    return 0;
}

} // namespace konform::fuzz
