-- Progress for whoever watches psql: after each long step an INFO line
-- (shown whatever client_min_messages says) names the step and its table
-- with the table's row estimate, the step's time and the time so far.
-- The time so far, the step and its table, cut to what application_name
-- holds, become this session's application_name until COMMIT: monitor.sql
-- shows it to a second session.
CREATE OR REPLACE FUNCTION pg_temp.keyshift_progress(step text, label text, tbl text)
RETURNS void LANGUAGE plpgsql AS $keyshift$
DECLARE
    now timestamptz := clock_timestamp();
    started timestamptz := coalesce(nullif(current_setting('keyshift.started', true), '')::timestamptz, now);
    previous timestamptz := coalesce(nullif(current_setting('keyshift.previous', true), '')::timestamptz, started);
    estimate real := (SELECT c.reltuples FROM pg_class c WHERE c.oid = to_regclass(tbl));
    line text;
BEGIN
    line := format('keyshift: %s%s: %s s, %s s so far', step,
        CASE WHEN label IS NULL THEN ''
             WHEN estimate IS NULL OR estimate < 0 THEN ' ' || label || ' (rows not yet counted by ANALYZE)'
             ELSE ' ' || label || ' (about ' || estimate::bigint || ' rows)' END,
        round(extract(epoch FROM now - previous)::numeric, 1),
        round(extract(epoch FROM now - started)::numeric, 1));
    RAISE INFO '%', line;
    PERFORM set_config('application_name',
        left(format('keyshift %s s: %s %s', round(extract(epoch FROM now - started)::numeric), step, label), 63), true);
    PERFORM set_config('keyshift.previous', now::text, true);
    PERFORM set_config('keyshift.started', started::text, true);
END
$keyshift$;
