//! sqlparser's tokens with byte offsets, and a small cursor over them.
//!
//! Two jobs need tokens rather than the AST: parsing the pg_dump forms
//! sqlparser rejects, and recovering the exact source text of expressions
//! (defaults, CHECKs, index keys). sqlparser prints expressions its own way
//! (`'{}'::JSONB`) while pg_dump already prints them the way PostgreSQL
//! stores them (`'{}'::jsonb`), so the source slice is the faithful one.

use super::error::{Fail, Result};
use super::names::fold_word;
use sqlparser::ast::Statement;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Word};

/// One significant token (no whitespace or comments) of a statement.
#[derive(Debug, Clone)]
pub(crate) struct Tok {
    /// The token itself.
    pub token: Token,
    /// Byte offset of its first byte in the statement text.
    pub start: usize,
    /// Byte offset one past its last byte.
    pub end: usize,
    /// Index into [`Tokens::raw`].
    pub raw: usize,
}

/// A tokenized statement.
pub(crate) struct Tokens<'a> {
    /// The statement text the offsets refer to.
    pub text: &'a str,
    /// Everything the tokenizer produced, whitespace included, for the parser.
    pub raw: Vec<TokenWithSpan>,
    /// The significant tokens.
    pub toks: Vec<Tok>,
}

/// Maps sqlparser's (line, column-in-characters) locations to byte offsets.
struct LocationMap<'a> {
    text: &'a str,
    line_starts: Vec<usize>,
}

impl<'a> LocationMap<'a> {
    fn new(text: &'a str) -> Self {
        let mut line_starts = vec![0];
        line_starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LocationMap { text, line_starts }
    }

    fn offset(&self, loc: Location) -> usize {
        let Some(&start) = usize::try_from(loc.line)
            .ok()
            .and_then(|l| l.checked_sub(1))
            .and_then(|l| self.line_starts.get(l))
        else {
            return self.text.len();
        };
        let col = usize::try_from(loc.column).unwrap_or(1).saturating_sub(1);
        // Columns count characters; over ASCII they are bytes.
        let rest = &self.text.as_bytes()[start..];
        if col <= rest.len() && rest[..col].is_ascii() {
            return start + col;
        }
        self.text[start..]
            .char_indices()
            .nth(col)
            .map_or(self.text.len(), |(i, _)| start + i)
    }
}

/// Tokenizes one statement with PostgreSQL rules.
///
/// Both token lists are sized before they are filled: DDL has about one
/// token (whitespace included) for every three bytes, and growing them
/// one doubling at a time was about a fifth of the reading thread's time.
pub(crate) fn tokenize(text: &str) -> Result<Tokens<'_>> {
    let dialect = PostgreSqlDialect {};
    let mut raw = Vec::with_capacity(text.len() / 3 + 8);
    Tokenizer::new(&dialect, text)
        .tokenize_with_location_into_buf(&mut raw)
        .map_err(|e| {
            let at = LocationMap::new(text).offset(e.location);
            Fail::at(format!("cannot tokenize statement: {}", e.message), at)
        })?;
    let map = LocationMap::new(text);
    let mut toks = Vec::with_capacity(raw.len());
    toks.extend(
        raw.iter()
            .enumerate()
            .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_) | Token::EOF))
            .map(|(i, t)| Tok {
                token: t.token.clone(),
                start: map.offset(t.span.start),
                end: map.offset(t.span.end),
                raw: i,
            }),
    );
    Ok(Tokens { text, raw, toks })
}

/// Byte offset inside `text` named by a sqlparser error message
/// (`… at Line: 3, Column: 7`), if it names one.
pub(crate) fn error_offset(text: &str, message: &str) -> Option<usize> {
    let rest = &message[message.rfind("Line: ")? + 6..];
    let (line, rest) = rest.split_once(", Column: ")?;
    let column: String = rest.chars().take_while(char::is_ascii_digit).collect();
    let loc = Location::new(line.trim().parse().ok()?, column.parse().ok()?);
    Some(LocationMap::new(text).offset(loc))
}

/// Turns a sqlparser error into a [`Fail`] pointing at the token it names.
pub(crate) fn parser_fail(text: &str, what: &str, err: &ParserError) -> Fail {
    let raw = err.to_string();
    let message = raw
        .strip_prefix("sql parser error: ")
        .unwrap_or(&raw)
        .to_string();
    let at = error_offset(text, &message);
    let message = match message.rfind(" at Line: ") {
        Some(p) => message[..p].to_string(),
        None => message,
    };
    Fail {
        message: format!("cannot parse {what} statement: {message}"),
        at,
        help: None,
    }
}

impl<'a> Tokens<'a> {
    /// Number of significant tokens.
    pub fn len(&self) -> usize {
        self.toks.len()
    }

    /// The unquoted keyword/identifier at `i`, if it is one.
    pub fn word(&self, i: usize) -> Option<&Word> {
        match &self.toks.get(i)?.token {
            Token::Word(w) => Some(w),
            _ => None,
        }
    }

    /// True when token `i` is the unquoted word `kw` (any case).
    pub fn is_kw(&self, i: usize, kw: &str) -> bool {
        self.word(i)
            .is_some_and(|w| w.quote_style.is_none() && w.value.eq_ignore_ascii_case(kw))
    }

    /// True when tokens from `i` are the unquoted words `kws`.
    pub fn is_kws(&self, i: usize, kws: &[&str]) -> bool {
        kws.iter().enumerate().all(|(k, kw)| self.is_kw(i + k, kw))
    }

    /// The token at `i`.
    pub fn token(&self, i: usize) -> Option<&Token> {
        self.toks.get(i).map(|t| &t.token)
    }

    /// True when token `i` is `tok`.
    pub fn is(&self, i: usize, tok: &Token) -> bool {
        self.toks.get(i).is_some_and(|t| &t.token == tok)
    }

    /// Byte offset of token `i` (the end of the text past the last token).
    pub fn offset(&self, i: usize) -> usize {
        self.toks.get(i).map_or(self.text.len(), |t| t.start)
    }

    /// Source text of tokens `lo..hi`, exactly as written.
    pub fn slice(&self, lo: usize, hi: usize) -> &'a str {
        if lo >= hi || lo >= self.toks.len() {
            return "";
        }
        let hi = hi.min(self.toks.len());
        &self.text[self.toks[lo].start..self.toks[hi - 1].end]
    }

    /// Index of the `)` matching the `(` at `open`.
    pub fn close_paren(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for (i, t) in self.toks.iter().enumerate().skip(open) {
            match t.token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => {
                    depth = depth.checked_sub(1)?;
                    if depth == 0 {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Splits `lo..hi` at commas outside parentheses and brackets.
    pub fn split_commas(&self, lo: usize, hi: usize) -> Vec<(usize, usize)> {
        let mut parts = Vec::new();
        let mut depth = 0usize;
        let mut start = lo;
        for i in lo..hi.min(self.toks.len()) {
            match self.toks[i].token {
                Token::LParen | Token::LBracket => depth += 1,
                Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
                Token::Comma if depth == 0 => {
                    parts.push((start, i));
                    start = i + 1;
                }
                _ => {}
            }
        }
        if start < hi || !parts.is_empty() {
            parts.push((start, hi));
        }
        parts
    }

    /// First index in `lo..hi` at parenthesis depth 0 satisfying `pred`.
    pub fn find_top(&self, lo: usize, hi: usize, pred: impl Fn(usize) -> bool) -> Option<usize> {
        let mut depth = 0usize;
        for i in lo..hi.min(self.toks.len()) {
            match self.toks[i].token {
                Token::LParen | Token::LBracket => {
                    if depth == 0 && pred(i) {
                        return Some(i);
                    }
                    depth += 1;
                }
                Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
                _ if depth == 0 && pred(i) => return Some(i),
                _ => {}
            }
        }
        None
    }

    /// Parses the statement with sqlparser, leaving out the significant
    /// tokens whose indexes are in `drop`.
    pub fn parse_without(&self, what: &str, drop: &[(usize, usize)]) -> Result<Statement> {
        let mut dropped_raw = vec![false; self.raw.len()];
        for &(lo, hi) in drop {
            for t in &self.toks[lo.min(self.toks.len())..hi.min(self.toks.len())] {
                dropped_raw[t.raw] = true;
            }
        }
        let raw: Vec<TokenWithSpan> = self
            .raw
            .iter()
            .zip(&dropped_raw)
            .filter(|(_, dropped)| !**dropped)
            .map(|(t, _)| t.clone())
            .collect();
        let dialect = PostgreSqlDialect {};
        let mut parser = Parser::new(&dialect).with_tokens_with_locations(raw);
        let statement = parser
            .parse_statement()
            .map_err(|e| parser_fail(self.text, what, &e))?;
        let next = parser.peek_token();
        if !matches!(next.token, Token::EOF | Token::SemiColon) {
            let at = LocationMap::new(self.text).offset(next.span.start);
            return Err(Fail::at(
                format!("cannot parse {what} statement: unexpected `{}`", next.token),
                at,
            ));
        }
        Ok(statement)
    }

    /// A cursor over `lo..hi`.
    pub fn cursor(&self, lo: usize, hi: usize) -> Cursor<'_, 'a> {
        Cursor {
            t: self,
            pos: lo,
            end: hi.min(self.toks.len()),
        }
    }
}

/// Sequential access for the hand-written parsers.
pub(crate) struct Cursor<'t, 'a> {
    /// The tokens.
    pub t: &'t Tokens<'a>,
    /// Current index.
    pub pos: usize,
    /// One past the last index this cursor may read.
    pub end: usize,
}

impl Cursor<'_, '_> {
    /// True when nothing is left.
    pub fn at_end(&self) -> bool {
        self.pos >= self.end
    }

    /// The current token.
    pub fn peek(&self) -> Option<&Token> {
        if self.at_end() {
            return None;
        }
        self.t.toks.get(self.pos).map(|t| &t.token)
    }

    /// True when the current token is keyword `kw`.
    pub fn peek_kw(&self, kw: &str) -> bool {
        !self.at_end() && self.t.is_kw(self.pos, kw)
    }

    /// Consumes the keywords `kws` if they come next.
    pub fn eat_kws(&mut self, kws: &[&str]) -> bool {
        if self.pos + kws.len() <= self.end && self.t.is_kws(self.pos, kws) {
            self.pos += kws.len();
            true
        } else {
            false
        }
    }

    /// Consumes keyword `kw` if it comes next.
    pub fn eat_kw(&mut self, kw: &str) -> bool {
        self.eat_kws(&[kw])
    }

    /// Consumes `tok` if it comes next.
    pub fn eat(&mut self, tok: &Token) -> bool {
        if self.peek() == Some(tok) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    /// A failure at the current token.
    pub fn fail(&self, message: impl Into<String>) -> Fail {
        Fail::at(message, self.t.offset(self.pos))
    }

    /// Requires keyword `kw`.
    pub fn expect_kw(&mut self, kw: &str) -> Result<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.fail(format!("expected {kw}, found {}", self.describe())))
        }
    }

    /// The current token for messages.
    pub fn describe(&self) -> String {
        self.peek()
            .map_or_else(|| "end of statement".to_string(), |t| format!("`{t}`"))
    }

    /// An identifier (quoted or not), folded the way PostgreSQL stores it.
    pub fn ident(&mut self) -> Result<String> {
        match self.peek() {
            Some(Token::Word(w)) => {
                let name = fold_word(w);
                self.pos += 1;
                Ok(name)
            }
            _ => Err(self.fail(format!("expected a name, found {}", self.describe()))),
        }
    }

    /// A dotted name such as `schema.table`, each part folded.
    pub fn object_name(&mut self) -> Result<Vec<String>> {
        let mut parts = vec![self.ident()?];
        while self.peek() == Some(&Token::Period) {
            self.pos += 1;
            parts.push(self.ident()?);
        }
        Ok(parts)
    }

    /// A possibly signed integer.
    pub fn integer(&mut self) -> Result<i64> {
        let negative = if self.eat(&Token::Minus) {
            true
        } else {
            self.eat(&Token::Plus);
            false
        };
        match self.peek() {
            Some(Token::Number(n, _)) => {
                let text = if negative { format!("-{n}") } else { n.clone() };
                let value = text
                    .parse::<i64>()
                    .map_err(|_| self.fail(format!("`{text}` is not a 64-bit integer")))?;
                self.pos += 1;
                Ok(value)
            }
            _ => Err(self.fail(format!("expected a number, found {}", self.describe()))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn offsets_are_bytes_even_after_multibyte_text() {
        let t = tokenize("SELECT 'é', \"ß\"\n  FROM x").unwrap_or_else(|e| panic!("{e:?}"));
        let last = t.toks.last().map(|t| (t.start, t.end));
        assert_eq!(last, Some((25, 26)));
        assert_eq!(t.slice(1, 4), "'é', \"ß\"");
    }

    #[test]
    fn splits_at_top_level_commas() {
        let t = tokenize("a, f(b, c), (d, e)").unwrap_or_else(|e| panic!("{e:?}"));
        let parts: Vec<&str> = t
            .split_commas(0, t.len())
            .into_iter()
            .map(|(l, h)| t.slice(l, h))
            .collect();
        assert_eq!(parts, vec!["a", "f(b, c)", "(d, e)"]);
    }

    #[test]
    fn error_offsets_follow_sqlparser_locations() {
        assert_eq!(
            error_offset("ab\ncdé f", "Expected x at Line: 2, Column: 5"),
            Some(8)
        );
    }
}
