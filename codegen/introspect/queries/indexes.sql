-- Indexes that do not back a PRIMARY KEY, UNIQUE or EXCLUDE constraint.
-- key_columns has the column name for a plain key and NULL for an
-- expression; key_expressions the other way round: the expression's text
-- (per-column pg_get_indexdef, which leaves out opclass, collation and
-- ordering) and NULL for a plain key, so the server deparses only
-- expressions. expression_columns are the table columns that expressions
-- and the predicate read, taken from the stored expression trees.
SELECT s.nspname::text AS schema,
       s.relname::text AS table_name,
       ic.relname::text AS name,
       x.indisunique AS is_unique,
       am.amname::text AS method,
       kc.key_columns,
       kc.key_expressions,
       coalesce(kc.include, '{}') AS include,
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
JOIN (
  SELECT u.indexrelid,
         pg_catalog.array_agg(a.attname::text ORDER BY u.k) FILTER (WHERE u.k <= u.nkey) AS key_columns,
         pg_catalog.array_agg(
           CASE WHEN u.attnum = 0 THEN pg_catalog.pg_get_indexdef(u.indexrelid, u.k::int4, false) END
           ORDER BY u.k) FILTER (WHERE u.k <= u.nkey) AS key_expressions,
         pg_catalog.array_agg(a.attname::text ORDER BY u.k) FILTER (WHERE u.k > u.nkey) AS include
  FROM (SELECT x2.indexrelid, x2.indrelid, x2.indnkeyatts AS nkey, y.attnum, y.k
        FROM scope s2
        JOIN pg_catalog.pg_index x2 ON x2.indrelid = s2.oid,
             pg_catalog.unnest(x2.indkey::int2[]) WITH ORDINALITY AS y(attnum, k)
        OFFSET 0) u
  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = u.indrelid AND a.attnum = u.attnum AND u.attnum > 0
  GROUP BY u.indexrelid
) kc ON kc.indexrelid = x.indexrelid
WHERE s.relkind IN ('r', 'p')
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_constraint k
    WHERE k.conindid = x.indexrelid AND k.conrelid = x.indrelid AND k.contype IN ('p', 'u', 'x'))
