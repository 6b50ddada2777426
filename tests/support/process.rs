//! Running the PostgreSQL programs: as which OS user, and with which environment.
//!
//! `initdb` refuses to run as root, so when the tests run as root the server side
//! (`initdb`, `pg_ctl`, the watchdog) runs as the `postgres` OS user via `runuser`.
//! Clients (`psql`, `pg_dump`) run as the test's own user: they connect over TCP.
//!
//! Every child gets a scrubbed environment: inherited `PG*` variables (PGHOST,
//! PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSERVICE, PGOPTIONS, …) are removed so
//! that nothing can point a client at a server the harness did not start.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// The OS user that owns the throwaway cluster when the tests run as root.
pub const SERVER_OS_USER: &str = "postgres";

/// Whether this process runs with effective uid 0, read from `/proc/self/status`
/// (no libc needed), falling back to `id -u`.
pub fn running_as_root() -> bool {
    let from_proc = std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("Uid:"))?;
            // Fields: real, effective, saved, filesystem.
            line.split_whitespace().nth(2).map(|euid| euid == "0")
        });
    from_proc.unwrap_or_else(|| {
        Command::new("id")
            .arg("-u")
            .output()
            .is_ok_and(|out| String::from_utf8_lossy(&out.stdout).trim() == "0")
    })
}

/// Whether an OS user of that name exists (`id -u NAME` succeeds).
pub fn os_user_exists(name: &str) -> bool {
    Command::new("id")
        .args(["-u", name])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The OS user to run the server as: `postgres` when running as root (initdb
/// refuses root), else `None` (this process's own user). `Err` when running as
/// root without a `postgres` user.
pub fn server_os_user() -> Result<Option<&'static str>, String> {
    if !running_as_root() {
        return Ok(None);
    }
    if !os_user_exists(SERVER_OS_USER) {
        return Err(format!(
            "running as root, and initdb refuses root, but there is no OS user \
             `{SERVER_OS_USER}` to run the server as"
        ));
    }
    Ok(Some(SERVER_OS_USER))
}

/// A command for a server-side program, run as `run_as` through `runuser` if given.
pub fn server_command(run_as: Option<&str>, program: &Path) -> Command {
    let mut cmd = match run_as {
        Some(user) => {
            let mut cmd = Command::new("runuser");
            cmd.args(["-u", user, "--"]).arg(program);
            cmd
        }
        None => Command::new(program),
    };
    scrub_env(&mut cmd);
    cmd
}

/// A command for a client program, with a scrubbed environment.
pub fn client_command(program: &Path) -> Command {
    let mut cmd = Command::new(program);
    scrub_env(&mut cmd);
    cmd
}

/// Removes every inherited `PG*` variable and `PSQLRC`, then pins what makes client
/// output stable: UTF-8 client encoding and C messages.
fn scrub_env(cmd: &mut Command) {
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("PG") {
            cmd.env_remove(key);
        }
    }
    cmd.env_remove("PSQLRC")
        .env("PGCLIENTENCODING", "UTF8")
        .env("PGCONNECT_TIMEOUT", "10")
        .env("LC_ALL", "C");
}

/// Runs `cmd` to completion, feeding `stdin` if given; stdout and stderr are captured.
pub fn run(cmd: &mut Command, stdin: Option<&str>) -> std::io::Result<Output> {
    let Some(input) = stdin else {
        return cmd.stdin(Stdio::null()).output();
    };
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut pipe = child.stdin.take().expect("stdin was piped");
    let input = input.to_owned();
    // Write from another thread: a large script and a large result could otherwise
    // fill both pipes and deadlock.
    let writer = std::thread::spawn(move || {
        // psql may exit early (ON_ERROR_STOP), closing the pipe: not an error here.
        let _ = pipe.write_all(input.as_bytes());
    });
    let output = child.wait_with_output();
    let _ = writer.join();
    output
}

/// `cmd`'s program and arguments, for error messages.
pub fn describe(cmd: &Command) -> String {
    std::iter::once(cmd.get_program())
        .chain(cmd.get_args())
        .map(|part| part.to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join(" ")
}
