//! Column types, as far as the conversion cares about them.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The integer widths a key can be converted from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IntKind {
    /// `smallint` / `int2`.
    Smallint,
    /// `integer` / `int4`.
    Integer,
    /// `bigint` / `int8`.
    Bigint,
}

impl IntKind {
    /// The name PostgreSQL's `format_type` prints.
    pub fn sql_name(self) -> &'static str {
        match self {
            IntKind::Smallint => "smallint",
            IntKind::Integer => "integer",
            IntKind::Bigint => "bigint",
        }
    }

    /// Largest value of the type, which bounds rollback's fresh ids.
    pub fn max_value(self) -> i64 {
        match self {
            IntKind::Smallint => i16::MAX as i64,
            IntKind::Integer => i32::MAX as i64,
            IntKind::Bigint => i64::MAX,
        }
    }

    /// Recognizes the spellings PostgreSQL accepts for the integer types.
    pub fn from_type_name(name: &str) -> Option<IntKind> {
        match name.to_ascii_lowercase().as_str() {
            "smallint" | "int2" | "smallserial" | "serial2" => Some(IntKind::Smallint),
            "integer" | "int" | "int4" | "serial" | "serial4" => Some(IntKind::Integer),
            "bigint" | "int8" | "bigserial" | "serial8" => Some(IntKind::Bigint),
            _ => None,
        }
    }
}

/// A column type: its canonical `format_type` spelling plus, for the integer
/// types, their width, so the plan can decide what to convert without string
/// matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ColumnType {
    /// Canonical spelling, e.g. `integer`, `character varying(40)`, `public.mood`.
    pub name: String,
    /// Set when the type is one of the integer types a key can move from.
    pub int_kind: Option<IntKind>,
}

impl ColumnType {
    /// An integer type.
    pub fn int(kind: IntKind) -> ColumnType {
        ColumnType {
            name: kind.sql_name().to_string(),
            int_kind: Some(kind),
        }
    }

    /// Any other type, already spelled canonically.
    pub fn other(name: impl Into<String>) -> ColumnType {
        ColumnType {
            name: name.into(),
            int_kind: None,
        }
    }

    /// Whether PostgreSQL hashes values of this type without printing
    /// them (`hash_record_extended` needs an extended hash function for
    /// every column): the built-in types listed here and arrays of them.
    /// Others (domains, enums, geometric types, `json`) are not known to
    /// have one, so rows holding them are hashed as text.
    pub fn has_extended_hash(&self) -> bool {
        let mut base = self.name.as_str();
        while let Some(element) = base.strip_suffix("[]") {
            base = element;
        }
        // `numeric(10,2)`, `timestamp(3) with time zone`: the modifier
        // does not change the hash function.
        let without_modifier: String = match (base.find('('), base.find(')')) {
            (Some(open), Some(close)) if open < close => {
                format!("{}{}", &base[..open], &base[close + 1..])
            }
            _ => base.to_string(),
        };
        matches!(
            without_modifier.as_str(),
            "smallint"
                | "integer"
                | "bigint"
                | "text"
                | "character varying"
                | "character"
                | "name"
                | "uuid"
                | "boolean"
                | "date"
                | "timestamp with time zone"
                | "timestamp without time zone"
                | "time without time zone"
                | "time with time zone"
                | "interval"
                | "numeric"
                | "real"
                | "double precision"
                | "bytea"
                | "jsonb"
                | "inet"
                | "cidr"
                | "macaddr"
                | "macaddr8"
                | "oid"
        )
    }
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::ColumnType;

    #[test]
    fn extended_hashes_are_known_for_builtin_types_and_their_arrays() {
        for name in [
            "integer",
            "numeric(10,2)",
            "timestamp(3) with time zone",
            "character varying(255)",
            "text[]",
            "jsonb",
        ] {
            assert!(ColumnType::other(name).has_extended_hash(), "{name}");
        }
        for name in [
            "json",
            "point",
            "public.mood",
            "xml",
            "public.positive_int[]",
        ] {
            assert!(!ColumnType::other(name).has_extended_hash(), "{name}");
        }
    }
}
