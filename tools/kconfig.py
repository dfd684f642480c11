#!/usr/bin/python3
"""yolk's Kconfig front end (Kconfiglib), called by Meson and by hand.

  kconfig.py configure ...   build the .config Meson configures from
  kconfig.py menuconfig      Kconfiglib's curses UI on the build's .config
  kconfig.py savedefconfig   write the build's minimal config to BUILD/defconfig
  kconfig.py olddefconfig    bring .config up to date with the Kconfig files
  kconfig.py randconfig      write a random valid configuration

Parts are found by globbing {drivers,net,fs,apps}/*/Kconfig — the same rule
the top-level Kconfig uses, in yolk's tree and in the tree of a project that
embeds yolk (--embedder) — and a part named drivers/foo-bar is switched on
by the symbol DRIVER_FOO_BAR and built as the Meson subproject driver-foo-bar.
A part's name is written once, as its directory: the symbol is checked, the
subproject link is made here, and yolk renames an app's main() itself.

`configure` is strict where Kconfig is lenient: an unknown symbol, a value
out of range, or an assignment Kconfig would silently drop (unmet
`depends on`) stops configuration with a message naming the symbol and what
it is missing.
"""
import argparse
import glob
import hashlib
import os
import random
import re
import sys

CLASSES = {  # tree directory -> (symbol prefix, subproject prefix, meson option)
    "drivers": ("DRIVER", "driver", "drivers"),
    "net": ("NET", "net", "net"),
    "fs": ("FS", "fs", "fs"),
    "apps": ("APP", "app", "apps"),
}
CORE_PART = "core"


class ConfigError(Exception):
    pass


def import_kconfiglib():
    try:
        import kconfiglib
    except ImportError:
        sys.exit("yolk: Kconfiglib is missing: run tools/bootstrap (Debian package python3-kconfiglib)")
    return kconfiglib


class Part:
    def __init__(self, cls, path, home):
        self.cls = cls
        self.path = os.path.realpath(path)
        self.name = os.path.basename(self.path)
        self.label = cls + "/" + self.name  # how messages name it: apps/foo
        self.home = home  # the project whose subprojects/ must hold its link (None: unknown)
        sym_prefix, sub_prefix, _ = CLASSES[cls]
        self.symbol = sym_prefix + "_" + self.name.upper().replace("-", "_")
        self.subproject = sub_prefix + "-" + self.name
        self.kconfig = os.path.join(self.path, "Kconfig")


def tree_parts(tree):
    """The part directories of a source tree: {drivers,net,fs,apps}/*/ with a Kconfig."""
    return [os.path.dirname(kc) for cls in CLASSES
            for kc in sorted(glob.glob(os.path.join(tree, cls, "*", "Kconfig")))]


def external_dirs(srctree, external, embedder):
    """Part directories outside yolk's tree: the embedding project's own parts,
    then any given by path (-Dexternal_parts), each once."""
    dirs = []
    if embedder and os.path.realpath(embedder) != os.path.realpath(srctree):
        dirs += tree_parts(embedder)
    for d in external:
        d = os.path.join(embedder or os.getcwd(), d)  # relative: to the embedding project
        if os.path.realpath(d) not in map(os.path.realpath, dirs):
            dirs.append(d)
    return [os.path.abspath(d) for d in dirs]


def find_parts(srctree, external, embedder=None):
    parts = [Part(os.path.basename(os.path.dirname(d)), d, srctree) for d in tree_parts(srctree)]
    for d in external:
        cls = os.path.basename(os.path.dirname(d))
        if cls not in CLASSES:
            raise ConfigError(f"external part {d}: its parent directory must be one of "
                              f"{', '.join(CLASSES)} (e.g. apps/myapp)")
        if not os.path.isfile(os.path.join(d, "Kconfig")):
            raise ConfigError(f"external part {d}: it has no Kconfig (a part is a directory with "
                              f"Kconfig and meson.build: tools/yolk new {cls.rstrip('s')} NAME makes one)")
        parts.append(Part(cls, d, embedder))
    return parts


def link_subproject(part):
    """Meson finds a part as subprojects/<class>-<name> of the project it lives
    in, and lists that directory before yolk runs: a missing link is made here
    (relative, so the tree can move), but takes effect only at the next
    configure, so it still stops this one."""
    if part.home is None:
        raise ConfigError(f"{part.label}: Meson cannot reach {part.path} as a subproject: "
                          f"put it in the tree of the project that embeds yolk")
    subdir = os.path.join(part.home, "subprojects")
    link = os.path.join(subdir, part.subproject)
    if os.path.lexists(link):
        if os.path.realpath(link) != part.path:
            raise ConfigError(f"{part.label}: {link} leads to {os.path.realpath(link)}, not to "
                              f"{part.path}: remove it and configure again (yolk makes the link)")
        return
    try:
        os.makedirs(subdir, exist_ok=True)
        os.symlink(os.path.relpath(part.path, subdir), link)
    except OSError as e:
        raise ConfigError(f"{part.label}: Meson finds it only through the link "
                          f"{link} -> {part.path}, which could not be made ({e.strerror}): "
                          f"make it by hand") from None
    raise ConfigError(f"{part.label}: made the link subprojects/{part.subproject} -> {part.label} "
                      f"that Meson needs to build it; Meson read subprojects/ before yolk could add "
                      f"it, so run the same command again (and commit the link)")


def load_kconfig(srctree, builddir, external):
    """Parses the Kconfig tree; any Kconfiglib warning is an error."""
    kconfiglib = import_kconfiglib()
    os.environ["srctree"] = srctree
    ext = os.path.join(builddir, "Kconfig.external")
    write_if_changed(ext, "".join(f'source "{os.path.abspath(d)}/Kconfig"\n' for d in external))
    os.environ["YOLK_EXTERNAL_KCONFIG"] = ext
    kconf = kconfiglib.Kconfig(os.path.join(srctree, "Kconfig"), warn_to_stderr=False,
                               suppress_traceback=True)
    if kconf.warnings:
        raise ConfigError("the Kconfig files have problems:\n  " + "\n  ".join(kconf.warnings))
    kconf.warn_assign_undef = True  # a config file naming an unknown symbol is an error
    return kconf


def load_values(kconf, path, what):
    """Loads a config file; unknown symbols and malformed lines are errors."""
    kconf.warnings.clear()
    kconf.load_config(path, replace=True)
    if kconf.warnings:
        raise ConfigError(f"{what} {path}:\n  " + "\n  ".join(kconf.warnings))


def explain(kconf, sym, want):
    """Why `sym` did not take the value `want`, in words."""
    kconfiglib = import_kconfiglib()
    got = sym.str_value
    if not sym.nodes:
        return f"{sym.name} is not a known configuration symbol"
    if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
        if not any(n.prompt for n in sym.nodes):
            return (f"{sym.name}={want} cannot be set by hand: it has no prompt and is only "
                    f"selected by other options")
        missing = [s.name for s in kconfiglib.expr_items(sym.direct_dep)
                   if isinstance(s, kconfiglib.Symbol) and s.tri_value == 0 and s.name != "n"]
        if want != "n" and missing:
            return (f"{sym.name}={want} was dropped: it depends on "
                    f"{kconfiglib.expr_str(sym.direct_dep)}, and "
                    f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} n")
        if want == "n" and sym.rev_dep is not kconf.n:
            return (f"{sym.name}=n was overridden: it is selected by "
                    f"{kconfiglib.expr_str(sym.rev_dep)}")
    if sym.type in (kconfiglib.INT, kconfiglib.HEX):
        for lo, hi, cond in sym.ranges:
            if kconfiglib.expr_value(cond):
                return f"{sym.name}={want} is outside its range {lo.str_value}..{hi.str_value}"
    if sym.visibility == 0:
        return (f"{sym.name}={want} was dropped: it depends on "
                f"{kconfiglib.expr_str(sym.direct_dep)}, which is not met")
    return f"{sym.name}={want} did not take: the value is {got or '(empty)'}"


def check_taken(kconf, wanted, source):
    """Every user assignment must have produced exactly that value."""
    errors = []
    for name, want in wanted:
        sym = kconf.syms.get(name)
        if sym is None or not sym.nodes:
            errors.append(f"{source}: unknown symbol {name}")
        elif sym.str_value != want:
            errors.append(f"{source}: {explain(kconf, sym, want)}")
    if errors:
        raise ConfigError("\n".join(errors))


def user_assignments(kconf):
    """The (symbol, value) pairs the loaded file asked for."""
    return [(s.name, s.user_value if isinstance(s.user_value, str) else
             {0: "n", 1: "m", 2: "y"}[s.user_value])
            for s in kconf.unique_defined_syms if s.user_value is not None]


def parse_assignment(text):
    if "=" not in text:
        raise ConfigError(f"-Dconfig: '{text}' is not SYMBOL=value")
    name, value = text.split("=", 1)
    name = name.strip()
    if name.startswith("CONFIG_"):
        name = name[len("CONFIG_"):]
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] == '"':
        value = value[1:-1]
    # Kconfiglib escapes only \ and " : a control character would go raw into
    # .config and into a C string literal of the generated header, and break both.
    bad = [c for c in value if (ord(c) < 0x20 and c != "\t") or ord(c) == 0x7f]
    if bad:
        raise ConfigError(f"-Dconfig: {name}: the value holds the control character {bad[0]!r}")
    return name, value


def apply_part_lists(kconf, parts, lists):
    """-Ddrivers=a,b etc.: exactly these parts of that class are on."""
    wanted = []
    for cls, (_, _, option) in CLASSES.items():
        names = [n for item in lists.get(option, []) for n in item.split(",") if n]
        if not names:
            continue
        known = {p.name: p for p in parts if p.cls == cls}
        on = set() if names == ["none"] else set(names)
        unknown = sorted(on - set(known))
        if unknown:
            raise ConfigError(f"-D{option}: no such part {', '.join(unknown)} "
                              f"(known: {', '.join(sorted(known)) or 'none'})")
        for p in known.values():
            # A part without a prompt (a library such as drivers/virtio) is
            # on exactly when a selected part selects it: naming it is an error.
            if p.name in on or any(n.prompt for n in kconf.syms[p.symbol].nodes):
                wanted.append((p.symbol, "y" if p.name in on else "n"))
    return wanted


def set_values(kconf, wanted):
    kconfiglib = import_kconfiglib()
    for name, value in wanted:
        sym = kconf.syms.get(name)
        if sym is None or not sym.nodes:
            raise ConfigError(f"-Dconfig: unknown symbol {name}")
        base = {kconfiglib.INT: 10, kconfiglib.HEX: 16}.get(sym.type)
        try:
            if base:
                int(value, base)
        except ValueError:
            raise ConfigError(f"-Dconfig: {name}={value} is not a valid "
                              f"{kconfiglib.TYPE_TO_STR[sym.type]}") from None
        if not sym.set_value(value):
            raise ConfigError(f"-Dconfig: {name}={value} is not a valid value for this "
                              f"{kconfiglib.TYPE_TO_STR[sym.type]} symbol")


def header_line(sym):
    kconfiglib = import_kconfiglib()
    v = sym.str_value
    if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE):
        return f"#define CONFIG_{sym.name} 1\n" if v == "y" else None
    if sym.type == kconfiglib.STRING:
        return f'#define CONFIG_{sym.name} "{kconfiglib.escape(v)}"\n'
    if sym.type == kconfiglib.HEX and v and not v.lower().startswith("0x"):
        v = "0x" + v
    return f"#define CONFIG_{sym.name} {v}\n" if v else None


def part_of(sym, parts, srctree):
    """The part whose Kconfig defines sym (core for the top, arch and core files)."""
    # Kconfiglib names files relative to the real (symlink-free) source tree.
    path = os.path.join(os.path.realpath(srctree), sym.nodes[0].filename)
    d = os.path.dirname(os.path.realpath(path))
    for p in parts:
        if p.path == d:
            return p.subproject
    return CORE_PART


def write_if_changed(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return
    except OSError:
        pass
    with open(path + ".tmp", "w") as f:
        f.write(text)
    os.replace(path + ".tmp", path)


def write_headers(kconf, parts, srctree, builddir):
    """One header per part (and core): a changed option rebuilds only its part."""
    outdir = os.path.join(builddir, "yolk-config")
    os.makedirs(outdir, exist_ok=True)
    per_part = {CORE_PART: []}
    per_part.update({p.subproject: [] for p in parts})
    for sym in kconf.unique_defined_syms:
        line = header_line(sym)
        if line:
            per_part[part_of(sym, parts, srctree)].append(line)
    for name, lines in per_part.items():
        guard = "YOLK_CONFIG_" + name.upper().replace("-", "_") + "_H"
        write_if_changed(os.path.join(outdir, name + ".h"),
                         f"/* Generated by tools/kconfig.py from .config: do not edit. */\n"
                         f"#ifndef {guard}\n#define {guard}\n" + "".join(lines) + "#endif\n")
    write_if_changed(os.path.join(outdir, "all.h"),
                     "/* Generated by tools/kconfig.py: every part's options. */\n" +
                     "".join(f'#include "{n}.h"\n' for n in sorted(per_part)))


def app_id(name):
    return re.sub(r"[^A-Za-z0-9_]", "_", name)


def cmd_app_table(a):
    """The table core/main.c looks applications up in (see include/yolk/app.h).
    The references are weak so that an app without main() still links, and
    tools/check-apps.py can then name the app instead of the linker's
    'undefined reference'."""
    names = [n for n in a.apps if n]
    decls = "".join(f"int yolk_app_{app_id(n)}_main(int argc, char **argv) __attribute__((weak));\n"
                    for n in names)
    rows = "".join(f'\t{{"{n}", yolk_app_{app_id(n)}_main}},\n' for n in names)
    write_if_changed(a.out, "/* Generated by tools/kconfig.py app-table from the selected applications. */\n"
                     "#include <yolk/app.h>\n\n" + decls +
                     "\nconst struct yolk_app yolk_apps[] = {\n" + rows + "};\n"
                     f"const unsigned yolk_napps = {len(names)};\n")


def defconfig_path(srctree, name):
    if os.sep in name or name.endswith("_defconfig"):
        path = name if os.path.isabs(name) else os.path.abspath(name)
    else:
        path = os.path.join(srctree, "configs", name + "_defconfig")
    if not os.path.isfile(path):
        known = sorted(f[:-len("_defconfig")] for f in os.listdir(os.path.join(srctree, "configs"))
                       if f.endswith("_defconfig"))
        raise ConfigError(f"no defconfig '{name}' (known: {', '.join(known)}; or give a path)")
    return path


def cmd_configure(a):
    external = external_dirs(a.srctree, [d for d in a.external if d], a.embedder)
    parts = find_parts(a.srctree, external, a.embedder)
    kconf = load_kconfig(a.srctree, a.builddir, external)
    for p in parts:
        if p.symbol not in kconf.syms or not kconf.syms[p.symbol].nodes:
            raise ConfigError(f"{p.label}/Kconfig must define {p.symbol} (the symbol that switches a "
                              f"part on is named after its directory: {p.label} -> {p.symbol})")
    dotconfig = os.path.join(a.builddir, ".config")
    stamp = os.path.join(a.builddir, ".config.defconfig")
    base = defconfig_path(a.srctree, a.defconfig)
    # .config stays authoritative (menuconfig edits survive) until another
    # defconfig is chosen or the chosen one's contents change.
    with open(base, "rb") as f:
        base_id = base + " " + hashlib.sha256(f.read()).hexdigest()
    same_base = os.path.exists(stamp) and open(stamp).read().strip() == base_id
    if os.path.exists(dotconfig) and not same_base:
        print(f"yolk: starting .config over from {base}", file=sys.stderr)
    if os.path.exists(dotconfig) and same_base:
        load_values(kconf, dotconfig, "in")
    else:
        load_values(kconf, base, "in defconfig")
    check_taken(kconf, user_assignments(kconf), os.path.basename(base) if not same_base else ".config")
    lists = {"drivers": a.drivers, "net": a.net, "fs": a.fs, "apps": a.apps}
    wanted = apply_part_lists(kconf, parts, lists)
    wanted += [parse_assignment(x) for x in a.config if x]
    set_values(kconf, wanted)
    check_taken(kconf, wanted, "meson option")
    apps = [p for p in parts if p.cls == "apps" and kconf.syms[p.symbol].str_value == "y"]
    main_app = kconf.syms["MAIN_APP"].str_value
    if main_app not in [p.name for p in apps]:
        raise ConfigError(f"MAIN_APP=\"{main_app}\" is not a selected application "
                          f"(selected: {', '.join(p.name for p in apps) or 'none'})")
    kconf.write_config(dotconfig, save_old=False)
    write_if_changed(stamp, base_id + "\n")
    write_headers(kconf, parts, a.srctree, a.builddir)
    enabled = [p for p in parts if kconf.syms[p.symbol].str_value == "y"]
    for p in enabled:
        link_subproject(p)
    # The files this configuration was made from: Meson reconfigures when one changes.
    # (Kconfiglib names files relative to the real, symlink-free source tree.)
    real_src, real_build = os.path.realpath(a.srctree), os.path.realpath(a.builddir)
    deps = sorted({os.path.realpath(os.path.join(real_src, d)) for d in kconf.kconfig_filenames} |
                  {os.path.realpath(base)} | {os.path.realpath(p.kconfig) for p in parts})
    out = [f"PARTS={' '.join(p.subproject for p in enabled)}",
           f"APP_IDS={' '.join(app_id(p.name) for p in apps)}",
           # The embedding project's own part tests (tools/yolk new makes one per part).
           f"PART_TESTS={' '.join(t for p in enabled if p.home != a.srctree for t in [os.path.join(p.path, 'tests', 'boot_test.py')] if os.path.isfile(t))}",
           f"APPS={' '.join(p.name for p in apps)}",
           f"MAIN_APP={main_app}",
           f"STACK_PROTECTOR={kconf.syms['STACK_PROTECTOR'].str_value}",
           f"VFS={kconf.syms['VFS'].str_value}",
           f"SMP={kconf.syms['SMP'].str_value}",
           f"PCI={kconf.syms['PCI'].str_value}",
           f"SYSCALL={kconf.syms['SYSCALL'].str_value}",
           f"OPTIMIZE_SIZE={kconf.syms['OPTIMIZE_SIZE'].str_value}",
           f"LIBC_INTEGER_IO={kconf.syms['LIBC_INTEGER_IO'].str_value}",
           f"DEPS={' '.join(d for d in deps if not d.startswith(real_build + os.sep))}"]
    write_if_changed(a.out, "\n".join(out) + "\n")


def open_build_config(a):
    """The Kconfig tree and .config of a configured build directory."""
    dotconfig = os.path.join(a.builddir, ".config")
    if not os.path.exists(dotconfig):
        raise ConfigError(f"{a.builddir} has no .config: run meson setup first")
    ext_file = os.path.join(a.builddir, "Kconfig.external")  # written by configure
    external = []
    if os.path.exists(ext_file):
        external = [line.split('"')[1].rsplit("/Kconfig", 1)[0] for line in open(ext_file) if '"' in line]
    kconf = load_kconfig(a.srctree, a.builddir, external)
    os.environ["KCONFIG_CONFIG"] = dotconfig
    return kconf, dotconfig


def cmd_menuconfig(a):
    kconf, _ = open_build_config(a)
    import menuconfig
    menuconfig.menuconfig(kconf)
    print("yolk: the next ninja run reconfigures with the saved .config")


def cmd_savedefconfig(a):
    kconf, dotconfig = open_build_config(a)
    load_values(kconf, dotconfig, "in")
    out = os.path.join(a.builddir, "defconfig")
    kconf.write_min_config(out)
    print(f"yolk: minimal configuration written to {out} (copy it to configs/NAME_defconfig)")


def cmd_olddefconfig(a):
    kconf, dotconfig = open_build_config(a)
    load_values(kconf, dotconfig, "in")
    print(kconf.write_config(dotconfig, save_old=False))


def unfetched_optional_parts(srctree):
    """Symbols of parts whose optional Debian source (`# optional = SYMBOL` in a wrap) is not fetched."""
    out = []
    sub = os.path.join(srctree, "subprojects")
    for wrap in sorted(f for f in os.listdir(sub) if f.endswith(".wrap")):
        text = open(os.path.join(sub, wrap)).read()
        sym = re.search(r"^# optional\s*=\s*(\w+)", text, re.M)
        tarball = re.search(r"^source_filename\s*=\s*(\S+)", text, re.M)
        if sym and tarball and not os.path.exists(os.path.join(sub, "packagefiles", tarball.group(1))):
            out.append(sym.group(1))
    return out


def cmd_randconfig(a):
    """A random configuration that Kconfig accepts as it is (so configure takes it)."""
    kconfiglib = import_kconfiglib()
    parts = find_parts(a.srctree, [])
    kconf = load_kconfig(a.srctree, a.builddir, [])
    rng = random.Random(a.seed)
    # A test build boots every random image, so the serial console stays on
    # and one application runs as main.
    keep = {"DRIVER_UART16550": "y"}
    keep.update((sym, "n") for sym in unfetched_optional_parts(a.srctree) if sym in kconf.syms)
    for name, value in keep.items():
        kconf.syms[name].set_value(value)
    for sym in kconf.unique_defined_syms:
        if not any(n.prompt for n in sym.nodes) or sym.name == "MAIN_APP" or sym.name in keep:
            continue
        if sym.type in (kconfiglib.BOOL, kconfiglib.TRISTATE) and sym.assignable:
            sym.set_value(rng.choice(sym.assignable))
        elif sym.type in (kconfiglib.INT, kconfiglib.HEX) and sym.ranges:
            lo, hi = (int(x.str_value, 0) for x in sym.ranges[0][:2])
            sym.set_value(str(rng.choice([lo, hi, rng.randint(lo, hi)])))
    apps = [p for p in parts if p.cls == "apps" and kconf.syms[p.symbol].str_value == "y"]
    if not apps:
        hello = kconf.syms["APP_HELLO"]
        hello.set_value("y")
        apps = [p for p in parts if p.symbol == "APP_HELLO"]
    kconf.syms["MAIN_APP"].set_value(rng.choice(apps).name)
    kconf.write_min_config(a.out)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("command", choices=["configure", "menuconfig", "savedefconfig", "olddefconfig",
                                       "randconfig", "app-table"])
    p.add_argument("--srctree", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    p.add_argument("--builddir", default="build")
    p.add_argument("--defconfig", default="default")
    # One argument per list item (a string value may hold commas).
    for option in ("drivers", "net", "fs", "apps", "config", "external"):  # app-table: --apps
        p.add_argument("--" + option, action="append", default=[])
    p.add_argument("--embedder", help="source root of the project yolk is a subproject of")
    p.add_argument("--out")
    p.add_argument("--seed", type=int, default=0)
    a = p.parse_args()
    a.srctree = os.path.abspath(a.srctree)
    a.builddir = os.path.abspath(a.builddir)
    try:
        {"configure": cmd_configure, "menuconfig": cmd_menuconfig, "savedefconfig": cmd_savedefconfig,
         "olddefconfig": cmd_olddefconfig, "randconfig": cmd_randconfig,
         "app-table": cmd_app_table}[a.command](a)
    except ConfigError as e:
        sys.exit("yolk: configuration error: " + str(e).replace("\n", "\nyolk: configuration error: "))


if __name__ == "__main__":
    main()
