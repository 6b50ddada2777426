//! The `keyshift` binary as users run it: files written, `--check`, exit
//! codes, and nothing half-written on bad input.

use std::path::Path;
use std::process::{Command, Output};

fn keyshift(args: &[&str], cwd: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_keyshift"))
        .args(args)
        .current_dir(cwd)
        .output()
        .expect("run keyshift")
}

/// The example's configuration: vibes declares a polymorphic reference,
/// and without it the plan has a blocker.
const VIBES_CONFIG: &str = "schema/vibes/keyshift.toml";

fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn generate_writes_the_bundle_and_check_detects_drift() {
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("bundle");
    let out_arg = out.to_str().expect("utf-8 path");
    let generate = keyshift(
        &[
            "generate",
            "schema/vibes/schema.sql",
            "--config",
            VIBES_CONFIG,
            "--out",
            out_arg,
        ],
        repo(),
    );
    assert!(
        generate.status.success(),
        "{}",
        String::from_utf8_lossy(&generate.stderr)
    );
    for file in [
        "PLAN.md",
        "plan.json",
        "preflight.sql",
        "forward.sql",
        "verify_forward.sql",
        "rollback.sql",
        "verify_rollback.sql",
        "contract.sql",
        "verify_contract.sql",
    ] {
        assert!(out.join(file).is_file(), "{file} missing");
    }

    let clean = keyshift(
        &[
            "generate",
            "schema/vibes/schema.sql",
            "--config",
            VIBES_CONFIG,
            "--out",
            out_arg,
            "--check",
        ],
        repo(),
    );
    assert_eq!(
        clean.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&clean.stderr)
    );

    std::fs::write(out.join("forward.sql"), "-- edited by hand\n").expect("edit");
    std::fs::write(out.join("stray.sql"), "SELECT 1;\n").expect("extra file");
    std::fs::remove_file(out.join("PLAN.md")).expect("remove");
    let drift = keyshift(
        &[
            "generate",
            "schema/vibes/schema.sql",
            "--config",
            VIBES_CONFIG,
            "--out",
            out_arg,
            "--check",
        ],
        repo(),
    );
    assert_eq!(drift.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&drift.stdout);
    for expected in [
        "--- a/forward.sql",
        "+++ b/forward.sql",
        "-- edited by hand",
        "+++ b/PLAN.md",
        "--- a/stray.sql",
    ] {
        assert!(diff.contains(expected), "diff lacks {expected:?}:\n{diff}");
    }
    assert_eq!(
        std::fs::read_to_string(out.join("forward.sql")).unwrap(),
        "-- edited by hand\n",
        "--check must write nothing"
    );

    let again = keyshift(
        &[
            "generate",
            "schema/vibes/schema.sql",
            "--config",
            VIBES_CONFIG,
            "--out",
            out_arg,
        ],
        repo(),
    );
    assert!(again.status.success());
    assert!(
        !out.join("stray.sql").exists(),
        "generate replaces the directory as a whole"
    );
}

#[test]
fn bad_input_names_file_and_line_and_writes_nothing() {
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("bundle");
    let run = keyshift(
        &[
            "generate",
            "schema/bad_unparseable_table/schema.sql",
            "--out",
            out.to_str().unwrap(),
        ],
        repo(),
    );
    assert_eq!(run.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(
        stderr.contains("schema/bad_unparseable_table/schema.sql:8:1"),
        "{stderr}"
    );
    assert!(!out.exists(), "nothing may be written on bad input");
    let leftovers: Vec<_> = std::fs::read_dir(work.path()).unwrap().collect();
    assert!(
        leftovers.is_empty(),
        "no temporary directories may be left behind"
    );
}

#[test]
fn a_failed_generate_keeps_the_previous_bundle() {
    let work = tempfile::tempdir().expect("temp dir");
    let out = work.path().join("bundle");
    let out_arg = out.to_str().unwrap();
    assert!(
        keyshift(
            &[
                "generate",
                "schema/vibes/schema.sql",
                "--config",
                VIBES_CONFIG,
                "--out",
                out_arg
            ],
            repo()
        )
        .status
        .success()
    );
    let before = std::fs::read_to_string(out.join("forward.sql")).unwrap();
    let bad = keyshift(
        &[
            "generate",
            "schema/bad_unknown_reference/schema.sql",
            "--out",
            out_arg,
        ],
        repo(),
    );
    assert_eq!(bad.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out.join("forward.sql")).unwrap(),
        before
    );
}

#[test]
fn missing_file_and_bad_table_name_are_clear_errors() {
    let missing = keyshift(&["plan", "no/such/schema.sql"], repo());
    assert_eq!(missing.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&missing.stderr).contains("cannot read no/such/schema.sql"));
    let bad = keyshift(
        &["plan", "schema/vibes/schema.sql", "--exclude-table", "a..b"],
        repo(),
    );
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--exclude-table"));
}

#[test]
fn excluding_a_referenced_table_is_refused_in_the_plan() {
    let out = keyshift(
        &[
            "plan",
            "schema/vibes/schema.sql",
            "--config",
            VIBES_CONFIG,
            "--exclude-table",
            "public.journal_tags",
        ],
        repo(),
    );
    assert!(out.status.success());
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(plan.contains("excluded with --exclude-table"), "{plan}");
    assert!(
        plan.contains(
            "references public.journals, whose key becomes uuid, but public.journal_tags is excluded"
        ),
        "an excluded table that references a converted key must block the plan:\n{plan}"
    );
    let parent = keyshift(
        &[
            "plan",
            "schema/vibes/schema.sql",
            "--config",
            VIBES_CONFIG,
            "--exclude-table",
            "public.users",
        ],
        repo(),
    );
    let plan = String::from_utf8_lossy(&parent.stdout);
    assert!(
        plan.contains("`public.users`: excluded with --exclude-table"),
        "{plan}"
    );
}

/// A plan with blockers stops `generate`: the blockers are printed, the exit
/// code is 1 and nothing is written, unless `--allow-blockers` asks for a
/// bundle whose preflight.sql refuses them.
#[test]
fn generate_stops_on_blockers_unless_allowed() {
    let work = tempfile::tempdir().expect("temp dir");
    let schema = work.path().join("schema.sql");
    std::fs::write(
        &schema,
        "CREATE SEQUENCE down_seq INCREMENT BY -1;\n\
         CREATE TABLE users (id integer PRIMARY KEY DEFAULT nextval('down_seq'), name text);\n",
    )
    .expect("write schema");
    let out = work.path().join("bundle");
    let args = [
        "generate",
        schema.to_str().expect("utf-8"),
        "--out",
        out.to_str().expect("utf-8"),
    ];
    let refused = keyshift(&args, work.path());
    let stderr = String::from_utf8_lossy(&refused.stderr);
    assert_eq!(refused.status.code(), Some(1), "{stderr}");
    assert!(
        stderr.contains("blocker: sequence public.down_seq counts downwards"),
        "{stderr}"
    );
    assert!(stderr.contains("nothing written"), "{stderr}");
    assert!(!out.exists(), "nothing may be written");

    let allowed = keyshift(&[&args[..], &["--allow-blockers"]].concat(), work.path());
    assert!(
        allowed.status.success(),
        "{}",
        String::from_utf8_lossy(&allowed.stderr)
    );
    let preflight = std::fs::read_to_string(out.join("preflight.sql")).expect("preflight.sql");
    assert!(preflight.contains("sequence public.down_seq counts downwards"));
}

/// File headers record the schema path; spelling the same file another way
/// (absolute, `./`, `dir/..`) must not make `--check` report drift.
#[test]
fn check_ignores_how_the_source_path_is_spelled() {
    let absolute = repo().join("schema/vibes/schema.sql");
    for spelling in [
        absolute.to_str().expect("utf-8 path"),
        "./schema/vibes/schema.sql",
        "schema/../schema/vibes/schema.sql",
    ] {
        let check = keyshift(
            &[
                "generate",
                spelling,
                "--config",
                VIBES_CONFIG,
                "--out",
                "generated/vibes",
                "--check",
            ],
            repo(),
        );
        assert_eq!(
            check.status.code(),
            Some(0),
            "{spelling}: {}{}",
            String::from_utf8_lossy(&check.stdout),
            String::from_utf8_lossy(&check.stderr)
        );
    }
}

#[test]
fn version_names_the_plan_format() {
    let version = keyshift(&["--version"], repo());
    let text = String::from_utf8_lossy(&version.stdout);
    assert!(text.contains("(plan format 1)"), "{text}");
}

/// The install lines in the README work: each shell gets a completion
/// script that names the subcommands, and the man page is roff.
#[test]
fn completions_and_man_page() {
    for shell in ["bash", "zsh", "fish"] {
        let out = keyshift(&["completions", shell], repo());
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("generate"),
            "{shell}: {text}"
        );
    }
    let man = keyshift(&["man"], repo());
    let text = String::from_utf8_lossy(&man.stdout);
    assert!(
        man.status.success() && text.contains(".TH keyshift"),
        "{text}"
    );
}
