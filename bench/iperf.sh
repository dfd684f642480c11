#!/usr/bin/env bash
# bench/iperf.sh [BUILD_DIR] — TCP throughput: iperf3's server in yolk against
# Linux, over a TAP device (default) or QEMU's user network.
#
# yolk: configs/iperf3_defconfig (apps/iperf3 on lwIP and the NIC driver).
# Linux: Debian's cloud kernel with iperf3 built from the same pinned Debian
# source (subprojects/iperf3, linked statically: iperf3-static) in a busybox
# initramfs (tools/linux-guest; the NIC's modules from the same kernel
# package). Both run `iperf3 -s` on port 5201 (address set statically) under
# the same QEMU: TCG, -cpu max, one CPU, 256 MiB, the same NIC model.
#
# NET=tap (default): the guest's NIC is a TAP device in a network namespace
# of this run's own (tools/netns-run: needs root); the guest is 10.0.0.2 and
# the client runs in the namespace (10.0.0.1). No traffic leaves it.
# NET=user: QEMU's user networking with a hostfwd from the host's 127.0.0.1
# (the control and the data connection both reach the guest's port 5201
# through it). Its one host thread (slirp) copies every byte and bounds both
# guests: kept to see what `ninja qemu` users see.
#
# The host's iperf3 client (Debian package iperf3) measures, after a 1 s
# warm-up test:
#   to guest    iperf3 -c GUEST -t DURATION      (the guest receives)
#   from guest  iperf3 -c GUEST -t DURATION -R   (the guest sends)
# and prints Mbit/s received in each direction, the ratio yolk/linux (> 1:
# yolk is faster) and the image size. RUNS rounds (default 3) alternate yolk
# and Linux; the table shows medians.
#
# NIC (QEMU model: virtio-net-pci, default, or e1000), DURATION (seconds,
# default 10), RUNS, NET.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bench_net_settings iperf "$@"
bench_netns "" "$@"
command -v iperf3 >/dev/null || { echo "bench/iperf.sh: iperf3 missing (run tools/bootstrap)" >&2; exit 1; }

bench_image iperf3
iperf3_static=$(bench_native_target iperf linux/iperf3-static)

# The Linux side: the same iperf3, address set by hand as yolk's ip= does.
{
	bench_linux_net_script
	cat <<'EOF'
$b mkdir -p /tmp
/iperf3-static -s -p 5201 &
$b sleep 100000
EOF
} >"$build/linux-iperf.sh"
chmod +x "$build/linux-iperf.sh"
kernel=$(LINUX_GUEST_FILES="$iperf3_static" "$top/tools/linux-guest" "$guest_cache" \
	"$build/iperf-initrd.gz" "$build/linux-iperf.sh")

bench_net_nic 5201
host=$bench_host port=${bench_port[5201]}
machine=(-machine q35 -cpu max -smp 1 -m 256M -display none -monitor none -no-reboot "${bench_nic_args[@]}")

# Boots $1 (yolk|linux), waits until a 1 s test passes, then measures both directions.
measure() {
	local who=$1 run=$2
	if [ "$who" = yolk ]; then
		bench_guest_boot "$build/iperf-yolk.$run.log" "${machine[@]}" \
			-device isa-debug-exit,iobase=0xf4,iosize=0x04 -kernel "$build/yolk" \
			-append "ip=$guest/$prefix gw=$gw -s -p 5201"
	else
		bench_guest_boot "$build/iperf-linux.$run.log" "${machine[@]}" -kernel "$kernel" \
			-initrd "$build/iperf-initrd.gz" -append "console=ttyS0 quiet panic=-1"
	fi
	if ! bench_guest_wait 120 1 timeout 20 iperf3 -c "$host" -p "$port" -t 1 --connect-timeout 3000 >/dev/null 2>&1; then
		echo "bench/iperf.sh: $who never passed a 1 s test" >&2
		bench_guest_report "$build/iperf-$who.$run.log"
	fi
	client "$build/iperf-$who-to.$run.json"
	client "$build/iperf-$who-from.$run.json" -R
	bench_guest_stop
}

# One measured test into $1 (JSON). The server closes its listener after each
# test and opens it again, so a client right behind the last one can meet a
# reset (a connection to a port nobody listens on for that moment): wait a
# little first, and try again (at most 3 times) if iperf3 reports an error.
client() {
	local out=$1 try
	shift
	for try in 1 2 3; do
		sleep 2
		timeout $((duration + 60)) iperf3 -c "$host" -p "$port" -t "$duration" -J "$@" >"$out" 2>&1 || true
		grep -q '"error"' "$out" || return 0
		echo "bench/iperf.sh: $(basename "$out"), try $try: $(sed -n 's/.*"error": *//p' "$out")" >&2
	done
}

for run in $(seq "$runs"); do
	measure yolk "$run"
	measure linux "$run"
done

python3 - "$build" "$runs" "$nic" "$duration" "$net" <<'PY'
import json, statistics, sys
build, runs, nic, duration, net = sys.argv[1:6]
def mbits(path):
    try:
        r = json.load(open(path))
        return r["end"]["sum_received"]["bits_per_second"] / 1e6
    except (OSError, ValueError, KeyError) as e:
        print(f"  {path}: no result ({e!r})")
        return float("nan")
where = "a TAP device (network namespace)" if net == "tap" else "QEMU user networking"
print(f"iperf3 TCP, one stream, {duration} s, over {nic} on {where}; TCG, 1 CPU; "
      f"median of {runs} alternating runs (Mbit/s received)")
print(f"{'direction':12} {'yolk':>10} {'linux':>10} {'yolk/linux':>11}")
def median(values):  # of the runs that gave a result (a failed one is named above)
    values = [v for v in values if v == v]
    return statistics.median(values) if values else float("nan")
for d, name in (("to", "to guest"), ("from", "from guest")):
    res = {w: median([mbits(f"{build}/iperf-{w}-{d}.{r}.json") for r in range(1, int(runs) + 1)])
           for w in ("yolk", "linux")}
    print(f"{name:12} {res['yolk']:10.1f} {res['linux']:10.1f} {res['yolk'] / res['linux']:10.2f}x")
PY
bench_footer "$start"
