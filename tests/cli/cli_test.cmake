# Runs the coursecrew CLI as a user would and checks exit statuses and output.
# Inputs: CLI, LIB, SRC (source tree), WORK (scratch folder).
file(REMOVE_RECURSE ${WORK})
file(MAKE_DIRECTORY ${WORK})

function(run expect_rc)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL expect_rc)
    message(FATAL_ERROR "`${ARGN}` exited ${rc}, expected ${expect_rc}\nstdout:\n${out}\nstderr:\n${err}")
  endif()
  set(OUT "${out}" PARENT_SCOPE)
  set(ERR "${err}" PARENT_SCOPE)
endfunction()

function(expect_match text regex what)
  if(NOT text MATCHES "${regex}")
    message(FATAL_ERROR "${what}: no match for '${regex}' in:\n${text}")
  endif()
endfunction()

set(sample ${SRC}/samples/safety-basics)

# Readable summary; exit 0 for a usable package.
run(0 ${CLI} inspect ${sample})
expect_match("${OUT}" "SCORM 2004, 4th edition" "summary format")
expect_match("${OUT}" "Modules \\(3\\)" "summary modules")
expect_match("${OUT}" "Result: usable" "summary result")

# JSON, parsed back by CMake's own JSON reader.
run(0 ${CLI} inspect ${sample} --json)
string(JSON fmt GET "${OUT}" format)
string(JSON ed GET "${OUT}" edition)
string(JSON nmod LENGTH "${OUT}" modules)
if(NOT fmt STREQUAL "scorm2004" OR NOT ed STREQUAL "4th" OR NOT nmod EQUAL 3)
  message(FATAL_ERROR "JSON: format=${fmt} edition=${ed} modules=${nmod}")
endif()

# Errors: exit 1; the summary lists them, and with --json the first goes to stderr.
run(1 ${CLI} inspect ${SRC}/tests/fixtures/safety/xxe/pkg)
expect_match("${OUT}" "xml.entities_refused" "summary names the error")
expect_match("${OUT}" "NOT usable" "summary says unusable")
run(1 ${CLI} inspect ${SRC}/tests/fixtures/safety/xxe/pkg --json)
expect_match("${ERR}" "imsmanifest.xml:[0-9]+: .*xml.entities_refused" "stderr names the error and where")
string(JSON usable GET "${OUT}" usable)
if(usable)
  message(FATAL_ERROR "xxe package reported usable")
endif()
run(1 ${CLI} inspect ${WORK}/does-not-exist --json)
expect_match("${ERR}" "does-not-exist" "stderr names the missing package")

# Usage errors: exit 2.
run(2 ${CLI})
run(2 ${CLI} inspect)
run(2 ${CLI} inspect ${sample} --no-such-flag)
run(2 ${CLI} inspect ${sample} --max-diagnostics 0)

# Plugin discovery: --plugin and COURSECREW_PLUGIN, and a clear error when absent.
run(0 ${CLI} --plugin ${LIB} inspect ${sample})
run(3 ${CLI} --plugin ${WORK}/nope.so inspect ${sample})
expect_match("${ERR}" "nope.so" "load error names the path")
run(0 ${CMAKE_COMMAND} -E env COURSECREW_PLUGIN=${LIB} ${CLI} inspect ${sample})

# A zipped package reads like its folder.
file(ARCHIVE_CREATE OUTPUT ${WORK}/sample.zip PATHS ${sample} FORMAT zip)
# ARCHIVE_CREATE stores the folder name; build a root-level zip instead.
execute_process(COMMAND ${CMAKE_COMMAND} -E tar cf ${WORK}/root.zip --format=zip .
  WORKING_DIRECTORY ${sample} RESULT_VARIABLE rc)
run(0 ${CLI} inspect ${WORK}/root.zip --json)
string(JSON nmod LENGTH "${OUT}" modules)
if(NOT nmod EQUAL 3)
  message(FATAL_ERROR "zip: ${nmod} modules")
endif()
message(STATUS "cli: all checks passed")

# ---- roles, status and review -------------------------------------------
set(roles ${SRC}/samples/safety-basics.roles.json)
set(store ${WORK}/ws/state.db)
set(ws --roles ${roles} --store ${store} --now 2026-11-20)

run(0 ${CLI} publish ${sample} ${ws})
expect_match("${OUT}" "Recorded com.example.safety-basics" "publish summary")
expect_match("${OUT}" "SCO-QUIZ / reviewer: new pair" "publish lists new pairs")

# A status change, then the review shows it (CSV: one row per (piece, role)).
run(0 ${CLI} status set ${sample} SCO-WELCOME writer done --by mailto:ana@example.org --note "first draft approved" ${ws})
expect_match("${OUT}" "SCO-WELCOME / writer: not_started -> done" "status set output")
run(0 ${CLI} review ${sample} ${ws} --format csv)
expect_match("${OUT}" "^module,module_title,piece,piece_title,role,status" "csv header")
expect_match("${OUT}" "SCO-WELCOME,[^\n]*,writer,done," "csv row with the new status")

# Invalid updates change nothing and exit 1.
run(1 ${CLI} status set ${sample} SCO-NOPE writer done --by ana ${ws})
expect_match("${ERR}" "SCO-NOPE" "unknown piece named")
run(1 ${CLI} status set ${sample} SCO-WELCOME narrator done --by ana ${ws})
run(1 ${CLI} status set ${sample} SCO-WELCOME writer finished --by ana ${ws})
expect_match("${ERR}" "finished" "unknown status named")

# Import: all or nothing.
file(WRITE ${WORK}/good.csv "piece,role,status,by,note\nSCO-SLIPS,writer,in_progress,mailto:ana@example.org,\"drafting, with pictures\"\nSCO-QUIZ,designer,blocked,mailto:chen@example.org,waiting for the regulations\n")
file(WRITE ${WORK}/bad.csv "piece,role,status,by\nSCO-FIRE,writer,in_progress,ana\nSCO-FIRE,nobody,done,ana\n")
run(1 ${CLI} status import ${WORK}/bad.csv --store ${store} --now 2026-11-20)
run(0 ${CLI} review ${sample} ${ws} --format csv)
expect_match("${OUT}" "SCO-FIRE,[^\n]*,writer,not_started," "the bad import changed nothing")
run(0 ${CLI} status import ${WORK}/good.csv --store ${store} --now 2026-11-21)
expect_match("${OUT}" "Updated 2 status" "import output")

# JSON review: parsed back, progress and findings present.
run(0 ${CLI} review ${sample} ${ws} --format json)
string(JSON nmod LENGTH "${OUT}" modules)
if(NOT nmod EQUAL 3)
  message(FATAL_ERROR "review json: ${nmod} modules")
endif()
string(JSON nfind LENGTH "${OUT}" findings)
if(nfind LESS 1)
  message(FATAL_ERROR "review json: no findings (the schedule has overdue modules on 2026-11-20)")
endif()
expect_match("${OUT}" "\"overdue\"" "overdue finding")

# One module, as a table and as HTML written to a file.
run(0 ${CLI} review ${sample} ${ws} --module MOD-ASSESS)
expect_match("${OUT}" "Assessment" "module table")
run(0 ${CLI} review ${sample} ${ws} --format html -o ${WORK}/review.html)
file(READ ${WORK}/review.html html)
expect_match("${html}" "<svg" "html has svg")
run(1 ${CLI} review ${sample} ${ws} --module MOD-NOPE)
expect_match("${ERR}" "MOD-NOPE" "unknown module named")
# --now: a real calendar day (std::chrono checks it), else a usage error that says what is expected.
run(2 ${CLI} review ${sample} --roles ${roles} --store ${store} --now 2026-02-30)
expect_match("${ERR}" "--now '2026-02-30': expected YYYY-MM-DD" "--now names the bad date")
run(2 ${CLI} review ${sample} --roles ${roles} --store ${store} --now 2026-11-20T-1:00:00Z)
run(0 ${CLI} review ${sample} --roles ${roles} --store ${store} --now 2028-02-29T23:59:59Z --format json)
expect_match("${OUT}" "\"generated_at\": *\"2028-02-29T23:59:59Z\"" "--now leap day and time")

# A broken role map: every problem with its JSON pointer, nothing applied.
file(WRITE ${WORK}/broken-roles.json "{\"version\": 1, \"rules\": [{\"match\": {\"kinds\": [\"text\"]}, \"roles\": [\"narator\"]}], \"people\": [{\"agent\": {\"mbox\": \"mailto:x@example.org\"}, \"name\": \"X\", \"roles\": []}]}")
run(1 ${CLI} review ${sample} --roles ${WORK}/broken-roles.json --store ${store})
expect_match("${ERR}" "/rules/0/roles/0" "pointer to the unknown role")
expect_match("${ERR}" "/people/0" "pointer to the person without roles")
message(STATUS "cli: roles, status and review checks passed")

# LMS sync from the command line. The target is a port nothing listens on.
set(syncdir ${WORK}/sync)
file(MAKE_DIRECTORY ${syncdir})
file(WRITE ${syncdir}/secret "cli-test-secret-91\n")
file(WRITE ${syncdir}/sync.json "{\"course_iri\": \"https://example.org/courses/cli\", \"store\": \"state.db\", \"targets\": [{\"name\": \"lms\", \"kind\": \"xapi\", \"endpoint\": \"http://127.0.0.1:9/xAPI/\", \"connect_timeout_ms\": 300, \"retry\": {\"base_ms\": 50, \"cap_ms\": 200}, \"auth\": {\"type\": \"basic\", \"username\": \"cli\", \"password\": {\"file\": \"secret\"}}}]}")
# --dry-run prints the statements and documents and changes nothing.
run(0 ${CLI} publish ${sample} --config ${syncdir}/sync.json --dry-run)
expect_match("${OUT}" "\"statements\":\\[" "dry run statements")
expect_match("${OUT}" "/verbs/published" "dry run published statement")
expect_match("${OUT}" "\"documents\":\\[" "dry run documents")
run(0 ${CLI} outbox --config ${syncdir}/sync.json --pending)
expect_match("${OUT}" "The outbox is empty" "dry run queued nothing")
# A secret file others can read is refused, naming the file and the fix, never the secret.
file(CHMOD ${syncdir}/secret FILE_PERMISSIONS OWNER_READ OWNER_WRITE GROUP_READ WORLD_READ)
run(4 ${CLI} publish ${sample} --config ${syncdir}/sync.json --timeout 3)
expect_match("${ERR}" "chmod 600" "world-readable secret refused")
if(ERR MATCHES "cli-test-secret-91" OR OUT MATCHES "cli-test-secret-91")
  message(FATAL_ERROR "the secret leaked into the output")
endif()
# Queued, not lost: the outbox lists what waits; an unreachable LRS means exit 4, not a hang.
run(0 ${CLI} outbox --config ${syncdir}/sync.json --pending --json)
expect_match("${OUT}" "\"state\":\"pending\"" "pending items listed")
file(CHMOD ${syncdir}/secret FILE_PERMISSIONS OWNER_READ OWNER_WRITE)
run(4 ${CLI} sync --config ${syncdir}/sync.json --timeout 1)
expect_match("${ERR}" "stays in the outbox" "undelivered explained")
run(2 ${CLI} sync)
run(2 ${CLI} outbox --config ${syncdir}/sync.json --drop)
run(0 ${CLI} outbox --config ${syncdir}/sync.json --drop-all)
expect_match("${OUT}" "Dropped: 0" "no dead letters to drop")
message(STATUS "cli: sync checks passed")
