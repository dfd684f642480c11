# bench/lib.sh — sourced by the benchmarks that run one program in yolk and
# in a Linux guest under the same QEMU (TCG, -cpu max, 512 MiB).
# Expects $top (the source tree) and $build (the bench's build directory).

# bench_image DEFCONFIG: configures $build for configs/DEFCONFIG_defconfig once, then builds the image.
bench_image() {
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig="$1" >/dev/null
	fi
	ninja -C "$build" yolk >/dev/null
}

# bench_native_target SUBPROJECT TARGET: builds the subproject's host-side
# TARGET (a static Linux program from the same source) and prints its path.
bench_native_target() {
	local dir
	dir=$(ls -d "$build"/subprojects/"$1"-*/ | head -n 1)
	ninja -C "$build" "${dir#"$build"/}$2" >/dev/null
	echo "$dir$2"
}

# bench_alternate NAME RUNS YOLK_INITRD YOLK_CMDLINE LINUX_KERNEL LINUX_INITRD [LINUX_APPEND]:
# RUNS rounds of one yolk boot then one Linux boot, both with one CPU, so a
# change in the host's load hits both sides; each guest's serial output goes
# to $build/bench-NAME-{yolk,linux}.ROUND.log. A guest that fails is
# reported and the round goes on (the table then says what is missing).
bench_alternate() {
	local name=$1 runs=$2 initrd=$3 cmdline=$4 kernel=$5 linux_initrd=$6 append=${7:-}
	local run
	for run in $(seq "$runs"); do
		python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --memory 512M --initrd "$initrd" \
			--cmdline "$cmdline" --log "$build/bench-$name-yolk.$run.log" --timeout 1200 ||
			echo "yolk guest failed (exit $?)"
		timeout 1200 qemu-system-x86_64 -machine q35 -cpu max -smp 1 -m 512M -nic none -display none \
			-monitor none -no-reboot -kernel "$kernel" -initrd "$linux_initrd" \
			-append "console=ttyS0 quiet panic=-1${append:+ $append}" \
			-serial "file:$build/bench-$name-linux.$run.log" </dev/null ||
			echo "linux guest failed (exit $?)"
	done
}

# bench_footer START: the image's parts and size, and the bench's run time since START (date +%s).
bench_footer() {
	echo "yolk image ($(sed -n 's/^PARTS=//p' "$build/yolk-selection.txt")): $(stat -c %s "$build/yolk") bytes"
	echo "run time: $(($(date +%s) - $1)) s"
}
