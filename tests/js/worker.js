// os.Worker body for yolk-module.js: sums 1..n in its own thread and context.
import * as os from "os";
import * as yolk from "yolk";
const parent = os.Worker.parent;
parent.onmessage = e => {
    let sum = 0;
    for (let i = 1; i <= e.data.n; i++) sum += i;
    let overflow;
    try { (function deep() { deep(); })(); } catch (e) { overflow = e.message; }
    parent.postMessage({ sum, overflow, threads: yolk.threads().map(t => t.name) });
    parent.onmessage = null;
};
