#pragma once

#include <filesystem>

namespace konform::http {

// Whether a client certificate file is PKCS#12 (.p12, .pfx, as organisation certificates
// such as OCES3 are issued) rather than PEM: by its name, or by holding no PEM block.
bool is_pkcs12(const std::filesystem::path& file);

} // namespace konform::http
