-- PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK constraints. Column lists keep
-- constraint order (conkey/confkey WITH ORDINALITY), never attname order;
-- they are built for all constraints at once (one join with pg_attribute,
-- OFFSET 0 keeping the unnest apart from it), not by a subquery per
-- constraint.
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
       coalesce(kc.columns, '{}') AS columns,
       coalesce(kc.columns_by_attnum, '{}') AS columns_by_attnum,
       fn.nspname::text AS referenced_schema,
       fc.relname::text AS referenced_table,
       coalesce(rc.columns, '{}') AS referenced_columns,
       k.confupdtype::text AS on_update,
       k.confdeltype::text AS on_delete,
       k.confmatchtype::text AS match_type,
       k.condeferrable AS deferrable,
       k.condeferred AS initially_deferred,
       k.convalidated AS validated,
       CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_expr(k.conbin, k.conrelid) END AS check_expr,
       CASE WHEN k.contype = 'f'
             AND pg_catalog.cardinality($1::text[]) + pg_catalog.cardinality($2::text[])
               + pg_catalog.cardinality($4::text[]) > 0
             AND NOT EXISTS (SELECT 1 FROM scope s3 WHERE s3.oid = k.confrelid)
            THEN 'referenced' END AS left_out
FROM scope s
JOIN pg_catalog.pg_constraint k ON k.conrelid = s.oid
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
LEFT JOIN (
  SELECT u.oid,
         pg_catalog.array_agg(a.attname::text ORDER BY u.ord) AS columns,
         pg_catalog.array_agg(a.attname::text ORDER BY a.attnum) AS columns_by_attnum
  FROM (SELECT k2.oid, k2.conrelid, x.attnum, x.ord
        FROM scope s2
        JOIN pg_catalog.pg_constraint k2 ON k2.conrelid = s2.oid,
             pg_catalog.unnest(k2.conkey) WITH ORDINALITY AS x(attnum, ord)
        WHERE k2.contype IN ('p', 'u', 'f', 'c') OFFSET 0) u
  JOIN pg_catalog.pg_attribute a ON a.attrelid = u.conrelid AND a.attnum = u.attnum
  GROUP BY u.oid
) kc ON kc.oid = k.oid
LEFT JOIN (
  SELECT u.oid,
         pg_catalog.array_agg(a.attname::text ORDER BY u.ord) AS columns
  FROM (SELECT k2.oid, k2.confrelid, x.attnum, x.ord
        FROM scope s2
        JOIN pg_catalog.pg_constraint k2 ON k2.conrelid = s2.oid,
             pg_catalog.unnest(k2.confkey) WITH ORDINALITY AS x(attnum, ord)
        WHERE k2.contype = 'f' OFFSET 0) u
  JOIN pg_catalog.pg_attribute a ON a.attrelid = u.confrelid AND a.attnum = u.attnum
  GROUP BY u.oid
) rc ON rc.oid = k.oid
WHERE s.relkind IN ('r', 'p')
  AND k.contype IN ('p', 'u', 'f', 'c')
  AND (k.contype <> 'f' OR k.conparentid = 0)
  AND (k.contype <> 'c' OR k.conislocal)
UNION ALL
SELECT tn.nspname::text, tc.relname::text, k.conname::text, k.contype::text,
       '{}'::text[], '{}'::text[], s.nspname::text, s.relname::text, '{}'::text[],
       k.confupdtype::text, k.confdeltype::text, k.confmatchtype::text,
       k.condeferrable, k.condeferred, k.convalidated, NULL::text, 'table'
FROM scope s
JOIN pg_catalog.pg_constraint k ON k.confrelid = s.oid
JOIN pg_catalog.pg_class tc ON tc.oid = k.conrelid
JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
WHERE s.relkind IN ('r', 'p')
  AND k.contype = 'f'
  AND k.conparentid = 0
  AND pg_catalog.cardinality($1::text[]) + pg_catalog.cardinality($2::text[])
    + pg_catalog.cardinality($4::text[]) > 0
  AND NOT EXISTS (SELECT 1 FROM scope s3 WHERE s3.oid = k.conrelid)
