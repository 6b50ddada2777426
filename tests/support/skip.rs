//! Skipping a test for want of something, loudly, and failing instead under CI.
//!
//! libtest counts a skipped test as passed, so the banner is all a reader gets:
//! it must name the real cause and the one thing that fixes it. "No server"
//! for a missing `psql`, or for a missing npm when the tests would have fetched
//! the server themselves, sends the reader to install the wrong thing.

use std::io::Write;
use std::sync::Mutex;

use super::{binaries, fetch, versions};

/// What a skipped test lacked. Each kind has its own cause and remedy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Missing {
    /// The server binaries were there, but the throwaway server did not start.
    Server,
    /// `KEYSHIFT_PG_BIN` names a dir without `initdb`, `pg_ctl` and `postgres`.
    ServerBinaries,
    /// No `psql` or `pg_dump`, or ones older than keyshift supports.
    Client,
    /// No PostgreSQL server is installed, and no npm or node to fetch one.
    Npm,
    /// Fetching the pinned server (`.ci/fetch-postgres`) failed.
    Fetch,
    /// Running as root, with no `postgres` OS user to run the server as.
    ServerUser,
    /// `../shared/corpus` is not there.
    Corpus,
    /// The squawk linter (npm `squawk-cli`) is not installed.
    Squawk,
}

impl Missing {
    /// What is skipped, unless the caller names it (the version matrix does).
    pub fn subject(self) -> &'static str {
        match self {
            Missing::Corpus => "CORPUS TESTS",
            Missing::Squawk => "SQUAWK LINT OF generated/",
            _ => "LIVE POSTGRESQL TESTS",
        }
    }

    /// Why, in a few words.
    pub fn cause(self) -> &'static str {
        match self {
            Missing::Server => "the throwaway server did not start",
            Missing::ServerBinaries => "KEYSHIFT_PG_BIN holds no server",
            Missing::Client => "no usable psql and pg_dump",
            Missing::Npm => "no PostgreSQL server installed, and no npm to fetch one",
            Missing::Fetch => "fetching the pinned PostgreSQL server failed",
            Missing::ServerUser => "running as root, with no `postgres` OS user for the server",
            Missing::Corpus => "the shared corpus is missing",
            Missing::Squawk => "squawk is not installed",
        }
    }

    /// What is skipped and why, for the banner's first line and the CI panic.
    pub fn headline(self) -> String {
        format!("{} ({})", self.subject(), self.cause())
    }

    /// How to get what is missing.
    pub fn remedy(self) -> String {
        let pg_bin = binaries::PG_BIN_ENV;
        match self {
            Missing::Server => {
                "The reason is above (with the server log when the server got that far).".to_owned()
            }
            Missing::ServerBinaries => format!(
                "Point {pg_bin} at a bin dir holding initdb, pg_ctl and postgres, set it to \
                 `fetch`, or unset it."
            ),
            Missing::Client => format!(
                "apt-get install postgresql-client (psql and pg_dump {} or newer; the tests \
                 fetch a server to go with them).",
                fetch::OLDEST_SUPPORTED
            ),
            Missing::Npm => format!(
                "apt-get install npm (the tests then fetch the pinned server once, into {}), \
                 or apt-get install postgresql.",
                versions::versions_dir().display()
            ),
            Missing::Fetch => "Run the `bash .ci/fetch-postgres …` above by hand to see it fail \
                 (network? the npm registry?), or apt-get install postgresql."
                .to_owned(),
            Missing::ServerUser => format!(
                "useradd --system --user-group {} (Debian's postgresql package creates it), \
                 or run the tests as another user.",
                super::process::SERVER_OS_USER
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

/// Why something cannot run: the kind, for the banner, and the details.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unavailable {
    pub missing: Missing,
    pub why: String,
}

impl Unavailable {
    pub fn new(missing: Missing, why: impl Into<String>) -> Unavailable {
        Unavailable {
            missing,
            why: why.into(),
        }
    }
}

/// Where .ci/run installs squawk, and which version.
pub const SQUAWK_PREFIX: &str = "/var/tmp/keyshift-tools";
pub const SQUAWK_VERSION: &str = "2.66.0";

/// The banner a skip prints: the cause first, then the details and the remedy.
pub fn banner(missing: Missing, binary: &str, why: &str) -> String {
    banner_for(missing.subject(), missing, binary, why)
}

/// [`banner`] for a subject the caller names ("the version matrix on PostgreSQL 14").
pub fn banner_for(subject: &str, missing: Missing, binary: &str, why: &str) -> String {
    let bar = "=".repeat(78);
    format!(
        "\n{bar}\n=== SKIPPING {subject} ({}) in {binary}\n=== {why}\n=== {}\n\
         === With CI set, this is a failure instead.\n{bar}\n",
        missing.cause(),
        missing.remedy(),
    )
}

/// Panics under CI; otherwise warns once per test binary and cause, and
/// returns `None`. libtest counts the skipped test as passed, so the banner
/// is all a reader gets: it must say what was missing.
pub fn skip_or_panic<T>(missing: Missing, why: &str) -> Option<T> {
    skip_or_panic_when(super::is_ci(), missing.subject(), missing, why)
}

/// [`skip_or_panic`] for a subject the caller names.
pub fn skip_or_panic_for<T>(subject: &str, missing: Missing, why: &str) -> Option<T> {
    skip_or_panic_when(super::is_ci(), subject, missing, why)
}

/// [`skip_or_panic_for`] with CI decided by the caller, so the rule can be
/// tested without touching the environment of a multi-threaded test binary.
pub fn skip_or_panic_when<T>(ci: bool, subject: &str, missing: Missing, why: &str) -> Option<T> {
    if ci {
        panic!(
            "{subject} ({}) cannot run, and CI is set, so this is a failure:\n{why}",
            missing.cause()
        );
    }
    static WARNED: Mutex<Vec<(String, Missing)>> = Mutex::new(Vec::new());
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    let key = (subject.to_owned(), missing);
    if !warned.contains(&key) {
        warned.push(key);
        // Written to the stderr handle directly: libtest captures `eprintln!` of
        // passing tests, and this must be seen.
        let binary = std::env::args().next().unwrap_or_default();
        let _ = std::io::stderr().write_all(banner_for(subject, missing, &binary, why).as_bytes());
    }
    None
}

/// A note the reader must see even when the test passes (libtest captures
/// `eprintln!`), such as "fetching PostgreSQL 15, once per machine".
pub fn note(text: &str) {
    let _ = std::io::stderr().write_all(format!("keyshift tests: {text}\n").as_bytes());
}
