-- Citus: how each table in scope is distributed. Runs only where
-- pg_catalog.pg_dist_partition exists (a Citus coordinator), so other
-- servers get no extra statement. partkey is the distribution column as a
-- serialized Var node; its varattno names the column without needing
-- Citus' own functions.
SELECT s.nspname::text AS schema,
       s.relname::text AS table_name,
       p.partmethod::text AS method,
       a.attname::text AS column_name
FROM scope s
JOIN pg_catalog.pg_dist_partition p ON p.logicalrelid = s.oid
LEFT JOIN pg_catalog.pg_attribute a
       ON a.attrelid = s.oid
      AND a.attnum = pg_catalog.substring(p.partkey, ':varattno ([0-9]+)')::int2
WHERE s.relkind IN ('r', 'p')
