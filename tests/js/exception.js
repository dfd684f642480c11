// Exceptions: caught with their stack, then one uncaught: its stack trace and exit status 1.
function level3(x) {
    if (x > 2)
        throw new TypeError("value too large: " + x);
    return x;
}
function level2(x) { return level3(x + 1); }
function level1(x) { return level2(x + 1); }
print("before");
try {
    level1(5);
} catch (e) {
    print("caught:", e.name, e.message);
    print(e.stack);
}
class Parser { parse(s) { return JSON.parse(s); } }
try { new Parser().parse("{oops"); } catch (e) { print(e.stack); }
print("now uncaught");
level1(10);
print("not reached");
