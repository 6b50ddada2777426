//! `keyshift.toml`: what the schema cannot say. References without a
//! foreign key, polymorphic `(…_type, …_id)` pairs, tables to leave alone,
//! the uuid-era query of a view that treats a key as an integer, and what
//! to read from a live database.
//!
//! Parsing ([`Config::parse`]) is pure: the caller reads the file. Checking
//! the file against the schema ([`Config::apply`], in `apply.rs`) needs
//! the catalog, and turns the file into plan [`Options`](crate::plan::Options).
//! Every error is one line starting `FILE:LINE:COL:` at the value at fault,
//! so a reviewer can jump to it; nothing is written when there is one.

mod apply;

use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt;
use toml::Spanned;

/// A parsed configuration file, not yet checked against a schema.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file as the user named it, for messages.
    name: String,
    /// The file's text, to turn spans into line:column.
    text: String,
    /// Byte offset of each line's start.
    line_starts: Vec<usize>,
    raw: Raw,
}

/// The file's format. Unknown keys are errors, so a typo never silently
/// means "not configured".
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    /// Tables left exactly as they are, as `--exclude-table`.
    #[serde(default)]
    exclude_tables: Vec<Spanned<String>>,
    /// As `--drop-id-map`.
    #[serde(default)]
    drop_id_map: bool,
    /// As `--mode` (which wins when both are given): `"maintenance"` or
    /// `"online"`.
    #[serde(default)]
    mode: Option<Spanned<String>>,
    /// As `--uuid` (which wins when both are given): `"v4"` or `"v7"`.
    #[serde(default)]
    uuid: Option<Spanned<String>>,
    /// What to read from a live database, as `-n/-N/-t`.
    #[serde(default)]
    read: Option<Spanned<Read>>,
    #[serde(default)]
    reference: Vec<Spanned<Reference>>,
    #[serde(default)]
    polymorphic: Vec<Spanned<Polymorphic>>,
    /// Columns named like references that hold something else.
    #[serde(default)]
    not_a_reference: Vec<Spanned<NotAReference>>,
    /// `"block"` (the default) or `"warn"`: what an undeclared candidate
    /// does to the plan.
    #[serde(default)]
    undeclared_references: Option<Spanned<String>>,
    /// Per-table choices, keyed by `schema.table`.
    #[serde(default)]
    tables: BTreeMap<Spanned<String>, Spanned<TableSettings>>,
    /// Per-view choices, keyed by `schema.view`.
    #[serde(default)]
    views: BTreeMap<Spanned<String>, Spanned<ViewSettings>>,
}

/// `[read]`: pg_dump-style patterns for live sources.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Read {
    #[serde(default)]
    schemas: Vec<String>,
    #[serde(default)]
    exclude_schemas: Vec<String>,
    #[serde(default)]
    tables: Vec<String>,
}

/// `[[reference]]`: `from` holds values of `to`, without a foreign key.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Reference {
    from: Spanned<String>,
    to: Spanned<String>,
    /// `"fail"` (the default), `"null"` or `"keep"`: what happens to a row
    /// whose value has no parent row.
    #[serde(default)]
    on_orphan: Option<Spanned<String>>,
}

/// `[[polymorphic]]`: `id_column` holds the key of the table that
/// `type_column` names.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct Polymorphic {
    table: Spanned<String>,
    type_column: Spanned<String>,
    id_column: Spanned<String>,
    types: Spanned<BTreeMap<String, Spanned<String>>>,
}

/// `[[not_a_reference]]`: `column` is named like a reference but holds
/// something else, so it stays an integer and is no longer a blocker.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct NotAReference {
    column: Spanned<String>,
    #[serde(default)]
    reason: Option<String>,
}

/// `[tables."schema.table"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TableSettings {
    #[serde(default)]
    surrogate_key: Option<Spanned<bool>>,
    /// Version 7 UUIDs: the column whose time each existing row's UUID
    /// gets, instead of times that follow the old ids' order.
    #[serde(default)]
    uuid_time: Option<Spanned<String>>,
    /// The uuid this table's key's sentinels become (fixed ids of zero or
    /// below that name no row, kept orphans) instead of the nil uuid.
    #[serde(default)]
    sentinel: Option<Spanned<String>>,
}

/// `[views."schema.view"]`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ViewSettings {
    /// The query forward recreates the view from once the keys are uuid,
    /// for a view whose own query treats a key as an integer.
    query: Spanned<String>,
}

/// The live-database filters the file asks for, with where it asks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReadFilter {
    /// `-n` patterns.
    pub schemas: Vec<String>,
    /// `-N` patterns.
    pub exclude_schemas: Vec<String>,
    /// `-t` patterns.
    pub tables: Vec<String>,
    /// `FILE:LINE:COL` of the `[read]` table.
    pub location: String,
}

/// A problem in the configuration file, at a position in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    /// `FILE:LINE:COL`.
    pub location: String,
    /// What is wrong, naming the object.
    pub message: String,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for ConfigError {}

/// `value` as a one-line TOML basic string: what `keyshift init` drafts
/// and what blocker help suggests, so a name read from a schema can never
/// end the string or the line it is on.
pub fn toml_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() || c == '\u{2028}' || c == '\u{2029}' => {
                out.push_str(&format!("\\u{:04X}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Config {
    /// Parses `text`, read from `name`. Syntax errors, unknown keys and
    /// values of the wrong type are reported at their position.
    pub fn parse(name: &str, text: &str) -> Result<Config, ConfigError> {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        let mut config = Config {
            name: name.to_string(),
            text: text.to_string(),
            line_starts,
            raw: Raw {
                exclude_tables: Vec::new(),
                drop_id_map: false,
                mode: None,
                uuid: None,
                read: None,
                reference: Vec::new(),
                polymorphic: Vec::new(),
                not_a_reference: Vec::new(),
                undeclared_references: None,
                tables: BTreeMap::new(),
                views: BTreeMap::new(),
            },
        };
        config.raw = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace('\n', "; ");
            config.error(e.span().map_or(0, |s| s.start), message)
        })?;
        Ok(config)
    }

    /// The file name without its directory, as generated files cite it.
    pub fn file_name(&self) -> String {
        self.name
            .rsplit(['/', '\\'])
            .next()
            .unwrap_or(&self.name)
            .to_string()
    }

    /// The `[read]` filters, if the file has them.
    pub fn read_filter(&self) -> Option<ReadFilter> {
        let read = self.raw.read.as_ref()?;
        Some(ReadFilter {
            schemas: read.get_ref().schemas.clone(),
            exclude_schemas: read.get_ref().exclude_schemas.clone(),
            tables: read.get_ref().tables.clone(),
            location: self.location(read.span().start),
        })
    }

    /// `FILE:LINE:COL` of byte `offset`, both counted from 1; the column
    /// counts characters, as editors do.
    fn location(&self, offset: usize) -> String {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(0, |t| t.chars().count());
        format!("{}:{line}:{}", self.name, column + 1)
    }

    fn error(&self, offset: usize, message: impl Into<String>) -> ConfigError {
        ConfigError {
            location: self.location(offset),
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests;
