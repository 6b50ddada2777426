-- User triggers (not the internal ones behind foreign keys), rules other
-- than a view's _RETURN rule, and row-level security policies, on the
-- tables relations.sql returns. kind is 'trigger', 'rule' or 'policy'.
SELECT 'trigger' AS kind,
       n.nspname::text AS schema,
       c.relname::text AS table_name,
       t.tgname::text AS name,
       pn.nspname::text AS function_schema,
       p.proname::text AS function_name
FROM pg_catalog.pg_trigger t
JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
WHERE NOT t.tgisinternal
  AND c.relkind IN ('r', 'p')
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT 'rule', n.nspname::text, c.relname::text, r.rulename::text, NULL, NULL
FROM pg_catalog.pg_rewrite r
JOIN pg_catalog.pg_class c ON c.oid = r.ev_class
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE r.rulename <> '_RETURN'
  AND c.relkind IN ('r', 'p')
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
UNION ALL
SELECT 'policy', n.nspname::text, c.relname::text, p.polname::text, NULL, NULL
FROM pg_catalog.pg_policy p
JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'p')
  AND n.nspname NOT LIKE 'pg\_%'
  AND n.nspname <> 'information_schema'
  AND NOT EXISTS (
    SELECT 1 FROM pg_catalog.pg_depend e
    WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
      AND e.objid = c.oid AND e.deptype = 'e')
ORDER BY 1, 2, 3, 4
