//! The runner formats without a server: what each writes, that no psql
//! meta-command reaches any of them, that catalog text embedded in Python
//! and Ruby source decodes to exactly the SQL (read back by the real
//! interpreters, on `schema/hostile_text`), that runners which read
//! directives out of comments are refused such text, and the CLI's
//! `--format`, `--version` and `--check`.
//!
//! flyway, goose, golang-migrate, sqlx and diesel are proved only here
//! (layout); the others also round-trip through their real runners in
//! `tests/runners.rs`.

mod cases;
mod migration_runners;
mod support;

use keyshift::render::Bundle;
use keyshift::render::formats::{Format, FormatError, runner_files, script::Script};
use std::collections::BTreeMap;
use std::process::Command;

fn files(case: &str, format: Format) -> BTreeMap<String, String> {
    let output = cases::output(case);
    runner_files(format, &output.bundle, None)
        .unwrap_or_else(|e| panic!("{case} --format {format}: {e}"))
        .into_iter()
        .collect()
}

fn runner_formats() -> impl Iterator<Item = Format> {
    Format::ALL.into_iter().filter(|f| *f != Format::Psql)
}

/// The stages each migration runs, as the runner gets them.
fn scripts(case: &str) -> (Script, Script, Script) {
    let b = cases::output(case).bundle;
    let get = |n: &str| b.get(n).expect("stage").to_string();
    (
        Script::new(&[
            &get("preflight.sql"),
            &get("forward.sql"),
            &get("verify_forward.sql"),
        ]),
        Script::new(&[&get("rollback.sql"), &get("verify_rollback.sql")]),
        Script::new(&[&get("contract.sql"), &get("verify_contract.sql")]),
    )
}

#[test]
fn every_format_lays_out_its_migrations() {
    let v = keyshift::render::formats::default_version(
        cases::output("vibes")
            .bundle
            .get("plan.json")
            .map_or("", |j| {
                let start = j.find("\"plan_hash\": \"").expect("plan_hash") + 14;
                &j[start..start + 16]
            }),
    );
    let c = v + 1;
    let expect: [(Format, Vec<String>); 10] = [
        (
            Format::Rails,
            vec![
                format!("db/migrate/{v}_keyshift_uuid_keys.rb"),
                format!("contract/db/migrate/{c}_keyshift_contract.rb"),
            ],
        ),
        (
            Format::Django,
            vec![
                "keyshift_migrations/migrations/0001_keyshift_uuid_keys.py".into(),
                "contract/keyshift_migrations/migrations/0002_keyshift_contract.py".into(),
            ],
        ),
        (
            Format::Alembic,
            vec![
                format!("versions/{v}_keyshift_uuid_keys.py"),
                format!("contract/versions/{c}_keyshift_contract.py"),
            ],
        ),
        (
            Format::Flyway,
            vec![
                format!("sql/V{v}__keyshift_uuid_keys.sql"),
                format!("sql/U{v}__keyshift_uuid_keys.sql"),
                format!("contract/sql/V{c}__keyshift_contract.sql"),
            ],
        ),
        (
            Format::Sqitch,
            vec![
                "sqitch.plan".into(),
                "deploy/keyshift_uuid_keys.sql".into(),
                "revert/keyshift_uuid_keys.sql".into(),
                "verify/keyshift_uuid_keys.sql".into(),
                "contract/sqitch.plan".into(),
            ],
        ),
        (
            Format::Dbmate,
            vec![
                format!("db/migrations/{v}_keyshift_uuid_keys.sql"),
                format!("contract/db/migrations/{c}_keyshift_contract.sql"),
            ],
        ),
        (
            Format::Goose,
            vec![
                format!("migrations/{v}_keyshift_uuid_keys.sql"),
                format!("contract/migrations/{c}_keyshift_contract.sql"),
            ],
        ),
        (
            Format::GolangMigrate,
            vec![
                format!("migrations/{v}_keyshift_uuid_keys.up.sql"),
                format!("migrations/{v}_keyshift_uuid_keys.down.sql"),
                format!("contract/migrations/{c}_keyshift_contract.down.sql"),
            ],
        ),
        (
            Format::Sqlx,
            vec![
                format!("migrations/{v}_keyshift_uuid_keys.up.sql"),
                format!("migrations/{v}_keyshift_uuid_keys.down.sql"),
            ],
        ),
        (
            Format::Diesel,
            vec![
                format!("migrations/{v}_keyshift_uuid_keys/up.sql"),
                format!("migrations/{v}_keyshift_uuid_keys/down.sql"),
                format!("migrations/{v}_keyshift_uuid_keys/metadata.toml"),
            ],
        ),
    ];
    for (format, paths) in expect {
        let f = files("vibes", format);
        for p in paths
            .iter()
            .chain(&["PLAN.md".to_string(), "plan.json".to_string()])
        {
            assert!(f.contains_key(p), "{format} lacks {p}: {:?}", f.keys());
        }
        assert!(
            f["PLAN.md"].contains(&format!("## Running with {format}")),
            "{format}"
        );
        for (name, text) in &f {
            if name != "plan.json"
                && name != "sqitch.conf"
                && !name.ends_with("/sqitch.conf")
                && !name.ends_with("sqitch.plan")
            {
                assert!(
                    text.contains("@generated"),
                    "{format}: {name} lacks the @generated marker"
                );
            }
        }
    }
}

/// Each runner's own marker for SQL that holds its own transactions.
#[test]
fn every_format_keeps_the_runner_out_of_the_transactions() {
    let marker = |format: Format, name: &str, text: &str| -> bool {
        match format {
            Format::Rails => text.contains("\n  disable_ddl_transaction!\n"),
            Format::Django => text.contains("\n    atomic = False\n"),
            Format::Alembic => text.contains("op.get_context().autocommit_block()"),
            Format::Dbmate => {
                text.starts_with("-- migrate:up transaction:false\n")
                    && text.contains("\n-- migrate:down transaction:false\n")
            }
            Format::Goose => text.starts_with("-- +goose NO TRANSACTION\n"),
            Format::Sqlx => text.starts_with("-- no-transaction\n"),
            Format::Flyway
            | Format::Diesel
            | Format::Sqitch
            | Format::GolangMigrate
            | Format::Psql => {
                let _ = name;
                true
            }
        }
    };
    for format in runner_formats() {
        let f = files("vibes", format);
        for (name, text) in &f {
            let migration = [".rb", ".py", ".sql"].iter().any(|e| name.ends_with(e))
                && !name.ends_with("__init__.py");
            if migration {
                assert!(
                    marker(format, name, text),
                    "{format}: {name} lacks its no-transaction marker"
                );
            }
            if format == Format::Flyway && name.ends_with(".sql") {
                assert!(
                    f[&format!("{name}.conf")].contains("\nexecuteInTransaction=false\n"),
                    "{name}"
                );
            }
            if format == Format::Diesel && name.ends_with("up.sql") {
                let meta = name.replace("up.sql", "metadata.toml");
                assert!(
                    f[&meta].contains("\nrun_in_transaction = false\n"),
                    "{meta}"
                );
            }
        }
    }
}

/// No runner file holds a psql meta-command: the header's `\set` goes, and
/// keyshift's splitter (which cuts a script as psql does) finds none.
#[test]
fn no_psql_meta_command_in_any_format() {
    for case in cases::names() {
        for format in runner_formats() {
            let output = cases::output(&case);
            if output.plan.mode == keyshift::plan::Mode::Online {
                // Online mode (the case's keyshift.toml asks for it) has no
                // runner layout: refused, with a message that says so.
                let refused = runner_files(format, &output.bundle, None);
                assert!(
                    matches!(&refused, Err(FormatError::Refused(m)) if m.contains("online mode")),
                    "{case} --format {format}: {refused:?}"
                );
                continue;
            }
            // No schema case holds text a runner would read as a directive;
            // one that does must say so here rather than be skipped.
            let f = runner_files(format, &output.bundle, None)
                .unwrap_or_else(|e| panic!("{case} --format {format}: {e}"));
            for (name, text) in f {
                assert!(
                    !text.contains("\\set ON_ERROR_STOP"),
                    "{case} {format} {name}"
                );
                if name.ends_with(".sql") {
                    for statement in keyshift::ddl::split_statements(&text) {
                        assert!(
                            !statement.starts_with('\\'),
                            "{case} {format} {name}: {statement}"
                        );
                    }
                }
            }
        }
    }
}

/// The same input gives the same files, whatever `--version` says only the
/// names and versions change.
#[test]
fn formats_are_deterministic_and_versioned() {
    let bundle = cases::output("vibes").bundle;
    for format in runner_formats() {
        let a = runner_files(format, &bundle, Some(20261205120000)).expect("renders");
        let b = runner_files(format, &bundle, Some(20261205120000)).expect("renders");
        assert_eq!(a, b, "{format}");
        if format != Format::Django && format != Format::Sqitch {
            assert!(
                a.iter().any(|(n, _)| n.contains("20261205120000")),
                "{format}"
            );
            assert!(
                a.iter().any(|(n, _)| n.contains("20261205120001")),
                "{format}"
            );
        }
    }
}

/// Python: the module parses, and its string constants are exactly the
/// stages (read back by CPython's own parser).
fn python_strings(path: &std::path::Path) -> Vec<String> {
    python_strings_min(path, 200)
}

/// As [`python_strings`], for string constants longer than `min`.
fn python_strings_min(path: &std::path::Path, min: usize) -> Vec<String> {
    let out = Command::new("python3")
        .args(["-c", "import ast, json, sys\ntree = ast.parse(open(sys.argv[1], encoding='utf-8').read())\nprint(json.dumps([n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str) and len(n.value) > int(sys.argv[2])]))"])
        .arg(path)
        .arg(min.to_string())
        .output()
        .expect("python3 runs");
    assert!(
        out.status.success(),
        "{}: {}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let mut v: Vec<String> = serde_json::from_slice(&out.stdout).expect("json");
    v.sort();
    v
}

fn sorted(stages: &[&Script]) -> Vec<String> {
    let mut v: Vec<String> = stages.iter().flat_map(|s| s.stages.clone()).collect();
    v.sort();
    v
}

#[test]
fn hostile_text_cannot_leave_a_python_string() {
    let (up, down, contract) = scripts("hostile_text");
    let dir = tempfile::tempdir().expect("temp");
    for format in [Format::Django, Format::Alembic] {
        for (name, text) in files("hostile_text", format) {
            if !name.ends_with(".py") || name.ends_with("__init__.py") {
                continue;
            }
            let path = dir.path().join("m.py");
            std::fs::write(&path, &text).expect("write");
            let want = if name.starts_with("contract/") {
                sorted(&[&contract])
            } else {
                sorted(&[&up, &down])
            };
            assert_eq!(python_strings(&path), want, "{format} {name}");
        }
    }
}

/// Ruby: the migration class, loaded by the real interpreter with a stub
/// Active Record, `execute`s exactly the stages.
#[test]
fn hostile_text_cannot_leave_a_ruby_heredoc() {
    let (up, down, contract) = scripts("hostile_text");
    ruby_round_trip(
        files("hostile_text", Format::Rails).into_iter().collect(),
        &up,
        &down,
        &contract,
    );
}

#[test]
fn adversarial_text_cannot_leave_a_ruby_heredoc() {
    let (bundle, up, down, contract) = adversarial();
    let files = runner_files(Format::Rails, &bundle, None).expect("renders");
    ruby_round_trip(files, &up, &down, &contract);
}

#[test]
fn adversarial_text_cannot_leave_a_python_string() {
    let (bundle, up, down, contract) = adversarial();
    let dir = tempfile::tempdir().expect("temp");
    for format in [Format::Django, Format::Alembic] {
        for (name, text) in runner_files(format, &bundle, None).expect("renders") {
            if !name.ends_with(".py") || name.ends_with("__init__.py") {
                continue;
            }
            let path = dir.path().join("m.py");
            std::fs::write(&path, &text).expect("write");
            let want = if name.starts_with("contract/") {
                sorted(&[&contract])
            } else {
                sorted(&[&up, &down])
            };
            let want: Vec<String> = want.into_iter().filter(|s| s.len() > 40).collect();
            assert_eq!(python_strings_min(&path, 40), want, "{format} {name}");
        }
    }
}

/// What could end or change a Python or Ruby literal beyond what
/// `schema/hostile_text` holds: triple quotes, a final backslash,
/// interpolation, a heredoc's closing tag, `__END__`, ^D, ^Z, a carriage
/// return, a line separator, a bidi override.
const ADVERSARIAL: &str = concat!(
    "\"\"\" \u{27}\u{27}\u{27} \\\n",
    "#{`touch pwned`} #@x #$y\n",
    "KEYSHIFT_SQL\n__END__\n",
    "\u{4}\u{1a}\r\u{2028}\u{202e}\u{feff} \\"
);

/// A synthetic bundle holding [`ADVERSARIAL`], and its three scripts.
fn adversarial() -> (Bundle, Script, Script, Script) {
    let b = bundle_with(ADVERSARIAL);
    let script = |names: &[&str]| {
        let texts: Vec<&str> = names.iter().map(|n| b.get(n).expect("stage")).collect();
        Script::new(&texts)
    };
    let up = script(&["preflight.sql", "forward.sql", "verify_forward.sql"]);
    let down = script(&["rollback.sql", "verify_rollback.sql"]);
    let contract = script(&["contract.sql", "verify_contract.sql"]);
    (b, up, down, contract)
}

/// Loads each Rails migration of `files` in the real Ruby with a stub
/// Active Record and checks it `execute`s exactly the stages.
fn ruby_round_trip(files: Vec<(String, String)>, up: &Script, down: &Script, contract: &Script) {
    if migration_runners::runner_or_skip("rails").is_none() {
        return;
    }
    let stub = r#"
require "json"
module ActiveRecord
  class IrreversibleMigration < StandardError; end
  class Migration
    def self.[](_version) = self
    def self.disable_ddl_transaction!; end
    def execute(sql) = (@sent ||= []) << sql
    def sent = @sent
  end
end
load ARGV[0]
klass = ObjectSpace.each_object(Class).find { |c| c < ActiveRecord::Migration }
up = klass.new.tap(&:up).sent
down = begin
  klass.new.tap(&:down).sent
rescue ActiveRecord::IrreversibleMigration
  nil
end
print JSON.generate({"up" => up, "down" => down})
"#;
    let dir = tempfile::tempdir().expect("temp");
    for (name, text) in files {
        if !name.ends_with(".rb") {
            continue;
        }
        let path = dir.path().join("m.rb");
        std::fs::write(&path, &text).expect("write");
        let out = Command::new("ruby")
            .args(["-e", stub])
            .arg(&path)
            .output()
            .expect("ruby runs");
        assert!(
            out.status.success(),
            "{name}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        let got: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
        let lines = |s: &Script| -> serde_json::Value {
            s.stages
                .iter()
                .map(|t| {
                    if t.ends_with('\n') {
                        t.clone()
                    } else {
                        format!("{t}\n")
                    }
                })
                .collect()
        };
        if name.starts_with("contract/") {
            assert_eq!(got["up"], lines(contract), "{name}");
            assert_eq!(
                got["down"],
                serde_json::Value::Null,
                "{name}: contract must be irreversible"
            );
        } else {
            assert_eq!(got["up"], lines(up), "{name}");
            assert_eq!(got["down"], lines(down), "{name}");
        }
    }
}

/// A bundle whose text holds `line` where catalog text goes.
fn bundle_with(line: &str) -> Bundle {
    let mut b = Bundle::default();
    for stage in [
        "preflight",
        "forward",
        "verify_forward",
        "rollback",
        "verify_rollback",
        "contract",
        "verify_contract",
    ] {
        b.insert(
            &format!("{stage}.sql"),
            format!("-- header\n\\set ON_ERROR_STOP on\nSELECT 'a\n{line}\nb';\n"),
        );
    }
    b.insert("PLAN.md", "# plan\n".to_string());
    b.insert(
        "plan.json",
        "{\"plan_hash\": \"0123456789abcdef\"}\n".to_string(),
    );
    b
}

#[test]
fn runners_that_read_directives_from_the_sql_refuse_such_text() {
    for (format, line) in [
        (Format::Dbmate, "-- migrate:down"),
        (Format::Dbmate, "--migrate:up transaction:true"),
        (Format::Goose, "-- +goose Down"),
        (Format::Goose, "  --  +goose StatementEnd"),
        (Format::Flyway, "x ${secret} y"),
    ] {
        match runner_files(format, &bundle_with(line), None) {
            Err(FormatError::Refused(m)) => {
                assert!(m.contains(&format!("--format {format}")), "{m}")
            }
            other => panic!("{format} took {line:?}: {:?}", other.map(|f| f.len())),
        }
        for other in runner_formats()
            .filter(|f| *f != format && matches!(f, Format::Rails | Format::Django | Format::Sqlx))
        {
            assert!(
                runner_files(other, &bundle_with(line), None).is_ok(),
                "{other} {line:?}"
            );
        }
    }
}

fn keyshift(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_keyshift"))
        .current_dir(cases::repo())
        .args(args)
        .output()
        .expect("keyshift runs")
}

#[test]
fn cli_writes_and_checks_each_format() {
    for format in runner_formats() {
        let dir = format!("generated/formats/vibes/{format}");
        let out = keyshift(&[
            "generate",
            "schema/vibes/schema.sql",
            "--config",
            "schema/vibes/keyshift.toml",
            "--format",
            format.name(),
            "--out",
            &dir,
            "--check",
        ]);
        assert!(
            out.status.success(),
            "{format}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let tmp = tempfile::tempdir().expect("temp");
    let out_dir = tmp.path().join("out");
    let out = keyshift(&[
        "generate",
        "schema/vibes/schema.sql",
        "--config",
        "schema/vibes/keyshift.toml",
        "--format",
        "sqlx",
        "--version",
        "20261205120000",
        "--out",
        out_dir.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        out_dir
            .join("migrations/20261205120000_keyshift_uuid_keys.up.sql")
            .is_file()
    );
    assert!(
        out_dir
            .join("contract/migrations/20261205120001_keyshift_contract.up.sql")
            .is_file()
    );
    // --check against another layout reports the drift and exits 1.
    let out = keyshift(&[
        "generate",
        "schema/vibes/schema.sql",
        "--config",
        "schema/vibes/keyshift.toml",
        "--format",
        "sqlx",
        "--out",
        out_dir.to_str().expect("utf-8"),
        "--check",
    ]);
    assert_eq!(out.status.code(), Some(1));
    for bad in [&["--format", "liquibase"][..], &["--version", "0"][..]] {
        let mut args = vec![
            "generate",
            "schema/vibes/schema.sql",
            "--config",
            "schema/vibes/keyshift.toml",
            "--out",
            "/nonexistent/never",
        ];
        args.extend_from_slice(bad);
        let out = keyshift(&args);
        assert_eq!(out.status.code(), Some(2), "{bad:?}");
    }
}

#[test]
fn after_gives_django_and_alembic_a_dependency() {
    use keyshift::render::formats::{RunnerOptions, runner_files_with};
    let bundle = cases::output("vibes").bundle;
    let with = |format: Format, after: &str| {
        let options = RunnerOptions {
            version: None,
            after: Some(after.to_string()),
        };
        runner_files_with(format, &bundle, &options)
    };
    let django: BTreeMap<String, String> = with(Format::Django, "blog.0042_posts")
        .expect("renders")
        .into_iter()
        .collect();
    assert!(
        django["keyshift_migrations/migrations/0001_keyshift_uuid_keys.py"]
            .contains("\n    dependencies = [(\"blog\", \"0042_posts\")]\n")
    );
    assert!(
        django["contract/keyshift_migrations/migrations/0002_keyshift_contract.py"]
            .contains("dependencies = [(\"keyshift_migrations\", \"0001_keyshift_uuid_keys\")]")
    );
    let alembic = with(Format::Alembic, "ae1027a6acf").expect("renders");
    let up = alembic
        .iter()
        .find(|(n, _)| n.starts_with("versions/"))
        .expect("up revision");
    assert!(
        up.1.contains("\ndepends_on = \"ae1027a6acf\"\n"),
        "{}",
        up.1
    );
    for (format, after) in [
        (Format::Django, "blog"),
        (Format::Django, "blog.0042\"x"),
        (Format::Django, "1blog.0042"),
        (Format::Alembic, "ae10-27"),
        (Format::Rails, "x"),
        (Format::Dbmate, "x"),
    ] {
        assert!(
            matches!(with(format, after), Err(FormatError::Refused(_))),
            "{format} took --after {after:?}"
        );
    }
    let out = keyshift(&[
        "generate",
        "schema/vibes/schema.sql",
        "--config",
        "schema/vibes/keyshift.toml",
        "--format",
        "sqlx",
        "--after",
        "x",
        "--out",
        "/nonexistent/never",
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("--after is for --format django and alembic")
    );
}
