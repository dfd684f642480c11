// Promise and async ordering: microtasks before timers, await, combinators.
// (qjs treats a rejection without a handler at that moment as fatal: rejections here come
// later. Timers are created in the order of their deadlines: when a loaded guest finds
// several expired at once, quickjs-libc runs them in creation order.)
import * as os from "os";
const log = [];
const p = s => log.push(s);
const timer = (ms, f) => os.setTimeout(f, ms);
const later = (v, ms) => new Promise((_, rej) => timer(ms, () => rej(v)));
p("sync 1");
timer(0, () => p("timeout 0"));
const anyDone = Promise.any([later(1, 10), Promise.resolve("any ok")]);
const bad = later(new TypeError("bad"), 20);
const settled = Promise.allSettled([later(new Error("no"), 40), 1]);
const three = new Promise(r => timer(70, () => r(3)));
const sleep100 = new Promise(r => timer(100, r));
const fast = new Promise(r => timer(140, () => r("fast")));
const { promise, resolve } = Promise.withResolvers();
timer(170, () => resolve("by timer"));
const slow = new Promise(r => timer(200, () => r("slow")));
timer(300, () => print(log.join("\n")));
Promise.resolve().then(() => p("micro 1")).then(() => p("micro 3"));
Promise.resolve().then(() => p("micro 2"));
(async () => {
    p("async start");
    await null;
    p("after await 1");
    await sleep100;
    p("after timer await");
})();
async function a() { return 1; }
a().then(v => p("async fn value " + v));
Promise.all([1, Promise.resolve(2), three]).then(v => p("all " + v));
settled.then(r => p("settled " + r.map(x => x.status)));
Promise.race([slow, fast]).then(v => p("race " + v));
anyDone.then(v => p(v));
bad.catch(e => p("caught " + e.name)).finally(() => p("finally"));
async function* agen() { yield 1; await null; yield 2; }
(async () => { for await (const v of agen()) p("for await " + v); })();
promise.then(v => p("resolved later " + v));
p("sync 2");
