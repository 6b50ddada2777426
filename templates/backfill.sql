{{ header }}
-- Online mode, after expand.sql: fills the id maps and the copies from the
-- live tables in batches of about {{ batch_rows }} rows, each its own
-- transaction, then replays the rows written meanwhile and builds the
-- copies' indexes. The application goes on reading and writing: this file
-- takes no lock on its tables that a write waits for.
-- Each session uses one core. Run it in as many sessions at once as the
-- server has cores to spare, leaving the application at least one; with
-- four cores, for example (xargs fails if any session fails):
--   seq 3 | xargs -P 3 -I{} psql -X -v ON_ERROR_STOP=1 -f backfill.sql
-- Each session takes the next batch no other session holds, and returns
-- when every batch is done. Interrupted (a kill, a crash, Ctrl-C), a
-- session loses at most the batch it was writing, which goes back to the
-- others; run the file again and it resumes.
-- To go back: abort.sql.

{% include "_assert.sql" %}

SET search_path = pg_catalog, pg_temp;
SET jit = off;
{% include "_one_process.sql" %}
{% include "_paced_writes.sql" %}
-- Each batch and each catch-up round sees one snapshot of every table.
SET default_transaction_isolation = 'repeatable read';
SELECT pg_temp.keyshift_assert(to_regclass('keyshift.online_table') IS NOT NULL, 'expand.sql of plan {{ plan_hash }} has not run on this database');
SELECT pg_temp.keyshift_assert((SELECT stage = 'expand' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state),
       (SELECT format('keyshift.state says stage %s of plan %s; backfill.sql of plan {{ plan_hash }} runs between expand.sql and cutover.sql', stage, plan_hash) FROM keyshift.state));

CALL keyshift.backfill({{ batch_rows }});

SELECT 'backfill: ok; next: verify_shadow.sql' AS keyshift;
