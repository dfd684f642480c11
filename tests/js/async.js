// Promise and async ordering: microtasks before timers, await, combinators.
// (qjs treats a rejection without a handler at that moment as fatal: rejections here come later.)
import * as os from "os";
const log = [];
const p = s => log.push(s);
p("sync 1");
os.setTimeout(() => p("timeout 0"), 0);
Promise.resolve().then(() => p("micro 1")).then(() => p("micro 3"));
(async () => {
    p("async start");
    await null;
    p("after await 1");
    await new Promise(r => os.setTimeout(r, 100));
    p("after timer await");
})();
async function a() { return 1; }
a().then(v => p("async fn value " + v));
Promise.all([1, Promise.resolve(2), new Promise(r => os.setTimeout(() => r(3), 70))]).then(v => p("all " + v));
const later = (v, ms) => new Promise((_, rej) => os.setTimeout(() => rej(v), ms));
Promise.allSettled([later(new Error("no"), 40), 1]).then(r => p("settled " + r.map(x => x.status)));
Promise.race([new Promise(r => os.setTimeout(() => r("slow"), 200)),
              new Promise(r => os.setTimeout(() => r("fast"), 140))]).then(v => p("race " + v));
Promise.any([later(1, 10), Promise.resolve("any ok")]).then(v => p(v));
later(new TypeError("bad"), 20).catch(e => p("caught " + e.name)).finally(() => p("finally"));
async function* agen() { yield 1; await null; yield 2; }
(async () => { for await (const v of agen()) p("for await " + v); })();
const { promise, resolve } = Promise.withResolvers();
promise.then(v => p("resolved later " + v));
os.setTimeout(() => resolve("by timer"), 170);
p("sync 2");
os.setTimeout(() => print(log.join("\n")), 300);
