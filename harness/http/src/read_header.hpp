#pragma once

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/buffers_prefix.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/read_size.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <cstdint>

namespace konform::http::detail {

struct header_read {
    boost::system::error_code ec;
    std::uint64_t bytes = 0; // bytes of the status line and header the parser took
};

// Reads a response's status line and header into `parser`, handing the parser at most
// `limit` bytes in all. Beast's own header limit applies to the unparsed tail of each read
// only, so a header of many small fields (each consumed as soon as it is complete) would
// pass it whatever its size.
template <class Stream, class Parser>
boost::asio::awaitable<header_read> async_read_header_bounded(Stream& stream,
                                                              boost::beast::flat_buffer& buffer,
                                                              Parser& parser, std::uint64_t limit) {
    namespace bhttp = boost::beast::http;
    constexpr auto use_ec = boost::asio::as_tuple(boost::asio::use_awaitable);
    header_read r;
    parser.header_limit(static_cast<std::uint32_t>(std::min<std::uint64_t>(limit, UINT32_MAX)));
    for (;;) {
        if (buffer.size() > 0) {
            const std::uint64_t left = limit - r.bytes;
            const std::size_t give =
                static_cast<std::size_t>(std::min<std::uint64_t>(buffer.size(), left));
            boost::system::error_code ec;
            const std::size_t used =
                parser.put(boost::beast::buffers_prefix(give, buffer.data()), ec);
            r.bytes += used;
            buffer.consume(used);
            if (!ec && parser.is_header_done()) co_return r;
            if (ec && ec != bhttp::error::need_more) {
                r.ec = ec;
                co_return r;
            }
            if (give == left) { // the limit is used up and the header is not complete
                r.ec = bhttp::error::header_limit;
                co_return r;
            }
        }
        const std::size_t room = boost::beast::read_size(buffer, 65536);
        if (room == 0) {
            r.ec = bhttp::error::header_limit;
            co_return r;
        }
        auto [ec, n] = co_await stream.async_read_some(buffer.prepare(room), use_ec);
        buffer.commit(n);
        if (ec == boost::asio::error::eof || ec == boost::asio::ssl::error::stream_truncated) {
            r.ec = parser.got_some() || buffer.size() > 0 ? bhttp::error::partial_message
                                                          : bhttp::error::end_of_stream;
            co_return r;
        }
        if (ec) {
            r.ec = ec;
            co_return r;
        }
    }
}

} // namespace konform::http::detail
