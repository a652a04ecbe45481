#include "konform/util/sha256.hpp"

#include <array>
#include <openssl/evp.h>
#include <stdexcept>

namespace konform::util {

namespace {

std::string to_hex(const unsigned char* md, unsigned int len) {
    static constexpr char hex[] = "0123456789abcdef";
    std::string out;
    out.reserve(len * 2);
    for (unsigned int i = 0; i < len; ++i) {
        out.push_back(hex[md[i] >> 4]);
        out.push_back(hex[md[i] & 0xF]);
    }
    return out;
}

} // namespace

std::string sha256_hex(std::string_view bytes) {
    sha256_stream s;
    s.update(bytes);
    return s.hex();
}

struct sha256_stream::impl {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), EVP_MD_CTX_free};
};

sha256_stream::sha256_stream() : impl_(std::make_unique<impl>()) {
    if (!impl_->ctx || EVP_DigestInit_ex(impl_->ctx.get(), EVP_sha256(), nullptr) != 1)
        throw std::runtime_error("SHA-256 computation failed");
}

sha256_stream::~sha256_stream() = default;

void sha256_stream::update(std::string_view bytes) {
    if (EVP_DigestUpdate(impl_->ctx.get(), bytes.data(), bytes.size()) != 1)
        throw std::runtime_error("SHA-256 computation failed");
}

std::string sha256_stream::hex() {
    std::array<unsigned char, EVP_MAX_MD_SIZE> md{};
    unsigned int len = 0;
    if (EVP_DigestFinal_ex(impl_->ctx.get(), md.data(), &len) != 1)
        throw std::runtime_error("SHA-256 computation failed");
    return to_hex(md.data(), len);
}

} // namespace konform::util
