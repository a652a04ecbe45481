// A certificate's life in the store: its events, re-verification schedules and runs, the
// public feed, and webhook subscriptions with their deliveries.
#include "konform/service/sealed_box.hpp"
#include "konform/service/store.hpp"

namespace konform::service {

namespace {

const char* event_columns = "id, certificate, at, event, reason, actor, entry, log_index";

certificate_event_record event_of(const row& r) {
    certificate_event_record e;
    e.id = r.text(0);
    e.certificate = r.text(1);
    e.at = r.integer(2);
    e.event = r.text(3);
    e.reason = r.text(4);
    e.actor = r.text(5);
    e.entry = r.text(6);
    if (r.maybe(7)) e.log_index = r.integer(7);
    return e;
}

reverification_record reverification_of_row(const row& r) {
    reverification_record v;
    v.run = r.text(0);
    v.certificate = r.text(1);
    v.outcome = r.maybe(2);
    v.summary = r.maybe(3);
    if (r.maybe(4)) v.judged = r.integer(4);
    return v;
}

const char* feed_columns = "id, at, system, profile, certificate, kind, title, detail";

feed_event feed_of(const row& r) {
    return {r.text(0), r.text(2), r.text(3), r.text(4),
            r.text(5), r.text(6), r.text(7), r.integer(1)};
}

subscription_record subscription_of(const row& r) {
    return {r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5)};
}

delivery_record delivery_of(const row& r) {
    return {r.text(0), r.text(1), r.text(2), r.integer(3), r.integer(4), r.integer(5)};
}

std::int64_t count(std::size_t n) {
    return static_cast<std::int64_t>(n);
}

} // namespace

void store::add_certificate_event(const certificate_event_record& e,
                                  const std::string& new_status) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    db_->query(std::string("INSERT INTO certificate_events (") + event_columns +
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, NULL)",
               {e.id.empty() ? random_hex(8) : e.id, e.certificate, e.at, e.event, e.reason,
                e.actor, e.entry});
    db_->query("UPDATE certificates SET status = $1 WHERE id = $2", {new_status, e.certificate});
    tx.commit();
}

std::vector<certificate_event_record> store::certificate_events(const std::string& certificate) {
    std::lock_guard lock(mutex_);
    std::vector<certificate_event_record> out;
    for (const auto& r : db_->query(std::string("SELECT ") + event_columns +
                                        " FROM certificate_events WHERE certificate = $1 "
                                        "ORDER BY at, log_index",
                                    {certificate}))
        out.push_back(event_of(r));
    return out;
}

std::vector<certificate_event_record> store::unlogged_events() {
    std::lock_guard lock(mutex_);
    std::vector<certificate_event_record> out;
    for (const auto& r :
         db_->query(std::string("SELECT ") + event_columns +
                    " FROM certificate_events WHERE log_index IS NULL ORDER BY at, id"))
        out.push_back(event_of(r));
    return out;
}

void store::set_event_logged(const certificate_event_record& e, std::int64_t index) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    db_->query("UPDATE certificate_events SET log_index = $1 WHERE id = $2", {index, e.id});
    if (e.event == "issued")
        db_->query("UPDATE certificates SET log_index = $1 WHERE id = $2", {index, e.certificate});
    tx.commit();
}

std::optional<std::int64_t> store::last_logged_index() {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT MAX(log_index) FROM certificate_events");
    if (rows.empty() || !rows.front().maybe(0)) return std::nullopt;
    return rows.front().integer(0);
}

void store::set_certificate_report(const std::string& certificate, const std::string& report) {
    std::lock_guard lock(mutex_);
    db_->query("UPDATE certificates SET report = $1 WHERE id = $2", {blob{report}, certificate});
}

void store::set_regressed(const std::string& certificate, std::optional<std::int64_t> at,
                          const std::string& regression) {
    std::lock_guard lock(mutex_);
    db_->query("UPDATE certificates SET regressed = $1, regression = $2 WHERE id = $3",
               {at ? value{*at} : value{nullptr}, regression, certificate});
}

void store::set_schedule(const std::string& certificate, std::int64_t every_ms,
                         std::int64_t next_at, const std::string& sealed_secrets) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    db_->query("DELETE FROM schedules WHERE certificate = $1", {certificate});
    db_->query("INSERT INTO schedules (certificate, every_ms, next_at, secrets) VALUES ($1, $2, "
               "$3, $4)",
               {certificate, every_ms, next_at, blob{sealed_secrets}});
    tx.commit();
}

void store::clear_schedule(const std::string& certificate) {
    std::lock_guard lock(mutex_);
    db_->query("DELETE FROM schedules WHERE certificate = $1", {certificate});
}

std::optional<schedule_record> store::schedule_of(const std::string& certificate) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query(
        "SELECT certificate, every_ms, next_at, last_run FROM schedules WHERE certificate = $1",
        {certificate});
    if (rows.empty()) return std::nullopt;
    const auto& r = rows.front();
    return schedule_record{r.text(0), r.integer(1), r.integer(2), r.maybe(3)};
}

std::vector<schedule_record> store::due_schedules(std::int64_t now) {
    std::lock_guard lock(mutex_);
    std::vector<schedule_record> out;
    for (const auto& r : db_->query("SELECT certificate, every_ms, next_at, last_run FROM "
                                    "schedules WHERE next_at <= $1 ORDER BY next_at",
                                    {now}))
        out.push_back({r.text(0), r.integer(1), r.integer(2), r.maybe(3)});
    return out;
}

std::optional<std::string> store::schedule_secrets(const std::string& certificate) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT secrets FROM schedules WHERE certificate = $1", {certificate});
    if (rows.empty()) return std::nullopt;
    return rows.front().maybe(0);
}

void store::schedule_started(const std::string& certificate, const std::string& run,
                             std::int64_t next_at) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    db_->query("UPDATE schedules SET next_at = $1, last_run = $2 WHERE certificate = $3",
               {next_at, run, certificate});
    db_->query("INSERT INTO reverifications (run, certificate) VALUES ($1, $2)",
               {run, certificate});
    tx.commit();
}

std::vector<reverification_record> store::unjudged_reverifications() {
    std::lock_guard lock(mutex_);
    std::vector<reverification_record> out;
    for (const auto& r : db_->query(
             "SELECT v.run, v.certificate, v.outcome, v.summary, v.judged FROM reverifications v "
             "JOIN runs r ON r.id = v.run WHERE v.outcome IS NULL AND r.state IN ('done', "
             "'interrupted') ORDER BY r.finished"))
        out.push_back(reverification_of_row(r));
    return out;
}

void store::judge_reverification(const std::string& run, const std::string& outcome,
                                 const std::string& summary) {
    std::lock_guard lock(mutex_);
    db_->query("UPDATE reverifications SET outcome = $1, summary = $2, judged = $3 WHERE run = $4",
               {outcome, summary, now_ms(), run});
}

std::vector<reverification_record> store::reverifications(const std::string& certificate,
                                                          std::size_t last) {
    std::lock_guard lock(mutex_);
    std::vector<reverification_record> out;
    for (const auto& r : db_->query(
             "SELECT v.run, v.certificate, v.outcome, v.summary, v.judged FROM reverifications v "
             "JOIN runs r ON r.id = v.run WHERE v.certificate = $1 ORDER BY r.submitted DESC "
             "LIMIT $2",
             {certificate, count(last)}))
        out.push_back(reverification_of_row(r));
    return out;
}

std::optional<reverification_record> store::reverification_of(const std::string& run) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT run, certificate, outcome, summary, judged FROM "
                           "reverifications WHERE run = $1",
                           {run});
    if (rows.empty()) return std::nullopt;
    return reverification_of_row(rows.front());
}

void store::add_feed_event(const feed_event& e) {
    std::lock_guard lock(mutex_);
    db_->query(std::string("INSERT INTO feed (") + feed_columns +
                   ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
               {e.id, e.at, e.system, e.profile, e.certificate, e.kind, e.title, e.detail});
}

std::vector<feed_event> store::feed(const std::string& system, const std::string& profile,
                                    std::size_t last) {
    std::lock_guard lock(mutex_);
    std::vector<feed_event> out;
    for (const auto& r : db_->query(std::string("SELECT ") + feed_columns +
                                        " FROM feed WHERE ($1 = '' OR system = $1) AND ($2 = '' "
                                        "OR profile = $2) ORDER BY at DESC, id LIMIT $3",
                                    {system, profile, count(last)}))
        out.push_back(feed_of(r));
    return out;
}

std::optional<feed_event> store::find_feed_event(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto rows =
        db_->query(std::string("SELECT ") + feed_columns + " FROM feed WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return feed_of(rows.front());
}

subscription_record store::add_subscription(const subscription_record& s,
                                            const std::string& sealed_secret) {
    std::lock_guard lock(mutex_);
    subscription_record out = s;
    out.id = random_hex(8);
    out.created = now_ms();
    db_->query("INSERT INTO subscriptions (id, organisation, system, profile, url, secret, "
               "created) VALUES ($1, $2, $3, $4, $5, $6, $7)",
               {out.id, out.organisation, out.system, out.profile, out.url, blob{sealed_secret},
                out.created});
    return out;
}

std::vector<subscription_record> store::subscriptions(const std::string& organisation) {
    std::lock_guard lock(mutex_);
    std::vector<subscription_record> out;
    for (const auto& r : db_->query("SELECT id, organisation, system, profile, url, created FROM "
                                    "subscriptions WHERE ($1 = '' OR organisation = $1) ORDER BY "
                                    "created, id",
                                    {organisation}))
        out.push_back(subscription_of(r));
    return out;
}

std::optional<subscription_record> store::find_subscription(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT id, organisation, system, profile, url, created FROM "
                           "subscriptions WHERE id = $1",
                           {id});
    if (rows.empty()) return std::nullopt;
    return subscription_of(rows.front());
}

std::optional<std::string> store::subscription_secret(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT secret FROM subscriptions WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return rows.front().text(0);
}

void store::remove_subscription(const std::string& id) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    db_->query("DELETE FROM deliveries WHERE subscription = $1", {id});
    db_->query("DELETE FROM subscriptions WHERE id = $1", {id});
    tx.commit();
}

int store::queue_deliveries(const feed_event& e) {
    std::lock_guard lock(mutex_);
    int n = 0;
    for (const auto& r : db_->query("SELECT id FROM subscriptions WHERE (system = '' OR system = "
                                    "$1) AND (profile = '' OR profile = $2)",
                                    {e.system, e.profile})) {
        db_->query("INSERT INTO deliveries (subscription, event, state, attempts, next_at, "
                   "updated) VALUES ($1, $2, 'pending', 0, $3, $3)",
                   {r.text(0), e.id, e.at});
        ++n;
    }
    return n;
}

std::vector<delivery_record> store::due_deliveries(std::int64_t now, std::size_t limit) {
    std::lock_guard lock(mutex_);
    std::vector<delivery_record> out;
    for (const auto& r : db_->query("SELECT subscription, event, state, attempts, next_at, "
                                    "updated FROM deliveries WHERE state = 'pending' AND next_at "
                                    "<= $1 ORDER BY next_at LIMIT $2",
                                    {now, count(limit)}))
        out.push_back(delivery_of(r));
    return out;
}

void store::record_attempt(const delivery_attempt& a, const std::string& state,
                           std::int64_t next_at) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    db_->query("INSERT INTO delivery_attempts (subscription, event, attempt, at, status, detail) "
               "VALUES ($1, $2, $3, $4, $5, $6)",
               {a.subscription, a.event, a.attempt, a.at,
                a.status ? value{*a.status} : value{nullptr}, a.detail});
    db_->query("UPDATE deliveries SET state = $1, attempts = $2, next_at = $3, updated = $4 "
               "WHERE subscription = $5 AND event = $6",
               {state, a.attempt, next_at, a.at, a.subscription, a.event});
    tx.commit();
}

std::vector<delivery_record> store::deliveries(const std::string& subscription, std::size_t last) {
    std::lock_guard lock(mutex_);
    std::vector<delivery_record> out;
    for (const auto& r : db_->query("SELECT subscription, event, state, attempts, next_at, "
                                    "updated FROM deliveries WHERE subscription = $1 ORDER BY "
                                    "updated DESC LIMIT $2",
                                    {subscription, count(last)}))
        out.push_back(delivery_of(r));
    return out;
}

std::vector<delivery_attempt> store::delivery_attempts(const std::string& subscription,
                                                       std::size_t last) {
    std::lock_guard lock(mutex_);
    std::vector<delivery_attempt> out;
    for (const auto& r : db_->query("SELECT subscription, event, attempt, at, status, detail FROM "
                                    "delivery_attempts WHERE subscription = $1 ORDER BY at DESC "
                                    "LIMIT $2",
                                    {subscription, count(last)})) {
        delivery_attempt a;
        a.subscription = r.text(0);
        a.event = r.text(1);
        a.attempt = r.integer(2);
        a.at = r.integer(3);
        if (r.maybe(4)) a.status = r.integer(4);
        a.detail = r.text(5);
        out.push_back(a);
    }
    return out;
}

} // namespace konform::service
