//! The application that keeps writing through online mode's phases: one
//! connection inserting parents with a child, updating and deleting rows
//! of both converted tables, at a modest steady rate.
//!
//! Its statements must work whatever type the keys have, because the keys
//! are integers before cutover.sql commits and uuids after: no id literal
//! ever appears. A new user and its journal go in one statement (the
//! journal takes the id `RETURNING` gave); rows to update or delete are
//! found by `users.email` (unique, indexed) and then by `journals.user_id`
//! (indexed). Simple-query protocol, so no prepared statement outlives a
//! table that cutover swaps.
//!
//! Every statement is logged with its start and duration, so that the
//! longest stall can be attributed to the phase it fell in. The writer's
//! own users (and their one journal each, titled with the user's email)
//! are tracked, so the bench can check afterwards that every one it left
//! is there, linked to its user.

use postgres::{Client, NoTls, SimpleQueryMessage};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

/// Pause after each statement. With one connection and statements of a
/// millisecond or so this gives a few hundred statements a second: an
/// application that is busy but does not saturate a two-core machine that
/// is also running the migration.
pub const PAUSE: Duration = Duration::from_millis(3);

/// Every user the writer inserts has an email starting with this (and its
/// journal the same title), unlike the maintenance rounds' writer's.
pub const EMAIL_PREFIX: &str = "bench-online-";

/// Every this many rounds, the user inserted this many rounds ago is
/// deleted again (its journal goes with it: `ON DELETE CASCADE`).
const DELETE_EVERY: u64 = 5;

/// One statement the writer ran.
#[derive(Debug, Clone, Copy)]
pub struct Statement {
    pub started: Instant,
    pub took: Duration,
    pub ok: bool,
}

/// What the writer has done so far; handed to [`run_until`] again to go on
/// where it stopped (numbering and the set of live rows carry over).
#[derive(Debug, Default)]
pub struct Writer {
    /// Rounds started so far.
    rounds: u64,
    /// The writer's own users that should be there now, by number.
    live: std::collections::BTreeSet<u64>,
    pub log: Vec<Statement>,
    /// The first few failures, as the server put them.
    pub failures: Vec<String>,
}

/// At most this many failures are kept word for word (all are counted).
const FAILURES_KEPT: usize = 5;

impl Writer {
    /// Rows of its own the writer expects in `users`, and as many journals.
    pub fn live_users(&self) -> u64 {
        self.live.len() as u64
    }

    /// Statements logged since `from` (an index into [`Writer::log`]).
    pub fn since(&self, from: usize) -> &[Statement] {
        &self.log[from..]
    }

    fn run(&mut self, client: &mut Client, sql: &str) -> Option<u64> {
        let started = Instant::now();
        let result = client.simple_query(sql);
        let took = started.elapsed();
        let rows = match result {
            Ok(messages) => messages.iter().rev().find_map(|m| match m {
                SimpleQueryMessage::CommandComplete(n) => Some(*n),
                _ => None,
            }),
            Err(e) => {
                if self.failures.len() < FAILURES_KEPT {
                    let e = e.as_db_error().map_or(e.to_string(), |d| {
                        format!("{} {}", d.code().code(), d.message())
                    });
                    self.failures.push(format!("{sql}: {e}"));
                }
                None
            }
        };
        self.log.push(Statement {
            started,
            took,
            ok: rows.is_some(),
        });
        std::thread::sleep(PAUSE);
        rows
    }

    /// One round: a user with its journal; a pre-existing user updated; a
    /// pre-existing journal retitled, moved to another user, or deleted; and
    /// every [`DELETE_EVERY`] rounds one of the writer's users deleted.
    fn round(&mut self, client: &mut Client, users: u64) {
        self.rounds += 1;
        let n = self.rounds;
        let email = format!("{EMAIL_PREFIX}{n}@example.com");
        let insert = format!(
            "WITH u AS (INSERT INTO users (email) VALUES ('{email}') RETURNING id) \
             INSERT INTO journals (user_id, title, body) SELECT id, '{email}', 'written online' FROM u"
        );
        if self.run(client, &insert) == Some(1) {
            self.live.insert(n);
        }
        // Pre-existing users, spread over the table (they are never deleted).
        let user = |salt: u64| format!("user{}@example.com", 1 + (n * salt) % users);
        self.run(
            client,
            &format!(
                "UPDATE users SET created_at = now() WHERE email = '{}'",
                user(7919)
            ),
        );
        let newest_journal_of = format!(
            "(SELECT id FROM journals WHERE user_id = (SELECT id FROM users WHERE email = '{}') \
             ORDER BY id DESC LIMIT 1)",
            user(104_729)
        );
        let journal = match n % 3 {
            0 => format!("DELETE FROM journals WHERE id = {newest_journal_of}"),
            1 => format!("UPDATE journals SET title = title || '+' WHERE id = {newest_journal_of}"),
            _ => format!(
                "UPDATE journals SET user_id = (SELECT id FROM users WHERE email = '{}') \
                 WHERE id = {newest_journal_of}",
                user(31)
            ),
        };
        self.run(client, &journal);
        if n.is_multiple_of(DELETE_EVERY) && n > DELETE_EVERY {
            let gone = n - DELETE_EVERY;
            if self.live.contains(&gone) {
                let sql =
                    format!("DELETE FROM users WHERE email = '{EMAIL_PREFIX}{gone}@example.com'");
                if self.run(client, &sql) == Some(1) {
                    self.live.remove(&gone);
                }
            }
        }
    }
}

/// Connects, then writes until `stop`, going on from `writer`; `users` is
/// how many users were loaded (`user1@…` to `user{users}@…`).
pub fn run_until(url: &str, mut writer: Writer, users: u64, stop: &AtomicBool) -> Writer {
    let mut client =
        Client::connect(url, NoTls).unwrap_or_else(|e| panic!("writer cannot connect: {e}"));
    client
        .simple_query(&format!(
            "SET application_name = '{}'",
            crate::stall_watch::WRITER_NAME
        ))
        .unwrap_or_else(|e| panic!("writer cannot name itself: {e}"));
    while !stop.load(Ordering::Relaxed) {
        writer.round(&mut client, users);
    }
    writer
}

/// Checks the writer's own rows in the database: every user it left is
/// there once, with exactly one journal titled with its email and linked
/// to it. Returns a problem, if any.
pub fn check_rows(client: &mut Client, writer: &Writer, after: &str) -> Option<String> {
    let pattern = format!("{EMAIL_PREFIX}%");
    let row = client
        .query_one(
            "SELECT (SELECT count(*) FROM users WHERE email LIKE $1),
                    (SELECT count(*) FROM journals WHERE title LIKE $1),
                    (SELECT count(*) FROM journals j JOIN users u ON u.id = j.user_id
                     WHERE j.title LIKE $1 AND j.title = u.email)",
            &[&pattern],
        )
        .unwrap_or_else(|e| panic!("counting the online writer's rows: {e}"));
    let counts: [i64; 3] = [row.get(0), row.get(1), row.get(2)];
    let expected = writer.live_users() as i64;
    (counts != [expected; 3]).then(|| {
        format!(
            "after {after}, the online writer expects {expected} users of its own, each with \
             its journal; found {} users, {} journals, {} linked to their user",
            counts[0], counts[1], counts[2]
        )
    })
}
