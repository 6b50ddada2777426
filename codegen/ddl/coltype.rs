//! Column types, spelled the way PostgreSQL's `format_type` prints them.
//!
//! The live producer reads types back through `format_type`, so the offline
//! producer must arrive at the same text from whatever the user wrote:
//! `INT4`, `int` and `integer` are all `integer`, `varchar(3)` is
//! `character varying(3)`, a bare `char` is `character(1)`. Types PostgreSQL
//! does not ship are printed schema-qualified (as `format_type` does with an
//! empty `search_path`), and domains are never integer columns even when they
//! wrap an integer.

use super::error::{Fail, Result};
use super::names::{fold_ident, name_parts};
use crate::catalog::{ColumnType, IntKind};
use sqlparser::ast::{
    ArrayElemTypeDef, CharacterLength, DataType, ExactNumberInfo, ObjectName, TimezoneInfo,
    TypeModifier,
};

/// What a declared column type turns into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DeclaredType {
    /// An ordinary type.
    Plain(ColumnType),
    /// `smallserial` / `serial` / `bigserial`: an integer column with an
    /// owned sequence and a `nextval` default.
    Serial(IntKind),
}

/// Resolves names of types PostgreSQL does not ship (enums, domains,
/// extension types) to their schema-qualified display name.
pub(crate) trait TypeNames {
    /// `parts` are folded; returns e.g. `public.mood`.
    fn user_type(&self, parts: &[String]) -> Result<String>;

    /// The integer type under a domain, when `parts` names a domain over
    /// one: its columns convert like integer columns.
    fn domain_int_kind(&self, _parts: &[String]) -> Option<IntKind> {
        None
    }
}

/// Maps a declared type to its canonical form.
pub(crate) fn declared_type(dt: &DataType, names: &dyn TypeNames) -> Result<DeclaredType> {
    if let DataType::Custom(name, modifiers) = dt
        && modifiers.is_empty()
        && let [part] = name.0.as_slice()
        && let Some(ident) = part.as_ident()
    {
        let kind = match fold_ident(ident).as_str() {
            "smallserial" | "serial2" => Some(IntKind::Smallint),
            "serial" | "serial4" => Some(IntKind::Integer),
            "bigserial" | "serial8" => Some(IntKind::Bigint),
            _ => None,
        };
        if let Some(kind) = kind {
            return Ok(DeclaredType::Serial(kind));
        }
    }
    column_type(dt, names).map(DeclaredType::Plain)
}

/// Maps a type that may not be a serial pseudo-type.
pub(crate) fn column_type(dt: &DataType, names: &dyn TypeNames) -> Result<ColumnType> {
    let int = |k| Ok(ColumnType::int(k));
    let other = |s: String| Ok(ColumnType::other(s));
    match dt {
        DataType::Int(_) | DataType::Integer(_) | DataType::Int4(_) => int(IntKind::Integer),
        DataType::BigInt(_) | DataType::Int8(_) => int(IntKind::Bigint),
        DataType::SmallInt(_) | DataType::Int2(_) => int(IntKind::Smallint),
        DataType::Text => other("text".into()),
        DataType::Uuid => other("uuid".into()),
        DataType::JSON => other("json".into()),
        DataType::JSONB => other("jsonb".into()),
        DataType::Bytea => other("bytea".into()),
        DataType::Bool | DataType::Boolean => other("boolean".into()),
        DataType::Date => other("date".into()),
        DataType::Regclass => other("regclass".into()),
        DataType::TsVector => other("tsvector".into()),
        DataType::TsQuery => other("tsquery".into()),
        DataType::Real | DataType::Float4 => other("real".into()),
        DataType::Float8 | DataType::DoublePrecision | DataType::Double(_) => {
            other("double precision".into())
        }
        DataType::Float(ExactNumberInfo::Precision(p)) if *p <= 24 => other("real".into()),
        DataType::Float(_) => other("double precision".into()),
        DataType::Character(len) | DataType::Char(len) => {
            other(format!("character({})", char_length(len, 1)?))
        }
        DataType::CharacterVarying(len) | DataType::CharVarying(len) | DataType::Varchar(len) => {
            other(match len {
                None => "character varying".to_string(),
                Some(_) => format!("character varying({})", char_length(len, 0)?),
            })
        }
        DataType::Numeric(info) | DataType::Decimal(info) | DataType::Dec(info) => {
            other(match info {
                ExactNumberInfo::None => "numeric".to_string(),
                ExactNumberInfo::Precision(p) => format!("numeric({p},0)"),
                ExactNumberInfo::PrecisionAndScale(p, s) => format!("numeric({p},{s})"),
            })
        }
        DataType::Timestamp(p, tz) => other(datetime("timestamp", *p, *tz)),
        DataType::Time(p, tz) => other(datetime("time", *p, *tz)),
        DataType::Interval { fields, precision } => {
            let mut s = "interval".to_string();
            if let Some(f) = fields {
                s.push(' ');
                s.push_str(&f.to_string().to_ascii_lowercase());
            }
            if let Some(p) = precision {
                s.push_str(&format!("({p})"));
            }
            other(s)
        }
        DataType::Bit(n) => other(format!("bit({})", n.unwrap_or(1))),
        DataType::BitVarying(n) | DataType::VarBit(n) => other(match n {
            None => "bit varying".to_string(),
            Some(n) => format!("bit varying({n})"),
        }),
        DataType::Array(elem) => {
            let inner = match elem {
                ArrayElemTypeDef::SquareBracket(t, _)
                | ArrayElemTypeDef::Qualified(t, _)
                | ArrayElemTypeDef::AngleBracket(t)
                | ArrayElemTypeDef::Parenthesis(t)
                | ArrayElemTypeDef::ParenthesisNotNull(t) => t,
                ArrayElemTypeDef::None => return other("anyarray".into()),
            };
            let inner = column_type(inner, names)?;
            other(format!("{}[]", inner.name))
        }
        DataType::Custom(name, modifiers) => custom(name, modifiers, names),
        _ => other(dt.to_string().to_ascii_lowercase()),
    }
}

fn char_length(len: &Option<CharacterLength>, default: u64) -> Result<u64> {
    match len {
        None => Ok(default),
        Some(CharacterLength::IntegerLength { length, .. }) => Ok(*length),
        Some(CharacterLength::Max) => Err(Fail::new("`MAX` is not a PostgreSQL length")),
    }
}

fn datetime(base: &str, precision: Option<u64>, tz: TimezoneInfo) -> String {
    let p = precision.map(|p| format!("({p})")).unwrap_or_default();
    let zone = match tz {
        TimezoneInfo::WithTimeZone | TimezoneInfo::Tz => "with time zone",
        TimezoneInfo::None | TimezoneInfo::WithoutTimeZone => "without time zone",
    };
    format!("{base}{p} {zone}")
}

/// A type sqlparser did not recognize: a built-in under another spelling, or
/// a user type.
fn custom(
    name: &ObjectName,
    modifiers: &[TypeModifier],
    names: &dyn TypeNames,
) -> Result<ColumnType> {
    let parts = name_parts(name)?;
    let mods = if modifiers.is_empty() {
        String::new()
    } else {
        let mods: Vec<String> = modifiers.iter().map(ToString::to_string).collect();
        format!("({})", mods.join(","))
    };
    let builtin_name = match parts.as_slice() {
        [n] => Some(n.as_str()),
        [schema, n] if schema == "pg_catalog" => Some(n.as_str()),
        _ => None,
    };
    if let Some(n) = builtin_name {
        if let Some(kind) = match n {
            "int2" => Some(IntKind::Smallint),
            "int4" => Some(IntKind::Integer),
            "int8" => Some(IntKind::Bigint),
            _ => None,
        } {
            return Ok(ColumnType::int(kind));
        }
        let canonical = match n {
            "bpchar" if !mods.is_empty() => Some(format!("character{mods}")),
            "varchar" => Some(format!("character varying{mods}")),
            "timestamptz" => Some(format!("timestamp{mods} with time zone")),
            "timetz" => Some(format!("time{mods} with time zone")),
            "varbit" => Some(format!("bit varying{mods}")),
            "float4" => Some("real".to_string()),
            "float8" => Some("double precision".to_string()),
            "bool" => Some("boolean".to_string()),
            "decimal" => Some(format!("numeric{mods}")),
            "char" => Some("\"char\"".to_string()),
            _ if BUILTIN_TYPES.contains(&n) => Some(format!("{n}{mods}")),
            _ => None,
        };
        if let Some(c) = canonical {
            return Ok(ColumnType::other(c));
        }
    }
    Ok(ColumnType {
        name: format!("{}{mods}", names.user_type(&parts)?),
        int_kind: names.domain_int_kind(&parts).filter(|_| mods.is_empty()),
    })
}

/// Types in `pg_catalog` that `format_type` prints under their own name.
const BUILTIN_TYPES: &[&str] = &[
    "aclitem",
    "bit",
    "bool",
    "box",
    "bpchar",
    "bytea",
    "cid",
    "cidr",
    "circle",
    "date",
    "datemultirange",
    "daterange",
    "float4",
    "float8",
    "gtsvector",
    "inet",
    "int2vector",
    "int4multirange",
    "int4range",
    "int8multirange",
    "int8range",
    "interval",
    "json",
    "jsonb",
    "jsonpath",
    "line",
    "lseg",
    "macaddr",
    "macaddr8",
    "money",
    "name",
    "numeric",
    "nummultirange",
    "numrange",
    "oid",
    "oidvector",
    "path",
    "pg_lsn",
    "pg_snapshot",
    "point",
    "polygon",
    "record",
    "refcursor",
    "regclass",
    "regcollation",
    "regconfig",
    "regdictionary",
    "regnamespace",
    "regoper",
    "regoperator",
    "regproc",
    "regprocedure",
    "regrole",
    "regtype",
    "text",
    "tid",
    "tsmultirange",
    "tsquery",
    "tsrange",
    "tstzmultirange",
    "tstzrange",
    "tsvector",
    "txid_snapshot",
    "uuid",
    "xid",
    "xid8",
    "xml",
];

#[cfg(test)]
mod tests {
    use super::*;
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    struct Public;
    impl TypeNames for Public {
        fn user_type(&self, parts: &[String]) -> Result<String> {
            Ok(match parts {
                [n] => crate::catalog::QualifiedName::new("public", n.clone()).display(),
                [s, n] => crate::catalog::QualifiedName::new(s.clone(), n.clone()).display(),
                _ => parts.join("."),
            })
        }
    }

    fn canon(sql: &str) -> DeclaredType {
        let dialect = PostgreSqlDialect {};
        let dt = Parser::new(&dialect)
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_data_type())
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
        declared_type(&dt, &Public).unwrap_or_else(|e| panic!("{sql}: {e:?}"))
    }

    fn name(sql: &str) -> String {
        match canon(sql) {
            DeclaredType::Plain(t) => t.name,
            DeclaredType::Serial(k) => format!("serial {k:?}"),
        }
    }

    #[test]
    fn integer_spellings() {
        for s in ["int", "INTEGER", "int4", "pg_catalog.int4"] {
            assert_eq!(
                canon(s),
                DeclaredType::Plain(ColumnType::int(IntKind::Integer)),
                "{s}"
            );
        }
        assert_eq!(
            canon("int8"),
            DeclaredType::Plain(ColumnType::int(IntKind::Bigint))
        );
        assert_eq!(
            canon("smallint"),
            DeclaredType::Plain(ColumnType::int(IntKind::Smallint))
        );
        assert_eq!(canon("BIGSERIAL"), DeclaredType::Serial(IntKind::Bigint));
        assert_eq!(canon("serial4"), DeclaredType::Serial(IntKind::Integer));
        assert_eq!(
            canon("int[]"),
            DeclaredType::Plain(ColumnType::other("integer[]"))
        );
    }

    #[test]
    fn format_type_spellings() {
        let cases = [
            ("varchar(255)", "character varying(255)"),
            ("character varying", "character varying"),
            ("char(3)", "character(3)"),
            ("char", "character(1)"),
            ("bpchar", "bpchar"),
            ("\"char\"", "\"char\""),
            ("numeric(10,2)", "numeric(10,2)"),
            ("decimal(5)", "numeric(5,0)"),
            ("NUMERIC", "numeric"),
            ("bool", "boolean"),
            ("timestamp", "timestamp without time zone"),
            ("timestamptz", "timestamp with time zone"),
            ("timestamp(3) with time zone", "timestamp(3) with time zone"),
            ("time", "time without time zone"),
            ("float8", "double precision"),
            ("float4", "real"),
            ("float(10)", "real"),
            ("float", "double precision"),
            ("text[]", "text[]"),
            ("varchar(3)[]", "character varying(3)[]"),
            ("tsvector", "tsvector"),
            ("inet", "inet"),
            ("interval", "interval"),
            ("bit", "bit(1)"),
            ("mood", "public.mood"),
            ("app.\"Mood\"", "app.\"Mood\""),
            ("mood[]", "public.mood[]"),
        ];
        for (input, want) in cases {
            assert_eq!(name(input), want, "{input}");
        }
    }
}
