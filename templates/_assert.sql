-- Every check below goes through this session-local helper, so a failed
-- check stops psql (ON_ERROR_STOP) with a message naming what is wrong.
CREATE OR REPLACE FUNCTION pg_temp.keyshift_assert(ok boolean, message text)
RETURNS void LANGUAGE plpgsql AS $keyshift$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'keyshift: %', message;
    END IF;
END
$keyshift$;
