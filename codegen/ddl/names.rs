//! Identifier folding and PostgreSQL's rules for the names it chooses.
//!
//! The catalog must hold names exactly as PostgreSQL stores them, so the
//! offline and the live producers agree: unquoted identifiers fold to lower
//! case (ASCII only, as in `downcase_identifier` for UTF-8 databases), every
//! identifier is cut to 63 bytes on a character boundary, and names the user
//! did not give (`users_pkey`, `users_email_key`, `users_id_seq`) are built by
//! the same algorithm as PostgreSQL's `makeObjectName` and
//! `ChooseRelationName` / `ChooseConstraintName`.

use super::error::{Fail, Result};
use sqlparser::ast::{Ident, ObjectName, ObjectNamePart};
use sqlparser::tokenizer::Word;

/// `NAMEDATALEN - 1`: the longest identifier PostgreSQL keeps, in bytes.
pub(crate) const MAX_IDENTIFIER_BYTES: usize = 63;

/// Cuts `name` to at most 63 bytes without splitting a character
/// (PostgreSQL's `truncate_identifier`).
pub(crate) fn truncate_identifier(mut name: String) -> String {
    if name.len() > MAX_IDENTIFIER_BYTES {
        let mut cut = MAX_IDENTIFIER_BYTES;
        while !name.is_char_boundary(cut) {
            cut -= 1;
        }
        name.truncate(cut);
    }
    name
}

/// Folds an identifier the way the PostgreSQL lexer does.
pub(crate) fn fold(value: &str, quoted: bool) -> String {
    let folded = if quoted {
        value.to_string()
    } else {
        value.to_ascii_lowercase()
    };
    truncate_identifier(folded)
}

/// Folds a tokenizer word.
pub(crate) fn fold_word(w: &Word) -> String {
    fold(&w.value, w.quote_style.is_some())
}

/// Folds an AST identifier.
pub(crate) fn fold_ident(i: &Ident) -> String {
    fold(&i.value, i.quote_style.is_some())
}

/// The folded parts of a dotted name.
pub(crate) fn name_parts(name: &ObjectName) -> Result<Vec<String>> {
    name.0
        .iter()
        .map(|part| match part {
            ObjectNamePart::Identifier(i) => Ok(fold_ident(i)),
            ObjectNamePart::Function(_) => Err(Fail::new(format!("`{name}` is not a plain name"))),
        })
        .collect()
}

/// PostgreSQL's `makeObjectName`: `name1[_name2][_label]`, shortening the
/// longer of `name1` and `name2` one byte at a time until the whole fits in
/// 63 bytes, then backing off to a character boundary.
pub(crate) fn make_object_name(name1: &str, name2: Option<&str>, label: Option<&str>) -> String {
    let mut overhead = 0;
    let mut name1_len = name1.len();
    let mut name2_len = 0;
    if let Some(n2) = name2 {
        name2_len = n2.len();
        overhead += 1;
    }
    if let Some(l) = label {
        overhead += l.len() + 1;
    }
    let available = MAX_IDENTIFIER_BYTES.saturating_sub(overhead);
    while name1_len + name2_len > available {
        if name1_len > name2_len {
            name1_len -= 1;
        } else {
            name2_len -= 1;
        }
    }
    let mut out = String::from(&name1[..clip(name1, name1_len)]);
    if let Some(n2) = name2 {
        out.push('_');
        out.push_str(&n2[..clip(n2, name2_len)]);
    }
    if let Some(l) = label {
        out.push('_');
        out.push_str(l);
    }
    out
}

/// `pg_mbcliplen`: the longest prefix of at most `len` bytes that ends on a
/// character boundary.
fn clip(text: &str, mut len: usize) -> usize {
    len = len.min(text.len());
    while !text.is_char_boundary(len) {
        len -= 1;
    }
    len
}

/// `ChooseIndexNameAddition` / `ChooseForeignKeyConstraintNameAddition`:
/// column names joined by `_`, stopping once the result is long enough to be
/// truncated anyway.
pub(crate) fn name_addition<S: AsRef<str>>(columns: &[S]) -> String {
    let mut out = String::new();
    for c in columns {
        if !out.is_empty() {
            out.push('_');
        }
        out.push_str(&c.as_ref()[..clip(c.as_ref(), MAX_IDENTIFIER_BYTES)]);
        if out.len() > MAX_IDENTIFIER_BYTES {
            break;
        }
    }
    out
}

/// `ChooseRelationName` / `ChooseConstraintName`: the first of
/// `name1_name2_label`, `…_label1`, `…_label2`, … that `taken` rejects.
pub(crate) fn choose_name(
    name1: &str,
    name2: Option<&str>,
    label: &str,
    taken: impl Fn(&str) -> bool,
) -> String {
    let mut pass = 0u32;
    let mut modlabel = label.to_string();
    loop {
        let name = make_object_name(name1, name2, Some(&modlabel));
        if !taken(&name) {
            return name;
        }
        pass += 1;
        modlabel = format!("{label}{pass}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_only_unquoted_ascii() {
        assert_eq!(fold("Users", false), "users");
        assert_eq!(fold("Users", true), "Users");
        assert_eq!(fold("BIGÏNT", false), "bigÏnt");
    }

    #[test]
    fn truncates_identifiers_at_char_boundaries() {
        let long = format!("{}é", "a".repeat(62));
        assert_eq!(truncate_identifier(long).len(), 62);
        assert_eq!(truncate_identifier("b".repeat(70)).len(), 63);
    }

    #[test]
    fn short_names_are_joined() {
        assert_eq!(make_object_name("users", None, Some("pkey")), "users_pkey");
        assert_eq!(
            make_object_name("orders", Some("user_id"), Some("fkey")),
            "orders_user_id_fkey"
        );
    }

    #[test]
    fn long_names_shorten_the_longer_part_first() {
        // PostgreSQL: CREATE TABLE <40 x a> (<30 x b> int UNIQUE) names the
        // constraint with 29 a's and 29 b's (63 bytes in all).
        let table = "a".repeat(40);
        let column = "b".repeat(30);
        let name = make_object_name(&table, Some(&column), Some("key"));
        assert_eq!(name, format!("{}_{}_key", "a".repeat(29), "b".repeat(29)));
        assert_eq!(name.len(), 63);
        // Equal lengths: name2 gives way first.
        let name = make_object_name(&"x".repeat(40), Some(&"y".repeat(40)), Some("fkey"));
        assert_eq!(name, format!("{}_{}_fkey", "x".repeat(29), "y".repeat(28)));
    }

    #[test]
    fn multibyte_parts_are_clipped_on_boundaries() {
        let table = "é".repeat(40); // 80 bytes
        let name = make_object_name(&table, None, Some("pkey"));
        assert!(name.len() <= 63);
        assert_eq!(name, format!("{}_pkey", "é".repeat(29)));
    }

    #[test]
    fn collisions_append_a_number_to_the_label() {
        let taken = ["t_a_key", "t_a_key1"];
        assert_eq!(
            choose_name("t", Some("a"), "key", |n| taken.contains(&n)),
            "t_a_key2"
        );
    }

    #[test]
    fn additions_join_columns() {
        assert_eq!(name_addition(&["a", "b"]), "a_b");
    }
}
