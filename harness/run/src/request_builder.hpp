#pragma once

#include "konform/http/message.hpp"
#include "konform/model/testcase.hpp"
#include "konform/run/template.hpp"

#include <string>

namespace konform::run::detail {

// Renders a step's request against the variables: URL (the base URL unless the path is
// absolute, unsafe characters percent-encoded, query parameters appended), headers, body
// with its default content type, SOAPAction. Throws when a template cannot be rendered.
http::request build_request(const model::request_spec& spec, const variables& vars,
                            const std::string& base_url);

// Whether the request builds alike every time from the same variables: none of its
// templates names a generator ({{$uuid}}, {{$now}}...), which gives a new value each time.
bool builds_alike(const model::request_spec& spec);

} // namespace konform::run::detail
