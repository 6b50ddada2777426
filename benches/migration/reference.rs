//! The floor under any build-and-swap forward, timed beside S0 on the same
//! data: the design the engine follows, cut down to the work no variant of
//! it can skip, so that forward.sql's ratio can be read against what is
//! reachable on this machine rather than against S0 alone.
//!
//! Both variants hold SHARE on the tables, draw the `users` map once with
//! `gen_random_uuid()`, write both copies with every reference joined to
//! that map (children get their parent's uuid by a join, never by drawing
//! again), rebuild exactly the indexes the tables have and validate the
//! foreign key. They keep nothing: no map of `journals`, no original for
//! rollback, no swap, no record of anything. They differ in `journals`' own
//! key:
//!
//! - [`Draw::Random`] draws it inline, one `gen_random_uuid()` per row in
//!   the copy's own query, with no map, so that the draw is spread over the
//!   workers that read the table;
//! - [`Draw::Nothing`] keeps the integer, so the difference between the two
//!   is what drawing a random uuid for every row of the big table costs
//!   here, and [`Draw::Nothing`] is the floor of building at all.
//!
//! Parallel costs are zeroed and `work_mem` raised as forward.sql does for
//! its own maps, so that neither variant is slower than the engine would
//! plan it.

use crate::baseline::{Copy, copy_through};
use crate::support::Database;

/// How the copy of `journals` gets its own key.
#[derive(Debug, Clone, Copy)]
pub enum Draw {
    Random,
    Nothing,
}

impl Draw {
    pub fn name(self) -> &'static str {
        match self {
            Draw::Random => "floor: build, v4",
            Draw::Nothing => "floor: build, no draw",
        }
    }

    fn journals_key(self) -> &'static str {
        match self {
            Draw::Random => "gen_random_uuid()",
            Draw::Nothing => "j.id",
        }
    }
}

/// Builds the copies once, in one transaction that rolls back.
pub fn run(db: &Database, draw: Draw) -> Copy {
    let build = format!(
        "
BEGIN;
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
SET LOCAL work_mem = '256MB';
LOCK TABLE users, journals IN SHARE MODE;
CREATE TABLE users_map AS SELECT id AS old_id, gen_random_uuid() AS new_id FROM users;
ANALYZE users_map;
CREATE TABLE users_floor AS
    SELECT m.new_id AS id, u.email, u.created_at FROM users u JOIN users_map m ON m.old_id = u.id;
ALTER TABLE users_floor ADD PRIMARY KEY (id);
CREATE UNIQUE INDEX ON users_floor (email);
CREATE TABLE journals_floor AS
    SELECT {key} AS id, m.new_id AS user_id, j.title, j.body
    FROM journals j JOIN users_map m ON m.old_id = j.user_id;
ALTER TABLE journals_floor ADD PRIMARY KEY (id);
CREATE INDEX ON journals_floor (user_id);
ALTER TABLE journals_floor
    ADD FOREIGN KEY (user_id) REFERENCES users_floor (id) ON DELETE CASCADE;
",
        key = draw.journals_key()
    );
    copy_through(db, &build, "_floor")
}
