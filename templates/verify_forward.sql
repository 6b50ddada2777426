{{ header }}
{%- if rows %}
-- Read-only proof that forward.sql did what it should. Run it right after
-- forward, before the application writes: it compares the data with the
-- fingerprint forward took before changing anything.
--
-- Each converted table's rows, with every uuid translated back to the
-- integer it replaced, must hash to exactly the fingerprint (of the
-- original, which forward keeps, for a rebuilt table). Because the
-- maps are one-to-one, a child row whose reference translates back to its
-- old parent id points at the same parent row as before: the parent's own
-- rows pass the same test. Types, defaults and foreign keys are checked
-- too, and every view, trigger, rule and policy forward recreated must be
-- there.
{%- else %}
-- Read-only proof that cutover.sql and validate.sql did what they should:
-- types, defaults and foreign keys (each valid and printing as before) are
-- checked, and every view, trigger, rule and policy cutover recreated must
-- be there. The rows were proved by verify_shadow.sql before cutover; the
-- application has written since, so they are not compared here.
{%- endif %}

{% include "_assert.sql" %}
{% include "_fit_maps.sql" %}

BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;
SET LOCAL search_path = pg_catalog, pg_temp;

SELECT pg_temp.keyshift_assert(to_regclass('keyshift.state') IS NOT NULL, 'forward.sql of plan {{ plan_hash }} has not run on this database');
SELECT pg_temp.keyshift_assert((SELECT stage = 'forward' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state), 'forward.sql of plan {{ plan_hash }} has not run on this database');

SELECT pg_temp.keyshift_assert(format_type(a.atttypid, a.atttypmod) = e.typ,
       format('column %s.%s is %s, expected %s', e.tbl, e.col, coalesce(format_type(a.atttypid, a.atttypmod), 'missing'), e.typ))
FROM {{ expected_uuid_columns }} AS e (tbl, col, typ)
LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col AND NOT a.attisdropped;
{%- for t in tables %}{% if let Some(r) = t.root %}

SELECT pg_temp.keyshift_assert(pg_get_expr(d.adbin, d.adrelid) = {{ uuid.new_row_default }} AND a.attidentity = '',
       format('%s.%s should default to %s', {{ t.literal }}, {{ r.literal }}, {{ uuid.new_row_default }}))
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = to_regclass({{ t.regclass }}) AND a.attname = {{ r.literal }};
{%- endif %}{% endfor %}

SELECT pg_temp.keyshift_assert(c.convalidated IS NOT NULL AND pg_get_constraintdef(c.oid) = k.definition,
       format('foreign key %s on %s is missing or changed', k.name, k.table_name))
FROM keyshift.foreign_key k
LEFT JOIN pg_constraint c ON c.conrelid = to_regclass(k.table_name) AND c.conname = k.name
{%- if !surrogates.is_empty() %}
WHERE (k.table_name, k.name) NOT IN (
{%- for s in surrogates %}{% for r in s.repoints %}
    ({{ r.table_regclass }}, {{ r.name_literal }}){% if !loop.last %},{% endif %}
{%- endfor %}{% if !loop.last %},{% endif %}{% endfor %}
){%- endif %};
{%- for s in surrogates %}

{{ "Surrogate key of {}: \"id\" is the primary key, the old key is unique."|format(s.display)|comment }}
SELECT pg_temp.keyshift_assert(
    EXISTS (SELECT 1 FROM pg_constraint c JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ALL (c.conkey)
            WHERE c.conrelid = to_regclass({{ s.regclass }}) AND c.conname = {{ s.primary_key_literal }} AND c.contype = 'p' AND a.attname = {{ s.column_literal }})
    AND EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conrelid = to_regclass({{ s.regclass }}) AND c.conname = {{ s.unique_literal }} AND c.contype = 'u'),
    format('%s should have the surrogate primary key %s and keep its old key as %s', {{ s.literal }}, {{ s.column_literal }}, {{ s.unique_literal }}));
{%- for r in s.repoints %}
SELECT pg_temp.keyshift_assert(
    EXISTS (SELECT 1 FROM pg_constraint c
            JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = ALL (c.conkey)
            JOIN pg_attribute p ON p.attrelid = c.confrelid AND p.attnum = ALL (c.confkey)
            WHERE c.conrelid = to_regclass({{ r.table_regclass }}) AND c.conname = {{ r.name_literal }} AND c.contype = 'f'
              AND c.confrelid = to_regclass({{ s.regclass }}) AND a.attname = {{ r.column_literal }} AND p.attname = {{ s.column_literal }}),
    format('foreign key %s on %s should reference %s (%s) through %s', {{ r.name_literal }}, {{ r.table_literal }}, {{ s.literal }}, {{ s.column_literal }}, {{ r.column_literal }}));
{%- endfor %}
{%- endfor %}
{%- if !dependents.is_empty() %}

{% let stage = "forward" -%}
{% include "_dependents_present.sql" %}
{%- endif %}
{%- if has_translations %}

-- Every CHECK constraint and index with fixed ids is there, and no longer
-- as it was: forward created it with the uuids of the rows it names.
SELECT pg_temp.keyshift_assert(
           CASE t.kind
               WHEN 'check' THEN EXISTS (SELECT 1 FROM pg_constraint c
                                         WHERE c.conrelid = to_regclass(t.table_name) AND c.contype = 'c' AND c.conname = t.name
                                           AND pg_get_constraintdef(c.oid) <> t.int_definition)
               ELSE EXISTS (SELECT 1 FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
                            WHERE i.indrelid = to_regclass(t.table_name) AND x.relname = t.name
                              AND keyshift.index_tail(x.oid, NULL, '{}') <> t.int_definition)
           END,
           format('%s %s on %s is missing, or still compares with integer ids', CASE t.kind WHEN 'check' THEN 'CHECK constraint' ELSE 'index' END, quote_ident(t.name), to_regclass(t.table_name)))
FROM keyshift.translated t;
{%- endif %}
{%- if rows %}
{%- for t in tables %}

{% if let Some(maps) = t.old_row_maps -%}
SELECT pg_temp.keyshift_fit_maps({{ maps }}) IS NOT NULL AS work_mem_set;
{% endif -%}
SELECT pg_temp.keyshift_assert(d.row_count = now.n AND d.row_hash = now.h,
       format('rows of %s, translated back through the id maps, differ from before forward (%s rows then, %s now)', {{ t.literal }}, d.row_count, now.n))
{%- if let Some(b) = t.rebuild %}
FROM (SELECT count(*), coalesce(sum({{ t.row_hash }}), 0) FROM ONLY {{ b.before }} t) AS d (row_count, row_hash),
{%- else %}
FROM keyshift.row_digest d,
{%- endif %}
     (SELECT count(*), coalesce(sum({{ t.old_row_hash }}), 0)
      FROM ONLY {{ t.quoted }} t
      {%- for j in t.old_row_joins %}
      {{ j }}
      {%- endfor %}) AS now (n, h)
{%- if t.rebuild.is_none() %}
WHERE d.table_name = {{ t.literal }}
{%- endif %};
{%- endfor %}
{%- endif %}

COMMIT;
SELECT 'verify_forward: ok' AS keyshift;
