{{ header }}
-- Read-only proof that rollback.sql restored the integer keys: types,
-- defaults, identity columns, sequence ownership and foreign keys are as
-- they were before forward, the views, triggers, rules and policies
-- rollback recreated are there, and no migration state is left behind.

{% include "_assert.sql" %}

BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;
SET LOCAL search_path = pg_catalog, pg_temp;

SELECT pg_temp.keyshift_assert(to_regnamespace('keyshift') IS NULL, 'schema keyshift still exists');
{%- for s in rebuild_schemas %}
SELECT pg_temp.keyshift_assert(to_regnamespace({{ s.before_literal }}) IS NULL AND to_regnamespace({{ s.build_literal }}) IS NULL,
       format('schema %s or %s still exists', {{ s.before_literal }}, {{ s.build_literal }}));
{%- endfor %}

SELECT pg_temp.keyshift_assert(format_type(a.atttypid, a.atttypmod) = e.typ,
       format('column %s.%s is %s, expected %s', e.tbl, e.col, coalesce(format_type(a.atttypid, a.atttypmod), 'missing'), e.typ))
FROM {{ expected_int_columns }} AS e (tbl, col, typ)
LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col AND NOT a.attisdropped;
{%- for t in tables %}{% if let Some(r) = t.root %}
{%- if let Some(s) = r.sequence %}
{%- if r.identity.is_some() %}

SELECT pg_temp.keyshift_assert(pg_get_serial_sequence({{ t.regclass }}, {{ r.literal }})::regclass = to_regclass({{ s.regclass }}) AND a.attidentity = {{ r.identity_code }},
       format('%s.%s should be an identity column on %s again', {{ t.literal }}, {{ r.literal }}, {{ s.literal }}))
FROM pg_attribute a WHERE a.attrelid = to_regclass({{ t.regclass }}) AND a.attname = {{ r.literal }};
{%- else %}

SELECT pg_temp.keyshift_assert(pg_get_expr(d.adbin, d.adrelid) = format('nextval(''%s''::regclass)', replace(to_regclass({{ s.regclass }})::text, '''', '''''')) AND a.attidentity = '',
       format('%s.%s should take its values from %s again', {{ t.literal }}, {{ r.literal }}, {{ s.literal }}))
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = to_regclass({{ t.regclass }}) AND a.attname = {{ r.literal }};
{%- endif %}
{%- else %}

{% if let Some(expected) = r.default_literal -%}
SELECT pg_temp.keyshift_assert(pg_get_expr(d.adbin, d.adrelid) IS NOT DISTINCT FROM {{ expected }} AND a.attidentity = '',
       format('%s.%s has the default %s, expected %s', {{ t.literal }}, {{ r.literal }}, coalesce(pg_get_expr(d.adbin, d.adrelid), 'none'), {{ expected }}))
{%- else -%}
SELECT pg_temp.keyshift_assert(d.adbin IS NULL AND a.attidentity = '',
       format('%s.%s has a default, but had none before forward', {{ t.literal }}, {{ r.literal }}))
{%- endif %}
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = to_regclass({{ t.regclass }}) AND a.attname = {{ r.literal }};
{%- endif %}
{%- endif %}{% endfor %}
{%- if !foreign_keys.is_empty() %}

SELECT pg_temp.keyshift_assert(c.convalidated = e.validated,
       format('foreign key %s on %s is missing or its validation changed', e.con, e.tbl))
FROM (VALUES
{%- for f in foreign_keys %}
    ({{ f.table_regclass }}, {{ f.name_literal }}, {{ f.validated }}){% if !loop.last %},{% endif %}
{%- endfor %}
) AS e (tbl, con, validated)
LEFT JOIN pg_constraint c ON c.conrelid = to_regclass(e.tbl) AND c.conname = e.con AND c.contype = 'f';
{%- endif %}
{%- if !dependents.is_empty() %}

{% let stage = "rollback" -%}
{% include "_dependents_present.sql" %}
{%- endif %}
{%- for s in surrogates %}

SELECT pg_temp.keyshift_assert(NOT EXISTS (
           SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass({{ s.regclass }}) AND a.attname = {{ s.column_literal }} AND NOT a.attisdropped),
       format('%s still has its surrogate column %s', {{ s.literal }}, {{ s.column_literal }}));
{%- for r in s.repoints %}
SELECT pg_temp.keyshift_assert(NOT EXISTS (
           SELECT 1 FROM pg_attribute a WHERE a.attrelid = to_regclass({{ r.table_regclass }}) AND a.attname = {{ r.column_literal }} AND NOT a.attisdropped),
       format('%s still has the column %s', {{ r.table_literal }}, {{ r.column_literal }}));
{%- endfor %}
{%- endfor %}

COMMIT;
SELECT 'verify_rollback: ok' AS keyshift;
