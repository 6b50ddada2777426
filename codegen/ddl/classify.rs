//! Decides what a statement is from its leading words, before any parsing.
//!
//! Most of a dump (data, grants, comments, functions) never reaches the
//! tokenizer: knowing the kind from a few words keeps large scripts fast and
//! lets statements outside the catalog be counted instead of parsed.

/// What a statement is, as far as the catalog is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// `CREATE [UNLOGGED] TABLE`.
    CreateTable,
    /// `CREATE [UNIQUE] INDEX`.
    CreateIndex,
    /// `CREATE [MATERIALIZED | RECURSIVE] VIEW`.
    CreateView,
    /// `CREATE [UNLOGGED] SEQUENCE`.
    CreateSequence,
    /// `CREATE [CONSTRAINT] TRIGGER`.
    CreateTrigger,
    /// `CREATE POLICY`.
    CreatePolicy,
    /// `CREATE RULE`.
    CreateRule,
    /// `CREATE DOMAIN` / `CREATE TYPE` (the keyword), counted but remembered.
    CreateType(&'static str),
    /// `CREATE FUNCTION` / `CREATE PROCEDURE`, counted but remembered.
    CreateFunction(&'static str),
    /// `CREATE FOREIGN TABLE`, counted but remembered (views may read it).
    CreateForeignTable,
    /// `ALTER TABLE`.
    AlterTable,
    /// `ALTER SEQUENCE`.
    AlterSequence,
    /// `ALTER INDEX`.
    AlterIndex,
    /// `ALTER [MATERIALIZED] VIEW`.
    AlterView,
    /// `ALTER POLICY` (a new name or new expressions).
    AlterPolicy,
    /// `DROP …`.
    Drop,
    /// `SET …` (may set `search_path`).
    Set,
    /// `RESET …`.
    Reset,
    /// `SELECT …` (may be pg_dump's `set_config('search_path', …)`).
    Select,
    /// `DO` (an anonymous code block, which may run DDL).
    Do,
    /// `CREATE SCHEMA` (which may embed `CREATE TABLE` and friends).
    CreateSchema,
    /// Anything else: skipped and counted under this label.
    Skip(String),
}

/// Up to eight leading words, upper-cased, skipping comments.
pub(crate) fn leading_words(text: &str) -> Vec<String> {
    let bytes = text.as_bytes();
    let mut words = Vec::new();
    let mut i = 0;
    while i < bytes.len() && words.len() < 8 {
        let b = bytes[i];
        if b.is_ascii_whitespace() {
            i += 1;
        } else if text[i..].starts_with("--") {
            i = text[i..].find('\n').map_or(bytes.len(), |p| i + p);
        } else if text[i..].starts_with("/*") {
            i = text[i..].find("*/").map_or(bytes.len(), |p| i + p + 2);
        } else if b.is_ascii_alphabetic() || b == b'_' {
            let start = i;
            while i < bytes.len()
                && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' || bytes[i] == b'$')
            {
                i += 1;
            }
            words.push(text[start..i].to_ascii_uppercase());
        } else {
            break;
        }
    }
    words
}

/// Classifies one statement.
pub(crate) fn classify(text: &str) -> Kind {
    let words = leading_words(text);
    let w = |i: usize| words.get(i).map_or("", String::as_str);
    match w(0) {
        "CREATE" => classify_create(&words),
        "ALTER" => match (w(1), w(2)) {
            ("TABLE", _) => Kind::AlterTable,
            ("SEQUENCE", _) => Kind::AlterSequence,
            ("INDEX", _) => Kind::AlterIndex,
            ("VIEW", _) | ("MATERIALIZED", "VIEW") => Kind::AlterView,
            ("POLICY", _) => Kind::AlterPolicy,
            (first, second) => Kind::Skip(label("ALTER", first, second)),
        },
        "DROP" => Kind::Drop,
        "SET" => Kind::Set,
        "RESET" => Kind::Reset,
        "SELECT" => Kind::Select,
        "DO" => Kind::Do,
        "START" => Kind::Skip("START TRANSACTION".into()),
        "SECURITY" => Kind::Skip("SECURITY LABEL".into()),
        "REFRESH" => Kind::Skip("REFRESH MATERIALIZED VIEW".into()),
        "IMPORT" => Kind::Skip("IMPORT FOREIGN SCHEMA".into()),
        "" => Kind::Skip("empty statement".into()),
        first => Kind::Skip(first.to_string()),
    }
}

fn classify_create(words: &[String]) -> Kind {
    let mut i = 1;
    let mut temp = false;
    while let Some(w) = words.get(i) {
        match w.as_str() {
            "OR" | "REPLACE" | "GLOBAL" | "LOCAL" | "UNLOGGED" | "UNIQUE" | "CONSTRAINT"
            | "RECURSIVE" | "MATERIALIZED" | "TRUSTED" | "PROCEDURAL" | "DEFAULT" => {}
            "TEMP" | "TEMPORARY" => temp = true,
            _ => break,
        }
        i += 1;
    }
    let object = words.get(i).map_or("", String::as_str);
    let next = words.get(i + 1).map_or("", String::as_str);
    match object {
        "TABLE" if temp => Kind::Skip("CREATE TEMPORARY TABLE".into()),
        "VIEW" if temp => Kind::Skip("CREATE TEMPORARY VIEW".into()),
        "SEQUENCE" if temp => Kind::Skip("CREATE TEMPORARY SEQUENCE".into()),
        "TABLE" => Kind::CreateTable,
        "INDEX" => Kind::CreateIndex,
        "VIEW" => Kind::CreateView,
        "SEQUENCE" => Kind::CreateSequence,
        "TRIGGER" => Kind::CreateTrigger,
        "POLICY" => Kind::CreatePolicy,
        "RULE" => Kind::CreateRule,
        "DOMAIN" => Kind::CreateType("DOMAIN"),
        "TYPE" => Kind::CreateType("TYPE"),
        "FUNCTION" => Kind::CreateFunction("FUNCTION"),
        "SCHEMA" => Kind::CreateSchema,
        "PROCEDURE" => Kind::CreateFunction("PROCEDURE"),
        "FOREIGN" if next == "TABLE" => Kind::CreateForeignTable,
        _ => Kind::Skip(label("CREATE", object, next)),
    }
}

/// `VERB OBJECT`, with the second word for the multi-word object types.
fn label(verb: &str, first: &str, second: &str) -> String {
    let two_words = matches!(
        (first, second),
        ("TEXT", "SEARCH")
            | ("FOREIGN", _)
            | ("EVENT", "TRIGGER")
            | ("USER", "MAPPING")
            | ("OPERATOR", "CLASS" | "FAMILY")
            | ("DEFAULT", "PRIVILEGES")
            | ("LARGE", "OBJECT")
            | ("ACCESS", "METHOD")
    );
    if two_words {
        format!("{verb} {first} {second}")
    } else {
        format!("{verb} {first}").trim_end().to_string()
    }
}

/// True when `body` (e.g. a `DO` block) contains a statement that would
/// change tables, indexes, sequences or views.
pub(crate) fn runs_ddl(body: &str) -> bool {
    let words: Vec<String> = body
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_uppercase)
        .collect();
    words.windows(2).any(|w| {
        matches!(w[0].as_str(), "CREATE" | "ALTER" | "DROP")
            && matches!(
                w[1].as_str(),
                "TABLE" | "INDEX" | "UNIQUE" | "VIEW" | "MATERIALIZED" | "SEQUENCE" | "UNLOGGED"
            )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_by_leading_words() {
        assert_eq!(classify("CREATE UNLOGGED TABLE t ()"), Kind::CreateTable);
        assert_eq!(
            classify("/* x */ create unique index i on t (a)"),
            Kind::CreateIndex
        );
        assert_eq!(
            classify("CREATE OR REPLACE RECURSIVE VIEW v"),
            Kind::CreateView
        );
        assert_eq!(classify("CREATE MATERIALIZED VIEW v"), Kind::CreateView);
        assert_eq!(
            classify("CREATE TEMP TABLE t (a int)"),
            Kind::Skip("CREATE TEMPORARY TABLE".into())
        );
        assert_eq!(classify("CREATE CONSTRAINT TRIGGER t"), Kind::CreateTrigger);
        assert_eq!(
            classify("CREATE OR REPLACE FUNCTION f()"),
            Kind::CreateFunction("FUNCTION")
        );
        assert_eq!(
            classify("CREATE TEXT SEARCH CONFIGURATION x"),
            Kind::Skip("CREATE TEXT SEARCH".into())
        );
        assert_eq!(
            classify("ALTER MATERIALIZED VIEW v OWNER TO x"),
            Kind::AlterView
        );
        assert_eq!(
            classify("ALTER FUNCTION f() OWNER TO x"),
            Kind::Skip("ALTER FUNCTION".into())
        );
        assert_eq!(classify("GRANT ALL ON t TO x"), Kind::Skip("GRANT".into()));
        assert_eq!(
            classify("CREATE DATABASE x"),
            Kind::Skip("CREATE DATABASE".into())
        );
        assert_eq!(classify("DO $$ BEGIN END $$"), Kind::Do);
    }

    #[test]
    fn finds_ddl_in_code_blocks() {
        assert!(runs_ddl("BEGIN EXECUTE 'create table x (a int)'; END"));
        assert!(!runs_ddl("BEGIN CREATE ROLE x; RAISE NOTICE 'table'; END"));
    }
}
