-- Columns of every table relations.sql returns, in attnum order. Types and
-- expressions print schema-qualified because search_path is ''.
SELECT n.nspname::text AS schema,
       c.relname::text AS table_name,
       a.attnum::int4 AS attnum,
       a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name,
       a.atttypid::int8 AS type_oid,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS default_expr,
       CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS generated_expr,
       a.attidentity::text AS identity,
       sn.nspname::text AS identity_sequence_schema,
       s.relname::text AS identity_sequence_name
FROM pg_catalog.pg_attribute a
JOIN pg_catalog.pg_class c ON c.oid = a.attrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN pg_catalog.pg_depend sd
       ON a.attidentity <> ''
      AND sd.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND sd.refobjid = a.attrelid
      AND sd.refobjsubid = a.attnum
      AND sd.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND sd.deptype = 'i'
LEFT JOIN pg_catalog.pg_class s ON s.oid = sd.objid AND s.relkind = 'S'
LEFT JOIN pg_catalog.pg_namespace sn ON sn.oid = s.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND a.attnum > 0
  AND NOT a.attisdropped
  AND (sd.objid IS NULL OR s.oid IS NOT NULL)
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname, a.attnum
