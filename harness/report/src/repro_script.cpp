#include "konform/report/repro_script.hpp"

#include "json_member.hpp"
#include "konform/util/text.hpp"

#include <map>
#include <regex>

namespace konform::report {

namespace {

using nlohmann::json;

constexpr auto str = &detail::member_text; // a member as text

// A comment line: no newline or control character of the system's can end it.
std::string comment(std::string_view text) {
    std::string out = "# ";
    for (unsigned char c : util::visible(std::string(text)))
        out += (c < 0x20 || c == 0x7f) ? ' ' : static_cast<char>(c);
    if (out.size() > 400) out = out.substr(0, 397) + "...";
    return out + "\n";
}

// A line the script prints as it runs: "### step 9/16: ..." heads each step's response.
std::string say(std::string_view text) {
    std::string line = comment(text).substr(2);
    line.pop_back();
    return "echo " + util::shell_quote(line) + "\n";
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

} // namespace

std::string repro_script(const json& report, const json& evidence, const repro_options& opt) {
    const json* tc = nullptr;
    if (report.is_object() && report.contains("testcases") && report["testcases"].is_array())
        for (const auto& t : report["testcases"])
            if (str(t, "id") == opt.testcase) tc = &t;
    if (!tc) throw std::invalid_argument("the report has no test case " + opt.testcase);
    if (!tc->contains("steps") || !(*tc)["steps"].is_array())
        throw std::invalid_argument(opt.testcase + " has no steps in the report");
    const json empty = json::array();
    const json& entries =
        evidence.is_object() && evidence.contains("log") && evidence["log"].is_object() &&
                evidence["log"].contains("entries") && evidence["log"]["entries"].is_array()
            ? evidence["log"]["entries"]
            : empty;
    const std::string recorded_base = [&] {
        std::string u = report.contains("target") ? str(report["target"], "url") : "";
        while (!u.empty() && u.back() == '/')
            u.pop_back();
        return u;
    }();
    std::string base = opt.base_url;
    while (!base.empty() && base.back() == '/')
        base.pop_back();

    std::string head, body;
    std::vector<std::string> secrets;        // "${ORG_TOKEN}" as the evidence names them
    std::map<std::string, std::string> live; // recorded captured value -> "${cap_x}"
    const std::regex secret_placeholder(R"(\$\{[A-Za-z_][A-Za-z0-9_]*\})");
    bool uses_jq = false, marked = false;
    std::size_t number = 0, skipped_cleanup = 0;
    const auto& steps = (*tc)["steps"];
    for (const auto& s : steps) {
        ++number;
        if (!s.is_object()) continue;
        const bool cleanup = s.value("cleanup", false);
        if (cleanup && !opt.cleanup) {
            ++skipped_cleanup;
            continue;
        }
        const std::string phase = s.value("setup", false) ? "setup" : cleanup ? "cleanup" : "step";
        std::string name = str(s, "name").empty() ? str(s, "pointer") : str(s, "name");
        if (s.contains("iteration")) name += " [row " + str(s, "iteration") + "]";
        body += "\n" + say("### " + phase + " " + std::to_string(number) + "/" +
                           std::to_string(steps.size()) + ": " + name);
        const std::string v = str(s, "verdict");
        if (!marked && !cleanup && v != "pass") {
            marked = true;
            body += say("konform judged this step " + v + ":");
            for (const auto& a : s.value("assertions", json::array()))
                if (str(a, "verdict") != "pass")
                    body +=
                        say("  expected " + str(a, "expected") + "; actual " + str(a, "actual"));
            if (!str(s, "message").empty()) body += say("  " + str(s, "message"));
        }
        const json* e = nullptr;
        if (s.contains("exchange") && s["exchange"].is_number_integer() &&
            s["exchange"].get<long long>() >= 0 &&
            s["exchange"].get<unsigned long long>() < entries.size())
            e = &entries[s["exchange"].get<std::size_t>()];
        if (!e || !(*e).contains("request") || !(*e)["request"].is_object()) {
            body += comment("no request was sent" +
                            (str(s, "message").empty() ? "" : ": " + str(s, "message")));
            continue;
        }
        const json& rq = (*e)["request"];
        http::request req;
        req.method = str(rq, "method");
        req.url = str(rq, "url");
        if (!base.empty() && !recorded_base.empty() && req.url.rfind(recorded_base, 0) == 0)
            req.url = base + req.url.substr(recorded_base.size());
        for (const auto& h : rq.value("headers", json::array()))
            req.headers.emplace_back(str(h, "name"), str(h, "value"));
        if (rq.contains("postData")) req.body = str(rq["postData"], "text");
        // Values captured earlier, as the live run takes them again.
        std::vector<std::string> placeholders;
        auto substitute = [&](std::string& text) {
            for (const auto& [value, var] : live)
                replace_all(text, value, var);
        };
        substitute(req.url);
        substitute(req.body);
        for (auto& [k, value] : req.headers)
            substitute(value);
        for (const auto& [value, var] : live)
            placeholders.push_back(var);
        std::string all = req.url + req.body;
        for (const auto& [k, value] : req.headers)
            all += value;
        for (std::sregex_iterator it(all.begin(), all.end(), secret_placeholder), end; it != end;
             ++it) {
            const std::string p = it->str();
            if (p.rfind("${cap_", 0) == 0) continue;
            placeholders.push_back(p);
            if (std::find(secrets.begin(), secrets.end(), p) == secrets.end()) secrets.push_back(p);
        }
        std::string line = http::curl_line(req, placeholders, opt.tls);
        const std::string prefix = "curl -sS -i ";
        if (line.rfind(prefix, 0) == 0)
            line = "curl -sS -D \"$work/head\" -o \"$work/body\" " + line.substr(prefix.size());
        body += comment("recorded: " + (s.contains("response") ? str(s["response"], "status")
                                                               : std::string("no answer")));
        body += "rm -f \"$work/head\" \"$work/body\"\n" + line + " || echo \"(curl failed: $?)\"\n";
        body += "cat \"$work/head\" \"$work/body\" 2>/dev/null; echo\n";
        // The captures this step took, from the live answer.
        const json& rs = (*e).contains("response") ? (*e)["response"] : json::object();
        json recorded_body;
        bool parsed = false;
        for (const auto& c : s.value("captures", json::array())) {
            const std::string variable = str(c, "variable"), value = str(c, "value");
            if (value.size() < 4 || value.size() >= 200) continue;
            const std::string var = shell_name(variable);
            if (!parsed) {
                parsed = true;
                if (rs.contains("content"))
                    recorded_body = json::parse(str(rs["content"], "text"), nullptr, false, false);
            }
            json path = json::array();
            std::string take;
            if (!recorded_body.is_discarded() && find_path(recorded_body, value, path)) {
                uses_jq = true;
                take = "jq -r " + util::shell_quote("getpath(" + path.dump() + ")") +
                       " \"$work/body\"";
            } else
                for (const auto& h : rs.value("headers", json::array()))
                    if (str(h, "value") == value && is_token(str(h, "name"))) {
                        take = "sed -n " + util::shell_quote("s/^" + str(h, "name") + ": *//Ip") +
                               " \"$work/head\" | tr -d '\\r' | head -n 1";
                        break;
                    }
            if (take.empty()) {
                body += comment("captured " + variable +
                                ": not found whole in the answer; the recorded value is used");
                body += var + "=" + util::shell_quote(value) + "\n";
            } else
                body += var + "=$(" + take + ")\n";
            live.emplace(value, "${" + var + "}"); // the first capture of a value names it
        }
    }
    head += "#!/usr/bin/env bash\n";
    head += comment("konform repro: " + opt.testcase + " " + str(*tc, "title"));
    head += comment("from " + opt.report_name + ": profile " + str(report["profile"], "id") + " " +
                    str(report["profile"], "version") + ", run against " + recorded_base + " at " +
                    str(report, "started") + ", verdict " + str(*tc, "verdict"));
    if (!base.empty()) head += comment("replayed against " + base);
    head += comment(std::string("needs bash and curl") + (uses_jq ? ", jq" : "") +
                    "; every response is printed");
    if (skipped_cleanup)
        head += comment(std::to_string(skipped_cleanup) +
                        " cleanup steps left out (--no-cleanup): what the test case makes stays");
    head += "set -uo pipefail\n";
    for (const auto& p : secrets) {
        const std::string name = p.substr(2, p.size() - 3);
        head += ": \"${" + name + ":?set " + name + " (a secret konform never writes down)}\"\n";
    }
    head += "work=$(mktemp -d)\ntrap 'rm -rf \"$work\"' EXIT\n";
    return head + body;
}

} // namespace konform::report
