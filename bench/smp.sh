#!/usr/bin/env bash
# bench/smp.sh [BUILD_DIR] — CPU-bound parallel scaling: yolk against Linux at 1, 2 and 4 CPUs;
# 1,000,000 ping-pongs between CPUs; httpd keep-alive req/s.
#
# The same C program (apps/bench-smp/bench-smp.c: N threads hash BLOCKS 4 KiB
# blocks between them, sharing nothing) runs as yolk's main app and as a
# static Linux binary (glibc pthreads) in Debian's cloud kernel with a busybox
# initramfs (tools/linux-guest), both under the same QEMU (TCG, -cpu max,
# 512 MiB) with -smp N and N threads, N in CPUS (default "1 2 4"). Each
# guest measures its own wall time; this prints both and each one's scaling
# (its 1-CPU time / its N-CPU time). QEMU's multi-threaded TCG runs each vCPU
# on its own host thread, so scaling is bounded by the host's free cores.
# BLOCKS (default 8000, about 3.5 s on one CPU: shorter runs were mostly
# noise) sets the work; each side runs RUNS times (default 3) per CPU count
# and the median is compared, the runs printed beside it.
#
# Then no lost wakeups: PINGPONG (default 1,000,000, the issue's count)
# round trips between threads pinned to cpu 0 and cpu 1 at -smp 2 (ktest
# smp-pingpong, in the same image: a semaphore each way; a wakeup that went
# missing would leave one waiting out its 5 s); prints the time, the rate
# and how many were lost, and fails unless every one completed.
#
# Then httpd keep-alive requests/s at the same CPU counts: apps/httpd (one
# poll loop per online CPU, configs/bench-smp-httpd_defconfig) on yolk, and
# the same httpd.c built static for Linux (its Kconfig defaults from
# tests/fuzz/include) in the Linux guest with virtio-net, as bench/http.sh
# boots it; both under -smp N, 256 MiB, virtio-net on QEMU user networking
# with a hostfwd from 127.0.0.1. wrk (-t1, CONNS connections, default 16,
# DURATION seconds, default 10, after a 2 s warm-up) GETs /hello. The host's
# user-networking thread and wrk share the host's cores with the guest, so
# this row shows the whole path's scaling, not the guest's alone.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-smp}")
blocks=${BLOCKS:-8000}
runs=${RUNS:-3}
pingpong=${PINGPONG:-1000000}
cpus=${CPUS:-1 2 4}
cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}
conns=${CONNS:-16}
duration=${DURATION:-10}
. "$top/bench/lib.sh"
command -v wrk >/dev/null || { echo "bench/smp.sh: wrk missing (run tools/bootstrap)" >&2; exit 1; }

bench_image bench-smp
gcc -O2 -static -pthread -o "$build/bench-smp-linux" "$top/apps/bench-smp/bench-smp.c"
hbuild=$build/httpd-yolk
build=$hbuild bench_image bench-smp-httpd
gcc -O2 -static -pthread -I "$top/tests/fuzz/include" -o "$build/httpd" \
	"$top"/apps/httpd/{httpd,serve,http_parse}.c

machine=(-machine q35 -cpu max -m 512M -nic none -display none -monitor none -no-reboot)
: >"$build/bench-yolk.log"
: >"$build/bench-linux.log"
for n in $cpus; do
	kernel=$("$top/tools/linux-guest" "$cache" "$build/bench-smp-initrd-$n.gz" "$build/bench-smp-linux" "$n" "$blocks")
	for r in $(seq "$runs"); do # the sides alternate, so a change in host load hits both
		python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --smp "$n" --cmdline "loglevel=2 $n $blocks" \
			--memory 512M --log "$build/bench-yolk-$n-$r.log" --timeout 900
		cat "$build/bench-yolk-$n-$r.log" >>"$build/bench-yolk.log"
		timeout 900 qemu-system-x86_64 "${machine[@]}" -smp "$n" -kernel "$kernel" \
			-initrd "$build/bench-smp-initrd-$n.gz" -append "console=ttyS0 quiet panic=-1" \
			-serial "file:$build/bench-linux-$n-$r.log" </dev/null
		cat "$build/bench-linux-$n-$r.log" >>"$build/bench-linux.log"
	done
done

python3 "$top/tools/yolkqemu.py" --kernel "$build/yolk" --smp 2 --memory 512M --log "$build/pingpong.log" \
	--cmdline "loglevel=2 app=ktest smp-pingpong 2 $pingpong 3500" --timeout 3600 || true
python3 - "$build/pingpong.log" "$pingpong" <<'PY'
import re, sys
text = open(sys.argv[1], errors="replace").read()
m = re.search(r"^smp-pingpong: pingpong cpu 0 <-> cpu 1: (\d+) round trips in (\d+) ms \((all|time bound), (\d+)/s\), "
              r"lost (\d+)\r?$", text, re.M)
if not m:
    sys.exit(f"bench/smp.sh: no ping-pong result in {sys.argv[1]}")
n, ms, rate, lost = int(m.group(1)), int(m.group(2)), int(m.group(4)), int(m.group(5))
print(f"ping-pong cpu 0 <-> cpu 1 (-smp 2): {n} of {sys.argv[2]} round trips in {ms} ms, {rate}/s, {lost} lost")
if n != int(sys.argv[2]) or lost:
    sys.exit("bench/smp.sh: ping-pong round trips lost or unfinished")
PY

# httpd, on user networking (bench/http.sh measures over TAP); the Linux side sets its address by hand.
net=user nic=virtio-net-pci
bench_guest_addr
bench_nic_modules "$nic"
{
	bench_linux_net_script
	cat <<'EOF'
$b mkdir -p /www
/httpd -p 8000 -r /www &
$b sleep 100000
EOF
} >"$build/linux-httpd.sh"
chmod +x "$build/linux-httpd.sh"
hkernel=$(LINUX_GUEST_FILES="$build/httpd" "$top/tools/linux-guest" "$cache" "$build/httpd-initrd.gz" \
	"$build/linux-httpd.sh")
bench_net_nic 8000
url="http://$bench_host:${bench_port[8000]}/hello"
# Boots $1 (yolk|linux) with $2 CPUs, waits for GET /hello, runs wrk into wrk-$1-$2.txt.
measure_http() {
	local who=$1 n=$2
	local machine=(-machine q35 -cpu max -smp "$n" -accel tcg,thread=multi -m 256M -display none -monitor none
		-no-reboot "${bench_nic_args[@]}")
	if [ "$who" = yolk ]; then
		bench_guest_boot "$build/httpd-yolk-$n.log" "${machine[@]}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$hbuild/yolk" -append "ip=$guest/$prefix gw=$gw"
	else
		bench_guest_boot "$build/httpd-linux-$n.log" "${machine[@]}" -kernel "$hkernel" \
			-initrd "$build/httpd-initrd.gz" -append "console=ttyS0 quiet panic=-1"
	fi
	if ! bench_guest_wait 240 0.5 bench_http_answers "$url"; then
		echo "bench/smp.sh: $who guest (-smp $n) never answered $url" >&2
		bench_guest_report "$build/httpd-$who-$n.log"
		bench_guest_stop
		exit 1
	fi
	wrk -t1 -c "$conns" -d 2s "$url" >/dev/null 2>&1 || true
	wrk -t1 -c "$conns" -d "${duration}s" "$url" >"$build/wrk-$who-$n.txt" 2>&1 || true
	curl -s --noproxy "*" --max-time 5 "${url%/hello}/status" >"$build/status-$who-$n.txt" || true
	bench_guest_stop
}
for n in $cpus; do
	measure_http yolk "$n"
	measure_http linux "$n"
done

python3 - "$build/bench-yolk.log" "$build/bench-linux.log" "$build" "$cpus" "$conns" "$duration" "$runs" "$blocks" <<'PY'
import re, statistics, sys
runs, blocks = int(sys.argv[7]), sys.argv[8]
def read(path):
    """{threads: [ms of each run]}, and the set of check values seen."""
    text = open(path, errors="replace").read()
    times, checks = {}, set()
    for m in re.finditer(r"^bench smp threads=(\d+) blocks=\d+ ms=(\d+) check=(\w+)\r?$", text, re.M):
        times.setdefault(int(m.group(1)), []).append(int(m.group(2)))
        checks.add(m.group(3))
    return times, checks
(yolk, yc), (linux, lc) = read(sys.argv[1]), read(sys.argv[2])
if not yolk or sorted(yolk) != sorted(linux) or any(len(v) != runs for v in list(yolk.values()) + list(linux.values())):
    sys.exit(f"missing results ({runs} runs each): yolk {yolk}, linux {linux}")
if len(yc | lc) != 1:
    sys.exit(f"check values differ: {yc | lc}")
ym = {n: statistics.median(v) for n, v in yolk.items()}
lm = {n: statistics.median(v) for n, v in linux.items()}
base = min(yolk)
print(f"parallel hash, {blocks} blocks; median of {runs} runs per side (the runs in brackets)")
print(f"{'CPUs':>4} {'yolk ms':>9} {'linux ms':>9} {'yolk scaling':>13} {'linux scaling':>14} {'yolk/linux':>11}"
      f"  runs yolk | linux")
for n in sorted(yolk):
    y, l = ym[n], lm[n]
    print(f"{n:4} {y:9.0f} {l:9.0f} {ym[base] / y:12.2f}x {lm[base] / l:13.2f}x {l / y:10.2f}x"
          f"  [{' '.join(map(str, yolk[n]))}] | [{' '.join(map(str, linux[n]))}]")
build, cpus, conns, duration = sys.argv[3], [int(c) for c in sys.argv[4].split()], sys.argv[5], sys.argv[6]
def rate(path):
    text = open(path, errors="replace").read()
    m = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if not m:
        sys.exit(f"{path}: no result\n{text}")
    errors = re.search(r"Socket errors: .*$|Non-2xx or 3xx responses: \d+", text, re.M)
    return float(m.group(1)), errors.group(0) if errors else ""
print(f"httpd keep-alive GET /hello, one poll loop per CPU; virtio-net, QEMU user networking; "
      f"wrk -t1 -c{conns} -d{duration}s")
print(f"{'CPUs':>4} {'yolk req/s':>11} {'linux req/s':>12} {'yolk scaling':>13} {'linux scaling':>14} {'yolk/linux':>11}")
res = {(w, n): rate(f"{build}/wrk-{w}-{n}.txt") for w in ("yolk", "linux") for n in cpus}
b = min(cpus)
for n in cpus:
    y, l = res["yolk", n][0], res["linux", n][0]
    print(f"{n:4} {y:11.0f} {l:12.0f} {y / res['yolk', b][0]:12.2f}x {l / res['linux', b][0]:13.2f}x {y / l:10.2f}x")
for (w, n), (_, err) in res.items():
    if err:
        print(f"  {w} -smp {n}: {err}")
for w in ("yolk", "linux"):
    for n in cpus:
        loops = re.findall(r"^loop \d+ cpu -?\d+ connections \d+ requests (\d+)$",
                           open(f"{build}/status-{w}-{n}.txt", errors="replace").read(), re.M)
        print(f"  {w} -smp {n}: requests per loop {' '.join(loops) or '?'}")
PY
