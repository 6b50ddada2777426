{{ header }}
-- Online mode, the switch to uuid keys. First catch-up rounds, each its
-- own transaction, until little is left to replay; then attempts of 20 ms
-- at the lock below, outside any transaction that changes anything, with
-- a catch-up round after each that fails (an autovacuum of a converted
-- table that holds them off is cancelled, as PostgreSQL itself would;
-- any other holder is named); then one short transaction. It takes ACCESS EXCLUSIVE on the converted tables in
-- attempts of 20 ms (so a waiting lock never queues the application for
-- long), replays the last changed rows, stops the capture, and swaps the
-- copies in as forward.sql does; their foreign keys are created NOT VALID
-- (validate.sql validates them, with writes going on). Reads and writes
-- wait from the lock to COMMIT, which is catalog work and the replay of
-- the few rows written during the last round. From COMMIT on the
-- application sees uuid keys.
-- To go back: before COMMIT nothing has changed (abort.sql undoes
-- expand); after it, rollback.sql, as after forward.sql.

{% include "_assert.sql" %}
{% include "_progress.sql" %}

SET search_path = pg_catalog, pg_temp;
{% include "_one_process.sql" %}
{% include "_paced_writes.sql" %}
SELECT pg_temp.keyshift_assert(to_regclass('keyshift.online_table') IS NOT NULL, 'expand.sql of plan {{ plan_hash }} has not run on this database');
SELECT pg_temp.keyshift_assert((SELECT stage = 'expand' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state),
       (SELECT format('keyshift.state says stage %s of plan %s; cutover.sql of plan {{ plan_hash }} runs once, after expand.sql', stage, plan_hash) FROM keyshift.state));
SELECT pg_temp.keyshift_assert(coalesce(bool_and(indexed), true), 'backfill.sql has not finished; run it (again) first') FROM keyshift.online_table;
SET default_transaction_isolation = 'repeatable read';
CALL keyshift.catch_up({{ catch_up_enough }}, 100);
{%- if !online.is_empty() %}
CALL keyshift.await_lock(ARRAY[{{ online_regclasses }}]::regclass[], 'ACCESS EXCLUSIVE');
{%- endif %}
RESET default_transaction_isolation;

BEGIN;
SET LOCAL lock_timeout = '{{ lock_timeout }}';
SET LOCAL search_path = pg_catalog, pg_temp;
SET LOCAL jit = off;
SELECT pg_temp.keyshift_progress('cutover transaction started', NULL, NULL);
-- The checks again, inside the transaction that acts on them.
SELECT pg_temp.keyshift_assert((SELECT stage = 'expand' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state),
       (SELECT format('keyshift.state says stage %s of plan %s; cutover.sql of plan {{ plan_hash }} runs once, after expand.sql', stage, plan_hash) FROM keyshift.state));
-- What is left to replay runs under the locks below: refuse a backlog
-- (a writer faster than the replay rounds).
SELECT pg_temp.keyshift_assert(n <= {{ cutover_most }}, format('%s changed rows wait to be replayed after 100 catch-up rounds; the application writes faster than they replay: run cutover.sql again when it writes less', n)) FROM keyshift.pending() AS n;

{%- if !online.is_empty() %}
SELECT keyshift.lock_briefly(ARRAY[{{ online_regclasses }}]::regclass[], 'ACCESS EXCLUSIVE');
SELECT pg_temp.keyshift_progress('locked the tables', NULL, NULL);
{%- endif %}
{%- for t in tables %}{% if let Some(b) = t.rebuild %}
SELECT pg_temp.keyshift_assert(ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = to_regclass({{ t.regclass }}) AND attnum > 0 AND NOT attisdropped ORDER BY attnum) = {{ b.columns }},
       format('the columns of %s changed since expand.sql; run abort.sql and generate the bundle again', {{ t.literal }}));
{%- endif %}{% endfor %}
SELECT keyshift.catch_up_round() AS replayed;
{%- for o in online %}
{%- for s in o.drop_triggers %}
{{ s }};
{%- endfor %}
{%- endfor %}

-- Rows written since expand took ids from the sequences: rollback.sql
-- must restore the positions they have now.
{%- for s in sequences %}
UPDATE keyshift.sequence_state SET (last_value, is_called) = (SELECT last_value, is_called FROM {{ s.quoted }}) WHERE sequence_name = {{ s.regclass }};
{%- endfor %}
{%- if !dependents.is_empty() %}

SELECT keyshift.drop_dependents();
{%- endif %}
{%- for t in tables %}{% if let Some(b) = t.rebuild %}
SELECT keyshift.autovacuum_as(to_regclass({{ t.regclass }}), to_regclass({{ b.copy_regclass }}));
SELECT keyshift.copy_foreign_keys(to_regclass({{ t.regclass }}), to_regclass({{ b.copy_regclass }}), false);
{%- endif %}{% endfor %}

{%- if !rebuild_schemas.is_empty() %}

-- The swap: catalog changes only. The originals stay, in schema
-- keyshift_before_*, until contract.sql.
SELECT keyshift.swap_tables('kept');
{%- for s in rebuild_schemas %}
DROP SCHEMA {{ s.build }};
{%- endfor %}
{%- endif %}
{%- if !dependents.is_empty() %}

-- Recreate the views, materialized views (refreshed) and policies recorded by expand.
SELECT keyshift.recreate_dependents(true);
{%- endif %}
UPDATE keyshift.state SET stage = 'forward';
SELECT pg_temp.keyshift_progress('swapped the copies in', NULL, NULL);

COMMIT;

-- The capture triggers are gone, so the maps are complete: autovacuum may
-- visit them again (expand.sql turned it off while backfill.sql filled
-- them). After COMMIT, so that nothing more waits under the swap's locks;
-- if this is lost, autovacuum only goes on skipping the maps.
{%- for t in tables %}{% if let Some(r) = t.root %}{% if r.draws_map %}
ALTER TABLE {{ r.map }} RESET (autovacuum_enabled);
{%- endif %}{% endif %}{% endfor %}
SELECT 'cutover: ok; next: validate.sql' AS keyshift;
