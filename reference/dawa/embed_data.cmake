# Writes a C++ source holding the certification data set of profiles/dawa-adresser (its CSV
# files), so the reference system serves exactly the rows the profile expects.
# Invoked as: cmake -DDIR=datasets -DOUT=file.cpp -P embed_data.cmake
set(body "// Generated from ${DIR} by reference/dawa/embed_data.cmake. Do not edit.\n")
string(APPEND body "#include <string_view>\n\nnamespace konform::reference::dawa {\n\n")
foreach(name adresser adgangsadresser postnumre)
  file(READ "${DIR}/${name}.csv" text)
  string(APPEND body "std::string_view ${name}_csv() {\n    return R\"konform_csv(${text})konform_csv\";\n}\n\n")
endforeach()
string(APPEND body "} // namespace konform::reference::dawa\n")
file(WRITE "${OUT}.new" "${body}")
file(COPY_FILE "${OUT}.new" "${OUT}" ONLY_IF_DIFFERENT)
