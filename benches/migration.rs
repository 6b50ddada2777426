//! How fast the generated migration is, as ratios to the physical limit
//! measured in the same run on the same server:
//!
//! - S0: a `CREATE TABLE … AS` copy of both tables plus rebuilding their
//!   indexes (what any rewrite must at least do);
//! - forward.sql and rollback.sql of the bundle keyshift generates.
//!
//! `cargo bench --bench migration` (sizes: `KEYSHIFT_BENCH_USERS`, default
//! 200000, and five journals per user). Each step runs twice and the
//! faster run counts. Not part of `cargo test`: it takes minutes.

#[path = "../tests/support/mod.rs"]
mod support;

use keyshift::plan::Options;
use std::time::{Duration, Instant};

const SCHEMA: &str = "
CREATE TABLE users (
    id serial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE journals (
    id bigserial PRIMARY KEY,
    user_id integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title text NOT NULL,
    body text NOT NULL
);
CREATE INDEX journals_user_id_idx ON journals (user_id);
";

const BASELINE: &str = "
BEGIN;
CREATE TABLE users_copy AS SELECT * FROM users;
CREATE TABLE journals_copy AS SELECT * FROM journals;
ALTER TABLE users_copy ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON users_copy (email);
ALTER TABLE journals_copy ADD PRIMARY KEY (id);
CREATE INDEX ON journals_copy (user_id);
ROLLBACK;
";

fn timed(what: &str, f: impl Fn()) -> Duration {
    let mut best = Duration::MAX;
    for _ in 0..2 {
        let start = Instant::now();
        f();
        best = best.min(start.elapsed());
    }
    eprintln!("{what}: {best:.2?}");
    best
}

fn main() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let users: u64 = std::env::var("KEYSHIFT_BENCH_USERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let journals = users * 5;

    let output = keyshift::pipeline::run("bench.sql", SCHEMA, &Options::default()).expect("plan");
    let work = tempfile::tempdir().expect("temp dir");
    output.bundle.write_to(work.path()).expect("bundle");
    let file = |name: &str| work.path().join(name);

    let db = server.create_database("bench");
    db.psql_sql(SCHEMA).expect("schema");
    db.psql_sql(&format!(
        "INSERT INTO users (email) SELECT 'user' || g || '@example.com' FROM generate_series(1, {users}) g;
         INSERT INTO journals (user_id, title, body)
         SELECT 1 + g % {users}, 'title ' || g, repeat('lorem ipsum ', 8) FROM generate_series(1, {journals}) g;
         VACUUM ANALYZE;"
    ))
    .expect("data");
    eprintln!("{users} users, {journals} journals");

    let baseline = timed("S0 (copy + index rebuild)", || {
        db.psql_sql(BASELINE).expect("baseline");
    });
    // forward and rollback alternate so each run starts from the same state.
    let mut forward = Duration::MAX;
    let mut rollback = Duration::MAX;
    for _ in 0..2 {
        let start = Instant::now();
        db.psql_file(&file("forward.sql"), None).expect("forward");
        forward = forward.min(start.elapsed());
        let start = Instant::now();
        db.psql_file(&file("rollback.sql"), None).expect("rollback");
        rollback = rollback.min(start.elapsed());
    }
    let verify = {
        db.psql_file(&file("forward.sql"), None).expect("forward");
        timed("verify_forward.sql", || {
            db.psql_file(&file("verify_forward.sql"), None)
                .expect("verify");
        })
    };
    let ratio = |d: Duration| d.as_secs_f64() / baseline.as_secs_f64();
    println!("S0 {baseline:.2?} = 1.00");
    println!("forward.sql {forward:.2?} = {:.2}x S0", ratio(forward));
    println!("rollback.sql {rollback:.2?} = {:.2}x S0", ratio(rollback));
    println!("verify_forward.sql {verify:.2?} = {:.2}x S0", ratio(verify));
}
