#include "konform/schema/xml_schema.hpp"

#include <algorithm>
#include <filesystem>
#include <libxml/parser.h>
#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xmlschemas.h>
#include <stdexcept>

namespace konform::schema {

struct xml_schema::impl {
    xmlSchemaPtr schema = nullptr;
    std::vector<std::filesystem::path> files;
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

// As collect, naming the element the error is about: "line 7: ... (at /S:Envelope/S:Body/x)".
void collect_with_path(void* ctx, xmlErrorPtr error) {
    auto* out = static_cast<std::vector<std::string>*>(ctx);
    const std::size_t before = out->size();
    collect(ctx, error);
    if (out->size() == before || !error->node) return;
    auto* node = static_cast<xmlNodePtr>(error->node);
    if (node->type != XML_ELEMENT_NODE) return;
    // libxml2 writes names as {namespace}local: use the prefix the document binds instead.
    std::string& msg = out->back();
    for (std::size_t open = msg.find('{'); open != std::string::npos;
         open = msg.find('{', open + 1)) {
        const std::size_t close = msg.find('}', open);
        if (close == std::string::npos) break;
        const std::string href = msg.substr(open + 1, close - open - 1);
        xmlNsPtr ns =
            xmlSearchNsByHref(node->doc, node, reinterpret_cast<const xmlChar*>(href.c_str()));
        if (!ns || !ns->prefix) continue;
        msg.replace(open, close - open + 1,
                    reinterpret_cast<const char*>(ns->prefix) + std::string(":"));
    }
    xmlChar* path = xmlGetNodePath(node);
    if (!path) return;
    std::string p = reinterpret_cast<const char*>(path);
    xmlFree(path);
    constexpr std::size_t max_path = 300; // a hostile document may nest deep
    if (p.size() > max_path) p = "..." + p.substr(p.size() - max_path);
    out->back() += " (at " + p + ")";
}

// Validates `document` again as a tree, where libxml2 knows the node of each error, for the
// errors with their element paths. Only for small documents whose streaming validation
// stayed within its error budget: the work is then bounded by what that pass already did.
std::vector<std::string> errors_with_paths(xmlSchemaPtr schema, std::string_view document) {
    constexpr std::size_t max_tree_bytes = 1 << 20;
    if (document.size() > max_tree_bytes) return {};
    xmlDocPtr doc =
        xmlReadMemory(document.data(), static_cast<int>(document.size()), "response.xml", nullptr,
                      XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!doc) return {};
    std::vector<std::string> errors;
    xmlSchemaValidCtxtPtr ctx = xmlSchemaNewValidCtxt(schema);
    xmlSchemaSetValidStructuredErrors(ctx, collect_with_path, &errors);
    const int rc = xmlSchemaValidateDoc(ctx, doc);
    xmlSchemaFreeValidCtxt(ctx);
    xmlFreeDoc(doc);
    if (rc <= 0) return {}; // valid as a tree, or not validated: keep what streaming found
    return errors;
}

struct reader_errors {
    std::vector<std::string> validity;
    std::vector<std::string> parse; // well-formedness: only the first is kept
};

// The reader relays both kinds to whichever handler was set last: sort them by origin.
void collect_reader(void* ctx, xmlErrorPtr error) {
    auto* out = static_cast<reader_errors*>(ctx);
    if (!error) return;
    if (error->domain == XML_FROM_SCHEMASV || error->domain == XML_FROM_VALID)
        collect(&out->validity, error);
    else if (out->parse.empty())
        collect(&out->parse, error);
}

// While an XSD loads, every file it names (include, import, redefine, a DTD) must be a file
// in the XSD's own folder or below: never the network, never elsewhere on the machine.
struct confinement {
    std::filesystem::path root;
    std::string refused;                     // the first name refused
    std::vector<std::filesystem::path> read; // every file the schema names, in order
};
thread_local confinement* loading = nullptr;
xmlExternalEntityLoader default_loader = nullptr;

xmlParserInputPtr confined_loader(const char* url, const char* id, xmlParserCtxtPtr ctxt) {
    if (!loading) return default_loader(url, id, ctxt);
    std::string name = url ? url : "";
    if (name.rfind("file://", 0) == 0) name = name.substr(7);
    std::error_code ec;
    const auto target = std::filesystem::weakly_canonical(name, ec);
    const auto inside = target.lexically_relative(loading->root);
    if (name.find("://") != std::string::npos || ec || inside.empty() || *inside.begin() == "..") {
        if (loading->refused.empty()) loading->refused = name.empty() ? "(no name)" : name;
        return nullptr;
    }
    if (std::find(loading->read.begin(), loading->read.end(), target) == loading->read.end())
        loading->read.push_back(target);
    return xmlNewInputFromFile(ctxt, target.c_str());
}

} // namespace

xml_schema xml_schema::load(const std::string& xsd_file) {
    std::vector<std::string> errors;
    xmlSchemaParserCtxtPtr parser = xmlSchemaNewParserCtxt(xsd_file.c_str());
    if (!parser) throw std::invalid_argument("cannot be read as XML Schema");
    xmlSchemaSetParserStructuredErrors(parser, collect_structured, &errors);
    auto p = std::make_shared<impl>();
    std::error_code ec;
    confinement scope{std::filesystem::weakly_canonical(xsd_file, ec).parent_path(), {}};
    if (!default_loader) default_loader = xmlGetExternalEntityLoader();
    xmlSetExternalEntityLoader(confined_loader);
    loading = &scope;
    p->schema = xmlSchemaParse(parser);
    loading = nullptr;
    xmlSchemaFreeParserCtxt(parser);
    if (!scope.refused.empty()) {
        if (p->schema) xmlSchemaFree(p->schema), p->schema = nullptr;
        throw std::invalid_argument("it names " + scope.refused +
                                    ", which is not a file in the schema's folder: konform "
                                    "reads XSD includes and imports only from there, never "
                                    "from the network");
    }
    if (!p->schema) {
        std::string msg = "not a usable XML Schema";
        if (!errors.empty()) msg += ": " + errors.front();
        throw std::invalid_argument(msg);
    }
    xml_schema s;
    p->files = std::move(scope.read);
    s.impl_ = std::move(p);
    return s;
}

const std::vector<std::filesystem::path>& xml_schema::files() const {
    return impl_->files;
}

std::vector<std::string> xml_schema::validate(std::string_view xml_document,
                                              const validation_budget& budget) const {
    reader_errors found;
    auto& errors = found.validity;
    // No network, no DTD loading, no entity substitution: a hostile document cannot make
    // the validator read local files or expand entity bombs. The reader streams: it keeps
    // only the current element's ancestry, and the loop below can stop it at any element.
    xmlTextReaderPtr reader = xmlReaderForMemory(
        xml_document.data(), static_cast<int>(xml_document.size()), "response.xml", nullptr,
        XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!reader) return {"not well-formed XML: the document cannot be read"};
    // The handler is set before validation is plugged in: the reader then relays the
    // validator's errors to it too (set after, it would be called with the wrong context).
    xmlTextReaderSetStructuredErrorHandler(reader, collect_reader, &found);
    xmlSchemaValidCtxtPtr ctx = xmlSchemaNewValidCtxt(impl_->schema);
    int rc = xmlTextReaderSchemaValidateCtxt(reader, ctx, 0);
    std::string stopped;
    std::size_t nodes = 0;
    while (rc == 0 && (rc = xmlTextReaderRead(reader)) == 1) {
        rc = 0;
        if (errors.size() >= budget.max_errors) {
            errors.resize(budget.max_errors);
            stopped = "validation stopped after " + std::to_string(budget.max_errors) + " errors";
            break;
        }
        if (++nodes % 256 == 0) {
            if (budget.stop && budget.stop->load()) {
                stopped = "validation stopped: the run was interrupted";
                break;
            }
            if (std::chrono::steady_clock::now() >= budget.deadline) {
                stopped = "validation stopped: it took longer than the time limit";
                break;
            }
        }
    }
    const bool well_formed = rc == 0 && found.parse.empty();
    const bool valid = stopped.empty() && xmlTextReaderIsValid(reader) == 1;
    xmlFreeTextReader(reader);
    xmlSchemaFreeValidCtxt(ctx);
    if (!well_formed)
        return {"not well-formed XML" +
                (found.parse.empty() ? std::string() : ": " + found.parse.front())};
    if (!stopped.empty())
        errors.push_back(stopped);
    else if (!valid && errors.empty())
        errors.push_back("document is not valid");
    else if (!valid) {
        auto with_paths = errors_with_paths(impl_->schema, xml_document);
        if (with_paths.size() == errors.size()) return with_paths;
    }
    return errors;
}

} // namespace konform::schema
