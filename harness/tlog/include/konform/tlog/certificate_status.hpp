#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace konform::tlog {

// A certificate's life as the log records it: one entry per event, and the rule of which
// event may follow which, written once and asked by the service (before it appends), the
// monitor (of every entry it reads) and konform verify (to tell a certificate's status).
//
//   issued      -> active
//   suspended   active -> suspended
//   reinstated  suspended -> active
//   revoked     active | suspended -> revoked      (final)
//   superseded  active | suspended -> superseded   (final: a newer certificate replaces it)
//   expired     active | suspended -> expired      (final: its validity ran out)
enum class cert_event { issued, suspended, reinstated, revoked, superseded, expired };
enum class cert_status { active, suspended, revoked, superseded, expired };

std::optional<cert_event> cert_event_of(std::string_view name);
std::string to_string(cert_event e);
std::string to_string(cert_status s);
std::optional<cert_status> cert_status_of(std::string_view name);

// The status after `e`, or nothing when `e` cannot follow `current` (no status: not issued).
std::optional<cert_status> next_status(std::optional<cert_status> current, cert_event e);

// Whether a status still certifies: only an active certificate does.
inline bool certifies(cert_status s) {
    return s == cert_status::active;
}

} // namespace konform::tlog
