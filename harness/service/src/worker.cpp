#include "konform/service/worker.hpp"

#include "konform/model/profile.hpp"
#include "konform/model/target.hpp"
#include "konform/report/console_reporter.hpp"
#include "konform/report/outputs.hpp"
#include "konform/run/runner.hpp"
#include "konform/sign/keys.hpp"
#include "konform/util/file.hpp"
#include "konform/util/jcs.hpp"

#include <condition_variable>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

namespace konform::service {

namespace fs = std::filesystem;

std::string run_secrets::to_json() const {
    nlohmann::json j = {{"env", env}, {"files", nlohmann::json::object()}};
    for (const auto& [name, bytes] : files)
        j["files"][name] = sign::base64_encode(bytes);
    return j.dump();
}

run_secrets run_secrets::from_json(std::string_view text) {
    run_secrets out;
    try {
        const auto j = nlohmann::json::parse(text);
        out.env = j.at("env").get<std::map<std::string, std::string>>();
        for (const auto& [name, b64] : j.at("files").items())
            out.files[name] = sign::base64_decode(b64.get<std::string>());
    } catch (const std::exception& e) {
        throw std::invalid_argument(std::string("sealed run secrets: ") + e.what());
    }
    return out;
}

namespace {

// The run's progress in the database as each test case finishes: how many of how many,
// and each finished test case's id and verdict, for the run page's live view.
class progress_sink : public run::sink {
public:
    progress_sink(run::sink& inner, store& st, std::string run)
        : inner_(inner), st_(st), run_(std::move(run)) {}

    void exchange(const http::exchange& x, const std::string& tc) override {
        inner_.exchange(x, tc);
    }
    void step(std::size_t index, const run::step_result& s) override { inner_.step(index, s); }
    void testcase(std::size_t index, std::size_t total, const run::testcase_result& tc,
                  const run::run_result& so_far) override {
        inner_.testcase(index, total, tc, so_far);
        done_.push_back({{"id", tc.id}, {"verdict", std::string(run::to_string(tc.v))}});
        st_.set_progress(
            run_,
            nlohmann::json{{"done", done_.size()}, {"total", total}, {"testcases", done_}}.dump());
    }

private:
    run::sink& inner_;
    store& st_;
    std::string run_;
    nlohmann::json done_ = nlohmann::json::array();
};

// Renews the lease every third of its length until stopped; when the lease is lost (the run
// was given to another attempt) it sets `lost`, which stops the engine.
class lease_keeper {
public:
    lease_keeper(store& st, std::string run, std::string worker, std::chrono::milliseconds lease,
                 std::atomic<bool>& lost)
        : thread_([this, &st, run, worker, lease, &lost] {
              std::unique_lock lock(m_);
              while (!cv_.wait_for(lock, lease / 3, [this] { return done_; })) {
                  bool held = false;
                  try {
                      held = st.heartbeat(run, worker, lease);
                  } catch (const std::exception&) {
                      continue; // the database is away for a moment: try again
                  }
                  if (!held) {
                      lost = true;
                      return;
                  }
              }
          }) {}
    ~lease_keeper() {
        {
            std::lock_guard lock(m_);
            done_ = true;
        }
        cv_.notify_all();
        thread_.join();
    }

private:
    std::mutex m_;
    std::condition_variable cv_;
    bool done_ = false;
    std::thread thread_;
};

// The run's files, to store: every regular file of `dir` by its relative path.
std::map<std::string, std::string> files_of(const fs::path& dir) {
    std::map<std::string, std::string> out;
    for (const auto& e : fs::recursive_directory_iterator(dir))
        if (e.is_regular_file())
            out[fs::relative(e.path(), dir).generic_string()] = util::read_file(e.path());
    return out;
}

std::string verdict_of(const run::run_result& r) {
    return std::string(run::to_string(r.overall));
}

void write_private(const fs::path& file, const std::string& bytes) {
    {
        std::ofstream out(file, std::ios::binary | std::ios::trunc);
        out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
        if (!out) throw std::runtime_error("cannot write " + file.string());
    }
    ::chmod(file.c_str(), 0600);
}

} // namespace

std::string default_worker_name() {
    char hostname[256] = {};
    ::gethostname(hostname, sizeof hostname - 1);
    return std::string(hostname) + ":" + std::to_string(::getpid());
}

worker::worker(store& st, const sealed_box& box, worker_options opt)
    : st_(st), box_(box), opt_(std::move(opt)) {}

fs::path worker::profile_folder(const profile_record& p) {
    const fs::path dir = opt_.data_dir / "profiles" / p.digest;
    if (fs::exists(dir / ".complete")) return dir;
    const fs::path building = opt_.data_dir / "profiles" / (p.digest + "." + opt_.name);
    fs::remove_all(building);
    auto files = st_.profile_files(p.digest);
    if (files.empty())
        throw std::runtime_error("profile " + p.id + " " + p.version +
                                 " has no files in the database: publish it again");
    for (const auto& [path, content] : files) {
        const fs::path rel = fs::path(path).lexically_normal();
        if (rel.is_absolute() || rel.empty() || *rel.begin() == "..")
            throw std::runtime_error("profile file outside its folder: " + path);
        fs::create_directories((building / rel).parent_path());
        util::write_file_atomically(building / rel, content);
    }
    util::write_file_atomically(building / ".complete", p.digest);
    std::error_code ec;
    fs::rename(building, dir, ec); // another worker may have won: its folder is the same
    if (ec) fs::remove_all(building);
    return dir;
}

bool worker::run_one(const std::atomic<bool>& stop) {
    auto claimed = st_.claim_run(opt_.name, opt_.lease);
    if (!claimed) return false;
    const run_record r = *claimed;
    std::atomic<bool> lost{false}, halt{false};
    lease_keeper keeper(st_, r.id, opt_.name, opt_.lease, lost);
    const fs::path dir = opt_.data_dir / "runs" / (r.id + "-" + std::to_string(r.attempt));
    const fs::path work = dir / "work", out = dir / "out";
    fs::remove_all(dir);
    fs::create_directories(work);
    fs::create_directories(out);
    ::chmod(work.c_str(), 0700);
    std::string verdict;
    std::map<std::string, std::string> artefacts;
    try {
        const auto prof_rec = st_.find_profile(r.profile, r.profile_version);
        const auto sys = st_.find_system(r.system);
        if (!prof_rec || !sys) throw std::runtime_error("the run's profile or system is gone");
        model::diagnostics diag;
        model::profile prof = model::load_profile(profile_folder(*prof_rec), diag);
        model::throw_if_any(diag);
        if (prof.digest != prof_rec->digest)
            throw std::runtime_error("profile " + prof.id + " " + prof.version +
                                     " rebuilt from the database does not match its digest");
        const auto sealed = st_.sealed_secrets(r.id);
        const run_secrets secrets = run_secrets::from_json(box_.open(sealed.value_or("")));
        for (const auto& [name, bytes] : secrets.files)
            write_private(work / fs::path(name).filename(), bytes);
        util::write_file_atomically(work / "target.json", sys->target);
        auto supplied = std::make_shared<const model::secret_values>(secrets.env);
        model::target tgt = model::load_target(work / "target.json", diag, supplied);
        model::throw_if_any(diag);
        // A re-verification of a certified system runs against it in production: read-only
        // test cases only, at a capped rate, never a write.
        if (r.kind == "reverification") tgt.production = true;
        run::check_target(prof, tgt, diag);
        model::throw_if_any(diag);

        const auto options = nlohmann::json::parse(r.options);
        run::run_options opt;
        opt.jobs = opt_.jobs;
        opt.only = options.value("only", std::vector<std::string>{});
        opt.classes = options.value("classes", std::vector<std::string>{});
        run::apply_target_limits(opt, tgt);
        // Stops when the service stops or the lease is lost.
        std::thread watch([&] {
            while (!halt && !stop && !lost)
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            halt = true;
        });
        struct joiner {
            std::thread& t;
            std::atomic<bool>& h;
            ~joiner() {
                h = true;
                t.join();
            }
        } join_watch{watch, halt};
        opt.stop = &halt;

        std::ostringstream console_text;
        report::console_reporter console(console_text, report::console_mode::quiet);
        report::outputs outputs(out, console);
        progress_sink progress(outputs, st_, r.id);
        run::run_result result =
            run::run_profile(std::make_shared<const model::profile>(std::move(prof)),
                             std::make_shared<const model::target>(std::move(tgt)), opt, &progress);
        if (stop || lost) { // not this run's end: the service is stopping, or another owns it
            fs::remove_all(dir);
            if (!lost) st_.release_run(r.id, opt_.name, "stopped by its service");
            return true;
        }
        outputs.finish(result, std::nullopt);
        verdict = verdict_of(result);
        std::uint64_t total = 0;
        for (const auto& e : fs::recursive_directory_iterator(out))
            if (e.is_regular_file()) total += e.file_size();
        if (total > opt_.max_stored_bytes) {
            const auto evidence = fs::file_size(out / "evidence.har");
            fs::remove(out / "evidence.har");
            util::write_file_atomically(
                out / "problems.txt",
                "evidence.har (" + std::to_string(evidence) +
                    " bytes) is larger than this service stores (" +
                    std::to_string(opt_.max_stored_bytes) +
                    " bytes for a run's files): it was left out; report.json still holds its "
                    "digest\n");
        }
        artefacts = files_of(out);
    } catch (const model::load_error& e) {
        verdict = "error";
        std::string text;
        for (const auto& p : e.problems())
            text += p.to_string() + "\n";
        // Named as the vendor knows them, not by this worker's folders.
        const std::string folder = work.string() + "/";
        for (auto at = text.find(folder); at != std::string::npos; at = text.find(folder, at))
            text.erase(at, folder.size());
        artefacts["problems.txt"] = text;
    } catch (const std::exception& e) {
        verdict = "error";
        artefacts["problems.txt"] = std::string(e.what()) + "\n";
    }
    fs::remove_all(dir); // the run's secrets in files go with it
    st_.finish_run(r.id, opt_.name, verdict, artefacts);
    return true;
}

void worker::serve(const std::atomic<bool>& stop) {
    while (!stop) {
        bool worked = false;
        try {
            st_.recover_expired_leases();
            worked = run_one(stop);
        } catch (const std::exception&) {
            // The database went away for a moment: the lease rules keep every run safe.
        }
        if (!worked)
            for (auto waited = std::chrono::milliseconds(0); waited < opt_.poll && !stop;
                 waited += std::chrono::milliseconds(50))
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
}

} // namespace konform::service
