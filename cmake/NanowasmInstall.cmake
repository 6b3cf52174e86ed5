# The installable nanowasm package (cmake --install <build> [--prefix P]):
#   include/wasm.h, include/nanowasm.h            the C API (standard + extensions)
#   include/nanowasm/*.h, nanowasm.hpp, component.hpp  the C++ API
#   include/nanowasm/internal/base/result.h       Result/Error, which runtime.h includes
#   lib/libnanowasm.a                             every nw_* library in one archive
#   lib/libnanowasm.so                            with -DNANOWASM_BUILD_SHARED=ON
#   lib/cmake/nanowasm/                           find_package(nanowasm) -> nanowasm::nanowasm
#   lib/pkgconfig/nanowasm.pc                     pkg-config nanowasm
#   bin/nanowasm                                  the CLI
# The package is relocatable: config and .pc find the prefix relative to themselves.

set(NANOWASM_BUNDLE_LIBS nw_component_api nw_component_run nw_component_text nw_component
    nw_component_abi nw_capi nw_opt_rt nw_tree nw_wasi2 nw_wasi nw_text nw_engine nw_interp nw_runtime nw_aot nw_validate nw_simd
    nw_format nw_base)

# ---- libnanowasm.a: one archive from the static libraries (ar MRI script) --------------------
set(nw_bundle ${CMAKE_BINARY_DIR}/lib/libnanowasm.a)
set(nw_mri "create ${nw_bundle}\n")
set(nw_bundle_files)
foreach(lib ${NANOWASM_BUNDLE_LIBS})
  string(APPEND nw_mri "addlib $<TARGET_FILE:${lib}>\n")
  list(APPEND nw_bundle_files $<TARGET_FILE:${lib}>)
endforeach()
string(APPEND nw_mri "save\nend\n")
file(GENERATE OUTPUT ${CMAKE_BINARY_DIR}/lib/nanowasm.mri CONTENT "${nw_mri}")
add_custom_command(
  OUTPUT ${nw_bundle}
  COMMAND ${CMAKE_COMMAND} -E rm -f ${nw_bundle}
  COMMAND ${CMAKE_COMMAND} -DAR=${CMAKE_AR} -DMRI=${CMAKE_BINARY_DIR}/lib/nanowasm.mri
          -P ${CMAKE_SOURCE_DIR}/cmake/BundleArchive.cmake
  DEPENDS ${NANOWASM_BUNDLE_LIBS} ${nw_bundle_files} ${CMAKE_SOURCE_DIR}/cmake/BundleArchive.cmake
  COMMENT "Bundling libnanowasm.a"
  VERBATIM)
add_custom_target(nanowasm_static ALL DEPENDS ${nw_bundle})

# ---- libnanowasm.so (optional) ---------------------------------------------------------------
if(NANOWASM_BUILD_SHARED)
  # libnanowasm.a linked whole: the same objects (compiled with -fPIC when this option is on);
  # --no-undefined so a missing dependency fails here, not in a user's
  # program.
  add_library(nanowasm_shared SHARED ${CMAKE_SOURCE_DIR}/cmake/shared_lib.cc)
  set_target_properties(nanowasm_shared PROPERTIES OUTPUT_NAME nanowasm
      LIBRARY_OUTPUT_DIRECTORY ${CMAKE_BINARY_DIR}/lib
      VERSION ${PROJECT_VERSION} SOVERSION ${PROJECT_VERSION_MAJOR})
  target_link_libraries(nanowasm_shared PRIVATE
      -Wl,--whole-archive ${nw_bundle} -Wl,--no-whole-archive pthread)
  add_dependencies(nanowasm_shared nanowasm_static)
  set_property(TARGET nanowasm_shared APPEND PROPERTY LINK_DEPENDS ${nw_bundle})
  if(NOT NANOWASM_SANITIZE AND NOT NANOWASM_FUZZ)  # sanitizer runtimes come from the program
    target_link_options(nanowasm_shared PRIVATE -Wl,--no-undefined)
  endif()
  install(TARGETS nanowasm_shared LIBRARY DESTINATION lib)
endif()

# ---- install ---------------------------------------------------------------------------------
install(FILES ${CMAKE_SOURCE_DIR}/include/wasm.h ${CMAKE_SOURCE_DIR}/include/nanowasm.h
        DESTINATION include)
install(FILES ${CMAKE_SOURCE_DIR}/include/nanowasm/runtime.h
              ${CMAKE_SOURCE_DIR}/include/nanowasm/types.h
              ${CMAKE_SOURCE_DIR}/include/nanowasm/wasi.h
              ${CMAKE_SOURCE_DIR}/include/nanowasm/tree.h
              ${CMAKE_SOURCE_DIR}/include/nanowasm/nanowasm.hpp
              ${CMAKE_SOURCE_DIR}/include/nanowasm/component.hpp
        DESTINATION include/nanowasm)
install(FILES ${CMAKE_SOURCE_DIR}/src/base/result.h DESTINATION include/nanowasm/internal/base)
install(FILES ${nw_bundle} DESTINATION lib)
install(TARGETS nanowasm RUNTIME DESTINATION bin)

# A sanitizer build's archive needs the sanitizer runtimes in every program linking it; C
# programs also need UBSan's C++ part (vptr checks), which clang adds only on request.
if(NANOWASM_SANITIZE)
  set(NW_PKG_LINK_OPTIONS "-fsanitize=address,undefined -fsanitize-link-c++-runtime")
else()
  set(NW_PKG_LINK_OPTIONS "")
endif()
set(NW_PKG_HAS_SHARED ${NANOWASM_BUILD_SHARED})
configure_file(${CMAKE_SOURCE_DIR}/cmake/nanowasmConfig.cmake.in
               ${CMAKE_BINARY_DIR}/pkg/nanowasmConfig.cmake @ONLY)
include(CMakePackageConfigHelpers)
write_basic_package_version_file(${CMAKE_BINARY_DIR}/pkg/nanowasmConfigVersion.cmake
                                 VERSION ${PROJECT_VERSION} COMPATIBILITY SameMinorVersion)
configure_file(${CMAKE_SOURCE_DIR}/cmake/nanowasm.pc.in ${CMAKE_BINARY_DIR}/pkg/nanowasm.pc @ONLY)
install(FILES ${CMAKE_BINARY_DIR}/pkg/nanowasmConfig.cmake
              ${CMAKE_BINARY_DIR}/pkg/nanowasmConfigVersion.cmake
        DESTINATION lib/cmake/nanowasm)
install(FILES ${CMAKE_BINARY_DIR}/pkg/nanowasm.pc DESTINATION lib/pkgconfig)
