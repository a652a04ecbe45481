#include "konform/util/file.hpp"

#include "konform/util/sha256.hpp"

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <fstream>
#include <random>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>

namespace konform::util {

namespace {

// Opens a regular file for reading; O_NONBLOCK so that opening a FIFO never waits for a
// writer. Returns the descriptor and the file's size.
std::pair<int, std::uint64_t> open_regular(const std::filesystem::path& file) {
    const int fd = ::open(file.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        throw std::runtime_error(file.string() + ": cannot be read (" + std::strerror(errno) + ")");
    struct stat st {};
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        ::close(fd);
        throw std::runtime_error(file.string() + ": not a regular file");
    }
    return {fd, static_cast<std::uint64_t>(st.st_size)};
}

// Calls `use` with each piece of the file until it returns false; throws on a read error.
template <class Use> void read_pieces(int fd, const std::filesystem::path& file, Use use) {
    std::string buf(1 << 16, '\0');
    for (;;) {
        const ssize_t n = ::read(fd, buf.data(), buf.size());
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) {
            ::close(fd);
            throw std::runtime_error(file.string() + ": read failed");
        }
        if (n == 0 || !use(std::string_view(buf.data(), static_cast<std::size_t>(n)))) break;
    }
    ::close(fd);
}

} // namespace

std::string read_file(const std::filesystem::path& file, std::uint64_t max_bytes) {
    auto [fd, size] = open_regular(file);
    if (size > max_bytes) {
        ::close(fd);
        throw std::runtime_error(file.string() + ": larger than the limit of " +
                                 std::to_string(max_bytes) + " bytes");
    }
    std::string out;
    out.reserve(static_cast<std::size_t>(size));
    bool too_large = false;
    read_pieces(fd, file, [&](std::string_view piece) {
        too_large = out.size() + piece.size() > max_bytes; // it grew meanwhile
        if (!too_large) out.append(piece);
        return !too_large;
    });
    if (too_large)
        throw std::runtime_error(file.string() + ": larger than the limit of " +
                                 std::to_string(max_bytes) + " bytes");
    return out;
}

std::string sha256_file(const std::filesystem::path& file) {
    auto [fd, size] = open_regular(file);
    (void)size;
    sha256_stream digest;
    read_pieces(fd, file, [&](std::string_view piece) {
        digest.update(piece);
        return true;
    });
    return digest.hex();
}

void write_file_atomically(const std::filesystem::path& file, std::string_view content) {
    atomic_file_writer w(file);
    w.write(content);
    w.commit();
}

namespace {

// The temporary files of writers not yet committed, for remove_temporary_files(): fixed
// slots of C strings, so a signal handler reads them without locks or allocation.
constexpr int max_temporary = 64;
std::atomic<char*> temporary[max_temporary];

int register_temporary(const std::string& path) {
    char* copy = ::strdup(path.c_str());
    if (!copy) return -1;
    for (int i = 0; i < max_temporary; ++i) {
        char* expected = nullptr;
        if (temporary[i].compare_exchange_strong(expected, copy)) return i;
    }
    std::free(copy);
    return -1;
}

void forget_temporary(int& slot) {
    if (slot < 0) return;
    std::free(temporary[slot].exchange(nullptr));
    slot = -1;
}

} // namespace

void remove_temporary_files() noexcept {
    for (auto& t : temporary)
        if (const char* path = t.load()) ::unlink(path);
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
    slot_ = register_temporary(tmp_);
    buffer_.reserve(1 << 16);
}

atomic_file_writer::~atomic_file_writer() {
    forget_temporary(slot_);
    if (fd_ >= 0) {
        ::close(fd_);
        ::unlink(tmp_.c_str());
    }
}

void atomic_file_writer::fail(const char* what) {
    const int err = errno;
    forget_temporary(slot_);
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

namespace {

void copy_into_special(const std::filesystem::path& from, const std::filesystem::path& to) {
    const std::string content = [&] {
        std::string out;
        const int in = ::open(from.c_str(), O_RDONLY | O_CLOEXEC);
        char buf[65536];
        for (ssize_t n; in >= 0 && (n = ::read(in, buf, sizeof buf)) > 0;)
            out.append(buf, static_cast<std::size_t>(n));
        if (in >= 0) ::close(in);
        return out;
    }();
    ::unlink(from.c_str());
    const int fd = ::open(to.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) throw std::runtime_error(to.string() + ": cannot open: " + std::strerror(errno));
    for (std::size_t at = 0; at < content.size();) {
        const ssize_t n = ::write(fd, content.data() + at, content.size() - at);
        if (n <= 0) {
            ::close(fd);
            throw std::runtime_error(to.string() + ": write failed: " + std::strerror(errno));
        }
        at += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

} // namespace

void atomic_file_writer::commit() {
    flush();
    if (::fsync(fd_) != 0) fail("flush failed");
    if (::close(fd_) != 0) {
        fd_ = -1;
        fail("close failed");
    }
    fd_ = -1;
    forget_temporary(slot_);
    // A device or pipe (-o /dev/null, /dev/stdout) is written into, never replaced: a rename
    // over it would put a regular file where the device was.
    struct stat st {};
    if (::stat(file_.c_str(), &st) == 0 && !S_ISREG(st.st_mode) && !S_ISDIR(st.st_mode)) {
        copy_into_special(tmp_, file_);
        return;
    }
    if (::rename(tmp_.c_str(), file_.c_str()) != 0) {
        ::unlink(tmp_.c_str());
        throw std::runtime_error(file_.string() + ": rename failed: " + std::strerror(errno));
    }
}

} // namespace konform::util
