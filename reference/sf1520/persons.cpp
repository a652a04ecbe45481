#include "persons.hpp"

#include <nlohmann/json.hpp>

namespace konform::reference::sf1520 {

const std::vector<person>& persons() {
    static const std::vector<person> all = [] {
        std::vector<person> out;
        for (const auto& r : nlohmann::json::parse(persons_json())) {
            person p;
            p.pnr = r.at("pnr");
            p.modulus11 = r.at("modulus11");
            p.fornavn = r.at("fornavn");
            p.mellemnavn = r.at("mellemnavn");
            p.efternavn = r.at("efternavn");
            p.personadresseringsnavn = r.at("personadresseringsnavn");
            p.foedselsdato = r.at("foedselsdato");
            p.koen = r.at("koen");
            p.status = r.at("status");
            p.civilstand = r.at("civilstand");
            p.antal_boern_under_18 = r.at("antalBoernUnder18");
            p.kommunekode = r.at("kommunekode");
            p.vejkode = r.at("vejkode");
            p.vejnavn = r.at("vejnavn");
            p.husnummer = r.at("husnummer");
            p.etage = r.at("etage");
            p.sidedoer = r.at("sidedoer");
            p.postnummer = r.at("postnummer");
            p.postdistrikt = r.at("postdistrikt");
            p.adressebeskyttelse = r.at("adressebeskyttelse");
            p.vejviserbeskyttelse = r.at("vejviserbeskyttelse");
            p.markedsfoeringsbeskyttelse = r.at("markedsfoeringsbeskyttelse");
            p.beskyttelse_startdato = r.at("beskyttelse_startdato");
            p.aegtefaelle = r.at("aegtefaelle");
            p.mor = r.at("mor");
            p.far = r.at("far");
            p.barn = r.at("barn").get<std::vector<std::string>>();
            p.foraeldremyndighed = r.at("foraeldremyndighed").get<std::vector<int>>();
            p.gaeldende_personnummer = r.at("gaeldendePersonnummer");
            if (r.at("udrejselandekode").is_number()) p.udrejselandekode = r.at("udrejselandekode");
            p.udrejsedato = r.at("udrejsedato");
            p.forsvindingsdato = r.at("forsvindingsdato");
            out.push_back(std::move(p));
        }
        return out;
    }();
    return all;
}

const person* find_person(std::string_view pnr) {
    for (const auto& p : persons())
        if (p.pnr == pnr) return &p;
    return nullptr;
}

} // namespace konform::reference::sf1520
