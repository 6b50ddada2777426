{{ header }}
-- Online mode, before cutover: undoes expand.sql and whatever backfill and
-- catch-up did, at any point of them. It stops the capture (a moment of
-- ACCESS EXCLUSIVE on each converted table, taken in attempts of 20 ms)
-- and drops keyshift's schemas with the maps, logs and copies. The tables
-- themselves were never changed, and keep every row written meanwhile.
-- After cutover.sql, use rollback.sql instead.

{% include "_assert.sql" %}

BEGIN;
SET LOCAL lock_timeout = '{{ lock_timeout }}';
SET LOCAL search_path = pg_catalog, pg_temp;
SELECT pg_temp.keyshift_assert(to_regclass('keyshift.online_table') IS NOT NULL, 'expand.sql of plan {{ plan_hash }} has not run on this database: there is nothing to abort');
SELECT pg_temp.keyshift_assert((SELECT stage = 'expand' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state),
       (SELECT format('keyshift.state says stage %s of plan %s; abort.sql of plan {{ plan_hash }} undoes expand.sql before cutover.sql (after it, run rollback.sql)', stage, plan_hash) FROM keyshift.state));
{%- if !online.is_empty() %}
SELECT keyshift.lock_briefly(ARRAY[{{ online_regclasses }}]::regclass[], 'ACCESS EXCLUSIVE');
{%- endif %}
{%- for o in online %}
{%- for s in o.drop_triggers %}
{{ s }};
{%- endfor %}
{%- endfor %}
DROP SCHEMA keyshift{% for s in rebuild_schemas %}, {{ s.build }}, {{ s.before }}{% endfor %} CASCADE;

COMMIT;
SELECT 'abort: ok' AS keyshift;
