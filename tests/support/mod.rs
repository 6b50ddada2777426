//! Test support: a throwaway PostgreSQL server per test binary, one database per test.
//!
//! Include it from an integration test with `mod support;`, then:
//!
//! ```ignore
//! let Some(server) = support::server_or_skip() else { return };
//! let db = server.create_database("my_test");
//! db.psql_file(Path::new("schema.sql"), None).unwrap();
//! ```
//!
//! - `binaries`: which `initdb`/`pg_ctl`/`postgres` and `psql`/`pg_dump` to run.
//! - `process`: running them as the right OS user with a scrubbed environment.
//! - `server`: starting, sharing and cleaning up the server.
//! - `database`: per-test databases and the client calls (psql, pg_dump, snapshots).
//! - `versions`: the extra PostgreSQL majors `.ci/fetch-postgres` unpacks, one shared
//!   server per major.

#![allow(dead_code)]

pub mod binaries;
pub mod database;
pub mod process;
pub mod server;
pub mod versions;

use std::io::Write;
use std::sync::Once;

#[allow(unused_imports)]
pub use database::{Database, PsqlError};
#[allow(unused_imports)]
pub use server::{Server, ServerSpec};

/// The shared server, or `None` (after a loud warning) when there is none to be had.
///
/// Under CI (`CI` set to anything but empty, `false` or `0`) a missing server is a
/// failure, never a skip: this panics with the reason, including the server log.
pub fn server_or_skip() -> Option<&'static Server> {
    match Server::shared() {
        Ok(server) => Some(server),
        Err(why) => skip_or_panic(why),
    }
}

/// Whether the `CI` env var asks for strictness.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "false" | "0"))
}

/// Panics under CI; otherwise warns once per test binary and returns `None`.
pub fn skip_or_panic<T>(why: &str) -> Option<T> {
    if is_ci() {
        panic!("live PostgreSQL tests cannot run, and CI is set, so this is a failure:\n{why}");
    }
    static WARN: Once = Once::new();
    WARN.call_once(|| {
        let bar = "=".repeat(78);
        // Written to the stderr handle directly: libtest captures `eprintln!` of
        // passing tests, and this must be seen.
        let binary = std::env::args().next().unwrap_or_default();
        let _ = writeln!(
            std::io::stderr(),
            "\n{bar}\n=== SKIPPING LIVE POSTGRESQL TESTS (no server) in {binary}\n\
             === {why}\n\
             === Install Debian's `postgresql`, or set {} to a PostgreSQL bin dir.\n\
             === With CI set, this is a failure instead.\n{bar}\n",
            binaries::PG_BIN_ENV,
        );
    });
    None
}
