#!/usr/bin/env bash
# bench/sqlite.sh [BUILD_DIR] — SQLite speed: the sqlite3 shell in yolk against the same on Linux.
#
# A script (ROWS inserts, default 100,000, in TXNS transactions, default 10;
# then an index, aggregates, a self-join, a LIKE scan, integrity_check) runs
# with `.timer on` in
# `sqlite` as yolk's main app (configs/sqlite_defconfig, the script in the
# initrd) and in sqlite3 built from the same pinned source with the same
# options, linked statically, as the program of a Linux guest (Debian's
# cloud kernel and a busybox initramfs, tools/linux-guest). The database is
# in RAM on both sides (yolk's ramfs root, Linux's initramfs), so the
# figures are SQLite on each kernel's file calls, not a disk. Both under the
# same QEMU: TCG, -cpu max, one CPU, 512 MiB. The table sums the "real"
# seconds SQLite reports per statement: inserts, queries and all, and the
# ratio linux/yolk (> 1: yolk is faster). Linux boots with no_timer_check:
# on a loaded host its IO-APIC timer check under TCG panics now and then.
# RUNS rounds (default 1)
# alternate yolk and Linux; the table shows medians.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
build=$(realpath -m "${1:-$top/build-bench-sqlite}")
runs=${RUNS:-1}
rows=${ROWS:-100000}
txns=${TXNS:-10}
guest_cache=${YOLK_GUEST_CACHE:-$top/build-guest-cache}
start=$(date +%s)

. "$top/bench/lib.sh"
bench_image sqlite
sqlite3=$(bench_native_target sqlite3 sqlite3-static)
rm -rf "$build/bench-sqlite-root" && mkdir -p "$build/bench-sqlite-root"
per=$((rows / txns))
{
	echo ".timer on"
	echo "CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT, f REAL);"
	for t in $(seq 0 $((txns - 1))); do
		echo "BEGIN;"
		echo "WITH RECURSIVE c(x) AS (SELECT $((t * per + 1)) UNION ALL SELECT x + 1 FROM c WHERE x < $(((t + 1) * per)))"
		echo "  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;"
		echo "COMMIT;"
	done
	cat <<-'SQL'
	CREATE INDEX t_k ON t(k);
	SELECT count(*), sum(k), printf('%.3f', sum(f)) FROM t;
	SELECT k % 10, count(*), avg(f) FROM t GROUP BY k % 10 ORDER BY 1;
	SELECT count(*) FROM t a JOIN t b ON b.k = a.k WHERE a.id % 100 = 0;
	SELECT count(*) FROM t WHERE v LIKE 'row-09%';
	PRAGMA integrity_check;
	.print bench done
	SQL
} >"$build/bench-sqlite-root/bench.sql"
python3 "$top/tools/mkinitrd.py" "$build/bench-sqlite-root" "$build/bench-sqlite-initrd.cpio"
kernel=$(LINUX_GUEST_FILES="$build/bench-sqlite-root/bench.sql" "$top/tools/linux-guest" "$guest_cache" \
	"$build/bench-sqlite-linux-initrd.gz" "$sqlite3" /bench.db ".read /bench.sql")

bench_alternate sqlite "$runs" "$build/bench-sqlite-initrd.cpio" "/bench.db '.read /bench.sql'" \
	"$kernel" "$build/bench-sqlite-linux-initrd.gz" no_timer_check

python3 - "$build" "$runs" "$rows" "$txns" <<'PY'
import re, statistics, sys
build, runs, rows, txns = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
nins = 1 + 3 * txns  # CREATE TABLE, then BEGIN, INSERT, COMMIT per transaction
def read(path):
    text = open(path, errors="replace").read().replace("\r", "")
    times = [float(t) for t in re.findall(r"^Run Time: real ([\d.]+)", text, re.M)]
    if "bench done" not in text or not re.search(r"^ok$", text, re.M) or len(times) < nins + 6:
        sys.exit(f"{path}: the workload did not finish:\n{text[-2000:]}")
    return times
def phases(who):
    rs = [read(f"{build}/bench-sqlite-{who}.{r}.log") for r in range(1, runs + 1)]
    ins = statistics.median(sum(t[:nins]) for t in rs)
    qry = statistics.median(sum(t[nins:]) for t in rs)
    return ins, qry
yolk, linux = phases("yolk"), phases("linux")
print(f"SQLite 3.46.1, {rows} rows in {txns} transactions, database in RAM; seconds (SQLite's .timer); TCG, 1 CPU; median of {runs} run(s)")
print(f"{'phase':28} {'yolk':>8} {'linux':>8} {'linux/yolk':>11}")
for name, y, l in ((f"{rows} inserts ({txns} txns)", yolk[0], linux[0]), ("index, queries, check", yolk[1], linux[1]),
                   ("total", sum(yolk), sum(linux))):
    print(f"{name:28} {y:8.2f} {l:8.2f} {l / y:10.2f}x")
PY
bench_footer "$start"
