#include "greetings.hpp"

#include "server/uuid.hpp"
#include "server/xml_text.hpp"

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <pugixml.hpp>
#include <regex>
#include <thread>

namespace konform::reference::example {

using nlohmann::json;

namespace {

const char* const soap_ns = "http://schemas.xmlsoap.org/soap/envelope/";
const char* const greetings_ns = "urn:konform:example:greetings:1";

struct greeting {
    std::string text, language;
};

class greetings {
public:
    explicit greetings(std::string fault) : fault_(std::move(fault)) {
        store_["6f1e2a3b-0000-4000-8000-000000000001"] = {"Hej", "da"};
        store_["6f1e2a3b-0000-4000-8000-000000000002"] = {"Hello", "en"};
        store_["6f1e2a3b-0000-4000-8000-000000000003"] = {"Goddag", "da"};
    }

    server_response handle(const server_request& req) {
        std::lock_guard lock(mutex_);
        if (fault_ != "auth-not-checked" &&
            req.header("authorization") != std::string("Bearer ") + token)
            return error(401, "missing or invalid bearer token");
        if (req.path == "/xml/lookup" && req.method == "POST") return xml_lookup(req);
        static const std::regex item("^/greetings/([^/]+)/?$");
        std::smatch m;
        if (req.path == "/greetings" || req.path == "/greetings/") {
            if (req.method == "GET") return search(req);
            if (req.method == "POST") return create(req);
            return error(405, "method not allowed");
        }
        if (std::regex_match(req.path, m, item)) {
            if (req.method == "GET") return read(m[1]);
            if (req.method == "DELETE") return remove(m[1]);
            return error(405, "method not allowed");
        }
        return error(404, "no such resource");
    }

private:
    server_response reply(int status, const json& body) {
        auto r = server_response::json(status, body.dump());
        if (fault_ == "wrong-content-type") r.headers = {{"Content-Type", "text/plain"}};
        return r;
    }
    server_response error(int status, const std::string& message) {
        return reply(status, {{"message", message}});
    }

    json view(const std::string& id, const greeting& g) {
        json j = {{"id", id}, {"text", g.text}, {"language", g.language}};
        if (fault_ == "read-extra-field") j["internal_rowid"] = 17;
        return j;
    }

    server_response read(const std::string& id) {
        if (fault_ == "slow-read") std::this_thread::sleep_for(std::chrono::milliseconds(1100));
        auto it = store_.find(id);
        if (it == store_.end()) {
            if (fault_ == "unknown-id-200")
                return {200, {{"Content-Type", "application/json"}}, "", false};
            return error(404, "no greeting with id " + id);
        }
        return reply(200, view(it->first, it->second));
    }

    server_response search(const server_request& req) {
        std::string language;
        for (const auto& [k, v] : req.query)
            if (k == "language") language = v;
        json results = json::array();
        for (const auto& [id, g] : store_)
            if (language.empty() || g.language == language || fault_ == "search-ignores-filter")
                results.push_back(view(id, g));
        return reply(200, {{"results", results}});
    }

    server_response create(const server_request& req) {
        json body;
        try {
            body = json::parse(req.body);
        } catch (const json::exception&) {
            return error(400, "the body is not valid JSON");
        }
        bool valid = body.is_object() && body.contains("text") && body["text"].is_string() &&
                     body.contains("language") && body["language"].is_string();
        if (!valid && fault_ != "create-accepts-invalid")
            return error(400, "text and language are required strings");
        greeting g{body.value("text", ""), body.value("language", "")};
        if (fault_ == "mangle-danish")
            for (auto& c : g.text)
                if (static_cast<unsigned char>(c) >= 0x80) c = '?';
        std::string id = fresh_uuid();
        store_[id] = g;
        if (fault_ == "create-no-id") return reply(201, json::object());
        return reply(201, {{"id", id}});
    }

    server_response remove(const std::string& id) {
        if (!store_.erase(id)) return error(404, "no greeting with id " + id);
        return {204, {}, "", false};
    }

    server_response fault_response(const std::string& code, const std::string& text) {
        return server_response::xml(500, std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>") +
                                             "<S:Envelope xmlns:S=\"" + soap_ns +
                                             "\"><S:Body><S:Fault><faultcode>S:" + code +
                                             "</faultcode><faultstring>" + xml_escape(text) +
                                             "</faultstring></S:Fault></S:Body></S:Envelope>");
    }

    server_response xml_lookup(const server_request& req) {
        pugi::xml_document doc;
        if (!doc.load_buffer(req.body.data(), req.body.size()))
            return fault_response("Client", "not well-formed XML");
        // Find the Id element by local name, whatever prefixes the client chose.
        std::string id;
        for (auto n : doc.select_nodes("//*[local-name()='GreetingLookup']/*[local-name()='Id']"))
            id = n.node().text().get();
        auto it = store_.find(id);
        if (it == store_.end()) return fault_response("Client", "no greeting with id " + id);
        std::string body = std::string("<?xml version=\"1.0\" encoding=\"UTF-8\"?>") +
                           "<S:Envelope xmlns:S=\"" + soap_ns +
                           "\"><S:Body><g:GreetingResponse xmlns:g=\"" + greetings_ns +
                           "\"><g:Id>" + xml_escape(id) + "</g:Id>";
        if (fault_ != "xml-invalid") body += "<g:Text>" + xml_escape(it->second.text) + "</g:Text>";
        body += "<g:Language>" + xml_escape(it->second.language) +
                "</g:Language></g:GreetingResponse></S:Body></S:Envelope>";
        return server_response::xml(200, body);
    }

    std::string fault_;
    std::mutex mutex_;
    std::map<std::string, greeting> store_;
};

handler make(const std::string& fault_name) {
    auto state = std::make_shared<greetings>(fault_name);
    return [state](const server_request& req) { return state->handle(req); };
}

} // namespace

system_info greetings_system() {
    return {
        "example",
        {
            {"auth-not-checked", {"EX-AUTH-401"}, "answers without checking the bearer token"},
            {"unknown-id-200", {"EX-READ-404"}, "answers 200 with an empty body for an unknown id"},
            {"wrong-content-type", {"EX-JSON-CT"}, "labels JSON responses text/plain"},
            {"read-extra-field", {"EX-READ-200"}, "adds a property the schema does not allow"},
            {"search-ignores-filter", {"EX-SEARCH-FILTER"}, "ignores the language filter"},
            {"mangle-danish", {"EX-UTF8"}, "stores non-ASCII letters as '?'"},
            {"create-accepts-invalid", {"EX-CREATE-400"}, "creates a greeting without text"},
            {"create-no-id", {"EX-CREATE-201"}, "answers 201 without the new id"},
            {"xml-invalid", {"EX-XML-LOOKUP"}, "leaves the mandatory Text out of the SOAP answer"},
            {"slow-read", {"EX-LATENCY"}, "takes 1.1 s to read a greeting"},
        },
        &make};
}

} // namespace konform::reference::example
