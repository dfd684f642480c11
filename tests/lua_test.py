#!/usr/bin/env python3
"""lua_test.py: apps/lua in the guest, checked against lua built on the host
from the same Debian source (subprojects/lua).

  lua_test.py compare IMAGE LUA SCRIPT [ramfs|fat]
      Runs SCRIPT (tests/lua/NAME.lua) with the host's lua and with `lua` in
      IMAGE booted with tests/lua/ as /lua in a cpio initrd; both see the
      path lua/NAME.lua and UTC, and write stdout and stderr to one terminal.
      With ramfs or fat the script gets a directory to write in as arg[1]:
      /tmp (the ramfs root) or /fat (a FAT disk made by mkfs.fat) in the
      guest, a scratch directory on the host. Output must be equal line for
      line, and the exit status too.

  lua_test.py repl IMAGE
      The REPL on the serial console, typed into as a person would: an
      expression, a line edited with the cursor keys, history (Up), Ctrl-C
      during `while true do end` ("interrupted!", the REPL goes on),
      os.execute and io.popen failing with a message, os.exit(3).

  lua_test.py shell IMAGE
      `lua FILE ARGS` and `lua -e` from yolk's shell, Ctrl-C of a running
      script (the shell goes on), then the shell's poweroff 3.
"""
import os
import shutil
import subprocess
import sys
import tempfile

here = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(here, "..", "tools"))
import yolkqemu  # noqa: E402
from host_pty import run_on_pty  # noqa: E402
from transcript import differences, shell_problems  # noqa: E402

MKINITRD = os.path.join(here, "..", "tools", "mkinitrd.py")
MKFS = shutil.which("mkfs.fat") or "/usr/sbin/mkfs.fat"
SCRIPTS = os.path.join(here, "lua")


def make_tree(tmp):
    """tmp/root/lua: the scripts, for the host's lua (cwd) and the guest's initrd."""
    root = os.path.join(tmp, "root")
    shutil.copytree(SCRIPTS, os.path.join(root, "lua"))
    cpio = os.path.join(tmp, "initrd.cpio")
    subprocess.run([sys.executable, MKINITRD, root, cpio], check=True)
    return root, cpio


def run_host(lua, root, args):
    """lua ARGS in root, stdout and stderr on one pseudo-terminal; (status, text)."""
    env = dict(os.environ, TZ="UTC", LC_ALL="C")
    for v in ("LUA_INIT", "LUA_INIT_5_4", "LUA_PATH", "LUA_CPATH", "HOME"):
        env.pop(v, None)
    status, text = run_on_pty([os.path.abspath(lua)] + args, root, env, 120)
    return status, text.replace("\r", "")


def run_guest(image, cpio, cmdline, tmp, extra=(), keys=None, timeout=150):
    log = os.path.join(tmp, "serial.log")
    code = yolkqemu.main(["--kernel", image, "--initrd", cpio, "--cmdline", cmdline, "--log", log,
                          "--timeout", str(timeout)] + list(extra) + (["--input", keys] if keys else []))
    return code, yolkqemu.read_log(log)


def fail(problems, out):
    print("FAIL: " + "\n".join(problems) + "\n----- guest output -----\n" + out + "------")
    return 1


def compare(image, lua, script, where=None):
    rel = "lua/" + os.path.basename(script)
    with tempfile.TemporaryDirectory() as tmp:
        root, cpio = make_tree(tmp)
        extra, gargs, hargs = [], [rel], [rel]
        if where == "ramfs":
            gargs.append("/tmp")
        elif where == "fat":
            img = os.path.join(tmp, "fat.img")
            subprocess.run([MKFS, "-C", "-F", "16", img, "16384"], check=True, stdout=subprocess.DEVNULL)
            extra = ["--qemu-arg=-drive", f"--qemu-arg=file={img},if=virtio,format=raw"]
            gargs = ["mount=/fat:vda:fat"] + gargs + ["/fat"]
        if where:
            hdir = os.path.join(tmp, "hostdir")
            os.mkdir(hdir)
            hargs.append(hdir)
        cmd = " ".join(a for a in gargs if a.startswith("mount=")) + " app=lua " + \
            " ".join(a for a in gargs if not a.startswith("mount="))
        gcode, gout = run_guest(image, cpio, cmd.strip(), tmp, extra)
        hcode, hout = run_host(lua, root, hargs)
    problems = differences(gout, gcode, hout, hcode, "on the host")
    if problems:
        return fail([rel + ":"] + problems, gout + "----- host -----\n" + hout)
    print(f"ok: {rel}{' on ' + where if where else ''}: {len(gout.splitlines())} lines as on the host, exit {gcode}")
    return 0


LEFT, UP = b"\x1b[D", b"\x1b[A"

# What is typed into the REPL (each step after the output its #wait names) and what must show.
REPL_KEYS = (b"#wait ^> \n"
             b"print(6 * 8)\n"
             b"#wait ^48$\n"
             b"print(4+2)" + LEFT * 3 + b"0\n"          # the cursor back to after the 4: 40+2
             b"#wait ^42$\n"
             + UP + b"\n"                               # history: the edited line again
             b"#wait ^42$[\\s\\S]*^42$\n"
             b"print('spin' .. 'ning') while true do end\n"
             b"#wait ^spinning$\n"
             b"\x03\n"
             b"#wait interrupted!\n"
             b"print(os.execute('ls'))\n"
             b"#wait Function not implemented|not supported\n"
             b"print(io.popen('ls'))\n"
             b"#wait ^nil\\tls: \n"
             b"print('still' .. ' here', tonumber('0x'))\n"
             b"#wait ^still here\n"
             b"os.exit(3)\n")
REPL_EXPECT = [r"^Lua 5\.4\.7 ", r"^48$", r"^42$", r"^42$", r"^spinning$", r"^\^C$", r"interrupted!",
               r"^stack traceback:", r"^nil\t.+\t\d+$", r"^nil\tls: .+\t\d+$", r"^still here\tnil$"]


def typed(image, cmdline, keys_text, expect, status, why, what):
    """Boots with cmdline, types keys_text (#wait steps), checks the expect regexes in order and the status."""
    with tempfile.TemporaryDirectory() as tmp:
        _, cpio = make_tree(tmp)
        keys = os.path.join(tmp, "keys")
        with open(keys, "wb") as f:
            f.write(keys_text)
        code, out = run_guest(image, cpio, cmdline, tmp, keys=keys, timeout=120)
    problems = shell_problems(out, code, expect, regex=True, status=status, why=why)
    if problems:
        return fail(problems, out)
    print(f"ok: {what}; exit {code}")
    return 0


def repl(image):
    return typed(image, "app=lua", REPL_KEYS, REPL_EXPECT, 3, "os.exit(3)",
                 "REPL: expression, edited line, history, Ctrl-C interrupted a loop")


SHELL_KEYS = (b"#wait yolk> \n"
              b"lua /lua/hello.lua one two\n"
              b"#wait ^hello from\n"
              b"lua -e \"print(('x'):rep(3), 2^10)\"\n"
              b"#wait ^xxx\n"
              b"lua -e \"print('spin' .. 'ning') while true do end\"\n"
              b"#wait ^spinning$\n"
              b"\x03\n"
              b"#wait interrupted!\n"
              b"lua /lua/nope.lua\n"
              b"#wait cannot open\n"
              b"echo after lua\n"
              b"#wait ^after lua$\n"
              b"poweroff 3\n")
SHELL_EXPECT = [r"^hello from /lua/hello\.lua\t2\tone two\tone\ttwo$", r"^xxx\t1024\.0$", r"^spinning$",
                r"^lua: interrupted!$", r"^\tstack traceback:|^stack traceback:", r"^lua: cannot open /lua/nope\.lua", r"^after lua$"]


def shell(image):
    return typed(image, "app=shell", SHELL_KEYS, SHELL_EXPECT, 3, "the shell's poweroff",
                 "lua from the shell: a script with arguments, -e, Ctrl-C, a missing file")


def main(argv):
    if len(argv) >= 4 and argv[1] == "compare":
        return compare(*argv[2:6])
    if len(argv) == 3 and argv[1] in ("repl", "shell"):
        return {"repl": repl, "shell": shell}[argv[1]](argv[2])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
