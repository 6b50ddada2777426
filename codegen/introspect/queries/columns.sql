-- Columns of every table relations.sql returns, in attnum order. Types and
-- expressions print schema-qualified because search_path is ''. A default
-- cannot mention columns, so it is printed without its table
-- (pg_get_expr(adbin, 0)), which spares the server opening every table; a
-- generation expression does mention them and needs the table. A domain
-- comes with the type under it, so a domain over an integer converts.
-- The identity sequence is looked up only for identity columns: the
-- lateral subquery's WHERE a.attidentity <> '' is a one-time filter (OFFSET
-- 0 keeps it from being flattened into a join that probes pg_depend for
-- every column).
SELECT s.nspname::text AS schema,
       s.relname::text AS table_name,
       a.attnum::int4 AS attnum,
       a.attname::text AS name,
       pg_catalog.format_type(a.atttypid, a.atttypmod) AS type_name,
       a.atttypid::int8 AS type_oid,
       CASE WHEN ty.typtype = 'd' THEN (
           WITH RECURSIVE chain (oid, base, kind) AS (
               SELECT ty.oid, ty.typbasetype, ty.typtype
               UNION ALL
               SELECT t.oid, t.typbasetype, t.typtype
               FROM chain JOIN pg_catalog.pg_type t ON t.oid = chain.base
               WHERE chain.kind = 'd')
           SELECT chain.oid::int8 FROM chain WHERE chain.kind <> 'd')
       END AS domain_base_oid,
       a.attnotnull AS not_null,
       CASE WHEN a.attgenerated = '' THEN pg_catalog.pg_get_expr(d.adbin, 0) END AS default_expr,
       CASE WHEN a.attgenerated <> '' THEN pg_catalog.pg_get_expr(d.adbin, d.adrelid) END AS generated_expr,
       a.attidentity::text AS identity,
       idseq.nspname::text AS identity_sequence_schema,
       idseq.relname::text AS identity_sequence_name
FROM scope s
JOIN pg_catalog.pg_attribute a ON a.attrelid = s.oid
JOIN pg_catalog.pg_type ty ON ty.oid = a.atttypid
LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
LEFT JOIN LATERAL (
  SELECT sn.nspname, sq.relname
  FROM pg_catalog.pg_depend sd
  JOIN pg_catalog.pg_class sq ON sq.oid = sd.objid AND sq.relkind = 'S'
  JOIN pg_catalog.pg_namespace sn ON sn.oid = sq.relnamespace
  WHERE a.attidentity <> ''
    AND sd.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass
    AND sd.refobjid = a.attrelid
    AND sd.refobjsubid = a.attnum
    AND sd.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
    AND sd.deptype = 'i'
  OFFSET 0
) idseq ON true
WHERE s.relkind IN ('r', 'p')
  AND a.attnum > 0
  AND NOT a.attisdropped
