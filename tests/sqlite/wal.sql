-- journal_mode=WAL on the database: writes go to the -wal file, readers see them, checkpoints move them.
PRAGMA journal_mode=WAL;
CREATE TABLE w(id INTEGER PRIMARY KEY, v TEXT);
BEGIN;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 20000)
  INSERT INTO w(v) SELECT printf('%.50c', char(65 + x % 26)) FROM c;
COMMIT;
SELECT count(*), sum(length(v)) FROM w;
PRAGMA wal_checkpoint(TRUNCATE);
UPDATE w SET v = lower(v) WHERE id % 10 = 0;
DELETE FROM w WHERE id % 7 = 0;
SELECT count(*), sum(unicode(v)) FROM w;
PRAGMA journal_mode;
PRAGMA integrity_check;
PRAGMA journal_mode=DELETE;
SELECT count(*) FROM w;
PRAGMA journal_mode=WAL;
INSERT INTO w(v) VALUES ('after');
SELECT v FROM w ORDER BY id DESC LIMIT 1;
-- A second connection to the same file (ATTACH): both see each other's commits through the
-- one WAL index (on yolk in the heap, unix-excl; on Linux the -shm file).
ATTACH 'data/test.db' AS again;
SELECT count(*) FROM again.w;
INSERT INTO w(v) VALUES ('via main');
SELECT v FROM again.w ORDER BY id DESC LIMIT 1;
INSERT INTO again.w(v) VALUES ('via again');
SELECT v FROM main.w ORDER BY id DESC LIMIT 1;
DETACH again;
PRAGMA integrity_check;
