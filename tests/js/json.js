// JSON: stringify/parse round trips, unicode, indentation, replacers, revivers, errors.
const obj = { s: "héllo \"quoted\" \n tab\t ✓ 😀 \u0001", n: [1, -2.5, 1e300, 0, -0], b: true, z: null,
              nested: { a: [{ b: [{ c: "deep" }] }] }, u: undefined, f() {} };
const text = JSON.stringify(obj);
print(text);
const back = JSON.parse(text);
print(JSON.stringify(back) === text, back.nested.a[0].b[0].c, back.s.length);
print(JSON.stringify(obj, null, 2));
print(JSON.stringify({ d: new Date(Date.UTC(2024, 1, 29, 12)), big: [1n].map(String), m: new Map([[1, 2]]) }));
print(JSON.stringify(obj, ["s", "b"]), JSON.stringify(back, (k, v) => typeof v === "number" ? v * 2 : v));
print(JSON.parse('[1, "2", {"3": [4]}]', (k, v) => Array.isArray(v) ? v.length : v));
try { JSON.parse("{bad json}"); } catch (e) { print(e.name, e.message); }
const cyc = {};
cyc.self = cyc;
try { JSON.stringify(cyc); } catch (e) { print(e.name, e.message); }
const arr = [];
for (let i = 0; i < 1000; i++) arr.push({ i, sq: i * i, s: "x".repeat(i % 10), f: i / 7 });
const t2 = JSON.stringify(arr);
const back2 = JSON.parse(t2);
print(t2.length, back2[999].f, JSON.stringify(back2) === t2);
print(JSON.stringify("\ud800"), JSON.stringify({ [Symbol("s")]: 1, k: Symbol("v") }), JSON.stringify([NaN, Infinity]));
