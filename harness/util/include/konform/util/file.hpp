#pragma once

#include <filesystem>
#include <string>
#include <string_view>

namespace konform::util {

// Reads a whole file; throws std::runtime_error naming the file if it cannot.
std::string read_file(const std::filesystem::path& file);

// Writes a file through a temporary file in the same folder and a rename, so a crash
// never leaves half a file behind. Throws std::runtime_error naming the file on failure.
void write_file_atomically(const std::filesystem::path& file, std::string_view content);

// Writes a file as a stream, with the same guarantee: the bytes go to a fresh temporary
// file beside it (created exclusively, never through a planted link) and commit() puts it
// in place. Without commit() the temporary file is removed. Buffered.
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
    int fd_ = -1;
    std::string buffer_;
    std::uint64_t written_ = 0;
};

} // namespace konform::util
