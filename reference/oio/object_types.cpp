#include "object_types.hpp"

namespace konform::reference::oio {

namespace {

object_type organisation_type(std::string name, std::string class_name,
                              std::set<std::string> fields, std::set<std::string> single,
                              std::set<std::string> multi) {
    object_type t;
    t.service = "organisation";
    t.attribute = name + "egenskaber";
    t.state = name + "gyldighed";
    t.state_field = "gyldighed";
    t.state_values = {"Aktiv", "Inaktiv"};
    t.name = std::move(name);
    t.class_name = std::move(class_name);
    t.attribute_fields = std::move(fields);
    t.attribute_fields.insert("brugervendtnoegle");
    t.single_relations = std::move(single);
    t.multi_relations = std::move(multi);
    return t;
}

object_type klassifikation_type(std::string name, std::string class_name,
                                std::set<std::string> fields, std::set<std::string> single,
                                std::set<std::string> multi) {
    object_type t;
    t.service = "klassifikation";
    t.attribute = name + "egenskaber";
    t.state = name + "publiceret";
    t.state_field = "publiceret";
    t.state_values = {"Publiceret", "IkkePubliceret"};
    t.name = std::move(name);
    t.class_name = std::move(class_name);
    t.attribute_fields = std::move(fields);
    t.attribute_fields.insert("brugervendtnoegle");
    t.single_relations = std::move(single);
    t.multi_relations = std::move(multi);
    return t;
}

} // namespace

const std::vector<object_type>& object_types() {
    static const std::vector<object_type> all{
        organisation_type("organisation", "Organisation", {"organisationsnavn"},
                          {"branche", "myndighed", "myndighedstype", "overordnet",
                           "produktionsenhed", "skatteenhed", "tilhoerer", "virksomhed",
                           "virksomhedstype"},
                          {"adresser", "ansatte", "opgaver", "tilknyttedebrugere",
                           "tilknyttedeenheder", "tilknyttedeorganisationer"}),
        organisation_type("organisationenhed", "OrganisationEnhed", {"enhedsnavn"},
                          {"branche", "enhedstype", "niveau", "overordnet", "produktionsenhed",
                           "skatteenhed", "tilhoerer"},
                          {"adresser", "ansatte", "opgaver", "tilknyttedebrugere",
                           "tilknyttedeenheder", "tilknyttedeorganisationer"}),
        organisation_type("bruger", "Bruger", {"brugernavn", "brugertype"}, {"tilhoerer"},
                          {"adresser", "brugertyper", "opgaver", "tilknyttedeenheder",
                           "tilknyttedefunktioner", "tilknyttedeitsystemer",
                           "tilknyttedeorganisationer", "tilknyttedepersoner"}),
        organisation_type(
            "itsystem", "ItSystem", {"itsystemnavn", "itsystemtype", "konfigurationreference"},
            {"tilhoerer"},
            {"tilknyttedeorganisationer", "tilknyttedeenheder", "tilknyttedebrugere"}),
        klassifikation_type(
            "facet", "Facet",
            {"beskrivelse", "opbygning", "ophavsret", "plan", "supplement", "retskilde"},
            {"ansvarlig", "ejer", "facettilhoerer"}, {"redaktoerer"}),
        klassifikation_type(
            "klasse", "Klasse",
            {"beskrivelse", "eksempel", "omfang", "titel", "retskilde", "aendringsnotat"},
            {"ejer", "ansvarlig", "overordnetklasse", "facet"},
            {"redaktoerer", "sideordnede", "mapninger", "tilfoejelser", "erstatter",
             "lovligekombinationer"}),
        klassifikation_type("klassifikation", "Klassifikation",
                            {"beskrivelse", "kaldenavn", "ophavsret"}, {"ansvarlig", "ejer"}, {}),
    };
    return all;
}

const object_type* find_object_type(const std::string& service, const std::string& name) {
    for (const auto& t : object_types())
        if (t.service == service && t.name == name) return &t;
    return nullptr;
}

} // namespace konform::reference::oio
