# cmake -DAR=<ar> -DMRI=<script> -P BundleArchive.cmake: runs an ar MRI script (used to merge
# the nw_* static libraries into libnanowasm.a; see NanowasmInstall.cmake).
execute_process(COMMAND ${AR} -M INPUT_FILE ${MRI} RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "ar -M ${MRI} failed: ${rc}")
endif()
