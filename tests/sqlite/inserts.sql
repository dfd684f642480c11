-- 100,000 rows in ten transactions of 10,000, then what they add up to.
CREATE TABLE t(id INTEGER PRIMARY KEY, k INTEGER, v TEXT, f REAL);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 10000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 10001 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 20001 UNION ALL SELECT x + 1 FROM c WHERE x < 30000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 30001 UNION ALL SELECT x + 1 FROM c WHERE x < 40000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 40001 UNION ALL SELECT x + 1 FROM c WHERE x < 50000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 50001 UNION ALL SELECT x + 1 FROM c WHERE x < 60000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 60001 UNION ALL SELECT x + 1 FROM c WHERE x < 70000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 70001 UNION ALL SELECT x + 1 FROM c WHERE x < 80000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 80001 UNION ALL SELECT x + 1 FROM c WHERE x < 90000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 90001 UNION ALL SELECT x + 1 FROM c WHERE x < 100000)
  INSERT INTO t(k, v, f) SELECT (x * 7919) % 10007, printf('row-%06d', x), x / 7.0 FROM c;
COMMIT;
SELECT count(*), sum(k), min(v), max(v), printf('%.3f', sum(f)) FROM t;
-- A rolled-back transaction leaves nothing.
BEGIN;
DELETE FROM t WHERE id % 2 = 0;
SELECT count(*) FROM t;
ROLLBACK;
SELECT count(*) FROM t;
UPDATE t SET v = upper(v) WHERE k < 100;
DELETE FROM t WHERE k BETWEEN 5000 AND 5099;
SELECT count(*), count(DISTINCT k), sum(length(v)) FROM t;
SELECT v FROM t WHERE id IN (1, 2, 50000, 99999, 100000) ORDER BY id;
PRAGMA page_size;
PRAGMA integrity_check;
