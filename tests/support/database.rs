//! One test database on the shared server, and the client calls tests make on it.
//!
//! Everything goes through the real `psql` and `pg_dump` binaries (with `-X`, over
//! TCP to 127.0.0.1 as `postgres`), because the bundles keyshift generates are meant
//! to be run by `psql`: meta-commands, `\i` of siblings and `ON_ERROR_STOP` included.

use std::fmt;
use std::path::Path;
use std::process::Command;

use super::process;
use super::server::{HOST, SUPERUSER, Server};

/// The fixed `--restrict-key`, so that two dumps of one database are byte-identical.
const RESTRICT_KEY: &str = "keyshift";

/// Longest prefix kept in a database name; the rest (`_<n>_<pid>`) must still fit
/// in PostgreSQL's 63-byte identifiers.
const MAX_PREFIX: usize = 30;

/// A uniquely named database, dropped (`WITH (FORCE)`, best effort) on `Drop`.
#[derive(Debug)]
pub struct Database<'s> {
    server: &'s Server,
    name: String,
}

/// A `psql` or `pg_dump` run that failed: its exit code and everything it printed.
pub struct PsqlError {
    /// The command line that was run.
    pub command: String,
    /// The exit code; `None` if it could not be started or was killed by a signal.
    pub code: Option<i32>,
    /// What it printed to stdout before failing.
    pub stdout: String,
    /// The error text, e.g. `psql:/tmp/x.sql:3: ERROR:  relation "t" does not exist`.
    pub stderr: String,
}

impl fmt::Display for PsqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let code = self.code.map_or("none".to_owned(), |c| c.to_string());
        write!(
            f,
            "`{}` failed (exit code {code}):\n{}",
            self.command, self.stderr
        )
    }
}

/// Same as `Display`, so that `.unwrap()` and `.expect()` show the error readably.
impl fmt::Debug for PsqlError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{self}")?;
        if !self.stdout.is_empty() {
            write!(f, "\n--- stdout ---\n{}", self.stdout)?;
        }
        Ok(())
    }
}

impl std::error::Error for PsqlError {}

/// One line per user table and sequence; see `Database::data_snapshot`.
const SNAPSHOT_SQL: &str = r#"
SELECT CASE c.relkind
    WHEN 'S' THEN format(
        'SELECT %L || '' '' || last_value || '' '' || is_called FROM %I.%I',
        n.nspname || '.' || c.relname, n.nspname, c.relname)
    WHEN 'm' THEN CASE WHEN c.relispopulated THEN format(
        'SELECT %L || '' populated '' || count(*) || '' '' || coalesce(md5(string_agg(r::text, E''\n'' ORDER BY r::text)), ''-'') FROM (SELECT %s FROM %I.%I) AS r',
        n.nspname || '.' || c.relname,
        (SELECT coalesce(string_agg(quote_ident(a.attname), ', ' ORDER BY a.attnum), 'NULL')
         FROM pg_attribute a
         WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
           AND a.atttypid NOT IN ('date'::regtype, 'time'::regtype, 'timetz'::regtype,
                                  'timestamp'::regtype, 'timestamptz'::regtype)),
        n.nspname, c.relname)
    ELSE format('SELECT %L', n.nspname || '.' || c.relname || ' not populated')
    END
    ELSE format(
        'SELECT %L || '' '' || count(*) || '' '' || coalesce(md5(string_agg((r.*)::text, E''\n'' ORDER BY (r.*)::text)), ''-'') FROM ONLY %I.%I AS r',
        n.nspname || '.' || c.relname, n.nspname, c.relname)
    END
FROM pg_class c
JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.relkind IN ('r', 'S', 'm')
  AND n.nspname NOT IN ('pg_catalog', 'information_schema')
  AND n.nspname !~ '^pg_toast'
  AND n.nspname !~ '^pg_temp_'
ORDER BY n.nspname, c.relname
\gexec
"#;

impl<'s> Database<'s> {
    /// Creates `<prefix>_<n>_<pid>` on `server`, a copy of `template` if
    /// given (no session may be connected to it); panics if that fails.
    pub(super) fn create(
        server: &'s Server,
        prefix: &str,
        n: u64,
        template: Option<&str>,
    ) -> Database<'s> {
        let name = format!("{}_{n}_{}", sanitize(prefix), std::process::id());
        let mut create = format!("CREATE DATABASE {}", quote_ident(&name));
        if let Some(template) = template {
            create.push_str(&format!(" TEMPLATE {}", quote_ident(template)));
        }
        if let Err(e) = run_checked(script_command(server, "postgres"), Some(&create)) {
            panic!("cannot create test database {name}: {e}");
        }
        Database { server, name }
    }

    /// The database's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The server it lives on.
    pub fn server(&self) -> &'s Server {
        self.server
    }

    /// `postgres://postgres@127.0.0.1:PORT/NAME`, for code that connects itself.
    pub fn url(&self) -> String {
        format!(
            "postgres://{SUPERUSER}@{HOST}:{}/{}",
            self.server.port(),
            self.name
        )
    }

    /// `psql -q -v ON_ERROR_STOP=1 -f FILE`, run in `cwd` if given (scripts may `\i`
    /// their siblings by relative path). Returns stdout.
    pub fn psql_file(&self, path: &Path, cwd: Option<&Path>) -> Result<String, PsqlError> {
        run_checked(self.file_command(path, cwd), None)
    }

    /// The file run by `sessions` psql processes at once, as a runner runs
    /// a stage plan.json lists as `concurrent`; each one's result, in the
    /// order they were started.
    pub fn psql_file_sessions(
        &self,
        path: &Path,
        cwd: Option<&Path>,
        sessions: usize,
    ) -> Vec<Result<String, PsqlError>> {
        std::thread::scope(|scope| {
            let running: Vec<_> = (0..sessions)
                .map(|_| scope.spawn(|| self.psql_file_stderr(path, cwd)))
                .collect();
            running
                .into_iter()
                .map(|r| r.join().expect("a psql session's thread"))
                .collect()
        })
    }

    /// Like [`Database::psql_file`], but returns what psql wrote to stderr
    /// (notices, INFO lines), for tests of what a user watching psql sees.
    pub fn psql_file_stderr(&self, path: &Path, cwd: Option<&Path>) -> Result<String, PsqlError> {
        run_output(self.file_command(path, cwd), None).map(|(_, stderr)| stderr)
    }

    /// `psql … -f FILE`, run in `cwd` if given, for a test that starts it
    /// itself (to stop the server while it runs, say).
    pub fn file_command(&self, path: &Path, cwd: Option<&Path>) -> Command {
        let mut cmd = script_command(self.server, &self.name);
        cmd.arg("-f").arg(path);
        if let Some(dir) = cwd {
            cmd.current_dir(dir);
        }
        cmd
    }

    /// Runs `sql` (statements and psql meta-commands) as a script fed on stdin, with
    /// `ON_ERROR_STOP`: each statement in its own transaction, as with a file.
    pub fn psql_sql(&self, sql: &str) -> Result<String, PsqlError> {
        let mut cmd = script_command(self.server, &self.name);
        cmd.args(["-f", "-"]);
        run_checked(cmd, Some(sql))
    }

    /// Rows of `sql` in psql's unaligned tuples-only form (`-At`: one line per row,
    /// columns joined by `|`). Panics on error, since it is meant for assertions.
    pub fn query_rows(&self, sql: &str) -> Vec<String> {
        let mut cmd = script_command(self.server, &self.name);
        cmd.args(["-A", "-t", "-f", "-"]);
        match run_checked(cmd, Some(sql)) {
            Ok(out) => out.lines().map(str::to_owned).collect(),
            Err(e) => panic!("query on {} failed: {e}", self.name),
        }
    }

    /// `pg_dump --schema-only`, owners and privileges kept, with a fixed
    /// `--restrict-key` where this `pg_dump` has it. Panics on error.
    pub fn dump_schema(&self) -> String {
        let mut cmd = self.server.pg_dump(&self.name);
        cmd.arg("--schema-only");
        if self.server.supports_restrict_key() {
            cmd.arg(format!("--restrict-key={RESTRICT_KEY}"));
        }
        run_checked(cmd, None).unwrap_or_else(|e| panic!("pg_dump of {} failed: {e}", self.name))
    }

    /// A deterministic fingerprint of all user data, one line per relation, ordered
    /// by schema then name:
    /// - ordinary tables: `schema.table ROWCOUNT MD5` (MD5 of the rows as text, sorted;
    ///   `-` when empty), counted with `FROM ONLY`, so inheritance parents hold just
    ///   their own rows and each leaf partition has its own line;
    /// - sequences: `schema.sequence LAST_VALUE IS_CALLED`;
    /// - materialized views: `schema.view populated ROWCOUNT MD5`, or
    ///   `schema.view not populated` for one `WITH NO DATA`. Forward and rollback
    ///   drop and recreate them; a refill that lost rows, or a view left empty
    ///   that was populated (or the reverse), must show here. Columns of date
    ///   and time types are left out of the MD5: a refill at another moment
    ///   gives another `now()` (listmonk's `updated_at`), and nothing else.
    ///
    /// Partitioned parents (no storage of their own) and foreign tables are left
    /// out, as are pg_catalog, information_schema, pg_toast and temp schemas.
    /// Read-only: creates nothing in the database.
    pub fn data_snapshot(&self) -> String {
        let mut lines = self.query_rows(SNAPSHOT_SQL).join("\n");
        lines.push('\n');
        lines
    }
}

impl Drop for Database<'_> {
    /// Best effort: `DROP DATABASE … WITH (FORCE)` from the `postgres` database.
    fn drop(&mut self) {
        let mut cmd = self.server.psql("postgres");
        cmd.args(["-q", "-c"]).arg(format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            quote_ident(&self.name)
        ));
        if let Err(e) = run_checked(cmd, None) {
            eprintln!("warning: could not drop test database {}: {e}", self.name);
        }
    }
}

/// `psql -X -q -v ON_ERROR_STOP=1` on `dbname`; callers add the input.
fn script_command(server: &Server, dbname: &str) -> Command {
    let mut cmd = server.psql(dbname);
    cmd.args(["-q", "-v", "ON_ERROR_STOP=1"]);
    cmd
}

/// Runs a client command; `Ok(stdout)` if it exited 0.
fn run_checked(cmd: Command, stdin: Option<&str>) -> Result<String, PsqlError> {
    run_output(cmd, stdin).map(|(stdout, _)| stdout)
}

/// Runs a client command; `Ok((stdout, stderr))` if it exited 0.
fn run_output(mut cmd: Command, stdin: Option<&str>) -> Result<(String, String), PsqlError> {
    let command = process::describe(&cmd);
    match process::run(&mut cmd, stdin) {
        Ok(out) if out.status.success() => Ok((
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )),
        Ok(out) => Err(PsqlError {
            command,
            code: out.status.code(),
            stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        }),
        Err(e) => Err(PsqlError {
            command,
            code: None,
            stdout: String::new(),
            stderr: format!("cannot run: {e}"),
        }),
    }
}

/// Lower-case ASCII letters, digits and `_`, starting with a letter, at most
/// `MAX_PREFIX` bytes: names stay valid unquoted, readable in logs, and short.
fn sanitize(prefix: &str) -> String {
    let mut name: String = prefix
        .chars()
        .map(|c| match c.to_ascii_lowercase() {
            c @ ('a'..='z' | '0'..='9' | '_') => c,
            _ => '_',
        })
        .take(MAX_PREFIX)
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_lowercase()) {
        name.insert_str(0, "t_");
    }
    name
}

/// A double-quoted SQL identifier.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}
