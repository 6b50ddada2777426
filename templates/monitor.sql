{{ header }}
-- Read-only. Run it from a second psql while a stage runs, as often as you
-- like (from a shell, `watch -n 5 psql -X -f monitor.sql`): which step is
-- running and how far it is, the locks on the converted tables and who waits
-- for them, replication lag, and how the indexes over the new keys are used.
-- It reads only statistics views and the catalog, never a table, so it
-- never waits behind the migration's locks.

SET default_transaction_read_only = on;
SET lock_timeout = '1s';
SET statement_timeout = '10s';
SET search_path = pg_catalog, pg_temp;

-- The bundle's sessions: the last progress line of forward.sql or
-- rollback.sql (`pg_temp.keyshift_progress` copies it into
-- application_name), or the batch each backfill.sql session of online mode
-- is on, of how many in its step; what each waits for, and the statement it
-- runs now.
SELECT a.pid,
       a.application_name AS last_progress,
       a.state,
       a.wait_event_type || ': ' || a.wait_event AS waiting_for,
       date_trunc('second', now() - a.xact_start) AS transaction_age,
       date_trunc('second', now() - a.query_start) AS statement_age,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 160) AS statement
FROM pg_stat_activity a
WHERE a.pid <> pg_backend_pid()
  AND a.datname = current_database()
  AND (a.application_name LIKE 'keyshift%' OR a.query LIKE '%keyshift%')
ORDER BY a.xact_start NULLS LAST, a.pid;

-- Index builds (the copies' indexes, contract's indexes on the maps).
SELECT p.pid,
       p.relid::regclass AS "table",
       p.index_relid::regclass AS index,
       p.command,
       p.phase,
       round(100.0 * p.blocks_done / nullif(p.blocks_total, 0), 1) AS blocks_pct,
       round(100.0 * p.tuples_done / nullif(p.tuples_total, 0), 1) AS tuples_pct,
       p.lockers_done || '/' || p.lockers_total AS lockers
FROM pg_stat_progress_create_index p
WHERE p.datname = current_database()
ORDER BY p.pid;

-- Table rewrites by CLUSTER or VACUUM FULL, should any run beside the stage.
SELECT p.pid,
       p.relid::regclass AS "table",
       p.command,
       p.phase,
       round(100.0 * p.heap_blks_scanned / nullif(p.heap_blks_total, 0), 1) AS scanned_pct,
       p.heap_tuples_written AS tuples_written,
       p.index_rebuild_count AS indexes_rebuilt
FROM pg_stat_progress_cluster p
WHERE p.datname = current_database()
ORDER BY p.pid;

-- Locks on the converted tables and on keyshift's own schemas, waiters first.
SELECT l.pid,
       l.relation::regclass AS relation,
       l.mode,
       l.granted,
       date_trunc('second', now() - l.waitstart) AS waiting,
       a.application_name,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 80) AS statement
FROM pg_locks l
JOIN pg_class c ON c.oid = l.relation
JOIN pg_namespace n ON n.oid = c.relnamespace
LEFT JOIN pg_stat_activity a ON a.pid = l.pid
WHERE l.locktype = 'relation'
  AND l.database = (SELECT d.oid FROM pg_database d WHERE d.datname = current_database())
  AND l.pid <> pg_backend_pid()
  AND (c.oid IN (SELECT to_regclass(t.tbl) FROM {{ tables }} AS t (tbl))
       OR n.nspname = 'keyshift' OR n.nspname LIKE 'keyshift\_%')
ORDER BY l.granted, l.relation::regclass::text, l.pid, l.mode;

-- Sessions waiting for a lock, and the sessions they wait for.
SELECT a.pid,
       pg_blocking_pids(a.pid) AS blocked_by,
       a.wait_event_type || ': ' || a.wait_event AS waiting_for,
       date_trunc('second', now() - a.query_start) AS statement_age,
       a.application_name,
       left(regexp_replace(a.query, '\s+', ' ', 'g'), 120) AS statement
FROM pg_stat_activity a
WHERE cardinality(pg_blocking_pids(a.pid)) > 0
ORDER BY a.query_start, a.pid;

-- Replication: how far each standby is behind (forward and rollback write
-- every converted table again, and contract's drops and index builds follow).
SELECT r.application_name,
       r.client_addr,
       r.state,
       r.sync_state,
       r.write_lag,
       r.flush_lag,
       r.replay_lag,
       CASE WHEN pg_is_in_recovery() THEN NULL
            ELSE pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), r.replay_lsn)) END AS replay_behind
FROM pg_stat_replication r
ORDER BY r.application_name, r.client_addr;

-- Replication slots hold WAL back until their consumer reads it.
SELECT s.slot_name,
       s.slot_type,
       s.active,
       s.wal_status,
       CASE WHEN pg_is_in_recovery() THEN NULL
            ELSE pg_size_pretty(pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)) END AS wal_held
FROM pg_replication_slots s
ORDER BY s.slot_name;

-- Use of the indexes over the converted key columns since statistics were
-- last reset; run it again after forward to see the uuid indexes take over
-- the lookups. Sizes are as of the last VACUUM, ANALYZE or index build.
SELECT s.relid::regclass AS "table",
       s.indexrelname AS index,
       s.idx_scan AS scans,
       s.idx_tup_read AS tuples_read,
       s.idx_tup_fetch AS tuples_fetched,
       pg_size_pretty(c.relpages::bigint * current_setting('block_size')::bigint) AS size
FROM pg_stat_user_indexes s
JOIN pg_index i ON i.indexrelid = s.indexrelid
JOIN pg_class c ON c.oid = s.indexrelid
WHERE EXISTS (SELECT FROM {{ columns }} AS e (tbl, col, typ)
              JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col
              WHERE a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey))
ORDER BY 1, 2;
