// os.setTimeout ordering: by deadline, FIFO for equal delays, clearTimeout, nesting, sleeps.
import * as os from "os";
const out = [];
[300, 0, 900, 600].forEach(d => os.setTimeout(() => out.push("t" + d), d));
os.setTimeout(() => out.push("t0 second"), 0);
const h = os.setTimeout(() => out.push("cancelled"), 150);
os.clearTimeout(h);
os.setTimeout(() => {
    out.push("nested start");
    os.setTimeout(() => out.push("nested inner"), 0);
}, 1200);
const t0 = Date.now();
os.setTimeout(async () => {
    // Timers run on the monotonic clock, Date.now() on the real-time one, each
    // in whole ms with its own phase: 1500 ms can read as 1499 (seen on the host).
    out.push("elapsed>=1500 " + (Date.now() - t0 >= 1499));
    const s = os.now();
    os.sleep(50);
    out.push("os.sleep 50ms: " + (os.now() - s >= 50));
    await os.sleepAsync(30);
    out.push("sleepAsync done");
    print(out.join("\n"));
}, 1500);
