// libnanowasm.so has no code of its own: cmake/NanowasmInstall.cmake links every nw_* library
// into it whole. CMake needs at least one source file for a library target; this is it.
