//! `keyshift inspect|generate|plan` on a live database, and their faults:
//! each fault is one clear line, a non-zero exit and no bundle written.

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn keyshift(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_keyshift"));
    cmd.args(args).env_remove("DATABASE_URL");
    for var in ["PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE"] {
        cmd.env_remove(var);
    }
    cmd.envs(env.iter().copied());
    cmd.output().expect("run keyshift")
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The case's keyshift.toml: without it, vibes' polymorphic pair blocks.
fn config(name: &str) -> String {
    format!("{}/schema/{name}/keyshift.toml", env!("CARGO_MANIFEST_DIR"))
}

fn schema(name: &str) -> String {
    format!("{}/schema/{name}/schema.sql", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn inspect_then_generate_from_the_snapshot_and_from_the_url() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("cli_vibes");
    db.psql_file(Path::new(&schema("vibes")), None)
        .expect("load");
    let work = tempfile::tempdir().expect("temp dir");
    let json = work.path().join("catalog.json");
    let json_s = json.to_str().expect("utf-8 path");

    let out = keyshift(&["inspect", &db.url(), "-o", json_s], &[]);
    assert!(out.status.success(), "inspect failed: {}", stderr(&out));
    let catalog: keyshift::catalog::Catalog =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("catalog.json"))
            .expect("parses");
    let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
    let live = keyshift::introspect::introspect(&mut client).expect("introspect");
    assert!(
        !catalog.table_stats.is_empty(),
        "the snapshot keeps live facts"
    );
    assert_eq!(
        catalog.schema_only(),
        live.schema_only(),
        "the snapshot round-trips"
    );

    let from_json = work.path().join("from_json");
    let out = keyshift(
        &[
            "generate",
            json_s,
            "--config",
            &config("vibes"),
            "--out",
            from_json.to_str().expect("utf-8"),
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "generate from json failed: {}",
        stderr(&out)
    );
    assert!(from_json.join("PLAN.md").exists());

    // No source: DATABASE_URL.
    let from_url = work.path().join("from_url");
    let out = keyshift(
        &[
            "generate",
            "--config",
            &config("vibes"),
            "--out",
            from_url.to_str().expect("utf-8"),
        ],
        &[("DATABASE_URL", &db.url())],
    );
    assert!(
        out.status.success(),
        "generate from DATABASE_URL failed: {}",
        stderr(&out)
    );
    let plan = |dir: &Path| {
        let text = std::fs::read_to_string(dir.join("plan.json")).expect("plan.json");
        let mut v: serde_json::Value = serde_json::from_str(&text).expect("json");
        v.as_object_mut().map(|o| o.remove("source"));
        v
    };
    let (a, b) = (plan(&from_json), plan(&from_url));
    assert!(!a["plan"].is_null(), "plan.json holds the plan");
    assert_eq!(a["plan"], b["plan"]);

    // libpq environment: host, port, user and database from PG* variables.
    let port = server.port().to_string();
    let out = keyshift(
        &["plan", "postgres://"],
        &[
            ("PGHOST", server.host()),
            ("PGPORT", &port),
            ("PGUSER", "postgres"),
            ("PGDATABASE", db.name()),
        ],
    );
    assert!(
        out.status.success(),
        "plan from PG* env failed: {}",
        stderr(&out)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("public.users"));
}

/// Asserts a failed run: non-zero, one `error:` line naming `expected`, no
/// password in it, and no bundle.
fn assert_fault(out: &Output, expected: &str, out_dir: &Path) {
    let text = stderr(out);
    assert!(!out.status.success(), "must fail: {text}");
    let errors: Vec<&str> = text.lines().filter(|l| l.starts_with("error:")).collect();
    assert_eq!(errors.len(), 1, "one error line: {text}");
    assert_eq!(
        text.trim().lines().count(),
        1,
        "nothing but the error line: {text}"
    );
    assert!(text.contains(expected), "expected {expected:?} in: {text}");
    assert!(!text.contains("s3cret"), "password leaked: {text}");
    assert!(!out_dir.exists(), "no bundle may be written");
}

#[test]
fn faults_are_one_line_and_write_nothing() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let work = tempfile::tempdir().expect("temp dir");
    let out_dir = work.path().join("bundle");
    let out_s = out_dir.to_str().expect("utf-8");

    // Nothing listens on port 1.
    let out = keyshift(
        &[
            "generate",
            "postgres://postgres:s3cret@127.0.0.1:1/x",
            "--out",
            out_s,
        ],
        &[],
    );
    assert_fault(&out, "cannot connect to 127.0.0.1:1/x", &out_dir);

    let url = format!(
        "postgres://postgres:s3cret@127.0.0.1:{}/no_such_database",
        server.port()
    );
    let out = keyshift(&["generate", &url, "--out", out_s], &[]);
    assert_fault(
        &out,
        "database \"no_such_database\" does not exist",
        &out_dir,
    );

    // A role that must give a password; the harness server trusts everyone
    // else, so only this role gets a scram line, first in pg_hba.conf.
    let db = server.create_database("cli_faults");
    db.psql_sql(
        "DO $$ BEGIN CREATE ROLE keyshift_pw LOGIN PASSWORD 'right-password'; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$;",
    )
    .expect("role");
    let hba = server.base_dir().join("data/pg_hba.conf");
    let old = std::fs::read_to_string(&hba).expect("pg_hba.conf");
    if !old.contains("keyshift_pw") {
        std::fs::write(
            &hba,
            format!("host all keyshift_pw 127.0.0.1/32 scram-sha-256\n{old}"),
        )
        .expect("write pg_hba.conf");
    }
    db.psql_sql("SELECT pg_reload_conf();").expect("reload");
    let url = format!(
        "postgres://keyshift_pw:s3cret@127.0.0.1:{}/{}",
        server.port(),
        db.name()
    );
    let out = keyshift(&["generate", &url, "--out", out_s], &[]);
    assert_fault(&out, "password authentication failed", &out_dir);
    let out = keyshift(
        &[
            "inspect",
            &url.replace("s3cret", "right-password"),
            "-o",
            out_s,
        ],
        &[],
    );
    assert!(
        out.status.success(),
        "the right password works: {}",
        stderr(&out)
    );
    std::fs::remove_file(&out_dir).expect("catalog written");

    // Neither a source nor DATABASE_URL.
    let out = keyshift(&["generate", "--out", out_s], &[]);
    assert_fault(&out, "set DATABASE_URL", &out_dir);
}
