#include "rows_spec.hpp"

#include "konform/model/dataset_selection.hpp"

#include <stdexcept>

namespace konform::run::detail {

using nlohmann::json;

namespace {

std::size_t count_of(const json& v, const char* what) {
    if (v.is_number_integer() && v.get<long long>() >= 0) return v.get<std::size_t>();
    if (v.is_string()) {
        const std::string& s = v.get_ref<const std::string&>();
        if (!s.empty() && s.size() < 10 && s.find_first_not_of("0123456789") == std::string::npos)
            return std::stoul(s);
    }
    throw std::invalid_argument(std::string("rows: ") + what + " is " + v.dump() +
                                ", not a whole number");
}

} // namespace

json resolve_rows(const json& spec, const model::profile& profile) {
    json out = json::object();
    out["key"] = spec.at("key");
    out["ordered"] = spec.value("ordered", false);
    if (spec.contains("compare")) out["compare"] = spec["compare"];
    json fields = json::object();
    if (spec.contains("fields")) {
        const json& f = spec["fields"];
        if (f.is_array())
            for (const auto& c : f)
                fields[c.get<std::string>()] = "/" + c.get<std::string>();
        else
            fields = f;
    }
    if (spec.contains("dataset")) {
        const std::string name = spec["dataset"].get<std::string>();
        auto it = profile.datasets.find(name);
        if (it == profile.datasets.end())
            throw std::invalid_argument("rows: unknown data set \"" + name + "\"");
        model::row_selection sel;
        if (spec.contains("where")) sel.where = spec["where"];
        if (spec.contains("order_by"))
            for (const auto& c : spec["order_by"])
                sel.order_by.push_back(c.get<std::string>());
        if (spec.contains("offset")) sel.offset = count_of(spec["offset"], "offset");
        if (spec.contains("limit")) sel.limit = count_of(spec["limit"], "limit");
        if (!fields.empty()) {
            sel.columns.push_back(out["key"].get<std::string>());
            for (const auto& [column, pointer] : fields.items())
                if (column != sel.columns.front()) sel.columns.push_back(column);
        }
        out["expected"] = model::select_rows(it->second.rows, sel);
        std::string source = "data set " + name;
        if (!sel.where.empty()) source += " where " + sel.where.dump();
        if (!sel.order_by.empty()) {
            source += " ordered by ";
            for (std::size_t i = 0; i < sel.order_by.size(); ++i)
                source += (i ? ", " : "") + sel.order_by[i];
        }
        if (sel.offset || sel.limit)
            source += " from " + std::to_string(sel.offset) +
                      (sel.limit ? ", at most " + std::to_string(*sel.limit) : "");
        out["source"] = source;
    } else {
        const json& e = spec.at("expected");
        if (!e.is_array())
            throw std::invalid_argument("rows: expected is " + std::string(e.type_name()) +
                                        ", not an array of records");
        out["expected"] = e;
        out["source"] = "as listed";
    }
    if (fields.empty())
        for (const auto& record : out["expected"])
            if (record.is_object())
                for (const auto& [column, value] : record.items())
                    fields[column] = "/" + column;
    out["fields"] = fields;
    return out;
}

} // namespace konform::run::detail
