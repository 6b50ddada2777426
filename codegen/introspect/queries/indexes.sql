-- Indexes that do not back a PRIMARY KEY, UNIQUE or EXCLUDE constraint.
-- key_columns has the column name for a plain key and NULL for an
-- expression, whose text is then in key_expressions (per-column
-- pg_get_indexdef, which leaves out opclass, collation and ordering).
-- mentioned_attnums are the table columns that expressions and the
-- predicate read, taken from the stored expression trees.
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       ic.relname::text AS name,
       x.indisunique AS is_unique,
       am.amname::text AS method,
       ARRAY(
         SELECT (SELECT a.attname::text FROM pg_catalog.pg_attribute a
                 WHERE a.attrelid = x.indrelid AND a.attnum = x.indkey[k - 1])
         FROM pg_catalog.generate_series(1, x.indnkeyatts::int4) AS k
         ORDER BY k
       ) AS key_columns,
       ARRAY(
         SELECT pg_catalog.pg_get_indexdef(x.indexrelid, k, false)
         FROM pg_catalog.generate_series(1, x.indnkeyatts::int4) AS k
         ORDER BY k
       ) AS key_expressions,
       ARRAY(
         SELECT a.attname::text
         FROM pg_catalog.generate_series(x.indnkeyatts + 1, x.indnatts::int4) AS k
         JOIN pg_catalog.pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = x.indkey[k - 1]
         ORDER BY k
       ) AS include,
       pg_catalog.pg_get_expr(x.indpred, x.indrelid) AS predicate,
       ARRAY(
         SELECT a.attname::text
         FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = x.indrelid
           AND a.attnum > 0
           AND a.attnum::text IN (
             SELECT m[1]
             FROM pg_catalog.regexp_matches(
                    coalesce(x.indexprs::text, '') || ' ' || coalesce(x.indpred::text, ''),
                    ':varattno (\d+)', 'g') AS m)
         ORDER BY a.attnum
       ) AS expression_columns
FROM pg_catalog.pg_index x
JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
JOIN pg_catalog.pg_class c ON c.oid = x.indrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_constraint k
    WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname, ic.relname
