#!/usr/bin/env python3
"""sqlite_test.py: apps/sqlite (the sqlite3 shell) in the guest, databases on FAT.

  sqlite_test.py compare IMAGE HOST_SQLITE3 SCRIPT
      Runs tests/sqlite/SCRIPT with the host's sqlite3, built from the same
      Debian source, and with `sqlite` in IMAGE: both as `sqlite3
      data/test.db '.read sql/NAME.sql'` from a directory holding sql/ (in
      the guest, an initrd at /) and data/ (in the guest, a fresh FAT32
      disk on virtio-blk mounted at /data). Output (stdout and stderr on
      one terminal) must be equal line for line, and the exit status too.
      Then fsck.fat finds the disk clean and the host's sqlite3 finds the
      guest's database file intact (PRAGMA integrity_check).

  sqlite_test.py shell IMAGE HOST_SQLITE3 SCRIPT
      The same script typed into yolk's shell (`sqlite :memory: '.read
      sql/NAME.sql'`, then `poweroff 3`): a thread of the shell has a small
      stack, sqlite runs SQLite in one of its own. The host's output lines
      must appear in order, and the shell must power off with status 3.

  sqlite_test.py crash IMAGE HOST_SQLITE3 MODE
      MODE is delete or wal (the journal mode; synchronous=EXTRA for
      delete, which syncs the journal's unlink, FULL for wal). The guest commits
      transactions of 20 rows each to data/crash.db on a FAT disk and prints
      `committed RUN TXN` after each COMMIT returns; the host SIGKILLs QEMU a
      random number of commits in, three runs on the same disk. A last boot
      runs PRAGMA integrity_check (must be ok) and counts the rows of every
      transaction: every printed commit is there with all 20 rows, and no
      transaction is there in part. SQLITE_CRASH_SEED=N repeats the kill
      points.
"""
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tools"))
import yolkqemu  # noqa: E402
from host_pty import run_on_pty  # noqa: E402
from transcript import clean, first_difference, shell_problems  # noqa: E402

MKINITRD = os.path.join(here, "..", "tools", "mkinitrd.py")
MKFS = shutil.which("mkfs.fat") or "/usr/sbin/mkfs.fat"
FSCK = shutil.which("fsck.fat") or "/usr/sbin/fsck.fat"
MCOPY = shutil.which("mcopy") or "/usr/bin/mcopy"
MTOOLS_ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1")
ROWS = 20  # rows per crash-test transaction


def make_disk(path, mib=64):
    with open(path, "wb") as f:
        f.truncate(mib << 20)
    subprocess.run([MKFS, "-F", "32", "-n", "SQLITE", path], check=True, stdout=subprocess.DEVNULL)


def make_initrd(tmp, scripts):
    """tmp/root/sql/NAME: the scripts; tmp/initrd.cpio packs root."""
    root = os.path.join(tmp, "root")
    os.makedirs(os.path.join(root, "sql"), exist_ok=True)
    os.makedirs(os.path.join(root, "data"), exist_ok=True)
    for name, text in scripts.items():
        with open(os.path.join(root, "sql", name), "w") as f:
            f.write(text)
    cpio = os.path.join(tmp, "initrd.cpio")
    subprocess.run([sys.executable, MKINITRD, os.path.join(root), cpio], check=True)
    return root, cpio


def run_host(sqlite3, root, args):
    """sqlite3 ARGS in root, stdout and stderr on one pseudo-terminal; (status, text)."""
    status, text = run_on_pty([os.path.abspath(sqlite3)] + args, root, dict(os.environ, TZ="UTC"), 300)
    return status, clean(text)


def guest_cmdline(args):
    return "mount=/data:vda:fat app=sqlite " + " ".join("'" + a + "'" for a in args)


def run_guest(image, cpio, disk, args, log, timeout=280):
    code = yolkqemu.main(["--kernel", image, "--initrd", cpio, "--cmdline", guest_cmdline(args), "--log", log,
                          "--timeout", str(timeout), "--memory", "512",
                          "--qemu-arg=-drive", f"--qemu-arg=file={disk},if=virtio,format=raw"])
    return code, clean(yolkqemu.read_log(log))


def host_check(sqlite3, tmp, disk, name):
    """The guest's database copied off the FAT disk: the host's sqlite3 says integrity_check ok."""
    out_dir = os.path.join(tmp, "copied")
    os.makedirs(out_dir, exist_ok=True)
    for f in os.listdir(out_dir):
        os.unlink(os.path.join(out_dir, f))
    listing = subprocess.run(["mdir", "-b", "-i", disk, "::/"], env=MTOOLS_ENV, capture_output=True, text=True).stdout
    for path in listing.split():
        base = path.rsplit("/", 1)[-1]
        if base.startswith(name):
            subprocess.run([MCOPY, "-n", "-i", disk, "::/" + base, out_dir], env=MTOOLS_ENV, check=True)
    p = subprocess.run([os.path.abspath(sqlite3), os.path.join(out_dir, name), "PRAGMA integrity_check;"],
                       capture_output=True, text=True, timeout=120)
    return p.stdout.strip(), p.stderr.strip()


def compare(image, sqlite3, script):
    name = os.path.basename(script)
    args = ["data/test.db", f".read sql/{name}"]
    problems = []
    with tempfile.TemporaryDirectory() as tmp:
        root, cpio = make_initrd(tmp, {name: open(script).read()})
        disk = os.path.join(tmp, "disk.img")
        make_disk(disk)
        start = time.monotonic()
        gcode, gout = run_guest(image, cpio, disk, args, os.path.join(tmp, "serial.log"))
        guest_s = time.monotonic() - start
        start = time.monotonic()
        hcode, hout = run_host(sqlite3, root, args)
        host_s = time.monotonic() - start
        if gcode != hcode:
            problems.append(f"exit status {gcode} in the guest, {hcode} on the host")
        diff = first_difference(gout, hout)
        if diff:
            problems.append(diff)
        fsck = subprocess.run([FSCK, "-n", disk], capture_output=True, text=True)
        if fsck.returncode != 0:
            problems.append(f"fsck.fat -n: exit {fsck.returncode}\n{fsck.stdout}{fsck.stderr}")
        ok, err = host_check(sqlite3, tmp, disk, "test.db")
        if ok != "ok":
            problems.append(f"the host's sqlite3 on the guest's test.db: {ok!r} {err!r}")
    if problems:
        print(f"FAIL: {name}: " + "\n".join(problems))
        print("----- guest output -----\n" + gout + "----- host output -----\n" + hout + "------")
        return 1
    print(f"ok: {name}: {len(gout.splitlines())} lines as the host, exit {gcode} "
          f"({guest_s:.1f} s in the guest, {host_s:.2f} s on the host); fsck.fat clean; integrity_check ok on the host")
    return 0


def shell(image, sqlite3, script):
    name = os.path.basename(script)
    with tempfile.TemporaryDirectory() as tmp:
        root, cpio = make_initrd(tmp, {name: open(script).read()})
        _, hout = run_host(sqlite3, root, [":memory:", f".read sql/{name}"])
        keys = os.path.join(tmp, "keys.txt")
        with open(keys, "w") as f:
            f.write(f"sqlite :memory: '.read sql/{name}'\rpoweroff 3\r")
        log = os.path.join(tmp, "serial.log")
        code = yolkqemu.main(["--kernel", image, "--initrd", cpio, "--cmdline", "app=shell", "--log", log,
                              "--input", keys, "--timeout", "200"])
        gout = clean(yolkqemu.read_log(log))
    problems = shell_problems(gout, code, hout.splitlines())
    if problems:
        print("FAIL: " + "; ".join(problems) + "\n----- guest output -----\n" + gout[-4000:] + "------")
        return 1
    print(f"ok: {name} from yolk's shell: the host's {len(hout.splitlines())} lines in order, exit {code}")
    return 0


def crash_script(mode, run, txns=3000):
    """RUN's transactions: ROWS rows each, an update and a delete of older rows, then the printed commit."""
    # DELETE mode commits by unlinking the journal; only synchronous=EXTRA syncs the directory
    # after that, so with FULL a kill right after COMMIT may roll the last transaction back,
    # on Linux as here (SQLite's documentation of PRAGMA synchronous). WAL commits with FULL.
    sync = "EXTRA" if mode == "delete" else "FULL"
    lines = [f"PRAGMA journal_mode={mode};", f"PRAGMA synchronous={sync};",
             "CREATE TABLE IF NOT EXISTS log(id INTEGER PRIMARY KEY, run INT, txn INT, pad TEXT);",
             "CREATE INDEX IF NOT EXISTS log_rt ON log(run, txn);",
             "CREATE TABLE IF NOT EXISTS tally(run INT, txn INT, PRIMARY KEY (run, txn));"]
    for t in range(1, txns + 1):
        lines += ["BEGIN;",
                  f"WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < {ROWS}) "
                  f"INSERT INTO log(run, txn, pad) SELECT {run}, {t}, printf('%.300c', char(64 + x)) FROM c;",
                  f"UPDATE log SET pad = upper(pad) WHERE run = {run} AND txn = {t - 1};",
                  f"INSERT INTO tally VALUES ({run}, {t});",
                  "COMMIT;",
                  f"SELECT 'committed {run} {t}';"]
    return "\n".join(lines) + "\n"


def crash_run(image, cpio, disk, run, target, rnd, tmp):
    """Boots run RUN and SIGKILLs QEMU once `target` commits are printed (plus a little); returns the printed ones."""
    log = os.path.join(tmp, f"crash-{run}.log")
    args = yolkqemu.parser().parse_args(["--kernel", image, "--initrd", cpio, "--memory", "512", "--cmdline",
                                         guest_cmdline(["data/crash.db", f".read sql/crash{run}.sql"]),
                                         "--qemu-arg=-drive", f"--qemu-arg=file={disk},if=virtio,format=raw"])
    cmd = yolkqemu.qemu_command(args, ["-display", "none", "-monitor", "none", "-serial", f"file:{log}"])
    proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, start_new_session=True)
    deadline, count = time.monotonic() + 240, 0
    try:
        while time.monotonic() < deadline and proc.poll() is None:
            time.sleep(0.02)
            if os.path.exists(log):
                with open(log, "rb") as f:
                    count = len(re.findall(rb"^committed \d+ \d+", f.read(), re.M))
            if count >= target:
                time.sleep(rnd.uniform(0, 0.3))  # anywhere within the next transaction
                break
    finally:
        if proc.poll() is None:
            os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    out = clean(open(log, "rb").read().decode("utf-8", "replace"))
    commits = {(int(r), int(t)) for r, t in re.findall(r"^committed (\d+) (\d+)$", out, re.M)}
    return commits, out, count


def crash(image, sqlite3, mode):
    seed = int(os.environ.get("SQLITE_CRASH_SEED", time.time_ns() % 100000))
    print(f"seed {seed} (SQLITE_CRASH_SEED={seed} repeats the kill points)")
    rnd = random.Random(seed)
    problems, committed = [], set()
    with tempfile.TemporaryDirectory() as tmp:
        scripts = {f"crash{r}.sql": crash_script(mode, r) for r in (1, 2, 3)}
        scripts["check.sql"] = ("PRAGMA integrity_check;\nPRAGMA journal_mode;\n"
                                "SELECT 'txn', run, txn, count(*) FROM log GROUP BY run, txn;\n"
                                "SELECT 'tally', run, txn FROM tally;\n")
        root, cpio = make_initrd(tmp, scripts)
        disk = os.path.join(tmp, "disk.img")
        make_disk(disk)
        for run in (1, 2, 3):
            target = rnd.randint(5, 40)
            commits, out, count = crash_run(image, cpio, disk, run, target, rnd, tmp)
            if count < target or "Error" in out or "panic" in out:
                problems.append(f"run {run}: {count} commits printed before QEMU stopped, target {target}:\n"
                                + out[-2000:])
                break
            committed |= commits
            print(f"run {run}: killed after {len(commits)} printed commits (target {target})")
        code, out = run_guest(image, cpio, disk, ["data/crash.db", ".read sql/check.sql"],
                              os.path.join(tmp, "check.log"), timeout=120)
        lines = out.splitlines()
        if "ok" not in lines:
            problems.append("PRAGMA integrity_check is not ok after the kills")
        if mode not in lines:
            problems.append(f"journal mode is not {mode} after the kills")
        txns = {(int(r), int(t)): int(n) for r, t, n in re.findall(r"^txn\|(\d+)\|(\d+)\|(\d+)$", out, re.M)}
        tally = {(int(r), int(t)) for r, t in re.findall(r"^tally\|(\d+)\|(\d+)$", out, re.M)}
        partial = {k: n for k, n in txns.items() if n != ROWS}
        missing = sorted(committed - set(txns))
        if partial:
            problems.append(f"transactions present in part: {sorted(partial.items())[:5]}")
        if missing:
            problems.append(f"{len(missing)} printed commits missing, first {missing[:5]}")
        if tally != set(txns):
            problems.append("the tally table and the log table disagree on which transactions committed")
        fsck = subprocess.run([FSCK, "-n", disk], capture_output=True, text=True)
        if fsck.returncode not in (0, 1) or re.search(r"cross-linked|share clusters|contains a free cluster",
                                                      fsck.stdout, re.I):
            problems.append(f"fsck.fat -n: exit {fsck.returncode}\n{fsck.stdout}")
        if problems:
            print("FAIL: " + "\n".join(problems) + "\n----- check boot -----\n" + out[-3000:])
            return 1
    print(f"ok: {mode}: {len(committed)} printed commits all present with {ROWS} rows each, "
          f"{len(txns)} transactions on disk, none in part; integrity_check ok")
    return 0


def main(argv):
    if len(argv) == 4 and argv[0] == "compare":
        return compare(argv[1], argv[2], argv[3])
    if len(argv) == 4 and argv[0] == "shell":
        return shell(argv[1], argv[2], argv[3])
    if len(argv) == 4 and argv[0] == "crash" and argv[3] in ("delete", "wal"):
        return crash(argv[1], argv[2], argv[3])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
