//! `--schema`/`-n`, `--exclude-schema`/`-N` and `--table`/`-t` on a live
//! database: they narrow what the catalog queries read, exactly as the same
//! options narrow `pg_dump --schema-only` (checked against pg_dump itself),
//! and introspection sends the same number of statements whatever it reads.

mod support;

use keyshift::catalog::{Catalog, QualifiedName};
use keyshift::introspect::{Filter, STATEMENTS, introspect_filtered};
use keyshift::plan::Options;
use std::process::Command;

const SCHEMA: &str = r#"
CREATE SCHEMA app;
CREATE SCHEMA billing;
CREATE SCHEMA audit;
CREATE SCHEMA "Mixed";
CREATE TABLE public.users (id serial PRIMARY KEY, email text NOT NULL);
CREATE TABLE app.users (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text);
CREATE TABLE app.teams (id serial PRIMARY KEY, owner_id bigint REFERENCES app.users (id));
CREATE VIEW app.team_owners AS SELECT t.id, u.name FROM app.teams t JOIN app.users u ON u.id = t.owner_id;
CREATE TABLE billing.invoices (id serial PRIMARY KEY, user_id integer NOT NULL REFERENCES public.users (id));
CREATE TABLE billing.invoice_lines (id serial PRIMARY KEY, invoice_id integer REFERENCES billing.invoices (id));
CREATE TABLE billing.plans (id integer PRIMARY KEY);
CREATE TABLE public.plans (id integer PRIMARY KEY);
CREATE SEQUENCE billing.loose_seq;
CREATE TABLE audit.log (id bigserial PRIMARY KEY, user_id integer REFERENCES public.users (id));
CREATE TABLE "Mixed"."Events" (id serial PRIMARY KEY);
CREATE TABLE "Mixed".events (id serial PRIMARY KEY);
"#;

fn names(c: &Catalog) -> (Vec<String>, Vec<String>, Vec<String>) {
    let show = |q: &QualifiedName| q.display();
    (
        c.tables.iter().map(|t| show(&t.name)).collect(),
        c.sequences.iter().map(|s| show(&s.name)).collect(),
        c.views.iter().map(|v| show(&v.name)).collect(),
    )
}

fn filter(schemas: &[&str], exclude_schemas: &[&str], tables: &[&str]) -> Filter {
    let own = |v: &[&str]| v.iter().map(|s| s.to_string()).collect();
    Filter {
        schemas: own(schemas),
        exclude_schemas: own(exclude_schemas),
        tables: own(tables),
    }
}

/// pg_dump's own arguments for `filter`.
fn pg_dump_args(f: &Filter) -> Vec<String> {
    let mut args = vec!["--schema-only".to_string()];
    for (flag, patterns) in [
        ("-n", &f.schemas),
        ("-N", &f.exclude_schemas),
        ("-t", &f.tables),
    ] {
        for p in patterns {
            args.push(flag.to_string());
            args.push(p.clone());
        }
    }
    args
}

#[test]
fn filters_read_what_pg_dump_dumps() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("filters");
    db.psql_sql(SCHEMA).expect("schema");
    let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");

    type Want = Result<Vec<&'static str>, &'static str>;
    let cases: Vec<(Filter, Want)> = vec![
        (
            filter(&[], &[], &[]),
            Ok(vec![
                "\"Mixed\".\"Events\"",
                "\"Mixed\".events",
                "app.teams",
                "app.users",
                "audit.log",
                "billing.invoice_lines",
                "billing.invoices",
                "billing.plans",
                "public.plans",
                "public.users",
            ]),
        ),
        (
            filter(&["app"], &[], &[]),
            Ok(vec!["app.teams", "app.users"]),
        ),
        // Unquoted letters fold to lower case; quoted ones are exact.
        (
            filter(&["APP", "\"Mixed\""], &[], &[]),
            Ok(vec![
                "\"Mixed\".\"Events\"",
                "\"Mixed\".events",
                "app.teams",
                "app.users",
            ]),
        ),
        (
            filter(&["public", "b*", "a?dit"], &["app"], &[]),
            Ok(vec![
                "audit.log",
                "billing.invoice_lines",
                "billing.invoices",
                "billing.plans",
                "public.plans",
                "public.users",
            ]),
        ),
        // --table wins over the schema filters, as in pg_dump.
        (
            filter(&["billing"], &["app"], &["app.*"]),
            Ok(vec!["app.teams", "app.users"]),
        ),
        // Unqualified: the table visible in the search path only.
        (filter(&[], &[], &["plans"]), Ok(vec!["public.plans"])),
        (
            filter(&[], &[], &["\"Mixed\".\"Events\""]),
            Ok(vec!["\"Mixed\".\"Events\""]),
        ),
        (
            filter(&[], &[], &["\"Mixed\".EVENTS"]),
            Ok(vec!["\"Mixed\".events"]),
        ),
        // Foreign keys across the filters' edge, either way, are refused.
        (
            filter(&["bill*"], &[], &[]),
            Err("foreign key invoices_user_id_fkey on billing.invoices references public.users"),
        ),
        (
            filter(&["public", "billing"], &[], &[]),
            Err(
                "foreign key log_user_id_fkey on audit.log references public.users, but the filters read public.users and not audit.log",
            ),
        ),
        (
            filter(&[], &[], &["billing.invoice_lines"]),
            Err("invoice_lines_invoice_id_fkey"),
        ),
    ];
    for (f, want) in cases {
        let got = introspect_filtered(&mut client, &f);
        let want_tables = match (want, got) {
            (Err(message), Err(e)) => {
                assert!(e.to_string().contains(message), "{f:?}: {e}");
                continue;
            }
            (Err(message), Ok(_)) => panic!("{f:?}: must fail with {message:?}"),
            (Ok(_), Err(e)) => panic!("{f:?}: introspection failed: {e}"),
            (Ok(tables), Ok(live)) => (tables, live),
        };
        let (want_tables, live) = want_tables;
        let (tables, sequences, views) = names(&live);
        assert_eq!(tables, want_tables, "{f:?}: tables");
        assert!(
            live.table_stats.len() == live.tables.len(),
            "{f:?}: stats for exactly the tables read"
        );

        // The same options given to pg_dump select the same objects.
        let mut cmd = server.pg_dump(db.name());
        cmd.args(pg_dump_args(&f));
        let out = support::process::run(&mut cmd, None).expect("pg_dump");
        assert!(
            out.status.success(),
            "pg_dump {:?}: {}",
            pg_dump_args(&f),
            String::from_utf8_lossy(&out.stderr)
        );
        let sql = String::from_utf8_lossy(&out.stdout);
        let offline = keyshift::pipeline::run("dump.sql", &sql, &Options::default())
            .unwrap_or_else(|e| panic!("{f:?}: the dump does not parse: {e}"))
            .catalog;
        assert_eq!(
            (tables, sequences, views),
            names(&offline),
            "{f:?}: live and pg_dump {:?} differ",
            pg_dump_args(&f)
        );
    }

    // --table on a view and a loose sequence reads them alone.
    let only = introspect_filtered(
        &mut client,
        &filter(&[], &[], &["app.team_owners", "billing.loose_seq"]),
    )
    .expect("introspect");
    assert_eq!(names(&only).1, ["billing.loose_seq"]);
    assert_eq!(names(&only).2, ["app.team_owners"]);
    // A selected table brings the sequence it owns.
    let app = introspect_filtered(&mut client, &filter(&[], &[], &["app.teams", "app.users"]))
        .expect("introspect");
    assert_eq!(names(&app).1, ["app.teams_id_seq", "app.users_id_seq"]);
}

/// Counts the statements the server logged for backend `pid`.
fn logged_statements(log: &str, pid: i32) -> usize {
    let tag = format!("[{pid}] LOG:  ");
    log.lines()
        .filter_map(|l| l.split_once(&tag).map(|(_, rest)| rest))
        .filter(|rest| rest.starts_with("statement: ") || rest.starts_with("execute "))
        .count()
}

#[test]
fn the_number_of_statements_does_not_grow_with_the_database() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let mut counts = Vec::new();
    for tables in [1, 40] {
        let db = server.create_database("statements");
        let ddl: String = (0..tables)
            .map(|i| {
                let parent = if i == 0 {
                    String::new()
                } else {
                    format!(", parent_id integer REFERENCES t{} (id)", i - 1)
                };
                format!("CREATE TABLE t{i} (id serial PRIMARY KEY{parent});\nCREATE INDEX ON t{i} (id DESC);\n")
            })
            .collect();
        db.psql_sql(&ddl).expect("schema");
        db.psql_sql(&format!(
            "ALTER DATABASE \"{}\" SET log_statement = 'all'",
            db.name()
        ))
        .expect("log statements");
        let mut client = postgres::Client::connect(&db.url(), postgres::NoTls).expect("connect");
        let pid: i32 = client
            .query_one("SELECT pg_backend_pid()", &[])
            .expect("pid")
            .get(0);
        let catalog = keyshift::introspect::introspect(&mut client).expect("introspect");
        assert_eq!(catalog.tables.len(), tables);
        drop(client);
        // The log is written asynchronously by the logging collector or
        // the backend itself; give it a moment.
        let mut n = 0;
        for _ in 0..50 {
            n = logged_statements(&server.log(), pid);
            if n > STATEMENTS {
                break;
            }
            std::thread::sleep(std::time::Duration::from_millis(100));
        }
        counts.push(n);
    }
    // The one extra statement is this test's own pg_backend_pid().
    assert_eq!(
        counts,
        [STATEMENTS + 1, STATEMENTS + 1],
        "statements per run"
    );
}

#[test]
fn the_cli_filters_live_sources_only() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("filters_cli");
    db.psql_sql(SCHEMA).expect("schema");
    let work = tempfile::tempdir().expect("temp dir");
    let json = work.path().join("catalog.json");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_keyshift"))
            .args(args)
            .env_remove("DATABASE_URL")
            .output()
            .expect("run keyshift")
    };
    let url = db.url();
    let json_s = json.to_str().expect("utf-8");
    let out = run(&["inspect", &url, "-n", "app", "-N", "audit", "-o", json_s]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let catalog: Catalog =
        serde_json::from_str(&std::fs::read_to_string(&json).expect("json")).expect("catalog");
    assert_eq!(names(&catalog).0, ["app.teams", "app.users"]);

    let out = run(&["plan", &url, "--table", "app.*"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(plan.contains("app.users") && !plan.contains("billing.invoices"));

    // A cut foreign key is one error line, and nothing is written.
    let out = run(&["inspect", &url, "-n", "billing", "-o", json_s]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(err.contains("invoices_user_id_fkey"), "{err}");

    // A file was filtered when it was dumped.
    let out = run(&["plan", json_s, "-t", "x"]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("live database"));

    let out = run(&["inspect", &url, "-t", "a.b.c", "-o", json_s]);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("too many dotted names"));
}

/// keyshift.toml's `[read]` means what `-n/-N/-t` mean, adds to them, and
/// its mistakes are reported at their place in the file.
#[test]
fn the_config_file_filters_live_sources_too() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let db = server.create_database("filters_config");
    db.psql_sql(SCHEMA).expect("schema");
    let work = tempfile::tempdir().expect("temp dir");
    let config = work.path().join("keyshift.toml");
    let config_s = config.to_str().expect("utf-8");
    let run = |text: &str, extra: &[&str]| {
        std::fs::write(&config, text).expect("write config");
        Command::new(env!("CARGO_BIN_EXE_keyshift"))
            .args(["plan", &db.url(), "--config", config_s])
            .args(extra)
            .env_remove("DATABASE_URL")
            .output()
            .expect("run keyshift")
    };
    let out = run("[read]\ntables = [\"app.*\"]\n", &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(plan.contains("app.users") && !plan.contains("billing.invoices"));

    // Both apply: the file's schema and the command line's exclusion.
    let out = run(
        "[read]\nschemas = [\"app\", \"billing\"]\n",
        &["-N", "billing"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let plan = String::from_utf8_lossy(&out.stdout);
    assert!(plan.contains("app.teams") && !plan.contains("billing.plans"));

    let out = run("\n[read]\ntables = [\"a.b.c\"]\n", &[]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(err.trim().lines().count(), 1, "{err}");
    assert!(
        err.starts_with(&format!("error: {config_s}:2:1: "))
            && err.contains("too many dotted names"),
        "{err}"
    );
}
