//! `keyshift init` on a live database: the draft answers every candidate
//! with its evidence, declares exactly the candidates whose every value has
//! a parent row, and is what the schema cases ship. And the candidate
//! notices preflight prints when candidates only warn.

mod cases;
mod support;

use std::path::Path;
use std::process::{Command, Output};
use support::Database;

fn keyshift(args: &[&str]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyshift"));
    cmd.args(args).current_dir(cases::repo());
    for var in [
        "DATABASE_URL",
        "PGHOST",
        "PGPORT",
        "PGUSER",
        "PGPASSWORD",
        "PGDATABASE",
    ] {
        cmd.env_remove(var);
    }
    cmd.output().expect("run keyshift")
}

fn loaded<'s>(server: &'s support::Server, label: &str, name: &str) -> Database<'s> {
    let db = server.create_database(label);
    let dir = cases::repo().join("schema").join(name);
    for f in ["schema.sql", "data.sql"] {
        db.psql_file(&dir.join(f), Some(&dir))
            .unwrap_or_else(|e| panic!("load {name}: {e}"));
    }
    db
}

/// `init`'s draft for `db`, with `extra` arguments; it must succeed.
fn draft(db: &Database, extra: &[&str]) -> String {
    let url = db.url();
    let out = keyshift(&[&["init", url.as_str()], extra].concat());
    assert!(
        out.status.success(),
        "init failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

/// Everything after the first line, which names the source.
fn body(text: &str) -> &str {
    text.split_once('\n').map_or("", |(_, rest)| rest)
}

/// The cases whose keyshift.toml is init's draft on their own data ship
/// it unchanged but for the line naming the source: forum (no foreign
/// keys at all), vibes (a polymorphic pair) and inheritance (a reference
/// into an inheritance family, whose keys live in the children too).
/// Their round trips (tests/roundtrip.rs) then prove the drafts convert
/// correctly.
#[test]
fn init_drafts_the_configs_the_cases_ship() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    for name in ["forum", "vibes", "inheritance"] {
        let db = loaded(server, &format!("init_{name}"), name);
        let shipped = std::fs::read_to_string(
            cases::repo()
                .join("schema")
                .join(name)
                .join("keyshift.toml"),
        )
        .expect("the case's keyshift.toml");
        assert!(
            shipped.starts_with("# keyshift.toml drafted by `keyshift init`"),
            "{name}"
        );
        let drafted = draft(&db, &[]);
        assert!(drafted.starts_with("# keyshift.toml drafted by `keyshift init` from postgres://"));
        assert_eq!(
            body(&drafted),
            body(&shipped),
            "{name}: init's draft differs from schema/{name}/keyshift.toml"
        );
    }
}

/// A column with values that have no parent row is drafted commented out,
/// with both choices and the counts; one in an excluded table only as a
/// dismissal; a polymorphic pair whose every id has its row is declared;
/// with the shipped config nothing is left to decide. The draft parses,
/// and with it the plan still blocks on the undecided column.
#[test]
fn init_leaves_doubtful_candidates_to_the_user() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = loaded(server, "init_rails", "rails_app");
    let work = tempfile::tempdir().expect("temp dir");
    let partial = work.path().join("partial.toml");
    let shipped = std::fs::read_to_string(cases::repo().join("schema/rails_app/keyshift.toml"))
        .expect("rails config");
    let before_answers = shipped
        .split("\n# Named like references to converted keys")
        .next()
        .expect("the part before the answers");
    std::fs::write(&partial, before_answers).expect("write");
    let text = draft(&db, &["--config", partial.to_str().expect("utf-8")]);
    for needle in [
        "# public.page_views.post_id (integer) looks like it holds public.posts.id values.\n\
         # Live: 5 non-null values (4 distinct); 1 outside public.posts's key range (1..4); 1 without a row in public.posts.\n",
        "# [[reference]]\n# from = \"public.page_views.post_id\"\n# to = \"public.posts.id\"\n# or:\n# [[not_a_reference]]\n# column = \"public.page_views.post_id\"\n",
        "# public.audit_log is excluded, so this column keeps integer ids either way. Uncomment to confirm that is intended:\n\
         # [[not_a_reference]]\n# column = \"public.audit_log.user_id\"\n",
        "# Live: type \"Post\": 2 rows, 0 without a row in public.posts.\n",
        "[[polymorphic]]\ntable = \"public.notifications\"\ntype_column = \"subject_type\"\nid_column = \"subject_id\"\ntypes = { \"Post\" = \"public.posts\", \"User\" = \"public.users\" }\n",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in:\n{text}");
    }
    let combined = format!("{before_answers}\n{text}");
    keyshift::config::Config::parse("draft.toml", &combined).unwrap_or_else(|e| panic!("{e}"));
    let combined_path = work.path().join("combined.toml");
    std::fs::write(&combined_path, &combined).expect("write");
    let out = keyshift(&[
        "plan",
        "schema/rails_app/schema.sql",
        "--config",
        combined_path.to_str().expect("utf-8"),
    ]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("blocker: column public.page_views.post_id")
            && stderr.contains("blocker: column public.audit_log.user_id")
            && !stderr.contains("notifications"),
        "the doubtful candidates still block, the declared pair does not:\n{stderr}"
    );

    let none = draft(&db, &["--config", "schema/rails_app/keyshift.toml"]);
    assert!(none.contains("# No candidates"), "{none}");

    // -o writes the file whole, and never over an existing one.
    let out_file = work.path().join("keyshift.toml");
    let url = db.url();
    let first = keyshift(&["init", &url, "-o", out_file.to_str().expect("utf-8")]);
    assert!(
        first.status.success(),
        "{}",
        String::from_utf8_lossy(&first.stderr)
    );
    let again = keyshift(&["init", &url, "-o", out_file.to_str().expect("utf-8")]);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("exists; init never overwrites"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );
}

/// Offline only names are known: every entry is commented out, so the
/// draft decides nothing and the plan keeps blocking.
#[test]
fn init_offline_decides_nothing() {
    let out = keyshift(&["init", "schema/forum/schema.sql"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).expect("utf-8");
    assert!(text.contains("# Read offline"), "{text}");
    let active: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .collect();
    assert!(
        active.is_empty(),
        "offline drafts only comments: {active:?}"
    );
    assert_eq!(text.matches("# [[reference]]").count(), 9, "{text}");
}

/// With `undeclared_references = "warn"` a candidate does not block, and
/// preflight reports what its values hold as a NOTICE without failing.
#[test]
fn preflight_reports_what_warned_candidates_hold() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = loaded(server, "init_notice", "rails_app");
    let shipped = std::fs::read_to_string(cases::repo().join("schema/rails_app/keyshift.toml"))
        .expect("rails config");
    let warned = format!(
        "undeclared_references = \"warn\"\n{}",
        shipped
            .split("\n# Named like references to converted keys")
            .next()
            .expect("the part before the answers")
    );
    let work = tempfile::tempdir().expect("temp dir");
    let config = work.path().join("keyshift.toml");
    std::fs::write(&config, warned).expect("write");
    let bundle = work.path().join("bundle");
    let out = keyshift(&[
        "generate",
        "schema/rails_app/schema.sql",
        "--config",
        config.to_str().expect("utf-8"),
        "--out",
        bundle.to_str().expect("utf-8"),
    ]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let notices = db
        .psql_file_stderr(&bundle.join("preflight.sql"), Some(&bundle))
        .expect("preflight passes: candidates only warn");
    for needle in [
        "NOTICE:  keyshift candidate public.page_views.post_id (integer) → public.posts.id: 5 non-null values (4 distinct), 1 outside the key range 1..4, 1 with no row in public.posts",
        "NOTICE:  keyshift candidate polymorphic public.notifications.(subject_type, subject_id): 3 rows with an id; by type: 'Post' ×2, 'User' ×1",
    ] {
        assert!(
            notices.contains(needle),
            "missing {needle:?} in:\n{notices}"
        );
    }
    assert!(Path::new(&bundle.join("PLAN.md")).exists());
}
