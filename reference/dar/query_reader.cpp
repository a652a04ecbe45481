#include "query_reader.hpp"

#include <cctype>
#include <map>

namespace konform::reference::dar {

using nlohmann::json;

namespace {

class reader {
public:
    reader(const std::string& s, const json& vars) : s_(s), vars_(vars) {}

    [[noreturn]] void fail(const std::string& what) const { throw query_error(line_, col(), what); }
    int col() const { return static_cast<int>(i_ - line_start_) + 1; }

    void skip() {
        while (i_ < s_.size()) {
            const char c = s_[i_];
            if (c == '\n') {
                ++i_;
                ++line_;
                line_start_ = i_;
            } else if (c == ' ' || c == '\t' || c == '\r' || c == ',') {
                ++i_;
            } else if (c == '#') {
                while (i_ < s_.size() && s_[i_] != '\n')
                    ++i_;
            } else {
                break;
            }
        }
    }
    bool peek(char c) {
        skip();
        return i_ < s_.size() && s_[i_] == c;
    }
    bool eat(char c) {
        if (!peek(c)) return false;
        ++i_;
        return true;
    }
    void need(char c) {
        if (!eat(c)) fail(std::string("Expected '") + c + "'.");
    }
    std::string name() {
        skip();
        const std::size_t from = i_;
        while (i_ < s_.size() &&
               (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_'))
            ++i_;
        if (from == i_) fail("Expected a name.");
        return s_.substr(from, i_ - from);
    }
    bool at_name() {
        skip();
        return i_ < s_.size() &&
               (std::isalpha(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_');
    }

    json value(int depth) {
        if (depth > 64) fail("The query nests too deep.");
        skip();
        if (eat('$')) {
            const std::string n = name();
            if (!vars_.is_object() || !vars_.contains(n)) return nullptr;
            return vars_[n];
        }
        if (eat('"')) {
            std::string out;
            while (i_ < s_.size() && s_[i_] != '"') {
                if (s_[i_] == '\\' && i_ + 1 < s_.size()) {
                    const char e = s_[i_ + 1];
                    out += e == 'n' ? '\n' : e == 't' ? '\t' : e;
                    i_ += 2;
                } else {
                    out += s_[i_++];
                }
            }
            if (i_ >= s_.size()) fail("Unterminated string.");
            ++i_;
            return out;
        }
        if (eat('[')) {
            json a = json::array();
            while (!eat(']')) {
                if (i_ >= s_.size()) fail("Expected ']'.");
                a.push_back(value(depth + 1));
            }
            return a;
        }
        if (eat('{')) {
            json o = json::object();
            while (!eat('}')) {
                if (i_ >= s_.size()) fail("Expected '}'.");
                const std::string k = name();
                need(':');
                o[k] = value(depth + 1);
            }
            return o;
        }
        if (i_ < s_.size() && (s_[i_] == '-' || std::isdigit(static_cast<unsigned char>(s_[i_])))) {
            const std::size_t from = i_++;
            while (i_ < s_.size() && (std::isdigit(static_cast<unsigned char>(s_[i_])) ||
                                      s_[i_] == '.' || s_[i_] == 'e' || s_[i_] == 'E'))
                ++i_;
            return json::parse(s_.substr(from, i_ - from), nullptr, false);
        }
        const std::string word = name();
        if (word == "true") return true;
        if (word == "false") return false;
        if (word == "null") return nullptr;
        return word; // an enum value
    }

    std::vector<field> selections(int depth) {
        if (depth > 64) fail("The query nests too deep.");
        need('{');
        std::vector<field> out;
        while (!eat('}')) {
            if (i_ >= s_.size()) fail("Expected '}'.");
            field f;
            if (peek('.')) {
                if (s_.compare(i_, 3, "...") != 0) fail("Expected '...'.");
                i_ += 3;
                skip();
                f.line = line_;
                f.column = col();
                std::string n = name();
                if (n == "on") { // an inline fragment: its selections stand here
                    name();
                    for (auto& inner : selections(depth + 1))
                        out.push_back(std::move(inner));
                    continue;
                }
                f.name = "..." + n; // a spread, expanded when the document is read
                out.push_back(std::move(f));
                continue;
            }
            skip();
            f.line = line_;
            f.column = col();
            f.name = name();
            if (eat(':')) {
                f.alias = f.name;
                f.name = name();
            }
            if (eat('('))
                while (!eat(')')) {
                    const std::string arg = name();
                    need(':');
                    f.arguments[arg] = value(depth + 1);
                }
            if (peek('{')) f.selections = selections(depth + 1);
            out.push_back(std::move(f));
        }
        return out;
    }

    std::vector<field> document(const std::string& operation_name) {
        std::vector<field> chosen;
        int operations = 0;
        bool found = false;
        while (true) {
            skip();
            if (i_ >= s_.size()) break;
            ++operations;
            std::string op_name;
            json defaults = json::object();
            if (!peek('{')) {
                const std::string kind = name();
                if (kind == "fragment") {
                    const std::string n = name();
                    if (name() != "on") fail("Expected 'on'.");
                    name();
                    fragments_[n] = selections(0);
                    --operations;
                    continue;
                }
                if (kind != "query") fail("Only queries are served (" + kind + ").");
                if (at_name()) op_name = name();
                if (eat('('))
                    while (!eat(')')) {
                        need('$');
                        const std::string v = name();
                        need(':');
                        while (i_ < s_.size() && s_[i_] != '=' && s_[i_] != '$' && s_[i_] != ')')
                            ++i_; // the type
                        if (eat('=')) defaults[v] = value(0);
                    }
            }
            for (auto& [k, v] : defaults.items())
                if (!vars_.is_object() || !vars_.contains(k)) own_vars_[k] = v;
            auto sel = selections(0);
            if (operation_name.empty() || op_name == operation_name) {
                if (!found) chosen = std::move(sel);
                found = true;
            }
        }
        if (operations == 0) fail("The query is empty.");
        if (!found) fail("Unknown operation " + operation_name + ".");
        if (operation_name.empty() && operations > 1) fail("Name the operation to run.");
        return expand(chosen, 0);
    }

    // Fragment spreads replaced by their fragments' selections.
    std::vector<field> expand(const std::vector<field>& in, int depth) {
        if (depth > 32) throw query_error(1, 1, "Fragments spread too deep (or into themselves).");
        std::vector<field> out;
        for (const auto& f : in) {
            if (f.name.rfind("...", 0) == 0) {
                auto it = fragments_.find(f.name.substr(3));
                if (it == fragments_.end())
                    throw query_error(f.line, f.column,
                                      "Unknown fragment " + f.name.substr(3) + ".");
                for (auto& g : expand(it->second, depth + 1))
                    out.push_back(std::move(g));
                continue;
            }
            field copy = f;
            copy.selections = expand(f.selections, depth + 1);
            out.push_back(std::move(copy));
        }
        return out;
    }

    std::map<std::string, std::vector<field>> fragments_;

    json own_vars_ = json::object();

private:
    const std::string& s_;
    const json& vars_;
    std::size_t i_ = 0, line_start_ = 0;
    int line_ = 1;
};

} // namespace

std::vector<field> read_query(const std::string& text, const std::string& operation_name,
                              const json& variables) {
    json merged = variables.is_object() ? variables : json::object();
    // Defaults are read in a first pass, then the query with every variable known.
    {
        reader first(text, merged);
        first.document(operation_name);
        for (auto& [k, v] : first.own_vars_.items())
            if (!merged.contains(k)) merged[k] = v;
    }
    reader r(text, merged);
    return r.document(operation_name);
}

} // namespace konform::reference::dar
