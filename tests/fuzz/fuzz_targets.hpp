#pragma once

#include <cstddef>
#include <cstdint>

// konform's fuzz targets. Each is built into a libFuzzer binary (scripts/fuzz) and also
// replayed over tests/fuzz/regressions/<name>/ by the unit tests, so every input that ever
// broke konform stays a test.
namespace konform::fuzz {

int loaders(const std::uint8_t* data, std::size_t size);    // format schemas, test-case parser
int templates(const std::uint8_t* data, std::size_t size);  // the template engine
int predicates(const std::uint8_t* data, std::size_t size); // JSON Pointer, predicates, XPath
int response(const std::uint8_t* data, std::size_t size);   // HTTP response parsing and checks
int canonical(const std::uint8_t* data, std::size_t size);  // strict parse and RFC 8785
int json_parse(const std::uint8_t* data, std::size_t size); // the linear, limited JSON parser
int header(const std::uint8_t* data, std::size_t size);     // the bounded response-header read
int style(const std::uint8_t* data, std::size_t size);      // konform fmt and pointer lines
int schema(const std::uint8_t* data, std::size_t size);     // JSON Schema compile and validate
int graphql(const std::uint8_t* data, std::size_t size);    // SDL, queries, introspection

} // namespace konform::fuzz
