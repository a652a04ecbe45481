#pragma once

#include "konform/run/verdict.hpp"

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

namespace konform::report {

// What became of one requirement between a certified run and a new one.
enum class requirement_change {
    same,        // the same verdict
    regressed,   // passed when certified, does not now
    fixed,       // passes now, did not when certified
    changed,     // another verdict, neither passing
    not_checked, // the new run did not judge it (absent, skipped or inapplicable)
};

// The rule, written once: a requirement that passed and does not now is a regression. A
// requirement the new run did not judge is not, unless it belongs to a class the
// certificate covers (`covered`: mandatory or claimed): then every verdict but pass is a
// regression when it differs from the certified one, absence and inapplicable included
// (a renamed or dropped requirement is not a way out). Only `skipped`, konform's own
// choice (a partial run, a production verification's read-only selection), is not checked.
requirement_change classify(std::optional<run::verdict> certified, std::optional<run::verdict> now,
                            bool covered = false);

// A member of nested objects of a report as text ("" when absent; another value than a
// string as JSON): reports read back may be anything, so nothing here throws.
std::string report_field(const nlohmann::json& doc, std::initializer_list<const char*> path);

// A verdict as report.json writes it, read back; nothing for any other text.
std::optional<run::verdict> verdict_named(std::string_view text);

// The comparison of two reports of one profile (both verified by the caller): `regressed`,
// `fixed`, `changed`, `not_checked`, `new_requirements` (each {id, certified, new}; a
// regressed one also with its text, ref, level, the reason it did not pass and the
// evidence of its first failing assertion: {testcase, exchange}), `drift` ({what,
// certified, new}: profile version and digest, product, version, Server header, TLS
// certificate, resolved address with its port), `outcome` and `profile`. The classes the
// certificate covers are the certified report's mandatory classes and its target's claims.
// Reads any JSON: a member of the wrong type counts as absent.
nlohmann::json compare_reports(const nlohmann::json& certified, const nlohmann::json& fresh);

} // namespace konform::report
