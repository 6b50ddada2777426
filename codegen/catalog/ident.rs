//! Identifiers: qualified names, quoting, and derived names that respect
//! PostgreSQL's 63-byte limit.

use serde::{Deserialize, Serialize};
use std::cmp::Ordering;
use std::fmt;

/// PostgreSQL truncates identifiers longer than `NAMEDATALEN - 1` bytes.
pub const MAX_IDENTIFIER_BYTES: usize = 63;

/// A schema-qualified object name, stored exactly as PostgreSQL stores it
/// (unquoted names already folded to lower case).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct QualifiedName {
    /// Schema name.
    pub schema: String,
    /// Object name.
    pub name: String,
}

/// By schema, then name, byte by byte: the order `derive(Ord)` gives, with
/// the bytes compared inline. The DDL builder, the graph and the plan look
/// names up in maps and sorted lists millions of times at 10,000 tables,
/// and a call to `memcmp` for each part of each comparison (short parts
/// such as `public` and `t01234`) was a seventh of the time.
impl Ord for QualifiedName {
    fn cmp(&self, other: &Self) -> Ordering {
        bytes_cmp(self.schema.as_bytes(), other.schema.as_bytes())
            .then_with(|| bytes_cmp(self.name.as_bytes(), other.name.as_bytes()))
    }
}

impl PartialOrd for QualifiedName {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// `a.cmp(b)` for short byte strings: eight bytes at a time, as big-endian
/// words (whose order is their bytes' order), then byte by byte.
#[inline]
fn bytes_cmp(a: &[u8], b: &[u8]) -> Ordering {
    let shared = a.len().min(b.len());
    let mut i = 0;
    while i + 8 <= shared {
        let word = |s: &[u8]| u64::from_be_bytes(s[i..i + 8].try_into().expect("eight bytes"));
        let (x, y) = (word(a), word(b));
        if x != y {
            return x.cmp(&y);
        }
        i += 8;
    }
    while i < shared {
        if a[i] != b[i] {
            return a[i].cmp(&b[i]);
        }
        i += 1;
    }
    a.len().cmp(&b.len())
}

impl QualifiedName {
    /// Builds a name from its two parts.
    pub fn new(schema: impl Into<String>, name: impl Into<String>) -> QualifiedName {
        QualifiedName {
            schema: schema.into(),
            name: name.into(),
        }
    }

    /// Parses the text inside `nextval('…'::regclass)`, which PostgreSQL
    /// prints as an identifier list using SQL quoting rules. A name without a
    /// schema is resolved against `public`, matching how pg_dump writes
    /// defaults with `search_path` cleared.
    pub fn parse_regclass_literal(text: &str) -> Option<QualifiedName> {
        let text = text.replace("''", "'");
        let parts = split_identifier_list(&text)?;
        match parts.as_slice() {
            [name] => Some(QualifiedName::new("public", name.clone())),
            [schema, name] => Some(QualifiedName::new(schema.clone(), name.clone())),
            _ => None,
        }
    }

    /// The name in SQL, each part quoted.
    pub fn quoted(&self) -> String {
        let mut out = String::with_capacity(self.schema.len() + self.name.len() + 5);
        push_quoted_ident(&mut out, &self.schema);
        out.push('.');
        push_quoted_ident(&mut out, &self.name);
        out
    }

    /// The name as a reader would write it, quoting only where needed; used
    /// in prose and in `regclass` literals.
    pub fn display(&self) -> String {
        let mut out = String::with_capacity(self.schema.len() + self.name.len() + 5);
        push_display_ident(&mut out, &self.schema);
        out.push('.');
        push_display_ident(&mut out, &self.name);
        out
    }
}

impl fmt::Display for QualifiedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// Splits `a."B".c` into its parts, honouring double quotes and folding
/// unquoted parts to lower case as PostgreSQL does.
pub fn split_identifier_list(text: &str) -> Option<Vec<String>> {
    let mut parts = Vec::new();
    let mut chars = text.chars().peekable();
    loop {
        let mut part = String::new();
        if chars.peek() == Some(&'"') {
            chars.next();
            loop {
                match chars.next()? {
                    '"' if chars.peek() == Some(&'"') => {
                        chars.next();
                        part.push('"');
                    }
                    '"' => break,
                    c => part.push(c),
                }
            }
        } else {
            while let Some(&c) = chars.peek() {
                if c == '.' {
                    break;
                }
                part.push(c.to_ascii_lowercase());
                chars.next();
            }
        }
        if part.is_empty() {
            return None;
        }
        parts.push(part);
        match chars.next() {
            None => return Some(parts),
            Some('.') => continue,
            Some(_) => return None,
        }
    }
}

/// Always-quoted identifier; every identifier keyshift writes into SQL goes
/// through here (or [`QualifiedName::quoted`]), never spliced raw.
pub fn quote_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    push_quoted_ident(&mut out, name);
    out
}

/// Appends `name` double-quoted, each `"` doubled: what
/// `postgres_protocol::escape::escape_identifier` returns, without an
/// allocation of its own.
fn push_quoted_ident(out: &mut String, name: &str) {
    out.push('"');
    if name.contains('"') {
        out.push_str(&name.replace('"', "\"\""));
    } else {
        out.push_str(name);
    }
    out.push('"');
}

/// Quotes a string literal. Text with a backslash becomes an `E'…'` string
/// with the backslash doubled, as PostgreSQL's own `quote_literal` does, so
/// the literal means the same and ends in the same place whatever the
/// session's `standard_conforming_strings`: psql's lexer follows that
/// setting, and a literal that ended early under it would hand the rest of
/// the line to psql, where `\!` runs a shell command.
pub fn quote_literal(text: &str) -> String {
    let escape = text.contains('\\');
    let mut out = String::with_capacity(text.len() + 3);
    if escape {
        out.push('E');
    }
    out.push('\'');
    if !escape && !text.contains('\'') {
        out.push_str(text);
    } else {
        for c in text.chars() {
            match c {
                '\'' => out.push_str("''"),
                '\\' => out.push_str("\\\\"),
                c => out.push(c),
            }
        }
    }
    out.push('\'');
    out
}

/// Dollar-quotes `body` with the first tag of `$keyshift$`, `$keyshift1$`,
/// `$keyshift2$`, … that does not occur in it, so no name or expression
/// inside can end the body early.
pub fn dollar_quote(body: &str) -> String {
    let tag = (0..)
        .map(|n| {
            if n == 0 {
                "$keyshift$".to_string()
            } else {
                format!("$keyshift{n}$")
            }
        })
        // Every tag's only border is `$`, so a body ending in the tag
        // less its last `$` is the one way the closing tag could start early.
        .find(|tag| !format!("{body}$").contains(tag.as_str()))
        .expect("some tag is free");
    format!("{tag}{body}{tag}")
}

/// Quotes an identifier only where PostgreSQL would require it, for prose
/// and for the text of `regclass` literals. The result keeps every
/// character of the name, line breaks included: the comment writer and the
/// Markdown filters (`render::comment`, `render::markdown`) make it safe
/// where it is shown.
pub fn display_ident(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 2);
    push_display_ident(&mut out, name);
    out
}

/// Appends [`display_ident`] of `name`.
fn push_display_ident(out: &mut String, name: &str) {
    let plain = name
        .bytes()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == b'_')
        && name
            .bytes()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_' || c == b'$');
    if plain {
        out.push_str(name);
    } else {
        push_quoted_ident(out, name);
    }
}

/// Replaces every control character but the tab with its Unicode control
/// picture (U+2400 + code for C0, `␡` for DEL, `�` for C1), and the Unicode
/// line and paragraph separators with `␤`: prose shows them, nothing
/// interprets them.
pub fn control_pictures(text: &str) -> String {
    if text
        .bytes()
        .all(|b| b == b'\t' || (b' '..b'\x7f').contains(&b))
    {
        return text.to_string();
    }
    text.chars()
        .map(|c| match c {
            '\t' => c,
            '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + c as u32).unwrap_or('\u{fffd}'),
            '\u{7f}' => '\u{2421}',
            '\u{80}'..='\u{9f}' => '\u{fffd}',
            '\u{2028}' | '\u{2029}' => '\u{2424}',
            _ => c,
        })
        .collect()
}

/// Builds a name for an object keyshift creates from the parts it derives
/// from. Names that fit are kept readable; longer ones are cut at a character
/// boundary and end in a short hash of the full name, so two long names that
/// share a prefix never collide and the result never depends on PostgreSQL's
/// silent truncation.
pub fn derived_name(parts: &[&str]) -> String {
    let full = parts.join("_");
    if full.len() <= MAX_IDENTIFIER_BYTES {
        return full;
    }
    let hash = format!("{:08x}", fnv1a32(full.as_bytes()));
    let budget = MAX_IDENTIFIER_BYTES - hash.len() - 1;
    let mut cut = budget;
    while !full.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}_{hash}", &full[..cut])
}

/// FNV-1a: tiny, stable across releases and platforms, which is all a name
/// suffix needs.
fn fnv1a32(bytes: &[u8]) -> u32 {
    bytes.iter().fold(0x811c_9dc5_u32, |h, &b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn regclass_literals_follow_sql_quoting() {
        assert_eq!(
            QualifiedName::parse_regclass_literal("users_id_seq"),
            Some(QualifiedName::new("public", "users_id_seq"))
        );
        assert_eq!(
            QualifiedName::parse_regclass_literal("app.\"Odd\"\"Seq\""),
            Some(QualifiedName::new("app", "Odd\"Seq"))
        );
        assert_eq!(QualifiedName::parse_regclass_literal("a..b"), None);
    }

    #[test]
    fn literals_survive_either_standard_conforming_strings() {
        assert_eq!(quote_literal("it's"), "'it''s'");
        assert_eq!(quote_literal("a\\'b"), "E'a\\\\''b'");
    }

    #[test]
    fn dollar_quotes_pick_a_tag_the_body_lacks() {
        assert_eq!(dollar_quote(" x "), "$keyshift$ x $keyshift$");
        assert_eq!(
            dollar_quote("a$keyshift$b"),
            "$keyshift1$a$keyshift$b$keyshift1$"
        );
        assert_eq!(
            dollar_quote("a$keyshift"),
            "$keyshift1$a$keyshift$keyshift1$"
        );
    }

    #[test]
    fn control_pictures_keep_text_on_one_line() {
        assert_eq!(control_pictures("a\nb\r\u{2028}c"), "a␊b␍␤c");
        assert_eq!(control_pictures("tab\there"), "tab\there");
    }

    #[test]
    fn quoting_doubles_embedded_quotes() {
        assert_eq!(quote_ident("a\"b"), "\"a\"\"b\"");
        assert_eq!(display_ident("users"), "users");
        assert_eq!(display_ident("Users"), "\"Users\"");
    }

    #[test]
    fn derived_names_fit_and_stay_distinct() {
        let long = "x".repeat(70);
        let a = derived_name(&[&long, "a"]);
        let b = derived_name(&[&long, "b"]);
        assert!(a.len() <= MAX_IDENTIFIER_BYTES);
        assert_ne!(a, b);
        let wide = "é".repeat(40);
        assert!(derived_name(&[&wide]).len() <= MAX_IDENTIFIER_BYTES);
        assert_eq!(derived_name(&["users", "map"]), "users_map");
    }

    #[test]
    fn names_order_as_their_parts_do() {
        let parts = [
            "",
            "a",
            "ab",
            "abc",
            "public",
            "public1",
            "publics",
            "t01234",
            "t01235",
            "t01234_ref_0_fkey",
            "t01234_ref_0_fkez",
            "t01234_ref_1_fkey",
            "é",
            "e\u{301}",
            "aaaaaaaa",
            "aaaaaaaab",
            "aaaaaaab",
            "Z",
            "z",
        ];
        for a in parts {
            for b in parts {
                assert_eq!(
                    super::bytes_cmp(a.as_bytes(), b.as_bytes()),
                    a.cmp(b),
                    "{a:?} {b:?}"
                );
                let (x, y) = (QualifiedName::new(a, b), QualifiedName::new(b, a));
                assert_eq!(x.cmp(&y), (a, b).cmp(&(b, a)), "{a:?} {b:?}");
            }
        }
    }
}
