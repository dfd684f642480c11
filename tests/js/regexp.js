// Regular expressions: groups, lookaround, unicode properties, flags, replace.
const re = /(?<year>\d{4})-(?<month>\d{2})-(?<day>\d{2})/u;
const m = "date: 2024-02-29!".match(re);
print(m.index, m.groups.year, m.groups.month, m.groups.day);
print("a1b22c333".replace(/\d+/g, d => `[${d.length}]`), "x-y_z".split(/[-_]/));
print([..."a1b22c333".matchAll(/[a-z](\d+)/g)].map(m => m[1]));
print(/(?<=\$)\d+/.exec("cost $42")[0], /(?<!\$)\b\d+/.exec("cost $42 or 17")[0]);
print(/\p{Script=Greek}+/u.exec("abc αβγ def")[0], /^\p{Lu}/u.test("Émile"));
const sticky = /foo/y;
sticky.lastIndex = 3;
print(sticky.test("barfoo"), sticky.lastIndex);
print("aBc".replace(/b/i, "$&$&"), "john smith".replace(/(\w+)\s(\w+)/, "$2, $1"));
print(/a.c/s.test("a\nc"), /^b/m.test("a\nb"), new RegExp("a+", "gi").flags, /x/dg.exec("axb").indices[0]);
print("The Quick Brown".match(/[A-Z]/g).join(""), "tést".normalize("NFD").length, "ǅ".toLowerCase());
print(/(a+)+b/.test("a".repeat(14) + "c"));
const email = /^[\w.+-]+@[\w-]+\.[\w.-]+$/;
print(["a@b.co", "bad@", "x.y+z@q-r.org"].map(s => email.test(s)));
print("abcabc".replaceAll("b", "B"), /[\u{1F600}-\u{1F64F}]/u.test("hi 😀"), "😀".length, [..."😀a"].length);
try { new RegExp("("); } catch (e) { print(e.name, e.message); }
print("aaa".match(/a*?/)[0].length, "x".padEnd(5, "ab") + "|");
