#include "soap_message.hpp"

namespace konform::reference::sf1520 {

std::string namespace_of(pugi::xml_node element) {
    const std::string name = element.name();
    const auto colon = name.find(':');
    const std::string attribute =
        colon == std::string::npos ? "xmlns" : "xmlns:" + name.substr(0, colon);
    for (pugi::xml_node n = element; n; n = n.parent())
        if (pugi::xml_attribute a = n.attribute(attribute.c_str())) return a.value();
    return "";
}

std::string_view local_name(pugi::xml_node element) {
    std::string_view name = element.name();
    const auto colon = name.find(':');
    return colon == std::string_view::npos ? name : name.substr(colon + 1);
}

pugi::xml_node child_element(pugi::xml_node parent, std::string_view ns, std::string_view local) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element && local_name(c) == local && namespace_of(c) == ns)
            return c;
    return {};
}

pugi::xml_node first_element(pugi::xml_node parent) {
    for (pugi::xml_node c = parent.first_child(); c; c = c.next_sibling())
        if (c.type() == pugi::node_element) return c;
    return {};
}

std::string envelope(const std::string& body) {
    return std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<soap:Envelope xmlns:soap=\"") +
           soap11_ns + "\"><soap:Body>" + body + "</soap:Body></soap:Envelope>";
}

std::string fault_body(const std::string& code, const std::string& text,
                       const std::string& error_code, bool with_detail) {
    const std::string detail =
        std::string("<detail><spf:ServiceplatformFault xmlns:spf=\"") + fault_ns +
        "\"><spf:ErrorList><spf:Error><spf:ErrorCode>" + xml_escape(error_code) +
        "</spf:ErrorCode><spf:ErrorText>" + xml_escape(text) +
        "</spf:ErrorText></spf:Error></spf:ErrorList></spf:ServiceplatformFault></detail>";
    return "<soap:Fault><faultcode>soap:" + code + "</faultcode><faultstring>" + xml_escape(text) +
           "</faultstring>" + (with_detail ? detail : "") + "</soap:Fault>";
}

} // namespace konform::reference::sf1520
