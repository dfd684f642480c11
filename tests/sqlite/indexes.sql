-- Indexes: the plans SQLite picks, the results through them, uniqueness and REINDEX.
CREATE TABLE p(id INTEGER PRIMARY KEY, a INTEGER, b TEXT, c REAL);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
  INSERT INTO p SELECT x, (x * 7) % 1000, 'b' || (x % 250), x * 0.5 FROM c;
EXPLAIN QUERY PLAN SELECT * FROM p WHERE a = 5;
SELECT count(*), sum(id) FROM p WHERE a = 5;
CREATE INDEX p_a ON p(a);
CREATE INDEX p_bc ON p(b, c DESC);
CREATE UNIQUE INDEX p_c ON p(c);
ANALYZE;
EXPLAIN QUERY PLAN SELECT * FROM p WHERE a = 5;
EXPLAIN QUERY PLAN SELECT id FROM p WHERE b = 'b7' ORDER BY c DESC;
SELECT count(*), sum(id) FROM p WHERE a = 5;
SELECT id, c FROM p WHERE b = 'b7' ORDER BY c DESC LIMIT 5;
SELECT min(a), max(a), count(DISTINCT a) FROM p INDEXED BY p_a WHERE a BETWEEN 100 AND 200;
INSERT INTO p(a, b, c) VALUES (1, 'dup', 10.0);
SELECT * FROM sqlite_stat1 ORDER BY tbl, idx;
CREATE INDEX p_expr ON p(lower(b)) WHERE a < 10;
SELECT count(*) FROM p WHERE lower(b) = 'b10' AND a < 10;
DELETE FROM p WHERE a >= 500;
REINDEX;
SELECT count(*) FROM p;
DROP INDEX p_bc;
SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name;
PRAGMA integrity_check;
