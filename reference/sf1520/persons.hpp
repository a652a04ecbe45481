#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace konform::reference::sf1520 {

// One synthetic person of the certification data set (datasets/persons.json of the profile).
struct person {
    std::string pnr;
    bool modulus11 = true;
    std::string fornavn, mellemnavn, efternavn, personadresseringsnavn;
    std::string foedselsdato, koen, civilstand;
    int status = 1;
    int antal_boern_under_18 = 0;
    int kommunekode = 0, vejkode = 0;
    std::string vejnavn, husnummer, etage, sidedoer, postnummer, postdistrikt;
    // Since profile 1.1: protections, relations, and what an inactive person holds.
    bool adressebeskyttelse = false, vejviserbeskyttelse = false,
         markedsfoeringsbeskyttelse = false;
    std::string beskyttelse_startdato;
    std::string aegtefaelle, mor, far;
    std::vector<std::string> barn;
    std::vector<int> foraeldremyndighed;
    std::string gaeldende_personnummer;
    int udrejselandekode = 0;
    std::string udrejsedato, forsvindingsdato;
};

// The data set as embedded at build time.
std::string_view persons_json();

// Every person of the data set, parsed once.
const std::vector<person>& persons();

// The person with this number, or none.
const person* find_person(std::string_view pnr);

} // namespace konform::reference::sf1520
