//! Migration-runner formats: the same bundle laid out for the runner an
//! application already uses (`generate --format`).
//!
//! Every format wraps the text of the psql bundle, rendered once as usual;
//! no template is forked per runner, so what `tests/roundtrip.rs` proves of
//! the psql files holds for the SQL each runner sends. What the wrapping
//! changes, and why, is in [`script`]: no psql meta-command, a `COMMIT`
//! before each read-only transaction (a runner sends a stage as one
//! multi-statement query), and `DISCARD TEMP` between the stages one
//! migration runs in one session.
//!
//! The files hold their own transactions (forward and rollback are each one
//! `BEGIN … COMMIT`), so every runner is told not to open one of its own,
//! with its own marker; PLAN.md says so for each. Up runs preflight,
//! forward and verify_forward; down runs rollback and verify_rollback;
//! contract and verify_contract are a second migration under `contract/`,
//! to be moved into place later, irreversible where the runner has the
//! notion and failing on the way down where it has not.

mod alembic;
mod dbmate;
mod diesel;
mod django;
pub mod embed;
mod flyway;
mod golang_migrate;
mod goose;
mod rails;
pub mod script;
mod sqitch;
mod sqlx;

use super::bundle::{Bundle, Sink};
use crate::plan::Plan;
use std::fmt;
use std::io;
use std::str::FromStr;

/// The layouts `generate --format` writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Format {
    /// The plain bundle, run with psql (the default).
    Psql,
    /// Active Record migrations (`db/migrate/*.rb`).
    Rails,
    /// A Django app whose migrations run the SQL (`RunSQL`).
    Django,
    /// Alembic revisions on a branch of their own.
    Alembic,
    /// Flyway versioned and undo migrations.
    Flyway,
    /// A Sqitch project: plan, deploy, revert and verify scripts.
    Sqitch,
    /// dbmate migrations (`-- migrate:up` / `-- migrate:down`).
    Dbmate,
    /// goose SQL migrations (`-- +goose Up` / `-- +goose Down`).
    Goose,
    /// golang-migrate `.up.sql` / `.down.sql` pairs.
    GolangMigrate,
    /// sqlx-cli reversible migrations.
    Sqlx,
    /// Diesel migration folders.
    Diesel,
}

impl Format {
    /// Every format, in the order `--help` lists them.
    pub const ALL: [Format; 11] = [
        Format::Psql,
        Format::Rails,
        Format::Django,
        Format::Alembic,
        Format::Flyway,
        Format::Sqitch,
        Format::Dbmate,
        Format::Goose,
        Format::GolangMigrate,
        Format::Sqlx,
        Format::Diesel,
    ];

    /// The name `--format` takes, which is also the folder of its snapshot.
    pub fn name(self) -> &'static str {
        match self {
            Format::Psql => "psql",
            Format::Rails => "rails",
            Format::Django => "django",
            Format::Alembic => "alembic",
            Format::Flyway => "flyway",
            Format::Sqitch => "sqitch",
            Format::Dbmate => "dbmate",
            Format::Goose => "goose",
            Format::GolangMigrate => "golang-migrate",
            Format::Sqlx => "sqlx",
            Format::Diesel => "diesel",
        }
    }
}

impl fmt::Display for Format {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Format {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Format::ALL
            .into_iter()
            .find(|f| f.name() == s)
            .ok_or_else(|| {
                let names: Vec<&str> = Format::ALL.iter().map(|f| f.name()).collect();
                format!("unknown format {s:?}; one of: {}", names.join(", "))
            })
    }
}

/// Why a runner format was not written. Nothing is handed to the sink
/// before every file is made, so a refusal writes nothing.
#[derive(Debug)]
pub enum FormatError {
    /// Writing failed.
    Io(io::Error),
    /// The SQL holds text the runner would read as one of its own
    /// directives; the message names the runner and the line.
    Refused(String),
}

impl fmt::Display for FormatError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FormatError::Io(e) => write!(f, "{e}"),
            FormatError::Refused(m) => f.write_str(m),
        }
    }
}

impl From<io::Error> for FormatError {
    fn from(e: io::Error) -> Self {
        FormatError::Io(e)
    }
}

/// What every runner's files are made from.
pub struct Migration {
    /// The plan hash, for file headers.
    pub plan_hash: String,
    /// The up migration's version; contract's is the next number.
    pub version: u64,
    /// preflight, forward and verify_forward, ready for a runner.
    pub up: script::Script,
    /// rollback and verify_rollback.
    pub down: script::Script,
    /// contract and verify_contract.
    pub contract: script::Script,
    /// `--after`: the application migration the up migration depends on
    /// (Django and Alembic), checked by [`check_after`].
    pub after: Option<String>,
}

impl Migration {
    /// The contract migration's version.
    pub fn contract_version(&self) -> u64 {
        self.version + 1
    }

    /// The header line of a SQL file.
    pub fn sql_header(&self) -> String {
        format!("-- {}\n", self.generated())
    }

    /// The one-line header of every runner file, after the comment marker.
    pub fn generated(&self) -> String {
        format!(
            "@generated by keyshift, plan {}. DO NOT EDIT: run `keyshift generate --format` again.",
            self.plan_hash
        )
    }
}

/// The down migration of contract, for runners that have no notion of an
/// irreversible migration: it fails, changing nothing.
pub const IRREVERSIBLE_SQL: &str = "DO $keyshift$\nBEGIN\n    RAISE EXCEPTION 'keyshift: the contract migration cannot be undone';\nEND\n$keyshift$;\n";

/// The name of the up migration in every layout.
pub const UP_NAME: &str = "keyshift_uuid_keys";
/// The name of the contract migration.
pub const CONTRACT_NAME: &str = "keyshift_contract";
/// Where the contract migration goes: moved into the runner's folder only
/// once the application works on uuid keys, so that a plain "migrate to
/// the latest" never runs it together with the up migration.
pub const CONTRACT_DIR: &str = "contract";

/// The version used when `--version` is not given: the plan hash's first
/// 32 bits as a decimal number, so the same plan always gets the same one.
pub fn default_version(plan_hash: &str) -> u64 {
    u64::from_str_radix(plan_hash.get(..8).unwrap_or("0"), 16).unwrap_or(0)
}

/// The largest `--version`: contract's number must still fit the signed
/// 64-bit versions some runners keep (sqlx).
pub const MAX_VERSION: u64 = i64::MAX as u64 - 1;

/// What `generate` says about the runner migration besides its format.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RunnerOptions {
    /// `--version`: the up migration's version; default from the plan hash.
    pub version: Option<u64>,
    /// `--after`: the application's migration the up migration must follow,
    /// for runners that order migrations by dependencies rather than by
    /// version: Django (`app_label.migration_name`) and Alembic (a
    /// revision id).
    pub after: Option<String>,
}

/// Checks `--after` for `format`: a Django `app_label.migration_name` or an
/// Alembic revision id, of letters, digits and `_` only; any other format
/// orders its migrations by `--version` and takes none.
pub fn check_after(format: Format, after: &str) -> Result<(), FormatError> {
    let word = |w: &str| !w.is_empty() && w.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    let ok = match format {
        Format::Django => after.split_once('.').is_some_and(|(app, name)| {
            word(app) && word(name) && !app.starts_with(|c: char| c.is_ascii_digit())
        }),
        Format::Alembic => word(after),
        _ => {
            return Err(FormatError::Refused(format!(
                "--after is for --format django and alembic, which order migrations by their dependencies; {format} orders them by --version"
            )));
        }
    };
    if ok {
        Ok(())
    } else {
        Err(FormatError::Refused(format!(
            "--after {after:?}: {format} wants {}, of letters, digits and _",
            if format == Format::Django {
                "app_label.migration_name"
            } else {
                "a revision id"
            }
        )))
    }
}

/// Renders `plan` in `format`. The psql format streams file by file as it
/// always has; a runner format renders the bundle in memory, wraps it, and
/// hands its files to `sink` only once all of them are made.
pub fn render_format(
    format: Format,
    plan: &Plan,
    source: &str,
    table_count: usize,
    options: &RunnerOptions,
    sink: &mut dyn Sink,
) -> Result<(), FormatError> {
    if format == Format::Psql {
        if options.after.is_some() {
            check_after(format, "")?;
        }
        return Ok(super::render_into(plan, source, table_count, sink)?);
    }
    let bundle = super::render(plan, source, table_count);
    let files = runner_files_with(format, &bundle, options)?;
    for (name, text) in &files {
        sink.file(name, &mut |w| w.write_all(text.as_bytes()))?;
    }
    Ok(())
}

/// The files of a runner format, by path, made from the psql bundle.
pub fn runner_files(
    format: Format,
    bundle: &Bundle,
    version: Option<u64>,
) -> Result<Vec<(String, String)>, FormatError> {
    runner_files_with(
        format,
        bundle,
        &RunnerOptions {
            version,
            after: None,
        },
    )
}

/// As [`runner_files`], with every runner option.
pub fn runner_files_with(
    format: Format,
    bundle: &Bundle,
    options: &RunnerOptions,
) -> Result<Vec<(String, String)>, FormatError> {
    if let Some(after) = &options.after {
        check_after(format, after)?;
    }
    if bundle.get("forward.sql").is_none() {
        // An online bundle: its phases are several migrations with waits
        // between them, and backfill commits batch by batch; no runner
        // layout for them exists yet.
        return Err(FormatError::Refused(format!(
            "--format {format} writes maintenance mode's migration only; online mode's phases run with psql (--format psql)"
        )));
    }
    let version = options.version;
    let stage = |name: &str| -> &str {
        bundle
            .get(name)
            .unwrap_or_else(|| panic!("the bundle has {name}"))
    };
    let plan_json: serde_json::Value =
        serde_json::from_str(stage("plan.json")).expect("plan.json parses");
    let plan_hash = plan_json["plan_hash"]
        .as_str()
        .expect("plan.json has plan_hash")
        .to_string();
    let version = version.unwrap_or_else(|| default_version(&plan_hash));
    let m = Migration {
        version,
        up: script::Script::new(&[
            stage("preflight.sql"),
            stage("forward.sql"),
            stage("verify_forward.sql"),
        ]),
        down: script::Script::new(&[stage("rollback.sql"), stage("verify_rollback.sql")]),
        contract: script::Script::new(&[stage("contract.sql"), stage("verify_contract.sql")]),
        plan_hash,
        after: options.after.clone(),
    };
    let (mut files, notes) = match format {
        Format::Psql => unreachable!("psql is the bundle itself"),
        Format::Rails => (rails::files(&m), rails::NOTES),
        Format::Django => (django::files(&m), django::NOTES),
        Format::Alembic => (alembic::files(&m), alembic::NOTES),
        Format::Flyway => (flyway::files(&m)?, flyway::NOTES),
        Format::Sqitch => (sqitch::files(&m), sqitch::NOTES),
        Format::Dbmate => (dbmate::files(&m)?, dbmate::NOTES),
        Format::Goose => (goose::files(&m)?, goose::NOTES),
        Format::GolangMigrate => (golang_migrate::files(&m), golang_migrate::NOTES),
        Format::Sqlx => (sqlx::files(&m), sqlx::NOTES),
        Format::Diesel => (diesel::files(&m), diesel::NOTES),
    };
    let mut plan_md = stage("PLAN.md").to_string();
    plan_md.push_str(&runner_section(format, &m, notes, &files));
    files.push(("PLAN.md".to_string(), plan_md));
    files.push(("plan.json".to_string(), stage("plan.json").to_string()));
    files.sort();
    Ok(files)
}

/// The section PLAN.md gains for a runner: how the stages map onto its
/// migrations, how transactions work, and how to run it. Only fixed text,
/// versions and file names keyshift chose reach it.
fn runner_section(
    format: Format,
    m: &Migration,
    notes: &str,
    files: &[(String, String)],
) -> String {
    let list = |contract: bool| {
        files
            .iter()
            .filter(|(name, _)| name.starts_with(&format!("{CONTRACT_DIR}/")) == contract)
            .map(|(name, _)| format!("- `{name}`"))
            .collect::<Vec<_>>()
            .join("\n")
    };
    format!(
        "\n## Running with {format}\n\n\
         This bundle is laid out for {format} (`--format {format}`{}). \
         The SQL is the psql bundle's, stage by stage, so the commands above name files this \
         layout does not have: the up migration runs preflight, forward and verify_forward, \
         the down migration rollback and verify_rollback.\n\n\
         Up and down:\n\n{}\n\n\
         Contract, a separate migration: move these into place only once the application \
         works on uuid keys and rollback is no longer wanted (with the up migration still \
         pending, a plain migrate would run both at once):\n\n{}\n\n\
         Transactions: forward.sql and rollback.sql each hold one `BEGIN … COMMIT`, and the \
         read-only stages their own read-only transaction, so the runner must not wrap them \
         in one of its own. No statement in this bundle needs to run outside a transaction. \
         Except under Sqitch (which runs psql) and Flyway (which splits scripts itself), each \
         stage is sent as one multi-statement query: a failed statement stops it, and what \
         the stage had not committed is rolled back. The runner records the migration \
         only after its SQL has committed, so if verify_forward fails after forward \
         committed, the runner has not recorded the migration: run the down migration's SQL \
         (rollback.sql and verify_rollback.sql of `--format psql`) by hand.\n\n{notes}\n",
        match format {
            // These name their migrations by order or by change, not by version.
            Format::Django | Format::Sqitch => String::new(),
            _ => format!(", version {}; contract {}", m.version, m.contract_version()),
        },
        list(false),
        list(true),
    )
}

/// Checks that no line of `text` is one `is_directive` says the runner
/// would act on: text from the catalog may hold any line, and a runner
/// that reads directives out of comments must not find one there.
pub(crate) fn refuse_directives(
    runner: &str,
    text: &str,
    is_directive: impl Fn(&str) -> bool,
) -> Result<(), FormatError> {
    for (n, line) in text.split('\n').enumerate() {
        if is_directive(line) {
            return Err(FormatError::Refused(format!(
                "--format {runner}: line {} of the migration would read as a {runner} directive \
                 ({}); a name or definition in the schema holds it. Rename it, or use another format",
                n + 1,
                crate::catalog::control_pictures(line)
            )));
        }
    }
    Ok(())
}
