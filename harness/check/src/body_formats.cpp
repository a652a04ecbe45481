#include "konform/check/body_formats.hpp"

#include "konform/model/dataset_reader.hpp"
#include "konform/util/jcs.hpp"

#include <cctype>

namespace konform::check {

using nlohmann::json;

namespace {

// One JSON text of a body, its errors in words.
json parse_part(std::string_view text, std::size_t max_values, const std::string& where) {
    try {
        return util::parse_json(text, max_values);
    } catch (const util::json_too_deep&) {
        throw format_error(where + " nests deeper than 512 levels");
    } catch (const util::json_too_large& e) {
        throw format_error(where + " " + e.what());
    } catch (const json::exception& e) {
        std::string what = e.what();
        const auto pos = what.find("] ");
        throw format_error(where + " is not valid JSON: " +
                           (pos == std::string::npos ? what : what.substr(pos + 2)));
    }
}

} // namespace

json csv_records(std::string_view body, std::size_t max_values) {
    if (body.substr(0, 3) == "\xEF\xBB\xBF") body.remove_prefix(3);
    std::vector<std::string> header;
    json out = json::array();
    std::size_t cells = 0, row_number = 0;
    model::parse_csv(body, [&](std::vector<std::string>& row) {
        ++row_number;
        cells += row.size();
        if (cells > max_values)
            throw format_error("the CSV has more than " + std::to_string(max_values) + " cells");
        if (header.empty()) {
            header = row;
            return;
        }
        if (row.size() != header.size())
            throw format_error("CSV row " + std::to_string(row_number) + " has " +
                               std::to_string(row.size()) + " cells, the header " +
                               std::to_string(header.size()));
        json record = json::object();
        for (std::size_t i = 0; i < row.size(); ++i)
            record[header[i]] = std::move(row[i]);
        out.push_back(std::move(record));
    });
    if (header.empty()) throw format_error("the CSV has no header row");
    return out;
}

json ndjson_values(std::string_view body, std::size_t max_values) {
    json out = json::array();
    std::size_t line_number = 0, start = 0;
    while (start < body.size()) {
        ++line_number;
        std::size_t end = body.find('\n', start);
        const bool last = end == std::string_view::npos;
        std::string_view line = body.substr(start, last ? std::string_view::npos : end - start);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty())
            throw format_error("NDJSON line " + std::to_string(line_number) + " is empty");
        if (out.size() >= max_values)
            throw format_error("the NDJSON has more than " + std::to_string(max_values) + " lines");
        out.push_back(parse_part(line, max_values, "NDJSON line " + std::to_string(line_number)));
        if (last) break;
        start = end + 1;
    }
    return out;
}

json jsonp_value(std::string_view body, std::size_t max_values) {
    auto is_space = [](char c) { return std::isspace(static_cast<unsigned char>(c)) != 0; };
    while (!body.empty() && is_space(body.front()))
        body.remove_prefix(1);
    while (!body.empty() && (is_space(body.back()) || body.back() == ';'))
        body.remove_suffix(1);
    const auto open = body.find('(');
    if (open == std::string_view::npos || open == 0 || body.empty() || body.back() != ')')
        throw format_error("the body is not JSONP: expected callback(...)");
    std::string_view name = body.substr(0, open);
    while (!name.empty() && is_space(name.back()))
        name.remove_suffix(1);
    for (char c : name)
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '$' && c != '_' && c != '.')
            throw format_error("the JSONP callback's name has a character other than "
                               "[$_A-Za-z0-9.]");
    return parse_part(body.substr(open + 1, body.size() - open - 2), max_values,
                      "the JSONP argument");
}

} // namespace konform::check
