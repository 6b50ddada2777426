//! Errors of the DDL parser.
//!
//! Every problem is reported against the file the user gave us, at the line
//! and column where the offending statement starts, so it can be fixed without
//! guessing; the miette span points at the exact token when one is known.

use super::split::{floor_char_boundary, line_column};
use miette::{Diagnostic, NamedSource, SourceSpan};
use std::sync::Arc;
use thiserror::Error;

/// A statement keyshift cannot turn into the catalog, with its location.
#[derive(Debug, Error, Diagnostic)]
#[error("{file}:{line}:{column}: {message}")]
#[diagnostic(code(keyshift::ddl))]
pub struct DdlError {
    /// The file name the caller passed in.
    pub file: String,
    /// 1-based line of the statement start.
    pub line: usize,
    /// 1-based column (in characters) of the statement start.
    pub column: usize,
    /// What failed.
    pub message: String,
    /// The whole script, for miette's snippet (shared, to keep the error
    /// small).
    #[source_code]
    pub source_code: Arc<NamedSource<String>>,
    /// Where exactly the problem is.
    #[label("{label}")]
    pub span: SourceSpan,
    /// Label text shown at `span`.
    pub label: &'static str,
    /// What to do about it, when we know.
    #[help]
    pub help: Option<Box<str>>,
}

/// A failure inside one statement; offsets are relative to the statement
/// text, and the driver turns it into a [`DdlError`] with the file context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Fail {
    /// What failed.
    pub message: String,
    /// Byte offset inside the statement of the offending token, if known.
    pub at: Option<usize>,
    /// Optional advice.
    pub help: Option<String>,
}

/// Result type of everything that works on one statement.
pub(crate) type Result<T> = std::result::Result<T, Fail>;

impl Fail {
    /// A failure without a precise position.
    pub fn new(message: impl Into<String>) -> Fail {
        Fail {
            message: message.into(),
            at: None,
            help: None,
        }
    }

    /// A failure at byte `offset` of the statement.
    pub fn at(message: impl Into<String>, offset: usize) -> Fail {
        Fail {
            message: message.into(),
            at: Some(offset),
            help: None,
        }
    }

    /// Adds advice.
    pub fn with_help(mut self, help: impl Into<String>) -> Fail {
        self.help = Some(help.into());
        self
    }
}

impl DdlError {
    /// Places `fail`, raised in the statement starting at byte
    /// `statement_start` of `sql`, in the file.
    pub(crate) fn new(file: &str, sql: &str, statement_start: usize, fail: Fail) -> DdlError {
        let (line, column) = line_column(sql, statement_start);
        let (offset, label) = match fail.at {
            Some(at) => (floor_char_boundary(sql, statement_start + at), "here"),
            None => (statement_start, "in this statement"),
        };
        let len = sql[offset..].chars().next().map_or(0, char::len_utf8);
        DdlError {
            file: file.to_string(),
            line,
            column,
            message: fail.message,
            source_code: Arc::new(NamedSource::new(file, sql.to_string())),
            span: SourceSpan::new(offset.into(), len),
            label,
            help: fail.help.map(String::into_boxed_str),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_file_line_and_column() {
        let sql = "SELECT 1;\n\n  CREATE TABLE x (;";
        let err = DdlError::new(
            "a.sql",
            sql,
            13,
            Fail::at("cannot parse CREATE TABLE statement: boom", 16),
        );
        assert_eq!(
            err.to_string(),
            "a.sql:3:3: cannot parse CREATE TABLE statement: boom"
        );
        assert_eq!(err.span.offset(), 29);
    }
}
