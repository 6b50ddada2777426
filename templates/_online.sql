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
    -- Fills the map for the keys from $1 to $2, both included.
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
    -- Set by the backfill batch that built the copy's indexes: from then
    -- on the copy only changes by replay.
    indexed boolean NOT NULL DEFAULT false
);

-- The backfill's work, cut into batches by the first session that runs
-- backfill.sql. Each batch is one row, done or not. A session claims the
-- first batch of the lowest unfinished step that no other session holds
-- (FOR UPDATE SKIP LOCKED), does it and marks it done in the same
-- transaction, so a batch is done exactly once and a killed session's
-- batch goes back to the queue with its row lock. The steps run in order
-- because a step starts only once every batch of the steps before it is
-- done; sessions with nothing to claim wait for that.
--   1 map: the keys from lo to hi (both included) of the table's own key
--     get their uuids;
--   2 analyze map: the copies' batches join the maps by index, and the
--     planner must know how big they have become;
--   3 copy: the rows in blocks [lo, hi) are copied, every map complete;
--   4 replay: one catch-up round (position 0): the copies then hold one
--     moment's rows, which satisfy the unique indexes built next;
--   5 index: the copy's indexes, built once on the full data.
CREATE TABLE keyshift.online_batch (
    step integer NOT NULL CHECK (step BETWEEN 1 AND 5),
    position integer NOT NULL,
    lo bigint NOT NULL,
    hi bigint NOT NULL,
    done boolean NOT NULL DEFAULT false,
    PRIMARY KEY (step, position, lo)
);
-- Each claim reads the first batch not done: without this index, a
-- scan of the whole queue per batch.
CREATE INDEX online_batch_to_do ON keyshift.online_batch (step, position, lo) WHERE NOT done;

CREATE FUNCTION keyshift.refuse_truncate() RETURNS trigger
LANGUAGE plpgsql AS $keyshift$
BEGIN
    RAISE EXCEPTION 'keyshift: % cannot be truncated while its keys move online: the copy would keep the rows', TG_TABLE_NAME
        USING HINT = 'Delete the rows instead, or undo the migration with abort.sql first.';
END
$keyshift$;

-- After the tried-th lock attempt on tables failed: gives up after 1500,
-- else cancels an autovacuum of one of them, and says which session has
-- held a lock on them longest, which is what to end or wait for.
-- PostgreSQL cancels an autovacuum that blocks a lock request for
-- deadlock_timeout (1 s by default); attempts of 20 ms never wait that
-- long, so without this a vacuum of a big table would hold the attempts
-- off for all its run. It is cancelled the way PostgreSQL would, and runs
-- again later. One that prevents transaction ID
-- wraparound is left alone, as PostgreSQL leaves it. Cancelling needs a
-- superuser (or, on some servers, pg_signal_backend or
-- pg_signal_autovacuum_worker); without that the attempts wait for it.
CREATE FUNCTION keyshift.lock_not_granted(tables regclass[], mode text, tried integer) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    vacuum record;
    holder text;
BEGIN
    IF tried >= 1500 THEN
        RAISE EXCEPTION 'keyshift: could not take % on % in % attempts of 20 ms; nothing has changed', mode, tables, tried
            USING HINT = 'A long transaction holds one of these tables; run the file again when it has ended.';
    END IF;
    FOR vacuum IN SELECT DISTINCT a.pid, a.query
                  FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
                  WHERE l.granted AND l.locktype = 'relation' AND l.relation = ANY (tables)
                    AND a.backend_type = 'autovacuum worker' AND a.query NOT LIKE '%to prevent wraparound%' LOOP
        BEGIN
            IF pg_cancel_backend(vacuum.pid) THEN
                RAISE INFO 'keyshift: cancelled % (pid %), which held a lock % waits for; it runs again later', vacuum.query, vacuum.pid, mode;
            END IF;
        EXCEPTION WHEN insufficient_privilege THEN
            IF tried % 20 = 1 THEN
                RAISE INFO 'keyshift: % (pid %) holds a lock % waits for, and this role may not cancel it: %', vacuum.query, vacuum.pid, mode, SQLERRM;
            END IF;
        END;
    END LOOP;
    IF tried % 20 = 1 THEN
        SELECT format('pid %s (%s), in a transaction for %s s, holds %s on %s: %s', a.pid, a.backend_type,
                      round(extract(epoch FROM clock_timestamp() - a.xact_start)::numeric, 1), l.mode, l.relation::regclass,
                      left(regexp_replace(a.query, '\s+', ' ', 'g'), 120))
        INTO holder
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE l.granted AND l.locktype = 'relation' AND l.relation = ANY (tables) AND l.pid <> pg_backend_pid()
        ORDER BY a.xact_start NULLS LAST LIMIT 1;
        RAISE INFO 'keyshift: % on % not granted at attempt %; %', mode, tables, tried, coalesce(holder, 'the holder has gone');
    END IF;
END
$keyshift$;

-- One lock attempt: a lock request queues every later request on its
-- table behind it, so a long wait would stall the application's writes.
-- It gives up after 20 ms; granted, the lock is held until the
-- transaction ends.
CREATE FUNCTION keyshift.try_lock(tables regclass[], mode text) RETURNS boolean
LANGUAGE plpgsql SET lock_timeout = '20ms' AS $keyshift$
BEGIN
    EXECUTE format('LOCK TABLE %s IN %s MODE', array_to_string(tables, ', '), mode);
    RETURN true;
EXCEPTION WHEN lock_not_available THEN
    RETURN false;
END
$keyshift$;

-- Takes the locks in short attempts, each after a short random pause.
CREATE FUNCTION keyshift.lock_briefly(tables regclass[], mode text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    tried integer := 0;
BEGIN
    WHILE NOT keyshift.try_lock(tables, mode) LOOP
        tried := tried + 1;
        PERFORM keyshift.lock_not_granted(tables, mode, tried);
        PERFORM pg_sleep(0.05 + random() * 0.1);
    END LOOP;
    IF tried > 0 THEN
        RAISE INFO 'keyshift: % on % granted at attempt %', mode, tables, tried + 1;
    END IF;
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

-- Cuts the backfill into batches of about batch_rows rows, unless a
-- session did already. Two sessions that start together both try; the
-- primary key lets one plan through and the other gives way.
SELECT pg_temp.keyshift_execute($procedure$
CREATE PROCEDURE keyshift.plan_backfill(batch_rows bigint)
LANGUAGE plpgsql AS $keyshift$
DECLARE
    o record;
    lo bigint;
    hi bigint;
    blocks bigint;
    rows_per_block bigint;
    per_batch bigint;
    estimate numeric;
    edges bigint[];
BEGIN
    IF EXISTS (SELECT FROM keyshift.online_batch) THEN
        RETURN;
    END IF;
    BEGIN
        INSERT INTO keyshift.online_batch (step, position, lo, hi) VALUES (4, 0, 0, 0);
        FOR o IN SELECT * FROM keyshift.online_table ORDER BY position LOOP
            -- A key written since expand got its uuid from the capture
            -- trigger; the batches cover the keys that were there before.
            IF o.fill_map IS NOT NULL THEN
                -- Both ends are included, and the arithmetic is numeric:
                -- keys may start at bigint's least value (a sequence with
                -- that MINVALUE doubles its range) or reach its greatest.
                EXECUTE format('SELECT min(t.%1$I)::bigint, max(t.%1$I)::bigint FROM ONLY %2$s t', o.key_column, to_regclass(o.live)) INTO lo, hi;
                SELECT greatest(c.reltuples, 0) INTO estimate FROM pg_class c WHERE c.oid = to_regclass(o.live);
                IF hi IS NULL THEN
                    -- Empty: every key will come from the capture trigger.
                    NULL;
                ELSIF hi::numeric - lo < 2 * estimate + batch_rows THEN
                    -- Dense keys (serial ones): ranges of batch_rows values.
                    INSERT INTO keyshift.online_batch (step, position, lo, hi)
                    SELECT 1, o.position, b, least(b::numeric + batch_rows - 1, hi)::bigint FROM generate_series(lo, hi, batch_rows) AS b;
                ELSE
                    -- Sparse keys (wide gaps, ids spread over the type's
                    -- range, or no statistics yet): ranges of batch_rows
                    -- rows, cut at keys read once in order. Ranges of
                    -- values would be mostly empty batches. Each batch
                    -- ends at one of those keys and the next starts just
                    -- after it.
                    EXECUTE format('SELECT array_agg(s.k ORDER BY s.k) FROM (SELECT t.%1$I::bigint AS k, row_number() OVER (ORDER BY t.%1$I) AS n FROM ONLY %2$s t) s WHERE mod(s.n, $1) = 0',
                                   o.key_column, to_regclass(o.live))
                    INTO edges USING batch_rows;
                    edges := coalesce(edges, '{}') || hi;
                    INSERT INTO keyshift.online_batch (step, position, lo, hi)
                    SELECT 1, o.position, CASE WHEN i = 1 THEN lo ELSE edges[i - 1] + 1 END, edges[i] FROM generate_subscripts(edges, 1) AS i
                    WHERE i = 1 OR edges[i - 1] < edges[i];
                END IF;
                INSERT INTO keyshift.online_batch (step, position, lo, hi) VALUES (2, o.position, 0, 0);
            END IF;
            -- A row in a block past today's end was written since expand:
            -- it is logged, and replayed.
            SELECT pg_relation_size(c.oid) / current_setting('block_size')::bigint,
                   CASE WHEN c.relpages > 0 AND c.reltuples > 0 THEN ceil(c.reltuples / c.relpages)::bigint ELSE 100 END
            INTO blocks, rows_per_block
            FROM pg_class c WHERE c.oid = to_regclass(o.live);
            per_batch := greatest(1, batch_rows / greatest(rows_per_block, 1));
            INSERT INTO keyshift.online_batch (step, position, lo, hi)
            SELECT 3, o.position, b, least(b + per_batch, blocks) FROM generate_series(0, blocks - 1, per_batch) AS b;
            INSERT INTO keyshift.online_batch (step, position, lo, hi) VALUES (5, o.position, 0, 0);
        END LOOP;
    EXCEPTION WHEN unique_violation OR serialization_failure THEN
        RAISE INFO 'keyshift: another session has cut the backfill into batches';
    END;
END
$keyshift$
$procedure$);

-- The backfill, in batches that each commit, taken from
-- keyshift.online_batch. Any number of sessions may run it at once, each
-- on a core of its own; each returns when every batch is done. The maps
-- are filled by ranges of the key (a row written since expand got its
-- uuid from the trigger), so that every row a copy reads finds its
-- parents' uuids; the copies by ranges of blocks (a row that moves to
-- another block is logged, and replayed by catch-up).
SELECT pg_temp.keyshift_execute($procedure$
CREATE PROCEDURE keyshift.backfill(batch_rows bigint)
LANGUAGE plpgsql AS $keyshift$
DECLARE
    b record;
    o record;
    n bigint;
    bounds bigint[];
    narrow boolean;
    claimed boolean;
    again boolean;
    idle boolean := false;
    ran bigint := 0;
BEGIN
    CALL keyshift.plan_backfill(batch_rows);
    COMMIT;
    LOOP
        claimed := false;
        again := false;
        BEGIN
            SELECT q.* INTO b FROM keyshift.online_batch q
            WHERE NOT q.done AND q.step = (SELECT min(r.step) FROM keyshift.online_batch r WHERE NOT r.done)
            ORDER BY q.position, q.lo
            LIMIT 1
            FOR UPDATE SKIP LOCKED;
            claimed := FOUND;
        EXCEPTION WHEN serialization_failure THEN
            -- Another session finished this batch after this
            -- transaction's snapshot: claim again in a new one.
            again := true;
        END;
        IF again THEN
            COMMIT;
            CONTINUE;
        END IF;
        IF NOT claimed THEN
            IF NOT EXISTS (SELECT FROM keyshift.online_batch WHERE NOT done) THEN
                RAISE INFO 'keyshift: every batch is done; this session ran % of them', ran;
                PERFORM set_config('application_name', format('keyshift backfill: done, %s batches here', ran), false);
                EXIT;
            END IF;
            -- Other sessions hold the last batches of a step; the next
            -- step waits for them (or for their batches to come back, if
            -- a session is killed).
            COMMIT;
            IF NOT idle THEN
                RAISE INFO 'keyshift: waiting for other sessions to finish their batches';
                idle := true;
            END IF;
            PERFORM pg_sleep(0.05);
            COMMIT;
            CONTINUE;
        END IF;
        idle := false;
        SELECT t.* INTO o FROM keyshift.online_table t WHERE t.position = b.position;
        -- monitor.sql shows each session's application_name: which batch
        -- of which step and table it is on, of how many.
        PERFORM set_config('application_name', left(format('keyshift backfill: %s %s/%s, %s',
                    (ARRAY['map', 'analyze map', 'copy', 'replay', 'index'])[b.step],
                    (SELECT count(*) FROM keyshift.online_batch q WHERE q.step = b.step AND q.position = b.position AND (q.lo < b.lo OR q.done)) + 1,
                    (SELECT count(*) FROM keyshift.online_batch q WHERE q.step = b.step AND q.position = b.position),
                    CASE WHEN b.step = 4 THEN 'every table' ELSE o.live END), 63), false);
        CASE b.step
        WHEN 1 THEN
            BEGIN
                EXECUTE o.fill_map USING b.lo, b.hi;
                UPDATE keyshift.online_batch SET done = true WHERE (step, position, lo) = (b.step, b.position, b.lo);
            EXCEPTION WHEN unique_violation OR serialization_failure THEN
                -- The capture trigger mapped a key of this batch after its
                -- snapshot was taken: the batch runs again, in a
                -- transaction that sees that key.
                RAISE INFO 'keyshift: keys of % from % to % were mapped meanwhile; mapping them again', o.live, b.lo, b.hi;
            END;
        WHEN 2 THEN
            EXECUTE format('ANALYZE %s', to_regclass(o.map));
            UPDATE keyshift.online_batch SET done = true WHERE (step, position, lo) = (b.step, b.position, b.lo);
            RAISE INFO 'keyshift: mapped %', o.live;
        WHEN 3 THEN
            EXECUTE o.bounds INTO bounds USING format('(%s,0)', b.lo)::tid, format('(%s,0)', b.hi)::tid;
            -- Where every value range of the batch spans at most a few
            -- batches (keys that follow the order rows were written in, as
            -- serial keys and recent parents do), the planner may hash that
            -- slice of each map. Otherwise each row is looked up by index:
            -- hashing a wide slice would read most of a map once per
            -- batch, and the backfill would grow with the square of the data.
            narrow := NOT EXISTS (SELECT FROM generate_subscripts(bounds, 1) AS i
                                  WHERE i % 2 = 1 AND bounds[i + 1]::numeric - bounds[i] > 4 * batch_rows);
            PERFORM set_config('enable_hashjoin', narrow::text, true), set_config('enable_mergejoin', narrow::text, true);
            EXECUTE o.fill_copy USING format('(%s,0)', b.lo)::tid, format('(%s,0)', b.hi)::tid, bounds;
            UPDATE keyshift.online_batch SET done = true WHERE (step, position, lo) = (b.step, b.position, b.lo);
        WHEN 4 THEN
            -- Without indexes this round reads each copy once, by hash
            -- joins.
            n := keyshift.catch_up_round();
            UPDATE keyshift.online_batch SET done = true WHERE (step, position, lo) = (b.step, b.position, b.lo);
            RAISE INFO 'keyshift: copied every table; replayed % changed rows', n;
        WHEN 5 THEN
            PERFORM keyshift.copy_indexes(to_regclass(o.live), to_regclass(o.copy));
            EXECUTE format('ANALYZE %s', to_regclass(o.copy));
            UPDATE keyshift.online_table SET indexed = true WHERE position = o.position;
            UPDATE keyshift.online_batch SET done = true WHERE (step, position, lo) = (b.step, b.position, b.lo);
            RAISE INFO 'keyshift: indexed the copy of %', o.live;
        END CASE;
        COMMIT;
        ran := ran + 1;
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

-- Waits, outside cutover's transaction, until the tables can be locked:
-- each attempt takes the lock for 20 ms at most and, granted, lets it go at
-- once. Between attempts that fail it replays what was written meanwhile,
-- so that however long another session holds the tables, the backlog
-- cutover replays under its lock stays that of a moment.
SELECT pg_temp.keyshift_execute($procedure$
CREATE PROCEDURE keyshift.await_lock(tables regclass[], mode text)
LANGUAGE plpgsql AS $keyshift$
DECLARE
    tried integer := 0;
    granted boolean;
BEGIN
    LOOP
        granted := keyshift.try_lock(tables, mode);
        COMMIT;
        EXIT WHEN granted;
        tried := tried + 1;
        PERFORM keyshift.lock_not_granted(tables, mode, tried);
        PERFORM keyshift.catch_up_round();
        COMMIT;
        PERFORM pg_sleep(0.05 + random() * 0.1);
    END LOOP;
    IF tried > 0 THEN
        RAISE INFO 'keyshift: % on % can be taken, after % attempts', mode, tables, tried + 1;
    END IF;
END
$keyshift$
$procedure$);

-- Gives a copy its table's autovacuum settings back (expand.sql turned
-- autovacuum off on the copies): whatever the table's reloptions say, or
-- the server's defaults.
CREATE FUNCTION keyshift.autovacuum_as(src regclass, dest regclass) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    own text := (SELECT o.option_value FROM pg_class c, pg_options_to_table(c.reloptions) o
                 WHERE c.oid = src AND o.option_name = 'autovacuum_enabled');
    toast text := (SELECT o.option_value FROM pg_class c JOIN pg_class t ON t.oid = c.reltoastrelid, pg_options_to_table(t.reloptions) o
                   WHERE c.oid = src AND o.option_name = 'autovacuum_enabled');
BEGIN
    EXECUTE format('ALTER TABLE %s RESET (autovacuum_enabled, toast.autovacuum_enabled)', dest);
    IF own IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %s SET (autovacuum_enabled = %s)', dest, quote_literal(own));
    END IF;
    IF toast IS NOT NULL THEN
        EXECUTE format('ALTER TABLE %s SET (toast.autovacuum_enabled = %s)', dest, quote_literal(toast));
    END IF;
END
$keyshift$;

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
