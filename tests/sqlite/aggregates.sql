-- Aggregates, window functions, math, dates and formatting.
CREATE TABLE s(id INTEGER PRIMARY KEY, g TEXT, x INTEGER, y REAL);
WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 5000)
  INSERT INTO s SELECT n, char(97 + n % 5), (n * 7919) % 1009, n / 3.0 FROM c;
SELECT g, count(*), sum(x), min(x), max(x), printf('%.4f', avg(y)), total(x) FROM s GROUP BY g ORDER BY g;
SELECT g, count(*) FROM s GROUP BY g HAVING sum(x) > 504000 ORDER BY g;
SELECT id, x, sum(x) OVER (ORDER BY id ROWS BETWEEN 2 PRECEDING AND CURRENT ROW),
  rank() OVER (PARTITION BY g ORDER BY x), lag(x) OVER (ORDER BY id) FROM s WHERE id <= 12;
SELECT g, x, row_number() OVER w, ntile(4) OVER w, first_value(id) OVER w
  FROM s WHERE id <= 20 WINDOW w AS (PARTITION BY g ORDER BY x) ORDER BY g, x;
SELECT group_concat(x, '+') FROM (SELECT x FROM s WHERE id <= 10 ORDER BY x);
SELECT count(*) FILTER (WHERE x % 2 = 0), count(*) FILTER (WHERE x % 2 = 1) FROM s;
SELECT printf('%.6f', sqrt(2)), printf('%.6f', exp(1)), pow(2, 10), ceil(2.1), floor(-2.1), printf('%.6f', pi());
SELECT abs(-5), round(2.5), round(-3.14159, 2), 7 / 2, 7 % 3, 7.0 / 2, 1e308 * 10, -1e308 * 10;
SELECT date('2024-02-28', '+1 day'), date('2023-02-28', '+1 day'), strftime('%Y-%j %H:%M', '2024-12-31 23:59:00'),
  julianday('2000-01-01'), datetime(0, 'unixepoch'), unixepoch('2024-08-13 09:16:08');
SELECT upper('abc'), lower('ÄBC'), length('héllo'), substr('hello', 2, 3), replace('aaa', 'a', 'bb'),
  instr('hello', 'll'), trim('  x  '), hex('yolk'), quote('it''s'), typeof(1), typeof(1.0), typeof('1'), typeof(x'01');
SELECT printf('%5d|%-5s|%08.3f|%x|%e', 42, 'ab', 3.14159, 255, 12345.678);
SELECT coalesce(NULL, NULL, 3), nullif(1, 1), iif(1 < 2, 'yes', 'no'), CASE 3 WHEN 1 THEN 'a' ELSE 'z' END;
SELECT median FROM (SELECT x AS median FROM s ORDER BY x LIMIT 1 OFFSET 2500);
SELECT 9223372036854775807 + 1, -9223372036854775808 - 1, 1 << 62, cast('12abc' AS INTEGER), cast(3.9 AS INTEGER);
