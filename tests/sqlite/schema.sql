-- Tables, constraints, views and triggers, and how SQLite reports them.
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, budget REAL CHECK (budget >= 0));
CREATE TABLE emp(id INTEGER PRIMARY KEY, dept INTEGER REFERENCES dept(id), name TEXT NOT NULL,
                 salary INTEGER DEFAULT 1000, hired TEXT);
CREATE TABLE audit(id INTEGER PRIMARY KEY AUTOINCREMENT, what TEXT);
CREATE VIEW payroll AS SELECT d.name AS dept, count(*) AS n, sum(e.salary) AS total
  FROM emp e JOIN dept d ON d.id = e.dept GROUP BY d.name;
CREATE TRIGGER emp_raise AFTER UPDATE OF salary ON emp
  BEGIN INSERT INTO audit(what) VALUES ('raise ' || new.name || ' ' || old.salary || '->' || new.salary); END;
.schema
PRAGMA table_info(emp);
INSERT INTO dept VALUES (1, 'eng', 1e6), (2, 'ops', 2.5e5), (3, 'empty', 0);
INSERT INTO emp(dept, name, salary, hired) VALUES (1, 'ada', 5000, '2020-01-02'), (1, 'bob', 4000, '2021-03-04'),
  (2, 'cy', 3000, '2019-12-31'), (2, 'di', NULL, NULL);
INSERT INTO emp(dept, name) VALUES (1, 'ed');
SELECT * FROM emp ORDER BY id;
UPDATE emp SET salary = salary + 100 WHERE dept = 1;
SELECT * FROM audit;
SELECT * FROM payroll ORDER BY dept;
-- Constraint errors go to stderr, the script goes on.
INSERT INTO dept VALUES (4, 'eng', 1);
INSERT INTO dept VALUES (5, 'neg', -1);
INSERT INTO emp(name) VALUES (NULL);
ALTER TABLE emp ADD COLUMN note TEXT DEFAULT 'none';
ALTER TABLE emp RENAME COLUMN note TO remark;
SELECT name, remark FROM emp WHERE id = 1;
DROP VIEW payroll;
SELECT type, name FROM sqlite_schema ORDER BY type, name;
.mode box
SELECT id, name, salary FROM emp WHERE salary IS NOT NULL ORDER BY salary DESC LIMIT 3;
.mode csv
.headers on
SELECT * FROM dept;
PRAGMA integrity_check;
