#include "log_files.hpp"

#include "konform/http/client.hpp"

#include <boost/asio/io_context.hpp>
#include <stdexcept>

namespace konform::cli {

tlog::fetch_file log_files(const std::string& dir_or_url) {
    if (dir_or_url.rfind("http://", 0) != 0 && dir_or_url.rfind("https://", 0) != 0)
        return tlog::folder_files(dir_or_url);
    std::string base = dir_or_url;
    while (!base.empty() && base.back() == '/')
        base.pop_back();
    // One client for every file, so that its connection is kept alive.
    struct connection {
        boost::asio::io_context ioc;
        http::client c{ioc, [] {
                           http::client_options opt;
                           // An entry bundle: 256 entries of up to 64 KiB each.
                           opt.lim.max_body_bytes = 17 * 1024 * 1024;
                           return opt;
                       }()};
    };
    auto conn = std::make_shared<connection>();
    return [base, conn](const std::string& path) -> std::optional<std::string> {
        http::request req;
        req.url = base + "/" + path;
        auto x = conn->c.perform(std::move(req));
        if (!x.ok()) throw std::runtime_error(base + "/" + path + ": " + x.explanation);
        if (x.resp->status == 404) return std::nullopt;
        if (x.resp->status != 200)
            throw std::runtime_error(base + "/" + path + ": HTTP " +
                                     std::to_string(x.resp->status));
        return std::move(x.resp->body);
    };
}

} // namespace konform::cli
