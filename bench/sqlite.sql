-- bench/sqlite.sh's workload: 100,000 inserts in ten transactions, then queries.
.timer on
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
CREATE INDEX t_k ON t(k);
SELECT count(*), sum(k), printf('%.3f', sum(f)) FROM t;
SELECT k % 10, count(*), avg(f) FROM t GROUP BY k % 10 ORDER BY 1;
SELECT count(*) FROM t a JOIN t b ON b.k = a.k WHERE a.id % 100 = 0;
SELECT count(*) FROM t WHERE v LIKE 'row-09%';
PRAGMA integrity_check;
.print bench done
