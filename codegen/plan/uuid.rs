//! Which kind of UUID replaces the integer ids.
//!
//! Version 4 (the default) is 122 random bits: nothing about a row can be
//! read from its id. Version 7 starts with a millisecond timestamp, so new
//! keys arrive in order and a btree over them stays dense (the bench shows
//! the primary-key index after inserts for both). Existing rows get the time
//! of a column the user names (`uuid_time` in keyshift.toml) or, without
//! one, a time per row that follows their old ids' order; the choice, and
//! what each reveals, is in PLAN.md.

use serde::Serialize;
use std::fmt;
use std::str::FromStr;

/// The UUID version forward gives existing rows and new rows' defaults.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum UuidVersion {
    /// `gen_random_uuid()`.
    #[default]
    V4,
    /// Time-ordered: `uuidv7()` on PostgreSQL 18, a SQL function before.
    V7,
}

impl UuidVersion {
    /// For `skip_serializing_if`: plans that do not ask for v7 serialize as
    /// they did before the option existed.
    pub fn is_v4(&self) -> bool {
        *self == UuidVersion::V4
    }
}

impl FromStr for UuidVersion {
    type Err = String;

    fn from_str(s: &str) -> Result<UuidVersion, String> {
        match s {
            "v4" => Ok(UuidVersion::V4),
            "v7" => Ok(UuidVersion::V7),
            other => Err(format!(
                "unknown uuid version {other:?}: use \"v4\" or \"v7\""
            )),
        }
    }
}

impl fmt::Display for UuidVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UuidVersion::V4 => "v4",
            UuidVersion::V7 => "v7",
        })
    }
}

/// Whether a column's type can give a version 7 UUID its time: what
/// `extract(epoch FROM …)` reads as a point in time.
pub fn is_time_type(type_name: &str) -> bool {
    let Some(rest) = type_name.strip_prefix("timestamp") else {
        return type_name == "date";
    };
    let rest = match rest.strip_prefix('(') {
        Some(precision) => match precision.split_once(')') {
            Some((digits, rest)) if digits.bytes().all(|b| b.is_ascii_digit()) => rest,
            _ => return false,
        },
        None => rest,
    };
    matches!(rest, " with time zone" | " without time zone")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_types() {
        for t in [
            "timestamp with time zone",
            "timestamp(3) with time zone",
            "timestamp without time zone",
            "timestamp(0) without time zone",
            "date",
        ] {
            assert!(is_time_type(t), "{t}");
        }
        for t in [
            "text",
            "bigint",
            "time with time zone",
            "interval",
            "public.ts",
            "timestamps",
        ] {
            assert!(!is_time_type(t), "{t}");
        }
    }

    #[test]
    fn parses_versions() {
        assert_eq!("v7".parse(), Ok(UuidVersion::V7));
        assert_eq!("v4".parse(), Ok(UuidVersion::V4));
        assert!("V7".parse::<UuidVersion>().is_err());
    }
}
