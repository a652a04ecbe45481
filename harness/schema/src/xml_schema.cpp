#include "konform/schema/xml_schema.hpp"

#include <libxml/parser.h>
#include <libxml/xmlschemas.h>
#include <stdexcept>

namespace konform::schema {

struct xml_schema::impl {
    xmlSchemaPtr schema = nullptr;
    ~impl() {
        if (schema) xmlSchemaFree(schema);
    }
};

namespace {

void collect(void* ctx, const xmlError* error) {
    auto* out = static_cast<std::vector<std::string>*>(ctx);
    if (!error || out->size() >= 100) return;
    std::string msg = error->message ? error->message : "invalid";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
        msg.pop_back();
    out->push_back("line " + std::to_string(error->line) + ": " + msg);
}

void collect_structured(void* ctx, xmlErrorPtr error) {
    collect(ctx, error);
}

} // namespace

xml_schema xml_schema::load(const std::string& xsd_file) {
    std::vector<std::string> errors;
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd_file.c_str());
    if (!parser) throw std::invalid_argument(xsd_file + ": cannot be read as XML Schema");
    xmlSchemaSetParserStructuredErrors(parser, collect_structured, &errors);
    auto p = std::make_shared<impl>();
    p->schema = xmlSchemaParse(parser);
    xmlSchemaFreeParserCtxt(parser);
    if (!p->schema) {
        std::string msg = xsd_file + ": not a usable XML Schema";
        if (!errors.empty()) msg += ": " + errors.front();
        throw std::invalid_argument(msg);
    }
    xml_schema s;
    s.impl_ = std::move(p);
    return s;
}

std::vector<std::string> xml_schema::validate(std::string_view xml_document) const {
    std::vector<std::string> errors;
    // No network, no DTD loading, no entity substitution: a hostile document cannot make
    // the validator read local files or expand entity bombs.
    xmlDocPtr doc =
        xmlReadMemory(xml_document.data(), static_cast<int>(xml_document.size()), "response.xml",
                      nullptr, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) {
        const xmlError* e = xmlGetLastError();
        errors.push_back(std::string("not well-formed XML") +
                         (e && e->message ? std::string(": ") + e->message : ""));
        while (!errors.back().empty() && errors.back().back() == '\n')
            errors.back().pop_back();
        return errors;
    }
    xmlSchemaValidCtxtPtr ctx = xmlSchemaNewValidCtxt(impl_->schema);
    xmlSchemaSetValidStructuredErrors(ctx, collect_structured, &errors);
    int rc = xmlSchemaValidateDoc(ctx, doc);
    xmlSchemaFreeValidCtxt(ctx);
    xmlFreeDoc(doc);
    if (rc != 0 && errors.empty()) errors.push_back("document is not valid");
    return errors;
}

} // namespace konform::schema
