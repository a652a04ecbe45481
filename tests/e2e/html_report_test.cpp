// report.html as a person sees it: rendered by headless Chromium (Debian's chromium).
#include "e2e_support.hpp"
#include "server/http_server.hpp"
#include "system.hpp"

#include <doctest/doctest.h>

using namespace konform;

namespace {

std::string dump_dom(const std::string& url) {
    test::temp_dir profile_dir;
    std::string dom;
    int rc = test::shell(
        "timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
        "--disable-background-networking --disable-component-update --disable-sync "
        "--user-data-dir='" +
            profile_dir.path.string() + "' --dump-dom '" + url + "' 2>/dev/null",
        &dom);
    REQUIRE_MESSAGE(rc == 0, "chromium failed (scripts/setup installs Debian's chromium)");
    return dom;
}

std::size_t count(const std::string& s, const std::string& what) {
    std::size_t n = 0;
    for (auto p = s.find(what); p != std::string::npos; p = s.find(what, p + 1))
        ++n;
    return n;
}

} // namespace

TEST_CASE("html: Chromium shows the verdict, the requirement table and the failure, filters work") {
    const auto* sys = reference::find_system("example");
    reference::http_server server(0, sys->make("unknown-id-200"));
    server.start();
    test::temp_dir tmp;
    const std::string keys = KONFORM_SOURCE_DIR "/reports/demo-key";
    std::string out;
    REQUIRE(test::shell("GREETINGS_TOKEN=example-token " KONFORM_BINARY
                        " run --profile " KONFORM_SOURCE_DIR
                        "/profiles/example --target " KONFORM_SOURCE_DIR
                        "/profiles/example/target.example.json"
                        " --base-url " +
                            server.base_url() + " --out '" + tmp.path.string() +
                            "' --force --quiet --sign-key " + keys + "/private.pem",
                        &out) == 1);
    const std::string html = test::read_text(tmp.path / "report.html");
    CHECK(html.find("<link") == std::string::npos); // self-contained
    CHECK(html.find("src=\"http") == std::string::npos);
    CHECK(html.find("example-token") == std::string::npos);

    std::string dom = dump_dom("file://" + (tmp.path / "report.html").string());
    CHECK(dom.find("id=\"verdict\">not-conformant<") != std::string::npos);
    CHECK(count(dom, "<tr data-verdict=") == 3 + 11 + 8); // classes, requirements, test cases
    CHECK(dom.find("EX-READ-404") != std::string::npos);
    CHECK(dom.find("expected: <code>status equals 404</code>") != std::string::npos);
    CHECK(dom.find("curl -sS -i") != std::string::npos);
    CHECK(dom.find("Signed by key") != std::string::npos);
    CHECK(count(dom, "class=\"hidden\"") == 0);

    // report.html#fail shows only what failed: every passing row is hidden by the script.
    dom = dump_dom("file://" + (tmp.path / "report.html").string() + "#fail");
    CHECK(count(dom, "data-verdict=\"pass\" class=\"hidden\"") ==
          2 + 10 + 7); // classes write and xml, 10 requirements, 7 test cases
    CHECK(count(dom, "data-verdict=\"fail\" class=\"hidden\"") == 0);
}
