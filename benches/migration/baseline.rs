//! S0, what every figure is divided by: a `CREATE TABLE … AS` copy of each
//! converted table plus rebuilding its indexes. Any migration that rewrites
//! the tables must at least do this much, so a ratio to S0 says how far a
//! bundle is from the physical limit on this machine, in this run, on this
//! data.
//!
//! The copies must get exactly the indexes of the tables they copy (read
//! back inside the same transaction: a baseline with fewer indexes would
//! flatter every ratio), and their size is read before the transaction
//! rolls back, as the size of a freshly built copy to compare with the
//! tables after forward. The same copy of the tables after forward (uuid
//! keys are wider than integers) tells how much of their size is bloat.

use crate::support::Database;
use std::collections::BTreeMap;

const BASELINE: &str = "
BEGIN;
CREATE TABLE users_s0 AS SELECT * FROM users;
CREATE TABLE journals_s0 AS SELECT * FROM journals;
ALTER TABLE users_s0 ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON users_s0 (email);
ALTER TABLE journals_s0 ADD PRIMARY KEY (id);
CREATE INDEX ON journals_s0 (user_id);
";

/// Closes a copy's transaction: each table's indexes as one line (kind
/// and definition, names left out), then the size of the copies, then
/// the rollback that leaves the data as it was.
fn close(suffix: &str) -> String {
    format!(
        "
SELECT 'indexes', c.relname, string_agg(s.shape, '; ' ORDER BY s.shape)
FROM pg_class c
JOIN pg_index i ON i.indrelid = c.oid
CROSS JOIN LATERAL (SELECT concat_ws(' ',
    CASE WHEN i.indisprimary THEN 'PRIMARY KEY' WHEN i.indisunique THEN 'UNIQUE' END,
    substring(pg_get_indexdef(i.indexrelid) FROM ' USING (.*)$')) AS shape) s
WHERE c.relnamespace = 'public'::regnamespace
  AND c.relname IN ('users', 'journals', 'users{suffix}', 'journals{suffix}')
GROUP BY c.relname;
SELECT 'bytes', '', pg_total_relation_size('users{suffix}') + pg_total_relation_size('journals{suffix}');
ROLLBACK;
"
    )
}

/// What one S0 run built.
pub struct Copy {
    /// The copies with their indexes, before the transaction rolled back.
    pub bytes: u64,
    /// Each converted table whose indexes the copy does not rebuild
    /// exactly, with both sets.
    pub index_mismatches: Vec<String>,
}

/// Runs S0 once through psql, as the bundle's files are run.
pub fn run(db: &Database) -> Copy {
    copy_through(db, BASELINE, "_s0")
}

/// Runs `build` (a transaction left open, which makes `users{suffix}` and
/// `journals{suffix}`) and then [`close`], and reads back what it built.
/// The copies' index shapes are compared as text, so a uuid key's index
/// differs from an integer key's only in nothing the shape shows.
pub fn copy_through(db: &Database, build: &str, suffix: &str) -> Copy {
    let mut indexes = BTreeMap::new();
    let mut bytes = None;
    for line in db.query_rows(&format!("{build}{}", close(suffix))) {
        match line.splitn(3, '|').collect::<Vec<_>>()[..] {
            ["indexes", table, shape] => {
                indexes.insert(table.to_owned(), shape.to_owned());
            }
            ["bytes", _, n] => bytes = n.parse().ok(),
            _ => panic!("unexpected output of the copy to *{suffix}: {line}"),
        }
    }
    let index_mismatches = crate::probe::TABLES
        .iter()
        .filter_map(|table| {
            let table_has = indexes.get(*table);
            let copy_has = indexes.get(&format!("{table}{suffix}"));
            (table_has != copy_has)
                .then(|| format!("{table} has {table_has:?}, its copy {copy_has:?}"))
        })
        .collect();
    Copy {
        bytes: bytes.unwrap_or_else(|| panic!("the copy to *{suffix} reports its size")),
        index_mismatches,
    }
}

/// The uuids alone: one `gen_random_uuid()` for every row of each converted
/// table (each has a key of its own), in one process, nothing written.
/// Any engine that gives every existing row a random uuid spends at least
/// this much CPU; forward.sql can spread it over the cores, online mode's
/// backfill draws in the one session PLAN.md advises on two cores. Set
/// against S0, it shows how much of a ratio is the draw itself.
pub fn uuid_draw(db: &Database) -> std::time::Duration {
    let mut client =
        postgres::Client::connect(&db.url(), postgres::NoTls).expect("bench connects for the draw");
    client
        .batch_execute("SET max_parallel_workers_per_gather = 0; SET jit = off")
        .expect("one process for the draw");
    let started = std::time::Instant::now();
    for table in crate::probe::TABLES {
        client
            .query_one(
                &format!("SELECT count(gen_random_uuid()) FROM ONLY {table}"),
                &[],
            )
            .unwrap_or_else(|e| panic!("drawing a uuid per row of {table}: {e}"));
    }
    started.elapsed()
}
