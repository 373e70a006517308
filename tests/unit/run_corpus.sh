#!/bin/sh
# ctest's "corpus" test: the corpus suite of coursecrew_tests (test_corpus.cpp).
# Without a corpus it exits 77, which ctest shows as Skipped (SKIP_RETURN_CODE),
# so a clone without ../shared says so instead of passing quietly.
#   run_corpus.sh PATH/TO/coursecrew_tests CORPUS_DIR
tests=$1
dir=${COURSECREW_CORPUS:-$2}
if [ ! -f "$dir/INDEX.md" ]; then
    echo "corpus: SKIPPED: no corpus at $dir (put ../shared beside the repository, or set COURSECREW_CORPUS)" >&2
    exit 77
fi
exec "$tests" --run_test=corpus --log_level=message --report_level=short
