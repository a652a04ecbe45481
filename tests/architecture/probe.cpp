// Compiled by the architecture tests against one layer's library only, with PROBE_HEADER a
// header of a layer it must not see: the include must fail (see tests/CMakeLists.txt).
#include PROBE_HEADER

int main() {
    return 0;
}
