-- PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK constraints. Key columns come
-- as attnums in constraint order (conkey, confkey), and keyshift names them
-- from columns.sql's rows, which hold every column of every table read:
-- joining pg_attribute here and aggregating names per constraint cost more
-- than all the rest of this query. The server names them only where those
-- rows cannot: system columns (a CHECK may read tableoid) in key_names, and
-- in referenced_names the columns of a referenced table that is not read
-- (one an extension owns, or one the filters leave out).
-- Foreign keys cloned onto partitions (conparentid <> 0) and inherited
-- CHECKs (conislocal = false) belong to the parent and are left out.
-- left_out is set only when filters are given, on foreign keys that cross
-- the filters' edge: 'referenced' when the referenced table is not read,
-- 'table' (rows of the second SELECT) when a table that is not read
-- references one that is. Either makes a partial plan wrong, so lowering
-- refuses them, naming the key.
SELECT s.nspname::text AS schema,
       s.relname::text AS table_name,
       k.conname::text AS name,
       k.contype::text AS kind,
       coalesce(k.conkey, '{}') AS key_attnums,
       CASE WHEN 0 > ANY (k.conkey) THEN ARRAY(
         SELECT a.attname::text
         FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS x(attnum, ord)
         JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = x.attnum
         ORDER BY x.ord) END AS key_names,
       fn.nspname::text AS referenced_schema,
       fc.relname::text AS referenced_table,
       coalesce(k.confkey, '{}') AS referenced_attnums,
       CASE WHEN k.contype = 'f'
             AND k.confrelid NOT IN (SELECT s4.oid FROM scope s4 WHERE s4.relkind IN ('r', 'p'))
            THEN ARRAY(
         SELECT a.attname::text
         FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY AS x(attnum, ord)
         JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = x.attnum
         ORDER BY x.ord) END AS referenced_names,
       k.confupdtype::text AS on_update,
       k.confdeltype::text AS on_delete,
       k.confmatchtype::text AS match_type,
       k.condeferrable AS deferrable,
       k.condeferred AS initially_deferred,
       k.convalidated AS validated,
       CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_expr(k.conbin, k.conrelid) END AS check_expr,
       CASE WHEN k.contype = 'f'
             AND $5
             AND NOT EXISTS (SELECT 1 FROM scope s3 WHERE s3.oid = k.confrelid)
            THEN 'referenced' END AS left_out
FROM scope s
JOIN pg_catalog.pg_constraint k ON k.conrelid = s.oid
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE s.relkind IN ('r', 'p')
  AND k.contype IN ('p', 'u', 'f', 'c')
  AND (k.contype <> 'f' OR k.conparentid = 0)
  AND (k.contype <> 'c' OR k.conislocal)
UNION ALL
SELECT tn.nspname::text, tc.relname::text, k.conname::text, k.contype::text,
       '{}'::int2[], NULL::text[], s.nspname::text, s.relname::text, '{}'::int2[], '{}'::text[],
       k.confupdtype::text, k.confdeltype::text, k.confmatchtype::text,
       k.condeferrable, k.condeferred, k.convalidated, NULL::text, 'table'
FROM scope s
JOIN pg_catalog.pg_constraint k ON k.confrelid = s.oid
JOIN pg_catalog.pg_class tc ON tc.oid = k.conrelid
JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
WHERE s.relkind IN ('r', 'p')
  AND k.contype = 'f'
  AND k.conparentid = 0
  AND $5
  AND NOT EXISTS (SELECT 1 FROM scope s3 WHERE s3.oid = k.conrelid)
