#!/usr/bin/env python3
"""apps/httpd in the guest, driven from the host through a hostfwd port.

  http_test.py --kernel IMAGE --nic MODEL [--cmdline KERNEL_PARAMS] [--smp N]

Boots `app=httpd` with an initrd holding /www (an index page, a 1 MiB random
file, a subdirectory), forwards a free 127.0.0.1 port to the guest's port
8000 and checks, as a user would:
  - curl: GET /hello is "hello yolk", HEAD, files byte for byte, 404, the
    301 for a directory without its slash, index.html, curl reusing one
    connection for two URLs;
  - keep-alive (100 requests on one connection) and pipelining (3 requests
    in one write);
  - ab: 1000 requests over 16 concurrent keep-alive connections, and 300
    with a new connection each, with 0 failures;
  - a batch of malformed requests, each answered with its 4xx/5xx or closed,
    never crashing the guest;
  - the idle timeout: a partial request gets 408, an idle connection is closed;
  - after all that GET /hello still works and the console shows no fault.
With --smp N (> 1) httpd runs one poll loop per CPU; first, concurrent
keep-alive clients (CLIENTS threads, each REQUESTS requests on its own
connection) must all get exact answers, and GET /status must show N loops,
each on its own CPU, each having served connections and requests.
"""
import argparse
import hashlib
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from guest import Checks, Guest, GuestError, free_port  # noqa: E402

TOP = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
problems = Checks()
expect = problems


def curl(url, *opts):
    p = subprocess.run(["curl", "-sS", "--noproxy", "*", "--max-time", "30", *opts, url], capture_output=True, timeout=60)
    return p.returncode, p.stdout, p.stderr.decode(errors="replace")


def make_initrd(work):
    www = os.path.join(work, "root", "www")
    os.makedirs(os.path.join(www, "sub"))
    with open(os.path.join(www, "index.html"), "w") as f:
        f.write("<!doctype html><title>yolk</title><p>served by yolk\n")
    with open(os.path.join(www, "sub", "index.html"), "w") as f:
        f.write("sub index\n")
    big = os.urandom(1 << 20)
    with open(os.path.join(www, "big.bin"), "wb") as f:
        f.write(big)
    cpio = os.path.join(work, "initrd.cpio")
    subprocess.run([sys.executable, os.path.join(TOP, "tools", "mkinitrd.py"), os.path.join(work, "root"), cpio],
                   check=True)
    return cpio, hashlib.sha256(big).hexdigest()


def raw_exchange(port, data, wait=5.0):
    """Sends data on a new connection and reads until the server closes or
    goes quiet for `wait` seconds; returns what came back."""
    got = b""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        s.settimeout(wait)
        try:
            while True:
                chunk = s.recv(65536)
                if not chunk:
                    break
                got += chunk
        except (socket.timeout, ConnectionResetError):
            pass
    return got


def status_line(resp):
    m = re.match(rb"HTTP/1\.1 (\d{3}) ", resp)
    return int(m.group(1)) if m else None


def check_curl(base, big_sha):
    code, out, err = curl(base + "/hello")
    expect(code == 0 and out == b"hello yolk\n", f"curl /hello answers 'hello yolk' ({code} {out[:40]!r} {err})")
    code, out, _ = curl(base + "/hello", "-I")
    expect(b"200 OK" in out and b"Content-Length: 11" in out and not out.endswith(b"yolk\n"),
           "HEAD /hello: 200, Content-Length 11, no body")
    code, out, _ = curl(base + "/big.bin")
    expect(hashlib.sha256(out).hexdigest() == big_sha, f"GET /big.bin: 1 MiB byte for byte ({len(out)} bytes)")
    code, out, _ = curl(base + "/", "-i")
    expect(out.startswith(b"HTTP/1.1 200") and b"served by yolk" in out and b"text/html" in out,
           "GET / serves index.html as text/html")
    code, out, _ = curl(base + "/sub", "-i")
    expect(out.startswith(b"HTTP/1.1 301") and b"Location: /sub/\r\n" in out, "GET /sub redirects to /sub/")
    code, out, _ = curl(base + "/sub/?x=1")
    expect(out == b"sub index\n", "GET /sub/?x=1 serves sub/index.html")
    code, out, _ = curl(base + "/nope", "-i")
    expect(out.startswith(b"HTTP/1.1 404"), "GET /nope is 404")
    code, out, _ = curl(base + "/hello", "-o", "/dev/null", "-w", "%{num_connects}\n", base + "/index.html",
                        "-o", "/dev/null")
    expect(out.split() == [b"1", b"0"], f"curl reuses the connection for a second URL ({out!r})")


def check_keepalive(port):
    with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
        f = s.makefile("rb")
        ok = 0
        for i in range(100):
            s.sendall(b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n")
            line = f.readline()
            headers = {}
            while True:
                h = f.readline()
                if h in (b"\r\n", b""):
                    break
                k, _, v = h.decode().partition(":")
                headers[k.lower()] = v.strip()
            body = f.read(int(headers.get("content-length", "0")))
            ok += line.startswith(b"HTTP/1.1 200") and body == b"hello yolk\n"
        expect(ok == 100, f"100 requests on one keep-alive connection ({ok} answered)")
    resp = raw_exchange(port, b"GET /hello HTTP/1.1\r\nHost: t\r\n\r\n" * 2 +
                        b"GET /hello HTTP/1.1\r\nHost: t\r\nConnection: close\r\n\r\n", wait=10)
    expect(resp.count(b"HTTP/1.1 200 OK") == 3 and resp.count(b"hello yolk\n") == 3,
           f"3 pipelined requests in one write: 3 answers, then close ({resp.count(b'200 OK')})")


def ab(port, n, conc, keepalive):
    cmd = ["ab", "-q", "-n", str(n), "-c", str(conc), "-s", "30"] + (["-k"] if keepalive else []) + \
          [f"http://127.0.0.1:{port}/hello"]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except subprocess.TimeoutExpired:
        expect(False, f"{' '.join(cmd)} finished within 300 s")
        return
    out = p.stdout
    done = re.search(r"^Complete requests:\s+(\d+)", out, re.M)
    failed = re.search(r"^Failed requests:\s+(\d+)", out, re.M)
    rate = re.search(r"^Requests per second:\s+([\d.]+)", out, re.M)
    non2xx = re.search(r"^Non-2xx responses:\s+(\d+)", out, re.M)
    ok = p.returncode == 0 and done and int(done.group(1)) == n and failed and int(failed.group(1)) == 0 \
        and not non2xx
    expect(ok, f"ab -n {n} -c {conc}{' -k' if keepalive else ''}: {n} complete, 0 failed"
               f" ({rate.group(1) if rate else '?'} req/s)")
    if not ok:
        print(out[-2000:], p.stderr[-2000:])


MALFORMED = [
    # (what, bytes, statuses that are right; None: closed without an answer)
    ("no version", b"GET /\r\nHost: x\r\n\r\n", {400}),
    ("lowercase method", b"get /hello HTTP/1.1\r\nHost: x\r\n\r\n", {405}),
    ("unknown method", b"BREW /pot HTTP/1.1\r\nHost: x\r\n\r\n", {405}),
    ("POST", b"POST /hello HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc", {405}),
    ("HTTP/2.0", b"GET / HTTP/2.0\r\nHost: x\r\n\r\n", {505}),
    ("HTTP/1.1 without Host", b"GET / HTTP/1.1\r\n\r\n", {400}),
    ("space before colon", b"GET / HTTP/1.1\r\nHost : x\r\n\r\n", {400}),
    ("folded header", b"GET / HTTP/1.1\r\nHost: x\r\n y\r\n\r\n", {400}),
    ("bare CR", b"GET / HTTP/1.1\r\nHost: x\rY: z\r\n\r\n", {400}),
    ("NUL in header", b"GET / HTTP/1.1\r\nHost: x\x00y\r\n\r\n", {400}),
    ("two Content-Lengths", b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n", {400}),
    ("chunked body", b"GET / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n", {501}),
    ("dot-dot path", b"GET /../etc HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    ("encoded dot-dot", b"GET /%2e%2e/x HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    ("NUL escape", b"GET /a%00b HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    ("bad escape", b"GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n", {400}),
    ("binary garbage", bytes(range(256)) * 4 + b"\r\n\r\n", {400}),
    ("header block of 20 KiB", b"GET / HTTP/1.1\r\nHost: x\r\nX: " + b"a" * 20000 + b"\r\n\r\n", {431}),
    ("20 KiB request line", b"GET /" + b"a" * 20000 + b" HTTP/1.1\r\nHost: x\r\n\r\n", {431}),
    ("9000 headers", b"GET / HTTP/1.1\r\nHost: x\r\n" + b"A: b\r\n" * 9000 + b"\r\n", {431}),
    ("only spaces", b" " * 100 + b"\r\n\r\n", {400}),
    ("TLS hello", bytes.fromhex("16030100a5010000a10303") + os.urandom(160), {400, None}),
]


def check_malformed(port):
    for what, data, want in MALFORMED:
        try:
            resp = raw_exchange(port, data, wait=5)
        except OSError as e:  # the server may reset a connection it stopped reading
            resp = b""
            print(f"  ({what}: {e})")
        st = status_line(resp) if resp else None
        expect(st in want or (st is None and None in want) or (resp == b"" and 431 in want),
               f"malformed: {what} -> {st if st else 'closed'} (want {sorted(w or 0 for w in want)})")
        if st is not None:
            expect(b"Connection: close\r\n" in resp, f"malformed: {what}: the answer says Connection: close")


def keepalive_client(port, requests, results, i):
    """One keep-alive connection, `requests` GET /hello in turn; results[i] = exact answers."""
    want = b"hello yolk\n"
    ok = 0
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=30) as s:
            buf = b""
            for _ in range(requests):
                s.sendall(b"GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
                while b"\r\n\r\n" not in buf:
                    c = s.recv(4096)
                    if not c:
                        raise OSError("closed early")
                    buf += c
                head, _, buf = buf.partition(b"\r\n\r\n")
                m = re.search(rb"Content-Length: (\d+)", head)
                n = int(m.group(1)) if m else -1
                while 0 <= n and len(buf) < n:
                    c = s.recv(4096)
                    if not c:
                        raise OSError("closed early")
                    buf += c
                if head.startswith(b"HTTP/1.1 200 ") and buf[:n] == want:
                    ok += 1
                buf = buf[max(n, 0):]
    except OSError as e:
        print(f"  (client {i}: {e})")
    results[i] = ok


def check_loops(base, port, cpus, clients=8, requests=50):
    """Concurrent keep-alive clients; every loop (one per CPU) served some. Up to 3 rounds."""
    loops = []
    for rnd in range(3):
        results = [0] * clients
        threads = [threading.Thread(target=keepalive_client, args=(port, requests, results, i))
                   for i in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(120)
        expect(sum(results) == clients * requests,
               f"{clients} concurrent keep-alive clients: {sum(results)}/{clients * requests} exact answers")
        code, out, err = curl(base + "/status")
        text = out.decode(errors="replace")
        print("  " + text.replace("\n", "\n  ").rstrip())
        loops = [tuple(map(int, m)) for m in re.findall(r"^loop (\d+) cpu (\d+) connections (\d+) requests (\d+)$",
                                                        text, re.M)]
        if len(loops) == cpus and all(l[2] > 0 and l[3] > 0 for l in loops):
            break
    expect(f"httpd: {cpus} loops\n" in text, f"/status: {cpus} loops")
    expect(sorted(l[1] for l in loops) == list(range(cpus)), f"/status: loop i on cpu i: {loops}")
    expect(len(loops) == cpus and all(l[2] > 0 and l[3] > 0 for l in loops),
           f"every loop served connections and requests ({rnd + 1} round(s))")
    expect(sum(l[3] for l in loops) >= clients * requests, "the loops' request counts add up")


def check_timeouts(port):
    partial = socket.create_connection(("127.0.0.1", port), timeout=30)
    idle = socket.create_connection(("127.0.0.1", port), timeout=30)
    partial.sendall(b"GET /hello HTTP/1.1\r\nHo")
    start = time.monotonic()
    got = b""
    try:
        while True:
            c = partial.recv(4096)
            if not c:
                break
            got += c
    except OSError:
        pass
    took = time.monotonic() - start
    expect(got.startswith(b"HTTP/1.1 408"), f"a partial request gets 408 after the idle timeout ({took:.1f} s)")
    expect(5 < took < 25, f"the idle timeout is about 10 s ({took:.1f} s)")
    try:
        expect(idle.recv(10) == b"", "an idle connection is closed by then")
    except OSError:
        expect(True, "an idle connection is closed (reset) by then")
    partial.close()
    idle.close()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--nic", required=True)
    ap.add_argument("--cmdline", default="")
    ap.add_argument("--smp", type=int, default=1)
    a = ap.parse_args()
    for tool in ("curl", "ab"):
        if not shutil.which(tool):
            print(f"FAIL: {tool} is not installed (tools/bootstrap installs it)")
            return 1
    work = tempfile.mkdtemp(prefix="yolk-http-")
    try:
        initrd, big_sha = make_initrd(work)
        port = free_port()
        g = Guest(a.kernel, cmdline=(a.cmdline + " app=httpd").strip(), nic=a.nic,
                  hostfwd=[f"tcp:{port}:8000"], initrd=initrd, memory="256M", smp=a.smp)
        with g:
            try:
                g.wait_for(rf"^httpd: listening on port 8000, files from /www, {a.smp} loops? on {a.smp} CPUs?$", 120)
            except GuestError as e:
                expect(False, str(e))
                print(g.text())
                return 1
            base = f"http://127.0.0.1:{port}"
            # The address may still be on its way from DHCP: ask until it answers.
            end = time.monotonic() + 60
            while curl(base + "/hello", "--max-time", "3")[1] != b"hello yolk\n" and time.monotonic() < end:
                time.sleep(0.5)
            if a.smp > 1:
                check_loops(base, port, a.smp)
            check_curl(base, big_sha)
            check_keepalive(port)
            ab(port, 1000, 16, keepalive=True)
            ab(port, 300, 16, keepalive=False)
            check_malformed(port)
            check_timeouts(port)
            code, out, err = curl(base + "/hello")
            expect(out == b"hello yolk\n", "after all that, GET /hello still answers")
            expect(g.running(), "the guest is still running")
        text = g.text()
        expect(not re.search(r"panic|backtrace:|FAIL|fault", text), "no fault on the guest console")
        if problems:
            print("--- guest console ---")
            print(text[-4000:])
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"{len(problems)} failed")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
