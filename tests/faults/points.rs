//! A bundle file cut into the points where it can be killed: after each of
//! its statements (and meta-commands), as psql sends them.
//!
//! The file is split by `keyshift::ddl::split_statements`, which cuts as
//! psql's lexer does (dollar quotes, strings, comments, meta-commands). A
//! kill is injected into a copy of the file right after the statement's
//! `;`, with the rest of the file left in place after it: psql must never
//! reach it.

use std::path::Path;

/// One statement of a bundle file.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Byte offset just past the statement's `;` (or the meta-command's line).
    pub end: usize,
    /// Byte offset of its first character.
    pub start: usize,
    /// 1-based line where the statement starts.
    pub line: usize,
    /// The statement's first line, for messages.
    pub head: String,
    /// Whether a COMMIT of the file's work has completed once this statement
    /// has: a `COMMIT` ran at or before it, or a statement outside any
    /// transaction block that can leave something behind (see
    /// [`leaves_nothing`]) did.
    pub committed: bool,
    /// Whether the statement changes nothing that outlives the session
    /// (see [`leaves_nothing`]).
    pub harmless: bool,
}

/// A bundle file and its statements.
#[derive(Debug, Clone)]
pub struct BundleFile {
    /// `forward.sql` or `rollback.sql`.
    pub name: String,
    /// The file as written.
    pub text: String,
    /// Its statements, in order.
    pub statements: Vec<Statement>,
}

impl BundleFile {
    /// Reads `dir/name` and splits it.
    pub fn read(dir: &Path, name: &str) -> BundleFile {
        let path = dir.join(name);
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        BundleFile::parse(name, text)
    }

    /// Splits `text`, named `name`.
    pub fn parse(name: &str, text: String) -> BundleFile {
        let mut statements = Vec::new();
        let mut in_block = false;
        let mut committed = false;
        for piece in keyshift::ddl::split_statements(&text) {
            let start = piece.as_ptr() as usize - text.as_ptr() as usize;
            let mut end = start + piece.len();
            let rest = &text[end..];
            let after = rest.trim_start();
            if !piece.starts_with('\\') && after.starts_with(';') {
                end += rest.len() - after.len() + 1;
            }
            let words = upper_words(piece, 5);
            let first = words.first().map(String::as_str).unwrap_or_default();
            let harmless = leaves_nothing(piece, &words);
            match first {
                "BEGIN" | "START" => in_block = true,
                "COMMIT" | "END" if in_block => {
                    in_block = false;
                    committed = true;
                }
                "ROLLBACK" | "ABORT" => in_block = false,
                _ if !in_block && !harmless => committed = true,
                _ => {}
            }
            statements.push(Statement {
                end,
                start,
                line: text[..start].matches('\n').count() + 1,
                head: piece.lines().next().unwrap_or_default().to_owned(),
                committed,
                harmless,
            });
        }
        BundleFile {
            name: name.to_owned(),
            text,
            statements,
        }
    }

    /// A copy of the file with `injected` right after statement `k`.
    pub fn with_after(&self, k: usize, injected: &str) -> String {
        let end = self.statements[k].end;
        format!("{}\n{injected}\n{}", &self.text[..end], &self.text[end..])
    }

    /// Statement `k`'s text, with its `;`.
    pub fn text_of(&self, k: usize) -> &str {
        let s = &self.statements[k];
        &self.text[s.start..s.end]
    }

    /// The first statement that can change anything that outlives the
    /// session: a file that must refuse to run fails before it.
    pub fn first_change(&self) -> Option<&Statement> {
        self.statements.iter().find(|s| !s.harmless)
    }

    /// Whether statement `k` is the file's last: killed after it, the file
    /// has finished.
    pub fn is_last(&self, k: usize) -> bool {
        k + 1 == self.statements.len()
    }
}

/// The first `n` words of `statement`, upper-cased.
fn upper_words(statement: &str, n: usize) -> Vec<String> {
    statement
        .split_whitespace()
        .take(n)
        .map(str::to_ascii_uppercase)
        .collect()
}

/// Statements that leave nothing behind once the session ends, whatever
/// happens: psql meta-commands, transaction control, `SET`, and what only
/// touches the session's own `pg_temp` (the bundle's helper functions and
/// calls of them). Anything else outside a transaction block commits on its
/// own.
fn leaves_nothing(statement: &str, words: &[String]) -> bool {
    if statement.starts_with('\\') {
        return true;
    }
    let w = |i: usize| words.get(i).map(String::as_str).unwrap_or_default();
    match w(0) {
        "BEGIN" | "START" | "COMMIT" | "END" | "ROLLBACK" | "ABORT" | "SET" | "SHOW" => true,
        "SELECT" => w(1).starts_with("PG_TEMP."),
        "CREATE" => {
            let name = if w(1) == "OR" && w(2) == "REPLACE" {
                (w(3), w(4))
            } else {
                (w(1), w(2))
            };
            name.0 == "FUNCTION" && name.1.starts_with("PG_TEMP.")
        }
        _ => false,
    }
}

/// Which statements to kill after: every one, or every `stride`-th plus the
/// first, the last two (the COMMIT and what precedes it) and every COMMIT.
pub fn sample(file: &BundleFile, stride: Option<usize>) -> Vec<usize> {
    let n = file.statements.len();
    let Some(stride) = stride.filter(|s| *s > 1) else {
        return (0..n).collect();
    };
    (0..n)
        .filter(|&k| {
            k % stride == 0
                || k + 2 >= n
                || file.statements[k]
                    .head
                    .trim_end_matches(';')
                    .eq_ignore_ascii_case("COMMIT")
        })
        .collect()
}

/// `1-5, 9, 12-14`: indices (shown 1-based, as a reader counts statements).
pub fn ranges(indices: &[usize]) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut i = 0;
    while i < indices.len() {
        let mut j = i;
        while j + 1 < indices.len() && indices[j + 1] == indices[j] + 1 {
            j += 1;
        }
        out.push(if i == j {
            format!("{}", indices[i] + 1)
        } else {
            format!("{}-{}", indices[i] + 1, indices[j] + 1)
        });
        i = j + 1;
    }
    out.join(", ")
}
