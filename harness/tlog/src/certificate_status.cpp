#include "konform/tlog/certificate_status.hpp"

#include <array>
#include <utility>

namespace konform::tlog {

namespace {

constexpr std::array<std::pair<cert_event, std::string_view>, 6> event_names{{
    {cert_event::issued, "issued"},
    {cert_event::suspended, "suspended"},
    {cert_event::reinstated, "reinstated"},
    {cert_event::revoked, "revoked"},
    {cert_event::superseded, "superseded"},
    {cert_event::expired, "expired"},
}};

constexpr std::array<std::pair<cert_status, std::string_view>, 5> status_names{{
    {cert_status::active, "active"},
    {cert_status::suspended, "suspended"},
    {cert_status::revoked, "revoked"},
    {cert_status::superseded, "superseded"},
    {cert_status::expired, "expired"},
}};

} // namespace

std::optional<cert_event> cert_event_of(std::string_view name) {
    for (const auto& [e, n] : event_names)
        if (n == name) return e;
    return std::nullopt;
}

std::string to_string(cert_event e) {
    for (const auto& [v, n] : event_names)
        if (v == e) return std::string(n);
    return "?";
}

std::string to_string(cert_status s) {
    for (const auto& [v, n] : status_names)
        if (v == s) return std::string(n);
    return "?";
}

std::optional<cert_status> cert_status_of(std::string_view name) {
    for (const auto& [s, n] : status_names)
        if (n == name) return s;
    return std::nullopt;
}

std::optional<cert_status> next_status(std::optional<cert_status> current, cert_event e) {
    if (e == cert_event::issued) return current ? std::nullopt : std::optional(cert_status::active);
    if (!current) return std::nullopt;
    const bool live = *current == cert_status::active || *current == cert_status::suspended;
    switch (e) {
    case cert_event::suspended:
        return *current == cert_status::active ? std::optional(cert_status::suspended)
                                               : std::nullopt;
    case cert_event::reinstated:
        return *current == cert_status::suspended ? std::optional(cert_status::active)
                                                  : std::nullopt;
    case cert_event::revoked:
        return live ? std::optional(cert_status::revoked) : std::nullopt;
    case cert_event::superseded:
        return live ? std::optional(cert_status::superseded) : std::nullopt;
    case cert_event::expired:
        return live ? std::optional(cert_status::expired) : std::nullopt;
    case cert_event::issued:
        break;
    }
    return std::nullopt;
}

} // namespace konform::tlog
