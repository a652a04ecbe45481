// The public feeds of certified systems' events: Atom (RFC 4287) and JSON Feed 1.1, per
// system, per standard, or all.
#include "service_impl.hpp"

#include "konform/util/text.hpp"

#include <pugixml.hpp>
#include <sstream>

namespace konform::service {

using nlohmann::json;

namespace {

std::string iso(std::int64_t ms) {
    return util::iso8601(std::chrono::system_clock::time_point(std::chrono::milliseconds(ms)));
}

} // namespace

namespace detail {

web_response feed_answer(const std::vector<feed_event>& events, const std::string& title,
                         const std::string& base, const std::string& self, bool atom) {
    const std::string updated = events.empty() ? iso(0) : iso(events.front().at);
    if (!atom) {
        json items = json::array();
        for (const auto& e : events)
            items.push_back({{"id", "urn:konform:event:" + e.id},
                             {"url", base + "/registry/" + e.certificate},
                             {"title", e.title},
                             {"content_text", e.detail},
                             {"date_published", iso(e.at)},
                             {"tags", json::array({e.kind})},
                             {"_konform",
                              {{"kind", e.kind},
                               {"system", e.system},
                               {"profile", e.profile},
                               {"certificate", e.certificate}}}});
        json feed = {{"version", "https://jsonfeed.org/version/1.1"},
                     {"title", title},
                     {"home_page_url", base + "/registry"},
                     {"feed_url", base + self},
                     {"items", items}};
        web_response r = web_response::text(200, feed.dump(2), "application/feed+json");
        return r;
    }
    // pugixml escapes every text and attribute: what a vendor named its product stays text.
    pugi::xml_document doc;
    auto decl = doc.append_child(pugi::node_declaration);
    decl.append_attribute("version") = "1.0";
    decl.append_attribute("encoding") = "utf-8";
    auto feed = doc.append_child("feed");
    feed.append_attribute("xmlns") = "http://www.w3.org/2005/Atom";
    feed.append_child("id").text() = ("urn:konform:feed:" + self).c_str();
    feed.append_child("title").text() = title.c_str();
    feed.append_child("updated").text() = updated.c_str();
    auto author = feed.append_child("author");
    author.append_child("name").text() = "konform";
    auto link = feed.append_child("link");
    link.append_attribute("rel") = "self";
    link.append_attribute("href") = (base + self).c_str();
    for (const auto& e : events) {
        auto entry = feed.append_child("entry");
        entry.append_child("id").text() = ("urn:konform:event:" + e.id).c_str();
        entry.append_child("title").text() = e.title.c_str();
        entry.append_child("updated").text() = iso(e.at).c_str();
        auto cat = entry.append_child("category");
        cat.append_attribute("term") = e.kind.c_str();
        auto l = entry.append_child("link");
        l.append_attribute("href") = (base + "/registry/" + e.certificate).c_str();
        entry.append_child("summary").text() = e.detail.c_str();
    }
    std::ostringstream out;
    doc.save(out, "  ", pugi::format_default, pugi::encoding_utf8);
    return web_response::text(200, out.str(), "application/atom+xml; charset=utf-8");
}

} // namespace detail

} // namespace konform::service
