//! Every SQL statement keyshift emits must parse with sqlparser's
//! PostgreSQL dialect, a second opinion beside the live server tests. psql
//! meta-commands are not SQL and are left out; PL/pgSQL bodies are
//! dollar-quoted strings to both.
//!
//! A few statements PostgreSQL accepts (the live round trips run them) are
//! outside sqlparser's grammar and have no other spelling. They are listed
//! in `SQLPARSER_GAPS` with the reason; the test fails if any other
//! statement does not parse, and also if a listed gap is no longer needed.

mod cases;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use std::collections::BTreeSet;

/// (what the statement contains, why it cannot be written otherwise)
const SQLPARSER_GAPS: &[(&str, &str)] = &[
    (
        " DROP IDENTITY",
        "forward must drop an identity before the column can become uuid; sqlparser 0.64 lacks ALTER COLUMN ... DROP IDENTITY",
    ),
    (
        " AS IDENTITY (SEQUENCE NAME ",
        "rollback recreates the identity under its original sequence name; sqlparser 0.64 lacks the SEQUENCE NAME option",
    ),
];

#[test]
fn every_emitted_statement_reparses() {
    let mut failures = Vec::new();
    let mut gaps_used = BTreeSet::new();
    let mut parsed = 0;
    for name in cases::names() {
        for (file, text) in cases::output(&name).bundle.files() {
            if !file.ends_with(".sql") {
                continue;
            }
            for statement in keyshift::ddl::split_statements(text) {
                let statement = statement.trim();
                if statement.is_empty() || statement.starts_with('\\') {
                    continue;
                }
                match Parser::parse_sql(&PostgreSqlDialect {}, statement) {
                    Ok(_) => parsed += 1,
                    Err(e) => match SQLPARSER_GAPS
                        .iter()
                        .position(|(needle, _)| statement.contains(needle))
                    {
                        Some(i) => {
                            gaps_used.insert(i);
                        }
                        None => {
                            failures.push(format!("generated/{name}/{file}: {e}\n    {statement}"))
                        }
                    },
                }
            }
        }
    }
    assert!(
        failures.is_empty(),
        "emitted SQL does not reparse:\n{}",
        failures.join("\n")
    );
    for (i, (needle, why)) in SQLPARSER_GAPS.iter().enumerate() {
        assert!(
            gaps_used.contains(&i),
            "sqlparser now parses {needle:?} ({why}): remove it from SQLPARSER_GAPS"
        );
    }
    assert!(parsed > 1000, "only {parsed} statements parsed");
}
