//! Splits a SQL script into the pieces psql would see.
//!
//! sqlparser can split a script itself, but it gives up on the first
//! statement it does not understand, knows nothing of psql's meta-commands or
//! of the data blocks that follow `COPY … FROM stdin`, and a dump is full of
//! both. So the script is cut here the way psql's own lexer cuts it, keeping
//! the byte offsets so every later error can point at the original file.
//!
//! The scanner is a single forward pass over the bytes (quoted text, comments
//! and COPY data are skipped with substring searches), so it is linear in the
//! size of the script: multi-megabyte data dumps cost next to nothing.

/// What a [`Piece`] of the script is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PieceKind {
    /// An SQL statement, without its terminating `;`.
    Statement,
    /// A psql meta-command line such as `\connect db` or `\restrict KEY`.
    MetaCommand,
    /// The inline data of a `COPY … FROM stdin`, up to and including `\.`.
    CopyData,
}

/// A byte range of the script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Piece {
    /// What the range holds.
    pub kind: PieceKind,
    /// Offset of the first byte (never whitespace or a comment).
    pub start: usize,
    /// Offset one past the last byte.
    pub end: usize,
}

/// Splits `sql` into statements, meta-commands and COPY data blocks.
pub(crate) fn split(sql: &str) -> Vec<Piece> {
    Splitter {
        sql,
        bytes: sql.as_bytes(),
        pieces: Vec::new(),
    }
    .run()
}

/// Scanner state; one instance per script.
struct Splitter<'a> {
    sql: &'a str,
    bytes: &'a [u8],
    pieces: Vec<Piece>,
}

/// Per-statement lexer state, reset after every `;`.
#[derive(Default)]
struct StatementState {
    start: Option<usize>,
    paren_depth: usize,
    /// Depth of `BEGIN … END` in `CREATE FUNCTION … BEGIN ATOMIC` bodies,
    /// where psql does not end the statement at `;`.
    begin_depth: usize,
    /// First letters of the leading `CREATE [OR REPLACE] FUNCTION|PROCEDURE`
    /// words, exactly like psql's `identifiers` array.
    leading: [u8; 4],
    word_count: usize,
    /// End offset of the last word, and whether it was a lone `E`/`e`
    /// (which makes a directly following quote an escape string).
    last_word_end: usize,
    last_word_is_e: bool,
}

impl StatementState {
    fn in_routine_header(&self) -> bool {
        let l = &self.leading;
        l[0] == b'c'
            && (l[1] == b'f'
                || l[1] == b'p'
                || (l[1] == b'o' && l[2] == b'r' && (l[3] == b'f' || l[3] == b'p')))
    }

    fn note_word(&mut self, word: &str, end: usize) {
        let is = |w: &str| word.eq_ignore_ascii_case(w);
        if (is("create") || is("function") || is("procedure") || is("or") || is("replace"))
            && self.word_count < self.leading.len()
        {
            self.leading[self.word_count] = word.as_bytes()[0].to_ascii_lowercase();
        }
        self.word_count += 1;
        if self.in_routine_header() && self.paren_depth == 0 {
            // CASE also ends with END, but only matters inside a BEGIN.
            if is("begin") || (is("case") && self.begin_depth > 0) {
                self.begin_depth += 1;
            } else if is("end") {
                self.begin_depth = self.begin_depth.saturating_sub(1);
            }
        }
        self.last_word_end = end;
        self.last_word_is_e = is("e");
    }
}

fn is_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b >= 0x80
}

fn is_ident_char(b: u8) -> bool {
    is_ident_start(b) || b.is_ascii_digit() || b == b'$'
}

impl<'a> Splitter<'a> {
    fn run(mut self) -> Vec<Piece> {
        let n = self.bytes.len();
        let mut st = StatementState::default();
        let mut i = 0;
        while i < n {
            let b = self.bytes[i];
            let next = self.bytes.get(i + 1).copied();
            match b {
                b'-' if next == Some(b'-') => i = self.line_end(i),
                b'/' if next == Some(b'*') => i = self.comment_end(i),
                b if b.is_ascii_whitespace() => i += 1,
                b'\\' if st.start.is_none() => {
                    let end = self.line_end(i);
                    self.push(PieceKind::MetaCommand, i, trim_end(self.bytes, i, end));
                    i = end;
                }
                b';' if st.paren_depth == 0 && st.begin_depth == 0 => {
                    if let Some(start) = st.start {
                        self.push(PieceKind::Statement, start, i);
                        i = self.after_statement(start, i);
                    } else {
                        i += 1;
                    }
                    st = StatementState::default();
                }
                _ => {
                    st.start.get_or_insert(i);
                    i = self.token_end(&mut st, i);
                }
            }
        }
        if let Some(start) = st.start {
            self.push(PieceKind::Statement, start, trim_end(self.bytes, start, n));
        }
        self.pieces
    }

    fn push(&mut self, kind: PieceKind, start: usize, end: usize) {
        self.pieces.push(Piece { kind, start, end });
    }

    /// Consumes one token of statement text starting at `i` and returns the
    /// offset after it.
    fn token_end(&self, st: &mut StatementState, i: usize) -> usize {
        let b = self.bytes[i];
        match b {
            b'\'' => {
                let escapes = st.last_word_is_e && st.last_word_end == i;
                self.string_end(i, escapes)
            }
            b'"' => self.quoted_end(i, b'"'),
            b'$' => self.dollar_end(i).unwrap_or(i + 1),
            b'(' => {
                st.paren_depth += 1;
                i + 1
            }
            b')' => {
                st.paren_depth = st.paren_depth.saturating_sub(1);
                i + 1
            }
            b if is_ident_start(b) => {
                let mut j = i + 1;
                while j < self.bytes.len() && is_ident_char(self.bytes[j]) {
                    j += 1;
                }
                st.note_word(&self.sql[i..j], j);
                j
            }
            b if b.is_ascii_digit() => {
                let mut j = i + 1;
                while j < self.bytes.len()
                    && (self.bytes[j].is_ascii_alphanumeric()
                        || self.bytes[j] == b'.'
                        || self.bytes[j] == b'_')
                {
                    j += 1;
                }
                j
            }
            _ => i + 1,
        }
    }

    /// Offset of the `\n` ending the line that contains `i` (or the end).
    fn line_end(&self, i: usize) -> usize {
        self.sql[i..].find('\n').map_or(self.bytes.len(), |p| i + p)
    }

    /// End of a (possibly nested) `/* … */` comment starting at `i`.
    fn comment_end(&self, i: usize) -> usize {
        let mut depth = 0usize;
        let mut j = i;
        let n = self.bytes.len();
        while j < n {
            if self.bytes[j] == b'/' && self.bytes.get(j + 1) == Some(&b'*') {
                depth += 1;
                j += 2;
            } else if self.bytes[j] == b'*' && self.bytes.get(j + 1) == Some(&b'/') {
                depth -= 1;
                j += 2;
                if depth == 0 {
                    return j;
                }
            } else {
                j += 1;
            }
        }
        n
    }

    /// End of a single-quoted string starting at `i`; `''` is an embedded
    /// quote, and in an `E''` string so is `\'`.
    fn string_end(&self, i: usize, backslash_escapes: bool) -> usize {
        let n = self.bytes.len();
        let mut j = i + 1;
        while j < n {
            match self.bytes[j] {
                b'\\' if backslash_escapes => j += 2,
                b'\'' if self.bytes.get(j + 1) == Some(&b'\'') => j += 2,
                b'\'' => return j + 1,
                _ => j += 1,
            }
        }
        n
    }

    /// End of a quoted identifier starting at `i`; a doubled quote is
    /// embedded.
    fn quoted_end(&self, i: usize, quote: u8) -> usize {
        let n = self.bytes.len();
        let mut j = i + 1;
        while j < n {
            if self.bytes[j] == quote {
                if self.bytes.get(j + 1) == Some(&quote) {
                    j += 2;
                    continue;
                }
                return j + 1;
            }
            j += 1;
        }
        n
    }

    /// End of a dollar-quoted string (`$$…$$`, `$tag$…$tag$`) starting at
    /// `i`, or `None` when the `$` does not open one (e.g. `$1`).
    fn dollar_end(&self, i: usize) -> Option<usize> {
        let n = self.bytes.len();
        let mut j = i + 1;
        if j < n && is_ident_start(self.bytes[j]) {
            j += 1;
            while j < n && (is_ident_start(self.bytes[j]) || self.bytes[j].is_ascii_digit()) {
                j += 1;
            }
        }
        if self.bytes.get(j) != Some(&b'$') {
            return None;
        }
        let tag = &self.sql[i..=j];
        let body = j + 1;
        Some(
            self.sql[body..]
                .find(tag)
                .map_or(n, |p| body + p + tag.len()),
        )
    }

    /// Where scanning resumes after the statement `start..semi`: past the
    /// data block when the statement is a `COPY … FROM stdin`.
    fn after_statement(&mut self, start: usize, semi: usize) -> usize {
        if !is_copy_from_stdin(&self.sql[start..semi]) {
            return semi + 1;
        }
        let n = self.bytes.len();
        let data_start = (self.line_end(semi) + 1).min(n);
        let mut line = data_start;
        while line < n {
            let end = self.line_end(line);
            let text = self.sql[line..end].trim_end_matches('\r');
            if text == "\\." {
                self.push(PieceKind::CopyData, data_start, end);
                return end;
            }
            line = end + 1;
        }
        if data_start < n {
            self.push(PieceKind::CopyData, data_start, n);
        }
        n
    }
}

/// Trims trailing whitespace off `start..end`.
fn trim_end(bytes: &[u8], start: usize, mut end: usize) -> usize {
    while end > start && bytes[end - 1].is_ascii_whitespace() {
        end -= 1;
    }
    end
}

/// `COPY … FROM stdin` (psql then reads the data from the script itself).
fn is_copy_from_stdin(statement: &str) -> bool {
    let words: Vec<String> = statement
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|w| !w.is_empty())
        .map(str::to_ascii_lowercase)
        .collect();
    words.first().is_some_and(|w| w == "copy")
        && words.windows(2).any(|w| w[0] == "from" && w[1] == "stdin")
}

/// 1-based line and column (in characters) of byte `offset` in `text`.
pub(crate) fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |p| p + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// The largest char boundary not after `offset`.
pub(crate) fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while offset > 0 && !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(sql: &str) -> Vec<(PieceKind, &str)> {
        split(sql)
            .into_iter()
            .map(|p| (p.kind, &sql[p.start..p.end]))
            .collect()
    }

    fn statements(sql: &str) -> Vec<&str> {
        texts(sql)
            .into_iter()
            .filter(|(k, _)| *k == PieceKind::Statement)
            .map(|(_, t)| t)
            .collect()
    }

    #[test]
    fn splits_on_semicolons_outside_quotes_and_comments() {
        let sql =
            "SELECT 'a;b'; -- c;d\nSELECT \"x;y\" /* e; /* nested; */ f; */ FROM t;\n  SELECT 1";
        assert_eq!(
            statements(sql),
            vec![
                "SELECT 'a;b'",
                "SELECT \"x;y\" /* e; /* nested; */ f; */ FROM t",
                "SELECT 1"
            ]
        );
    }

    #[test]
    fn handles_doubled_quotes_and_escape_strings() {
        let sql =
            "SELECT 'it''s;'; SELECT E'a\\';b'; SELECT e'\\\\'; SELECT 'x\\'; SELECT \"a\"\";b\";";
        assert_eq!(
            statements(sql),
            vec![
                "SELECT 'it''s;'",
                "SELECT E'a\\';b'",
                "SELECT e'\\\\'",
                "SELECT 'x\\'",
                "SELECT \"a\"\";b\""
            ]
        );
    }

    #[test]
    fn handles_dollar_quoting() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\
                   CREATE FUNCTION g() AS $body$ a; $$ b; $body$;SELECT $1;";
        assert_eq!(
            statements(sql),
            vec![
                "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql",
                "CREATE FUNCTION g() AS $body$ a; $$ b; $body$",
                "SELECT $1"
            ]
        );
    }

    #[test]
    fn keeps_semicolons_inside_parentheses_and_begin_atomic() {
        let sql = "CREATE RULE r AS ON INSERT TO t DO (INSERT INTO a VALUES (1); INSERT INTO b VALUES (2));\n\
                   CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT CASE WHEN true THEN 1 END; SELECT 2; END;\n\
                   SELECT 3;";
        let got = statements(sql);
        assert_eq!(got.len(), 3, "{got:#?}");
        assert!(got[1].ends_with("SELECT 2; END"));
    }

    #[test]
    fn skips_copy_data_and_meta_commands() {
        let sql = "\\restrict abc\nSET x = 1;\nCOPY public.t (a, b) FROM stdin;\n1\t'x;\n2\t$$\n\\.\n\\connect db\nSELECT 1;\n\\unrestrict abc\n";
        assert_eq!(
            texts(sql),
            vec![
                (PieceKind::MetaCommand, "\\restrict abc"),
                (PieceKind::Statement, "SET x = 1"),
                (PieceKind::Statement, "COPY public.t (a, b) FROM stdin"),
                (PieceKind::CopyData, "1\t'x;\n2\t$$\n\\."),
                (PieceKind::MetaCommand, "\\connect db"),
                (PieceKind::Statement, "SELECT 1"),
                (PieceKind::MetaCommand, "\\unrestrict abc"),
            ]
        );
    }

    #[test]
    fn copy_to_stdout_has_no_data_block() {
        let sql = "COPY t TO stdout;\nSELECT 1;";
        assert_eq!(statements(sql), vec!["COPY t TO stdout", "SELECT 1"]);
    }

    #[test]
    fn statement_starts_after_leading_comments() {
        let sql = "-- header\n/* c */\n  CREATE TABLE t (a int);";
        let pieces = split(sql);
        assert_eq!(line_column(sql, pieces[0].start), (3, 3));
    }

    #[test]
    fn unterminated_input_ends_at_eof() {
        assert_eq!(statements("SELECT 'abc"), vec!["SELECT 'abc"]);
        assert_eq!(statements("SELECT $$ x"), vec!["SELECT $$ x"]);
        assert_eq!(statements("/* open"), Vec::<&str>::new());
    }

    #[test]
    fn line_column_counts_characters() {
        let text = "ab\nçd x";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 3), (2, 1));
        assert_eq!(line_column(text, 6), (2, 3));
    }

    /// Large `COPY` data splits into the right pieces. (Speed is the
    /// codegen bench's to measure, not a timed test's.)
    #[test]
    fn splits_large_data() {
        let mut sql = String::from("COPY t FROM stdin;\n");
        for i in 0..200_000 {
            sql.push_str(&format!("{i}\t'quote;\n"));
        }
        sql.push_str("\\.\nSELECT 1;");
        let pieces = split(&sql);
        assert_eq!(pieces.len(), 3);
    }
}
