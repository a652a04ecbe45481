#pragma once

#include "server/xml_text.hpp"

#include <pugixml.hpp>
#include <string>
#include <string_view>

namespace konform::reference::sf1520 {

inline constexpr const char* soap11_ns = "http://schemas.xmlsoap.org/soap/envelope/";
inline constexpr const char* service_ns =
    "http://serviceplatformen.dk/xml/wsdl/soap11/CPR/PersonBaseDataExtended/4/";
inline constexpr const char* invocation_ns =
    "http://serviceplatformen.dk/xml/schemas/InvocationContext/1/";
inline constexpr const char* authority_ns =
    "http://serviceplatformen.dk/xml/schemas/AuthorityContext/1/";
inline constexpr const char* pnr_ns = "http://serviceplatformen.dk/xml/schemas/cpr/PNR/1/";
inline constexpr const char* fault_ns =
    "http://serviceplatformen.dk/xml/schemas/ServiceplatformFault/1/";

// The namespace URI of an element, from the xmlns declarations in scope ("" for none).
std::string namespace_of(pugi::xml_node element);

// The element's local name (after its prefix).
std::string_view local_name(pugi::xml_node element);

// The first child element named {ns}local, whatever prefix the sender chose.
pugi::xml_node child_element(pugi::xml_node parent, std::string_view ns, std::string_view local);

// The first child element, whatever its name.
pugi::xml_node first_element(pugi::xml_node parent);

// A SOAP 1.1 envelope around `body` (serialized XML of the Body's content).
std::string envelope(const std::string& body);

// The Body content of a SOAP 1.1 fault (faultcode soap:Client or soap:Server) whose detail is
// a ServiceplatformFault with one Error; without a detail when `with_detail` is false.
std::string fault_body(const std::string& code, const std::string& text,
                       const std::string& error_code, bool with_detail);

} // namespace konform::reference::sf1520
