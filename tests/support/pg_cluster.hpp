#pragma once

#include "e2e_support.hpp"

#include <string>

namespace konform::test {

// A throwaway PostgreSQL 15 cluster on a free loopback port, made with initdb in a temporary
// folder (as the postgres user when the tests run as root) and stopped with the object.
// available() is false, with why(), on a machine without PostgreSQL's server binaries.
class pg_cluster {
public:
    pg_cluster();
    ~pg_cluster();
    bool available() const { return url_.size() > 0; }
    const std::string& why() const { return why_; }
    // postgresql://konform@127.0.0.1:PORT/DB, DB made on first use
    std::string url(const std::string& db = "konform");

private:
    temp_dir dir_;
    std::string bin_, as_user_, url_, why_;
    int port_ = 0;
};

// One cluster for the whole test run, started on first use.
pg_cluster& shared_pg();

} // namespace konform::test
