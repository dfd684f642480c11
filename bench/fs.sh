#!/usr/bin/env bash
# bench/fs.sh [BUILD_DIR] — sequential file I/O on FAT: yolk against Linux.
#
# The same C program (apps/bench-fs/bench-fs.c) runs as yolk's main app (fs/fat
# on drivers/virtio-blk, mounted with mount=/data:vda:fat) and as a static
# Linux program (vfat on virtio_blk, modules from Debian's cloud kernel
# package, tools/linux-guest), both under the same QEMU: TCG, -cpu max, one
# CPU, 512 MiB, each on its own fresh FAT32 image made the same way
# (mkfs.fat -F 32 -s 8: 4 KiB clusters, no partition table) and attached
# with the same -drive options. It writes a SIZE MiB file in 64 KiB writes
# (and SIZE/4 MiB in 4 KiB writes), fsync, then reads it back (Linux drops
# its page cache first), and creates FILES files of 4 KiB. Prints MB/s
# (10^6 B/s) and files/s of both, the ratio yolk/linux (> 1: yolk is
# faster), the image size, and fsck.fat -n of both images afterwards.
#
# Each of RUNS rounds (default 3) runs yolk then Linux on fresh images and
# checks both; the table shows medians, since a loaded host moves single
# runs by 2x. SIZE (MiB, default 64), FILES (default 200), DISK (image MiB,
# default 512: FAT32 needs >= 65525 clusters), CACHE (QEMU -drive cache
# mode, default writeback: guest flushes reach the host disk, reads may
# come from the host's page cache; none bypasses it).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-fs}")
size=${SIZE:-64}
files=${FILES:-200}
disk_mib=${DISK:-512}
cache_mode=${CACHE:-writeback}
runs=${RUNS:-3}
guest_cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}
export LINUX_GUEST_MODULES="virtio_pci virtio_blk vfat nls_cp437 nls_ascii"
start=$(date +%s)

if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=bench-fs >/dev/null
fi
ninja -C "$build" yolk >/dev/null
gcc -O2 -static -o "$build/bench-fs-linux" "$top/apps/bench-fs/bench-fs.c"
kernel=$("$top/tools/linux-guest" "$guest_cache" "$build/bench-fs-initrd.gz" "$build/bench-fs-linux" \
	-m /dev/vda /mnt "$size" "$files")

drive() { echo "file=$build/fs-$1.img,if=virtio,format=raw,cache=$cache_mode"; }
machine=(-machine q35 -cpu max -smp 1 -m 512M -nic none -display none -monitor none -no-reboot)
fsck_out=()
for run in $(seq "$runs"); do
	for who in yolk linux; do
		rm -f "$build/fs-$who.img"
		truncate -s "${disk_mib}M" "$build/fs-$who.img"
		mkfs.fat -F 32 -s 8 -n BENCHFS -i 12345678 "$build/fs-$who.img" >/dev/null
	done
	python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --memory 512M \
		--cmdline "mount=/data:vda:fat /data $size $files" --qemu-arg=-drive --qemu-arg="$(drive yolk)" \
		--log "$build/bench-fs-yolk.$run.log" --timeout 900 || echo "yolk guest failed (exit $?)"
	timeout 900 qemu-system-x86_64 "${machine[@]}" -kernel "$kernel" -initrd "$build/bench-fs-initrd.gz" \
		-append "console=ttyS0 quiet panic=-1" -serial "file:$build/bench-fs-linux.$run.log" \
		-drive "$(drive linux)" </dev/null || echo "linux guest failed (exit $?)"
	for who in yolk linux; do
		if out=$(fsck.fat -n "$build/fs-$who.img" 2>&1); then verdict=clean; else verdict="NOT CLEAN"; fi
		fsck_out+=("fsck.fat -n ($who image, run $run): $verdict: $(echo "$out" | tail -n 1)")
		[ "$verdict" = clean ] || fsck_out+=("$(echo "$out" | sed 's/^/  /')")
	done
done

python3 - "$build" "$runs" "$size" "$files" "$cache_mode" <<'PY'
import re, statistics, sys
build, runs, size, files, cache = sys.argv[1:6]
def read(path):
    text = open(path, errors="replace").read()
    for line in re.findall(r"^.*(?:error|failed|panic).*$", text, re.M | re.I):
        print(f"{path}: {line.strip()}")
    res = {m.group(1): float(m.group(2) or 0) for m in re.finditer(r"^bench (\w+) ?([\d.]*)\r?$", text, re.M)}
    if "done" not in res or re.search(r"mount /data .* failed", text):
        sys.exit(f"{path}: incomplete results {res}")
    res.pop("done")
    return res
def median(who):
    logs = [read(f"{build}/bench-fs-{who}.{r}.log") for r in range(1, int(runs) + 1)]
    return {k: statistics.median(l[k] for l in logs if k in l) for k in logs[0]}
yolk, linux = median("yolk"), median("linux")
print(f"FAT32 4 KiB clusters on virtio-blk (cache={cache}); {size} MiB in 64 KiB I/O, "
      f"{int(size) / 4:g} MiB in 4 KiB I/O, {files} files; TCG, 1 CPU; median of {runs} alternating runs")
print(f"{'metric':26} {'yolk':>10} {'linux':>10} {'yolk/linux':>11}")
for name in list(dict.fromkeys(list(yolk) + list(linux))):
    y, l = yolk.get(name), linux.get(name)
    ratio = f"{y / l:10.2f}x" if y and l else "          -"
    fmt = lambda v: f"{v:10.1f}" if v is not None else f"{'-':>10}"
    print(f"{name:26} {fmt(y)} {fmt(l)} {ratio}")
PY
echo "yolk image ($(sed -n 's/^PARTS=//p' "$build/yolk-selection.txt")): $(stat -c %s "$build/yolk") bytes"
printf '%s\n' "${fsck_out[@]}"
echo "run time: $(($(date +%s) - start)) s"
