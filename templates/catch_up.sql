{{ header }}
-- Online mode, before cutover.sql: replays into the copies the rows written
-- since they were copied, in rounds that each commit, until a round finds
-- at most {{ catch_up_enough }} changed rows. Run it as often as you like;
-- cutover.sql runs the same rounds first, so that little is left to replay
-- under its locks. The application goes on reading and writing.
-- To go back: abort.sql.

{% include "_assert.sql" %}

SET search_path = pg_catalog, pg_temp;
SET jit = off;
{% include "_one_process.sql" %}
{% include "_paced_writes.sql" %}
-- A round at REPEATABLE READ leaves every copy equal to its table as the
-- round's snapshot saw it.
SET default_transaction_isolation = 'repeatable read';
SELECT pg_temp.keyshift_assert(to_regclass('keyshift.online_table') IS NOT NULL, 'expand.sql of plan {{ plan_hash }} has not run on this database');
SELECT pg_temp.keyshift_assert((SELECT stage = 'expand' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state),
       (SELECT format('keyshift.state says stage %s of plan %s; catch_up.sql of plan {{ plan_hash }} runs between expand.sql and cutover.sql', stage, plan_hash) FROM keyshift.state));
SELECT pg_temp.keyshift_assert(coalesce(bool_and(indexed), true), 'backfill.sql has not finished; run it (again) first') FROM keyshift.online_table;

CALL keyshift.catch_up({{ catch_up_enough }}, 1000);

SELECT 'catch_up: ok; next: cutover.sql' AS keyshift;
