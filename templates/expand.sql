{{ header }}
-- Online mode, the first phase: prepares the migration without holding up the
-- application. In one transaction it records what rollback needs (as
-- forward.sql does), creates the id maps and the copies, both empty, and
-- starts capturing changes: from its COMMIT on, every row written to a
-- converted table is logged for catch-up, and a new row's key gets its
-- uuid at once.
-- Locks: none on the converted tables until the last statements, which
-- take SHARE ROW EXCLUSIVE (writes wait, reads go on) in attempts of
-- 20 ms to create the capture triggers, and hold it until COMMIT.
-- To go back: abort.sql.

{% include "_assert.sql" %}
{% include "_progress.sql" %}

BEGIN;
SET LOCAL lock_timeout = '{{ lock_timeout }}';
SET LOCAL search_path = pg_catalog, pg_temp;

-- Expand runs once: the schema keyshift it creates outlives it.
SELECT pg_temp.keyshift_assert(to_regnamespace('keyshift') IS NULL,
    'expand.sql or forward.sql already ran on this database (schema keyshift exists; abort.sql or rollback.sql undoes it); this run changed nothing');
SET LOCAL jit = off;
SELECT pg_temp.keyshift_progress('expand started', NULL, NULL);

{% let stage = "expand" -%}
{% include "_forward_state.sql" %}

-- One map per table whose own key gets new UUIDs: old id → new uuid,
-- empty until backfill.sql fills it. Its primary key lets the capture
-- trigger and the backfill add the same id without a duplicate. Without
-- autovacuum until cutover.sql: while backfill fills a map, autovacuum
-- would go over it again and again (it counts the inserts), and its
-- writes, beside backfill's, made the application's own writes of
-- evicted pages wait (the bench caught one at 119 ms). Backfill analyzes
-- each map itself.
{%- for t in tables %}{% if let Some(r) = t.root %}{% if r.draws_map %}
CREATE TABLE {{ r.map }} WITH (autovacuum_enabled = false) AS {{ r.map_select }} LIMIT 0;
ALTER TABLE {{ r.map }} ADD PRIMARY KEY (old_id), ALTER COLUMN new_id SET NOT NULL;
COMMENT ON TABLE {{ r.map }} IS {{ r.comment }};
{%- endif %}{% endif %}{% endfor %}
{%- include "_forward_records.sql" %}
{%- if !online.is_empty() %}

{% include "_forward_swap.sql" %}
{%- endif %}

{% include "_online.sql" %}
{%- for o in online %}
{%- for s in o.setup %}
{{ s }};
{%- endfor %}
{%- endfor %}

-- The copies, empty: backfill.sql fills them. Without autovacuum until
-- cutover.sql gives them their tables' settings: a vacuum of a copy
-- that backfill has just filled runs for minutes, and the locks
-- backfill's index builds and cutover's swap take on the copy would
-- wait for it (a second, deadlock_timeout, before autovacuum gives way;
-- under cutover's locks the application waits that second too).
{%- for t in tables %}{% if let Some(b) = t.rebuild %}
SELECT keyshift.create_copy({{ t.regclass }}, {{ b.build_schema_literal }}, true) IS NOT NULL AS created;
ALTER TABLE {{ b.copy }} SET (autovacuum_enabled = false, toast.autovacuum_enabled = false);
{%- endif %}{% endfor %}

{%- if !online.is_empty() %}

-- Change capture, last: writes to these tables wait only from here to COMMIT.
SELECT keyshift.lock_briefly(ARRAY[{{ online_regclasses }}]::regclass[], 'SHARE ROW EXCLUSIVE');
{%- for o in online %}
{%- for s in o.triggers %}
{{ s }};
{%- endfor %}
{%- endfor %}
SELECT pg_temp.keyshift_progress('capturing changes', NULL, NULL);
{%- endif %}

COMMIT;
SELECT 'expand: ok; next: backfill.sql' AS keyshift;
