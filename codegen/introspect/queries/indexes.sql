-- Indexes that do not back a PRIMARY KEY, UNIQUE or EXCLUDE constraint.
-- attnums is indkey (the key columns, then the INCLUDE columns; 0 for an
-- expression), which keyshift names from columns.sql's rows, as it does
-- constraint columns. key_expressions is set only for an index with an
-- expression key: per key, the expression's text (per-column
-- pg_get_indexdef, which leaves out opclass, collation and ordering) and
-- NULL for a plain key, so the server deparses only expressions.
-- expression_columns are the table columns that expressions and the
-- predicate read, taken from the stored expression trees.
SELECT s.nspname::text AS schema,
       s.relname::text AS table_name,
       ic.relname::text AS name,
       x.indisunique AS is_unique,
       am.amname::text AS method,
       x.indkey::int2[] AS attnums,
       x.indnkeyatts::int4 AS key_count,
       CASE WHEN 0 = ANY (x.indkey::int2[]) THEN ARRAY(
         SELECT CASE WHEN y.attnum = 0 THEN pg_catalog.pg_get_indexdef(x.indexrelid, y.k::int4, false) END
         FROM pg_catalog.unnest(x.indkey::int2[]) WITH ORDINALITY AS y(attnum, k)
         WHERE y.k <= x.indnkeyatts
         ORDER BY y.k) END AS key_expressions,
       pg_catalog.pg_get_expr(x.indpred, x.indrelid) AS predicate,
       CASE WHEN x.indexprs IS NULL AND x.indpred IS NULL THEN '{}'::text[] ELSE ARRAY(
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
       ) END AS expression_columns
FROM scope s
JOIN pg_catalog.pg_index x ON x.indrelid = s.oid
JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
JOIN pg_catalog.pg_am am ON am.oid = ic.relam
WHERE s.relkind IN ('r', 'p')
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_constraint k
    WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
