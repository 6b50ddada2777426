//! Killing forward.sql and rollback.sql after a statement, and what must
//! hold afterwards (`tests/fault_injection.rs` says what and why).

#![allow(dead_code)] // shared by fault_injection.rs and online_faults.rs, each using a part

pub mod points;
pub mod state;

use crate::matrix::{self, Case};
use crate::support::{Database, Server};
use points::BundleFile;
use state::Exact;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How a session dies.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kill {
    /// `pg_terminate_backend` of the session, from inside it: the session
    /// ends at once, the server lives on.
    Terminate,
    /// `pg_ctl stop -m immediate` while the session waits inside the file,
    /// then a start: crash recovery, as after a power cut.
    ImmediateStop,
}

/// Marks the session an immediate stop waits for in `pg_stat_activity`.
const FAULT_MARKER: &str = "keyshift fault point";

impl Kill {
    pub fn label(self) -> &'static str {
        match self {
            Kill::Terminate => "pg_terminate_backend",
            Kill::ImmediateStop => "immediate stop",
        }
    }

    /// The statement injected after the kill point.
    fn injected(self) -> String {
        match self {
            Kill::Terminate => "SELECT pg_terminate_backend(pg_backend_pid());".to_owned(),
            Kill::ImmediateStop => {
                format!("SELECT '{FAULT_MARKER}' AS fault_point, pg_sleep(600);")
            }
        }
    }
}

/// What a kill point showed, once its checks passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// No COMMIT had completed: the state was exactly as before the file,
    /// and the file then ran to the end.
    BeforeCommit,
    /// A COMMIT of the file had completed: running the file again finished it.
    AfterCommit,
    /// The file had finished: the state was that of an uninterrupted run,
    /// and running it again failed at once, changing nothing.
    Finished,
}

/// One file of a case, with what its checks compare against.
pub struct FileUnderTest<'a> {
    pub file: BundleFile,
    /// The database as it is before the file runs; copied for every kill.
    template: &'a Database<'a>,
    /// `template`'s schema dump and data snapshot.
    before: Exact,
    /// UUIDs `template` holds (see `state::normalized`).
    known: BTreeSet<String>,
    /// The normalized end state of an uninterrupted run.
    end: String,
    /// The same after an immediate stop, on a server that is stopped: crash
    /// recovery empties unlogged tables and resets unlogged sequences (such
    /// as a serial one of an unlogged table) even after the file finished.
    end_after_stop: Option<String>,
}

/// A case loaded and its bundle written, with the two databases the files
/// start from: the case as loaded (forward) and after forward and the
/// case's writes (rollback, which then also hands out fresh ids and moves
/// sequences).
pub struct Scenario<'s> {
    pub case: String,
    server: &'s Server,
    /// Holds the bundle (`bundle/`) and the injected copies of its files.
    work: tempfile::TempDir,
    pub loaded: Database<'s>,
    pub forwarded: Database<'s>,
    /// Whether this server is stopped (`prepare`'s `settle`).
    settle: bool,
}

impl<'s> Scenario<'s> {
    /// Loads `case` on `server` and writes its bundle. With `settle`, the
    /// server is stopped immediately once both databases are ready: crash
    /// recovery empties unlogged tables, so every later crash starts from
    /// a state it cannot change any more, and what a kill test then sees is
    /// the bundle's doing. (A `CHECKPOINT` first, so that recovery does not
    /// replay the sequences' logged-ahead positions of the load.)
    pub fn prepare(server: &'s Server, case: &Case, settle: bool) -> Scenario<'s> {
        let (source, sql) = matrix::read_ddl(case);
        let output = matrix::run_pipeline(case, &source, &sql);
        let work = tempfile::tempdir().expect("temp dir");
        output
            .bundle
            .write_to(&work.path().join("bundle"))
            .expect("write bundle");
        let loaded = matrix::load(server, case, work.path());
        let forwarded = server.copy_database(&format!("{}_fwd", case.name), &loaded);
        let bundle = work.path().join("bundle");
        forwarded
            .psql_file(&bundle.join("forward.sql"), Some(&bundle))
            .unwrap_or_else(|e| panic!("{}: forward.sql failed: {e}", case.name));
        if let Some((writes, _)) = &case.writes {
            forwarded
                .psql_file(writes, writes.parent())
                .unwrap_or_else(|e| panic!("{}: writes after forward failed: {e}", case.name));
        }
        checkpoint(&loaded);
        if settle {
            server
                .restart_immediate()
                .unwrap_or_else(|e| panic!("{}: {e}", case.name));
        }
        Scenario {
            case: case.name.clone(),
            server,
            work,
            loaded,
            forwarded,
            settle,
        }
    }

    pub fn bundle(&self) -> PathBuf {
        self.work.path().join("bundle")
    }

    /// `forward.sql` (from `loaded`) or `rollback.sql` (from `forwarded`),
    /// with the state before it and the end state of an uninterrupted run.
    pub fn file<'a>(&'a self, name: &str) -> FileUnderTest<'a> {
        let template = match name {
            "forward.sql" => &self.loaded,
            "rollback.sql" => &self.forwarded,
            _ => panic!("no kill tests for {name}"),
        };
        let db = self.server.copy_database("fault_ref", template);
        let before = Exact::of(&db);
        let known = state::uuids_before(&db, &before.dump);
        let bundle = self.bundle();
        db.psql_file(&bundle.join(name), Some(&bundle))
            .unwrap_or_else(|e| panic!("{}: {name} failed: {e}", self.case));
        let end = state::normalized(&db, &known);
        let end_after_stop = self.settle.then(|| {
            checkpoint(&db);
            self.server
                .restart_immediate()
                .unwrap_or_else(|e| panic!("{}: {e}", self.case));
            state::normalized(&db, &known)
        });
        FileUnderTest {
            file: BundleFile::read(&bundle, name),
            template,
            before,
            known,
            end,
            end_after_stop,
        }
    }

    /// Kills `f` after statement `k`, then checks what the module docs of
    /// `tests/fault_injection.rs` require. `Err` says what failed.
    pub fn kill_at(&self, f: &FileUnderTest, k: usize, kill: Kill) -> Result<Outcome, String> {
        let name = &f.file.name;
        let db = self.server.copy_database("fault", f.template);
        if kill == Kill::ImmediateStop {
            // Recovery then replays only what the file itself logged.
            checkpoint(&db);
        }
        let copy = self.work.path().join(format!(
            "{}-{}-{k}-{}.sql",
            name.trim_end_matches(".sql"),
            match kill {
                Kill::Terminate => "terminate",
                Kill::ImmediateStop => "stop",
            },
            db.name()
        ));
        std::fs::write(&copy, f.file.with_after(k, &kill.injected())).expect("write copy");
        let (code, stderr) = match kill {
            Kill::Terminate => run_file(&db, &copy),
            Kill::ImmediateStop => run_file_and_stop(self.server, &db, &copy)?,
        };
        let _ = std::fs::remove_file(&copy);
        // psql exits 2 when it loses the connection, 3 on an SQL error.
        if code != Some(2) {
            return Err(format!(
                "psql did not lose its session after the kill (exit code {code:?}); \
                 the file failed before it?\n{stderr}"
            ));
        }
        let statement = &f.file.statements[k];
        let outcome = if f.file.is_last(k) {
            let end = match kill {
                Kill::Terminate => &f.end,
                Kill::ImmediateStop => f.end_after_stop.as_ref().unwrap_or(&f.end),
            };
            state::compare(
                end,
                &state::normalized(&db, &f.known),
                &format!("after {name} finished, before the kill"),
            )?;
            return self.refuses_to_run_again(&db, &f.file);
        } else if statement.committed {
            Outcome::AfterCommit
        } else {
            Exact::of(&db).compare(
                &f.before,
                &format!("killed before any COMMIT of {name}, the state is not as before it"),
            )?;
            Outcome::BeforeCommit
        };
        let bundle = self.bundle();
        db.psql_file(&bundle.join(name), Some(&bundle))
            .map_err(|e| format!("{name}, run again after the kill, failed: {e}"))?;
        state::compare(
            &f.end,
            &state::normalized(&db, &f.known),
            &format!("{name} run again after the kill, versus an uninterrupted run"),
        )?;
        Ok(outcome)
    }

    /// Runs `file` on `db`, where it has already finished: psql must stop
    /// with an error (exit code 3) that says the file already ran, raised
    /// before the first statement that can change anything, and the schema
    /// and data must be as they were.
    pub fn refuses_to_run_again(
        &self,
        db: &Database,
        file: &BundleFile,
    ) -> Result<Outcome, String> {
        let name = &file.name;
        let before = Exact::of(db);
        let bundle = self.bundle();
        let err = match db.psql_file(&bundle.join(name), Some(&bundle)) {
            Ok(_) => return Err(format!("{name} ran a second time without an error")),
            Err(e) => e,
        };
        if err.code != Some(3) || !err.stderr.contains("already ran") {
            return Err(format!(
                "{name}, run a second time, did not fail with a message that it already ran \
                 (exit code {:?}):\n{}",
                err.code, err.stderr
            ));
        }
        let first_change = file
            .first_change()
            .ok_or_else(|| format!("{name} changes nothing?"))?;
        match error_line(&err.stderr) {
            Some(line) if line < first_change.line => {}
            line => {
                return Err(format!(
                    "{name}, run a second time, failed at line {line:?}, not before its first \
                     statement that changes anything (line {}: {}):\n{}",
                    first_change.line, first_change.head, err.stderr
                ));
            }
        }
        Exact::of(db).compare(
            &before,
            &format!("{name}, run a second time, changed the database"),
        )?;
        Ok(Outcome::Finished)
    }
}

/// `CHECKPOINT`, so that crash recovery starts after everything so far.
fn checkpoint(db: &Database) {
    db.psql_sql("CHECKPOINT;")
        .unwrap_or_else(|e| panic!("CHECKPOINT failed: {e}"));
}

/// The line of the first `psql:FILE:LINE: ERROR:` in `stderr`.
fn error_line(stderr: &str) -> Option<usize> {
    let at = stderr.find(": ERROR:")?;
    let (_, line) = stderr[..at].rsplit_once(':')?;
    line.trim().parse().ok()
}

/// `psql -v ON_ERROR_STOP=1 -f FILE` on `db`, from the file's own directory.
fn psql_file_command(db: &Database, file: &Path) -> Command {
    let mut cmd = db.server().psql(db.name());
    cmd.args(["-q", "-v", "ON_ERROR_STOP=1", "-f"]).arg(file);
    if let Some(dir) = file.parent() {
        cmd.current_dir(dir);
    }
    cmd
}

/// Runs `file` to its end (or the session's); its exit code and stderr.
fn run_file(db: &Database, file: &Path) -> (Option<i32>, String) {
    match db.psql_file(file, file.parent()) {
        Ok(_) => (Some(0), String::new()),
        Err(e) => (e.code, e.stderr),
    }
}

/// How long a session may take to reach the fault point.
const REACH_TIMEOUT: Duration = Duration::from_secs(120);

/// Starts `file` on `db`, waits until its session sleeps at the fault
/// point, stops the server at once and starts it again; psql's exit code
/// and stderr.
fn run_file_and_stop(
    server: &Server,
    db: &Database,
    file: &Path,
) -> Result<(Option<i32>, String), String> {
    let out_path = file.with_extension("out");
    let err_path = file.with_extension("err");
    let mut child = psql_file_command(db, file)
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).expect("psql stdout file"))
        .stderr(std::fs::File::create(&err_path).expect("psql stderr file"))
        .spawn()
        .map_err(|e| format!("cannot run psql: {e}"))?;
    let watch = format!(
        "SELECT count(*) FROM pg_stat_activity WHERE datname = '{}' AND pid <> pg_backend_pid() \
         AND state = 'active' AND query LIKE '%{FAULT_MARKER}%'",
        db.name()
    );
    let started = Instant::now();
    let reached = loop {
        if let Some(status) = child.try_wait().map_err(|e| format!("psql: {e}"))? {
            break Err(format!(
                "psql ended (exit code {:?}) before reaching the fault point:\n{}",
                status.code(),
                std::fs::read_to_string(&err_path).unwrap_or_default()
            ));
        }
        let mut cmd = server.psql("postgres");
        cmd.args(["-At", "-c", &watch]);
        let seen = cmd
            .output()
            .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "1");
        if seen {
            break Ok(());
        }
        if started.elapsed() > REACH_TIMEOUT {
            let _ = child.kill();
            break Err(format!(
                "psql did not reach the fault point in {REACH_TIMEOUT:?}"
            ));
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    if let Err(e) = reached {
        let _ = child.wait();
        return Err(e);
    }
    let restarted = server.restart_immediate();
    let status = child.wait().map_err(|e| format!("psql: {e}"))?;
    restarted?;
    let stderr = std::fs::read_to_string(&err_path).unwrap_or_default();
    let _ = std::fs::remove_file(&out_path);
    let _ = std::fs::remove_file(&err_path);
    Ok((status.code(), stderr))
}
