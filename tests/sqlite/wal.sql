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
