#pragma once

#include "konform/service/database.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace konform::service {

// Roles: KL certifies, vendors test their own systems, municipalities read.
enum class role { kl, vendor, municipality };
std::string to_string(role r);
std::optional<role> role_of(std::string_view text);

struct organisation {
    std::string id, name;
    role r = role::vendor;
};

struct profile_record {
    std::string id, version, digest, title, folder;
};

struct system_record {
    std::string id, organisation, product, version, target; // target: the target file's JSON
    std::int64_t created = 0;
};

// A run's life: queued -> running -> done, or running -> interrupted (its worker stopped
// answering) -> queued again once, as the next attempt.
struct run_record {
    std::string id, system, organisation, profile, profile_version, options, kind, state;
    std::optional<std::string> verdict, progress;
    std::int64_t attempt = 0, submitted = 0;
    std::optional<std::int64_t> started, finished;
};

struct history_entry {
    std::int64_t at = 0, attempt = 0;
    std::string event;
};

struct certificate_record {
    std::string id, run, system, organisation, vendor, product, product_version, profile,
        profile_version, fingerprint, status;
    std::int64_t issued = 0, valid_until = 0;
    std::optional<std::int64_t> log_index; // its issued entry in the transparency log
    // When a scheduled re-verification of the live system last found it regressed since
    // certification, and what it found (none: it did not, or a later one passed).
    std::optional<std::int64_t> regressed;
    std::string regression;
};

// One event of a certificate's life (tlog::cert_event by name), and the log entry it is.
struct certificate_event_record {
    std::string id, certificate, event, reason, actor, entry;
    std::int64_t at = 0;
    std::optional<std::int64_t> log_index; // none until the log holds it
};

// A certificate's re-verification schedule: a read-only production run every `every_ms`.
struct schedule_record {
    std::string certificate;
    std::int64_t every_ms = 0, next_at = 0;
    std::optional<std::string> last_run;
};

struct reverification_record {
    std::string run, certificate;
    std::optional<std::string> outcome, summary; // none until judged
    std::optional<std::int64_t> judged;
};

// An entry of the public feed: what happened to a certified system.
struct feed_event {
    std::string id, system, profile, certificate, kind, title, detail;
    std::int64_t at = 0;
};

// A webhook: an organisation asks to be told of one system's or one standard's events.
struct subscription_record {
    std::string id, organisation, system, profile, url; // system or profile may be empty
    std::int64_t created = 0;
};

struct delivery_record {
    std::string subscription, event, state; // pending, delivered, failed
    std::int64_t attempts = 0, next_at = 0, updated = 0;
};

struct delivery_attempt {
    std::string subscription, event, detail;
    std::int64_t attempt = 0, at = 0;
    std::optional<std::int64_t> status;
};

// A signed-in browser: the organisation, and the token every form must carry.
struct web_session {
    std::string organisation, csrf;
    std::int64_t expires = 0;
};

struct certificate_filter {
    std::string vendor, product, profile; // empty: any
};

// Milliseconds since the epoch: how the service stores every time.
std::int64_t now_ms();

// Everything the service keeps, over one database. Safe to use from many threads (one
// statement or transaction at a time).
class store {
public:
    explicit store(std::unique_ptr<database> db);

    std::string_view dialect() const { return db_->dialect(); }

    // Accounts.
    organisation ensure_organisation(const std::string& name, role r);
    std::optional<organisation> find_organisation(const std::string& id);
    // A new API token for the organisation, returned once; only its hash is kept.
    std::string issue_token(const organisation& org);
    std::optional<organisation> authenticate(std::string_view token);
    // A web session for the organisation: the cookie's value, returned once (only its hash
    // is kept), valid for `ttl`.
    std::string open_session(const organisation& org, std::chrono::seconds ttl);
    std::optional<web_session> find_session(std::string_view cookie);
    void close_session(std::string_view cookie);

    // Profiles KL has published, frozen by digest.
    // `files` (path relative to the profile folder, content) are kept with it, so that a
    // worker on any machine can rebuild the folder from the database alone.
    void publish_profile(const profile_record& p,
                         const std::vector<std::pair<std::string, std::string>>& files = {});
    std::vector<std::pair<std::string, std::string>> profile_files(const std::string& digest);
    std::vector<profile_record> profiles();
    std::optional<profile_record> find_profile(const std::string& id, const std::string& version);

    // Systems.
    system_record add_system(const std::string& organisation, const std::string& product,
                             const std::string& version, const std::string& target);
    std::optional<system_record> find_system(const std::string& id);
    // Systems of one organisation (empty: every organisation's), newest first.
    std::vector<system_record> systems(const std::string& organisation);

    // Runs.
    run_record submit_run(const system_record& s, const std::string& organisation,
                          const profile_record& p, const std::string& options,
                          const std::string& kind, const std::string& sealed_secrets);
    std::optional<run_record> find_run(const std::string& id);
    std::vector<history_entry> history(const std::string& run);
    // Runs of one organisation (empty: all) and, optionally, one system, newest first.
    std::vector<run_record> runs(const std::string& organisation, const std::string& system,
                                 std::size_t last);
    // How many runs are in each state.
    std::map<std::string, std::int64_t> run_counts();
    // The oldest queued run, now running under `worker`'s lease, or none. Two workers never
    // claim the same run (PostgreSQL: FOR UPDATE SKIP LOCKED).
    std::optional<run_record> claim_run(const std::string& worker, std::chrono::milliseconds lease);
    bool heartbeat(const std::string& run, const std::string& worker,
                   std::chrono::milliseconds lease);
    void set_progress(const std::string& run, const std::string& progress);
    std::optional<std::string> sealed_secrets(const std::string& run);
    // Done: the verdict and the run's files stored, its secrets erased.
    void finish_run(const std::string& run, const std::string& worker, const std::string& verdict,
                    const std::map<std::string, std::string>& artefacts);
    // Runs whose lease ran out become interrupted and, on their first attempt, queued again
    // (secrets kept for it); later ones stay interrupted with their secrets erased. Returns
    // how many it found.
    int recover_expired_leases();
    // At the start of a service that is the database's only user (SQLite): every run still
    // marked running belonged to a process that is gone, so its lease ends now.
    int expire_all_leases();
    // The worker gives the run up (it is stopping): interrupted at once, by the same rule.
    void release_run(const std::string& run, const std::string& worker, const std::string& why);
    std::optional<std::string> artefact(const std::string& run, const std::string& name);
    std::vector<std::string> artefact_names(const std::string& run);
    void add_artefact(const std::string& run, const std::string& name, const std::string& bytes);

    // Certificates.
    certificate_record add_certificate(const certificate_record& c, const std::string& report);
    std::vector<certificate_record> certificates(const certificate_filter& f);
    std::optional<certificate_record> find_certificate(const std::string& id);
    std::optional<std::string> certificate_report(const std::string& id);
    std::optional<certificate_record> certificate_of_run(const std::string& run);
    // The certificate whose report's bytes have this SHA-256 (lower-case hex).
    std::optional<certificate_record> certificate_by_report(const std::string& sha256);

    // A certificate's life. Its status changes with each event, in one transaction.
    void add_certificate_event(const certificate_event_record& e, const std::string& new_status);
    std::vector<certificate_event_record> certificate_events(const std::string& certificate);
    // Events the log does not hold yet, oldest first.
    std::vector<certificate_event_record> unlogged_events();
    void set_event_logged(const certificate_event_record& e, std::int64_t index);
    // The highest log index an event is marked with (none: no event is in the log).
    std::optional<std::int64_t> last_logged_index();
    // The signed report with its receipt (the digest it is known by does not change).
    void set_certificate_report(const std::string& certificate, const std::string& report);
    void set_regressed(const std::string& certificate, std::optional<std::int64_t> at,
                       const std::string& regression);

    // Re-verification schedules.
    void set_schedule(const std::string& certificate, std::int64_t every_ms, std::int64_t next_at,
                      const std::string& sealed_secrets);
    void clear_schedule(const std::string& certificate);
    std::optional<schedule_record> schedule_of(const std::string& certificate);
    std::vector<schedule_record> due_schedules(std::int64_t now);
    std::optional<std::string> schedule_secrets(const std::string& certificate);
    // The scheduled run was submitted: it is a re-verification of the certificate.
    void schedule_started(const std::string& certificate, const std::string& run,
                          std::int64_t next_at);
    // Re-verification runs that have ended and are not judged yet.
    std::vector<reverification_record> unjudged_reverifications();
    void judge_reverification(const std::string& run, const std::string& outcome,
                              const std::string& summary);
    std::vector<reverification_record> reverifications(const std::string& certificate,
                                                       std::size_t last);
    std::optional<reverification_record> reverification_of(const std::string& run);

    // The feed, newest first: one system's, one standard's, or all (both empty).
    void add_feed_event(const feed_event& e);
    std::vector<feed_event> feed(const std::string& system, const std::string& profile,
                                 std::size_t last);

    // Webhooks. The secret is kept sealed (it must be read to sign each delivery).
    subscription_record add_subscription(const subscription_record& s,
                                         const std::string& sealed_secret);
    std::vector<subscription_record> subscriptions(const std::string& organisation);
    std::optional<subscription_record> find_subscription(const std::string& id);
    std::optional<std::string> subscription_secret(const std::string& id);
    void remove_subscription(const std::string& id);
    // Queues the event for every subscription to its system or standard.
    int queue_deliveries(const feed_event& e);
    std::vector<delivery_record> due_deliveries(std::int64_t now, std::size_t limit);
    void record_attempt(const delivery_attempt& a, const std::string& state, std::int64_t next_at);
    std::vector<delivery_record> deliveries(const std::string& subscription, std::size_t last);
    std::vector<delivery_attempt> delivery_attempts(const std::string& subscription,
                                                    std::size_t last);
    std::optional<feed_event> find_feed_event(const std::string& id);

    // The audit trail: who did what to what, when.
    void audit(const std::string& actor, const std::string& action, const std::string& subject,
               const std::string& detail = "");
    std::vector<std::vector<std::string>> audit_trail(std::size_t last);

private:
    std::unique_ptr<database> db_;
    std::recursive_mutex mutex_;
};

} // namespace konform::service
