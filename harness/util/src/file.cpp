#include "konform/util/file.hpp"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <unistd.h>

namespace konform::util {

std::string read_file(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) throw std::runtime_error(file.string() + ": cannot be read");
    std::ostringstream ss;
    ss << in.rdbuf();
    if (in.bad()) throw std::runtime_error(file.string() + ": read failed");
    return std::move(ss).str();
}

void write_file_atomically(const std::filesystem::path& file, std::string_view content) {
    atomic_file_writer w(file);
    w.write(content);
    w.commit();
}

atomic_file_writer::atomic_file_writer(std::filesystem::path file) : file_(std::move(file)) {
    std::random_device rd;
    for (int attempt = 0; attempt < 16 && fd_ < 0; ++attempt) {
        char suffix[24];
        std::snprintf(suffix, sizeof suffix, ".tmp-%08x%08x", rd(), rd());
        tmp_ = file_.string() + suffix;
        fd_ = ::open(tmp_.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
        if (fd_ < 0 && errno != EEXIST) break;
    }
    if (fd_ < 0) fail("cannot create temporary file");
    buffer_.reserve(1 << 16);
}

atomic_file_writer::~atomic_file_writer() {
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(tmp_.c_str());
    }
}

void atomic_file_writer::fail(const char* what) {
    const int err = errno;
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(tmp_.c_str());
        fd_ = -1;
    }
    throw std::runtime_error(file_.string() + ": " + what + ": " + std::strerror(err));
}

void atomic_file_writer::write(std::string_view bytes) {
    if (buffer_.size() + bytes.size() > (1 << 16)) flush();
    if (bytes.size() >= (1 << 16)) {
        buffer_ = bytes; // large pieces go straight out
        flush();
    } else
        buffer_.append(bytes);
}

void atomic_file_writer::flush() {
    std::size_t done = 0;
    while (done < buffer_.size()) {
        ssize_t n = ::write(fd_, buffer_.data() + done, buffer_.size() - done);
        if (n < 0) {
            if (errno == EINTR) continue;
            fail("write failed");
        }
        done += static_cast<std::size_t>(n);
    }
    written_ += buffer_.size();
    buffer_.clear();
}

void atomic_file_writer::commit() {
    flush();
    if (::fsync(fd_) != 0) fail("flush failed");
    if (::close(fd_) != 0) {
        fd_ = -1;
        fail("close failed");
    }
    fd_ = -1;
    if (::rename(tmp_.c_str(), file_.c_str()) != 0) {
        ::unlink(tmp_.c_str());
        throw std::runtime_error(file_.string() + ": rename failed: " + std::strerror(errno));
    }
}

} // namespace konform::util
