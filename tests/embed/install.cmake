# cmake -DBUILD=<build dir> -DPREFIX=<scratch prefix> -P install.cmake: a fresh install.
file(REMOVE_RECURSE ${PREFIX})
execute_process(COMMAND ${CMAKE_COMMAND} --install ${BUILD} --prefix ${PREFIX}
                OUTPUT_QUIET RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc})")
endif()
foreach(f include/wasm.h include/nanowasm.h include/nanowasm/nanowasm.hpp lib/libnanowasm.a
          lib/cmake/nanowasm/nanowasmConfig.cmake lib/pkgconfig/nanowasm.pc bin/nanowasm)
  if(NOT EXISTS ${PREFIX}/${f})
    message(FATAL_ERROR "not installed: ${f}")
  endif()
endforeach()
