-- The relations keyshift reads, computed once, at the head of
-- relations.sql, which returns them all; keyshift passes them to the other
-- queries as parameters (scoped.sql): tables, views, materialized views and
-- sequences outside system schemas (pg_*, information_schema) that no
-- extension owns (pg_depend.deptype = 'e'), narrowed by the pg_dump-style
-- filters, which arrive as parameters (anchored regular expressions, built
-- from the patterns by keyshift, never spliced into this text):
--   $1 text[]  --schema patterns; empty: every schema
--   $2 text[]  --exclude-schema patterns
--   $3 text[]  --table patterns, schema part; NULL: "visible in $5"
--   $4 text[]  --table patterns, name part, paired with $3; empty: no --table
--   $5 text[]  the session's search path (current_schemas(true)), read
--              before search_path was set to '', for unqualified --table
-- As in pg_dump, --table selects relations by name whatever their schema's
-- filters say, and a sequence owned by a selected table (serial or
-- identity) is selected with it.
-- It stays cheap: extension members are found from the extensions' side
-- of pg_depend (an index range of a few rows, not every pg_class
-- dependency), and the owned sequences are appended without a UNION's
-- de-duplication of every row.
WITH matched AS MATERIALIZED (
  SELECT c.oid, n.nspname, c.relname, c.relkind
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p', 'v', 'm', 'S')
    AND n.nspname NOT LIKE 'pg\_%'
    AND n.nspname <> 'information_schema'
    AND c.oid NOT IN (
      SELECT e.objid FROM pg_catalog.pg_depend e
      WHERE e.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass
        AND e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
        AND e.deptype = 'e')
    AND CASE
      WHEN pg_catalog.cardinality($4::text[]) > 0 THEN EXISTS (
        SELECT 1
        FROM ROWS FROM (pg_catalog.unnest($3::text[]), pg_catalog.unnest($4::text[])) AS p(schema_re, name_re)
        WHERE c.relname ~ p.name_re
          AND CASE
            WHEN p.schema_re IS NOT NULL THEN n.nspname ~ p.schema_re
            ELSE pg_catalog.array_position($5::text[], n.nspname::text) IS NOT NULL
             AND NOT EXISTS (
               SELECT 1
               FROM pg_catalog.pg_class c2
               JOIN pg_catalog.pg_namespace n2 ON n2.oid = c2.relnamespace
               WHERE c2.relname = c.relname
                 AND pg_catalog.array_position($5::text[], n2.nspname::text)
                   < pg_catalog.array_position($5::text[], n.nspname::text))
          END)
      ELSE (pg_catalog.cardinality($1::text[]) = 0 OR n.nspname ~ ANY ($1::text[]))
       AND NOT n.nspname ~ ANY ($2::text[])
    END
),
scope AS MATERIALIZED (
  SELECT m.oid, m.nspname, m.relname, m.relkind FROM matched m
  UNION ALL
  SELECT DISTINCT c.oid, n.nspname, c.relname, c.relkind
  FROM matched m
  JOIN pg_catalog.pg_depend d
    ON d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
   AND d.refobjid = m.oid
   AND d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
   AND d.deptype IN ('a', 'i')
  JOIN pg_catalog.pg_class c ON c.oid = d.objid AND c.relkind = 'S'
  JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
  WHERE m.relkind IN ('r', 'p')
    AND pg_catalog.cardinality($1::text[]) + pg_catalog.cardinality($2::text[])
      + pg_catalog.cardinality($4::text[]) > 0
    AND NOT EXISTS (SELECT 1 FROM matched m2 WHERE m2.oid = c.oid)
)
