#pragma once

#include <boost/system/result.hpp>
#include <string>
#include <string_view>

namespace konform::check {

// The one reading of an XML answer that every XML check uses (XPath, SOAP, XSD): its
// bytes decoded once, by the rules of RFC 7303 §3 and XML 1.0 §4.3.3 and Appendix F, into
// UTF-8 text whose declaration (if any) says UTF-8. The encoding is a byte order mark's,
// else the HTTP charset's, else the XML declaration's, else UTF-8. Refused, with the
// reason:
// - an answer whose two declarations (HTTP charset, XML declaration) read its bytes into
//   different text;
// - bytes that are UTF-8 (with characters beyond ASCII) under a declaration of a
//   one-byte encoding such as windows-1252: every client reads them as "SÃ¸ren";
// - bytes that are not text in the encoding that applies, or an encoding konform cannot
//   read.
struct unreadable_xml {
    std::string why;
};
boost::system::result<std::string, unreadable_xml> read_xml_text(std::string_view body,
                                                                 std::string_view content_type);

// The charset parameter of a Content-Type, lower case, or "".
std::string charset_of(std::string_view content_type);

} // namespace konform::check
