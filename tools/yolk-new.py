#!/usr/bin/env python3
"""tools/yolk new app|driver|fs NAME [DIR]: makes a part that builds and boots at once.

In yolk's tree (no DIR, or DIR is yolk's top) the part lands in
{apps,drivers,fs}/NAME with its subprojects/ link. DIR elsewhere is a project
embedding yolk: made complete when it has no meson.build yet (meson.build,
configs/, subprojects/yolk, README.md), then given the part. A part is
Kconfig (symbol named after the directory, with help text), meson.build (its
file list), NAME.c, and tests/boot_test.py, which boots an image and checks
the part's line on the serial console.
"""
import os
import re
import sys

YOLK = os.path.realpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
KINDS = {"app": ("apps", "APP"), "driver": ("drivers", "DRIVER"), "fs": ("fs", "FS")}

KCONFIG = """config {sym}
	bool "{name}: {what}"
{extra}	help
	  {help}
	  Made by tools/yolk new; tested by {label}/tests/boot_test.py,
	  which boots an image with it and checks for "{says}".
"""

MESON = """# {label}: the files of the part. yolk builds them with its own flags{rename};
# the part's name is its directory.
project('{name}', 'c')
sources = files('{name}.c')
"""

SOURCES = {
    "app": """#include <stdio.h>

/* An ordinary C program: yolk runs it as the image's main app (CONFIG_MAIN_APP). */
int main(int argc, char **argv)
{{
	(void)argv;
	printf("hello from {name} (%d argument%s)\\n", argc - 1, argc == 2 ? "" : "s");
	return 0;
}}
""",
    "driver": """#include <yolk/console.h>
#include <yolk/init.h>

/*
 * Runs at start-up with the other devices. A PCI driver registers with
 * YOLK_PCI_DRIVER instead and is probed per matching device (drivers/bochs-vbe).
 * A nonzero return is reported and start-up goes on.
 */
static int {ident}_init(void)
{{
	kprintf("{name}: ready\\n");
	return 0;
}}
YOLK_INIT(YOLK_INIT_DEVICE, {ident}_init);
""",
    "fs": """#include <errno.h>
#include <sys/stat.h>
#include <yolk/console.h>
#include <yolk/init.h>
#include <yolk/vfs.h>

/* Directories have no entries yet: every name is missing. */
static int {ident}_lookup(struct vnode *dir, const char *name, size_t len, struct vnode **out)
{{
	(void)dir, (void)name, (void)len, (void)out;
	return -ENOENT;
}}

static const struct vnode_ops {ident}_vnode_ops = {{
	.lookup = {ident}_lookup,
}};

/* mount=PATH::{name} (see README "Storage"): an empty read-only directory. */
static int {ident}_mount(struct mount *m, const char *source, const char *options)
{{
	(void)source, (void)options;
	m->root = vnode_new(m, &{ident}_vnode_ops, S_IFDIR | 0555, NULL);
	return m->root ? 0 : -ENOMEM;
}}

static int {ident}_unmount(struct mount *m)
{{
	(void)m;
	return 0;
}}

static const struct fs_type {ident}_type = {{
	.name = "{name}",
	.mount = {ident}_mount,
	.unmount = {ident}_unmount,
}};
YOLK_FS_TYPE({ident}_type);

static int {ident}_announce(void)
{{
	kprintf("{name}: filesystem type registered\\n");
	return 0;
}}
YOLK_INIT(YOLK_INIT_FS, {ident}_announce);
""",
}

BOOT_TEST = '''#!/usr/bin/env python3
"""{label} boots: usage boot_test.py RUNNER IMAGE [RUNNER ARGS]
(tools/yolkqemu.py, a built image, e.g. --cmdline app=hello when main waits for input)."""
import subprocess
import sys
import tempfile

runner, image, more = sys.argv[1], sys.argv[2], sys.argv[3:]
with tempfile.NamedTemporaryFile() as log:
    p = subprocess.run([sys.executable, runner, "--kernel", image, "--log", log.name, "--timeout", "60"] + more)
    out = open(log.name, errors="replace").read().replace("\\r", "")
if p.returncode != 0 or "{says}" not in out:
    sys.exit(f"FAIL: {label}: exit status {{p.returncode}}, wanted \\"{says}\\" in:\\n{{out[-2000:]}}")
print("ok: {label} boots and says \\"{says}\\"")
'''

PROJECT_MESON = """# {proj}: an image built on yolk (made by tools/yolk new). yolk finds this
# project's parts in apps/, drivers/, fs/ and net/ itself; the defconfig picks
# which go in. The cross file also gives this project yolk's buildtype
# (debugoptimized), where Meson's own default would build everything at -O0.
project('{proj}', 'c', meson_version: '>=1.0.0')
fs = import('fs')

yolk = subproject('yolk', default_options: [
  'defconfig=' + meson.current_source_dir() / 'configs/{proj}_defconfig',
])

run_target('qemu', command: yolk.get_variable('qemu_cmd'))
alias_target('iso', yolk.get_variable('iso'))
alias_target('image', yolk.get_variable('image'))

# Each selected part's tests/boot_test.py boots the image: meson test -C build
foreach t : yolk.get_variable('part_tests')
  test(fs.name(fs.parent(fs.parent(t))), files(t),
       args: [yolk.get_variable('runner'), yolk.get_variable('image')], timeout: 120)
endforeach
"""

PROJECT_README = """# {proj}

An image built on [yolk](subprojects/yolk/README.md): `tools/yolk new app|driver|fs NAME .`
(run from subprojects/yolk) adds a part; `configs/{proj}_defconfig` selects parts.

```sh
meson setup build --cross-file subprojects/yolk/cross/x86_64-yolk.ini
ninja -C build qemu
meson test -C build
```
"""

PICOLIBC_WRAP = "[wrap-redirect]\nfilename = yolk/subprojects/picolibc.wrap\n"


def write(path, text, mode=0o644):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "x") as f:
        f.write(text)
    os.chmod(path, mode)


def link(target, at):
    if not os.path.lexists(at):
        os.makedirs(os.path.dirname(at), exist_ok=True)
        os.symlink(os.path.relpath(target, os.path.dirname(at)), at)


def make_project(top, proj):
    """A complete project embedding yolk: the part is added by make_part."""
    write(os.path.join(top, "meson.build"), PROJECT_MESON.format(proj=proj))
    write(os.path.join(top, "configs", proj + "_defconfig"),
          "CONFIG_DRIVER_UART16550=y\nCONFIG_APP_HELLO=y\nCONFIG_MAIN_APP=\"hello\"\n")
    write(os.path.join(top, "README.md"), PROJECT_README.format(proj=proj))
    write(os.path.join(top, ".gitignore"), "/build*/\n/subprojects/picolibc-*/\n")
    write(os.path.join(top, "subprojects", "picolibc.wrap"), PICOLIBC_WRAP)
    link(YOLK, os.path.join(top, "subprojects", "yolk"))


def select_in_defconfig(top, proj, kind, name, sym):
    """In a project made here, the new part goes into the image (an app as main)."""
    path = os.path.join(top, "configs", proj + "_defconfig")
    text = open(path).read() + f"CONFIG_{sym}=y\n"
    if kind == "app":
        text = text.replace("CONFIG_APP_HELLO=y\n", "# CONFIG_APP_HELLO is not set\n")
        text = re.sub(r'CONFIG_MAIN_APP="[^"]*"', f'CONFIG_MAIN_APP="{name}"', text)
    with open(path, "w") as f:
        f.write(text)


def make_part(top, kind, name):
    cls, prefix = KINDS[kind]
    sym = prefix + "_" + name.upper().replace("-", "_")
    ident = re.sub(r"[^a-z0-9_]", "_", name)
    label = f"{cls}/{name}"
    d = os.path.join(top, cls, name)
    if os.path.exists(d):
        sys.exit(f"yolk new: {d} exists already: choose another NAME")
    says = {"app": f"hello from {name}", "driver": f"{name}: ready",
            "fs": f"{name}: filesystem type registered"}[kind]
    what = {"app": "an application (describe it)", "driver": "a driver (say for which device)",
            "fs": "a filesystem (say what it stores)"}[kind]
    helptext = {"app": f'Prints "{says}" and returns 0.',
                "driver": f'Says "{says}" at start-up; probes nothing yet.',
                "fs": "An empty read-only directory, mounted with mount=PATH::" + name + "."}[kind]
    extra = "\tselect VFS\n" if kind == "fs" else ""
    v = dict(sym=sym, name=name, ident=ident, label=label, says=says, what=what, help=helptext,
             extra=extra, rename=" (and renames main())" if kind == "app" else "")
    write(os.path.join(d, "Kconfig"), KCONFIG.format(**v))
    write(os.path.join(d, "meson.build"), MESON.format(**v))
    write(os.path.join(d, name + ".c"), SOURCES[kind].format(**v))
    write(os.path.join(d, "tests", "boot_test.py"), BOOT_TEST.format(**v), 0o755)
    link(d, os.path.join(top, "subprojects", f"{kind}-{name}"))
    return sym, label


def main(argv):
    if len(argv) not in (2, 3) or argv[0] not in KINDS:
        sys.exit("usage: tools/yolk new app|driver|fs NAME [DIR]  (DIR: a project embedding yolk; "
                 "default: yolk's own tree)")
    kind, name = argv[0], argv[1]
    if not re.fullmatch(r"[a-z][a-z0-9-]*", name):
        sys.exit(f"yolk new: '{name}' is not a part name: lower-case letters, digits and '-', "
                 f"starting with a letter (it becomes the directory and the Kconfig symbol)")
    top = os.path.abspath(argv[2] if len(argv) == 3 else YOLK)
    inside = os.path.realpath(top) == YOLK
    made = False
    if not inside and not os.path.exists(os.path.join(top, "meson.build")):
        make_project(top, os.path.basename(top))
        made = True
    sym, label = make_part(top, kind, name)
    if made:
        select_in_defconfig(top, os.path.basename(top), kind, name, sym)
    print(f"yolk new: made {os.path.join(top, label)}")
    if made:
        print(f"yolk new: made the project {top}; build and boot it with\n"
              f"  cd {top} && meson setup build --cross-file subprojects/yolk/cross/x86_64-yolk.ini "
              f"&& ninja -C build qemu")
    else:
        main_hint = f' and CONFIG_MAIN_APP="{name}" to run it as main' if kind == "app" else ""
        print(f"yolk new: switch it on with CONFIG_{sym}=y in a defconfig (or -Dconfig={sym}=y"
              f"{' in yolk' if inside else ''}){main_hint}")


if __name__ == "__main__":
    main(sys.argv[1:])
