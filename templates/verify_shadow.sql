{{ header }}
-- Online mode, before cutover: proof that the copies hold exactly the
-- tables' rows. In one REPEATABLE READ transaction it replays the changed
-- rows (the only writes it makes, all to keyshift's copies), then compares
-- each copy, every uuid translated back to the integer it replaced, with
-- its table as the same snapshot sees it. Because the maps are
-- one-to-one, a child row whose reference translates back to its old
-- parent id points at the same parent row. Reads every row of both once.

{% include "_assert.sql" %}
{% include "_fit_maps.sql" %}
{% include "_one_process.sql" %}
{% include "_paced_writes.sql" %}

BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ;
SET LOCAL search_path = pg_catalog, pg_temp;
SET LOCAL jit = off;
SELECT pg_temp.keyshift_assert(to_regclass('keyshift.online_table') IS NOT NULL, 'expand.sql of plan {{ plan_hash }} has not run on this database');
SELECT pg_temp.keyshift_assert((SELECT stage = 'expand' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state),
       (SELECT format('keyshift.state says stage %s of plan %s; verify_shadow.sql of plan {{ plan_hash }} runs between expand.sql and cutover.sql', stage, plan_hash) FROM keyshift.state));
SELECT pg_temp.keyshift_assert(coalesce(bool_and(indexed), true), 'backfill.sql has not finished; run it (again) first') FROM keyshift.online_table;
SELECT keyshift.catch_up_round() IS NOT NULL AS caught_up;
{%- for t in tables %}{% if let Some(b) = t.rebuild %}

{% if let Some(maps) = t.old_row_maps -%}
SELECT pg_temp.keyshift_fit_maps({{ maps }}) IS NOT NULL AS work_mem_set;
{% endif -%}
SELECT pg_temp.keyshift_assert(o.n = c.n AND o.h = c.h,
       format('the copy of %s, translated back through the id maps, differs from the table (%s rows, %s in the copy)', {{ t.literal }}, o.n, c.n))
FROM (SELECT count(*), coalesce(sum({{ t.row_hash }}), 0) FROM ONLY {{ t.quoted }} t) AS o (n, h),
     (SELECT count(*), coalesce(sum({{ t.old_row_hash }}), 0)
      FROM ONLY {{ b.copy }} t
      {%- for j in t.old_row_joins %}
      {{ j }}
      {%- endfor %}) AS c (n, h);
{%- endif %}{% endfor %}

COMMIT;
SELECT 'verify_shadow: ok; next: catch_up.sql' AS keyshift;
