// The translation unit of the precompiled-header donor targets (cmake/StableDyn.cmake,
// sd_use_precompiled_headers): the headers are the point; an executable donor needs a main.
#ifdef QT_TESTLIB_LIB
int main() { return 0; }
#endif
