#include "repro_checks.hpp"

#include "konform/model/predicates.hpp"
#include "konform/model/template_expression.hpp"
#include "konform/util/text.hpp"

#include <set>

namespace konform::report::detail {

namespace {

using nlohmann::json;

// Moves into a value along a JSON Pointer's tokens: {v, e}, e false when it names nothing.
constexpr const char* jq_at =
    "def at($p): reduce $p[] as $k ({v: ., e: true}; "
    "if .e and (.v|type) == \"object\" and (.v|has($k)) then {v: .v[$k], e: true} "
    "elif .e and (.v|type) == \"array\" and ($k|test(\"^(0|[1-9][0-9]*)$\")) and "
    "($k|tonumber) < (.v|length) then {v: .v[$k|tonumber], e: true} "
    "else {v: null, e: false} end); "
    "def text: if type == \"string\" then . else tojson end; "
    // Text is a number only in plain decimal, as check::same_value reads it ("0825" is not).
    "def num: if type == \"string\" then (if test(\"^-?(0|[1-9][0-9]*)([.][0-9]+)?$\") "
    "then tonumber else null end) else . end; ";

// An RFC 6901 pointer as jq's array of tokens; nothing for an invalid one.
std::optional<json> pointer_tokens(const std::string& pointer) {
    json tokens = json::array();
    if (pointer.empty()) return tokens;
    if (pointer.front() != '/') return std::nullopt;
    std::string token;
    for (std::size_t i = 1; i <= pointer.size(); ++i) {
        if (i == pointer.size() || pointer[i] == '/') {
            tokens.push_back(token);
            token.clear();
        } else if (pointer[i] == '~' && i + 1 < pointer.size() &&
                   (pointer[i + 1] == '0' || pointer[i + 1] == '1')) {
            token += pointer[++i] == '0' ? '~' : '/';
        } else
            token += pointer[i];
    }
    return tokens;
}

// konform's template filters that jq can compute again, as jq.
std::optional<std::string> jq_filter(const model::filter_call& f) {
    const auto& n = f.name;
    auto arg = [&](std::size_t i) {
        return f.args.at(i).dump(-1, ' ', false, json::error_handler_t::replace);
    };
    if (n == "lower") return "ascii_downcase";
    if (n == "length") return "length";
    if (n == "first") return ".[0]";
    if (n == "sort") return "sort";
    if (n == "json") return "tojson";
    if (n == "urlencode") return "@uri";
    if (n == "int" || n == "number") return "(if type == \"string\" then tonumber else . end)";
    if (n == "string") return "(if type == \"string\" then . else tojson end)";
    if (n == "trim") return "(sub(\"^\\\\s+\"; \"\") | sub(\"\\\\s+$\"; \"\"))";
    if (n == "slice" && !f.args.empty() && f.args[0].is_number_integer())
        return ".[" + arg(0) + ":" +
               (f.args.size() > 1 && f.args[1].is_number_integer() ? arg(1) : "") + "]";
    if (n == "join")
        return "(map(if type == \"string\" then . else tojson end) | join(" +
               (f.args.empty() ? std::string("\",\"") : arg(0)) + "))";
    if (n == "default" && !f.args.empty()) return "(if . == null then " + arg(0) + " else . end)";
    return std::nullopt;
}

// An expected value as a jq expression: a template over a captured variable computed again
// from the live capture; otherwise the value as rendered in the run, each recorded
// captured text in its strings replaced by the live one ($cap_x, passed with --arg).
struct value_writer {
    const live_values& live;
    std::set<std::string> texts_used, json_used; // shell variables the expression names
    bool stale = false; // a template over a capture that cannot be computed again

    std::string string(const std::string& s) {
        std::string out, plain;
        auto flush = [&] {
            out += (out.empty() ? "" : " + ") +
                   json(plain).dump(-1, ' ', false, json::error_handler_t::replace);
            plain.clear();
        };
        for (std::size_t i = 0; i < s.size();) {
            const std::pair<const std::string, std::string>* hit = nullptr; // the longest here
            for (const auto& entry : live.texts)
                if (!entry.first.empty() && s.compare(i, entry.first.size(), entry.first) == 0 &&
                    (!hit || entry.first.size() > hit->first.size()))
                    hit = &entry;
            if (!hit) {
                plain += s[i++];
                continue;
            }
            if (!plain.empty()) flush();
            out += (out.empty() ? "$" : " + $") + hit->second;
            texts_used.insert(hit->second);
            i += hit->first.size();
        }
        if (!plain.empty() || out.empty()) flush();
        return "(" + out + ")";
    }

    // `{{all.2 | slice(0, 1)}}` over a live capture, as jq; nothing when it is not one.
    std::optional<std::string> computed(const std::string& written) {
        const auto sole = model::sole_placeholder(written);
        model::expression e;
        try {
            if (!sole) {
                for (const auto& p : model::template_placeholders(written))
                    if (live.json.count(model::parse_expression(p).root())) stale = true;
                return std::nullopt;
            }
            e = model::parse_expression(*sole);
        } catch (const model::template_error&) {
            return std::nullopt;
        }
        auto var = live.json.find(e.root());
        if (e.literal || var == live.json.end()) return std::nullopt;
        json path = json::array();
        for (std::size_t from = e.root().size() + 1; from <= e.name.size();) {
            const auto dot = e.name.find('.', from);
            path.push_back(e.name.substr(from, dot - from));
            if (dot == std::string::npos) break;
            from = dot + 1;
        }
        std::string out = "($" + var->second + " | at(" + path.dump() + ").v";
        for (const auto& f : e.filters) {
            auto jq = jq_filter(f);
            if (!jq) {
                stale = true;
                return std::nullopt;
            }
            out += " | " + *jq;
        }
        json_used.insert(var->second);
        return out + ")";
    }

    // The expected value: `written` as the test case has it, `rendered` as the run judged.
    std::string value(const json& written, const json& rendered) {
        if (written.is_string())
            if (auto c = computed(written.get<std::string>())) return *c;
        if (rendered.is_string()) return string(rendered.get<std::string>());
        if (rendered.is_array()) {
            std::string out = "[";
            for (std::size_t i = 0; i < rendered.size(); ++i)
                out += (out.size() > 1 ? ", " : "") +
                       value(written.is_array() && written.size() == rendered.size() ? written[i]
                                                                                     : rendered[i],
                             rendered[i]);
            return out + "]";
        }
        if (rendered.is_object()) {
            std::string out = "{";
            for (const auto& [k, e] : rendered.items())
                out += (out.size() > 1 ? ", " : "") +
                       json(k).dump(-1, ' ', false, json::error_handler_t::replace) + ": " +
                       value(written.is_object() && written.contains(k) ? written[k] : e, e);
            return out + "}";
        }
        return rendered.dump();
    }
};

std::optional<std::string> condition(const json& predicates, const json& written,
                                     const std::string& v, const std::string& e, value_writer& lit,
                                     int depth = 0);

// The jq condition for one predicate on `value` (present when `exists`).
std::optional<std::string> one_condition(const model::predicate_info& p, const json& arg,
                                         const json& as_written, const std::string& value,
                                         const std::string& exists, value_writer& lit, int depth) {
    const std::string x = lit.value(as_written, arg);
    const std::string equal = "((" + value + " == " + x + ") or ((" + value +
                              "|type) == \"string\" and (" + x + "|type) == \"number\" and (" +
                              value + "|num) == " + x + "))";
    using model::predicate;
    switch (p.id) {
    case predicate::exists:
        return exists;
    case predicate::absent:
        return "(" + exists + " | not)";
    case predicate::equals:
        return equal;
    case predicate::not_equals:
        return "(" + equal + " | not)";
    case predicate::matches:
        return "(" + value + " | text | test(" + x + "))";
    case predicate::not_matches:
        return "(" + value + " | text | test(" + x + ") | not)";
    case predicate::type:
        return arg == "integer" ? "((" + value + "|type) == \"number\" and (" + value +
                                      "|floor) == " + value + ")"
                                : "((" + value + "|type) == " + x + ")";
    case predicate::one_of:
        return "any(" + x + "[]; . as $o | (" + value + " == $o) or ((" + value +
               "|type) == \"string\" and ($o|type) == \"number\" and (" + value + "|num) == $o))";
    case predicate::lt:
    case predicate::le:
    case predicate::gt:
    case predicate::ge: {
        const char* op = p.id == predicate::lt   ? " < "
                         : p.id == predicate::le ? " <= "
                         : p.id == predicate::gt ? " > "
                                                 : " >= ";
        return "((if (" + x + "|type) == \"number\" then (" + value + "|num) else " + value +
               " end) as $c | $c != null and $c" + op + x + ")";
    }
    case predicate::contains:
        return "(if (" + value + "|type) == \"string\" then (" + value + " | contains(" + x +
               " | text)) elif (" + value + "|type) == \"array\" then any(" + value +
               "[]; . == " + x + ") elif (" + value + "|type) == \"object\" and (" + x +
               "|type) == \"string\" then (" + value + " | has(" + x + ")) else false end)";
    case predicate::count: {
        const std::string n = "((" + value + "|type) as $t | if $t == \"array\" or $t == " +
                              "\"object\" or $t == \"string\" then (" + value +
                              "|length) else null end)";
        if (arg.is_number()) {
            return "(" + n + " == " + x + ")";
        }
        const std::string counted = "$n" + std::to_string(depth);
        auto inner = condition(arg, as_written, counted, "true", lit, depth + 1);
        if (!inner) return std::nullopt;
        return "(" + n + " as " + counted + " | " + counted + " != null and " + *inner + ")";
    }
    case predicate::each:
    case predicate::some: {
        const std::string el = "$el" + std::to_string(depth);
        auto inner = condition(arg, as_written, el, "true", lit, depth + 1);
        if (!inner) return std::nullopt;
        return "((" + value + "|type) == \"array\" and " +
               (p.id == predicate::each ? "all(" : "any(") + value + "[]; . as " + el + " | " +
               *inner + "))";
    }
    case predicate::rows:
        return std::nullopt;
    }
    return std::nullopt;
}

// The jq condition that holds when the value `$v` (present when `$e`) satisfies every
// predicate; nothing when one of them cannot be written in jq. `depth` names the variables
// of nested predicates apart.
std::optional<std::string> condition(const json& predicates, const json& written,
                                     const std::string& v, const std::string& e, value_writer& lit,
                                     int depth) {
    if (!predicates.is_object() || depth > 8) return std::nullopt;
    std::string value = v, exists = e, prefix;
    if (predicates.contains("at")) {
        const auto tokens = pointer_tokens(predicates.value("at", ""));
        if (!tokens) return std::nullopt;
        const std::string a = "$a" + std::to_string(depth);
        prefix = "((" + v + " | at(" + tokens->dump() + ")) as " + a + " | ";
        value = a + ".v";
        exists = "(" + e + " and " + a + ".e)";
    }
    std::string all;
    for (const auto& [name, arg] : predicates.items()) {
        if (name == "at") continue;
        const model::predicate_info* p = model::find_predicate(name);
        if (!p) return std::nullopt;
        const json& as_written =
            written.is_object() && written.contains(name) ? written[name] : arg;
        auto c = one_condition(*p, arg, as_written, value, exists, lit, depth);
        if (!c) return std::nullopt;
        // A missing value satisfies nothing but exists and absent.
        if (p->id != model::predicate::exists && p->id != model::predicate::absent)
            *c = "(" + exists + " and " + *c + ")";
        all += (all.empty() ? "" : " and ") + *c;
    }
    if (all.empty()) return std::nullopt;
    return prefix + all + (prefix.empty() ? "" : ")");
}

// A header name made only of letters, digits and '-' (safe in a sed pattern).
bool is_token(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-';
    });
}

} // namespace

std::optional<std::string> check_line(const std::string& subject, const json& check,
                                      const std::string& what, const live_values& live) {
    if (!check.is_object() || !check.contains("predicates") || !check.contains("selector") ||
        !check["selector"].is_string())
        return std::nullopt;
    const std::string selector = check["selector"].get<std::string>();
    const json& rendered = check["predicates"];
    const json& written = check.contains("written") ? check["written"] : rendered;
    value_writer lit{live, {}, {}, false};
    std::string input, file; // how jq gets the value: $v and $e; the body it reads
    std::optional<std::string> cond = condition(rendered, written, "$v", "$e", lit);
    if (subject == "status")
        input = "-n --argjson v \"$(status_of)\" --argjson e true";
    else if (subject == "header" && is_token(selector))
        input = "-n --arg v \"$(header_of " + selector + ")\" --argjson e \"$(has_header_of " +
                selector + ")\"";
    else if (subject == "body")
        input = "-n --rawfile v \"$work/body\" --argjson e true";
    else if (auto tokens = subject == "json" ? pointer_tokens(selector) : std::nullopt) {
        if (cond)
            cond = "(at(" + tokens->dump() + ") as $a | $a.v as $v | $a.e as $e | " + *cond + ")";
        file = " \"$work/body\"";
    } else
        return std::nullopt;
    if (!cond || lit.stale) return std::nullopt;
    std::string args;
    for (const auto& var : lit.texts_used)
        args += " --arg " + var + " \"${" + var + "}\"";
    for (const auto& var : lit.json_used)
        args += " --argjson " + var + " \"${" + var + ":-null}\"";
    const std::string program = std::string(jq_at) + *cond;
    return "expect " + util::shell_quote(what) + " jq -e" + args + (input.empty() ? "" : " ") +
           input + " " + util::shell_quote(program) + file + "\n";
}

std::string check_prelude() {
    return "reproduced=0 checks=0\n"
           "status_of() { awk '/^HTTP\\//{s=$2} END{print s+0}' \"$work/head\" 2>/dev/null || "
           "echo 0; }\n"
           "header_of() { sed -n \"s/^$1: *//Ip\" \"$work/head\" 2>/dev/null | tr -d '\\r' | "
           "tail -n 1; }\n"
           "has_header_of() { grep -qi \"^$1:\" \"$work/head\" 2>/dev/null && echo true || echo "
           "false; }\n"
           "# expect WHAT CMD...: CMD exits 0 when what konform expected holds now (3: the\n"
           "# check itself is broken, which says nothing about the system)\n"
           "expect() { local what=$1; shift; checks=$((checks + 1)); \"$@\" >/dev/null 2>&1\n"
           "  case $? in 0) echo \"  holds now: $what\" ;;\n"
           "    3) echo \"  could not check: $what\"; checks=$((checks - 1)) ;;\n"
           "    *) echo \"  REPRODUCED: $what\"; reproduced=1 ;; esac; }\n";
}

std::string check_verdict() {
    return "\necho\n"
           "if [ \"$checks\" -eq 0 ]; then echo 'no failed expectation could be checked by this "
           "script'; exit 2; fi\n"
           "if [ \"$reproduced\" -ne 0 ]; then echo 'THE FAILURE REPRODUCES'; exit 1; fi\n"
           "echo 'FIXED: every failed expectation holds now'; exit 0\n";
}

} // namespace konform::report::detail
