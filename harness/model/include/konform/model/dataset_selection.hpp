#pragma once

#include "konform/model/dataset_reader.hpp"

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

namespace konform::model {

// Which rows of a data set an answer must hold: those matching `where`, in `order_by`'s
// order, from `offset`, at most `limit`, each with the `columns` compared.
struct row_selection {
    nlohmann::json where = nlohmann::json::object(); // {"column": value}: loose equality
    std::vector<std::string> order_by; // columns; numbers compare numerically, text by bytes
    std::size_t offset = 0;
    std::optional<std::size_t> limit;
    std::vector<std::string> columns; // empty: every column
};

// Values a template or a CSV cell may give for one datum: "101" and 101 are the same,
// "true" and true are the same.
bool loosely_equal(const nlohmann::json& a, const nlohmann::json& b);

// The selected rows, in order, each an object of the selected columns.
nlohmann::json select_rows(const dataset_rows& rows, const row_selection& selection);

} // namespace konform::model
