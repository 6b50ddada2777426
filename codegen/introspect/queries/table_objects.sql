-- User triggers (not the internal ones behind foreign keys), rules other
-- than a view's _RETURN rule, and row-level security policies, on the
-- tables relations.sql returns. kind is 'trigger', 'rule' or 'policy'.
-- A policy's USING and WITH CHECK expressions come as the server prints
-- them (under this transaction's empty search_path); for a trigger with a
-- WHEN condition and for a rule, the definition, whose condition lowering
-- cuts out.
SELECT 'trigger' AS kind,
       s.nspname::text AS schema,
       s.relname::text AS table_name,
       t.tgname::text AS name,
       pn.nspname::text AS function_schema,
       p.proname::text AS function_name,
       CASE WHEN l.lanname NOT IN ('c', 'internal') THEN p.prosrc END AS function_body,
       NULL::text AS policy_using,
       NULL::text AS policy_with_check,
       CASE WHEN t.tgqual IS NOT NULL THEN pg_catalog.pg_get_triggerdef(t.oid, true) END AS definition
FROM scope s
JOIN pg_catalog.pg_trigger t ON t.tgrelid = s.oid
JOIN pg_catalog.pg_proc p ON p.oid = t.tgfoid
JOIN pg_catalog.pg_namespace pn ON pn.oid = p.pronamespace
JOIN pg_catalog.pg_language l ON l.oid = p.prolang
WHERE NOT t.tgisinternal
  AND s.relkind IN ('r', 'p')
UNION ALL
SELECT 'rule', s.nspname::text, s.relname::text, r.rulename::text, NULL, NULL, NULL, NULL, NULL,
       pg_catalog.pg_get_ruledef(r.oid, true)
FROM scope s
JOIN pg_catalog.pg_rewrite r ON r.ev_class = s.oid
WHERE r.rulename <> '_RETURN'
  AND s.relkind IN ('r', 'p')
UNION ALL
SELECT 'policy', s.nspname::text, s.relname::text, p.polname::text, NULL, NULL, NULL,
       pg_catalog.pg_get_expr(p.polqual, p.polrelid),
       pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid), NULL
FROM scope s
JOIN pg_catalog.pg_policy p ON p.polrelid = s.oid
WHERE s.relkind IN ('r', 'p')
