-- Views and materialized views, each with the tables and views its query
-- reads (from pg_depend of its _RETURN rule), not counting itself,
-- sequences, foreign tables or system catalogs. The dependencies come as
-- two parallel arrays, sorted by schema then name.
SELECT s.nspname::text AS schema,
       s.relname::text AS name,
       s.relkind::text AS relkind,
       coalesce(deps.schemas, '{}') AS depends_on_schemas,
       coalesce(deps.names, '{}') AS depends_on_names
FROM scope s
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
     AND dp.refobjid <> s.oid
    JOIN pg_catalog.pg_class dc ON dc.oid = dp.refobjid
    JOIN pg_catalog.pg_namespace dn ON dn.oid = dc.relnamespace
    WHERE rw.ev_class = s.oid
      AND dc.relkind IN ('r', 'p', 'v', 'm')
      AND dn.nspname NOT IN ('pg_catalog', 'information_schema')
  ) d
) deps ON true
WHERE s.relkind IN ('v', 'm')
