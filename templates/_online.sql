-- Online mode. From expand on, a trigger on each original writes the
-- primary key of every row inserted, updated or deleted into that table's
-- log (keyshift.log_N), and gives a new row's key its uuid in the map at
-- once. The copies are filled in batches that each commit; then catch-up
-- rounds replay the logged rows: each claims the keys its snapshot sees,
-- deletes the copies' rows with those keys and copies the originals' rows
-- with those keys again. A row is either unchanged since expand, and so
-- exactly as its batch copied it, or logged, so after a round at
-- REPEATABLE READ every copy equals its original as that snapshot sees it.
-- Cutover runs the last round under ACCESS EXCLUSIVE and swaps.
--
-- One row per rebuilt table: the statements that fill its map and its
-- copy and replay its changes (made by keyshift from the catalog), and
-- how far the backfill got, so that backfill.sql resumes where it stopped.
CREATE TABLE keyshift.online_table (
    position integer PRIMARY KEY,
    live text NOT NULL,
    copy text NOT NULL,
    -- The table's own key column and its map, when it has one.
    key_column name,
    map text,
    -- Fills the map for keys in ($1, $2].
    fill_map text,
    -- Fills the copy from the blocks in [$1, $2), each map join reading
    -- the slice of its map between the bounds in $3.
    fill_copy text NOT NULL,
    -- The least and greatest value of each mapped column in the blocks in
    -- [$1, $2): fill_copy's $3.
    bounds text NOT NULL,
    -- A catch-up round: claim the logged keys, delete the copy's rows with
    -- them, copy the original's rows with them, clear the claim.
    catch_up text[] NOT NULL,
    map_end bigint,
    mapped_to bigint,
    copy_end bigint,
    copied_to bigint,
    rows_per_block bigint,
    indexed boolean NOT NULL DEFAULT false
);

CREATE FUNCTION keyshift.refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $keyshift$
BEGIN
    RAISE EXCEPTION 'keyshift: % cannot be truncated while its keys move online: the copy would keep the rows', TG_TABLE_NAME
        USING HINT = 'Delete the rows instead, or undo the migration with abort.sql first.';
END
$keyshift$;

-- Takes the locks in short attempts: a lock request queues every later
-- request on its table behind it, so a long wait would stall the
-- application's writes. Each attempt gives up after 20 ms and the next
-- follows after a short random pause.
CREATE FUNCTION keyshift.lock_briefly(tables regclass[], mode text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    previous text := current_setting('lock_timeout');
    tried integer := 0;
BEGIN
    PERFORM set_config('lock_timeout', '20ms', true);
    LOOP
        BEGIN
            EXECUTE format('LOCK TABLE %s IN %s MODE', array_to_string(tables, ', '), mode);
            EXIT;
        EXCEPTION WHEN lock_not_available THEN
            tried := tried + 1;
            IF tried >= 1500 THEN
                RAISE EXCEPTION 'keyshift: could not take % on % in % attempts of 20 ms; nothing has changed', mode, tables, tried
                    USING HINT = 'A long transaction holds one of these tables; run the file again when it has ended.';
            END IF;
            PERFORM pg_sleep(0.05 + random() * 0.1);
        END;
    END LOOP;
    PERFORM set_config('lock_timeout', previous, true);
END
$keyshift$;

-- Rows waiting in the logs.
CREATE FUNCTION keyshift.pending() RETURNS bigint
LANGUAGE plpgsql AS $keyshift$
DECLARE
    o record;
    n bigint;
    total bigint := 0;
BEGIN
    FOR o IN SELECT position FROM keyshift.online_table ORDER BY position LOOP
        EXECUTE format('SELECT count(*) FROM keyshift.%I', 'log_' || o.position) INTO n;
        total := total + n;
    END LOOP;
    RETURN total;
END
$keyshift$;

-- One catch-up round; returns the number of keys it replayed. The copies
-- have no foreign keys until cutover, so the order of the tables does not
-- matter; one round at a time.
CREATE FUNCTION keyshift.catch_up_round() RETURNS bigint
LANGUAGE plpgsql AS $keyshift$
DECLARE
    o record;
    n bigint;
    claimed bigint := 0;
BEGIN
    LOCK TABLE keyshift.online_table IN SHARE ROW EXCLUSIVE MODE;
    FOR o IN SELECT * FROM keyshift.online_table ORDER BY position LOOP
        EXECUTE o.catch_up[1];
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n > 0 THEN
            -- The claim's real size, or the planner guesses thousands of
            -- rows and reads whole indexes to replay a few (under
            -- cutover's locks, that is the application's wait).
            EXECUTE format('ANALYZE keyshift.%I', 'claim_' || o.position);
            EXECUTE o.catch_up[2];
            EXECUTE o.catch_up[3];
            EXECUTE o.catch_up[4];
            claimed := claimed + n;
        END IF;
    END LOOP;
    RETURN claimed;
END
$keyshift$;

-- sqlparser, which tests/reparse.rs holds every statement to, has no
-- PL/pgSQL procedures: the two below are created through EXECUTE.
CREATE FUNCTION pg_temp.keyshift_execute(statement text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    EXECUTE statement;
END
$keyshift$;

-- The backfill, in batches of about batch_rows rows that each commit.
-- First every map, by ranges of the key (a row written since expand got
-- its uuid from the trigger), so that every row a copy reads finds its
-- parents' uuids; then every copy, by ranges of blocks (a row that moves
-- to another block is logged, and replayed by catch-up); then one
-- catch-up round, and the copies' indexes, built once on the full data.
SELECT pg_temp.keyshift_execute($procedure$
CREATE PROCEDURE keyshift.backfill(batch_rows bigint)
LANGUAGE plpgsql AS $keyshift$
DECLARE
    o record;
    lo bigint;
    hi bigint;
    step bigint;
    bounds bigint[];
    narrow boolean;
BEGIN
    FOR o IN SELECT * FROM keyshift.online_table WHERE fill_map IS NOT NULL ORDER BY position LOOP
        IF o.map_end IS NULL THEN
            EXECUTE format('SELECT min(t.%1$I)::bigint - 1, max(t.%1$I)::bigint FROM ONLY %2$s t', o.key_column, to_regclass(o.live)) INTO lo, hi;
            o.mapped_to := coalesce(lo, 0);
            o.map_end := coalesce(hi, 0);
            UPDATE keyshift.online_table SET mapped_to = o.mapped_to, map_end = o.map_end WHERE position = o.position;
            COMMIT;
        END IF;
        WHILE o.mapped_to < o.map_end LOOP
            hi := least(o.mapped_to + batch_rows, o.map_end);
            BEGIN
                EXECUTE o.fill_map USING o.mapped_to, hi;
                UPDATE keyshift.online_table SET mapped_to = hi WHERE position = o.position;
                o.mapped_to := hi;
            EXCEPTION WHEN unique_violation OR serialization_failure THEN
                -- The capture trigger mapped a key of this batch after its
                -- snapshot was taken: the batch runs again, in a
                -- transaction that sees that key.
                RAISE INFO 'keyshift: keys of % in (%, %] were mapped meanwhile; mapping them again', o.live, o.mapped_to, hi;
            END;
            COMMIT;
        END LOOP;
        -- The copies' batches join the maps by index: the planner must
        -- know how big they have become.
        EXECUTE format('ANALYZE %s', to_regclass(o.map));
        COMMIT;
        RAISE INFO 'keyshift: mapped %', o.live;
    END LOOP;
    FOR o IN SELECT * FROM keyshift.online_table ORDER BY position LOOP
        IF o.copy_end IS NULL THEN
            SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint,
                   CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN ceil(c.reltuples / c.relpages)::bigint ELSE 100 END
            INTO o.copy_end, o.rows_per_block
            FROM pg_class c WHERE c.oid = to_regclass(o.live);
            o.copied_to := 0;
            UPDATE keyshift.online_table SET copied_to = 0, copy_end = o.copy_end, rows_per_block = o.rows_per_block WHERE position = o.position;
            COMMIT;
        END IF;
        step := greatest(1, batch_rows / greatest(o.rows_per_block, 1));
        WHILE o.copied_to < o.copy_end LOOP
            hi := least(o.copied_to + step, o.copy_end);
            EXECUTE o.bounds INTO bounds USING format('(%s,0)', o.copied_to)::tid, format('(%s,0)', hi)::tid;
            -- Where every value range of the batch spans at most a few
            -- batches (keys that follow the order rows were written in, as
            -- serial keys and recent parents do), the planner may hash that
            -- slice of each map. Otherwise each row is looked up by index:
            -- hashing a wide slice would read most of a map once per
            -- batch, and the backfill would grow with the square of the data.
            narrow := NOT EXISTS (SELECT FROM generate_subscripts(bounds, 1) AS i
                                  WHERE i % 2 = 1 AND bounds[i + 1]::numeric - bounds[i] > 4 * batch_rows);
            PERFORM set_config('enable_hashjoin', narrow::text, true), set_config('enable_mergejoin', narrow::text, true);
            EXECUTE o.fill_copy USING format('(%s,0)', o.copied_to)::tid, format('(%s,0)', hi)::tid, bounds;
            UPDATE keyshift.online_table SET copied_to = hi WHERE position = o.position;
            COMMIT;
            o.copied_to := hi;
        END LOOP;
        RAISE INFO 'keyshift: copied %', o.live;
    END LOOP;
    IF EXISTS (SELECT 1 FROM keyshift.online_table WHERE NOT indexed) THEN
        -- Without indexes this round reads each copy once, by hash joins;
        -- afterwards the copies hold one moment's rows, which satisfy
        -- every unique index built on them below.
        RAISE INFO 'keyshift: replayed % changed rows', keyshift.catch_up_round();
        COMMIT;
    END IF;
    FOR o IN SELECT * FROM keyshift.online_table WHERE NOT indexed ORDER BY position LOOP
        PERFORM keyshift.copy_indexes(to_regclass(o.live), to_regclass(o.copy));
        EXECUTE format('ANALYZE %s', to_regclass(o.copy));
        UPDATE keyshift.online_table SET indexed = true WHERE position = o.position;
        COMMIT;
        RAISE INFO 'keyshift: indexed the copy of %', o.live;
    END LOOP;
END
$keyshift$
$procedure$);

-- Catch-up rounds, each its own transaction, until one replays at most
-- enough rows, or after rounds rounds.
SELECT pg_temp.keyshift_execute($procedure$
CREATE PROCEDURE keyshift.catch_up(enough bigint, rounds integer)
LANGUAGE plpgsql AS $keyshift$
DECLARE
    n bigint;
BEGIN
    FOR i IN 1..rounds LOOP
        n := keyshift.catch_up_round();
        COMMIT;
        RAISE INFO 'keyshift: catch-up round % replayed % changed rows', i, n;
        EXIT WHEN n <= enough;
    END LOOP;
END
$keyshift$
$procedure$);

-- The foreign keys cutover creates NOT VALID on the copies (those of the
-- originals that were valid), for validate.sql.
CREATE TABLE keyshift.to_validate (table_name text NOT NULL, name name NOT NULL, PRIMARY KEY (table_name, name));

-- Validates them, in their creation order.
CREATE FUNCTION keyshift.validate_foreign_keys() RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    k record;
BEGIN
    FOR k IN SELECT v.table_name, v.name FROM keyshift.to_validate v
             JOIN pg_constraint c ON c.conrelid = to_regclass(v.table_name) AND c.conname = v.name
             WHERE NOT c.convalidated ORDER BY c.oid LOOP
        EXECUTE format('ALTER TABLE %s VALIDATE CONSTRAINT %I', k.table_name, k.name);
    END LOOP;
END
$keyshift$;
