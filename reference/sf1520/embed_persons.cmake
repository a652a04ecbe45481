# Writes a C++ source holding the certification data set of profiles/sf1520-cpr-personlookup,
# so the reference system serves exactly the persons the profile expects (one file, read by
# both). Invoked as: cmake -DIN=persons.json -DOUT=file.cpp -P embed_persons.cmake
file(READ "${IN}" text)
set(body "// Generated from ${IN} by reference/sf1520/embed_persons.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace konform::reference::sf1520 {\n\n")
string(APPEND body "std::string_view persons_json() {\n    return R\"konform_persons(${text})konform_persons\";\n}\n\n")
string(APPEND body "} // namespace konform::reference::sf1520\n")
file(WRITE "${OUT}.new" "${body}")
file(COPY_FILE "${OUT}.new" "${OUT}" ONLY_IF_DIFFERENT)
