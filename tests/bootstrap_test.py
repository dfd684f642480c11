#!/usr/bin/env python3
"""tools/bootstrap's deb-src file and tarball fetching, in a scratch tree.

A copy of tools/bootstrap runs in a scratch tree whose wraps name made-up
source packages; apt-get is a stub on PATH that records its arguments and
answers `source --print-uris` only for what the deb-src file (YOLK_SRC_LIST, a
scratch file) lists, with file:// URIs of tarballs the test wrote. Nothing is
installed and the machine's apt state is not touched.

1. A fresh machine: the file lists every suite the wraps need, the default
   first ("Suites: trixie bullseye"), `apt-get update` runs once; the pinned
   NAME=VERSION is what is looked up; a superseded revision is found through
   NAME/SUITE of its own wrap; a tarball the archive does not serve, in a wrap
   marked `# optional = SYMBOL`, is a warning, and tools/kconfig.py's
   unfetched_optional_parts() names SYMBOL (randconfig and the defconfig
   check leave it out).
2. Run again: the file is not rewritten, no apt-get update.
3. A file that lists fewer suites (written before a wrap named another):
   rewritten, apt-get update, the tarball of the other suite fetched."""
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile

top = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
sys.path.insert(0, os.path.join(top, "tools"))
import kconfig  # noqa: E402  (unfetched_optional_parts)

problems = []


def expect(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)
    if not ok:
        problems.append(what)


tmp = tempfile.mkdtemp(prefix="yolk-bootstrap-test.")
try:
    tree, archive, stubs = (os.path.join(tmp, d) for d in ("tree", "archive", "stubs"))
    for d in (os.path.join(tree, "tools"), os.path.join(tree, "subprojects", "packagefiles"), archive, stubs):
        os.makedirs(d)
    shutil.copy(os.path.join(top, "tools", "bootstrap"), os.path.join(tree, "tools"))
    src_list = os.path.join(tmp, "yolk-src.sources")
    log = os.path.join(tmp, "apt-get.log")
    host_files = os.path.join(tmp, "host-files")
    with open(host_files, "w") as f:
        f.write("coreutils /usr/bin/ls\n")

    # name: (version, suite or None for the default, optional symbol, what apt answers for)
    packages = {
        "pkga": ("1.0-1", None, None, "pkga/trixie"),        # 1.0-1 superseded by a revision
        "pkgb": ("2.0-1", "bullseye", None, "pkgb=2.0-1"),
        "pkgc": ("3.0-1", None, "APP_PKGC", "pkgc=3.0-1"),   # listed, but the download fails
    }
    answers = {}
    for name, (version, suite, optional, asked) in packages.items():
        upstream = version.split("-")[0]
        tarball = f"{name}_{upstream}.orig.tar.gz"
        data = f"{name} {upstream}\n".encode()
        digest = hashlib.sha256(data).hexdigest()
        if not optional:
            with open(os.path.join(archive, tarball), "wb") as f:
                f.write(data)
        answers[asked] = (suite or "trixie",
                          f"'file://{archive}/{tarball}' {tarball} {len(data)} SHA256:{digest}")
        with open(os.path.join(tree, "subprojects", f"{name}.wrap"), "w") as f:
            f.write(f"# debian-source = {name} {version}\n")
            if suite:
                f.write(f"# debian-suite = {suite}\n")
            if optional:
                f.write(f"# optional = {optional}\n")
            f.write(f"[wrap-file]\ndirectory = {name}-{upstream}\nsource_filename = {tarball}\n"
                    f"source_hash = {digest}\n")
    with open(os.path.join(tree, "subprojects", "plain.wrap"), "w") as f:
        f.write("[wrap-git]\ndirectory = plain\nurl = https://example.invalid/plain.git\n")

    # apt-get: record the call; `source --print-uris X` answers X's line when its suite is listed.
    with open(os.path.join(stubs, "apt-get"), "w") as f:
        f.write(f"""#!/usr/bin/env python3
import sys
answers = {answers!r}
open({log!r}, "a").write(" ".join(sys.argv[1:]) + "\\n")
args = [a for a in sys.argv[1:] if not a.startswith("-")]
if args[:1] == ["source"]:
    suites = open({src_list!r}).read().split("Suites:")[1].split("\\n")[0].split()
    suite, line = answers.get(args[-1], (None, None))
    if suite not in suites:
        sys.exit(100)
    print(line)
""")
    os.chmod(os.path.join(stubs, "apt-get"), 0o755)

    env = {k: v for k, v in os.environ.items() if k != "YOLK_SOURCE_SUITE"}
    env.update(PATH=stubs + os.pathsep + env["PATH"], YOLK_SRC_LIST=src_list, YOLK_HOST_FILES=host_files)

    def bootstrap():
        open(log, "w").close()
        p = subprocess.run([os.path.join(tree, "tools", "bootstrap")], capture_output=True, text=True,
                           stdin=subprocess.DEVNULL, env=env, timeout=120)
        calls = open(log).read().splitlines()
        print(f"bootstrap: exit {p.returncode}; apt-get {calls}")
        sys.stdout.write(p.stdout + p.stderr)
        return p, calls

    def fetched(name):
        upstream = packages[name][0].split("-")[0]
        return os.path.exists(os.path.join(tree, "subprojects", "packagefiles", f"{name}_{upstream}.orig.tar.gz"))

    def updates(calls):
        return sum(c.split()[:1] == ["update"] for c in calls)

    def suites_line():
        return [line for line in open(src_list) if line.startswith("Suites:")]

    # 1. fresh
    p, calls = bootstrap()
    expect(p.returncode == 0, "fresh: bootstrap succeeds")
    expect(suites_line() == ["Suites: trixie bullseye\n"], f"fresh: the deb-src file lists {suites_line()}")
    expect(updates(calls) == 1, "fresh: apt-get update once")
    lookups = [c.split()[-1] for c in calls if c.startswith("source")]
    expect(lookups == ["pkga=1.0-1", "pkga/trixie", "pkgb=2.0-1", "pkgc=3.0-1"],
           f"fresh: pinned NAME=VERSION looked up, NAME/SUITE only for the superseded one: {lookups}")
    expect(fetched("pkga") and fetched("pkgb"), "fresh: both served tarballs fetched")
    expect("warning: the archive does not serve pkgc_3.0.orig.tar.gz: CONFIG_APP_PKGC" in p.stdout,
           "fresh: the optional wrap's failed download is a warning")
    expect(kconfig.unfetched_optional_parts(tree) == ["APP_PKGC"],
           "kconfig.unfetched_optional_parts names the optional part without its source")
    # 2. again: pkgc is tried again (it is still missing), the deb-src file stays
    before = os.stat(src_list).st_mtime_ns
    p, calls = bootstrap()
    expect(p.returncode == 0 and updates(calls) == 0 and os.stat(src_list).st_mtime_ns == before
           and "deb-src for" not in p.stdout, "second run: the deb-src file is not rewritten, no update")
    # 3. a file from before bullseye was needed
    with open(src_list, "w") as f:
        f.write("Types: deb-src\nURIs: file:///nowhere\nSuites: trixie\nComponents: main\n")
    pkgb = os.path.join(tree, "subprojects", "packagefiles", "pkgb_2.0.orig.tar.gz")
    if os.path.exists(pkgb):
        os.remove(pkgb)
    p, calls = bootstrap()
    expect(p.returncode == 0 and suites_line() == ["Suites: trixie bullseye\n"]
           and updates(calls) == 1 and fetched("pkgb"),
           "a file with fewer suites: rewritten, apt-get update, bullseye's tarball fetched")
finally:
    shutil.rmtree(tmp)
sys.exit(1 if problems else 0)
