{{ header }}
-- Read-only proof that contract.sql finished: keys are still uuid, the old
-- sequences are gone{% if keep_id_map %}, and every id map is still there{% endif %}.

{% include "_assert.sql" %}

BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;
SET LOCAL search_path = pg_catalog, pg_temp;
{%- if keep_id_map %}

SELECT pg_temp.keyshift_assert(to_regclass('keyshift.state') IS NOT NULL, 'schema keyshift has no state table: contract.sql has not run');
SELECT pg_temp.keyshift_assert((SELECT stage = 'contracted' FROM keyshift.state), 'keyshift.state does not say contracted');
{%- for t in tables %}{% if let Some(r) = t.root %}
SELECT pg_temp.keyshift_assert(to_regclass({{ r.map_regclass }}) IS NOT NULL, {{ r.map_missing }});
{%- endif %}{% endfor %}
{%- if has_orphans %}
SELECT pg_temp.keyshift_assert(to_regclass('keyshift.orphan') IS NOT NULL, 'keyshift.orphan, the record of orphaned reference values, is missing');
{%- endif %}
SELECT pg_temp.keyshift_assert(to_regprocedure('keyshift.new_id(regclass,bigint)') IS NOT NULL AND to_regprocedure('keyshift.old_id(regclass,uuid)') IS NOT NULL,
       'keyshift.new_id() or keyshift.old_id() is missing: applications can no longer translate ids');
{%- else %}

SELECT pg_temp.keyshift_assert(to_regnamespace('keyshift') IS NULL, 'schema keyshift still exists');
{%- endif %}

SELECT pg_temp.keyshift_assert(format_type(a.atttypid, a.atttypmod) = e.typ,
       format('column %s.%s is %s, expected %s', e.tbl, e.col, coalesce(format_type(a.atttypid, a.atttypmod), 'missing'), e.typ))
FROM {{ expected_uuid_columns }} AS e (tbl, col, typ)
LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col AND NOT a.attisdropped;
{%- for s in sequences %}
SELECT pg_temp.keyshift_assert(to_regclass({{ s.regclass }}) IS NULL, format('sequence %s still exists', {{ s.literal }}));
{%- endfor %}
{%- for s in rebuild_schemas %}
SELECT pg_temp.keyshift_assert(to_regnamespace({{ s.before_literal }}) IS NULL, format('schema %s, which held the tables before forward, still exists', {{ s.before_literal }}));
{%- endfor %}

COMMIT;
SELECT 'verify_contract: ok' AS keyshift;
