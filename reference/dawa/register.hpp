#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace konform::reference::dawa {

// One address of the certification data set (datasets/adresser.csv of the profile).
struct address {
    std::string id, adgangsadresseid;
    int status = 1; // 1 current, 3 preliminary, 2 discontinued (nedlagt), 4 shelved (henlagt)
    std::string kommunekode, kommunenavn, vejkode, vejnavn, husnr, etage, doer, postnr, postnrnavn,
        x, y;
};

// One access address (datasets/adgangsadresser.csv).
struct access_address {
    std::string id;
    int status = 1;
    std::string kommunekode, vejkode, vejnavn, husnr, postnr, postnrnavn, x, y;
};

struct postal_code {
    std::string nr, navn;
    bool stormodtager = false; // a large recipient's own code: listed only on request
};

// The data set as embedded at build time, parsed once, each list ordered by its key.
const std::vector<address>& addresses();
const std::vector<access_address>& access_addresses();
const std::vector<postal_code>& postal_codes();

// Reads the data set's CSV files (adresser.csv, adgangsadresser.csv, postnumre.csv) from
// `folder` instead of the embedded ones; call before the first request.
void use_data_folder(const std::string& folder);

std::string_view adresser_csv();
std::string_view adgangsadresser_csv();
std::string_view postnumre_csv();

} // namespace konform::reference::dawa
