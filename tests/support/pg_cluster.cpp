#include "pg_cluster.hpp"

#include <filesystem>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

namespace konform::test {

namespace {

int free_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    ::close(fd);
    return ntohs(a.sin_port);
}

} // namespace

pg_cluster::pg_cluster() {
    namespace fs = std::filesystem;
    for (const char* v : {"15", "16", "17", "14"}) {
        const std::string b = std::string("/usr/lib/postgresql/") + v + "/bin";
        if (fs::exists(b + "/initdb")) {
            bin_ = b;
            break;
        }
    }
    if (bin_.empty()) {
        why_ = "no PostgreSQL server binaries (Debian's postgresql-15)";
        return;
    }
    if (::geteuid() == 0) { // initdb refuses root: the cluster belongs to postgres
        as_user_ = "runuser -u postgres -- ";
        shell("chown postgres '" + dir_.path.string() + "'");
    }
    port_ = free_port();
    const std::string data = (dir_.path / "data").string();
    std::string out;
    if (shell(as_user_ + bin_ + "/initdb -D '" + data +
                  "' -U konform -A trust -E UTF8 --no-locale >/dev/null 2>&1",
              &out) != 0) {
        why_ = "initdb failed";
        return;
    }
    if (shell(as_user_ + bin_ + "/pg_ctl -D '" + data + "' -w -l '" + data + "/log' -o \"-p " +
              std::to_string(port_) + " -c listen_addresses=127.0.0.1 -k '" + dir_.path.string() +
              "' -c fsync=off\" start >/dev/null 2>&1") != 0) {
        why_ = "the cluster did not start";
        return;
    }
    url_ = "postgresql://konform@127.0.0.1:" + std::to_string(port_) + "/";
}

pg_cluster::~pg_cluster() {
    if (!url_.empty())
        shell(as_user_ + bin_ + "/pg_ctl -D '" + (dir_.path / "data").string() +
              "' -m immediate stop >/dev/null 2>&1");
}

std::string pg_cluster::url(const std::string& db) {
    shell("psql -q 'postgresql://konform@127.0.0.1:" + std::to_string(port_) +
          "/postgres' -c 'CREATE DATABASE \"" + db + "\"' >/dev/null 2>&1");
    return url_ + db;
}

pg_cluster& shared_pg() {
    static pg_cluster cluster;
    return cluster;
}

} // namespace konform::test
