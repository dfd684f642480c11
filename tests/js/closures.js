// Closures, generators, binding, recursion depth.
function counter() {
    let n = 0;
    return { inc: () => ++n, get: () => n };
}
const c1 = counter(), c2 = counter();
c1.inc(); c1.inc(); c2.inc();
print(c1.get(), c2.get());
const fns = [];
for (let i = 0; i < 3; i++) fns.push(() => i);
print(fns.map(f => f()));
var vfns = [];
for (var j = 0; j < 3; j++) vfns.push(() => j);
print(vfns.map(f => f()));
const compose = (...fs) => x => fs.reduceRight((acc, f) => f(acc), x);
print(compose(x => x + 1, x => x * 2)(5));
function memo(fn) {
    const cache = new Map();
    return n => cache.has(n) ? cache.get(n) : (cache.set(n, fn(n)), cache.get(n));
}
const fib = memo(n => n < 2 ? n : fib(n - 1) + fib(n - 2));
print(fib(90));
const curry = f => a => b => c => f(a, b, c);
print(curry((a, b, c) => a * b + c)(3)(4)(5));
function* gen() {
    let x = 0;
    while (true) {
        const r = yield x;
        x += r ?? 1;
    }
}
const g = gen();
print(g.next().value, g.next(5).value, g.next().value);
print((function () { return typeof this; })(), (function () { 'use strict'; return typeof this; })());
const bound = function (a, b) { return this.base + a + b; }.bind({ base: 100 }, 1);
print(bound(2), bound.name, bound.length);
function rec(n) { return n === 0 ? 0 : 1 + rec(n - 1); }
print(rec(300));
try {
    (function inf() { inf(); })();
} catch (e) {
    print(e.constructor.name, e.message);
}
const counters = Array.from({ length: 5 }, (_, k) => { let v = k; return () => (v *= 2); });
counters.forEach(f => f());
print(counters.map(f => f()));
