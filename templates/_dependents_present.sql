-- Every view, materialized view, trigger, rule and policy forward dropped
-- is there again.
SELECT pg_temp.keyshift_assert(CASE k.kind
           WHEN 'policy' THEN EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = to_regclass(k.rel) AND p.polname = k.name)
           WHEN 'trigger' THEN EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = to_regclass(k.rel) AND t.tgname = k.name AND NOT t.tgisinternal)
           WHEN 'rule' THEN EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.ev_class = to_regclass(k.rel) AND w.rulename = k.name)
           ELSE EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = to_regclass(k.rel) AND c.relkind::text = k.kind)
       END,
       format('%s %s is missing after {{ stage }}', CASE k.kind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE k.kind || ' ' || quote_ident(k.name) || ' on table' END, k.rel))
FROM (VALUES
{%- for d in dependents %}
    {{ d.preflight_row }}{% if !loop.last %},{% endif %}
{%- endfor %}
) AS k (pos, kind, rel, name, replaced);
