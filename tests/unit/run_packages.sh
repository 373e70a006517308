#!/bin/sh
# ctest's "packages" test: the packages suite of coursecrew_tests (the content
# readers against the authoring tools' real packages in ../shared/packages).
# Without them it exits 77, which ctest shows as Skipped.
#   run_packages.sh PATH/TO/coursecrew_tests PACKAGES_DIR
tests=$1
dir=${COURSECREW_PACKAGES:-$2}
if [ ! -f "$dir/INDEX.md" ]; then
    echo "packages: SKIPPED: no packages at $dir (put ../shared beside the repository, or set COURSECREW_PACKAGES)" >&2
    exit 77
fi
COURSECREW_PACKAGES=$dir exec "$tests" --run_test=packages --log_level=test_suite --report_level=short
