-- Sequences with their options and the column that owns them (serial-style
-- 'a' and identity 'i' dependencies).
SELECT s.nspname::text AS schema,
       s.relname::text AS name,
       pg_catalog.format_type(q.seqtypid, NULL) AS type_name,
       q.seqstart AS start,
       q.seqincrement AS increment,
       q.seqmin AS min_value,
       q.seqmax AS max_value,
       q.seqcache AS cache,
       q.seqcycle AS cycle,
       tn.nspname::text AS owner_schema,
       tc.relname::text AS owner_table,
       ta.attname::text AS owner_column
FROM scope s
JOIN pg_catalog.pg_sequence q ON q.seqrelid = s.oid
LEFT JOIN pg_catalog.pg_depend d
       ON d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.objid = s.oid
      AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND d.refobjsubid > 0
      AND d.deptype IN ('a', 'i')
LEFT JOIN pg_catalog.pg_class tc ON tc.oid = d.refobjid
LEFT JOIN pg_catalog.pg_namespace tn ON tn.oid = tc.relnamespace
LEFT JOIN pg_catalog.pg_attribute ta ON ta.attrelid = d.refobjid AND ta.attnum = d.refobjsubid
WHERE s.relkind = 'S'
