#include "konform/report/repro_script.hpp"

#include "json_member.hpp"
#include "konform/util/jcs.hpp"
#include "konform/util/text.hpp"
#include "repro_checks.hpp"

#include <map>
#include <regex>

namespace konform::report {

namespace {

using nlohmann::json;

constexpr auto str = &detail::member_text; // a member as text

// Text the script writes or prints on one line: no newline, escape sequence or control
// character of the system's survives, and it is cut to a readable length.
std::string one_line(std::string_view text) {
    std::string out;
    for (unsigned char c : util::visible(std::string(text)))
        out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
    if (out.size() > 398) out = out.substr(0, 395) + "...";
    return out;
}

// A comment line.
std::string comment(std::string_view text) {
    return "# " + one_line(text) + "\n";
}

// A line the script prints as it runs: "### step 9/16: ..." heads each step's response.
std::string say(std::string_view text) {
    return "echo " + util::shell_quote(one_line(text)) + "\n";
}

// The path to the first string equal to `value` in `doc`, as jq's getpath takes it.
bool find_path(const json& doc, const std::string& value, json& path, int depth = 0) {
    if (depth > 64) return false;
    if (doc.is_string()) return doc.get_ref<const std::string&>() == value;
    if (doc.is_number() || doc.is_boolean()) return doc.dump() == value;
    if (doc.is_array()) {
        for (std::size_t i = 0; i < doc.size(); ++i) {
            path.push_back(i);
            if (find_path(doc[i], value, path, depth + 1)) return true;
            path.erase(path.size() - 1);
        }
    } else if (doc.is_object()) {
        for (const auto& [k, v] : doc.items()) {
            path.push_back(k);
            if (find_path(v, value, path, depth + 1)) return true;
            path.erase(path.size() - 1);
        }
    }
    return false;
}

// A shell variable name for a captured variable ("created[0]" -> "cap_created_0").
std::string shell_name(const std::string& variable) {
    std::string out = "cap_";
    for (char c : variable)
        out += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
    while (out.size() > 4 && out.back() == '_')
        out.pop_back();
    return out;
}

// A header name made only of letters, digits and '-' (safe in a sed pattern).
bool is_token(const std::string& name) {
    return !name.empty() && std::all_of(name.begin(), name.end(), [](unsigned char c) {
        return std::isalnum(c) || c == '-';
    });
}

void replace_all(std::string& s, const std::string& from, const std::string& to) {
    for (auto at = s.find(from); at != std::string::npos; at = s.find(from, at + to.size()))
        s.replace(at, from.size(), to);
}

std::string without_trailing_slash(std::string u) {
    while (!u.empty() && u.back() == '/')
        u.pop_back();
    return u;
}

const json& array_member(const json& doc, const char* key) {
    static const json empty = json::array();
    return doc.is_object() && doc.contains(key) && doc[key].is_array() ? doc[key] : empty;
}

// The test case of the report that the script replays.
const json& testcase_of(const json& report, const std::string& id) {
    for (const auto& t : array_member(report, "testcases"))
        if (str(t, "id") == id) {
            if (!t.contains("steps") || !t["steps"].is_array())
                throw std::invalid_argument(id + " has no steps in the report");
            return t;
        }
    throw std::invalid_argument("the report has no test case " + id);
}

// The script's function that prints a live answer: every line behind "  | ", so no line the
// system sends can pass for one of the script's own, and its control characters (escape
// sequences, carriage returns, C1 controls, bidirectional overrides) as '?'.
std::string show_prelude() {
    return "show_answer() { cat \"$work/head\" \"$work/body\" 2>/dev/null | LC_ALL=C sed "
           "-e 's/\\r$//' -e 's/[\\x00-\\x08\\x0b-\\x1f\\x7f]/?/g' "
           "-e 's/\\xc2[\\x80-\\x9f]/?/g' -e 's/\\xe2\\x80[\\x8e\\x8f\\xaa-\\xae]/?/g' "
           "-e 's/\\xe2\\x81[\\xa6-\\xa9]/?/g' -e 's/^/  | /'; echo; }\n";
}

// Writes the script a step at a time.
class script_writer {
public:
    script_writer(const json& report, const json& evidence, const repro_options& opt)
        : report_(report), opt_(opt), entries_(evidence.is_object() && evidence.contains("log")
                                                   ? array_member(evidence["log"], "entries")
                                                   : array_member(json(), "")),
          recorded_base_(without_trailing_slash(
              report.contains("target") ? str(report["target"], "url") : "")),
          base_(without_trailing_slash(opt.base_url)),
          konform_placeholders_(placeholders_of(report)) {}

    std::string write(const json& tc) {
        const auto& steps = tc["steps"];
        std::size_t number = 0;
        for (const auto& s : steps) {
            ++number;
            if (s.is_object()) step(s, number, steps.size());
        }
        return head(tc) + body_ + detail::check_verdict();
    }

private:
    void step(const json& s, std::size_t number, std::size_t count) {
        const bool cleanup = s.value("cleanup", false);
        if (cleanup && !opt_.cleanup) {
            ++skipped_cleanup_;
            return;
        }
        const std::string phase = s.value("setup", false) ? "setup" : cleanup ? "cleanup" : "step";
        std::string name = str(s, "name").empty() ? str(s, "pointer") : str(s, "name");
        if (s.contains("iteration")) name += " [row " + str(s, "iteration") + "]";
        body_ += "\n" + say("### " + phase + " " + std::to_string(number) + "/" +
                            std::to_string(count) + ": " + name);
        const json* e = entry_of(s);
        const bool failing = !cleanup && str(s, "verdict") != "pass" && e;
        if (failing) mark(s);
        if (!e) {
            body_ += comment("no request was sent" +
                             (str(s, "message").empty() ? "" : ": " + str(s, "message")));
            return;
        }
        send((*e)["request"], s);
        captures(s, *e);
        if (failing) checks(s);
    }

    // The exchange a step's request was recorded as, if any.
    const json* entry_of(const json& s) const {
        if (!s.contains("exchange") || !s["exchange"].is_number_integer() ||
            s["exchange"].get<long long>() < 0 ||
            s["exchange"].get<unsigned long long>() >= entries_.size())
            return nullptr;
        const json& e = entries_[s["exchange"].get<std::size_t>()];
        return e.contains("request") && e["request"].is_object() ? &e : nullptr;
    }

    // A step konform did not pass (every failing row of a loop too): what it expected.
    void mark(const json& s) {
        body_ += say("konform judged this step " + str(s, "verdict") + ":");
        for (const auto& a : array_member(s, "assertions"))
            if (str(a, "verdict") != "pass")
                body_ += say("  expected " + str(a, "expected") + "; actual " + str(a, "actual"));
        if (!str(s, "message").empty()) body_ += say("  " + str(s, "message"));
    }

    // The failed expectations, checked on the live answer.
    void checks(const json& s) {
        detail::live_values vars;
        for (const auto& [value, var] : live_)
            vars.texts.emplace(value, var.substr(2, var.size() - 3));
        vars.json = live_json_;
        bool any = false;
        for (const auto& a : array_member(s, "assertions")) {
            const std::string v = str(a, "verdict");
            if (v != "fail" && v != "error") continue;
            // Printed by the script as it runs: one clean line, like every other it prints.
            const std::string what = one_line("expected " + str(a, "expected"));
            auto line = a.contains("check")
                            ? detail::check_line(str(a, "subject"), a["check"], what, vars)
                            : std::nullopt;
            if (!line) {
                body_ += comment("not checked by this script: " + what);
                continue;
            }
            body_ += *line;
            any = uses_jq_ = true;
        }
        if (!any && str(s, "verdict") == "error")
            body_ += "expect 'an answer' test -s \"$work/head\"\n";
    }

    // The recorded request, moved to --base-url, with live captures and secrets as
    // variables.
    void send(const json& rq, const json& s) {
        http::request req;
        req.method = str(rq, "method");
        // A method is an HTTP token: anything else in the evidence was put there by hand.
        if (req.method.empty() || req.method.size() > 20 ||
            !std::all_of(req.method.begin(), req.method.end(),
                         [](unsigned char c) { return std::isalnum(c) || c == '-' || c == '_'; }))
            throw std::invalid_argument("the evidence names a request method that is not an HTTP "
                                        "method: " +
                                        one_line(req.method.substr(0, 40)));
        req.url = str(rq, "url");
        if (!base_.empty() && !recorded_base_.empty() && req.url.rfind(recorded_base_, 0) == 0)
            req.url = base_ + req.url.substr(recorded_base_.size());
        for (const auto& h : array_member(rq, "headers"))
            req.headers.emplace_back(str(h, "name"), str(h, "value"));
        if (rq.contains("postData")) req.body = str(rq["postData"], "text");
        std::vector<std::string> placeholders;
        auto substitute = [&](std::string& text) {
            for (const auto& [value, var] : live_)
                replace_all(text, value, var);
        };
        // The origin of every replayed request is the report's (or --base-url's): a captured
        // value ("http", the host) is put back only in the path and query, never where it
        // would let the system choose where the script sends its credentials.
        const auto scheme = req.url.find("://");
        const auto path_at = scheme == std::string::npos ? std::string::npos
                                                         : req.url.find_first_of("/?#", scheme + 3);
        std::string origin = req.url, rest;
        if (path_at != std::string::npos) {
            origin = req.url.substr(0, path_at);
            rest = req.url.substr(path_at);
        }
        substitute(rest);
        req.url = origin + rest;
        substitute(req.body);
        for (auto& [k, value] : req.headers)
            substitute(value);
        for (const auto& [value, var] : live_)
            placeholders.push_back(var);
        secrets_in(req, placeholders);
        std::string line = http::curl_line(req, placeholders, opt_.tls);
        const std::string prefix = "curl -sS -i ";
        if (line.rfind(prefix, 0) == 0)
            line = "curl -sS -D \"$work/head\" -o \"$work/body\" " + line.substr(prefix.size());
        body_ += comment("recorded: " + (s.contains("response") ? str(s["response"], "status")
                                                                : std::string("no answer")));
        body_ +=
            "rm -f \"$work/head\" \"$work/body\"\n" + line + " || echo \"(curl failed: $?)\"\n";
        body_ += "show_answer\n";
    }

    // The secrets a request names: only the placeholders konform itself wrote for them
    // (the report's "placeholders": "${ORG_TOKEN}", "$(cat 'file')"), never text of the
    // same shape that the system sent, which stays literal. The script reads each
    // environment variable it needs when it starts.
    void secrets_in(const http::request& req, std::vector<std::string>& placeholders) {
        std::string all = req.url + req.body;
        for (const auto& [k, value] : req.headers)
            all += value;
        for (const auto& p : konform_placeholders_) {
            if (all.find(p) == std::string::npos) continue;
            placeholders.push_back(p);
            if (p.rfind("${", 0) == 0 &&
                std::find(secrets_.begin(), secrets_.end(), p) == secrets_.end())
                secrets_.push_back(p);
        }
    }

    // The report's placeholders that have the shapes konform writes, and nothing else.
    static std::vector<std::string> placeholders_of(const json& report) {
        static const std::regex env(R"(\$\{[A-Za-z_][A-Za-z0-9_]*\})");
        static const std::regex file(R"(\$\(cat '[^']*'\))");
        std::vector<std::string> out;
        for (const auto& p : array_member(report, "placeholders"))
            if (p.is_string() && (std::regex_match(p.get<std::string>(), env) ||
                                  std::regex_match(p.get<std::string>(), file)))
                out.push_back(p.get<std::string>());
        // Longest first, so that "${A_B}" is not taken for "${A}" and text.
        std::sort(out.begin(), out.end(),
                  [](const auto& a, const auto& b) { return a.size() > b.size(); });
        return out;
    }

    // The captures a step took, from the live answer.
    void captures(const json& s, const json& e) {
        const json& rs = e.contains("response") ? e["response"] : json::object();
        json recorded_body;
        bool parsed = false;
        for (const auto& c : array_member(s, "captures")) {
            const std::string variable = str(c, "variable"), value = str(c, "value");
            if (!str(c, "pointer").empty()) json_capture(variable, str(c, "pointer"));
            if (value.size() < 4 || value.size() >= 200) continue;
            const std::string var = shell_name(variable);
            if (!parsed) {
                parsed = true;
                // A recorded body is the system's: read under the run's value limit.
                try {
                    if (rs.contains("content"))
                        recorded_body = util::parse_json(str(rs["content"], "text"));
                } catch (const std::exception&) {
                    recorded_body = json(json::value_t::discarded);
                }
            }
            const std::string take = taken_from(rs, recorded_body, value);
            if (take.empty()) {
                body_ += comment("captured " + variable +
                                 ": not found whole in the answer; the recorded value is used");
                body_ += var + "=" + util::shell_quote(value) + "\n";
            } else
                body_ += var + "=$(" + take + ")\n";
            live_.emplace(value, "${" + var + "}"); // the first capture of a value names it
        }
    }

    // A JSON capture taken again whole, as JSON, for the checks that compute an expected
    // value from it; an appended one ("created[2]") joins its array.
    void json_capture(const std::string& variable, const std::string& pointer) {
        const auto bracket = variable.find('[');
        const std::string base = variable.substr(0, bracket);
        const std::string var = shell_name(base) + "_json";
        const std::string take = "jq -c --arg p " + util::shell_quote(pointer) +
                                 " 'getpath($p | if . == \"\" then [] else ltrimstr(\"/\") | "
                                 "split(\"/\") | map(gsub(\"~1\"; \"/\") | gsub(\"~0\"; "
                                 "\"~\")) | map(tonumber? // .) end)' \"$work/body\" 2>/dev/null";
        if (bracket == std::string::npos)
            body_ += var + "=$(" + take + ")\n";
        else
            body_ += var + "=$(jq -c --argjson v \"$(" + take + " || echo null)\" '. + [$v]' " +
                     "<<<\"${" + var + ":-[]}\")\n";
        live_json_[base] = var;
        uses_jq_ = true;
    }

    // How the script takes a captured value from the live answer ("" when it cannot).
    std::string taken_from(const json& rs, const json& recorded_body, const std::string& value) {
        json path = json::array();
        if (!recorded_body.is_discarded() && find_path(recorded_body, value, path)) {
            uses_jq_ = true;
            return "jq -r " + util::shell_quote("getpath(" + path.dump() + ")") + " \"$work/body\"";
        }
        for (const auto& h : array_member(rs, "headers"))
            if (str(h, "value") == value && is_token(str(h, "name")))
                return "sed -n " + util::shell_quote("s/^" + str(h, "name") + ": *//Ip") +
                       " \"$work/head\" | tr -d '\\r' | head -n 1";
        return {};
    }

    std::string head(const json& tc) const {
        std::string h = "#!/usr/bin/env bash\n";
        h += comment("konform repro: " + opt_.testcase + " " + str(tc, "title"));
        const json& profile = report_.contains("profile") ? report_["profile"] : json::object();
        h += comment("from " + opt_.report_name + ": profile " + str(profile, "id") + " " +
                     str(profile, "version") + ", run against " + recorded_base_ + " at " +
                     str(report_, "started") + ", verdict " + str(tc, "verdict"));
        if (!base_.empty()) h += comment("replayed against " + base_);
        h += comment(std::string("needs bash and curl") + (uses_jq_ ? ", jq" : "") +
                     "; every response is printed; exits 1 while the failure reproduces, 0 "
                     "once it is fixed, 2 when nothing could be checked");
        if (skipped_cleanup_)
            h += comment(std::to_string(skipped_cleanup_) +
                         " cleanup steps left out (--no-cleanup): what the test case makes stays");
        h += "set -uo pipefail\n";
        for (const auto& p : secrets_) {
            const std::string name = p.substr(2, p.size() - 3);
            h += ": \"${" + name + ":?set " + name + " (a secret konform never writes down)}\"\n";
        }
        h += "work=$(mktemp -d)\ntrap 'rm -rf \"$work\"' EXIT\n";
        return h + show_prelude() + detail::check_prelude();
    }

    const json& report_;
    const repro_options& opt_;
    const json& entries_;
    const std::string recorded_base_, base_;
    std::string body_;
    const std::vector<std::string> konform_placeholders_; // what konform wrote for secrets
    std::vector<std::string> secrets_;             // "${ORG_TOKEN}" as the evidence names them
    std::map<std::string, std::string> live_;      // recorded captured value -> "${cap_x}"
    std::map<std::string, std::string> live_json_; // captured variable -> its JSON's variable
    bool uses_jq_ = false;
    std::size_t skipped_cleanup_ = 0;
};

} // namespace

std::string repro_script(const json& report, const json& evidence, const repro_options& opt) {
    const json& tc = testcase_of(report, opt.testcase);
    return script_writer(report, evidence, opt).write(tc);
}

} // namespace konform::report
