#include "konform/schema/xml_well_formed.hpp"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>

namespace konform::schema {

namespace {

// The first error of any kind (syntax, namespaces, encoding): each makes the text
// something other than well-formed XML.
void first_error(void* ctx, xmlErrorPtr error) {
    auto* out = static_cast<std::optional<std::string>*>(ctx);
    if (!error || out->has_value() || error->level < XML_ERR_ERROR) return;
    std::string msg = error->message ? error->message : "not well-formed";
    while (!msg.empty() && (msg.back() == '\n' || msg.back() == ' '))
        msg.pop_back();
    *out = "line " + std::to_string(error->line) + ": " + msg;
}

} // namespace

std::optional<std::string> xml_not_well_formed(std::string_view text,
                                               const validation_budget& budget) {
    if (text.size() > static_cast<std::size_t>(INT32_MAX)) return "the document is too large";
    // No network, no DTD loading, no entity substitution (as the XSD validator reads it).
    xmlTextReaderPtr reader =
        xmlReaderForMemory(text.data(), static_cast<int>(text.size()), "response.xml", "UTF-8",
                           XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING);
    if (!reader) return "the document cannot be read";
    std::optional<std::string> error;
    xmlTextReaderSetStructuredErrorHandler(reader, first_error, &error);
    int rc = 0;
    std::size_t nodes = 0;
    std::optional<std::string> stopped;
    while (!error && (rc = xmlTextReaderRead(reader)) == 1) {
        if (++nodes % 256 != 0) continue;
        if (budget.stop && budget.stop->load()) {
            stopped = "reading stopped: the run was interrupted";
            break;
        }
        if (std::chrono::steady_clock::now() >= budget.deadline) {
            stopped = "reading stopped: it took longer than the time limit";
            break;
        }
    }
    xmlFreeTextReader(reader);
    if (stopped) return stopped;
    if (error) return error;
    if (rc < 0) return std::string("the document cannot be read to its end");
    if (nodes == 0) return std::string("no root element");
    return std::nullopt;
}

} // namespace konform::schema
