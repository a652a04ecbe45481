#include "konform/check/xml_document.hpp"

#include <pugixml.hpp>
#include <stdexcept>
#include <vector>

namespace konform::check {

struct xml_document::impl {
    pugi::xml_document doc;
    std::map<std::string, std::string> prefix_of; // URI -> prefix, for the URIs met
};

namespace {

using scope = std::vector<std::pair<std::string, std::string>>; // prefix ("" default) -> URI

std::string lookup(const scope& s, const std::string& prefix) {
    for (auto it = s.rbegin(); it != s.rend(); ++it)
        if (it->first == prefix) return it->second;
    if (prefix == "xml") return "http://www.w3.org/XML/1998/namespace";
    return {};
}

struct renamer {
    std::map<std::string, std::string> prefix_of; // URI -> profile prefix
    int unknown = 0;

    std::string prefix_for(const std::string& uri) {
        auto it = prefix_of.find(uri);
        if (it != prefix_of.end()) return it->second;
        // A namespace the profile does not declare: give it a name no author can write.
        std::string p = "_ns" + std::to_string(++unknown);
        prefix_of.emplace(uri, p);
        return p;
    }

    std::string rename(const std::string& qname, const scope& s, bool is_attribute,
                       std::map<std::string, std::string>& met) {
        auto colon = qname.find(':');
        std::string prefix = colon == std::string::npos ? "" : qname.substr(0, colon);
        std::string local = colon == std::string::npos ? qname : qname.substr(colon + 1);
        if (is_attribute && prefix.empty()) return local; // unprefixed attributes: no namespace
        std::string uri = lookup(s, prefix);
        if (uri.empty()) return local;
        const std::string p = prefix_for(uri);
        met.emplace(uri, p);
        return p + ":" + local;
    }
};

// Rewrites names iteratively (no recursion: deep documents cannot exhaust the stack), and
// counts attributes as it goes: "" or why the document holds too many.
std::string normalise(pugi::xml_node root, const xml_document::namespace_map& ns,
                      const xml_limits& lim, std::map<std::string, std::string>& met) {
    renamer r;
    std::size_t attributes = 0;
    for (const auto& [prefix, uri] : ns)
        r.prefix_of.emplace(uri, prefix);
    struct frame {
        pugi::xml_node node;
        std::size_t scope_size;
    };
    scope s;
    std::vector<frame> stack;
    for (pugi::xml_node child = root.first_child(); child; child = child.next_sibling())
        if (child.type() == pugi::node_element) stack.push_back({child, 0});
    std::reverse(stack.begin(), stack.end());
    while (!stack.empty()) {
        frame f = stack.back();
        stack.pop_back();
        s.resize(f.scope_size);
        pugi::xml_node n = f.node;
        std::vector<pugi::xml_attribute> declarations;
        std::size_t here = 0;
        for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute()) {
            if (++here > lim.max_attributes_per_element)
                return "an element holds more than " +
                       std::to_string(lim.max_attributes_per_element) + " attributes";
            if (++attributes > lim.max_attributes)
                return "it holds more than " + std::to_string(lim.max_attributes) + " attributes";
            std::string name = a.name();
            if (name == "xmlns")
                s.emplace_back("", a.value()), declarations.push_back(a);
            else if (name.rfind("xmlns:", 0) == 0)
                s.emplace_back(name.substr(6), a.value()), declarations.push_back(a);
        }
        for (auto& a : declarations)
            n.remove_attribute(a);
        n.set_name(r.rename(n.name(), s, false, met).c_str());
        for (pugi::xml_attribute a = n.first_attribute(); a; a = a.next_attribute())
            a.set_name(r.rename(a.name(), s, true, met).c_str());
        std::vector<frame> children;
        for (pugi::xml_node c = n.first_child(); c; c = c.next_sibling())
            if (c.type() == pugi::node_element) children.push_back({c, s.size()});
        stack.insert(stack.end(), children.rbegin(), children.rend());
    }
    return {};
}

} // namespace

std::optional<xml_document> xml_document::parse(std::string_view text, const namespace_map& ns,
                                                std::string& error, const xml_limits& lim) {
    auto p = std::make_shared<impl>();
    pugi::xml_parse_result r =
        p->doc.load_buffer(text.data(), text.size(), pugi::parse_default, pugi::encoding_utf8);
    if (!r) {
        error = std::string("not well-formed XML: ") + r.description() + " at byte " +
                std::to_string(r.offset);
        return std::nullopt;
    }
    if (!p->doc.document_element()) {
        error = "not well-formed XML: no root element";
        return std::nullopt;
    }
    if (auto why = normalise(p->doc, ns, lim, p->prefix_of); !why.empty()) {
        error = "over konform's limit: " + why;
        return std::nullopt;
    }
    xml_document d;
    d.impl_ = std::move(p);
    return d;
}

std::string xml_document::prefix_of(const std::string& uri) const {
    auto it = impl_->prefix_of.find(uri);
    return it == impl_->prefix_of.end() ? std::string() : it->second;
}

std::optional<nlohmann::json> xml_document::evaluate(const std::string& xpath) const {
    std::unique_ptr<pugi::xpath_query> q;
    try {
        q = std::make_unique<pugi::xpath_query>(xpath.c_str());
    } catch (const pugi::xpath_exception& e) {
        throw std::invalid_argument(std::string("invalid XPath: ") + e.what());
    }
    switch (q->return_type()) {
    case pugi::xpath_type_number:
        return nlohmann::json(q->evaluate_number(impl_->doc));
    case pugi::xpath_type_boolean:
        return nlohmann::json(q->evaluate_boolean(impl_->doc));
    case pugi::xpath_type_string:
        return nlohmann::json(q->evaluate_string(impl_->doc));
    default:
        break;
    }
    pugi::xpath_node_set nodes = q->evaluate_node_set(impl_->doc);
    if (nodes.empty()) return std::nullopt;
    static const pugi::xpath_query self(".");
    auto text = [](const pugi::xpath_node& n) {
        return n.attribute() ? std::string(n.attribute().value())
                             : std::string(self.evaluate_string(n));
    };
    if (nodes.size() == 1) return nlohmann::json(text(nodes[0]));
    nlohmann::json arr = nlohmann::json::array();
    for (const auto& n : nodes)
        arr.push_back(text(n));
    return arr;
}

} // namespace konform::check
