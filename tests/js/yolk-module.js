// Guest only (tests/meson.build checks its lines): the yolk module, os.Worker on a
// yolk thread, and what yolk cannot do failing with clear errors.
import * as yolk from "yolk";
import * as os from "os";
import * as std from "std";
const up = yolk.uptime();
print("uptime in range:", up > 0 && up < 600);
const threads = yolk.threads();
print("threads main, idle, js:", ["main", "idle", "js"].every(n => threads.some(t => t.name === n)));
const js = threads.find(t => t.name === "js");
print("js thread:", js.state, js.stackSize);
const mem = yolk.memory();
print("memory:", mem.total > 64 << 20, mem.free > 0 && mem.free < mem.total, mem.heap > 0);
// CMOS status register B (index 0x0b, ports 0x70/0x71): bit 1 is 24-hour mode, which QEMU sets.
yolk.outb(0x70, 0x0b);
print("cmos 24-hour mode:", (yolk.inb(0x71) & 2) === 2);
// PCI configuration mechanism 1: vendor and device of 00:00.0 (q35's host bridge).
yolk.outl(0xcf8, 0x80000000);
const id = yolk.inl(0xcfc);
print("pci 00:00.0:", (id & 0xffff).toString(16), (id >>> 16).toString(16));
try { yolk.inb(0x10000); } catch (e) { print(e.name + ": " + e.message); }
for (const f of [() => os.exec(["ls"]), () => os.waitpid(1, 0), () => os.kill(1, os.SIGTERM),
                 () => os.signal(os.SIGTERM, () => 0)]) {
    try { f(); } catch (e) { print(e.name + ": " + e.message); }
}
print("SIGINT handler accepted:", os.signal(os.SIGINT, () => 0) === undefined);
print("popen:", std.popen("ls", "r"));
try { await import("./native.so"); } catch (e) { print(e.name + ": " + e.message); }
const worker = new os.Worker("./worker.js");
worker.onmessage = e => {
    print("from worker:", e.data.sum, e.data.overflow, e.data.threads.includes("js"));
    worker.onmessage = null;
};
worker.postMessage({ n: 1000 });
