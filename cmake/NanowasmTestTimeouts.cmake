# Every CTest test has a timeout that fits it, so a test that hangs fails in seconds instead of
# burning CI's budget (ctest's own default is 1,500 s; wabt's runner uses 10 s).
#   cmake_language(DEFER CALL nw_default_test_timeouts SECONDS)  at the top of a directory's
#                                      CMakeLists.txt (runs at its end, even after return()): every test of
#                                      that directory without a TIMEOUT gets SECONDS.
# gtest_discover_tests() creates its tests at ctest time: pass them `PROPERTIES TIMEOUT`.
# tests.every_test_has_a_timeout (tests/check_timeouts.sh) checks that no test was missed.
set(NW_UNIT_TEST_TIMEOUT 30)  # unit tests: the slowest takes ~1.5 s (release), ~6 s (asan)
function(nw_default_test_timeouts seconds)
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(t ${tests})
    get_test_property(${t} TIMEOUT current)
    if(NOT current)
      set_tests_properties(${t} PROPERTIES TIMEOUT ${seconds})
    endif()
  endforeach()
endfunction()
