//! Every SQL statement keyshift emits must parse with sqlparser's
//! PostgreSQL dialect, a second opinion beside the live server tests. psql
//! meta-commands (lines starting with a backslash) are not SQL and are
//! left out; PL/pgSQL bodies are dollar-quoted strings to both.

mod cases;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;

#[test]
fn every_emitted_statement_reparses() {
    let mut failures = Vec::new();
    let mut statements = 0;
    for name in cases::names() {
        for (file, text) in cases::output(&name).bundle.files() {
            if !file.ends_with(".sql") {
                continue;
            }
            let sql: String = text
                .lines()
                .map(|l| if l.starts_with('\\') { "" } else { l })
                .collect::<Vec<_>>()
                .join("\n");
            match Parser::parse_sql(&PostgreSqlDialect {}, &sql) {
                Ok(parsed) => statements += parsed.len(),
                Err(e) => failures.push(format!("generated/{name}/{file}: {e}")),
            }
        }
    }
    assert!(failures.is_empty(), "emitted SQL does not reparse:\n{}", failures.join("\n"));
    assert!(statements > 0);
}
