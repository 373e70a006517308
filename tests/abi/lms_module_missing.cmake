# The network module is loaded only when a sync target is created, and its
# absence is a clear, named error on that target, not a failure to load the
# plugin. Copies the plugin without libcoursecrew_lms.so, inspects (works),
# then syncs (the target stops, saying which file is missing).
# Inputs: CLI, LIB (libcoursecrew.so), LMS (libcoursecrew_lms.so), SRC, WORK, INSTALL_LIBDIR.
if(EXISTS ${INSTALL_LIBDIR}/coursecrew/libcoursecrew_lms.so)
  message(STATUS "skipped: a module is installed in ${INSTALL_LIBDIR}, where the plugin also looks")
  return()
endif()
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK}/bin)
file(COPY ${CLI} DESTINATION ${WORK}/bin)
file(COPY_FILE ${LIB} ${WORK}/bin/libcoursecrew.so.1)
get_filename_component(cli_name ${CLI} NAME)
set(cli ${WORK}/bin/${cli_name} --plugin ${WORK}/bin/libcoursecrew.so.1)

function(run expect_rc)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_rc)
    message(FATAL_ERROR "`${ARGN}` exited ${rc}, expected ${expect_rc}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(OUT "${out}${err}" PARENT_SCOPE)
endfunction()

run(0 ${cli} inspect ${SRC}/samples/safety-basics)
file(WRITE ${WORK}/sync.json "{\"course_iri\": \"https://example.org/courses/lms\", \"store\": \"state.db\", \"targets\": [{\"name\": \"lms\", \"kind\": \"xapi\", \"endpoint\": \"http://127.0.0.1:9/xAPI/\", \"connect_timeout_ms\": 300}]}")
run(4 ${cli} publish ${SRC}/samples/safety-basics --config ${WORK}/sync.json --timeout 3)
if(NOT OUT MATCHES "libcoursecrew_lms\\.so cannot be loaded")
  message(FATAL_ERROR "the missing module is not named:\n${OUT}")
endif()
# With the module beside the plugin, the same target is tried over the network.
file(COPY_FILE ${LMS} ${WORK}/bin/libcoursecrew_lms.so)
run(4 ${CLI} --plugin ${WORK}/bin/libcoursecrew.so.1 sync --config ${WORK}/sync.json --timeout 1)
if(OUT MATCHES "cannot be loaded")
  message(FATAL_ERROR "the module beside the plugin was not found:\n${OUT}")
endif()
message(STATUS "lms module: loaded on demand, a clear error when missing")
