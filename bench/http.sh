#!/usr/bin/env bash
# bench/http.sh [BUILD_DIR] — HTTP requests/s: yolk's httpd against nginx and
# busybox httpd on Linux, over a TAP device (default) or QEMU's user network.
#
# yolk: configs/httpd_defconfig (apps/httpd on lwIP and the NIC driver).
# Linux: Debian's cloud kernel with an initramfs (tools/linux-guest) holding
# nginx from Debian's package (the .deb and its libraries unpacked, never
# installed; one worker process, epoll, keep-alive on, access log off,
# GET /hello answered by `return 200`) on port 8080 and busybox httpd (a
# process per connection, a file /www/hello) on port 8000, in the same guest.
# All three answer GET /hello with "hello yolk\n" (11 bytes), under the same
# QEMU: TCG, -cpu max, one CPU, 256 MiB, the same NIC model.
#
# NET=tap (default): the guest's NIC is a TAP device in a network namespace
# of this run's own (tools/netns-run: needs root); the guest is 10.0.0.2 and
# wrk runs in the namespace. No traffic leaves it.
# NET=user: QEMU's user networking with hostfwd from 127.0.0.1, what `ninja
# qemu` uses, with QEMU's listen backlog raised as `ninja qemu` raises it
# (tools/slirp-backlog.c; SLIRP=stock leaves libslirp's backlog of 1, which
# breaks wrk's connect bursts). Its slirp thread bounds new connections, so
# it measures slirp as much as the guest: kept to see what `ninja qemu`
# users see.
# NET=passt: user-mode networking without root inside, like slirp, but by
# passt (Debian's package), a process of its own that QEMU reaches with
# -netdev stream: it forwards 127.0.0.1's ports (in a namespace of this run's
# own, as NET=tap) to the guest through listeners with a real backlog, so
# it measures the guest, not a listener's queue of 2.
#
# wrk (one thread, C connections, DURATION seconds; one 2 s warm-up per
# server) measures two workloads at each C of CONNS:
#   keepalive  HTTP/1.1 connections reused (busybox httpd closes after every
#              response, so for it wrk reconnects each time anyway);
#   close      "Connection: close": a new TCP connection per request.
# Prints requests/s, p50 and p99 latency, wrk's socket errors (connect, read,
# write, timeout; summed over the runs) and the ratios yolk/nginx and
# yolk/busybox (> 1: yolk is faster). RUNS rounds (default 3) boot each guest
# anew; the table shows medians, since a loaded host moves single runs a lot,
# and each ratio is the median of the rounds' own ratios (a round measures
# the servers minutes apart; the host's speed drifts more between rounds). A
# run wrk got no figure from (a guest that stopped answering) is named under
# the table and left out of the medians, and the script then exits 1.
#
# NIC (QEMU model: virtio-net-pci, default, or e1000), CONNS (default
# "16 256"), DURATION (seconds, default 10), RUNS, NET, SLIRP.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
. "$top/bench/lib.sh"
bench_net_settings http "$@"
conns_list=${CONNS:-16 256}
debs="nginx libc6 libcrypt1 libpcre2-8-0 libssl3 zlib1g"
bench_netns "$debs" "$@"
for tool in wrk curl; do
	command -v $tool >/dev/null || { echo "bench/http.sh: $tool missing (run tools/bootstrap)" >&2; exit 1; }
done

bench_image httpd

# The Linux side: nginx and busybox httpd serving the same bytes, address set by hand.
{
	bench_linux_net_script
	cat <<'EOF'
$b mkdir -p /www /etc/nginx /var/lib/nginx /var/log/nginx /tmp
echo "hello yolk" >/www/hello
# nginx looks its worker's user up even as root.
echo 'root:x:0:0:root:/:/bin/sh' >/etc/passwd
echo 'nobody:x:65534:65534:nobody:/:/bin/false' >>/etc/passwd
printf 'root:x:0:\nnogroup:x:65534:\n' >/etc/group
cat >/etc/nginx/nginx.conf <<'CONF'
worker_processes 1;
pid /tmp/nginx.pid;
error_log stderr warn;
events { use epoll; worker_connections 1024; }
http {
	access_log off;
	keepalive_timeout 65;
	keepalive_requests 1000000;
	server {
		listen 8080 backlog=511;
		location = /hello { default_type text/plain; return 200 "hello yolk\n"; }
	}
}
CONF
/usr/sbin/nginx -e stderr -c /etc/nginx/nginx.conf -g 'daemon off;' &
$b httpd -f -p 8000 -h /www &
echo "linux-httpd: listening on ports 8000 (busybox) and 8080 (nginx)"
$b sleep 100000
EOF
} >"$build/linux-httpd.sh"
chmod +x "$build/linux-httpd.sh"
kernel=$(LINUX_GUEST_DEBS="$debs" LINUX_GUEST_BINS=/usr/sbin/nginx \
	"$top/tools/linux-guest" "$guest_cache" "$build/http-initrd.gz" "$build/linux-httpd.sh")

bench_net_nic 8000 8080
machine=(-machine q35 -cpu max -smp 1 -m 256M -display none -monitor none -no-reboot "${bench_nic_args[@]}")
declare -A url
url[yolk]=http://$bench_host:${bench_port[8000]}/hello
url[busybox]=http://$bench_host:${bench_port[8000]}/hello
url[nginx]=http://$bench_host:${bench_port[8080]}/hello

# Runs every workload against server $1 (the guest is up), results in wrk-$1-LOAD-C.RUN.txt.
load() {
	local who=$1 run=$2 c
	wrk -t1 -c 16 -d 2s "${url[$who]}" >/dev/null 2>&1 || true
	for c in $conns_list; do
		wrk -t1 -c "$c" -d "${duration}s" --latency "${url[$who]}" >"$build/wrk-$who-keepalive-$c.$run.txt" 2>&1 || true
		wrk -t1 -c "$c" -d "${duration}s" --latency -H "Connection: close" "${url[$who]}" \
			>"$build/wrk-$who-close-$c.$run.txt" 2>&1 || true
	done
}

# Boots $1 (yolk|linux), waits until every server in it answers, then
# measures them one after another. 1 if one never answered.
measure() {
	local guest_os=$1 run=$2 who log=$build/http-$1.$2.log
	if [ "$guest_os" = yolk ]; then
		bench_guest_boot "$log" "${machine[@]}" -device isa-debug-exit,iobase=0xf4,iosize=0x04 \
			-kernel "$build/yolk" -append "ip=$guest/$prefix gw=$gw" 2>>"$build/http-qemu.log"
		servers=(yolk)
	else
		bench_guest_boot "$log" "${machine[@]}" -kernel "$kernel" \
			-initrd "$build/http-initrd.gz" -append "console=ttyS0 quiet panic=-1" 2>>"$build/http-qemu.log"
		servers=(nginx busybox)
	fi
	for who in "${servers[@]}"; do
		if ! bench_guest_wait 240 0.5 bench_http_answers "${url[$who]}"; then
			echo "bench/http.sh: $who never answered ${url[$who]}" >&2
			bench_guest_report "$log"
			bench_guest_stop
			return 1
		fi
	done
	for who in "${servers[@]}"; do
		load "$who" "$run"
		bench_passt_check "$who's runs (run $run): the results after it are not the guest's" || true
	done
	bench_guest_stop
}

for run in $(seq "$runs"); do
	measure yolk "$run"
	# The Linux guest is the baseline, not what is measured: one that did not
	# come up (once in CI on a1339ae, busybox httpd; its log was lost with the
	# CI root) boots once more, and says so.
	if ! measure linux "$run"; then
		echo "bench/http.sh: booting the Linux guest again (run $run)" >&2
		measure linux "$run"
	fi
done

net_shown=$net
[ "$net" = user ] && [ "$slirp" = stock ] && net_shown=user-stock
python3 - "$build" "$runs" "$nic" "$duration" "$net_shown" $conns_list <<'PY'
import re, statistics, sys
build, runs, nic, duration, net = sys.argv[1:6]
conns = sys.argv[6:]
servers = ("yolk", "nginx", "busybox")
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
failed = []  # runs wrk got no figure from: named below the table, left out of the medians
def read(path):
    text = open(path, errors="replace").read()
    rate = re.search(r"^Requests/sec:\s+([\d.]+)", text, re.M)
    if not rate:
        failed.append(f"  {path}: {text.strip().splitlines()[-1] if text.strip() else 'empty'}")
        return None
    lat = {q: re.search(rf"^\s+{q}%\s+([\d.]+)(us|ms|s)\s*$", text, re.M) for q in ("50", "99")}
    errs = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
    kinds = [int(x) for x in errs.groups()] if errs else [0, 0, 0, 0]
    kinds.append(int(non2xx.group(1)) if non2xx else 0)
    return (float(rate.group(1)), ms(*lat["50"].groups()) if lat["50"] else float("nan"),
            ms(*lat["99"].groups()) if lat["99"] else float("nan"), kinds)
where = {"tap": "a TAP device (network namespace)",
         "user": "QEMU user networking (slirp, hostfwd; listen backlog raised, tools/slirp-backlog.c)",
         "user-stock": "QEMU user networking (slirp, hostfwd; libslirp's listen backlog of 1)",
         "passt": "passt user-mode networking (-netdev stream, network namespace)"}[net]
print(f"GET /hello (11-byte body) over {nic} on {where}; TCG, 1 CPU; wrk -t1 -cC -d{duration}s; "
      f"median of {runs} runs (ratios: median of each run's); errors summed over the runs")
print(f"{'workload':9} {'c':>4} | {'req/s yolk':>10} {'nginx':>7} {'busybox':>7} | {'yolk/nginx':>10} {'yolk/bb':>7} | "
      f"{'p50 ms yolk':>11} {'nginx':>6} {'bb':>6} | {'p99 ms yolk':>11} {'nginx':>6} {'bb':>6} | "
      f"{'errors yolk':>11} {'nginx':>5} {'bb':>5}")
notes = []
for c in conns:
    for load in ("keepalive", "close"):
        by_run = {w: {r: read(f"{build}/wrk-{w}-{load}-{c}.{r}.txt") for r in range(1, int(runs) + 1)}
                  for w in servers}
        res = {w: [x for x in by_run[w].values() if x] for w in servers}
        med = {w: [statistics.median(x[i] for x in res[w]) if res[w] else float("nan") for i in range(3)]
               for w in servers}
        err = {w: [sum(x[3][k] for x in res[w]) for k in range(5)] for w in servers}
        # Ratios pair the servers run by run (one round measures all three within
        # minutes, while the host's speed drifts between rounds), then take the
        # median. A baseline that answered nothing (0 req/s) has no ratio: '-'.
        def ratio(w, width):
            pairs = [y[0] / b[0] for y, b in zip(by_run["yolk"].values(), by_run[w].values()) if y and b and b[0]]
            return f"{statistics.median(pairs):{width}.2f}x" if pairs else f"{'-':>{width + 1}}"
        print(f"{load:9} {c:>4} | {med['yolk'][0]:10.0f} {med['nginx'][0]:7.0f} {med['busybox'][0]:7.0f} | "
              f"{ratio('nginx', 9)} {ratio('busybox', 6)} | "
              f"{med['yolk'][1]:11.2f} {med['nginx'][1]:6.2f} {med['busybox'][1]:6.2f} | "
              f"{med['yolk'][2]:11.2f} {med['nginx'][2]:6.2f} {med['busybox'][2]:6.2f} | "
              f"{sum(err['yolk']):11d} {sum(err['nginx']):5d} {sum(err['busybox']):5d}")
        for w in servers:
            if sum(err[w]):
                e = err[w]
                notes.append(f"  {w} {load} c={c}: connect {e[0]}, read {e[1]}, write {e[2]}, timeout {e[3]}, "
                             f"non-2xx {e[4]}")
if notes:
    print("errors by kind (wrk: read = reset or closed before the answer; timeout = no answer in 2 s):")
    print("\n".join(notes))
if failed:
    print(f"{len(failed)} run(s) without a result (medians are of the others; nan: none left):")
    print("\n".join(failed))
    sys.exit(1)
PY
bench_footer "$start"
