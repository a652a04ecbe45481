// Published profiles, registered systems and issued certificates.
#include "konform/service/sealed_box.hpp"
#include "konform/service/store.hpp"
#include "konform/util/sha256.hpp"

namespace konform::service {

namespace {

profile_record profile_of(const row& r) {
    return {r.text(0), r.text(1), r.text(2), r.text(3), r.text(4)};
}

system_record system_of(const row& r) {
    return {r.text(0), r.text(1), r.text(2), r.text(3), r.text(4), r.integer(5)};
}

const char* certificate_columns =
    "id, run, system, organisation, vendor, product, product_version, profile, profile_version, "
    "fingerprint, status, issued, valid_until, log_index, regressed, regression";

certificate_record certificate_of(const row& r) {
    certificate_record c;
    c.id = r.text(0);
    c.run = r.text(1);
    c.system = r.text(2);
    c.organisation = r.text(3);
    c.vendor = r.text(4);
    c.product = r.text(5);
    c.product_version = r.text(6);
    c.profile = r.text(7);
    c.profile_version = r.text(8);
    c.fingerprint = r.text(9);
    c.status = r.text(10);
    c.issued = r.integer(11);
    c.valid_until = r.integer(12);
    if (r.maybe(13)) c.log_index = r.integer(13);
    if (r.maybe(14)) c.regressed = r.integer(14);
    c.regression = r.maybe(15).value_or("");
    return c;
}

} // namespace

void store::publish_profile(const profile_record& p,
                            const std::vector<std::pair<std::string, std::string>>& files) {
    std::lock_guard lock(mutex_);
    transaction tx(*db_);
    for (const auto& [path, content] : files)
        if (db_->query("SELECT 1 FROM profile_files WHERE digest = $1 AND path = $2",
                       {p.digest, path})
                .empty())
            db_->query("INSERT INTO profile_files (digest, path, content) VALUES ($1, $2, $3)",
                       {p.digest, path, blob{content}});
    auto rows =
        db_->query("SELECT digest FROM profiles WHERE id = $1 AND version = $2", {p.id, p.version});
    if (!rows.empty()) {
        if (rows.front().text(0) != p.digest)
            throw database_error("profile " + p.id + " " + p.version +
                                 " is published with another digest: a published version is "
                                 "frozen, so publish the change as a new version");
        db_->query("UPDATE profiles SET folder = $3 WHERE id = $1 AND version = $2",
                   {p.id, p.version, p.folder});
    } else {
        db_->query("INSERT INTO profiles (id, version, digest, title, folder, published) VALUES "
                   "($1, $2, $3, $4, $5, $6)",
                   {p.id, p.version, p.digest, p.title, p.folder, now_ms()});
        db_->query("INSERT INTO audit (at, actor, action, subject, detail) VALUES ($1, $2, $3, "
                   "$4, $5)",
                   {now_ms(), std::string("service"), std::string("profile.publish"),
                    p.id + " " + p.version, p.digest});
    }
    tx.commit();
}

std::vector<std::pair<std::string, std::string>> store::profile_files(const std::string& digest) {
    std::lock_guard lock(mutex_);
    std::vector<std::pair<std::string, std::string>> out;
    for (const auto& r : db_->query(
             "SELECT path, content FROM profile_files WHERE digest = $1 ORDER BY path", {digest}))
        out.emplace_back(r.text(0), r.text(1));
    return out;
}

std::vector<profile_record> store::profiles() {
    std::lock_guard lock(mutex_);
    std::vector<profile_record> out;
    for (const auto& r : db_->query("SELECT id, version, digest, title, folder FROM profiles "
                                    "ORDER BY id, version"))
        out.push_back(profile_of(r));
    return out;
}

std::optional<profile_record> store::find_profile(const std::string& id,
                                                  const std::string& version) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT id, version, digest, title, folder FROM profiles WHERE id = $1 "
                           "AND version = $2",
                           {id, version});
    if (rows.empty()) return std::nullopt;
    return profile_of(rows.front());
}

system_record store::add_system(const std::string& organisation, const std::string& product,
                                const std::string& version, const std::string& target) {
    std::lock_guard lock(mutex_);
    system_record s{random_hex(8), organisation, product, version, target, now_ms()};
    db_->query("INSERT INTO systems (id, organisation, product, version, target, created) VALUES "
               "($1, $2, $3, $4, $5, $6)",
               {s.id, s.organisation, s.product, s.version, s.target, s.created});
    return s;
}

std::optional<system_record> store::find_system(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT id, organisation, product, version, target, created FROM "
                           "systems WHERE id = $1",
                           {id});
    if (rows.empty()) return std::nullopt;
    return system_of(rows.front());
}

std::vector<system_record> store::systems(const std::string& organisation) {
    std::lock_guard lock(mutex_);
    std::vector<system_record> out;
    for (const auto& r : db_->query("SELECT id, organisation, product, version, target, created "
                                    "FROM systems WHERE ($1 = '' OR organisation = $1) ORDER BY "
                                    "created DESC, id",
                                    {organisation}))
        out.push_back(system_of(r));
    return out;
}

certificate_record store::add_certificate(const certificate_record& c, const std::string& report) {
    std::lock_guard lock(mutex_);
    certificate_record out = c;
    out.id = random_hex(8);
    db_->query("INSERT INTO certificates (id, run, system, organisation, vendor, product, "
               "product_version, profile, profile_version, fingerprint, status, issued, "
               "valid_until, report, report_sha256) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, "
               "$10, $11, $12, $13, $14, $15)",
               {out.id, out.run, out.system, out.organisation, out.vendor, out.product,
                out.product_version, out.profile, out.profile_version, out.fingerprint, out.status,
                out.issued, out.valid_until, blob{report}, util::sha256_hex(report)});
    return out;
}

std::vector<certificate_record> store::certificates(const certificate_filter& f) {
    std::lock_guard lock(mutex_);
    std::vector<certificate_record> out;
    for (const auto& r :
         db_->query(std::string("SELECT ") + certificate_columns +
                        " FROM certificates WHERE ($1 = '' OR vendor = $1) AND ($2 = '' OR "
                        "product = $2) AND ($3 = '' OR profile = $3) ORDER BY issued DESC, id",
                    {f.vendor, f.product, f.profile}))
        out.push_back(certificate_of(r));
    return out;
}

std::optional<certificate_record> store::find_certificate(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query(
        std::string("SELECT ") + certificate_columns + " FROM certificates WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return certificate_of(rows.front());
}

std::optional<std::string> store::certificate_report(const std::string& id) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query("SELECT report FROM certificates WHERE id = $1", {id});
    if (rows.empty()) return std::nullopt;
    return rows.front().text(0);
}

std::optional<certificate_record> store::certificate_by_report(const std::string& sha256) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query(std::string("SELECT ") + certificate_columns +
                               " FROM certificates WHERE report_sha256 = $1",
                           {sha256});
    if (rows.empty()) return std::nullopt;
    return certificate_of(rows.front());
}

std::optional<certificate_record> store::certificate_of_run(const std::string& run) {
    std::lock_guard lock(mutex_);
    auto rows = db_->query(std::string("SELECT ") + certificate_columns +
                               " FROM certificates WHERE run = $1 ORDER BY issued DESC",
                           {run});
    if (rows.empty()) return std::nullopt;
    return certificate_of(rows.front());
}

} // namespace konform::service
