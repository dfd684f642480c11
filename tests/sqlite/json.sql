-- SQLite's JSON functions (built in since 3.38), text and JSONB.
CREATE TABLE doc(id INTEGER PRIMARY KEY, body TEXT);
INSERT INTO doc(body) VALUES
  ('{"name":"ada","tags":["x","y"],"age":36,"addr":{"city":"london","zip":null}}'),
  ('{"name":"bob","tags":[],"age":41.5,"ok":true}'),
  ('[1,2,{"a":[3,4]}]'),
  ('not json');
SELECT id, json_valid(body), json_type(body) FROM doc WHERE json_valid(body) OR id = 4 ORDER BY id;
SELECT json_extract(body, '$.name'), body ->> '$.age', body -> '$.tags' FROM doc WHERE id <= 2;
SELECT json_array_length(body, '$.tags') FROM doc WHERE id <= 2;
SELECT json_set(body, '$.age', 37, '$.new', json('[1,2]')) FROM doc WHERE id = 1;
SELECT json_remove(body, '$.tags[0]', '$.addr.zip') FROM doc WHERE id = 1;
SELECT json_insert('{"a":1}', '$.a', 2, '$.b', 3), json_replace('{"a":1}', '$.a', 2, '$.b', 3);
SELECT json_patch('{"a":1,"b":{"c":2}}', '{"b":{"c":null,"d":4},"e":5}');
SELECT json_object('n', 1, 'f', 2.5, 's', 'x', 'null', NULL, 'arr', json_array(1, 'two', 3.0));
SELECT key, value, type, fullkey FROM doc, json_each(doc.body) WHERE doc.id = 1;
SELECT fullkey, atom FROM doc, json_tree(doc.body) WHERE doc.id = 3;
SELECT json_group_array(id), json_group_object(id, json_valid(body)) FROM doc;
SELECT json_quote('a"b'), json('  { "x" : 1 }  '), json_pretty('{"a":[1,{"b":2}]}');
SELECT hex(jsonb('{"a":1}')), json(jsonb('[1,"2",null,true]')), jsonb_extract(jsonb('{"a":[5,6]}'), '$.a[1]');
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000)
  SELECT length(json_group_array(json_object('i', x, 'sq', x * x))) FROM c;
SELECT json_extract(body, '$.name') FROM doc WHERE id = 4;
SELECT json('{"unterminated": ');
