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
//! - `fetch`: running `.ci/fetch-postgres` when binaries are missing, so that a
//!   machine with only the PostgreSQL client runs every live test.
//! - `skip`: the loud skip (a failure under CI) and its banner, which names the cause.

#![allow(dead_code)]

pub mod binaries;
pub mod database;
pub mod fetch;
pub mod process;
pub mod server;
pub mod skip;
pub mod versions;

use std::path::{Path, PathBuf};

#[allow(unused_imports)]
pub use database::{Database, PsqlError};
#[allow(unused_imports)]
pub use server::{Server, ServerSpec};
#[allow(unused_imports)]
pub use skip::{
    Missing, SQUAWK_PREFIX, SQUAWK_VERSION, Unavailable, banner, banner_for, skip_or_panic,
    skip_or_panic_for, skip_or_panic_when,
};

/// The shared server, or `None` (after a loud warning naming the cause) when
/// there is none to be had. With no PostgreSQL server installed, the shared
/// server is the pinned build `fetch` brings, so this skips only for want of
/// the client, of npm to fetch with, or of a server that starts.
///
/// Under CI (`CI` set to anything but empty, `false` or `0`) a missing server is a
/// failure, never a skip: this panics with the reason, including the server log.
pub fn server_or_skip() -> Option<&'static Server> {
    match Server::shared() {
        Ok(server) => Some(server),
        Err(no) => skip_or_panic(no.missing, &no.why),
    }
}

/// `../shared/corpus` (it holds `MANIFEST.md`), or `None` after a loud warning
/// naming the missing corpus; under CI a missing corpus is a failure.
pub fn corpus_or_skip(what: &str) -> Option<PathBuf> {
    corpus_at(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus"),
        what,
        is_ci(),
    )
}

/// `dir` if it is the corpus; otherwise skip or panic as [`skip_or_panic_when`].
pub fn corpus_at(dir: &Path, what: &str, ci: bool) -> Option<PathBuf> {
    if dir.join("MANIFEST.md").is_file() {
        return Some(dir.to_path_buf());
    }
    skip_or_panic_when(
        ci,
        Missing::Corpus.subject(),
        Missing::Corpus,
        &format!(
            "the shared corpus is missing at {} (no MANIFEST.md); {what} not checked",
            dir.display()
        ),
    )
}

/// Whether the `CI` env var asks for strictness.
pub fn is_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "false" | "0"))
}
