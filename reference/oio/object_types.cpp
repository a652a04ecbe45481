#include "object_types.hpp"

namespace konform::reference::oio {

namespace {

// Organisation objects carry a gyldighed state (Aktiv, Inaktiv); Klassifikation objects a
// publiceret state (Publiceret, IkkePubliceret). The rest follows from the name.
object_type make_type(std::string service, std::string name, std::string class_name,
                      std::set<std::string> fields, std::set<std::string> single,
                      std::set<std::string> multi) {
    const bool organisation = service == "organisation";
    object_type t;
    t.service = std::move(service);
    t.state_field = organisation ? "gyldighed" : "publiceret";
    t.state_values = organisation ? std::set<std::string>{"Aktiv", "Inaktiv"}
                                  : std::set<std::string>{"Publiceret", "IkkePubliceret"};
    t.attribute = name + "egenskaber";
    t.state = name + t.state_field;
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
        make_type("organisation", "organisation", "Organisation", {"organisationsnavn"},
                  {"branche", "myndighed", "myndighedstype", "overordnet", "produktionsenhed",
                   "skatteenhed", "tilhoerer", "virksomhed", "virksomhedstype"},
                  {"adresser", "ansatte", "opgaver", "tilknyttedebrugere", "tilknyttedeenheder",
                   "tilknyttedeorganisationer"}),
        make_type("organisation", "organisationenhed", "OrganisationEnhed", {"enhedsnavn"},
                  {"branche", "enhedstype", "niveau", "overordnet", "produktionsenhed",
                   "skatteenhed", "tilhoerer"},
                  {"adresser", "ansatte", "opgaver", "tilknyttedebrugere", "tilknyttedeenheder",
                   "tilknyttedeorganisationer"}),
        make_type("organisation", "bruger", "Bruger", {"brugernavn", "brugertype"}, {"tilhoerer"},
                  {"adresser", "brugertyper", "opgaver", "tilknyttedeenheder",
                   "tilknyttedefunktioner", "tilknyttedeitsystemer", "tilknyttedeorganisationer",
                   "tilknyttedepersoner"}),
        make_type("organisation", "itsystem", "ItSystem",
                  {"itsystemnavn", "itsystemtype", "konfigurationreference"}, {"tilhoerer"},
                  {"tilknyttedeorganisationer", "tilknyttedeenheder", "tilknyttedebrugere"}),
        make_type("klassifikation", "facet", "Facet",
                  {"beskrivelse", "opbygning", "ophavsret", "plan", "supplement", "retskilde"},
                  {"ansvarlig", "ejer", "facettilhoerer"}, {"redaktoerer"}),
        make_type("klassifikation", "klasse", "Klasse",
                  {"beskrivelse", "eksempel", "omfang", "titel", "retskilde", "aendringsnotat"},
                  {"ejer", "ansvarlig", "overordnetklasse", "facet"},
                  {"redaktoerer", "sideordnede", "mapninger", "tilfoejelser", "erstatter",
                   "lovligekombinationer"}),
        make_type("klassifikation", "klassifikation", "Klassifikation",
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
