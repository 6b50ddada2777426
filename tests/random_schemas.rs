//! Random schemas, with data, through both paths on a real server: the
//! live catalog must equal the parsed DDL's (`matrix::parity`), and the
//! bundle must round-trip (`matrix::round_trip`: forward, verify, rollback
//! to an identical dump and identical rows, then contract).
//!
//! Each schema comes from a seed, so a failure names the seed and prints
//! the DDL and data that show it. `cargo test` runs [`SEEDS`] seeds;
//! `KEYSHIFT_RANDOM_SCHEMAS=N` runs seeds 1..=N instead (CONTRIBUTING.md
//! gives the longer run).
//!
//! What the generator draws, per table: a `smallint`, `integer` or
//! `bigint` key from a sequence, an identity or nothing, or a composite key
//! of a parent's key and a number; single- and multi-column foreign keys to
//! earlier tables (nullable or not, with any action), self-references, a
//! cycle closed by `ALTER TABLE … ADD CONSTRAINT` (`DEFERRABLE` or not),
//! names that need quotes, a second schema, partial indexes and CHECKs on
//! referencing columns, views over converted tables, inheritance children
//! and tables partitioned by a date (families altered in place), and
//! references without a constraint that keyshift.toml declares. Everything it
//! draws converts: what keyshift refuses has its own cases in `schema/`.

mod matrix;
mod support;

use keyshift::config::toml_string;
use keyshift::plan::Options;
use std::fmt::Write as _;
use std::path::Path;

/// Seeds `cargo test` runs: a handful, so the suite stays fast.
const SEEDS: u64 = 4;

/// A small deterministic generator (xorshift64*), so a seed means the same
/// schema on every machine without a dependency.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A generated table: its quoted name and its key columns with their types.
struct Table {
    quoted: String,
    /// `(quoted column, type)`; one entry, or two for a composite key.
    key: Vec<(String, &'static str)>,
    /// Rows inserted, keyed 1..=rows (composite: (parent key, 1..=rows)).
    rows: usize,
    /// A single key that is not an identity: an inheritance child may
    /// share it (keyshift refuses an identity shared by a family).
    inheritable: bool,
}

const NAMES: [&str; 10] = [
    "accounts",
    "orders",
    "Line Items",
    "select",
    "notes",
    "Tags",
    "öffnungszeiten",
    "user",
    "items_2",
    "a.b",
];

fn quote(name: &str) -> String {
    keyshift::catalog::quote_ident(name)
}

/// The DDL, data and keyshift.toml of seed `seed`.
fn generate(seed: u64) -> (String, String, String) {
    let mut rng = Rng::new(seed);
    let count = 2 + rng.below(5);
    let mut ddl = String::new();
    let mut data = String::new();
    let mut late = String::new();
    let mut config = String::new();
    let mut tables: Vec<Table> = Vec::new();
    let second_schema = rng.chance(30);
    if second_schema {
        ddl.push_str("CREATE SCHEMA \"App Data\";\n");
    }
    for i in 0..count {
        let schema = if second_schema && rng.chance(50) {
            "\"App Data\""
        } else {
            "public"
        };
        let quoted = format!(
            "{schema}.{}",
            quote(&format!("{}{i}", NAMES[rng.below(NAMES.len())]))
        );
        let mut columns: Vec<String> = Vec::new();
        let mut inserts_cols: Vec<String> = Vec::new();
        let rows = 3 + rng.below(5);
        // The key.
        let composite_parent = (!tables.is_empty() && rng.chance(20))
            .then(|| rng.below(tables.len()))
            .filter(|&p| tables[p].key.len() == 1);
        let key: Vec<(String, &'static str)>;
        let mut values: Vec<Vec<String>> = vec![Vec::new(); rows];
        // pg_get_serial_sequence takes the column's name as it is, unquoted.
        let mut id_raw = "";
        // A table partitioned by a date: its key includes the date, so it
        // stays as it is and nothing references it, but its foreign keys
        // to earlier tables convert, the whole partition tree in place.
        let partitioned = composite_parent.is_none() && !tables.is_empty() && rng.chance(15);
        if partitioned {
            columns.push("id bigint NOT NULL".into());
            columns.push("at date NOT NULL".into());
            columns.push("PRIMARY KEY (id, at)".into());
            inserts_cols.extend(["id".to_string(), "at".to_string()]);
            for (r, v) in values.iter_mut().enumerate() {
                v.push((r + 1).to_string());
                v.push(format!(
                    "'{}-06-01'",
                    if rng.chance(50) { 2024 } else { 2026 }
                ));
            }
            key = Vec::new();
        } else if let Some(p) = composite_parent {
            let (_, parent_type) = tables[p].key[0];
            let parent_col = quote("parent id");
            columns.push(format!(
                "{parent_col} {parent_type} NOT NULL REFERENCES {} ON DELETE CASCADE",
                tables[p].quoted
            ));
            columns.push("n integer NOT NULL".into());
            columns.push(format!("PRIMARY KEY ({parent_col}, n)"));
            inserts_cols.extend([parent_col.clone(), "n".into()]);
            for (r, v) in values.iter_mut().enumerate() {
                v.push((1 + rng.below(tables[p].rows)).to_string());
                v.push((r + 1).to_string());
            }
            key = vec![(parent_col, parent_type), ("n".into(), "integer")];
        } else {
            let (decl, ty) = *rng.pick(&[
                ("bigserial", "bigint"),
                ("serial", "integer"),
                ("smallint", "smallint"),
                ("bigint GENERATED BY DEFAULT AS IDENTITY", "bigint"),
                ("integer GENERATED ALWAYS AS IDENTITY", "integer"),
                ("integer", "integer"),
            ]);
            let raw = if rng.chance(20) { "ID" } else { "id" };
            id_raw = raw;
            let id = quote(raw);
            columns.push(format!("{id} {decl} PRIMARY KEY"));
            inserts_cols.push(id.clone());
            for (r, v) in values.iter_mut().enumerate() {
                v.push((r + 1).to_string());
            }
            key = vec![(id, ty)];
        }
        columns.push("label text NOT NULL".into());
        inserts_cols.push("label".into());
        for (r, v) in values.iter_mut().enumerate() {
            v.push(format!("'row {r} of {i}'"));
        }
        // Foreign keys to earlier tables.
        let mut referencing: Vec<String> = Vec::new();
        for (j, parent) in tables.iter().enumerate() {
            if parent.key.is_empty() || !rng.chance(45) {
                continue;
            }
            let nullable = rng.chance(50);
            let action = *rng.pick(&[
                "",
                " ON DELETE CASCADE",
                " ON DELETE SET NULL",
                " ON UPDATE CASCADE",
                " ON DELETE RESTRICT",
            ]);
            let action = if action == " ON DELETE SET NULL" && !nullable {
                ""
            } else {
                action
            };
            let cols: Vec<String> = parent
                .key
                .iter()
                .enumerate()
                .map(|(k, _)| quote(&format!("ref{j} {k}")))
                .collect();
            for (c, (_, ty)) in cols.iter().zip(&parent.key) {
                columns.push(format!(
                    "{c} {ty}{}",
                    if nullable { "" } else { " NOT NULL" }
                ));
                inserts_cols.push(c.clone());
            }
            let parent_cols: Vec<&str> = parent.key.iter().map(|(c, _)| c.as_str()).collect();
            if parent.key.len() == 1 && rng.chance(25) {
                // No constraint: keyshift.toml declares the reference.
                writeln!(
                    config,
                    "[[reference]]\nfrom = {}\nto = {}\n",
                    toml_string(&format!("{quoted}.{}", cols[0])),
                    toml_string(&format!("{}.{}", parent.quoted, parent_cols[0]))
                )
                .unwrap();
            } else {
                columns.push(format!(
                    "FOREIGN KEY ({}) REFERENCES {} ({}){action}",
                    cols.join(", "),
                    parent.quoted,
                    parent_cols.join(", ")
                ));
            }
            for v in values.iter_mut() {
                let row = 1 + rng.below(parent.rows);
                if nullable && rng.chance(25) {
                    v.extend(cols.iter().map(|_| "NULL".to_string()));
                } else if parent.key.len() == 2 {
                    // A composite parent: rows are (its parent key, n); pick
                    // one that exists by reading it back.
                    for (column, _) in &parent.key {
                        v.push(format!(
                            "(SELECT {column} FROM {} ORDER BY {}, {} OFFSET {} LIMIT 1)",
                            parent.quoted,
                            parent.key[0].0,
                            parent.key[1].0,
                            row - 1
                        ));
                    }
                } else {
                    v.push(row.to_string());
                }
            }
            if parent.key.len() == 1 {
                referencing.push(cols[0].clone());
            }
        }
        // A self-reference.
        let self_ref = key.len() == 1 && rng.chance(30);
        if self_ref {
            columns.push(format!(
                "{} {} REFERENCES {quoted} ON DELETE SET NULL",
                quote("parent"),
                key[0].1
            ));
        }
        if let Some(c) = referencing.first()
            && rng.chance(30)
        {
            columns.push(format!("CHECK ({c} IS NOT NULL OR label <> '')"));
        }
        let partition_by = if partitioned {
            " PARTITION BY RANGE (at)"
        } else {
            ""
        };
        writeln!(
            ddl,
            "CREATE TABLE {quoted} (\n    {}\n){partition_by};",
            columns.join(",\n    ")
        )
        .unwrap();
        if partitioned {
            let part = |suffix: &str| format!("{schema}.{}", quote(&format!("part {i} {suffix}")));
            writeln!(
                ddl,
                "CREATE TABLE {} PARTITION OF {quoted} FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');\nCREATE TABLE {} PARTITION OF {quoted} DEFAULT;",
                part("2024"),
                part("rest")
            )
            .unwrap();
        }
        if let Some(c) = referencing.first()
            && rng.chance(40)
        {
            writeln!(ddl, "CREATE INDEX ON {quoted} ({c}) WHERE {c} IS NOT NULL;").unwrap();
        }
        if key.len() == 1 && rng.chance(30) {
            writeln!(
                ddl,
                "CREATE VIEW {} AS SELECT {}, label FROM {quoted};",
                quote(&format!("v{i}")),
                key[0].0
            )
            .unwrap();
        }
        // The rows: an identity ALWAYS key takes OVERRIDING SYSTEM VALUE.
        let overriding = if columns[0].contains("ALWAYS") {
            " OVERRIDING SYSTEM VALUE"
        } else {
            ""
        };
        for v in &values {
            writeln!(
                data,
                "INSERT INTO {quoted} ({}){overriding} VALUES ({});",
                inserts_cols.join(", "),
                v.join(", ")
            )
            .unwrap();
        }
        if self_ref {
            writeln!(
                data,
                "UPDATE {quoted} SET {} = {} WHERE {} > 1;",
                quote("parent"),
                format_args!("{} - 1", key[0].0),
                key[0].0
            )
            .unwrap();
        }
        if key.len() == 1 && (columns[0].contains("serial") || columns[0].contains("IDENTITY")) {
            writeln!(
                data,
                "SELECT setval(pg_get_serial_sequence('{}', '{}'), {rows});",
                quoted.replace('\'', "''"),
                id_raw
            )
            .unwrap();
        }
        let inheritable = key.len() == 1 && !columns[0].contains("IDENTITY");
        tables.push(Table {
            quoted,
            key,
            rows,
            inheritable,
        });
    }
    let mut children = String::new();
    // Inheritance children: a copy of two parent rows each, under ids of
    // their own (a family's ids share one map, so they must not collide).
    for (i, t) in tables.iter().enumerate() {
        if !t.inheritable || !rng.chance(25) {
            continue;
        }
        let child = format!("public.{}", quote(&format!("child of {i}")));
        // Created after the cycle's ALTERs (below), so `p.*` lists the
        // child's inherited columns in its own order.
        writeln!(
            children,
            "CREATE TABLE {child} (extra text) INHERITS ({});",
            t.quoted
        )
        .unwrap();
        writeln!(
            data,
            "INSERT INTO {child} SELECT p.*, 'extra' FROM ONLY {} p WHERE p.{key} <= 2;\nUPDATE ONLY {child} SET {key} = {key} + 1000;",
            t.quoted,
            key = t.key[0].0
        )
        .unwrap();
    }
    // A cycle: an earlier table references a later one, added afterwards.
    if tables.len() >= 2 && rng.chance(40) {
        let later = tables.len() - 1;
        let earlier = rng.below(later);
        if tables[later].key.len() == 1 && tables[earlier].key.len() == 1 {
            let (e, l) = (&tables[earlier], &tables[later]);
            let col = quote("late ref");
            let deferrable = if rng.chance(50) {
                " DEFERRABLE INITIALLY DEFERRED"
            } else {
                ""
            };
            writeln!(
                late,
                "ALTER TABLE {} ADD COLUMN {col} {};\nALTER TABLE {} ADD CONSTRAINT {} FOREIGN KEY ({col}) REFERENCES {} ({}){deferrable};",
                e.quoted,
                l.key[0].1,
                e.quoted,
                quote("closes the cycle"),
                l.quoted,
                l.key[0].0
            )
            .unwrap();
            writeln!(data, "UPDATE {} SET {col} = 1;", e.quoted).unwrap();
        }
    }
    ddl.push_str(&late);
    ddl.push_str(&children);
    (ddl, data, config)
}

fn case(seed: u64, dir: &Path) -> matrix::Case {
    let (ddl, data, config) = generate(seed);
    std::fs::write(dir.join("schema.sql"), &ddl).expect("write schema");
    std::fs::write(dir.join("data.sql"), &data).expect("write data");
    // Shown when the test fails: the seed's schema and rows.
    println!("seed {seed}:\n{ddl}\n{data}\n-- keyshift.toml:\n{config}");
    matrix::Case {
        name: format!("random_{seed}"),
        ddl: dir.join("schema.sql"),
        load: vec![dir.join("schema.sql"), dir.join("data.sql")],
        writes: None,
        refusals: Vec::new(),
        setup: None,
        options: Options::default(),
        config: (!config.is_empty()).then(|| {
            keyshift::config::Config::parse("keyshift.toml", &config)
                .unwrap_or_else(|e| panic!("seed {seed}: {e}"))
        }),
    }
}

fn seeds() -> u64 {
    std::env::var("KEYSHIFT_RANDOM_SCHEMAS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(SEEDS)
}

#[test]
fn random_schemas_convert_and_round_trip() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    for seed in 1..=seeds() {
        let dir = tempfile::tempdir().expect("temp dir");
        let case = case(seed, dir.path());
        matrix::parity(server, &case);
        matrix::round_trip(server, &case);
    }
}

/// The first seeds `cargo test` runs, and a longer run's, draw every
/// feature the generator knows.
#[test]
fn the_seeds_cover_every_feature() {
    let all: Vec<String> = (1..=SEEDS.max(12))
        .map(|seed| {
            let (ddl, data, config) = generate(seed);
            ddl + &data + &config
        })
        .collect();
    for (feature, needle) in [
        ("composite key", "PRIMARY KEY (\"parent id\", n)"),
        ("multi-column foreign key", " 1\", \"ref"),
        ("self-reference", "\"parent\" "),
        ("cycle", "\"closes the cycle\""),
        ("deferrable cycle", "DEFERRABLE INITIALLY DEFERRED"),
        ("second schema", "\"App Data\"."),
        ("view", "CREATE VIEW"),
        ("partial index", "IS NOT NULL;"),
        ("check", "CHECK ("),
        ("identity always", "GENERATED ALWAYS AS IDENTITY"),
        ("quoted key", "\"ID\""),
        ("smallint key", "smallint PRIMARY KEY"),
        ("inheritance child", "INHERITS ("),
        ("partitioned table", "PARTITION BY RANGE (at)"),
        ("declared reference", "[[reference]]"),
    ] {
        assert!(
            all.iter().any(|s| s.contains(needle)),
            "no seed draws a {feature}"
        );
    }
    let first: Vec<&String> = all.iter().take(SEEDS as usize).collect();
    assert!(
        first.iter().any(|s| s.contains("closes the cycle"))
            && first
                .iter()
                .any(|s| s.contains("PRIMARY KEY (\"parent id\", n)")),
        "cargo test's seeds include a cycle and a composite key"
    );
}

#[test]
fn generation_is_deterministic() {
    assert_eq!(generate(7), generate(7));
    assert_ne!(generate(7), generate(8));
}
