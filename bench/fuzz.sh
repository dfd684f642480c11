#!/usr/bin/env bash
# bench/fuzz.sh MINUTES [BUILD_DIR] — fuzz every parser of untrusted input.
#
# Each harness of tests/fuzz runs MINUTES minutes (each, one after the other:
# the total is MINUTES times the number of harnesses), starting from a copy of
# its committed corpus (tests/fuzz/corpus/NAME). libFuzzer stops at a crash;
# the harness is then restarted for the rest of its time, so every crash of
# the run is counted and kept. Printed per harness: executions, executions
# per second, libFuzzer's coverage (cov: edges, ft: features) at the end,
# corpus size, and crashes (crashes, leaks, timeouts > 10 s, out of memory).
# The Kconfig -D option fuzzer (tests/fuzz/kconfig_fuzz.py, Python) reports
# the lines of tools/kconfig.py it reached in place of cov: and ft:.
#
# Then the FAT check that is too slow for every execution: for the seeds and
# up to FSCK inputs in all (default 300) of the FAT corpus the run grew,
# newest first, the image before and
# after the harness's writes goes through fsck.fat -n; an image fsck.fat
# finds clean must still be clean after fs/fat wrote to it.
#
# The harnesses see this script's environment: YOLK_FUZZ_FAT_ALLOW_EMPTY_NAME=1
# (tests/fuzz/fat.c) lets fuzz-fat go past a known defect.
# Exits 1 if anything crashed or a clean image was damaged. Output stays in
# BUILD_DIR/fuzz-run (crashes in fuzz-run/crashes/NAME-*).
# FUZZ_SECONDS=N runs each harness N seconds instead of MINUTES minutes.
# BUILD_DIR (default build-fuzz) is configured with the test defconfig if it
# does not exist yet; only the harnesses are built.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
minutes=${1:?usage: bench/fuzz.sh MINUTES [BUILD_DIR]}
build=$(realpath -m "${2:-$top/build-fuzz}")
fsck_max=${FSCK:-300}
seconds=$(echo "$minutes" | awk '{ s = int($1 * 60 + 0.5); print s < 1 ? 1 : s }')
seconds=${FUZZ_SECONDS:-$seconds} # seconds per harness instead (the doc test: the run, not the figures)
harnesses=(http-head httpd-conn cpio cmdline partition fat lwip-dhcp-dns)

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=test >/dev/null
fi
ninja -C "$build" "${harnesses[@]/#/tests/fuzz/fuzz-}" >/dev/null

run=$build/fuzz-run
rm -rf "$run"
mkdir -p "$run/crashes"
failed=0
printf '%-13s %8s %12s %9s %7s %7s %9s %8s\n' harness seconds execs exec/s cov ft corpus crashes
for h in "${harnesses[@]}"; do
	corpus=$run/corpus-$h
	cp -r "$top/tests/fuzz/corpus/$h" "$corpus"
	execs=0 crashes=0 cov=- ft=- start=$SECONDS
	while left=$((seconds - (SECONDS - start))); [ "$left" -gt 0 ]; do
		log=$run/$h.log.$crashes
		rc=0
		# close_fd_mask=2: the harness's stderr (fs/fat's klog) is closed; libFuzzer's and the
		# sanitizers' reports still come through.
		"$build/tests/fuzz/fuzz-$h" -max_total_time="$left" -timeout=10 -rss_limit_mb=2048 -close_fd_mask=2 \
			-print_final_stats=1 -artifact_prefix="$run/crashes/$h-" "$corpus" >"$log" 2>&1 || rc=$?
		n=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
		execs=$((execs + ${n:-0}))
		last=$(grep -E '^#[0-9]+.*cov: ' "$log" | tail -1 || true)
		if [ -n "$last" ]; then
			cov=$(sed -E 's/.*cov: ([0-9]+).*/\1/' <<<"$last")
			ft=$(sed -E 's/.*ft: ([0-9]+).*/\1/' <<<"$last")
		fi
		[ "$rc" -eq 0 ] && break
		crashes=$((crashes + 1))
		[ "$crashes" -ge 50 ] && break # something crashes at once: enough examples
	done
	took=$((SECONDS - start))
	printf '%-13s %8d %12d %9d %7s %7s %9d %8d\n' "$h" "$took" "$execs" $((execs / (took > 0 ? took : 1))) \
		"$cov" "$ft" "$(ls "$corpus" | wc -l)" "$crashes"
	[ "$crashes" -eq 0 ] || failed=1
done

# The Kconfig -D option parser: Python, its own loop (no libFuzzer).
rc=0
/usr/bin/python3 "$top/tests/fuzz/kconfig_fuzz.py" --seconds "$seconds" --work "$run/kconfig" \
	--crashes "$run/crashes" "$top/tests/fuzz/corpus/kconfig" >"$run/kconfig.log" 2>&1 || rc=$?
sed -n 's/^kconfig_fuzz: //p' "$run/kconfig.log" | tail -1
[ "$rc" -eq 0 ] || failed=1

# fsck.fat before and after fs/fat wrote: clean must stay clean.
checked=0 damaged=0
mkdir -p "$run/fsck"
for f in $( (ls "$top/tests/fuzz/corpus/fat"; ls -t "$run/corpus-fat") | awk '!seen[$0]++' | head -n "$fsck_max"); do
	rm -f "$run/fsck/img.in" "$run/fsck/img.out"
	YOLK_FUZZ_FAT_DUMP=$run/fsck/img "$build/tests/fuzz/fuzz-fat" "$run/corpus-fat/$f" >/dev/null 2>&1 || true
	[ -f "$run/fsck/img.out" ] || continue # did not mount
	fsck.fat -n "$run/fsck/img.in" >/dev/null 2>&1 || continue # damaged already
	checked=$((checked + 1))
	if ! fsck.fat -n "$run/fsck/img.out" >"$run/fsck/$f.fsck" 2>&1; then
		damaged=$((damaged + 1))
		cp "$run/corpus-fat/$f" "$run/crashes/fat-fsck-$f"
	else
		rm -f "$run/fsck/$f.fsck"
	fi
done
echo "fat fsck: $checked clean images written to, $damaged left damaged (fsck.fat -n)"
[ "$damaged" -eq 0 ] || failed=1
ls "$run/crashes" | head -20
exit "$failed"
