-- PRIMARY KEY, UNIQUE, FOREIGN KEY and CHECK constraints. Column lists keep
-- constraint order (conkey/confkey WITH ORDINALITY), never attname order.
-- Foreign keys cloned onto partitions (conparentid <> 0) and inherited
-- CHECKs (conislocal = false) belong to the parent and are left out.
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       k.conname::text AS name,
       k.contype::text AS kind,
       ARRAY(
         SELECT a.attname::text
         FROM pg_catalog.unnest(k.conkey) WITH ORDINALITY AS u(attnum, ord)
         JOIN pg_catalog.pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = u.attnum
         ORDER BY u.ord
       ) AS columns,
       ARRAY(
         SELECT a.attname::text
         FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = k.conrelid AND a.attnum = ANY (k.conkey)
         ORDER BY a.attnum
       ) AS columns_by_attnum,
       fn.nspname::text AS referenced_schema,
       fc.relname::text AS referenced_table,
       ARRAY(
         SELECT a.attname::text
         FROM pg_catalog.unnest(k.confkey) WITH ORDINALITY AS u(attnum, ord)
         JOIN pg_catalog.pg_attribute a ON a.attrelid = k.confrelid AND a.attnum = u.attnum
         ORDER BY u.ord
       ) AS referenced_columns,
       k.confupdtype::text AS on_update,
       k.confdeltype::text AS on_delete,
       k.confmatchtype::text AS match_type,
       k.condeferrable AS deferrable,
       k.condeferred AS initially_deferred,
       k.convalidated AS validated,
       CASE WHEN k.contype = 'c' THEN pg_catalog.pg_get_expr(k.conbin, k.conrelid) END AS check_expr
FROM pg_catalog.pg_constraint k
JOIN pg_catalog.pg_class c ON c.oid = k.conrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_class fc ON fc.oid = k.confrelid
LEFT JOIN pg_catalog.pg_namespace fn ON fn.oid = fc.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND k.contype IN ('p', 'u', 'f', 'c')
  AND (k.contype <> 'f' OR k.conparentid = 0)
  AND (k.contype <> 'c' OR k.conislocal)
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname, k.conname
