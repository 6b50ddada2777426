//! Sequence option lists: `CREATE SEQUENCE`, `ALTER SEQUENCE`, and the
//! `( … )` after `GENERATED … AS IDENTITY`.
//!
//! One hand-written parser serves all three because sqlparser cannot read
//! `ALTER SEQUENCE … OWNED BY`, `CREATE UNLOGGED SEQUENCE`, or
//! `SEQUENCE NAME` inside identity options, and every serial column in a
//! pg_dump goes through those. Values equal to the type's defaults are stored
//! as `None`, which is what `NO MINVALUE` means and what a reader of
//! `pg_sequence` sees as "default".

use super::error::Result;
use super::tokens::Cursor;
use crate::catalog::{IntKind, QualifiedName, Sequence};
use sqlparser::tokenizer::Token;

/// Options as written; `None` means "not mentioned".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct SeqOptions {
    /// `AS type`.
    pub data_type: Option<IntKind>,
    /// `INCREMENT [BY] n`.
    pub increment: Option<i64>,
    /// `MINVALUE n` (`Some(Some)`) or `NO MINVALUE` (`Some(None)`).
    pub min_value: Option<Option<i64>>,
    /// `MAXVALUE n` or `NO MAXVALUE`.
    pub max_value: Option<Option<i64>>,
    /// `START [WITH] n`.
    pub start: Option<i64>,
    /// `CACHE n`.
    pub cache: Option<i64>,
    /// `[NO] CYCLE`.
    pub cycle: Option<bool>,
    /// `OWNED BY table.column` (`Some(Some)`) or `OWNED BY NONE`.
    pub owned_by: Option<Option<Vec<String>>>,
    /// `SEQUENCE NAME name` (identity options only).
    pub sequence_name: Option<Vec<String>>,
}

/// Parses options until the cursor's end.
pub(crate) fn parse_options(c: &mut Cursor) -> Result<SeqOptions> {
    let mut o = SeqOptions::default();
    while !c.at_end() {
        if c.eat_kw("AS") {
            o.data_type = Some(sequence_type(c)?);
        } else if c.eat_kw("INCREMENT") {
            c.eat_kw("BY");
            let n = c.integer()?;
            if n == 0 {
                return Err(c.fail("INCREMENT must not be zero"));
            }
            o.increment = Some(n);
        } else if c.eat_kws(&["NO", "MINVALUE"]) {
            o.min_value = Some(None);
        } else if c.eat_kws(&["NO", "MAXVALUE"]) {
            o.max_value = Some(None);
        } else if c.eat_kws(&["NO", "CYCLE"]) {
            o.cycle = Some(false);
        } else if c.eat_kw("MINVALUE") {
            o.min_value = Some(Some(c.integer()?));
        } else if c.eat_kw("MAXVALUE") {
            o.max_value = Some(Some(c.integer()?));
        } else if c.eat_kw("START") {
            c.eat_kw("WITH");
            o.start = Some(c.integer()?);
        } else if c.eat_kw("RESTART") {
            // Only the next value changes; the catalog does not track it.
            if c.eat_kw("WITH") || matches!(c.peek(), Some(Token::Number(..) | Token::Minus)) {
                c.integer()?;
            }
        } else if c.eat_kw("CACHE") {
            o.cache = Some(c.integer()?);
        } else if c.eat_kw("CYCLE") {
            o.cycle = Some(true);
        } else if c.eat_kws(&["OWNED", "BY"]) {
            o.owned_by = Some(if c.eat_kw("NONE") {
                None
            } else {
                Some(c.object_name()?)
            });
        } else if c.eat_kws(&["SEQUENCE", "NAME"]) {
            o.sequence_name = Some(c.object_name()?);
        } else if c.eat_kw("LOGGED") || c.eat_kw("UNLOGGED") {
        } else {
            return Err(c.fail(format!("unexpected sequence option {}", c.describe())));
        }
    }
    Ok(o)
}

/// The type after `AS`: one of the three integer types.
fn sequence_type(c: &mut Cursor) -> Result<IntKind> {
    let parts = c.object_name()?;
    let name = match parts.as_slice() {
        [n] => n.as_str(),
        [s, n] if s == "pg_catalog" => n.as_str(),
        _ => "",
    };
    IntKind::from_type_name(name)
        .filter(|_| !name.contains("serial"))
        .ok_or_else(|| c.fail("sequence type must be smallint, integer or bigint"))
}

fn type_min(kind: IntKind) -> i64 {
    match kind {
        IntKind::Smallint => i64::from(i16::MIN),
        IntKind::Integer => i64::from(i32::MIN),
        IntKind::Bigint => i64::MIN,
    }
}

/// The implicit `MINVALUE` / `MAXVALUE` for a type and direction.
fn defaults(kind: IntKind, increment: i64) -> (i64, i64) {
    if increment > 0 {
        (1, kind.max_value())
    } else {
        (type_min(kind), -1)
    }
}

/// A new sequence from its options; `default_type` is `bigint` for
/// `CREATE SEQUENCE` and the column type for serial and identity columns.
pub(crate) fn new_sequence(name: QualifiedName, o: &SeqOptions, default_type: IntKind) -> Sequence {
    let kind = o.data_type.unwrap_or(default_type);
    let increment = o.increment.unwrap_or(1);
    let (dmin, dmax) = defaults(kind, increment);
    let min = o.min_value.flatten().unwrap_or(dmin);
    let max = o.max_value.flatten().unwrap_or(dmax);
    Sequence {
        name,
        data_type: kind,
        start: o.start.unwrap_or(if increment > 0 { min } else { max }),
        increment,
        min_value: (min != dmin).then_some(min),
        max_value: (max != dmax).then_some(max),
        cache: o.cache.unwrap_or(1),
        cycle: o.cycle.unwrap_or(false),
        owned_by: None,
    }
}

/// Applies `ALTER SEQUENCE` options (except `OWNED BY`, which needs name
/// resolution and is handled by the caller).
pub(crate) fn alter_sequence(seq: &mut Sequence, o: &SeqOptions) {
    let kind = o.data_type.unwrap_or(seq.data_type);
    let increment = o.increment.unwrap_or(seq.increment);
    let min = o.min_value.unwrap_or(seq.min_value);
    let max = o.max_value.unwrap_or(seq.max_value);
    let (dmin, dmax) = defaults(kind, increment);
    seq.data_type = kind;
    seq.increment = increment;
    seq.min_value = min.filter(|&v| v != dmin);
    seq.max_value = max.filter(|&v| v != dmax);
    if let Some(start) = o.start {
        seq.start = start;
    }
    if let Some(cache) = o.cache {
        seq.cache = cache;
    }
    if let Some(cycle) = o.cycle {
        seq.cycle = cycle;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ddl::tokens::tokenize;

    fn opts(sql: &str) -> SeqOptions {
        let t = tokenize(sql).unwrap_or_else(|e| panic!("{e:?}"));
        let mut c = t.cursor(0, t.len());
        parse_options(&mut c).unwrap_or_else(|e| panic!("{sql}: {e:?}"))
    }

    #[test]
    fn pg_dump_options() {
        let o = opts("AS integer START WITH 1 INCREMENT BY 1 NO MINVALUE NO MAXVALUE CACHE 1");
        let s = new_sequence(QualifiedName::new("public", "s"), &o, IntKind::Bigint);
        assert_eq!(s.data_type, IntKind::Integer);
        assert_eq!(
            (
                s.start,
                s.increment,
                s.min_value,
                s.max_value,
                s.cache,
                s.cycle
            ),
            (1, 1, None, None, 1, false)
        );
    }

    #[test]
    fn explicit_defaults_normalize_to_none() {
        let o = opts("MINVALUE 1 MAXVALUE 9223372036854775807 START 5 CACHE 20 CYCLE");
        let s = new_sequence(QualifiedName::new("public", "s"), &o, IntKind::Bigint);
        assert_eq!(
            (s.min_value, s.max_value, s.start, s.cache, s.cycle),
            (None, None, 5, 20, true)
        );
    }

    #[test]
    fn descending_sequences_start_at_max() {
        let o = opts("INCREMENT -1 MINVALUE -100");
        let s = new_sequence(QualifiedName::new("public", "s"), &o, IntKind::Integer);
        assert_eq!((s.start, s.min_value, s.max_value), (-1, Some(-100), None));
    }

    #[test]
    fn identity_options_with_sequence_name_and_owned_by() {
        let o = opts("SEQUENCE NAME app.\"Seq\" START WITH 10 OWNED BY t.id");
        assert_eq!(
            o.sequence_name,
            Some(vec!["app".to_string(), "Seq".to_string()])
        );
        assert_eq!(
            o.owned_by,
            Some(Some(vec!["t".to_string(), "id".to_string()]))
        );
        assert_eq!(o.start, Some(10));
    }

    #[test]
    fn alter_changes_type_defaults() {
        let mut s = new_sequence(
            QualifiedName::new("public", "s"),
            &opts("AS integer MAXVALUE 100"),
            IntKind::Bigint,
        );
        assert_eq!(s.max_value, Some(100));
        alter_sequence(&mut s, &opts("AS bigint NO MAXVALUE RESTART WITH 7"));
        assert_eq!((s.data_type, s.max_value), (IntKind::Bigint, None));
    }

    #[test]
    fn rejects_unknown_options() {
        let t = tokenize("FOO 1").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(parse_options(&mut t.cursor(0, t.len())).is_err());
        let t = tokenize("AS text").unwrap_or_else(|e| panic!("{e:?}"));
        assert!(parse_options(&mut t.cursor(0, t.len())).is_err());
    }
}
