
-- Version 7 UUIDs (RFC 9562): 48 bits of Unix time in milliseconds, the
-- version, 12 bits of the sub-millisecond part, the variant, and 62 random
-- bits from gen_random_uuid(). Keys sort by time; within a microsecond, at
-- random. Both functions are single expressions, which the planner inlines.
CREATE FUNCTION keyshift.uuid_v7(us bigint) RETURNS uuid
LANGUAGE sql VOLATILE PARALLEL SAFE AS $keyshift$
    SELECT encode(int8send(((us / 1000) << 16) | 28672 | ((us % 1000) * 4096 / 1000))
                  || substring(uuid_send(gen_random_uuid()) FROM 9), 'hex')::uuid
$keyshift$;
-- Microseconds since 1970 of a time given as date_part('epoch', …): no
-- time means the start of forward, a time before 1970 (or -infinity) 0,
-- and one past the year 10889 (or infinity) the largest a key can hold.
CREATE FUNCTION keyshift.v7_us(epoch double precision) RETURNS bigint
LANGUAGE sql STABLE PARALLEL SAFE AS $keyshift$
    SELECT least(least(greatest(round(coalesce(epoch, date_part('epoch', now())) * 1000000), 0), 1e18)::bigint, 281474976710655999)
$keyshift$;

-- New rows get version 7 keys too: uuidv7() from PostgreSQL 18 on, and
-- before that keyshift_uuidv7(), the same layout at the current time, made
-- below in each schema with a converted key. Forward refuses to replace a
-- function of that name; rollback drops the ones it made.
CREATE FUNCTION keyshift.new_row_default(tbl regclass) RETURNS text
LANGUAGE sql STABLE AS $keyshift$
    SELECT CASE WHEN current_setting('server_version_num')::int >= 180000 THEN 'uuidv7()'
                ELSE format('%I.keyshift_uuidv7()', (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl)) END
$keyshift$;
CREATE FUNCTION keyshift.set_new_row_default(tbl regclass, col name) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', tbl, col, keyshift.new_row_default(tbl));
END
$keyshift$;
CREATE FUNCTION keyshift.create_uuidv7(schema_name name) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    IF current_setting('server_version_num')::int >= 180000 THEN
        RETURN;
    END IF;
    EXECUTE format($create$
        CREATE FUNCTION %I.keyshift_uuidv7() RETURNS uuid
        LANGUAGE sql VOLATILE PARALLEL SAFE SET search_path = pg_catalog AS $body$
            SELECT encode(int8send(((us / 1000) << 16) | 28672 | ((us %% 1000) * 4096 / 1000))
                          || substring(uuid_send(gen_random_uuid()) FROM 9), 'hex')::uuid
            FROM (SELECT round(date_part('epoch', clock_timestamp()) * 1000000)::bigint AS us) AS t
        $body$$create$, schema_name);
    EXECUTE format('COMMENT ON FUNCTION %I.keyshift_uuidv7() IS %L', schema_name,
        'a version 7 uuid (RFC 9562) at the current time, for new keys; made by keyshift where PostgreSQL (before 18) has no uuidv7()');
END
$keyshift$;
{%- for s in uuid.schemas %}
SELECT keyshift.create_uuidv7({{ s.literal }});
{%- endfor %}
