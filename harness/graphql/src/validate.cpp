// A query checked against the schema it is written for: what `konform lint` says about
// each GraphQL query of a profile.
#include "konform/graphql/validate.hpp"

#include "konform/graphql/parser.hpp"

#include <set>

namespace konform::graphql {

namespace {

class validator {
public:
    validator(const executable_document& d, const schema& s) : doc_(d), s_(s) {}

    std::vector<query_problem> run() {
        for (const auto& op : doc_.operations) {
            const std::string root = op.type == "mutation"       ? s_.mutation_type
                                     : op.type == "subscription" ? s_.subscription_type
                                                                 : s_.query_type;
            defined_.clear();
            for (const auto& v : op.variables) {
                defined_.insert(v.name);
                const type_definition* t = s_.type(v.type.named_type());
                if (!t)
                    add(v.at,
                        "the variable $" + v.name + " has an unknown type " + v.type.named_type());
                else if (t->composite())
                    add(v.at, "the variable $" + v.name + " has the output type " + t->name);
            }
            const type_definition* t = root.empty() ? nullptr : s_.type(root);
            if (!t) {
                add(op.at, "the schema has no " + op.type + " type");
                continue;
            }
            visiting_.clear();
            selections(op.selections, *t, 0);
        }
        for (const auto& [name, f] : doc_.fragments)
            if (!s_.type(f.type_condition))
                add(f.at, "the fragment " + name + " is on an unknown type " + f.type_condition);
        return std::move(out_);
    }

private:
    void add(position at, std::string what) { out_.push_back({at, std::move(what)}); }

    void values(const value& v) {
        if (v.is == value::kind::variable && !defined_.count(v.text))
            add(v.at, "the variable $" + v.text + " is not defined by the operation");
        for (const auto& [k, item] : v.items)
            values(item);
    }

    void input_object(const value& v, const type_ref& type) {
        const type_definition* t = s_.type(type.named_type());
        if (!t || t->kind != type_kind::input_object) return;
        if (v.is == value::kind::list) {
            for (const auto& [k, item] : v.items)
                input_object(item, type); // only the named type inside counts
            return;
        }
        if (v.is != value::kind::object) return;
        for (const auto& [k, item] : v.items) {
            const input_value* f = t->input_field(k);
            if (!f)
                add(item.at, t->name + " has no input field " + k);
            else
                input_object(item, f->type);
        }
        for (const auto& f : t->input_fields)
            if (f.required()) {
                bool given = false;
                for (const auto& [k, item] : v.items)
                    given = given || k == f.name;
                if (!given) add(v.at, t->name + " needs its input field " + f.name);
            }
    }

    void selections(const selection_set& set, const type_definition& on, int depth) {
        if (depth > max_nesting) return;
        for (const auto& sel : set) {
            if (sel.is == selection::kind::fragment_spread) {
                auto it = doc_.fragments.find(sel.name);
                if (it == doc_.fragments.end()) {
                    add(sel.at, "no fragment is named " + sel.name);
                    continue;
                }
                if (!visiting_.insert(sel.name).second) {
                    add(sel.at, "the fragment " + sel.name + " spreads itself");
                    continue;
                }
                if (const type_definition* t = s_.type(it->second.type_condition))
                    selections(it->second.selections, *t, depth + 1);
                visiting_.erase(sel.name);
                continue;
            }
            if (sel.is == selection::kind::inline_fragment) {
                const type_definition* t =
                    sel.type_condition.empty() ? &on : s_.type(sel.type_condition);
                if (!t)
                    add(sel.at, "an inline fragment on an unknown type " + sel.type_condition);
                else
                    selections(sel.selections, *t, depth + 1);
                continue;
            }
            if (sel.name == "__typename") continue;
            if (sel.name == "__schema" || sel.name == "__type") {
                for (const auto& a : sel.arguments)
                    values(a.val);
                continue;
            }
            field(sel, on, depth);
        }
    }

    void field(const selection& sel, const type_definition& on, int depth) {
        const field_definition* f = on.field(sel.name);
        if (!f) {
            add(sel.at, on.kind == type_kind::union_ ? "the union " + on.name + " has no field " +
                                                           sel.name + ": select through a fragment"
                                                     : on.name + " has no field " + sel.name);
            return;
        }
        for (const auto& a : sel.arguments) {
            values(a.val);
            const input_value* def = f->argument(a.name);
            if (!def)
                add(a.at, on.name + "." + f->name + " has no argument " + a.name);
            else
                input_object(a.val, def->type);
        }
        for (const auto& def : f->arguments)
            if (def.required()) {
                bool given = false;
                for (const auto& a : sel.arguments)
                    given = given || a.name == def.name;
                if (!given)
                    add(sel.at, on.name + "." + f->name + " needs its argument " + def.name + ": " +
                                    def.type.text());
            }
        const type_definition* t = s_.type(f->type.named_type());
        if (!t) {
            add(sel.at, on.name + "." + f->name + " has the unknown type " + f->type.named_type());
            return;
        }
        if (t->composite() && !sel.has_selections)
            add(sel.at, on.name + "." + f->name + " is a " + t->name +
                            ": it needs a selection of its fields");
        else if (!t->composite() && sel.has_selections)
            add(sel.at, on.name + "." + f->name + " is a " + t->name + " and takes no selection");
        else if (t->composite())
            selections(sel.selections, *t, depth + 1);
    }

    const executable_document& doc_;
    const schema& s_;
    std::set<std::string> defined_, visiting_;
    std::vector<query_problem> out_;
};

} // namespace

std::vector<query_problem> validate(const executable_document& doc, const schema& s) {
    return validator(doc, s).run();
}

} // namespace konform::graphql
