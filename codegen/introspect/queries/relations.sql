-- Ordinary and partitioned tables, with their partition parent and
-- legacy inheritance parents (in inhseqno order).
-- Runs with search_path = '' inside keyshift's read-only snapshot.
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind::text AS relkind,
       c.relpersistence = 'u' AS unlogged,
       c.relispartition AS is_partition,
       ARRAY(
         SELECT pn.nspname::text
         FROM pg_catalog.pg_inherits i
         JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
         JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
         WHERE i.inhrelid = c.oid
         ORDER BY i.inhseqno
       ) AS parent_schemas,
       ARRAY(
         SELECT pc.relname::text
         FROM pg_catalog.pg_inherits i
         JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
         WHERE i.inhrelid = c.oid
         ORDER BY i.inhseqno
       ) AS parent_names,
       CASE WHEN c.reltuples >= 0 THEN pg_catalog.round(c.reltuples)::int8 END AS row_estimate,
       pg_catalog.pg_total_relation_size(c.oid) AS total_bytes
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
