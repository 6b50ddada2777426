//! A fast path for the commonest `CREATE INDEX`: `CREATE [UNIQUE] INDEX
//! [name] ON [ONLY] [schema.]table (column, …)`, every name a plain
//! unquoted word that is no SQL keyword, with nothing else in the text.
//!
//! Tokenizing and parsing with sqlparser cost most of the time of such a
//! statement, and pg_dump writes one per index, so a large schema has
//! thousands. This reads those words by hand and gives up (`None`) on
//! anything else, including comments, quotes, expressions, `USING`,
//! `INCLUDE`, `WHERE` and options; `index::create_index` then takes the
//! full path. Keeping to the forms whose meaning is not in doubt is what
//! makes both paths build the same catalog (`tests/fast_paths.rs` checks
//! it on every schema case and the corpus).

use super::names::fold;
use std::iter::Peekable;

/// A statement of the simple form, with its names folded.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct SimpleIndex {
    /// `CREATE UNIQUE INDEX`.
    pub unique: bool,
    /// The index name, when given.
    pub name: Option<String>,
    /// `ON ONLY`.
    pub only: bool,
    /// The table as written: one or two parts.
    pub table: Vec<String>,
    /// The key columns.
    pub columns: Vec<String>,
}

/// One piece of the statement.
#[derive(Debug, PartialEq, Eq, Clone, Copy)]
enum Piece<'a> {
    Word(&'a str),
    Punct(u8),
}

/// Reads `text` if it has the simple form.
pub(crate) fn read(text: &str) -> Option<SimpleIndex> {
    let pieces = pieces(text)?;
    let mut p = pieces.iter().copied().peekable();
    if !keyword(&mut p, "CREATE") {
        return None;
    }
    let unique = keyword(&mut p, "UNIQUE");
    if !keyword(&mut p, "INDEX") {
        return None;
    }
    let name = if keyword(&mut p, "ON") {
        None
    } else {
        let given = plain_name(p.next()?)?;
        if !keyword(&mut p, "ON") {
            return None;
        }
        Some(given)
    };
    let only = keyword(&mut p, "ONLY");
    let mut table = vec![plain_name(p.next()?)?];
    if p.peek() == Some(&Piece::Punct(b'.')) {
        p.next();
        table.push(plain_name(p.next()?)?);
    }
    if p.next()? != Piece::Punct(b'(') {
        return None;
    }
    let mut columns = Vec::new();
    loop {
        columns.push(plain_name(p.next()?)?);
        match p.next()? {
            Piece::Punct(b',') => {}
            Piece::Punct(b')') => break,
            _ => return None,
        }
    }
    if p.next().is_some() {
        return None;
    }
    Some(SimpleIndex {
        unique,
        name,
        only,
        table,
        columns,
    })
}

/// Takes the next piece if it is the keyword `kw`.
fn keyword<'a>(p: &mut Peekable<impl Iterator<Item = Piece<'a>>>, kw: &str) -> bool {
    match p.peek() {
        Some(Piece::Word(w)) if w.eq_ignore_ascii_case(kw) => {
            p.next();
            true
        }
        _ => false,
    }
}

/// A word that can only be a name: no PostgreSQL keyword that is
/// reserved, or may name a type or function (`CONCURRENTLY`, `user`,
/// `current_date`, `int`, …), since those change what the statement means
/// or how sqlparser reads it. Unreserved keywords (`public`, `name`, `id`)
/// are names in these positions in both parsers.
fn plain_name(piece: Piece) -> Option<String> {
    let Piece::Word(w) = piece else {
        return None;
    };
    let folded = fold(w, false);
    if NOT_NAMES.binary_search(&folded.as_str()).is_ok() {
        return None;
    }
    Some(folded)
}

/// PostgreSQL's reserved, `COL_NAME_KEYWORD` and `TYPE_FUNC_NAME_KEYWORD`
/// words (`src/include/parser/kwlist.h`), sorted.
const NOT_NAMES: &[&str] = &[
    "all",
    "analyse",
    "analyze",
    "and",
    "any",
    "array",
    "as",
    "asc",
    "asymmetric",
    "authorization",
    "between",
    "bigint",
    "binary",
    "bit",
    "boolean",
    "both",
    "case",
    "cast",
    "char",
    "character",
    "check",
    "coalesce",
    "collate",
    "collation",
    "column",
    "concurrently",
    "constraint",
    "create",
    "cross",
    "current_catalog",
    "current_date",
    "current_role",
    "current_schema",
    "current_time",
    "current_timestamp",
    "current_user",
    "dec",
    "decimal",
    "default",
    "deferrable",
    "desc",
    "distinct",
    "do",
    "else",
    "end",
    "except",
    "exists",
    "extract",
    "false",
    "fetch",
    "float",
    "for",
    "foreign",
    "freeze",
    "from",
    "full",
    "grant",
    "greatest",
    "group",
    "grouping",
    "having",
    "ilike",
    "in",
    "initially",
    "inner",
    "inout",
    "int",
    "integer",
    "intersect",
    "interval",
    "into",
    "is",
    "isnull",
    "join",
    "json",
    "json_array",
    "json_arrayagg",
    "json_exists",
    "json_object",
    "json_objectagg",
    "json_query",
    "json_scalar",
    "json_serialize",
    "json_table",
    "json_value",
    "lateral",
    "leading",
    "least",
    "left",
    "like",
    "limit",
    "localtime",
    "localtimestamp",
    "merge_action",
    "national",
    "natural",
    "nchar",
    "none",
    "normalize",
    "not",
    "notnull",
    "null",
    "nullif",
    "numeric",
    "offset",
    "on",
    "only",
    "or",
    "order",
    "out",
    "outer",
    "overlaps",
    "overlay",
    "placing",
    "position",
    "precision",
    "primary",
    "real",
    "references",
    "returning",
    "right",
    "row",
    "select",
    "session_user",
    "setof",
    "similar",
    "smallint",
    "some",
    "substring",
    "symmetric",
    "system_user",
    "table",
    "tablesample",
    "then",
    "time",
    "timestamp",
    "to",
    "trailing",
    "treat",
    "trim",
    "true",
    "union",
    "unique",
    "user",
    "using",
    "values",
    "varchar",
    "variadic",
    "verbose",
    "when",
    "where",
    "window",
    "with",
    "xmlattributes",
    "xmlconcat",
    "xmlelement",
    "xmlexists",
    "xmlforest",
    "xmlnamespaces",
    "xmlparse",
    "xmlpi",
    "xmlroot",
    "xmlserialize",
    "xmltable",
];

/// Plain words (`[A-Za-z_][A-Za-z0-9_$]*`) and `( ) , .`, split at ASCII
/// whitespace; `None` at any other character.
fn pieces(text: &str) -> Option<Vec<Piece<'_>>> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(16);
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' => i += 1,
            b'(' | b')' | b',' | b'.' => {
                out.push(Piece::Punct(c));
                i += 1;
            }
            b'A'..=b'Z' | b'a'..=b'z' | b'_' => {
                let start = i;
                while i < bytes.len()
                    && matches!(bytes[i], b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'_' | b'$')
                {
                    i += 1;
                }
                out.push(Piece::Word(&text[start..i]));
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn simple(
        unique: bool,
        name: Option<&str>,
        only: bool,
        table: &[&str],
        columns: &[&str],
    ) -> SimpleIndex {
        SimpleIndex {
            unique,
            name: name.map(str::to_string),
            only,
            table: table.iter().map(|s| s.to_string()).collect(),
            columns: columns.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn keyword_list_is_sorted() {
        assert!(NOT_NAMES.windows(2).all(|w| w[0] < w[1]));
    }

    #[test]
    fn reads_the_simple_forms() {
        assert_eq!(
            read("CREATE INDEX t_a_idx ON public.t (a)"),
            Some(simple(
                false,
                Some("t_a_idx"),
                false,
                &["public", "t"],
                &["a"]
            ))
        );
        assert_eq!(
            read("create unique index ON ONLY T (A, b_2$)"),
            Some(simple(true, None, true, &["t"], &["a", "b_2$"]))
        );
    }

    #[test]
    fn leaves_everything_else_to_sqlparser() {
        for text in [
            "CREATE INDEX CONCURRENTLY i ON t (a)",
            "CREATE INDEX IF NOT EXISTS i ON t (a)",
            "CREATE INDEX i ON t USING gin (a)",
            "CREATE INDEX i ON t (a DESC)",
            "CREATE INDEX i ON t (lower(a))",
            "CREATE INDEX i ON t ((a))",
            "CREATE INDEX i ON t (a) INCLUDE (b)",
            "CREATE INDEX i ON t (a) WHERE a > 0",
            "CREATE INDEX i ON t (a) WITH (fillfactor = 70)",
            "CREATE INDEX i ON t (\"A\")",
            "CREATE INDEX i ON t (a) -- comment",
            "CREATE INDEX i ON t (user)",
            "CREATE INDEX i ON t (current_date)",
            "CREATE INDEX i ON t (Int)",
            "CREATE INDEX i ON t (a,)",
            "CREATE INDEX i ON t ()",
            "CREATE INDEX i ON d.s.t (a)",
            "CREATE INDEX s.i ON t (a)",
            "CREATE INDEX i ON t (é)",
            "CREATE INDEX i ON t (a) ;",
        ] {
            assert_eq!(read(text), None, "{text}");
        }
    }
}
