#!/usr/bin/env python3
"""Makes the seed inputs of tests/fuzz/corpus/ with the real tools:
mkfs.fat + mmd/mcopy (FAT images), cpio -o -H newc (archives), sfdisk
(partition tables), curl (request heads, captured by a listener on
127.0.0.1). Command lines are the ones tests/meson.build boots with.

  make_seeds.py CORPUS_DIR

Writes CORPUS_DIR/NAME/seed-*; the committed corpus is these seeds plus
inputs bench/fuzz.sh found that add coverage (libFuzzer -merge=1), kept
small. Run by hand when a format's seeds should change."""
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fat_sparse import pack  # noqa: E402

corpus = sys.argv[1]
tmp = tempfile.mkdtemp(prefix="yolk-seeds-")
ENV = dict(os.environ, MTOOLS_SKIP_CHECK="1", MTOOLS_NO_VFAT="0")


def run(*cmd, stdin=None):
    return subprocess.run(cmd, input=stdin, check=True, capture_output=True, env=ENV).stdout


def put(harness, name, data):
    os.makedirs(os.path.join(corpus, harness), exist_ok=True)
    with open(os.path.join(corpus, harness, "seed-" + name), "wb") as f:
        f.write(data)


# --- HTTP: what curl sends, captured by a listener that answers nothing useful ---
def curl_head(args, path="/hello"):
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(1)
    port = srv.getsockname()[1]
    got = []

    def serve():
        c, _ = srv.accept()
        c.settimeout(2)
        data = b""
        try:
            while b"\r\n\r\n" not in data or len(data) < data.index(b"\r\n\r\n") + 4 + body_len(data):
                chunk = c.recv(4096)
                if not chunk:
                    break
                data += chunk
        except socket.timeout:
            pass
        got.append(data)
        c.sendall(b"HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n")
        c.close()

    t = threading.Thread(target=serve)
    t.start()
    url = f"http://127.0.0.1:{port}{path}"
    subprocess.run(["curl", "-s", "-o", "/dev/null", "--max-time", "5"] + args + [url], env=ENV)
    t.join(5)
    srv.close()
    return got[0] if got else b""


def body_len(head):
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return int(line.split(b":")[1])
    return 0


heads = {
    "get": curl_head([]),
    "head": curl_head(["-I"]),
    "http10": curl_head(["--http1.0"], "/a.txt"),
    "close": curl_head(["-H", "Connection: close"], "/d/"),
    "post": curl_head(["-d", "name=value&x=1"], "/form"),
    "chunked": curl_head(["-H", "Transfer-Encoding: chunked", "-d", "abc"], "/up"),
    "escapes": curl_head([], "/d/index.html?q=1%202"),
    "pct": curl_head(["--path-as-is"], "/a%20b/%2e%2e/x"),
    "dotdot": curl_head(["--path-as-is"], "/d/../a.txt"),
    "dir": curl_head([], "/d"),
    "big": curl_head(["-H", "Range: bytes=0-10"], "/big.bin"),
    "headers": curl_head(["-H", "X-Long: " + "v" * 300, "-A", "fuzz/1.0", "-e", "http://r/"], "/noindex/"),
}
for name, h in heads.items():
    put("http-head", name, h)


# --- httpd connections: event scripts (tests/fuzz/httpd_conn.c) around those heads ---
def send(data, step=64):
    out = b""
    for i in range(0, len(data), step):
        piece = data[i:i + step]
        out += bytes([(len(piece) - 1) << 2]) + piece
    return out


def take(n_units):  # the peer reads n_units * 97 bytes
    return bytes([(n_units << 2) | 1])


TIMEOUT, HANGUP, RESET = b"\x02", b"\x03", b"\x07"
put("httpd-conn", "keepalive", send(heads["get"]) + take(63) + send(heads["escapes"]) + take(63) + HANGUP)
put("httpd-conn", "pipelined", send(heads["get"] + heads["http10"] + heads["head"], 17) + take(63) * 3 + HANGUP)
put("httpd-conn", "bigfile", send(heads["big"]) + take(5) * 8 + take(63) * 12 + TIMEOUT + take(63))
put("httpd-conn", "post-body", send(heads["post"], 7) + take(63) + send(heads["get"]) + take(63))
put("httpd-conn", "partial-timeout", send(heads["get"][:20]) + TIMEOUT + take(63) + HANGUP)
put("httpd-conn", "close-drain", send(heads["close"]) + take(2) + take(63) + send(b"late bytes") + TIMEOUT)
put("httpd-conn", "errors", send(heads["chunked"]) + take(63) + send(heads["pct"] + heads["dir"]) + take(63) + RESET)
put("httpd-conn", "oversize", send(heads["headers"] * 30) + take(63) * 2)

# --- cpio newc archives, as an initrd is made ---
tree = os.path.join(tmp, "tree")
os.makedirs(os.path.join(tree, "www", "d"))
open(os.path.join(tree, "www", "a.txt"), "w").write("hello\n")
open(os.path.join(tree, "www", "d", "index.html"), "w").write("<p>index</p>\n" * 20)
open(os.path.join(tree, "empty"), "w").close()
os.symlink("www/a.txt", os.path.join(tree, "link"))
names = ["www", "www/a.txt", "www/d", "www/d/index.html", "empty", "link"]
put("cpio", "tree", subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"], input="\n".join(names).encode(),
                                   cwd=tree, check=True, capture_output=True).stdout)
put("cpio", "dotslash", subprocess.run(["cpio", "-o", "-H", "newc", "--quiet"],
                                       input="\n".join("./" + n for n in [".", *names]).encode(),
                                       cwd=tree, check=True, capture_output=True).stdout)
put("cpio", "crc", subprocess.run(["cpio", "-o", "-H", "crc", "--quiet"], input=b"www/a.txt\n",
                                  cwd=tree, check=True, capture_output=True).stdout)

# --- kernel command lines, as tests/meson.build boots ---
for name, line in {
    "argv": "app=ktest argv one \"two words\" 'three'",
    "loglevel": "loglevel=2 app=ktest exit 0",
    "net": "ip=10.0.2.15/24 gw=10.0.2.2 dns=10.0.2.3 app=ktest net",
    "mounts": "root=vda1:fat mount=/data:vda:fat:ro app=shell",
    "separator": "pci_irq=intx app=ktest -- argv app=x",
    "escapes": "app=ktest argv a\\ b \"q\\\"uote\\\\\" '' \"\"",
    "grub": "/boot/yolk app=hello",
    "bad": "ip=10.0.2/24 gw=10.0.2.300 app=ktest net",
}.items():
    put("cmdline", name, line.encode())


# --- partition tables by sfdisk on a 1 MiB disk, partitions near its start so the input stays small ---
def sfdisk_disk(script, size=1 << 20):
    img = os.path.join(tmp, "disk.img")
    with open(img, "wb") as f:
        f.truncate(size)
    subprocess.run(["sfdisk", "--no-reread", "--no-tell-kernel", "-q", img], input=script.encode(),
                   check=True, capture_output=True)
    data = open(img, "rb").read()[:size - 64 * 512]  # without GPT's backup copy at the end
    end = len(data)
    while end > 0 and not any(data[max(0, end - 512):end]):
        end -= 512
    data = data[:end]
    # Byte 0 (tests/fuzz/partition.c): sector size 512, GPT CRCs made right (they are already, but
    # mutations keep them so), and enough zero sectors after the data to make the disk at least as
    # large as sfdisk's.
    extra = -(-(size // 512 - len(data) // 512) // 4093)
    return bytes([extra << 3 | 4]) + data


put("partition", "mbr", sfdisk_disk("label: dos\nstart=8,size=16,type=c\nstart=24,size=16,type=83\n"))
put("partition", "mbr-extended", sfdisk_disk("label: dos\nstart=8,size=16,type=c\nstart=24,size=200,type=5\n"
                                             "start=26,size=8,type=83\nstart=36,size=8,type=c\nstart=46,size=8\n"))
put("partition", "gpt", sfdisk_disk("label: gpt\nfirst-lba: 34\nstart=34,size=16,type=L\nstart=50,size=16,type=U\n"
                                    "start=66,size=32\n"))
fat = os.path.join(tmp, "whole.img")
run("mkfs.fat", "-C", "-i", "12345678", fat, "256")
put("partition", "fat-whole-disk", bytes([0]) + open(fat, "rb").read()[:512])


# --- FAT images: mkfs.fat, then directories and files (long names too) by mtools ---
def fat_image(name, kib, args, sparse):
    img = os.path.join(tmp, name + ".img")
    if os.path.exists(img):
        os.unlink(img)
    run("mkfs.fat", "-C", "-i", "0badcafe", *args, img, str(kib))
    for d in ["::/DIR", "::/DIR/Nested directory"]:
        run("mmd", "-i", img, d)
    files = {"a.txt": b"hello\n", "Long File Name.text": b"x" * 3000, "big.bin": bytes(range(256)) * 40}
    for fname, data in files.items():
        host = os.path.join(tmp, fname)
        open(host, "wb").write(data)
        run("mcopy", "-i", img, host, "::/" + fname)
    run("mcopy", "-i", img, os.path.join(tmp, "a.txt"), "::/DIR/Nested directory/inner file.txt")
    data = open(img, "rb").read()
    put("fat", name, pack(data) if sparse else data)


fat_image("fat12-64k", 64, ["-F", "12"], False)
fat_image("fat12-4k-sectors", 512, ["-F", "12", "-S", "4096"], True)
fat_image("fat16", 4096, ["-F", "16", "-s", "1"], True)
fat_image("fat32", 34 * 1024, ["-F", "32", "-s", "1"], True)
fat_image("fat16-4k-clusters", 20 * 1024, ["-F", "16", "-s", "8"], True)
print("seeds written to", corpus)


# --- DHCP and DNS answers (tests/fuzz/lwip_dhcp_dns.c) as RFC 2131/2132 and RFC 1035 lay them out,
# with the xid and id lwIP uses under the harness's fixed LWIP_RAND (0x5eed1234) ---
def dhcp_reply(msg_type, yiaddr=b"\x0a\x00\x02\x0f", extra=b""):
    mac = bytes.fromhex("525400123456")
    head = struct.pack("!BBBBIHH4s4s4s4s16s64s128s", 2, 1, 6, 0, 0x5eed1234, 0, 0, b"\0" * 4, yiaddr,
                       b"\x0a\x00\x02\x02", b"\0" * 4, mac + b"\0" * 10, b"", b"")
    opts = bytes([53, 1, msg_type, 54, 4, 10, 0, 2, 2, 51, 4, 0, 0, 0x0e, 0x10, 1, 4, 255, 255, 255, 0,
                  3, 4, 10, 0, 2, 2, 6, 8, 10, 0, 2, 3, 8, 8, 8, 8, 58, 4, 0, 0, 7, 8, 59, 4, 0, 0, 0x0c, 0x4e])
    return head + b"\x63\x82\x53\x63" + opts + extra + b"\xff"


def msg(payload, ticks=0):
    return struct.pack("<H", len(payload)) + payload + bytes([ticks])


put("lwip-dhcp-dns", "dhcp-offer-ack", b"\0" + msg(dhcp_reply(2), 0x01) + msg(dhcp_reply(5), 0x10))
put("lwip-dhcp-dns", "dhcp-nak", b"\0" + msg(dhcp_reply(2)) + msg(dhcp_reply(6), 0x11))
put("lwip-dhcp-dns", "dhcp-overload", b"\0" + msg(dhcp_reply(2, extra=bytes([52, 1, 3]))) +
    msg(dhcp_reply(5), 0xf0) + msg(dhcp_reply(5), 0xff))


def dns_name(name):
    return b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"


def dns_answer(rcode=0, answers=((1, b"\x5d\xb8\xd8\x22"),), name="www.example.com"):
    q = dns_name(name) + struct.pack("!HH", 1, 1)
    rr = b"".join(b"\xc0\x0c" + struct.pack("!HHIH", t, 1, 300, len(d)) + d for t, d in answers)
    return struct.pack("!HHHHHH", 0x1234, 0x8180 | rcode, 1, len(answers), 0, 0) + q + rr


put("lwip-dhcp-dns", "dns-a", b"\1" + msg(dns_answer()))
put("lwip-dhcp-dns", "dns-cname-a", b"\1" + msg(dns_answer(answers=((5, dns_name("example.com")),
                                                                     (1, b"\x5d\xb8\xd8\x22"))), 3))
put("lwip-dhcp-dns", "dns-nxdomain", b"\1" + msg(dns_answer(rcode=3, answers=())))
put("lwip-dhcp-dns", "dns-retry", b"\1" + msg(b"", 7) + msg(dns_answer(), 7))
