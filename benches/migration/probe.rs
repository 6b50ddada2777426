//! The bench's own connection, and what it reads between steps: the WAL
//! position, sizes, the writer's rows, and the primary-key index hook.
//!
//! Everything here names tables only (`users`, `journals`) and finds keys
//! and indexes through the catalog, because the bundle under test may
//! rebuild the tables and their indexes under other names.

use crate::observe::WRITER_EMAIL_PREFIX;
use postgres::{Client, NoTls};

/// The tables the bundle converts, as the bench's schema names them.
pub const TABLES: [&str; 2] = ["users", "journals"];

/// A connection of the bench's own, never used while a step runs except
/// to read the WAL position before and after it.
pub struct Monitor {
    client: Client,
}

impl Monitor {
    pub fn connect(url: &str) -> Monitor {
        let client =
            Client::connect(url, NoTls).unwrap_or_else(|e| panic!("the bench cannot connect: {e}"));
        Monitor { client }
    }

    /// Writes out dirty buffers, so that no step pays for the one before:
    /// PostgreSQL's to the kernel (`CHECKPOINT`), then the kernel's to
    /// disk (`sync`). The server runs with `fsync` off, so a checkpoint
    /// alone leaves its pages dirty in the page cache, and at 4M users a
    /// step leaves gigabytes of them for the next step to wait on.
    pub fn checkpoint(&mut self) {
        self.execute("CHECKPOINT");
        let synced = std::process::Command::new("sync").status();
        assert!(
            synced.as_ref().is_ok_and(|s| s.success()),
            "sync failed: {synced:?}"
        );
    }

    /// The current WAL insert position, as text (`pg_lsn`).
    pub fn wal_position(&mut self) -> String {
        self.client
            .query_one("SELECT pg_current_wal_lsn()::text", &[])
            .expect("pg_current_wal_lsn")
            .get(0)
    }

    /// Bytes of WAL written since `position` (by every session: the
    /// observers' share is a few kB).
    pub fn wal_since(&mut self, position: &str) -> u64 {
        self.bigint(
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), $1::text::pg_lsn)::bigint",
            &[&position],
        )
    }

    /// `users` and `journals` with their indexes and TOAST.
    pub fn tables_bytes(&mut self) -> u64 {
        self.bigint(
            "SELECT sum(pg_total_relation_size(format('public.%I', t)::regclass))::bigint
             FROM unnest($1::text[]) t",
            &[&TABLES.as_slice()],
        )
    }

    /// The whole database: the converted tables plus whatever the bundle
    /// keeps beside them (id maps, old tables).
    pub fn database_bytes(&mut self) -> u64 {
        self.bigint("SELECT pg_database_size(current_database())", &[])
    }

    /// How many rows the observers' writer inserted that are still there.
    pub fn writer_rows(&mut self) -> u64 {
        self.bigint(
            "SELECT count(*) FROM users WHERE email LIKE $1 || '%'",
            &[&WRITER_EMAIL_PREFIX],
        )
    }

    fn bigint(&mut self, sql: &str, params: &[&(dyn postgres::types::ToSql + Sync)]) -> u64 {
        let row = self
            .client
            .query_one(sql, params)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        let value: i64 = row.get(0);
        u64::try_from(value).unwrap_or_else(|_| panic!("{sql}: negative {value}"))
    }

    fn execute(&mut self, sql: &str) {
        self.client
            .batch_execute(sql)
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

/// Size and leaf density of one index (`pgstatindex`).
#[derive(Debug, Clone, Copy)]
pub struct IndexShape {
    pub bytes: u64,
    /// Percent of each leaf page in use, on average.
    pub leaf_density: f64,
}

/// The `users` primary-key index right after forward and after more inserts.
#[derive(Debug, Clone)]
pub struct KeyIndexFigure {
    /// The key column's default after forward, as the server prints it
    /// (`gen_random_uuid()`): which uuid flavour the new rows got.
    pub key_default: String,
    pub after_forward: IndexShape,
    pub inserted: u64,
    pub after_inserts: IndexShape,
}

/// HOOK: primary-key index size and leaf density after `extra_users`
/// inserts following forward.
///
/// Call it on a database where forward.sql has just run. It inserts
/// `extra_users` rows into `users`, each taking the key's default, and
/// reads the primary-key index with `pgstattuple`'s `pgstatindex` before
/// and after. Random (v4) uuids land all over the index and split pages
/// half full; time-ordered (v7) ones append at its right edge. The bench
/// calls it for both flavours, so it depends on nothing but that state.
pub fn primary_key_index_after_inserts(monitor: &mut Monitor, extra_users: u64) -> KeyIndexFigure {
    monitor.execute("CREATE EXTENSION IF NOT EXISTS pgstattuple");
    let key_default = users_key_default(monitor);
    let after_forward = users_key_index(monitor);
    let inserted: i64 = extra_users.try_into().expect("row count fits i64");
    monitor
        .client
        .execute(
            "INSERT INTO users (email)
             SELECT 'bench-index-' || g || '@example.com' FROM generate_series(1, $1::bigint) g",
            &[&inserted],
        )
        .expect("insert users after forward");
    KeyIndexFigure {
        key_default,
        after_forward,
        inserted: extra_users,
        after_inserts: users_key_index(monitor),
    }
}

/// Deletes the users [`primary_key_index_after_inserts`] added, so that
/// the next flavour starts from the same rows.
pub fn forget_index_users(monitor: &mut Monitor) {
    monitor.execute("DELETE FROM users WHERE email LIKE 'bench-index-%'");
}

/// `pgstatindex` of the index behind `users`' primary key, found by
/// `indisprimary` (the bundle may have rebuilt it under another name).
fn users_key_index(monitor: &mut Monitor) -> IndexShape {
    let row = monitor
        .client
        .query_one(
            "SELECT s.index_size, s.avg_leaf_density
             FROM pg_index i, pgstatindex(i.indexrelid::regclass) s
             WHERE i.indrelid = 'public.users'::regclass AND i.indisprimary",
            &[],
        )
        .expect("pgstatindex of users' primary key");
    let bytes: i64 = row.get(0);
    IndexShape {
        bytes: bytes.try_into().expect("index size"),
        leaf_density: row.get(1),
    }
}

/// The default of `users`' (one-column) primary key.
fn users_key_default(monitor: &mut Monitor) -> String {
    monitor
        .client
        .query_one(
            "SELECT coalesce(
                 (SELECT pg_get_expr(d.adbin, d.adrelid)
                  FROM pg_index i
                  JOIN pg_attrdef d ON d.adrelid = i.indrelid AND d.adnum = i.indkey[0]
                  WHERE i.indrelid = 'public.users'::regclass AND i.indisprimary),
                 'no default')",
            &[],
        )
        .expect("users' key default")
        .get(0)
}
