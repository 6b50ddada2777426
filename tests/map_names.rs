//! A map is named after its table in schema `keyshift`, where the bundle
//! also creates tables of its own. No map may take one of their names:
//! `public.fresh` once got the map `keyshift.fresh_ids`, the name of the
//! table rollback records fresh ids in, and rollback then failed. The
//! round trip of `schema/same_name_schemas` (which holds `public.fresh`)
//! proves the whole bundle on a server; these tests keep the list of
//! reserved names complete and every reserved name out of the maps.

use keyshift::pipeline;
use keyshift::plan::{KEYSHIFT_TABLES, Options};
use std::collections::BTreeSet;

/// Every `CREATE TABLE keyshift.name` in the templates, whatever its kind.
fn created_in_templates() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for entry in std::fs::read_dir("templates").expect("templates/") {
        let text = std::fs::read_to_string(entry.expect("entry").path()).expect("template");
        for (at, marker) in text.match_indices("TABLE keyshift.") {
            let name: String = text[at + marker.len()..]
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            let line = text[..at].rsplit('\n').next().unwrap_or_default();
            if line.trim_start().starts_with("CREATE") {
                names.insert(name);
            }
        }
    }
    names
}

#[test]
fn the_reserved_names_are_every_table_the_templates_create() {
    let created = created_in_templates();
    let reserved: BTreeSet<String> = KEYSHIFT_TABLES.iter().map(|t| t.to_string()).collect();
    assert!(!created.is_empty(), "no CREATE TABLE keyshift.… found");
    assert_eq!(
        created, reserved,
        "plan::KEYSHIFT_TABLES must list exactly the tables the templates create in schema keyshift"
    );
}

/// A table named so that its map would take a reserved name gets another.
#[test]
fn no_map_takes_a_reserved_name() {
    let mut ddl = String::new();
    for reserved in KEYSHIFT_TABLES {
        let table = reserved.strip_suffix("_ids").unwrap_or(reserved);
        ddl.push_str(&format!(
            "CREATE TABLE public.\"{table}\" (id serial PRIMARY KEY);\n"
        ));
    }
    let output = pipeline::run("reserved.sql", &ddl, &Options::default()).expect("plans");
    let maps: Vec<&str> = output
        .plan
        .tables
        .iter()
        .filter_map(|t| t.root.as_ref())
        .map(|r| r.map_table.as_str())
        .collect();
    assert_eq!(maps.len(), KEYSHIFT_TABLES.len());
    for map in maps {
        assert!(!KEYSHIFT_TABLES.contains(&map), "a map is named {map}");
    }
}
