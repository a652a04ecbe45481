#include "mtls_pki.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <stdlib.h>

namespace konform::test {

mtls_pki::mtls_pki() {
    const std::string pass = passphrase;
    const std::string cmd =
        "cd '" + tmp.path.string() +
        "' && "
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj '/CN=konform test CA' -keyout ca.key -out ca.pem 2>/dev/null && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-subj '/CN=reference' -keyout server.key -out server.csr 2>/dev/null && "
        "printf 'subjectAltName=IP:127.0.0.1\\nbasicConstraints=CA:FALSE\\n' > server.cnf && "
        "openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile server.cnf -out server.pem 2>/dev/null && "
        "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
        "-subj '/O=Konform Kommune/CN=konform client' -keyout client.key -out client.csr "
        "2>/dev/null && "
        "printf 'basicConstraints=CA:FALSE\\nextendedKeyUsage=clientAuth\\n' > client.cnf && "
        "openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 "
        "-extfile client.cnf -out client.pem 2>/dev/null && "
        "openssl pkcs8 -topk8 -v2 aes-256-cbc -in client.key -out client-enc.key -passout pass:" +
        pass +
        " && openssl pkcs12 -export -in client.pem -inkey client.key -certfile ca.pem "
        "-out client.p12 -passout pass:" +
        pass +
        " && "
        // A certificate from a CA the server does not trust.
        "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 "
        "-subj '/CN=stranger' -keyout stranger.key -out stranger.pem 2>/dev/null";
    REQUIRE(shell(cmd) == 0);
}

const mtls_pki& shared_pki() {
    static const mtls_pki made;
    return made;
}

model::target shipped_mtls_target(const std::string& profile, const std::string& base_url) {
    namespace fs = std::filesystem;
    const fs::path dir = shared_pki().tmp.path;
    fs::create_directories(dir / "certificates");
    for (const char* f : {"ca.pem", "client.p12"})
        fs::copy_file(dir / f, dir / "certificates" / f, fs::copy_options::overwrite_existing);
    const fs::path copy = dir / ("target-" + profile + ".json");
    fs::copy_file(KONFORM_SOURCE_DIR "/profiles/" + profile + "/target.example.json", copy,
                  fs::copy_options::overwrite_existing);
    ::setenv("CPR_CERT_PASS", mtls_pki::passphrase, 1);
    model::target t = model::load_target(copy);
    t.base_url = base_url;
    return t;
}

} // namespace konform::test
