// BigInt: big factorials, powers, division and modulo signs, conversions.
let f = 1n;
for (let i = 1n; i <= 100n; i++) f *= i;
print(f);
print(2n ** 256n, (2n ** 256n).toString(16), -(2n ** 64n) / 3n, -(2n ** 64n) % 3n);
print(BigInt.asUintN(64, -1n), BigInt.asIntN(8, 255n), BigInt("0x" + "f".repeat(40)), BigInt(Number.MAX_SAFE_INTEGER) + 2n);
print(10n > 9, 10n == 10, typeof 10n, 5n << 100n, (1n << 100n) >> 98n, 7n & 3n, ~0n, -5n / 2n);
try { 1n + 1; } catch (e) { print(e.name, e.message); }
let a = 0n, b = 1n;
for (let i = 0; i < 500; i++) [a, b] = [b, a + b];
print(a);
const gcd = (x, y) => y ? gcd(y, x % y) : x;
print(gcd(2n ** 120n - 1n, 2n ** 80n - 1n));
function modpow(b, e, m) {
    let r = 1n;
    b %= m;
    while (e > 0n) {
        if (e & 1n) r = r * b % m;
        b = b * b % m;
        e >>= 1n;
    }
    return r;
}
print(modpow(3n, 10n ** 30n, 10n ** 9n + 7n));
print(Number(2n ** 70n), BigInt(1e21), BigInt.asUintN(128, -(2n ** 100n)), (12345678901234567890n).toString(36));
print((2n ** 4000n).toString().length, (3n ** 2000n) % 1000000007n);
