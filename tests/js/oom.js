// args: --memory-limit 8M
// Allocating past the memory limit throws "out of memory"; the script goes on.
const keep = [];
try {
    for (;;) keep.push(new Array(10000).fill(3.5));
} catch (e) {
    print("caught:", e.name, e.message);
}
print("more than 10 arrays before it:", keep.length > 10);
keep.length = 0;
const bufs = [];
try {
    for (;;) bufs.push(new ArrayBuffer(1 << 20));
} catch (e) {
    print("caught:", e.name, e.message);
}
bufs.length = 0;
print("still usable:", [1, 2, 3].map(x => x * 2).join(), JSON.stringify({ ok: true }));
const big = [];
for (;;) big.push("x".repeat(1 << 16) + big.length);
