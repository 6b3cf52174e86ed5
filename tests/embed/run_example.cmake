# Run one example from the examples build directory and compare stdout with the expected file.
separate_arguments(args UNIX_COMMAND "${ARGS}")
execute_process(COMMAND ${DIR}/${PROG} ${args} WORKING_DIRECTORY ${DIR}
                OUTPUT_VARIABLE out ERROR_VARIABLE err RESULT_VARIABLE rc TIMEOUT 50)
file(READ ${EXPECTED} want)
if(NOT rc EQUAL 0 OR NOT out STREQUAL want)
  message(FATAL_ERROR "${PROG} exited with ${rc}\n--- stdout\n${out}--- expected\n${want}--- stderr\n${err}")
endif()
