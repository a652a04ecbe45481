#pragma once

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>

namespace konform::util {

// The largest file konform reads whole (a profile's files, a target, a key, a report).
inline constexpr std::uint64_t max_input_bytes = 256ull * 1024 * 1024;

// Reads a whole regular file of at most max_bytes; throws std::runtime_error naming the
// file if it cannot, or if it is a device, a FIFO, a folder or larger than the limit (so
// /dev/urandom or a FIFO named as an input neither hangs konform nor fills its memory).
std::string read_file(const std::filesystem::path& file, std::uint64_t max_bytes = max_input_bytes);

// Lower-case hex SHA-256 of a regular file of any size, read piece by piece; throws
// std::runtime_error as read_file does.
std::string sha256_file(const std::filesystem::path& file);

// Writes a file through a temporary file in the same folder and a rename, so a crash
// never leaves half a file behind. Throws std::runtime_error naming the file on failure.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

// Writes a file as a stream, with the same guarantee: the bytes go to a fresh temporary
// file beside it (created exclusively, never through a planted link) and commit() puts it
// in place. Without commit() the temporary file is removed. Buffered.
// Removes the temporary files of every atomic_file_writer not yet committed. Safe to call
// from a signal handler (only unlink): a second interrupt that ends the process at once
// leaves no temporary file behind.
void remove_temporary_files() noexcept;

class atomic_file_writer {
public:
    explicit atomic_file_writer(std::filesystem::path file);
    ~atomic_file_writer();
    atomic_file_writer(const atomic_file_writer&) = delete;
    atomic_file_writer& operator=(const atomic_file_writer&) = delete;

    void write(std::string_view bytes);
    std::uint64_t size() const { return written_ + buffer_.size(); }
    void commit();

private:
    void flush();
    [[noreturn]] void fail(const char* what);

    std::filesystem::path file_;
    std::string tmp_;
    int slot_ = -1; // where remove_temporary_files() finds it
    int fd_ = -1;
    std::string buffer_;
    std::uint64_t written_ = 0;
};

} // namespace konform::util
