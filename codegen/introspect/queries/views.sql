-- Views and materialized views, each with the tables and views its query
-- reads (from pg_depend of its _RETURN rule), not counting itself,
-- sequences, foreign tables or system catalogs. The dependencies come as
-- two parallel arrays, sorted by schema then name.
SELECT n.nspname::text AS schema,
       c.relname::text AS name,
       c.relkind::text AS relkind,
       coalesce(deps.schemas, '{}') AS depends_on_schemas,
       coalesce(deps.names, '{}') AS depends_on_names
FROM pg_catalog.pg_class c
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN LATERAL (
  SELECT pg_catalog.array_agg(d.s ORDER BY d.s, d.r) AS schemas,
         pg_catalog.array_agg(d.r ORDER BY d.s, d.r) AS names
  FROM (
    SELECT DISTINCT dn.nspname::text AS s, dc.relname::text AS r
    FROM pg_catalog.pg_rewrite rw
    JOIN pg_catalog.pg_depend dp
      ON dp.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass
     AND dp.objid = rw.oid
     AND dp.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
     AND dp.refobjid <> c.oid
    JOIN pg_catalog.pg_class dc ON dc.oid = dp.refobjid
    JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace
    WHERE rw.ev_class = c.oid
      AND dc.relkind IN ('r', 'p', 'v', 'm')
      AND dn.nspname NOT IN ('pg_catalog', 'information_schema')
  ) d
) deps ON true
WHERE c.relkind IN ('v', 'm')
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY n.nspname, c.relname
