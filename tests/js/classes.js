// Classes: inheritance, private and static members, accessors, mixins, iterators.
class Animal {
    #secret = 42;
    static count = 0;
    constructor(name) { this.name = name; Animal.count++; }
    speak() { return `${this.name} makes a sound`; }
    get secret() { return this.#secret; }
    static create(n) { return new this(n); }
    toString() { return `Animal(${this.name})`; }
}
class Dog extends Animal {
    speak() { return super.speak() + " (woof)"; }
}
const d = Dog.create("Rex");
print(d.speak(), d.secret, Animal.count, d instanceof Animal, String(d), Object.getPrototypeOf(d) === Dog.prototype);
class Vec {
    constructor(x, y) { this.x = x; this.y = y; }
    add(o) { return new Vec(this.x + o.x, this.y + o.y); }
    *[Symbol.iterator]() { yield this.x; yield this.y; }
    static { this.ZERO = new Vec(0, 0); }
}
print([...new Vec(1, 2).add(new Vec(3, 4))], Vec.ZERO.x);
class Temp {
    static #instances = 0;
    #c;
    constructor(c) { this.#c = c; Temp.#instances++; }
    get f() { return this.#c * 9 / 5 + 32; }
    set f(v) { this.#c = (v - 32) * 5 / 9; }
    static #priv() { return "private static"; }
    static get n() { return Temp.#instances + " " + Temp.#priv(); }
    has(o) { return #c in o; }
}
const t = new Temp(100);
t.f = 212;
print(t.f, Temp.n, t.has(t), t.has({}));
class MyErr extends Error {
    constructor(m) { super(m); this.name = "MyErr"; }
}
try {
    throw new MyErr("custom");
} catch (e) {
    print(e instanceof MyErr, e instanceof Error, e.name, e.message, String(e));
}
const mixin = Base => class extends Base { mixed() { return "mixed " + this.name; } };
print(new (mixin(Animal))("Cat").mixed());
print(typeof Animal, Object.getOwnPropertyNames(Animal.prototype).join(","), Dog.name, Dog.length);
const p = new Proxy({}, { get: (o, k) => k === "answer" ? 42 : Reflect.get(o, k) });
print(p.answer, p.other, Reflect.ownKeys(new Dog("x")));
const ws = new WeakMap(), key = {};
ws.set(key, "weak");
print(ws.get(key), new Set([1, 2, 2, 3]).size, [...new Map([["a", 1]]).entries()]);
