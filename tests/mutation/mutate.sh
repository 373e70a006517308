#!/usr/bin/env bash
# Mutation testing by hand: apply a one-line bug, build, run the tests, put the
# file back, and say whether the tests noticed (KILLED) or not (SURVIVED).
#
#   tests/mutation/mutate.sh [options] FILE SED_EXPRESSION     one mutation
#   tests/mutation/mutate.sh [options] -l LIST                 each line of LIST:
#       FILE<TAB>SED_EXPRESSION<TAB>what the bug is[<TAB>old result]
#       (blank lines and lines starting with # are passed over; the output
#       repeats each line with the new result, ready to be kept as the list)
#
# Options:
#   -B DIR     build directory (default: build)
#   -t REGEX   ctest tests to run (default: '^(unit|corpus)$')
#   -u FILTER  run build/bin/coursecrew_tests --run_test=FILTER instead of ctest
#              (quicker; confirm survivors with the default)
#
# The sed expression must change exactly one line of FILE (else: NOT-APPLIED).
# A mutant that does not compile is reported as NOT-BUILT, not as killed.
# Run from the repository root, with the build directory configured.
set -u
build=build
ctest_regex='^(unit|corpus)$'
unit_filter=''
list=''
while getopts 'B:t:u:l:' opt; do
    case $opt in
    B) build=$OPTARG ;;
    t) ctest_regex=$OPTARG ;;
    u) unit_filter=$OPTARG ;;
    l) list=$OPTARG ;;
    *) sed -n '2,20p' "$0"; exit 2 ;;
    esac
done
shift $((OPTIND - 1))

backup=''
target=''
restore() {
    if [[ -n $backup ]]; then
        # A plain copy: the restored file is newer than any object built from
        # the mutant, so the next build compiles it again.
        cp "$backup" "$target" && rm -f "$backup"
        backup=''
    fi
}
trap 'restore; exit 130' INT TERM
trap restore EXIT

# Sets `result` to KILLED, SURVIVED, NOT-APPLIED or NOT-BUILT for one mutation.
# (Not run in a subshell: the traps above must see `backup` to restore the file.)
result=''
run_one() {
    target=$1
    local expr=$2
    [[ -f $target ]] || { result=NOT-APPLIED; return; }
    backup=$(mktemp)
    cp -p "$target" "$backup"
    sed -i -e "$expr" "$target"
    local changed
    changed=$(diff "$backup" "$target" | grep -c '^<')
    if [[ $changed -ne 1 ]]; then
        restore
        result=NOT-APPLIED
        return
    fi
    local log
    log=$(mktemp)
    if ! cmake --build "$build" --target coursecrew_tests -j2 >"$log" 2>&1; then
        restore
        result=NOT-BUILT
        rm -f "$log"
        return
    fi
    local status
    if [[ -n $unit_filter ]]; then
        "$build/bin/coursecrew_tests" --run_test="$unit_filter" >"$log" 2>&1
        status=$?
    else
        (cd "$build" && ctest -R "$ctest_regex" --output-on-failure) >"$log" 2>&1
        status=$?
    fi
    restore
    rm -f "$log"
    if [[ $status -eq 0 ]]; then result=SURVIVED; else result=KILLED; fi
}

if [[ -n $list ]]; then
    while IFS=$'\t' read -r file expr what _old; do
        [[ -z $file || $file == \#* ]] && { printf '%s\n' "$file${expr:+	$expr}${what:+	$what}"; continue; }
        run_one "$file" "$expr" </dev/null
        printf '%s\t%s\t%s\t%s\n' "$file" "$expr" "$what" "$result"
    done <"$list"
    # Rebuild the unmutated code, so the build directory is left as the sources are.
    cmake --build "$build" --target coursecrew_tests -j2 >/dev/null 2>&1
    exit 0
fi

[[ $# -eq 2 ]] || { sed -n '2,20p' "$0"; exit 2; }
run_one "$1" "$2"
echo "$result	$1	$2"
cmake --build "$build" --target coursecrew_tests -j2 >/dev/null 2>&1
[[ $result == KILLED || $result == SURVIVED ]]
