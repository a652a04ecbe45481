# Writes a C++ source holding konform's format schemas, so the binary needs no data files.
# Invoked as: cmake -DOUT=file.cpp -DSCHEMAS="a;b;c" -P embed_schemas.cmake
set(body "// Generated from schemas/*.schema.json by harness/embed_schemas.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace konform::model::detail {\n\n")
string(APPEND body "std::string_view embedded_format_schema(std::string_view name) {\n")
foreach(path IN LISTS SCHEMAS)
  get_filename_component(file "${path}" NAME)
  string(REGEX REPLACE "\\.schema\\.json$" "" name "${file}")
  file(READ "${path}" text)
  string(APPEND body "    if (name == \"${name}\")\n        return R\"konform_schema(${text})konform_schema\";\n")
endforeach()
string(APPEND body "    return {};\n}\n\n} // namespace konform::model::detail\n")
file(WRITE "${OUT}.new" "${body}")
file(COPY_FILE "${OUT}.new" "${OUT}" ONLY_IF_DIFFERENT)
