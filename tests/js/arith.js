// Numbers: arithmetic, formatting, bit operations, Math (libm results to 12 digits).
print(1 + 2, 7 / 2, 7 % 3, -7 % 3, 2 ** 53, 2 ** 53 + 1, 0.1 + 0.2, 1 / 3);
print(Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, Number.MAX_VALUE, Number.EPSILON);
print(1e21, 1e-7, 123456789012345680000, -0, Object.is(-0, 0), 1 / -0, NaN, 0 / 0);
print((255).toString(16), (255).toString(2), (0.5).toString(3), parseInt("ff", 16), parseFloat("3.14abc"));
print((1234.5678).toFixed(2), (0.000001234).toPrecision(2), (123.456).toExponential(4), (1e21).toFixed(2));
print(5 | 3, 5 & 3, 5 ^ 3, ~5, 1 << 31, -1 >>> 0, -16 >> 2, 2 ** 32 | 0);
print(Math.max(1, 5, 3), Math.min(), Math.abs(-3.5), Math.floor(-2.5), Math.ceil(2.1), Math.round(2.5),
      Math.round(-2.5), Math.trunc(-4.7), Math.sign(-3));
print(Math.sqrt(2), Math.clz32(1), Math.fround(5.5), Math.imul(3, 4), Math.sqrt(-1), Math.max(NaN, 1));
const libm = [Math.sin, Math.cos, Math.tan, Math.exp, Math.log, Math.log10, Math.log2, Math.expm1, Math.sinh,
              Math.atan, Math.asin, Math.cbrt, x => Math.pow(x, 0.5), x => Math.hypot(x, 3), x => Math.atan2(x, 2)];
print(libm.map(fn => fn(0.7).toPrecision(12)).join(" "));
let sum = 0;
for (let i = 1; i <= 300000; i++)
    sum += i % 7 === 0 ? i : 0;
print(sum);
print(Number("0x1f"), Number("  12  "), Number(""), Number("1e3"), +"abc", 0.1 * 3, 9007199254740993);
print([10, 9, 1, 100].sort(), [10, 9, 1, 100].sort((a, b) => a - b));
print(12345.6789.toFixed(10), (0.1).toFixed(20), 5e-324, 1.7976931348623157e308 * 10, (-1.5).toFixed(0));
