//! Parses every real-world schema in `../shared/corpus` (see its
//! `MANIFEST.md`) and checks the table counts PostgreSQL reported after
//! loading it. The corpus is not part of the repository; when it is missing
//! the test says so loudly and passes, except under CI, where it fails like
//! every other corpus test.

mod support;

use keyshift::catalog::Catalog;
use keyshift::ddl::parse_schema;
use std::path::{Path, PathBuf};

/// One case of `MANIFEST.md`: the counts PostgreSQL reported after loading.
struct Case {
    name: &'static str,
    /// The schema file, relative to the corpus.
    file: &'static str,
    /// Ordinary and partitioned tables, not counting partitions.
    tables: usize,
    /// Tables whose primary key is a single integer column.
    int_pk: usize,
    /// Tables with a multi-column primary key.
    composite_pk: usize,
    /// Tables without a primary key.
    no_pk: usize,
    /// Foreign keys, not counting copies on partitions.
    fks: usize,
    /// Self-referencing foreign keys.
    self_refs: usize,
}

const fn case(
    name: &'static str,
    file: &'static str,
    [tables, int_pk, composite_pk, no_pk, fks, self_refs]: [usize; 6],
) -> Case {
    Case {
        name,
        file,
        tables,
        int_pk,
        composite_pk,
        no_pk,
        fks,
        self_refs,
    }
}

/// MANIFEST.md's cases, in its order, with the schema file of each.
const CASES: &[Case] = &[
    case(
        "chinook",
        "chinook/Chinook_PostgreSql.sql",
        [11, 10, 1, 0, 11, 1],
    ),
    case(
        "chinook_serial",
        "chinook/Chinook_PostgreSql_SerialPKs.sql",
        [11, 10, 1, 0, 11, 1],
    ),
    case(
        "chinook_identity",
        "chinook/Chinook_PostgreSql_AutoIncrementPKs.sql",
        [11, 10, 1, 0, 11, 1],
    ),
    case("pagila", "pagila/pagila-schema.sql", [15, 12, 3, 0, 36, 0]),
    case(
        "sakila",
        "sakila/postgres-sakila-schema.sql",
        [21, 13, 2, 6, 40, 0],
    ),
    case("northwind", "northwind/northwind.sql", [14, 8, 3, 0, 13, 1]),
    case("mastodon", "mastodon/dump.sql", [91, 86, 0, 3, 118, 4]),
    // `employee.sql` loads its data with `\i load_*.sql`; the parser does no
    // I/O, so the includes are counted and skipped. All DDL is in this file.
    case("employees", "employees/employee.sql", [7, 2, 4, 0, 6, 0]),
    case("world", "world/world.sql", [3, 1, 1, 0, 2, 0]),
    case("listmonk", "listmonk/schema.sql", [16, 12, 1, 2, 19, 1]),
    case(
        "guacamole",
        "guacamole/001-create-schema.sql",
        [23, 9, 14, 0, 30, 1],
    ),
    case("tpcc", "tpcc/ddl-postgres.sql", [9, 2, 6, 1, 10, 0]),
    case(
        "auctionmark",
        "auctionmark/ddl-postgres.sql",
        [17, 2, 12, 1, 25, 1],
    ),
    case(
        "dellstore2",
        "dellstore2/dellstore2-normal-1.0.sql",
        [8, 5, 0, 3, 3, 0],
    ),
];

/// The corpus, or `None` after the loud banner every corpus test prints;
/// under CI a missing corpus fails this test as it fails the others.
fn corpus() -> Option<PathBuf> {
    support::corpus_or_skip("the DDL corpus test")
}

fn load(dir: &Path, file: &str) -> Catalog {
    // world.sql is Latin-1 in its data rows; the DDL itself is ASCII.
    let bytes = std::fs::read(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
    let sql = String::from_utf8_lossy(&bytes);
    let started = std::time::Instant::now();
    let parsed = parse_schema(file, &sql).unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{file}: {} tables ({} partitions), {} sequences, {} views, {} triggers in {:?}; skipped {:?}",
        parsed
            .catalog
            .tables
            .iter()
            .filter(|t| t.partition_of.is_none())
            .count(),
        parsed
            .catalog
            .tables
            .iter()
            .filter(|t| t.partition_of.is_some())
            .count(),
        parsed.catalog.sequences.len(),
        parsed.catalog.views.len(),
        parsed.catalog.triggers.len(),
        started.elapsed(),
        parsed.skipped,
    );
    parsed.catalog
}

#[test]
fn corpus_schemas_parse_with_manifest_counts() {
    let Some(dir) = corpus() else { return };
    let mut failures = Vec::new();
    for case in CASES {
        let catalog = load(&dir, case.file);
        let tables: Vec<_> = catalog
            .tables
            .iter()
            .filter(|t| t.partition_of.is_none())
            .collect();
        let composite_pk = tables
            .iter()
            .filter(|t| t.primary_key.as_ref().is_some_and(|k| k.columns.len() > 1))
            .count();
        let int_pk = tables
            .iter()
            .filter(|t| {
                t.primary_key.as_ref().is_some_and(|k| {
                    k.columns.len() == 1
                        && t.column(&k.columns[0])
                            .is_some_and(|c| c.data_type.int_kind.is_some())
                })
            })
            .count();
        let fks: usize = catalog.tables.iter().map(|t| t.foreign_keys.len()).sum();
        let self_refs = catalog
            .tables
            .iter()
            .flat_map(|t| {
                t.foreign_keys
                    .iter()
                    .filter(move |f| f.referenced_table == t.name)
            })
            .count();
        let got = [
            tables.len(),
            int_pk,
            composite_pk,
            tables.iter().filter(|t| t.primary_key.is_none()).count(),
            fks,
            self_refs,
        ];
        let want = [
            case.tables,
            case.int_pk,
            case.composite_pk,
            case.no_pk,
            case.fks,
            case.self_refs,
        ];
        if got != want {
            failures.push(format!(
                "{}: [tables, int PK, composite PK, no PK, FKs, self] = {got:?}, MANIFEST.md says {want:?}",
                case.name
            ));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn pagila_partitions_views_and_domains() {
    let Some(dir) = corpus() else { return };
    let c = load(&dir, "pagila/pagila-schema.sql");
    let partitions = c.tables.iter().filter(|t| t.partition_of.is_some()).count();
    assert_eq!(partitions, 7);
    assert_eq!(c.views.len(), 8);
    assert_eq!(c.triggers.len(), 15);
    let film = c
        .tables
        .iter()
        .find(|t| t.name.name == "film")
        .unwrap_or_else(|| panic!("no film table"));
    let year = film.column("release_year").map(|c| c.data_type.clone());
    assert_eq!(
        year.map(|t| (t.name, t.int_kind)),
        Some((
            "public.year".to_string(),
            Some(keyshift::catalog::IntKind::Integer)
        ))
    );
}

#[test]
fn serial_and_identity_variants_agree_on_keys() {
    let Some(dir) = corpus() else { return };
    let plain = load(&dir, "chinook/Chinook_PostgreSql.sql");
    let serial = load(&dir, "chinook/Chinook_PostgreSql_SerialPKs.sql");
    let identity = load(&dir, "chinook/Chinook_PostgreSql_AutoIncrementPKs.sql");
    for c in [&plain, &serial, &identity] {
        let fks: usize = c.tables.iter().map(|t| t.foreign_keys.len()).sum();
        assert_eq!(fks, 11);
        let composite = c
            .tables
            .iter()
            .filter(|t| t.primary_key.as_ref().is_some_and(|k| k.columns.len() > 1))
            .count();
        assert_eq!(composite, 1);
    }
    let with_nextval = serial
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter(|c| c.nextval_sequence().is_some())
        .count();
    assert_eq!(with_nextval, 10);
    let with_identity = identity
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter(|c| c.identity.is_some())
        .count();
    assert_eq!(with_identity, 10);
    assert_eq!(serial.sequences.len(), 10);
    assert_eq!(identity.sequences.len(), 10);
}

#[test]
fn mastodon_serial_sequences_are_owned() {
    let Some(dir) = corpus() else { return };
    let c = load(&dir, "mastodon/dump.sql");
    let nextval = c
        .tables
        .iter()
        .flat_map(|t| &t.columns)
        .filter(|col| col.nextval_sequence().is_some())
        .count();
    assert_eq!(nextval, 82);
    for t in &c.tables {
        for col in &t.columns {
            if let Some(seq) = col.nextval_sequence() {
                assert!(
                    c.sequence(&seq).is_some(),
                    "{}.{} uses missing {seq}",
                    t.name,
                    col.name
                );
            }
        }
    }
    let fks: usize = c.tables.iter().map(|t| t.foreign_keys.len()).sum();
    assert_eq!(fks, 118);
}
