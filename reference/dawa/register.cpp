#include "register.hpp"

#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>

namespace konform::reference::dawa {

namespace {

std::string folder_text(const std::string& folder, const std::string& name) {
    std::ifstream in(folder + "/" + name, std::ios::binary);
    if (!in) throw std::runtime_error("no " + name + " in " + folder);
    std::ostringstream text;
    text << in.rdbuf();
    return text.str();
}

struct sources {
    std::string adresser, adgangsadresser, postnumre; // empty: the embedded files
};
sources& data() {
    static sources s;
    return s;
}

std::string_view text_of(const std::string& loaded, std::string_view embedded) {
    return loaded.empty() ? embedded : std::string_view(loaded);
}

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

void use_data_folder(const std::string& folder) {
    data().adresser = folder_text(folder, "adresser.csv");
    data().adgangsadresser = folder_text(folder, "adgangsadresser.csv");
    data().postnumre = folder_text(folder, "postnumre.csv");
}

const std::vector<address>& addresses() {
    static const std::vector<address> all = [] {
        std::vector<address> out;
        for (auto& r : rows_of(text_of(data().adresser, adresser_csv())))
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
        for (auto& r : rows_of(text_of(data().adgangsadresser, adgangsadresser_csv())))
            out.push_back({r["id"], std::stoi(r["status"]), r["kommunekode"], r["vejkode"],
                           r["vejnavn"], r["husnr"], r["postnr"], r["postnrnavn"], r["x"], r["y"]});
        return out;
    }();
    return all;
}

const std::vector<postal_code>& postal_codes() {
    static const std::vector<postal_code> all = [] {
        std::vector<postal_code> out;
        for (auto& r : rows_of(text_of(data().postnumre, postnumre_csv())))
            out.push_back({r["nr"], r["navn"], r["stormodtager"] == "true"});
        return out;
    }();
    return all;
}

} // namespace konform::reference::dawa
