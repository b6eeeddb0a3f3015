#!/bin/sh
# Runs the codec unit tests (gcc and clang builds, ASan+UBSan) and the UAPI
# header test (gcc/clang/g++/clang++), prints PASS/FAIL/SKIP lines and ends
# with "N passed, N failed, N skipped"; exits 1 if anything failed.
cd "$(dirname "$0")" || exit 2
TOP=$(cd ../.. && pwd)
results=$(mktemp)
log=$(mktemp)
trap 'rm -f "$results" "$log"' EXIT

say() {
	echo "$1"
	echo "$1" >>"$results"
}

for cc in ${COMPILERS:-gcc clang}; do
	if ! command -v "$cc" >/dev/null 2>&1; then
		say "SKIP $cc:unit_tests: $cc is not installed"
		continue
	fi
	if ! make -s --no-print-directory "build/$cc/unit_tests" >"$log" 2>&1; then
		sed 's/^/  /' "$log" | head -40
		say "FAIL $cc:build: unit tests do not compile"
		continue
	fi
	"./build/$cc/unit_tests" "$cc:" >"$log" 2>&1
	rc=$?
	grep -E '^(PASS|FAIL|SKIP) ' "$log" | tee -a "$results"
	if [ $rc -ne 0 ] && ! grep -q '^FAIL ' "$log"; then
		grep -vE '^(PASS|FAIL|SKIP) |passed, .* failed' "$log" | head -40
		say "FAIL $cc:unit_tests: exited with status $rc (crash or sanitizer report above)"
	fi
done

# linux/quic.h and netinet/quic.h against the spec, C and C++
for spec in "gcc c" "clang c" "g++ c++" "clang++ c++"; do
	set -- $spec
	if [ "$2" = c ]; then std="-std=c11"; else std="-x c++ -std=c++17"; fi
	if ! command -v "$1" >/dev/null 2>&1; then
		say "SKIP uapi/$1: $1 is not installed"
		continue
	fi
	mkdir -p build
	if $1 $std -Wall -Wextra -Werror -I"$TOP/src/kernel/include/uapi" \
	    -I"$TOP/src/libquic" uapi_test.c -o "build/uapi_test-$1" \
	    >"$log" 2>&1; then
		say "$("./build/uapi_test-$1" "$1")"
	else
		sed 's/^/  /' "$log" | head -40
		say "FAIL uapi/$1-$2: header test does not compile"
	fi
done

p=$(grep -c '^PASS ' "$results")
f=$(grep -c '^FAIL ' "$results")
s=$(grep -c '^SKIP ' "$results")
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
