#!/bin/sh
# Builds and runs each libFuzzer harness for $FUZZ_SECONDS seconds (20),
# printing PASS/FAIL lines and "N passed, N failed, N skipped". A failing
# input is kept in crashers/ for the unit suite's replay test.
cd "$(dirname "$0")" || exit 2
secs=${FUZZ_SECONDS:-20}
log=$(mktemp)
trap 'rm -f "$log"' EXIT
pass=0 fail=0 skip=0

if ! make -s --no-print-directory all >"$log" 2>&1; then
	sed 's/^/  /' "$log" | head -40
	for t in header frame tparam; do
		echo "FAIL fuzz/$t: build failed (clang with libFuzzer needed)"
	done
	echo "0 passed, 3 failed, 0 skipped"
	exit 1
fi
rm -rf build/seeds
build/gen_corpus build/seeds || exit 2
mkdir -p crashers
for t in header frame tparam; do
	work=build/corpus/$t
	mkdir -p "$work"
	seeds="build/seeds/$t"
	[ -d "corpus/$t" ] && seeds="$seeds corpus/$t"
	# shellcheck disable=SC2086
	"build/fuzz_$t" -max_total_time="$secs" -timeout=10 -max_len=4096 \
		-rss_limit_mb=2048 -print_final_stats=1 \
		-artifact_prefix="crashers/$t-" "$work" $seeds >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1)
	if [ $rc -eq 0 ]; then
		echo "PASS fuzz/$t: ${runs:-?} runs in ${secs}s, $cov"
		pass=$((pass + 1))
	else
		grep -E 'ERROR|assertion|SUMMARY|Test unit written' "$log" |
			head -10 | sed 's/^/  /'
		echo "FAIL fuzz/$t: exit $rc after ${runs:-?} runs (input saved in tests/fuzz/crashers/)"
		fail=$((fail + 1))
	fi
done
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
