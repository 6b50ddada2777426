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
}

impl fmt::Display for ColumnType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.name)
    }
}
