//! The DDL path must answer every input with a bundle or an error, never a
//! panic: schema files come from users, dumps of every age and hand edits.
//! Random scripts are built from fragments of the statements keyshift
//! parses (so the parsers get deep, not just the tokenizer) mixed with
//! quoting characters, with a fixed seed so every run checks the same
//! inputs. `KEYSHIFT_FUZZ_CASES` raises the count for a longer run.

use keyshift::plan::Options;

const FRAGMENTS: &[&str] = &[
    "CREATE TABLE ",
    "t",
    "u",
    "public.",
    "\"Q\"",
    " (",
    ")",
    ", ",
    ";",
    "\n",
    "id ",
    "serial ",
    "bigserial ",
    "integer ",
    "bigint ",
    "uuid ",
    "text ",
    "PRIMARY KEY",
    " REFERENCES ",
    "t (id)",
    " ON DELETE CASCADE",
    " NOT NULL",
    " DEFAULT ",
    "nextval('s'::regclass)",
    "0",
    "-1",
    "CHECK (",
    "id > 0",
    "ALTER TABLE ",
    "ONLY ",
    "ADD CONSTRAINT ",
    "c ",
    "FOREIGN KEY (",
    "UNIQUE (",
    "ALTER COLUMN ",
    "SET DEFAULT ",
    "ADD GENERATED ALWAYS AS IDENTITY (",
    "SEQUENCE NAME s START WITH 1 INCREMENT BY 1",
    "CREATE SEQUENCE s",
    " AS integer",
    " OWNED BY t.id",
    "CREATE INDEX i ON ",
    " WHERE ",
    "USING btree ",
    "CREATE VIEW v AS SELECT ",
    "* FROM t",
    "CREATE MATERIALIZED VIEW m AS ",
    " WITH NO DATA",
    "PARTITION BY RANGE (id)",
    " PARTITION OF ",
    "FOR VALUES FROM (1) TO (2)",
    "ATTACH PARTITION ",
    " INHERITS (t)",
    "CREATE DOMAIN d AS integer",
    "CREATE POLICY p ON t ",
    "CREATE TRIGGER g BEFORE UPDATE ON t FOR EACH ROW EXECUTE FUNCTION f()",
    "CREATE RULE r AS ON DELETE TO t DO INSTEAD NOTHING",
    "COMMENT ON TABLE t IS ",
    "'",
    "''",
    "\"",
    "$$",
    "$f$",
    "--",
    "/*",
    "*/",
    "\\",
    "\\.",
    "COPY t (id) FROM stdin",
    "SET search_path = ",
    "SET client_encoding = 'LATIN1'",
    "é",
    "\u{0}",
    "\r",
    "(",
    "((",
    "DROP TABLE ",
    "ALTER TABLE t RENAME TO u",
    "CREATE TYPE e AS ENUM ('a')",
];

#[test]
fn random_scripts_never_panic() {
    let cases: usize = std::env::var("KEYSHIFT_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(3_000);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let mut failures = Vec::new();
    for _ in 0..cases {
        let len = 1 + (next() % 40) as usize;
        let script: String = (0..len)
            .map(|_| FRAGMENTS[(next() % FRAGMENTS.len() as u64) as usize])
            .collect();
        let outcome = std::panic::catch_unwind(|| {
            let _ = keyshift::pipeline::run("fuzz.sql", &script, &Options::default());
        });
        if outcome.is_err() {
            failures.push(script);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {cases} scripts panicked; the first:\n{:?}",
        failures.len(),
        failures[0]
    );
}

/// The splitter on its own, fed character soup heavy in the characters it
/// treats specially (quotes, dollars, backslashes, comment starts).
#[test]
fn character_soup_never_panics() {
    const CHARS: &[char] = &[
        '\'', '"', '$', '\\', '-', '/', '*', ';', '\n', '\r', '(', ')', 'a', 'E', 'f', '1', ' ',
        '.', 'é', '\u{0}', 'C', 'O', 'P', 'Y',
    ];
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    for _ in 0..3_000 {
        let len = (next() % 64) as usize;
        let text: String = (0..len)
            .map(|_| CHARS[(next() % CHARS.len() as u64) as usize])
            .collect();
        let outcome = std::panic::catch_unwind(|| {
            let _ = keyshift::ddl::split_statements(&text);
            let _ = keyshift::pipeline::run("soup.sql", &text, &Options::default());
        });
        assert!(outcome.is_ok(), "panicked on {text:?}");
    }
}
