#!/usr/bin/env bash
# bench/soak.sh [BUILD_DIR] — apps/httpd soaked with new connections over a
# TAP device (tests/http_soak.py inside tools/netns-run: needs root):
# SEQUENTIAL (default 100,000) connections one after another, each tenth's
# req/s within 15 % of their median; BURSTS (default 20,000) more in bursts of
# CONNS (default 256) opened at once, none failing; the guest's free memory
# (GET /status: free pages plus malloc's free bytes) within a few pages of
# its value before; the guest still serves.
# The image is configs/httpd_defconfig (room for 256 clients at once).
# TIME_LIMIT (seconds, default 3000) bounds the whole run; FLAT (default 15)
# is the % each tenth may be off. A tenth's rate is per second of CPU time QEMU ran.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-http}")
if [ ! -f "$build/build.ninja" ]; then
	meson setup "$build" "$top" --cross-file "$top/cross/x86_64-yolk.ini" -Ddefconfig=httpd >/dev/null
fi
ninja -C "$build" yolk >/dev/null
start=$(date +%s)
status=0
"$top/tools/netns-run" python3 "$top/tests/http_soak.py" --kernel "$build/yolk" --cmdline "" \
	--sequential "${SEQUENTIAL:-100000}" --bursts "${BURSTS:-20000}" --conns "${CONNS:-256}" \
	--flat "${FLAT:-15}" --time-limit "${TIME_LIMIT:-3000}" || status=$?
echo "run time: $(($(date +%s) - start)) s"
exit $status
