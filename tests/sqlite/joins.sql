-- Inner, outer and self joins, subqueries and set operations over a few thousand rows.
CREATE TABLE customer(id INTEGER PRIMARY KEY, name TEXT, city TEXT);
CREATE TABLE orders(id INTEGER PRIMARY KEY, customer INTEGER, amount INTEGER, day INTEGER);
CREATE TABLE item(order_id INTEGER, sku TEXT, qty INTEGER);
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 500)
  INSERT INTO customer SELECT x, 'cust' || x, char(65 + x % 7) || 'ville' FROM c;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 4000)
  INSERT INTO orders SELECT x, (x * 37) % 450 + 1, (x * 131) % 997, x % 365 FROM c;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 12000)
  INSERT INTO item SELECT (x % 4000) + 1, 'sku' || (x % 53), 1 + x % 5 FROM c;
SELECT c.city, count(DISTINCT c.id), count(o.id), sum(o.amount)
  FROM customer c JOIN orders o ON o.customer = c.id GROUP BY c.city ORDER BY c.city;
SELECT count(*) FROM customer c LEFT JOIN orders o ON o.customer = c.id WHERE o.id IS NULL;
SELECT c.name, o.id, o.amount FROM customer c JOIN orders o ON o.customer = c.id
  WHERE o.amount > 990 ORDER BY o.amount DESC, o.id LIMIT 10;
SELECT o.id, sum(i.qty), group_concat(i.sku, ',') FROM orders o JOIN item i ON i.order_id = o.id
  WHERE o.id <= 5 GROUP BY o.id ORDER BY o.id;
SELECT a.id, b.id FROM customer a JOIN customer b ON a.city = b.city AND a.id < b.id
  WHERE a.id < 20 AND b.id < 30 ORDER BY a.id, b.id LIMIT 15;
SELECT name FROM customer WHERE id IN (SELECT customer FROM orders WHERE amount = 0) ORDER BY id;
SELECT id FROM customer WHERE NOT EXISTS (SELECT 1 FROM orders WHERE customer = customer.id) ORDER BY id LIMIT 5;
SELECT city FROM customer WHERE id < 10 UNION SELECT 'x' || day FROM orders WHERE id < 4 ORDER BY 1;
SELECT customer FROM orders WHERE id < 50 INTERSECT SELECT id FROM customer WHERE id % 3 = 0 ORDER BY 1;
SELECT count(*) FROM (SELECT customer FROM orders EXCEPT SELECT id FROM customer WHERE id % 2 = 0);
SELECT c.city, o.day, sum(o.amount) FROM customer c RIGHT JOIN orders o ON o.customer = c.id
  WHERE o.day < 3 GROUP BY 1, 2 ORDER BY 1, 2;
SELECT count(*) FROM customer c FULL JOIN orders o ON o.customer = c.id;
