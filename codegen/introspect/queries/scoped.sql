-- The relations in scope, as relations.sql found them (queries/scope.sql,
-- which applies the filters, runs once, there), passed back by keyshift as
-- parameters, so that no other query evaluates the filters again and the
-- planner knows how many relations there are:
--   $1 oid[]   the relations' oids
--   $2 text[]  their schemas, paired with $1
--   $3 text[]  their names
--   $4 text[]  their relkinds: 'r', 'p', 'v', 'm' or 'S'
--   $5 bool    whether any filter was given
WITH scope AS (
  SELECT s.oid, s.nspname, s.relname, s.relkind
  FROM ROWS FROM (pg_catalog.unnest($1::pg_catalog.oid[]), pg_catalog.unnest($2::text[]),
                  pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::text[]))
       AS s(oid, nspname, relname, relkind)
)
