//! The live cases and their two checks, parity and the round trip, run against
//! any `Server`, whatever its major: `tests/parity.rs` and `tests/roundtrip.rs`
//! run them on the installed PostgreSQL (or the fetched 15), `tests/versions.rs`
//! on the other majors.
//!
//! After rollback the round trip proves the schema came back unchanged. The
//! machine's `pg_dump` (15 on Debian 12) refuses servers of a newer major, and the npm server
//! packages ship no `pg_dump` of their own, so on 16, 17 and 18 there is no dump
//! to compare. The schema is therefore always compared through
//! - the catalog keyshift itself introspects (`keyshift::introspect`, schema facts
//!   only), and
//! - [`FINGERPRINT_SQL`], every user schema (not `pg_catalog`,
//!   `information_schema`, toast or temp schemas), one sorted line per object,
//!   as the server prints it:
//!   - schema: owner, ACL, comment;
//!   - relation (table, partitioned table, view, materialized view, index,
//!     sequence, foreign table, composite type): kind, persistence, owner, ACL,
//!     reloptions, replica identity setting, row security and its forcing,
//!     partition bound, comment;
//!   - inheritance: child, parent and position;
//!   - column of a table, view, materialized view, foreign table or composite
//!     type: position among the live columns (so physical order), name, type
//!     with modifier, NOT NULL, identity, generated kind, default expression,
//!     collation, column ACL, comment;
//!   - constraint: table, name, `pg_get_constraintdef`, validated, local,
//!     inheritance count, comment;
//!   - index: `pg_get_indexdef`, clustered, valid, whether it is the replica
//!     identity;
//!   - trigger (not internal): enabled state, comment and `pg_get_triggerdef`;
//!   - policy: command, permissive, roles, USING and WITH CHECK expressions,
//!     comment;
//!   - rule (not a view's `_RETURN`): comment and `pg_get_ruledef`;
//!   - view and materialized view: `pg_get_viewdef`;
//!   - publication membership: publication and table (not its column list
//!     or row filter, which PostgreSQL 14 lacks and keyshift refuses on a
//!     converted column);
//!   - sequence: type, start, increment, min, max, cache, cycle, and the column
//!     that owns it (auto or identity dependency);
//!   - function, procedure and aggregate: identity arguments, owner, ACL, and
//!     the MD5 of `pg_get_functiondef` (of `prosrc` for aggregates and window
//!     functions);
//!   - domain, enum, composite, range and multirange type: kind, base type,
//!     NOT NULL, default, enum labels in order.
//!
//!   It does **not** compare, so on 16–18 nothing proves these came back:
//!   comments on types; owners of types; publications themselves (their
//!   options and owners) and their column lists and row filters; extensions,
//!   casts, operators, collations, text search objects, foreign servers,
//!   event triggers, statistics objects, default privileges, security
//!   labels; column storage, statistics targets and attribute options;
//!   tablespaces and table access methods. On 18 the name of an inherited
//!   NOT NULL constraint is left out too (see [`unname_inherited_not_null`]).
//!
//! Where this `pg_dump` can dump the server (14 and 15) the byte-identical
//! `pg_dump --schema-only` is compared as well, which covers all of the
//! above. Data must be identical: every table's rows, every sequence's
//! position, and every materialized view's rows and whether it is populated
//! (`Database::data_snapshot`).

#![allow(dead_code)] // shared by several test binaries, each using a part

pub mod online;

use crate::support::{self, Database, Server};
use keyshift::catalog::{Catalog, IndexKey, quote_ident};
use keyshift::plan::Options;
use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One case: what keyshift reads, what to load, and what the round trip expects.
#[derive(Debug, Clone)]
pub struct Case {
    pub name: String,
    /// The DDL keyshift reads, relative to the repository.
    pub ddl: PathBuf,
    /// Files to load, in order, each run from its own folder.
    pub load: Vec<PathBuf>,
    /// Writes after forward, and the checks to run after rollback.
    pub writes: Option<(PathBuf, Vec<PathBuf>)>,
    /// Preflight must fail with each of these; empty means it must pass.
    pub refusals: Vec<String>,
    /// SQL to run in the new database before loading (roles a dump expects).
    pub setup: Option<&'static str>,
    /// Plan options, as the CLI flags would set them.
    pub options: Options,
    /// `keyshift.toml` beside the DDL, as `--config` would read it.
    pub config: Option<keyshift::config::Config>,
}

/// Every loadable case in `schema/` (those without `expected_error.txt`), by name.
pub fn schema_cases() -> Vec<Case> {
    let mut names: Vec<String> = fs::read_dir(repo().join("schema"))
        .expect("schema/")
        .map(|e| e.expect("entry").path())
        .filter(|p| !p.join("expected_error.txt").exists())
        .map(|p| p.file_name().expect("name").to_string_lossy().into_owned())
        .collect();
    names.sort();
    names.iter().map(|n| schema_case(n)).collect()
}

fn schema_case(name: &str) -> Case {
    let dir = repo().join("schema").join(name);
    let optional = |f: &str| Some(dir.join(f)).filter(|p| p.exists());
    let refusals = fs::read_to_string(dir.join("expected_preflight_failure.txt"))
        .map(|t| {
            t.lines()
                .filter(|l| !l.trim().is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default();
    Case {
        name: name.to_string(),
        ddl: PathBuf::from("schema").join(name).join("schema.sql"),
        load: [Some(dir.join("schema.sql")), optional("data.sql")]
            .into_iter()
            .flatten()
            .collect(),
        writes: optional("writes.sql").zip(optional("writes_check.sql").map(|c| vec![c])),
        refusals,
        setup: None,
        options: Options::default(),
        config: fs::read_to_string(dir.join("keyshift.toml"))
            .ok()
            .map(|text| {
                let path = format!("schema/{name}/keyshift.toml");
                keyshift::config::Config::parse(&path, &text).unwrap_or_else(|e| panic!("{e}"))
            }),
    }
}

/// A case of `../shared/corpus`: `files` in load order (the first is the
/// DDL keyshift reads), its writes and `keyshift.toml` from
/// `tests/corpus/<name>` when present.
/// `None` after a loud warning when the corpus is missing (a failure under CI).
pub fn corpus_case(name: &str, files: &[&str], setup: Option<&'static str>) -> Option<Case> {
    let dir = support::corpus_or_skip(name)?;
    let writes = repo().join("tests/corpus").join(name);
    Some(Case {
        name: name.to_string(),
        ddl: PathBuf::from("../shared/corpus").join(files[0]),
        load: files.iter().map(|f| dir.join(f)).collect(),
        writes: Some((
            writes.join("writes.sql"),
            vec![writes.join("writes_check.sql")],
        ))
        .filter(|(w, c)| w.exists() && c[0].exists()),
        refusals: Vec::new(),
        setup,
        options: Options::default(),
        config: config_beside(&writes),
    })
}

/// `keyshift.toml` in `dir`, parsed as `--config` would read it.
fn config_beside(dir: &Path) -> Option<keyshift::config::Config> {
    let path = dir.join("keyshift.toml");
    let text = fs::read_to_string(&path).ok()?;
    let name = path
        .strip_prefix(repo())
        .unwrap_or(&path)
        .display()
        .to_string();
    Some(keyshift::config::Config::parse(&name, &text).unwrap_or_else(|e| panic!("{e}")))
}

/// Chinook (plain integer keys, 15,000 rows), with its writes.
pub fn chinook_case() -> Option<Case> {
    corpus_case("chinook", &["chinook/Chinook_PostgreSql.sql"], None)
}

/// Pagila: partitions, views, a materialized view, triggers, domains, and
/// a reference without a foreign key declared in its `keyshift.toml`.
pub fn pagila_case() -> Option<Case> {
    corpus_case(
        "pagila",
        &["pagila/pagila-schema.sql", "pagila/pagila-data.sql"],
        None,
    )
}

/// Sakila: legacy inheritance with routing rules, views, an FK cycle.
pub fn sakila_case() -> Option<Case> {
    corpus_case(
        "sakila",
        &[
            "sakila/postgres-sakila-schema.sql",
            "sakila/postgres-sakila-insert-data-using-copy.sql",
        ],
        None,
    )
}

/// The schema cases, then chinook, pagila and sakila: what the version
/// matrix runs on every major.
pub fn all_cases() -> Vec<Case> {
    let mut cases = schema_cases();
    cases.extend(chinook_case());
    cases.extend(pagila_case());
    cases.extend(sakila_case());
    cases
}

/// Scripts that create and `\c` into a database of their own (chinook) are
/// loaded without those lines, into the test's database instead.
fn prepare_load_file(file: &Path, work: &Path) -> PathBuf {
    let bytes = fs::read(file).unwrap_or_else(|e| panic!("cannot read {}: {e}", file.display()));
    let text = String::from_utf8_lossy(&bytes);
    let creates_database = text
        .lines()
        .take(40)
        .any(|l| l.starts_with("CREATE DATABASE"));
    if !creates_database {
        return file.to_path_buf();
    }
    let kept: Vec<&str> = text
        .lines()
        .filter(|l| {
            !(l.starts_with("DROP DATABASE")
                || l.starts_with("CREATE DATABASE")
                || l.starts_with("\\c "))
        })
        .collect();
    let copy = work.join(file.file_name().expect("file name"));
    fs::write(&copy, kept.join("\n")).expect("write load copy");
    copy
}

/// A fresh database on `server` with the case loaded.
pub fn load<'s>(server: &'s Server, case: &Case, work: &Path) -> Database<'s> {
    let db = server.create_database(&case.name);
    if let Some(setup) = case.setup {
        db.psql_sql(setup).expect("setup");
    }
    for file in &case.load {
        let file = prepare_load_file(file, work);
        db.psql_file(&file, file.parent())
            .unwrap_or_else(|e| panic!("loading {} failed: {e}", file.display()));
    }
    db
}

/// The DDL file's text, decoded as the CLI decodes it.
pub fn read_ddl(case: &Case) -> (String, String) {
    let source = case.ddl.to_string_lossy().replace('\\', "/");
    let bytes =
        fs::read(repo().join(&case.ddl)).unwrap_or_else(|e| panic!("cannot read {source}: {e}"));
    let sql = keyshift::encoding::decode_sql(&source, &bytes).unwrap_or_else(|e| panic!("{e}"));
    (source, sql)
}

fn connect(db: &Database) -> postgres::Client {
    postgres::Client::connect(&db.url(), postgres::NoTls)
        .unwrap_or_else(|e| panic!("{}: cannot connect: {e}", db.name()))
}

fn introspect(db: &Database) -> Catalog {
    keyshift::introspect::introspect(&mut connect(db))
        .unwrap_or_else(|e| panic!("{}: introspection failed: {e}", db.name()))
}

fn pretty(c: &Catalog) -> String {
    serde_json::to_string_pretty(&c.schema_only()).expect("catalog serializes") + "\n"
}

fn diff(before: &str, after: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(6)
        .header(old, new)
        .to_string()
}

// ---------------------------------------------------------------------------
// Parity (as tests/parity.rs)

/// Offline catalog (from the DDL) == live catalog (introspected), and the same
/// bundle from both.
pub fn parity(server: &Server, case: &Case) {
    let (source, sql) = read_ddl(case);
    let options = &case.options;
    let offline = run_pipeline(case, &source, &sql);

    let work = tempfile::tempdir().expect("temp dir");
    let db = load(server, case, work.path());
    let mut client = connect(&db);
    let live = keyshift::introspect::introspect(&mut client)
        .unwrap_or_else(|e| panic!("{}: introspection failed: {e}", case.name));
    assert!(
        live.table_stats.len() == live.tables.len(),
        "{}: every live table has its stats",
        case.name
    );

    let mut canonical = offline.catalog.clone();
    canonical_expressions(&mut client, &mut canonical);
    let (want, got) = (pretty(&canonical), pretty(&live));
    if want != got {
        panic!(
            "{}: the catalogs differ:\n{}",
            case.name,
            diff(&want, &got, "offline (DDL)", "live (introspected)")
        );
    }
    assert_eq!(canonical.schema_only(), live.schema_only());

    let want_bundle = if canonical == offline.catalog {
        offline.bundle
    } else {
        from_catalog(case, &source, canonical, options).bundle
    };
    // Row estimates and sizes add a disk section to PLAN.md; everything
    // else must come out the same, so compare what the schema alone gives.
    let from_live = from_catalog(case, &source, live.schema_only(), options);
    for (path, text) in want_bundle.files() {
        let other = from_live.bundle.get(path).unwrap_or_default();
        if text != other {
            panic!(
                "{}: {path} differs between the two paths:\n{}",
                case.name,
                diff(text, other, "offline", "live")
            );
        }
    }
    assert_eq!(
        want_bundle.files().count(),
        from_live.bundle.files().count(),
        "{}: both bundles have the same files",
        case.name
    );
}

/// The offline pipeline on `sql`, with the case's options and config.
pub fn run_pipeline(case: &Case, source: &str, sql: &str) -> keyshift::pipeline::Output {
    keyshift::pipeline::run_configured(source, sql, &case.options, case.config.as_ref())
        .unwrap_or_else(|e| match e {
            keyshift::pipeline::InputError::Ddl(e) => panic!("{}: {e}", case.name),
            keyshift::pipeline::InputError::Config(e) => panic!("{}: {e}", case.name),
        })
}

/// The stages after the catalog, with the case's options and config.
fn from_catalog(
    case: &Case,
    source: &str,
    catalog: Catalog,
    options: &Options,
) -> keyshift::pipeline::Output {
    keyshift::pipeline::from_catalog_configured(
        source,
        catalog,
        BTreeMap::new(),
        options,
        case.config.as_ref(),
    )
    .unwrap_or_else(|e| panic!("{}: {e}", case.name))
}

/// Replaces every CHECK expression, index key expression, index predicate,
/// policy expression, trigger WHEN and rule WHERE condition of `catalog` by
/// the text the server prints for it (see `tests/parity.rs`).
fn canonical_expressions(client: &mut postgres::Client, catalog: &mut Catalog) {
    let mut tx = client.transaction().expect("BEGIN");
    let scratch_schema = quote_ident("keyshift_parity");
    tx.batch_execute(&format!("CREATE SCHEMA {scratch_schema}"))
        .expect("scratch schema");
    let mut n = 0;
    for table in &mut catalog.tables {
        let has_expressions = |i: &keyshift::catalog::Index| {
            i.predicate.is_some() || i.keys.iter().any(|k| matches!(k, IndexKey::Expression(_)))
        };
        if table.checks.is_empty() && !table.indexes.iter().any(has_expressions) {
            continue;
        }
        n += 1;
        let copy = format!("{scratch_schema}.{}", quote_ident(&format!("t{n}")));
        let run = |tx: &mut postgres::Transaction, sql: &str| {
            tx.batch_execute(&format!(
                "SET LOCAL search_path = \"$user\", public; {sql}; SET LOCAL search_path = ''"
            ))
            .unwrap_or_else(|e| panic!("{sql}: {}", keyshift::introspect::describe(&e)))
        };
        run(
            &mut tx,
            &format!("CREATE TABLE {copy} (LIKE {})", table.name.quoted()),
        );
        for check in &mut table.checks {
            run(
                &mut tx,
                &format!(
                    "ALTER TABLE {copy} ADD CONSTRAINT {} CHECK ({}) NOT VALID",
                    quote_ident(&check.name),
                    check.expression
                ),
            );
            check.expression = tx
                .query_one(
                    "SELECT pg_catalog.pg_get_expr(conbin, conrelid) FROM pg_catalog.pg_constraint \
                     WHERE conrelid = $1::text::pg_catalog.regclass AND conname = $2",
                    &[&copy, &check.name],
                )
                .expect("read check")
                .get(0);
        }
        for (m, index) in table
            .indexes
            .iter_mut()
            .filter(|i| has_expressions(i))
            .enumerate()
        {
            let name = format!("{scratch_schema}.{}", quote_ident(&format!("t{n}_i{m}")));
            let keys: Vec<String> = index
                .keys
                .iter()
                .map(|k| match k {
                    IndexKey::Column(c) => quote_ident(c),
                    IndexKey::Expression(e) => format!("({e})"),
                })
                .collect();
            let predicate = index
                .predicate
                .as_ref()
                .map(|p| format!(" WHERE {p}"))
                .unwrap_or_default();
            run(
                &mut tx,
                &format!(
                    "CREATE INDEX {} ON {copy} USING {} ({}){predicate}",
                    quote_ident(&format!("t{n}_i{m}")),
                    quote_ident(&index.method),
                    keys.join(", ")
                ),
            );
            let row = tx
                .query_one(
                    "SELECT pg_catalog.pg_get_expr(x.indpred, x.indrelid), \
                            ARRAY(SELECT pg_catalog.pg_get_indexdef(x.indexrelid, k, false) \
                                  FROM pg_catalog.generate_series(1, x.indnkeyatts::int4) k ORDER BY k) \
                     FROM pg_catalog.pg_index x WHERE x.indexrelid = $1::text::pg_catalog.regclass",
                    &[&name],
                )
                .expect("read index");
            index.predicate = row.get(0);
            let printed: Vec<String> = row.get(1);
            for (key, text) in index.keys.iter_mut().zip(printed) {
                if let IndexKey::Expression(e) = key {
                    *e = text;
                }
            }
        }
    }
    // Policies likewise, each on a copy of its table (created `FOR ALL`,
    // which takes both expressions whatever command the policy is for).
    for (m, policy) in catalog
        .policies
        .iter_mut()
        .filter(|p| p.using.is_some() || p.with_check.is_some())
        .enumerate()
    {
        let copy = format!("{scratch_schema}.{}", quote_ident(&format!("p{m}")));
        let run = |tx: &mut postgres::Transaction, sql: &str| {
            tx.batch_execute(&format!(
                "SET LOCAL search_path = \"$user\", public; {sql}; SET LOCAL search_path = ''"
            ))
            .unwrap_or_else(|e| panic!("{sql}: {}", keyshift::introspect::describe(&e)))
        };
        run(
            &mut tx,
            &format!("CREATE TABLE {copy} (LIKE {})", policy.table.quoted()),
        );
        let clause = |kw: &str, e: &Option<String>| {
            e.as_ref()
                .map(|e| format!(" {kw} ({e})"))
                .unwrap_or_default()
        };
        run(
            &mut tx,
            &format!(
                "CREATE POLICY p ON {copy}{}{}",
                clause("USING", &policy.using),
                clause("WITH CHECK", &policy.with_check)
            ),
        );
        let row = tx
            .query_one(
                "SELECT pg_catalog.pg_get_expr(polqual, polrelid), \
                        pg_catalog.pg_get_expr(polwithcheck, polrelid) \
                 FROM pg_catalog.pg_policy WHERE polrelid = $1::text::pg_catalog.regclass",
                &[&copy],
            )
            .expect("read policy");
        policy.using = row.get(0);
        policy.with_check = row.get(1);
    }
    // A trigger's WHEN condition, on a copy, as a row trigger `BEFORE
    // UPDATE` (where both OLD and NEW exist), cut out of the definition the
    // server prints as live introspection cuts it.
    let function = format!("{scratch_schema}.tf");
    let with_when: Vec<_> = catalog
        .triggers
        .iter_mut()
        .filter(|t| t.when.is_some())
        .collect();
    if !with_when.is_empty() {
        tx.batch_execute(&format!(
            "CREATE FUNCTION {function}() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$"
        ))
        .expect("scratch trigger function");
    }
    for (m, trigger) in with_when.into_iter().enumerate() {
        let copy = format!("{scratch_schema}.{}", quote_ident(&format!("w{m}")));
        let sql = format!(
            "SET LOCAL search_path = \"$user\", public; \
             CREATE TABLE {copy} (LIKE {}); \
             CREATE TRIGGER w BEFORE UPDATE ON {copy} FOR EACH ROW WHEN ({}) EXECUTE FUNCTION {function}(); \
             SET LOCAL search_path = ''",
            trigger.table.quoted(),
            trigger.when.as_deref().expect("filtered")
        );
        tx.batch_execute(&sql)
            .unwrap_or_else(|e| panic!("{sql}: {}", keyshift::introspect::describe(&e)));
        let def: String = tx
            .query_one(
                "SELECT pg_catalog.pg_get_triggerdef(oid, true) FROM pg_catalog.pg_trigger \
                 WHERE tgrelid = $1::text::pg_catalog.regclass",
                &[&copy],
            )
            .expect("read trigger")
            .get(0);
        trigger.when = keyshift::ddl::trigger_when(&def);
    }
    // A rule's WHERE condition likewise, on a copy, for the rule's own
    // event (which decides whether OLD or NEW exists), with no action.
    for (m, rule) in catalog
        .rules
        .iter_mut()
        .filter(|r| r.condition.is_some())
        .enumerate()
    {
        let event: String = tx
            .query_one(
                "SELECT CASE ev_type WHEN '2' THEN 'UPDATE' WHEN '3' THEN 'INSERT' ELSE 'DELETE' END \
                 FROM pg_catalog.pg_rewrite WHERE ev_class = $1::text::pg_catalog.regclass AND rulename = $2",
                &[&rule.table.quoted(), &rule.name],
            )
            .expect("read the rule's event")
            .get(0);
        let copy = format!("{scratch_schema}.{}", quote_ident(&format!("r{m}")));
        let sql = format!(
            "SET LOCAL search_path = \"$user\", public; \
             CREATE TABLE {copy} (LIKE {}); \
             CREATE RULE r AS ON {event} TO {copy} WHERE {} DO ALSO NOTHING; \
             SET LOCAL search_path = ''",
            rule.table.quoted(),
            rule.condition.as_deref().expect("filtered")
        );
        tx.batch_execute(&sql)
            .unwrap_or_else(|e| panic!("{sql}: {}", keyshift::introspect::describe(&e)));
        let def: String = tx
            .query_one(
                "SELECT pg_catalog.pg_get_ruledef(oid, true) FROM pg_catalog.pg_rewrite \
                 WHERE ev_class = $1::text::pg_catalog.regclass",
                &[&copy],
            )
            .expect("read rule")
            .get(0);
        rule.condition = keyshift::ddl::rule_condition(&def);
    }
    tx.rollback().expect("ROLLBACK");
}

// ---------------------------------------------------------------------------
// The round trip (as tests/roundtrip.rs)

/// The schema as the server prints it, one line per object, sorted; see the
/// module docs. Read-only. Names are qualified (`search_path` is emptied first).
pub const FINGERPRINT_SQL: &str = r#"
SET search_path = '';
WITH ns AS (
    SELECT oid, nspname FROM pg_catalog.pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema')
      AND nspname !~ '^pg_toast' AND nspname !~ '^pg_temp_'
), rel AS (
    SELECT c.*, ns.nspname,
           pg_catalog.format('%I.%I', ns.nspname, c.relname) AS qname
    FROM pg_catalog.pg_class c JOIN ns ON ns.oid = c.relnamespace
)
SELECT line FROM (
    SELECT pg_catalog.format('schema %I owner=%s acl=%s comment=%L',
               n.nspname, pg_catalog.pg_get_userbyid(n.nspowner),
               coalesce(n.nspacl, pg_catalog.acldefault('n', n.nspowner)),
               pg_catalog.obj_description(n.oid, 'pg_namespace')) AS line
    FROM pg_catalog.pg_namespace n JOIN ns ON ns.oid = n.oid
    UNION ALL
    SELECT pg_catalog.format('relation %s kind=%s persistence=%s owner=%s acl=%s options=%s replident=%s rls=%s/%s partbound=%s comment=%L',
               r.qname, r.relkind, r.relpersistence, pg_catalog.pg_get_userbyid(r.relowner),
               coalesce(r.relacl, pg_catalog.acldefault((CASE r.relkind WHEN 'S' THEN 's' ELSE 'r' END)::"char", r.relowner)),
               r.reloptions, r.relreplident, r.relrowsecurity, r.relforcerowsecurity,
               pg_catalog.pg_get_expr(r.relpartbound, r.oid),
               pg_catalog.obj_description(r.oid, 'pg_class'))
    FROM rel r
    UNION ALL
    SELECT pg_catalog.format('inherits %s from %s #%s', r.qname, p.qname, i.inhseqno)
    FROM pg_catalog.pg_inherits i JOIN rel r ON r.oid = i.inhrelid JOIN rel p ON p.oid = i.inhparent
    UNION ALL
    SELECT pg_catalog.format('column %s #%s %I %s notnull=%s identity=%s generated=%s default=%L collation=%s acl=%s comment=%L',
               r.qname,
               pg_catalog.row_number() OVER (PARTITION BY a.attrelid ORDER BY a.attnum),
               a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod), a.attnotnull,
               a.attidentity, a.attgenerated, pg_catalog.pg_get_expr(d.adbin, d.adrelid),
               a.attcollation::pg_catalog.regcollation, NULLIF(a.attacl, '{}'),
               pg_catalog.col_description(a.attrelid, a.attnum))
    FROM pg_catalog.pg_attribute a
    JOIN rel r ON r.oid = a.attrelid AND r.relkind IN ('r', 'p', 'v', 'm', 'f', 'c')
    LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
    WHERE a.attnum > 0 AND NOT a.attisdropped
    UNION ALL
    SELECT pg_catalog.format('constraint %s %I %s validated=%s local=%s inherits=%s comment=%L',
               coalesce(r.qname, '-'), c.conname, pg_catalog.pg_get_constraintdef(c.oid),
               c.convalidated, c.conislocal, c.coninhcount,
               pg_catalog.obj_description(c.oid, 'pg_constraint'))
    FROM pg_catalog.pg_constraint c JOIN ns ON ns.oid = c.connamespace
    LEFT JOIN rel r ON r.oid = c.conrelid
    UNION ALL
    SELECT pg_catalog.format('index %s: %s clustered=%s valid=%s replident=%s',
               r.qname, pg_catalog.pg_get_indexdef(x.indexrelid), x.indisclustered, x.indisvalid,
               x.indisreplident)
    FROM pg_catalog.pg_index x JOIN rel r ON r.oid = x.indexrelid
    UNION ALL
    SELECT pg_catalog.format('trigger %s %I enabled=%s comment=%L: %s', r.qname, t.tgname, t.tgenabled,
               pg_catalog.obj_description(t.oid, 'pg_trigger'), pg_catalog.pg_get_triggerdef(t.oid))
    FROM pg_catalog.pg_trigger t JOIN rel r ON r.oid = t.tgrelid
    WHERE NOT t.tgisinternal
    UNION ALL
    SELECT pg_catalog.format('policy %s %I %s permissive=%s roles=%s using=%L check=%L comment=%L',
               r.qname, p.polname, p.polcmd, p.polpermissive, p.polroles::pg_catalog.regrole[],
               pg_catalog.pg_get_expr(p.polqual, p.polrelid),
               pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid),
               pg_catalog.obj_description(p.oid, 'pg_policy'))
    FROM pg_catalog.pg_policy p JOIN rel r ON r.oid = p.polrelid
    UNION ALL
    SELECT pg_catalog.format('rule %s %I comment=%L: %s', r.qname, w.rulename,
               pg_catalog.obj_description(w.oid, 'pg_rewrite'), pg_catalog.pg_get_ruledef(w.oid))
    FROM pg_catalog.pg_rewrite w JOIN rel r ON r.oid = w.ev_class
    WHERE w.rulename <> '_RETURN'
    UNION ALL
    SELECT pg_catalog.format('view %s: %s', r.qname, pg_catalog.pg_get_viewdef(r.oid))
    FROM rel r WHERE r.relkind IN ('v', 'm')
    UNION ALL
    SELECT pg_catalog.format('publication %I table %s', p.pubname, r.qname)
    FROM pg_catalog.pg_publication_rel pr
    JOIN pg_catalog.pg_publication p ON p.oid = pr.prpubid
    JOIN rel r ON r.oid = pr.prrelid
    UNION ALL
    SELECT pg_catalog.format('sequence %s %s start=%s inc=%s min=%s max=%s cache=%s cycle=%s owned_by=%s',
               r.qname, s.seqtypid::pg_catalog.regtype, s.seqstart, s.seqincrement, s.seqmin,
               s.seqmax, s.seqcache, s.seqcycle,
               (SELECT pg_catalog.format('%s.%I %s', o.qname, a.attname, d.deptype)
                FROM pg_catalog.pg_depend d
                JOIN rel o ON o.oid = d.refobjid
                JOIN pg_catalog.pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass
                  AND d.objid = s.seqrelid AND d.deptype IN ('a', 'i')))
    FROM pg_catalog.pg_sequence s JOIN rel r ON r.oid = s.seqrelid
    UNION ALL
    SELECT pg_catalog.format('function %s.%I(%s) owner=%s acl=%s md5=%s', ns.nspname, p.proname,
               pg_catalog.pg_get_function_identity_arguments(p.oid),
               pg_catalog.pg_get_userbyid(p.proowner),
               coalesce(p.proacl, pg_catalog.acldefault('f', p.proowner)),
               pg_catalog.md5(CASE WHEN p.prokind IN ('a', 'w') THEN p.prosrc
                                   ELSE pg_catalog.pg_get_functiondef(p.oid) END))
    FROM pg_catalog.pg_proc p JOIN ns ON ns.oid = p.pronamespace
    UNION ALL
    SELECT pg_catalog.format('type %s.%I kind=%s base=%s notnull=%s default=%L labels=%s',
               ns.nspname, t.typname, t.typtype, t.typbasetype::pg_catalog.regtype,
               t.typnotnull, t.typdefault,
               (SELECT pg_catalog.array_agg(e.enumlabel ORDER BY e.enumsortorder)
                FROM pg_catalog.pg_enum e WHERE e.enumtypid = t.oid))
    FROM pg_catalog.pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE t.typtype IN ('d', 'e', 'c', 'r', 'm')
      AND NOT EXISTS (SELECT FROM pg_catalog.pg_class c
                      WHERE c.oid = t.typrelid AND c.relkind <> 'c')
) lines
ORDER BY line COLLATE "C";
"#;

/// Everything the round trip compares to prove the schema came back.
struct SchemaState {
    /// `pg_dump --schema-only`, where this `pg_dump` can dump this server.
    dump: Option<String>,
    /// keyshift's own introspection, schema facts only, as pretty JSON.
    catalog: String,
    /// [`FINGERPRINT_SQL`]'s lines.
    fingerprint: String,
}

/// Whether `server`'s `pg_dump` can dump it: its major is at least the server's.
pub fn can_dump(server: &Server) -> bool {
    use std::sync::OnceLock;
    static PG_DUMP_MAJOR: OnceLock<Option<u32>> = OnceLock::new();
    let pg_dump_major = *PG_DUMP_MAJOR
        .get_or_init(|| crate::support::binaries::client_major(&server.binaries().pg_dump));
    pg_dump_major.is_some_and(|m| m >= server.version_num() / 10000)
}

fn schema_state(db: &Database, dump: bool) -> SchemaState {
    let lines = db.query_rows(FINGERPRINT_SQL);
    let lines = if db.server().version_num() >= 180000 {
        let mut lines: Vec<String> = lines.iter().map(|l| unname_inherited_not_null(l)).collect();
        lines.sort();
        lines
    } else {
        lines
    };
    SchemaState {
        dump: dump.then(|| db.dump_schema()),
        catalog: pretty(&introspect(db)),
        fingerprint: lines.join("\n") + "\n",
    }
}

/// PostgreSQL 18 keeps NOT NULL as named constraints, and changing a
/// column's type on a partitioned or inheritance parent re-creates the
/// copies on its partitions and children under the parent's constraint
/// name. An inherited constraint cannot be renamed back, so after rollback
/// such a copy is named differently, with the same meaning. This one
/// difference, and only on 18 and later, is not compared: the name of an
/// inherited (`local=f`) NOT NULL constraint. The closing notes list it as
/// a shortfall.
fn unname_inherited_not_null(line: &str) -> String {
    let parts: Vec<&str> = line.splitn(5, ' ').collect();
    match parts.as_slice() {
        ["constraint", table, _name, "NOT", rest]
            if rest.starts_with("NULL ") && rest.contains(" local=f ") =>
        {
            format!("constraint {table} (inherited not-null) NOT {rest}")
        }
        _ => line.to_string(),
    }
}

fn assert_same_schema(case: &str, what: &str, before: &SchemaState, after: &SchemaState) {
    if let (Some(b), Some(a)) = (&before.dump, &after.dump) {
        assert_same(case, &format!("{what} (pg_dump --schema-only)"), b, a);
    }
    assert_same(
        case,
        &format!("{what} (introspected catalog)"),
        &before.catalog,
        &after.catalog,
    );
    assert_same(
        case,
        &format!("{what} (catalog fingerprint)"),
        &before.fingerprint,
        &after.fingerprint,
    );
}

fn assert_same(case: &str, what: &str, before: &str, after: &str) {
    if before != after {
        panic!(
            "{case}: {what} differs from before the migration:\n{}",
            diff(before, after, "before", "after")
        );
    }
}

fn run_bundle_file(db: &Database, dir: &Path, file: &str) {
    if let Err(e) = db.psql_file(&dir.join(file), Some(dir)) {
        panic!("{file} failed on {}:\n{e}", db.name());
    }
}

/// Whether the case's own configuration asks for online mode, whose bundle
/// has no forward.sql.
pub fn is_online(case: &Case) -> bool {
    let (source, sql) = read_ddl(case);
    run_pipeline(case, &source, &sql).plan.mode == keyshift::plan::Mode::Online
}

/// preflight, analyze (integer keys), forward, verify_forward, analyze (uuid
/// keys), monitor, the analysis dropped as the runbook says, rollback,
/// verify_rollback, same schema and data; forward, verify_forward, writes, rollback, verify_rollback, same schema,
/// writes_check; forward, contract, verify_contract. A case that preflight must
/// refuse checks the refusal and that nothing changed.
pub fn round_trip(server: &Server, case: &Case) {
    let (source, sql) = read_ddl(case);
    let output = run_pipeline(case, &source, &sql);
    if output.plan.mode == keyshift::plan::Mode::Online {
        // The case asks for online mode itself (`mode` in keyshift.toml).
        return online::online_round_trip(server, case);
    }
    let work = tempfile::tempdir().expect("temp dir");
    let bundle = work.path().join("bundle");
    output.bundle.write_to(&bundle).expect("write bundle");

    let db = load(server, case, work.path());
    let dump = can_dump(server);
    let schema_before = schema_state(&db, dump);
    let data_before = db.data_snapshot();

    if !case.refusals.is_empty() {
        let err = db
            .psql_file(&bundle.join("preflight.sql"), Some(&bundle))
            .expect_err("preflight must refuse this case");
        let text = err.to_string();
        for expected in &case.refusals {
            assert!(
                text.contains(expected.as_str()),
                "{}: preflight failed, but without {expected:?}:\n{text}",
                case.name
            );
        }
        // Some refusals only the live database can see (a view that fails
        // over uuid copies, orphans); whatever the plan itself knows,
        // PLAN.md and preflight must tell a user in the same words.
        assert_blockers_said(case, &output, &text);
        assert_same_schema(
            &case.name,
            "schema after preflight",
            &schema_before,
            &schema_state(&db, dump),
        );
        return;
    }

    let started = Instant::now();
    run_bundle_file(&db, &bundle, "preflight.sql");
    let probes = output.plan.tables.len() + output.plan.foreign_keys.len();
    let observing = Instant::now();
    run_analyze(case, &db, &bundle, "integer keys", probes);
    let mut observed = observing.elapsed();
    run_bundle_file(&db, &bundle, "forward.sql");
    run_bundle_file(&db, &bundle, "verify_forward.sql");
    let observing = Instant::now();
    run_analyze(case, &db, &bundle, "uuid keys", probes);
    run_monitor(case, &db, &bundle);
    observed += observing.elapsed();
    // analyze.sql's results belong to no stage; the runbook drops them.
    db.psql_sql("DROP SCHEMA keyshift_analyze CASCADE;")
        .unwrap_or_else(|e| panic!("{}: dropping keyshift_analyze failed: {e}", case.name));
    run_bundle_file(&db, &bundle, "rollback.sql");
    run_bundle_file(&db, &bundle, "verify_rollback.sql");
    let first_pass = started.elapsed();
    assert_same_schema(
        &case.name,
        "schema after rollback",
        &schema_before,
        &schema_state(&db, dump),
    );
    assert_same(
        &case.name,
        "data after rollback",
        &data_before,
        &db.data_snapshot(),
    );

    run_bundle_file(&db, &bundle, "forward.sql");
    run_bundle_file(&db, &bundle, "verify_forward.sql");
    assert_id_lookups(case, &output.plan, &db, "after forward");
    if let Some((writes, checks)) = &case.writes {
        db.psql_file(writes, writes.parent())
            .unwrap_or_else(|e| panic!("{}: writes through uuid keys failed: {e}", case.name));
        run_bundle_file(&db, &bundle, "rollback.sql");
        run_bundle_file(&db, &bundle, "verify_rollback.sql");
        assert_same_schema(
            &case.name,
            "schema after writes and rollback",
            &schema_before,
            &schema_state(&db, dump),
        );
        for check in checks {
            db.psql_file(check, check.parent()).unwrap_or_else(|e| {
                panic!(
                    "{}: {} failed after rollback: {e}",
                    case.name,
                    check.display()
                )
            });
        }
        run_bundle_file(&db, &bundle, "forward.sql");
    }
    run_bundle_file(&db, &bundle, "contract.sql");
    run_bundle_file(&db, &bundle, "verify_contract.sql");
    if output.plan.keep_id_map {
        assert_id_lookups(case, &output.plan, &db, "after contract");
    }
    assert_no_meta_command_ran(case, &output.bundle, &bundle);
    report(case, &output, first_pass, observed);
}

/// Runs analyze.sql, which must record one result per probe (a lookup per
/// converted table, a join per converted foreign key) under `phase`, each
/// with a plan wherever it found rows to sample, and print the comparison.
fn run_analyze(case: &Case, db: &Database, bundle: &Path, phase: &str, probes: usize) {
    // With no converted column there is nothing whose type tells the phase.
    let phase = if probes == 0 { "integer keys" } else { phase };
    let out = db
        .psql_file(&bundle.join("analyze.sql"), Some(bundle))
        .unwrap_or_else(|e| panic!("{}: analyze.sql failed with {phase}: {e}", case.name));
    assert!(
        out.contains(&format!("analyze: {probes} probes with {phase}")),
        "{}: analyze.sql did not run {probes} probes with {phase}:\n{out}",
        case.name
    );
    assert!(
        out.contains("plan, integer keys") && out.contains("plan, uuid keys"),
        "{}: analyze.sql printed no comparison:\n{out}",
        case.name
    );
    let phase_literal = format!("'{phase}'");
    let rows = db.query_rows(&format!(
        "SELECT count(*), count(*) FILTER (WHERE plan = 'no such foreign key'), \
                count(*) FILTER (WHERE samples > 0 AND (median_ms IS NULL OR buffers IS NULL OR plan = '')) \
         FROM keyshift_analyze.result WHERE phase = {phase_literal}"
    ));
    assert_eq!(
        rows,
        [format!("{probes}|0|0")],
        "{}: keyshift_analyze.result with {phase} (probes, missing foreign keys, incomplete rows)",
        case.name
    );
}

/// Runs monitor.sql after a stage: every query must run (the live test of
/// it during a stage is in `tests/rebuild.rs`).
fn run_monitor(case: &Case, db: &Database, bundle: &Path) {
    db.psql_file(&bundle.join("monitor.sql"), Some(bundle))
        .unwrap_or_else(|e| panic!("{}: monitor.sql failed: {e}", case.name));
}

/// Each blocker of the plan is said in the same words by preflight's
/// error (`refusal`) and by PLAN.md.
fn assert_blockers_said(case: &Case, output: &keyshift::pipeline::Output, refusal: &str) {
    let plan_md = output.bundle.get("PLAN.md").unwrap_or_default();
    for b in &output.plan.blockers {
        let said = format!("{} {}", b.object, b.reason);
        assert!(
            refusal.contains(&said),
            "{}: preflight does not say {said:?}",
            case.name
        );
        assert!(
            plan_md.contains(&said),
            "{}: PLAN.md does not say {said:?}",
            case.name
        );
    }
}

/// `keyshift.new_id` and `keyshift.old_id` agree with every row of every
/// map, for the root table and each member sharing its key.
fn assert_id_lookups(case: &Case, plan: &keyshift::plan::Plan, db: &Database, when: &str) {
    for t in &plan.tables {
        let Some(root) = &t.root else { continue };
        for table in std::iter::once(&t.table).chain(&root.members) {
            let map = format!(
                "{}.{}",
                quote_ident("keyshift"),
                quote_ident(&root.map_table)
            );
            let literal = format!("'{}'", table.quoted().replace('\'', "''"));
            let wrong = db.query_rows(&format!(
                "SELECT count(*) FROM {map} m \
                 WHERE keyshift.new_id({literal}, m.old_id) IS DISTINCT FROM m.new_id \
                    OR keyshift.old_id({literal}, m.new_id) IS DISTINCT FROM m.old_id"
            ));
            assert_eq!(
                wrong,
                ["0"],
                "{}: {when}, keyshift.new_id/old_id disagree with {map} for {}",
                case.name,
                table.display()
            );
        }
    }
}

/// Every bundle file ran with its own directory as psql's working
/// directory, so a `\!` or `\o` that escaped from catalog text (see
/// `schema/hostile_text`) would have left a file there. Only the bundle's
/// own files may be in it.
fn assert_no_meta_command_ran(case: &Case, written: &keyshift::render::Bundle, dir: &Path) {
    let mut found: Vec<String> = std::fs::read_dir(dir)
        .expect("read bundle dir")
        .map(|e| {
            e.expect("dir entry")
                .file_name()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    found.sort();
    let mut expected: Vec<String> = written.files().map(|(name, _)| name.to_string()).collect();
    expected.sort();
    assert_eq!(
        found, expected,
        "{}: files appeared in the bundle directory while it ran: a psql meta-command escaped",
        case.name
    );
}

/// One line per round trip for the closing notes (`--nocapture` shows it):
/// the size of the case and how long the first full pass of the bundle
/// (preflight through verify_rollback) took on this machine, and of that
/// the two runs of analyze.sql and one of monitor.sql.
fn report(
    case: &Case,
    output: &keyshift::pipeline::Output,
    first_pass: Duration,
    observed: Duration,
) {
    let plan = &output.plan;
    eprintln!(
        "keyshift round trip | {} | {} tables | {} converted | {} keys | {} columns | {} FKs | {} views, {} triggers, {} rules, {} policies recreated | {:.1} s, analyze and monitor {:.1} s",
        case.name,
        output.catalog.tables.len(),
        plan.tables.len(),
        plan.tables.iter().filter(|t| t.root.is_some()).count(),
        plan.tables.iter().map(|t| t.columns.len()).sum::<usize>(),
        plan.foreign_keys.len(),
        plan.views.len(),
        plan.triggers.len(),
        plan.rules.len(),
        plan.policies.len(),
        first_pass.as_secs_f64(),
        observed.as_secs_f64()
    );
}

// ---------------------------------------------------------------------------
// Running the cases

/// How many cases of one test run at once: the matrix's tests themselves run in
/// parallel too (one per major and check), so this stays small.
const WORKERS: usize = 2;

/// One case's index, run time and outcome (`Err` holds the panic message).
type CaseResult = (usize, Duration, Result<(), String>);

/// Runs `check` on every case, `WORKERS` at a time, each isolated with
/// `catch_unwind` so that one failure does not hide the others; prints one line
/// per case, then panics listing every case that failed.
pub fn run_cases(label: &str, server: &Server, cases: &[Case], check: fn(&Server, &Case)) {
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<CaseResult>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..WORKERS.min(cases.len()) {
            scope.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(case) = cases.get(i) else { break };
                    let started = Instant::now();
                    let outcome = catch_unwind(AssertUnwindSafe(|| check(server, case)))
                        .map_err(|payload| panic_text(payload.as_ref()));
                    results.lock().unwrap_or_else(|e| e.into_inner()).push((
                        i,
                        started.elapsed(),
                        outcome,
                    ));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(i, _, _)| *i);
    let mut report = format!("{label} on PostgreSQL {}:\n", server.version());
    let mut failed = Vec::new();
    for (i, took, outcome) in &results {
        let name = &cases[*i].name;
        let status = if outcome.is_ok() { "ok" } else { "FAILED" };
        report.push_str(&format!(
            "  {name:<24} {status:<6} {:>6.2}s\n",
            took.as_secs_f64()
        ));
        if let Err(why) = outcome {
            failed.push(format!("--- {name} ---\n{why}"));
        }
    }
    let _ = std::io::stderr().write_all(report.as_bytes());
    assert!(
        failed.is_empty(),
        "{label} on PostgreSQL {}: {} of {} cases failed:\n{}",
        server.version(),
        failed.len(),
        cases.len(),
        failed.join("\n")
    );
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(panic with a non-string payload)".to_owned())
}
