# Writes a C++ source holding the certification data set of profiles/datafordeler-dar (its
# JSON files), so the reference system serves exactly the rows the profile expects.
# Invoked as: cmake -DDIR=datasets -DOUT=file.cpp -P embed_data.cmake
set(body "// Generated from ${DIR} by reference/dar/embed_data.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace konform::reference::dar {\n\n")
foreach(name adresser husnumre navngivneveje postnumre)
  file(READ "${DIR}/${name}.json" text)
  string(APPEND body "std::string_view ${name}_json() {\n    return R\"konform_json(${text})konform_json\";\n}\n\n")
endforeach()
string(APPEND body "} // namespace konform::reference::dar\n")
file(WRITE "${OUT}.new" "${body}")
file(COPY_FILE "${OUT}.new" "${OUT}" ONLY_IF_DIFFERENT)
