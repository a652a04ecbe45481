#include "konform/tlog/receipt.hpp"

#include <stdexcept>

namespace konform::tlog {

using nlohmann::json;

json receipt::to_json() const {
    json p = json::array();
    for (const auto& h : proof)
        p.push_back(to_base64(h));
    return {{"entry", entry}, {"index", index}, {"inclusion_proof", p}, {"checkpoint", checkpoint}};
}

receipt receipt::from_json(const json& j) {
    receipt r;
    if (!j.is_object()) throw std::invalid_argument("the receipt is not an object");
    const auto member = [&](const char* name, json::value_t type) -> const json& {
        if (!j.contains(name) || j[name].type() != type)
            throw std::invalid_argument(std::string("the receipt's \"") + name +
                                        "\" is missing or of the wrong type");
        return j[name];
    };
    r.entry = member("entry", json::value_t::string).get<std::string>();
    r.checkpoint = member("checkpoint", json::value_t::string).get<std::string>();
    r.index = member("index", json::value_t::number_unsigned).get<std::uint64_t>();
    const json& proof = member("inclusion_proof", json::value_t::array);
    if (proof.size() > 64) throw std::invalid_argument("the receipt's proof is too long");
    for (const auto& h : proof) {
        if (!h.is_string()) throw std::invalid_argument("the receipt's proof holds a non-string");
        r.proof.push_back(hash_from_base64(h.get<std::string>()));
    }
    return r;
}

checkpoint open_checkpoint(std::string_view note, const std::string& vkey) {
    const auto body = open_note(note, vkey);
    if (!body) throw std::invalid_argument("the checkpoint is not signed by the log's key");
    checkpoint cp;
    try {
        cp = checkpoint::parse(*body);
    } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("the checkpoint is malformed: ") + e.what());
    }
    if (cp.origin != vkey.substr(0, vkey.find('+')))
        throw std::invalid_argument("the checkpoint names another log (" + cp.origin + ")");
    return cp;
}

std::string receipt_problem(const receipt& r, const std::string& vkey, checkpoint* proven) {
    checkpoint cp;
    try {
        cp = open_checkpoint(r.checkpoint, vkey);
    } catch (const std::invalid_argument& e) {
        return e.what();
    }
    if (r.index >= cp.size)
        return "the receipt's entry " + std::to_string(r.index) + " is not in a tree of " +
               std::to_string(cp.size);
    if (!verify_inclusion(r.index, cp.size, leaf_hash(r.entry), r.proof, cp.root))
        return "the inclusion proof does not lead from the entry to the checkpoint's root";
    if (proven) *proven = cp;
    return "";
}

} // namespace konform::tlog
