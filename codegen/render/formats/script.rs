//! The psql stages as a runner sends them.
//!
//! psql sends a file one statement at a time; a runner sends a stage as one
//! multi-statement query, which PostgreSQL runs as an implicit transaction
//! until a `BEGIN`. Three things differ, and each is handled here on the
//! rendered text, never in the templates:
//!
//! - The header's `\set ON_ERROR_STOP on` is psql's alone and goes. A
//!   runner stops at the first error anyway: the server skips the rest of a
//!   multi-statement query after one.
//! - A read-only stage opens `BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE
//!   READ READ ONLY` after creating its session-local helpers. In one query
//!   those ran in the implicit transaction, which has taken a snapshot, and
//!   PostgreSQL refuses to set the isolation level then. A `COMMIT` right
//!   before that `BEGIN` ends the implicit transaction, as psql's autocommit
//!   would have (found with keyshift's own splitter, which knows strings,
//!   dollar quotes and comments, so text inside them is never touched).
//!   PostgreSQL answers that `COMMIT` with "WARNING: there is no transaction
//!   in progress" and commits the implicit transaction all the same; under
//!   psql (Sqitch) it is a no-op with the same warning.
//! - The stages of one migration run in one session, and several define the
//!   same `pg_temp` helpers (preflight and forward both record dependents).
//!   Each stage after the first starts with `DISCARD TEMP`, which drops the
//!   session's temporary tables and functions, as a new psql would start
//!   without them.

/// The statement a runner needs before a read-only transaction.
const READ_ONLY_BEGIN: &str = "BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY";

/// What starts every stage after the first.
pub const NEXT_STAGE: &str = "-- keyshift: the previous stage's session-local helpers go, as in a new psql session.\nDISCARD TEMP;\n\n";

/// The stages of one migration, each ready to be sent as one query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Script {
    /// One text per stage, in run order.
    pub stages: Vec<String>,
}

impl Script {
    /// Prepares `stages` (rendered psql files) for a runner.
    pub fn new(stages: &[&str]) -> Script {
        Script {
            stages: stages
                .iter()
                .enumerate()
                .map(|(i, text)| {
                    let text = commit_before_read_only(&without_psql_header(text));
                    if i == 0 {
                        text
                    } else {
                        format!("{NEXT_STAGE}{text}")
                    }
                })
                .collect(),
        }
    }

    /// Every stage in one text, for runners that take one file.
    pub fn joined(&self) -> String {
        self.stages.join("\n")
    }
}

/// `text` without the header's `\set ON_ERROR_STOP on`: the first line
/// after the leading `--` comment lines, which is that line in every file
/// keyshift renders.
pub fn without_psql_header(text: &str) -> String {
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("--") {
            offset += line.len();
            continue;
        }
        assert_eq!(
            line.trim_end(),
            "\\set ON_ERROR_STOP on",
            "a rendered stage starts with its header and psql's \\set"
        );
        return format!("{}{}", &text[..offset], &text[offset + line.len()..]);
    }
    panic!("a rendered stage has a header")
}

/// `text` with `COMMIT;` before each statement that opens a read-only
/// transaction (see the module docs).
pub fn commit_before_read_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut copied = 0;
    for statement in crate::ddl::split_statements(text) {
        if !statement.starts_with(READ_ONLY_BEGIN) {
            continue;
        }
        let start = statement.as_ptr() as usize - text.as_ptr() as usize;
        out.push_str(&text[copied..start]);
        out.push_str(
            "-- keyshift: ends the implicit transaction the helpers above ran in.\nCOMMIT;\n",
        );
        copied = start;
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_psql_header_line_goes_and_nothing_else() {
        let text = "-- a\n-- b\n\\set ON_ERROR_STOP on\n-- c\nSELECT 1;\n";
        assert_eq!(without_psql_header(text), "-- a\n-- b\n-- c\nSELECT 1;\n");
    }

    #[test]
    fn commit_goes_before_each_read_only_begin_only() {
        let text = "CREATE FUNCTION pg_temp.f() RETURNS int LANGUAGE sql AS $k$ SELECT 1; BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY; $k$;\n\
                    SELECT 'BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY';\n\
                    BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;\nSELECT 1;\nCOMMIT;\n";
        let out = commit_before_read_only(text);
        assert_eq!(
            out.matches("\nCOMMIT;\nBEGIN TRANSACTION").count(),
            1,
            "{out}"
        );
        assert_eq!(out.matches("COMMIT;").count(), 2, "{out}");
        assert_eq!(
            out.replace(
                "-- keyshift: ends the implicit transaction the helpers above ran in.\nCOMMIT;\n",
                ""
            ),
            text
        );
    }

    #[test]
    fn later_stages_discard_the_session_helpers() {
        let s = Script::new(&[
            "-- h\n\\set ON_ERROR_STOP on\nSELECT 1;\n",
            "-- h\n\\set ON_ERROR_STOP on\nSELECT 2;\n",
        ]);
        assert_eq!(s.stages[0], "-- h\nSELECT 1;\n");
        assert!(s.stages[1].starts_with(NEXT_STAGE));
        assert!(!s.joined().contains('\\'));
    }
}
