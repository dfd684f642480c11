// Building a 1 MiB string by concatenation, and big string operations.
let s = "";
for (let i = 0; i < 1 << 20; i++) s += String.fromCharCode(97 + i % 26);
print(s.length, s.slice(0, 30), s.slice(-5));
let h = 0;
for (let i = 0; i < s.length; i += 7) h = (Math.imul(h, 31) + s.charCodeAt(i)) | 0;
print(h);
const parts = [];
for (let i = 0; i < 65536; i++) parts.push(i.toString(36));
const j = parts.join(",");
print(j.length, j.slice(-20));
const r = "ab".repeat(1 << 19);
print(r.length, r.indexOf("ba", 1000), r.split("a").length, r.slice(0, 1 << 16).replace(/ab/g, "x").length);
print(s.toUpperCase().slice(100, 110), [...s.slice(0, 1000)].reverse().join("").slice(0, 10));
