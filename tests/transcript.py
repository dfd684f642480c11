"""What the guest printed, against what it should have: the comparisons the
interpreter tests (js, lua, sqlite) share."""
import re

ESCAPES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1bc")


def clean(text):
    """The text without terminal escapes (the tty's line editing) and carriage returns."""
    return ESCAPES.sub("", text.replace("\r", ""))


def first_difference(gout, hout, what="host"):
    """The first line where the guest's text and the reference differ, described; None if none."""
    glines, hlines = gout.splitlines(), hout.splitlines()
    for i in range(max(len(glines), len(hlines))):
        g = glines[i] if i < len(glines) else "<no line>"
        h = hlines[i] if i < len(hlines) else "<no line>"
        if g != h:
            return f"line {i + 1} differs:\n  guest: {g!r}\n  {what}:  {h!r}"
    return None


def differences(gout, gcode, hout, hcode, what="host"):
    """Problems (a list) between a guest run and the reference run: exit status, first differing line."""
    problems = [f"exit status {gcode} in the guest, {hcode} {what}"] if gcode != hcode else []
    diff = first_difference(gout, hout, what)
    return problems + ([diff] if diff else [])


def missing_in_order(out, wanted, regex=False):
    """The first of wanted (exact lines, or regexes) not found after the previous one's line; None if all are."""
    lines, at = clean(out).splitlines(), 0
    for w in wanted:
        while at < len(lines) and not (re.search(w, lines[at]) if regex else lines[at] == w):
            at += 1
        if at == len(lines):
            return w
        at += 1
    return None


def shell_problems(out, code, wanted, regex=False, status=3, why="the shell's poweroff"):
    """Problems of a typed-at session: a wanted line missing (in order), or the wrong exit status."""
    missing = missing_in_order(out, wanted, regex)
    return ([f"no line {missing[:80]!r} (in this order)"] if missing else []) + \
        ([f"exit status {code}, expected {status} from {why}"] if code != status else [])
