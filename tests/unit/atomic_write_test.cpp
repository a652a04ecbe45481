#include "konform/util/file.hpp"

#include <doctest/doctest.h>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

using namespace konform;

TEST_CASE("atomic write: a regular file is replaced whole; a device is written into, never "
          "replaced") {
    const auto dir =
        std::filesystem::temp_directory_path() / ("konform-atomic-" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    util::write_file_atomically(dir / "a.txt", "first");
    util::write_file_atomically(dir / "a.txt", "second");
    CHECK(util::read_file(dir / "a.txt") == "second");
    // -o /dev/null: the device stays a device (a rename over it, as root, once put a regular
    // file in its place)
    util::write_file_atomically("/dev/null", "discarded");
    struct stat st {};
    REQUIRE(::stat("/dev/null", &st) == 0);
    CHECK(S_ISCHR(st.st_mode));
    std::size_t left = 0;
    for (const auto& e : std::filesystem::directory_iterator("/dev"))
        left += e.path().filename().string().rfind("null.", 0) == 0 ? 1 : 0;
    CHECK(left == 0); // no temporary file left beside it
    std::filesystem::remove_all(dir);
}
