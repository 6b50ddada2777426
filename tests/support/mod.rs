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
use std::path::{Path, PathBuf};
use std::sync::Mutex;

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
        Err(why) => skip_or_panic(Missing::Server, why),
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

/// What a skipped test lacked. The banner names it: a test skipped for want
/// of the corpus must not blame the server, or the reader fixes the wrong thing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// No PostgreSQL binaries, or the throwaway server did not start.
    Server,
    /// `../shared/corpus` is not there.
    Corpus,
    /// The squawk linter (npm `squawk-cli`) is not installed.
    Squawk,
}

impl Missing {
    /// What is skipped and why, for the banner's first line and the CI panic.
    pub fn headline(self) -> &'static str {
        match self {
            Missing::Server => "LIVE POSTGRESQL TESTS (no server)",
            Missing::Corpus => "CORPUS TESTS (the shared corpus is missing)",
            Missing::Squawk => "SQUAWK LINT OF generated/ (squawk is not installed)",
        }
    }

    /// How to get what is missing.
    pub fn remedy(self) -> String {
        match self {
            Missing::Server => format!(
                "Install Debian's `postgresql`, or set {} to a PostgreSQL bin dir.",
                binaries::PG_BIN_ENV
            ),
            Missing::Corpus => {
                "Put the corpus (with its MANIFEST.md) at ../shared/corpus beside the repository."
                    .to_owned()
            }
            Missing::Squawk => format!(
                "npm install --prefix {SQUAWK_PREFIX} squawk-cli@{SQUAWK_VERSION} (as .ci/run does), or set KEYSHIFT_SQUAWK to a squawk binary."
            ),
        }
    }
}

/// Where .ci/run installs squawk, and which version.
pub const SQUAWK_PREFIX: &str = "/var/tmp/keyshift-tools";
pub const SQUAWK_VERSION: &str = "2.66.0";

/// The banner a skip prints: the cause first, then the details and the remedy.
pub fn banner(missing: Missing, binary: &str, why: &str) -> String {
    let bar = "=".repeat(78);
    format!(
        "\n{bar}\n=== SKIPPING {} in {binary}\n=== {why}\n=== {}\n\
         === With CI set, this is a failure instead.\n{bar}\n",
        missing.headline(),
        missing.remedy(),
    )
}

/// Panics under CI; otherwise warns once per test binary and cause, and
/// returns `None`. libtest counts the skipped test as passed, so the banner
/// is all a reader gets: it must say what was missing.
pub fn skip_or_panic<T>(missing: Missing, why: &str) -> Option<T> {
    skip_or_panic_when(is_ci(), missing, why)
}

/// [`skip_or_panic`] with CI decided by the caller, so the rule can be tested
/// without touching the environment of a multi-threaded test binary.
pub fn skip_or_panic_when<T>(ci: bool, missing: Missing, why: &str) -> Option<T> {
    if ci {
        panic!(
            "{} cannot run, and CI is set, so this is a failure:\n{why}",
            missing.headline()
        );
    }
    static WARNED: Mutex<Vec<Missing>> = Mutex::new(Vec::new());
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    if !warned.contains(&missing) {
        warned.push(missing);
        // Written to the stderr handle directly: libtest captures `eprintln!` of
        // passing tests, and this must be seen.
        let binary = std::env::args().next().unwrap_or_default();
        let _ = std::io::stderr().write_all(banner(missing, &binary, why).as_bytes());
    }
    None
}
