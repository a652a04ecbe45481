#pragma once

#include <memory>
#include <string>
#include <string_view>

namespace konform::util {

// Lower-case hex SHA-256 of bytes.
std::string sha256_hex(std::string_view bytes);

// SHA-256 of bytes given piece by piece (a file as it is written).
class sha256_stream {
public:
    sha256_stream();
    ~sha256_stream();
    void update(std::string_view bytes);
    std::string hex(); // finishes the digest

private:
    struct impl;
    std::unique_ptr<impl> impl_;
};

} // namespace konform::util
