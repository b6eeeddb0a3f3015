#!/bin/bash
# Runs the kernel's checkpatch.pl --strict on every file of the module and
# prints PASS/FAIL per file and the summary line. checkpatch comes from the
# linux-source package (make deps installs it), extracted once to build/.
set -u -o pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
dir=$top/build/checkpatch
if [ ! -x "$dir/checkpatch.pl" ]; then
	src=$(ls /usr/src/linux-source-*.tar.* 2>/dev/null | sort -V | tail -n 1)
	[ -n "$src" ] || { echo "FAIL checkpatch: no /usr/src/linux-source-*.tar.* (make deps)"; echo "0 passed, 1 failed, 0 skipped"; exit 1; }
	mkdir -p "$dir"
	base=$(basename "${src%.tar.*}")
	tar -xf "$src" -C "$dir" --strip-components=2 \
		"$base/scripts/checkpatch.pl" "$base/scripts/spelling.txt" \
		"$base/scripts/const_structs.checkpatch" || exit 1
	chmod +x "$dir/checkpatch.pl"
fi
passed=0 failed=0
cd "$top"
for f in $(git ls-files "src/kernel/*.[ch]"); do
	out=$(perl "$dir/checkpatch.pl" --no-tree --strict --terse --show-types \
		-f "$f" 2>&1 | grep -v '^total:')
	if [ -z "$out" ]; then
		echo "PASS checkpatch_$(basename "$f")"
		passed=$((passed + 1))
	else
		echo "FAIL checkpatch_$(basename "$f"): $(echo "$out" | head -n 1)"
		echo "$out" | tail -n +2
		failed=$((failed + 1))
	fi
done
echo "$passed passed, $failed failed, 0 skipped"
[ "$failed" -eq 0 ]
