#include "step_text.hpp"

#include "konform/model/template_expression.hpp"

namespace konform::run::detail {

using nlohmann::json;

std::string step_name(const model::step& s, const variables& vars) {
    std::string name = s.name;
    if (!name.empty()) {
        if (name.find("{{") == std::string::npos) return name;
        try {
            return render(name, vars);
        } catch (const std::exception&) {
            return name;
        }
    }
    // Unnamed: the request, loop or fragment as written (its template says what it sends).
    if (const auto* x = s.exchange())
        return x->request.method + " " + (x->request.path.empty() ? "/" : x->request.path);
    if (const auto* loop = s.loop()) {
        const auto from = loop->source.from;
        return "for_each " + (from == model::loop_source::kind::rows    ? std::string("(rows)")
                              : from == model::loop_source::kind::range ? std::string("(range)")
                                                                        : loop->source.name);
    }
    if (const auto* load = s.load())
        return load->plan.model == model::load_plan::kind::open
                   ? "load at " + json(load->plan.rate).dump() + "/s"
                   : "load of " + std::to_string(load->plan.users) + " users";
    return "use " + s.use()->fragment;
}

std::string shortened(std::string s) {
    if (s.size() > 200) s = s.substr(0, 197) + "...";
    return s;
}

std::string row_label(std::size_t index, const json& row) {
    return "row " + std::to_string(index) + ": " +
           shortened(row.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string shown_value(const json& v) {
    return shortened(v.is_string() ? v.get<std::string>()
                                   : v.dump(-1, ' ', false, json::error_handler_t::replace));
}

std::string excerpt(const std::string& s, std::size_t max) {
    if (s.size() <= max) return s;
    return s.substr(0, max) + "\n... (" + std::to_string(s.size()) +
           " bytes in all; see evidence.har)";
}

std::string headers_text(const http::header_list& headers) {
    std::string out;
    for (const auto& [k, v] : headers)
        out += k + ": " + v + "\n";
    return out;
}

namespace {

// The variables a template's placeholders start from, each said once with its step.
void name_sources(const std::string& text,
                  const std::map<std::string, std::string, std::less<>>& by, std::string& from) {
    try {
        for (const auto& placeholder : model::template_placeholders(text)) {
            const std::string name = model::parse_expression(placeholder).root();
            auto it = by.find(name);
            if (it == by.end()) continue;
            const std::string said = name + ": captured by step \"" + it->second + "\"";
            if (from.find(said) == std::string::npos) from += (from.empty() ? "" : "; ") + said;
        }
    } catch (const model::template_error&) {
        // Rendered already; a template that cannot be read names no source.
    }
}

} // namespace

std::string expectation_template(const model::assertion& a,
                                 const std::map<std::string, std::string, std::less<>>& by) {
    std::string written = a.predicates.dump(-1, ' ', false, json::error_handler_t::replace);
    if (written.find("{{") == std::string::npos && a.selector.find("{{") == std::string::npos)
        return {};
    if (written.size() > 300) written = written.substr(0, 297) + "...";
    std::string out = (a.selector.empty() ? "" : a.selector + " ") + written;
    std::string from;
    name_sources(a.selector, by, from);
    auto walk = [&](const json& v, auto& self) -> void {
        if (v.is_string())
            name_sources(v.get_ref<const std::string&>(), by, from);
        else if (v.is_structured())
            for (const auto& item : v)
                self(item, self);
    };
    walk(a.predicates, walk);
    if (!from.empty()) out += " (" + from + ")";
    return out;
}

} // namespace konform::run::detail
