#include "register.hpp"

#include <map>

namespace konform::reference::dawa {

namespace {

// The generator writes plain cells (no quotes, no commas): a row is its fields split at ','.
std::vector<std::map<std::string, std::string>> rows_of(std::string_view text) {
    std::vector<std::map<std::string, std::string>> out;
    std::vector<std::string> header;
    std::size_t start = 0;
    while (start < text.size()) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos) end = text.size();
        std::vector<std::string> cells;
        std::string_view line = text.substr(start, end - start);
        std::size_t from = 0;
        while (true) {
            const std::size_t comma = line.find(',', from);
            cells.emplace_back(
                line.substr(from, comma == std::string_view::npos ? line.npos : comma - from));
            if (comma == std::string_view::npos) break;
            from = comma + 1;
        }
        if (header.empty())
            header = cells;
        else if (!line.empty()) {
            std::map<std::string, std::string> row;
            for (std::size_t i = 0; i < header.size() && i < cells.size(); ++i)
                row[header[i]] = cells[i];
            out.push_back(std::move(row));
        }
        start = end + 1;
    }
    return out;
}

} // namespace

const std::vector<address>& addresses() {
    static const std::vector<address> all = [] {
        std::vector<address> out;
        for (auto& r : rows_of(adresser_csv()))
            out.push_back({r["id"], r["adgangsadresseid"], std::stoi(r["status"]), r["kommunekode"],
                           r["kommunenavn"], r["vejkode"], r["vejnavn"], r["husnr"], r["etage"],
                           r["dør"], r["postnr"], r["postnrnavn"], r["x"], r["y"]});
        return out;
    }();
    return all;
}

const std::vector<access_address>& access_addresses() {
    static const std::vector<access_address> all = [] {
        std::vector<access_address> out;
        for (auto& r : rows_of(adgangsadresser_csv()))
            out.push_back({r["id"], std::stoi(r["status"]), r["kommunekode"], r["vejkode"],
                           r["vejnavn"], r["husnr"], r["postnr"], r["postnrnavn"], r["x"], r["y"]});
        return out;
    }();
    return all;
}

const std::vector<postal_code>& postal_codes() {
    static const std::vector<postal_code> all = [] {
        std::vector<postal_code> out;
        for (auto& r : rows_of(postnumre_csv()))
            out.push_back({r["nr"], r["navn"]});
        return out;
    }();
    return all;
}

} // namespace konform::reference::dawa
