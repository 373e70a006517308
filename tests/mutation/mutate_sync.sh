#!/usr/bin/env bash
# Mutation testing of the sync engine (outbox, merge, worker): applies one
# one-line bug at a time with sed, rebuilds the unit tests, runs the suites
# that cover the sync engine, restores the file, and prints KILLED (a test
# failed), SURVIVED (all passed: a test is missing) or NOT APPLIED (the
# sed expression no longer matches the source: update it).
#   tests/mutation/mutate_sync.sh [BUILD_DIR] [ID...]
# BUILD_DIR defaults to build (configured already); IDs pick mutations.
# Results are kept in tests/mutation/sync.txt.
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-build}
shift || true
[[ $build = /* ]] || build="$root/$build"
suites='outbox_*:sync_*:http_*'

# id | file | sed expression | the bug it plants
mutations=$(cat <<'EOF'
M01|plugin/sync/outbox.cpp|/+ 1 > max_bytes/,/break;/ s/q\.done();/continue;/|fill(): a row over the byte limit is skipped instead of ending the batch
M02|plugin/sync/outbox.cpp|s/if (!batch.empty() && bytes + body.size()/if (bytes + body.size()/|fill(): the first row is held to the byte limit too
M03|plugin/sync/outbox.cpp|s/bytes + body.size() + 1 > max_bytes/bytes + body.size() > max_bytes/|fill(): the commas are not counted
M04|plugin/sync/outbox.cpp|s/\*std::max_element(ids.begin(), ids.end())/*std::min_element(ids.begin(), ids.end())/|delivered(): the mark moves to the batch's first id
M05|plugin/sync/outbox.cpp|s/through = max(through, excluded.through)/through = excluded.through/|delivered(): a late, older mark moves the mark back
M06|plugin/sync/outbox.cpp|s/if (!batch.empty()) return true;/if (!batch.empty()) return false;/|due(): retried dead letters reported as ordinary rows
M07|plugin/sync/outbox.cpp|s/WHERE target = ?1 AND event > ?2)"/WHERE target = ?1 AND event > ?2 AND 0)"/|clear_delivered(): rows above the mark do not stop the whole-table delete
M08|plugin/sync/outbox.cpp|s/AND module = ?3 AND version = ?4/AND module = ?3/|document_delivered(): a newer version queued meanwhile is cleared too
M09|plugin/sync/outbox.cpp|s/WHERE body <> excluded.body OR dead = 1/WHERE body <> excluded.body/|put_document(): a dead document with the same body is not queued again
M10|plugin/sync/outbox.cpp|s/SET attempts = attempts + 1, last_error = ?3 "/SET attempts = attempts, last_error = ?3 "/|attempt_failed(): attempts not counted
M11|plugin/sync/sync.cpp|s/halves.push_back(std::move(second));/halves.push_back(std::move(first)); \/\/ M11/;s/halves.push_back(std::move(first));$/halves.push_back(std::move(second));/|send_batch(): the second half of a split goes first
M12|plugin/sync/sync.cpp|/case Outcome::Conflict:$/d;s/case Outcome::Ok:$/case Outcome::Ok: case Outcome::Conflict:/|sync_documents(): a 409/412 answer counts as delivered
M13|plugin/sync/sync.cpp|s/std::min(reply.retry_after_ms, c.backoff_cap_ms)/reply.retry_after_ms/|on_failure(): Retry-After not capped
M14|plugin/sync/sync.cpp|s/reply.retry_after_ms >= 0$/reply.retry_after_ms >= 0 \&\& false/|on_failure(): Retry-After ignored
M15|plugin/sync/sync.cpp|s/Outcome::Rejected && b->size() == 1/Outcome::Rejected \&\& b->size() <= 2/|send_batch(): a refused pair is dead-lettered whole
M16|plugin/sync/sync.cpp|s/etag = got.etag;/etag = "";/|sync_documents(): writes without If-Match
M17|plugin/sync/sync.cpp|s/body = merge_documents(d.body, got.body);/body = d.body;/|sync_documents(): blind write, the target's cells lost
M18|plugin/sync/sync.cpp|s/if (outbox.mark(c.name) != 0) {/if (outbox.mark(c.name) == 0) {/|step(): delivered rows never cleared
M19|plugin/sync/sync.cpp|s/lane.status.settled = !moved && /lane.status.settled = /|run(): idle reported while batches still flow
M20|plugin/sync/sync.cpp|s/constexpr int kDocumentAttempts = 5;/constexpr int kDocumentAttempts = 1;/|sync_documents(): one conflict already backs off
M21|plugin/sync/sync.cpp|s/(reply.outcome == Outcome::Rejected && !lane.prepared)/false/|on_failure(): an LRS speaking no common version is retried forever
M22|plugin/sync/events.cpp|s/std::string_view(cell\["by"\].GetString()) == "coursecrew" &&//|untouched(): no longer checks who set the cell
M23|plugin/sync/events.cpp|s/return std::string_view(at_of(theirs)) > std::string_view(at_of(ours));/return std::string_view(at_of(theirs)) >= std::string_view(at_of(ours));/|theirs_wins(): a tie takes theirs
M24|plugin/sync/events.cpp|s/if (ours_untouched != theirs_untouched) return ours_untouched;/if (ours_untouched != theirs_untouched) return theirs_untouched;/|theirs_wins(): the untouched cell wins
M25|plugin/sync/events.cpp|s/            ours.AddMember(Value(m.name, al), Value(m.value, al), al);/            continue;/|merge_entries(): cells only theirs are dropped
M26|plugin/sync/events.cpp|s/pieces.AddMember(Value(p.name, al), Value(p.value, al), al);/(void)0;/|merge_documents(): pieces only theirs are dropped
EOF
)

selected=" $* "
backup=$(mktemp)
current=""
restore() { [ -n "$current" ] && cp "$backup" "$root/$current"; current=""; }
trap 'restore; rm -f "$backup"' EXIT INT TERM

killed=0 survived=0
while IFS='|' read -r id file expr what; do
  [ -z "$id" ] && continue
  if [ $# -gt 0 ] && [[ $selected != *" $id "* ]]; then continue; fi
  cp "$root/$file" "$backup"
  current=$file
  sed -i -e "$expr" "$root/$file"
  if cmp -s "$backup" "$root/$file"; then
    echo "$id NOT APPLIED  $file: $what"
    restore
    continue
  fi
  if ! cmake --build "$build" --target coursecrew_tests -j2 >"$build/mutation-$id.log" 2>&1; then
    result="KILLED (build)"
  elif timeout 600 "$build/bin/coursecrew_tests" --run_test="$suites" >>"$build/mutation-$id.log" 2>&1; then
    result=SURVIVED
  else
    result=KILLED
  fi
  failing=$(grep -o 'error: in "[^"]*"' "$build/mutation-$id.log" | sort -u | head -3 | tr '\n' ' ')
  echo "$id $result  $file: $what ${failing:+[$failing]}"
  [[ $result = KILLED* ]] && killed=$((killed + 1)) || survived=$((survived + 1))
  restore
done <<<"$mutations"
echo "killed $killed, survived $survived"
# Leave the build matching the restored sources.
cmake --build "$build" --target coursecrew_tests -j2 >/dev/null 2>&1
