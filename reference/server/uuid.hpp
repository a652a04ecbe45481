#pragma once

#include <string>

namespace konform::reference {

// A fresh random (version 4) UUID in lower-case hex, for the reference systems' objects.
std::string fresh_uuid();

} // namespace konform::reference
