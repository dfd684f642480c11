# bench/lib.sh — sourced by the benchmarks that run one program in yolk and
# in a Linux guest under the same QEMU (TCG, -cpu max, 512 MiB), and by those
# that boot a guest serving the host over a NIC (the second half).
# Expects $top (the source tree) and $build (the bench's build directory).

# bench_image DEFCONFIG: configures $build for configs/DEFCONFIG_defconfig once, then builds the image.
bench_image() {
	if [ ! -f "$build/build.ninja" ]; then
		meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig="$1" >/dev/null
	fi
	ninja -C "$build" yolk >/dev/null
	if [ "${net:-}" = user ] && [ "${slirp:-}" = backlog ]; then
		ninja -C "$build" slirp-backlog.so >/dev/null
	fi
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

# --- Benchmarks that boot a guest serving the host over a NIC (http, iperf, smp) ---

# bench_nic_modules NIC: exports what the Linux guest needs for QEMU's NIC model NIC
# (tools/linux-guest's LINUX_GUEST_MODULES, and LINUX_GUEST_FLAVOUR where Debian's
# cloud kernel lacks the driver); exits 2 on a model the benchmarks do not know.
bench_nic_modules() {
	case $1 in
	virtio-net-pci) export LINUX_GUEST_MODULES="virtio_pci virtio_net" ;;
	e1000) export LINUX_GUEST_MODULES="e1000" LINUX_GUEST_FLAVOUR=amd64 ;; # not in the cloud kernel
	*) echo "bench/$(basename "$0"): NIC must be virtio-net-pci or e1000" >&2; exit 2 ;;
	esac
}

# bench_net_settings NAME [BUILD_DIR]: the settings a network benchmark reads, as
# globals: net (NET: tap, the default, user or passt), build (BUILD_DIR, default
# build-bench-NAME), nic (NIC, default virtio-net-pci, its Linux modules
# exported), duration (DURATION, default 10 s), runs (RUNS, default 3),
# guest_cache (YOLK_GUEST_CACHE), slirp (SLIRP: with NET=user, "backlog", the
# default, preloads tools/slirp-backlog.c into QEMU as `ninja qemu` does;
# "stock" leaves libslirp's hostfwd backlog at 1) and start (for bench_footer).
bench_net_settings() {
	net=${NET:-tap}
	case $net in
	tap | user | passt) ;;
	*) echo "bench/$(basename "$0"): NET must be tap, user or passt" >&2; exit 2 ;;
	esac
	slirp=${SLIRP:-backlog}
	case $slirp in
	backlog | stock) ;;
	*) echo "bench/$(basename "$0"): SLIRP must be backlog or stock" >&2; exit 2 ;;
	esac
	build=$(realpath -m "${2:-$top/build-bench-$1}")
	nic=${NIC:-virtio-net-pci}
	duration=${DURATION:-10}
	runs=${RUNS:-3}
	guest_cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}
	start=$(date +%s)
	bench_nic_modules "$nic"
}

# bench_netns DEBS ARGS...: with NET=tap or passt, run from outside, fetches
# the Linux guest's kernel, modules and Debian packages DEBS into guest_cache
# (the namespace has no way out) and runs the calling script again with ARGS
# in a network namespace with a TAP device (tools/netns-run; it does not
# return). Inside it, and with NET=user, goes on to bench_guest_addr.
bench_netns() {
	local debs=$1
	shift
	if [ "$net" != user ] && [ -z "${YOLK_TAP:-}" ]; then
		LINUX_GUEST_FETCH_ONLY=1 LINUX_GUEST_DEBS="$debs" "$top/tools/linux-guest" "$guest_cache" - -
		exec "$top/tools/netns-run" "$0" "$@" # back in the calling script, inside the namespace
	fi
	bench_guest_addr
}

# bench_guest_addr: sets guest, gw and prefix for $net: the guest's address,
# its gateway (the host's side) and the prefix length.
bench_guest_addr() {
	if [ "$net" = passt ]; then
		# passt wants a default route to take its addresses from; in the
		# namespace it leads into the TAP device, which nothing reads.
		ip route add default via "$YOLK_TAP_GUEST" dev "$YOLK_TAP" 2>/dev/null || true
	fi
	if [ "$net" = tap ]; then
		guest=$YOLK_TAP_GUEST gw=$YOLK_TAP_HOST prefix=$YOLK_TAP_PREFIX
	else
		guest=10.0.2.15 gw=10.0.2.2 prefix=24
	fi
}

# bench_linux_net_script: prints the start of a Linux guest's /program (a
# busybox shell script; $b is busybox) that sets its address by hand, as
# yolk's ip= and gw= do: $guest/$prefix on eth0, the default route via $gw.
bench_linux_net_script() {
	cat <<EOF
#!/bin/busybox sh
b=/bin/busybox
\$b ip link set lo up
\$b ip addr add $guest/$prefix dev eth0
\$b ip link set eth0 up
\$b ip route add default via $gw
EOF
}

# bench_net_nic PORT...: QEMU's arguments for the guest's NIC (model $nic) in
# the array bench_nic_args, and where the host reaches the guest's TCP PORTs:
# host bench_host, port ${bench_port[PORT]}. Over TAP that is the guest's own
# address and port; on user networking a hostfwd from a free port of 127.0.0.1;
# with passt the same port of 127.0.0.1 in the namespace (bench_passt_args,
# for passt, which bench_guest_boot starts).
bench_net_nic() {
	local p fwd=
	declare -gA bench_port=()
	if [ "$net" = tap ]; then
		bench_nic_args=(-netdev "tap,id=n0,ifname=$YOLK_TAP,script=no,downscript=no" -device "$nic,netdev=n0")
		bench_host=$guest
		for p in "$@"; do bench_port[$p]=$p; done
	elif [ "$net" = passt ]; then
		# In /tmp: passt drops to nobody, and Debian's AppArmor profile for it
		# lets it make sockets there and in /run/user, not in a build directory.
		bench_passt_sock=/tmp/yolk-passt-$$.sock
		bench_nic_args=(-netdev "stream,id=n0,server=off,addr.type=unix,addr.path=$bench_passt_sock"
			-device "$nic,netdev=n0")
		bench_passt_args=(-a "$guest" -n "$prefix" -g "$gw")
		bench_host=127.0.0.1
		for p in "$@"; do
			bench_port[$p]=$p
			bench_passt_args+=(-t "127.0.0.1/$p")
		done
	else
		bench_host=127.0.0.1
		for p in "$@"; do
			bench_port[$p]=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
			fwd+=",hostfwd=tcp:127.0.0.1:${bench_port[$p]}-:$p"
		done
		bench_nic_args=(-nic "user,model=$nic$fwd")
	fi
}

# bench_guest_boot SERIAL_LOG QEMU_ARGS...: starts qemu-system-x86_64 with
# QEMU_ARGS in the background, no stdin, its serial output into SERIAL_LOG
# (with NET=passt, a passt for it first, its log beside SERIAL_LOG).
# bench_guest_stop ends them, and so does the script's exit.
bench_qemu_pid=
bench_passt_pid=
bench_guest_why=
bench_guest_boot() {
	local log=$1 i
	shift
	trap bench_guest_stop EXIT
	if [ "$net" = passt ]; then
		rm -f "$bench_passt_sock"
		# -1: it ends with its one client, QEMU; -f: in the foreground, ours to stop.
		passt -f -1 -q -s "$bench_passt_sock" -l "${log%.log}.passt.log" "${bench_passt_args[@]}" </dev/null &
		bench_passt_pid=$!
		for i in $(seq 100); do [ -S "$bench_passt_sock" ] && break; sleep 0.05; done
		if ! bench_passt_check "its start"; then
			# In a chroot, for one, the kernel refuses passt its user namespace.
			tail -n 5 "${log%.log}.passt.log" | sed 's/^/  | /' >&2
			exit 1
		fi
	fi
	local preload=()
	if [ "$net" = user ] && [ "${slirp:-}" = backlog ]; then
		preload=(env "LD_PRELOAD=$build/slirp-backlog.so${LD_PRELOAD:+ $LD_PRELOAD}")
	fi
	"${preload[@]}" qemu-system-x86_64 "$@" -serial "file:$log" </dev/null &
	bench_qemu_pid=$!
}

# bench_passt_check WHAT: with NET=passt, says on stderr (and returns 1) when
# passt is no longer running while the guest is: Debian 12's passt
# (0.0~git20230309) dies of SIGFPE under connection churn, with yolk and Linux
# guests alike, and what was measured after that is its absence.
bench_passt_check() {
	local status=0
	[ "$net" = passt ] && [ -n "$bench_passt_pid" ] || return 0
	kill -0 "$bench_passt_pid" 2>/dev/null && return 0
	wait "$bench_passt_pid" 2>/dev/null || status=$?
	echo "bench/$(basename "$0"): passt exited (status $status$([ $status -gt 128 ] && echo ", signal $((status - 128))")) during $1" >&2
	bench_passt_pid=
	return 1
}

bench_guest_stop() {
	[ -n "$bench_qemu_pid" ] && kill "$bench_qemu_pid" 2>/dev/null && wait "$bench_qemu_pid" 2>/dev/null || true
	[ -n "$bench_passt_pid" ] && kill "$bench_passt_pid" 2>/dev/null && wait "$bench_passt_pid" 2>/dev/null || true
	[ -z "${bench_passt_sock:-}" ] || rm -f "$bench_passt_sock"
	bench_qemu_pid= bench_passt_pid=
}

# bench_guest_wait TRIES PAUSE CHECK...: runs the command CHECK until it
# succeeds, at most TRIES times PAUSE seconds apart, while the guest boots;
# 1 if it never did or QEMU exited first, with bench_guest_why saying which.
bench_guest_wait() {
	local tries=$1 pause=$2 i start=$SECONDS
	shift 2
	for i in $(seq "$tries"); do
		"$@" && return 0
		if ! kill -0 "$bench_qemu_pid" 2>/dev/null; then
			bench_guest_why="QEMU exited after $((SECONDS - start)) s"
			return 1
		fi
		if ! bench_passt_check "the boot"; then
			bench_guest_why="passt exited after $((SECONDS - start)) s"
			return 1
		fi
		sleep "$pause"
	done
	bench_guest_why="no answer in $tries tries over $((SECONDS - start)) s, QEMU still running"
	return 1
}

# bench_guest_report LOG: why the last bench_guest_wait gave up and the end
# of the guest's console LOG, on stderr: a benchmark that fails in CI leaves
# nothing else behind (the scratch tree goes with the CI root).
bench_guest_report() {
	echo "  $bench_guest_why; the end of $1:" >&2
	tail -n 25 "$1" 2>/dev/null | sed 's/^/  | /' >&2 || true
}

# bench_http_answers URL: a CHECK for bench_guest_wait: GET URL answers
# "hello yolk" (what the benchmarks' servers serve at /hello) within 2 s.
bench_http_answers() {
	[ "$(curl -s --noproxy "*" --max-time 2 "$1" 2>/dev/null)" = "hello yolk" ]
}
