//! The real migration runners the round trips in `tests/runners.rs` drive,
//! each found (or not) once, and the small project each needs around the
//! files keyshift writes (a Django settings module, an Alembic `env.py`, an
//! Active Record script).
//!
//! `.ci/run` installs them: Django, Alembic and psycopg2 from PyPI, dbmate
//! from npm (under `/var/tmp/keyshift-runners`, or `KEYSHIFT_DBMATE`),
//! sqitch and Active Record from Debian. A missing runner skips its test
//! with a banner naming it on a laptop, and fails under `CI`.

#![allow(dead_code)]

use crate::support;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

/// A runner that can be started, or why not.
pub struct Runner {
    /// `--format` name.
    pub format: &'static str,
    /// The program to start.
    pub program: PathBuf,
}

/// Where `.ci/run` puts dbmate's npm package.
const DBMATE_DEFAULT: &str = "/var/tmp/keyshift-runners/node_modules/.bin/dbmate";

/// Runs `cmd` and says whether it exited 0.
fn works(mut cmd: Command) -> bool {
    cmd.stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}

/// The runner for `format`, or `None` after a loud banner (a failure under CI).
pub fn runner_or_skip(format: &'static str) -> Option<Runner> {
    let (program, probe, remedy): (PathBuf, Vec<&str>, &str) = match format {
        "django" => (
            "python3".into(),
            vec!["-c", "import django, psycopg2"],
            "python3 -m pip install 'django>=5.2,<5.3' psycopg2-binary",
        ),
        "alembic" => (
            "python3".into(),
            vec!["-c", "import alembic, sqlalchemy, psycopg2"],
            "python3 -m pip install alembic 'sqlalchemy>=2.0,<2.1' psycopg2-binary",
        ),
        "dbmate" => (
            std::env::var_os("KEYSHIFT_DBMATE")
                .map(PathBuf::from)
                .unwrap_or_else(|| DBMATE_DEFAULT.into()),
            vec!["--version"],
            "npm install --prefix /var/tmp/keyshift-runners dbmate (or set KEYSHIFT_DBMATE)",
        ),
        "sqitch" => (
            "sqitch".into(),
            vec!["--version"],
            "apt-get install sqitch libdbd-pg-perl",
        ),
        "rails" => (
            "ruby".into(),
            vec!["-e", "require 'active_record'; require 'pg'"],
            "apt-get install ruby-activerecord ruby-pg",
        ),
        other => panic!("no runner for {other}"),
    };
    let mut cmd = Command::new(&program);
    cmd.args(&probe);
    if works(cmd) {
        return Some(Runner { format, program });
    }
    let why = format!(
        "the {format} runner is missing ({} {} failed); install it: {remedy}",
        program.display(),
        probe.join(" ")
    );
    if support::is_ci() {
        panic!(
            "RUNNER ROUND TRIP ({format}) cannot run, and CI is set, so this is a failure:\n{why}"
        );
    }
    let bar = "=".repeat(78);
    let _ = std::io::stderr().write_all(
        format!("\n{bar}\n=== SKIPPING the {format} round trip: {why}\n=== With CI set, this is a failure instead.\n{bar}\n")
            .as_bytes(),
    );
    None
}

/// What the runner needs to reach the test database.
pub struct Target {
    pub host: &'static str,
    pub port: u16,
    pub user: &'static str,
    pub dbname: String,
}

impl Target {
    pub fn url(&self, scheme: &str) -> String {
        format!(
            "{scheme}://{}@{}:{}/{}",
            self.user, self.host, self.port, self.dbname
        )
    }
}

impl Runner {
    /// A command for the runner in `dir`, with no inherited `PG*` variable.
    fn command(&self, dir: &Path) -> Command {
        let mut cmd = Command::new(&self.program);
        for (key, _) in std::env::vars_os() {
            if key.to_string_lossy().starts_with("PG") {
                cmd.env_remove(key);
            }
        }
        cmd.current_dir(dir).env("LC_ALL", "C.UTF-8");
        cmd
    }

    /// Lays out the runner's project in `work` from the bundle in `bundle`
    /// (the contract migration left out, as a user would until later).
    pub fn project(&self, bundle: &Path, work: &Path, target: &Target) {
        copy_tree(bundle, work, &|rel| !rel.starts_with("contract"));
        match self.format {
            "django" => {
                // The application's own app, whose migration the keyshift
                // migration follows (`generate --after`).
                let app = work.join("keyshift_test_app/migrations");
                std::fs::create_dir_all(&app).expect("mkdir");
                write(&work.join("keyshift_test_app/__init__.py"), "");
                write(&app.join("__init__.py"), "");
                write(
                    &app.join("0001_initial.py"),
                    "from django.db import migrations\n\n\nclass Migration(migrations.Migration):\n    operations = []\n",
                );
                write(
                    &work.join("keyshift_test_settings.py"),
                    &format!(
                        "SECRET_KEY = \"keyshift-test\"\nINSTALLED_APPS = [\"keyshift_test_app\", \"keyshift_migrations\"]\nUSE_TZ = True\n\
                     DATABASES = {{\"default\": {{\"ENGINE\": \"django.db.backends.postgresql\", \"NAME\": \"{}\", \
                     \"USER\": \"{}\", \"HOST\": \"{}\", \"PORT\": \"{}\"}}}}\n",
                        target.dbname, target.user, target.host, target.port
                    ),
                )
            }
            "alembic" => {
                write(
                    &work.join("alembic.ini"),
                    "[alembic]\nscript_location = .\n",
                );
                write(
                    &work.join("env.py"),
                    &format!(
                        "from alembic import context\nfrom sqlalchemy import create_engine\n\n\
                         engine = create_engine(\"{}\")\nwith engine.connect() as connection:\n    \
                         context.configure(connection=connection)\n    with context.begin_transaction():\n        \
                         context.run_migrations()\n",
                        target.url("postgresql+psycopg2")
                    ),
                );
            }
            "rails" => write(
                &work.join("keyshift_migrate.rb"),
                &format!(
                    "require \"active_record\"\nActiveRecord::Base.establish_connection(\"{}\")\n\
                     ActiveRecord::Migration.verbose = false\n\
                     ctx = ActiveRecord::MigrationContext.new([\"db/migrate\"], ActiveRecord::SchemaMigration)\n\
                     ARGV[0] == \"up\" ? ctx.migrate : ctx.migrate(0)\n",
                    target.url("postgres")
                ),
            ),
            _ => {}
        }
    }

    /// The commands that migrate up (`up`) or down, run in `work`.
    pub fn migrate(&self, work: &Path, target: &Target, up: bool) -> Result<String, String> {
        let mut cmd = self.command(work);
        match self.format {
            "django" => {
                cmd.args(["-m", "django", "migrate", "keyshift_migrations"])
                    .env("DJANGO_SETTINGS_MODULE", "keyshift_test_settings")
                    .env("PYTHONPATH", work);
                if !up {
                    cmd.arg("zero");
                }
            }
            "alembic" => {
                cmd.args(["-m", "alembic"]);
                if up {
                    cmd.args(["upgrade", "heads"]);
                } else {
                    cmd.args(["downgrade", "keyshift@base"]);
                }
            }
            "dbmate" => {
                cmd.args([
                    "--url",
                    &format!("{}?sslmode=disable", target.url("postgres")),
                ])
                .args(["--migrations-dir", "db/migrations", "--no-dump-schema"])
                .arg(if up { "up" } else { "rollback" });
            }
            "sqitch" => {
                let uri = format!("db:{}", target.url("pg"));
                if up {
                    cmd.args(["deploy", &uri]);
                } else {
                    cmd.args(["revert", "-y", &uri]);
                }
                cmd.env("SQITCH_FULLNAME", "keyshift test")
                    .env("SQITCH_EMAIL", "keyshift@invalid");
            }
            "rails" => {
                cmd.args(["keyshift_migrate.rb", if up { "up" } else { "down" }]);
            }
            other => panic!("no runner for {other}"),
        }
        let described = format!("{cmd:?}");
        let out = cmd
            .output()
            .map_err(|e| format!("{described}: cannot start: {e}"))?;
        let text = format!(
            "{described}\n--- stdout\n{}\n--- stderr\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        if out.status.success() {
            Ok(text)
        } else {
            Err(text)
        }
    }

    /// SQL that drops what the runner keeps of its own in the database, so
    /// that the schema and data compare with the state before it ran.
    pub fn bookkeeping(&self) -> &'static str {
        match self.format {
            "django" => "DROP TABLE django_migrations;",
            "alembic" => "DROP TABLE alembic_version;",
            "dbmate" => "DROP TABLE schema_migrations;",
            "sqitch" => "DROP SCHEMA sqitch CASCADE;",
            "rails" => "DROP TABLE schema_migrations, ar_internal_metadata;",
            other => panic!("no runner for {other}"),
        }
    }
}

fn write(path: &Path, text: &str) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
}

/// Copies the files under `from` whose relative path `keep` accepts.
fn copy_tree(from: &Path, to: &Path, keep: &dyn Fn(&str) -> bool) {
    fn walk(base: &Path, dir: &Path, to: &Path, keep: &dyn Fn(&str) -> bool) {
        for entry in std::fs::read_dir(dir).expect("read bundle") {
            let path = entry.expect("entry").path();
            let rel = path.strip_prefix(base).expect("under base");
            if !keep(&rel.to_string_lossy()) {
                continue;
            }
            if path.is_dir() {
                walk(base, &path, to, keep);
            } else {
                let dest = to.join(rel);
                std::fs::create_dir_all(dest.parent().expect("parent")).expect("mkdir");
                std::fs::copy(&path, &dest).expect("copy");
            }
        }
    }
    walk(from, from, to, keep);
}
