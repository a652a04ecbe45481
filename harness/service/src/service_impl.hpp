#pragma once

#include "konform/model/profile.hpp"
#include "konform/service/service.hpp"
#include "konform/service/worker.hpp"
#include "konform/tlog/certificate_status.hpp"
#include "konform/tlog/log_store.hpp"

#include <atomic>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace konform::service::detail {

// Who is asking: an organisation (by API token or web session) or the public.
struct caller {
    std::optional<organisation> org;
    std::optional<web_session> session; // set when signed in through the web pages
    bool is(role r) const { return org && org->r == r; }
    std::string name() const { return org ? org->name : "public"; }
};

// A refusal with the status and message the caller gets.
struct refusal : std::runtime_error {
    int status;
    refusal(int s, const std::string& why) : std::runtime_error(why), status(s) {}
};

// Requests per second from one address, with a burst: a token bucket per address.
class rate_limiter {
public:
    explicit rate_limiter(double per_second) : rate_(per_second) {}
    bool allow(const std::string& peer);

private:
    struct bucket {
        double tokens = 0;
        std::chrono::steady_clock::time_point at;
    };
    double rate_;
    std::mutex m_;
    std::map<std::string, bucket> buckets_;
};

// A certificate's verification, as the verify page and API say it.
struct verify_answer {
    bool authentic = false, anchored = false;
    std::string key_id, signer, reason;
    std::optional<certificate_record> registered;
};

} // namespace konform::service::detail

namespace konform::service {

struct service::impl {
    store& st;
    const sealed_box& box;
    service_options opt;
    detail::rate_limiter limiter;
    std::mutex profiles_mutex;
    std::map<std::string, std::shared_ptr<const model::profile>> loaded; // by digest

    // The transparency log (when the service certifies), appended under log_mutex; status
    // changes one at a time under life_mutex, so that the rule is asked of the status changed.
    std::optional<tlog::log_store> log;
    std::mutex log_mutex, life_mutex;
    // Housekeeping: its thread, and the flag that stops it.
    std::thread housekeeper;
    std::atomic<bool> stopping{false};

    impl(store& s, const sealed_box& b, service_options o)
        : st(s), box(b), opt(std::move(o)), limiter(opt.requests_per_second) {}

    // The published profile, loaded (once) from its folder.
    std::shared_ptr<const model::profile> profile(const profile_record& p);
    detail::caller caller_of(const web_request& req);
    // What a system may be: product, version and a target the service can run (secrets by
    // environment-variable name only, TLS files by bare file name). Throws refusal (422).
    system_record register_system(const detail::caller& who, const nlohmann::json& body);
    // A run of a system: throws refusal when the caller may not or the request is unusable.
    run_record submit_run(const detail::caller& who, const std::string& system,
                          const nlohmann::json& body);
    // KL signs a finished conformant run's report: a certificate in the registry.
    certificate_record certify(const detail::caller& who, const std::string& run,
                               std::chrono::milliseconds validity);
    detail::verify_answer verify(const std::string& report_text);
    // The system or run, when the caller may see it; throws refusal (404) otherwise.
    system_record visible_system(const detail::caller& who, const std::string& id);
    run_record visible_run(const detail::caller& who, const std::string& id);
    // The run as JSON (state, verdict, progress, history, files, certificate).
    nlohmann::json run_json(const run_record& r);
    nlohmann::json certificate_json(const certificate_record& c);

    // The secrets and files a run of the system needs, from a request body: every secret
    // its target names, and nothing else. Throws refusal (422).
    run_secrets secrets_for(const system_record& s, const nlohmann::json& body);

    // A certificate's life (certificate_life.cpp).
    // Opens (or makes) the log and appends what was recorded but not appended before a stop.
    void open_log();
    std::filesystem::path log_dir() const { return opt.data_dir / "log"; }
    // Records the event (signed, as the log's entry), appends it, and tells subscribers.
    // Throws refusal (409) when the event cannot follow the certificate's status.
    void change_status(const certificate_record& c, tlog::cert_event e, const std::string& reason,
                       const std::string& actor, const std::string& by = "");
    // Appends every recorded event the log does not hold yet, signs a checkpoint, and gives
    // each newly logged certificate its receipt.
    void flush_log();
    // A feed entry for the certificate's system and standard, queued for every subscriber.
    void announce(const certificate_record& c, const std::string& kind, const std::string& title,
                  const std::string& detail);
    // KL's status changes, schedules and re-verifications through the API.
    certificate_record status_request(const detail::caller& who, const std::string& id,
                                      const nlohmann::json& body);
    nlohmann::json schedule_request(const detail::caller& who, const std::string& id,
                                    const web_request& req);
    run_record reverify_now(const detail::caller& who, const std::string& id);
    run_record start_reverification(const certificate_record& c, const std::string& sealed);
    nlohmann::json life_json(const certificate_record& c);
    // Webhook subscriptions (webhooks.cpp).
    nlohmann::json subscribe(const detail::caller& who, const nlohmann::json& body);
    void deliver_due();
    // Housekeeping rounds.
    void expire_due();
    void start_due_reverifications();
    void judge_reverifications();

    // The log's static files under /log/ (checkpoint and tiles), for monitors and verifiers.
    web_response log_file(const web_request& req);
    web_response api(const web_request& req, const detail::caller& who);
    web_response page(const web_request& req, const detail::caller& who);
    // Server-sent events of a run's progress until it ends.
    web_response run_events(const run_record& r);
};

} // namespace konform::service
