//! SQL text inside Python and Ruby source, as string literals it cannot
//! leave.
//!
//! The SQL holds catalog text (names, definitions) inside its own quotes
//! and comments, and that text may hold anything: quotes, backslashes, line
//! breaks of every kind, a line that closes a heredoc. Raw literals (Python
//! `r'''…'''`, Ruby `<<'EOS'`) cannot escape what would end them, so both
//! writers here use literals with escapes and escape exactly what could end
//! the literal or change its value, plus every control or invisible
//! character, which shows as its escape (a reviewer sees what runs). The
//! rest stays as written, so the SQL stays readable in review.
//! `tests/formats.rs` decodes the hostile case with the real interpreters.

/// Whether `c` is written as an escape: control characters other than the
/// line feed and tab (a carriage return would be read as a line break, a
/// NUL or ^D/^Z ends some sources), and the invisible formatting
/// characters that can reorder or hide text in an editor.
fn invisible(c: char) -> bool {
    (c.is_control() && c != '\n' && c != '\t')
        || matches!(c,
            '\u{200b}'..='\u{200f}'
            | '\u{2028}'..='\u{202e}'
            | '\u{2060}'..='\u{2069}'
            | '\u{feff}')
}

/// `text` as a Python `"""…"""` literal (not raw). Backslashes are
/// doubled; a `"` is escaped where it is followed by another or ends the
/// text, so no `"""` can close the literal early; invisible characters are
/// `\x`/`\u`/`\U` escapes.
pub fn python_str(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    out.push_str("\"\"\"");
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' if matches!(chars.peek(), None | Some('"')) => out.push_str("\\\""),
            c if invisible(c) => {
                let n = c as u32;
                if n < 0x100 {
                    out.push_str(&format!("\\x{n:02x}"));
                } else if n < 0x1_0000 {
                    out.push_str(&format!("\\u{n:04x}"));
                } else {
                    out.push_str(&format!("\\U{n:08x}"));
                }
            }
            c => out.push(c),
        }
    }
    out.push_str("\"\"\"");
    out
}

/// `text` as the body of a Ruby heredoc with escapes (`<<TAG`, read like a
/// double-quoted string): `(tag, body)`, the body ending with the line
/// break before the closing tag. Backslashes are doubled, every `#` is
/// `\#` (so nothing interpolates), invisible characters are `\u{…}`, and
/// the tag is one the text does not contain, so no line can close it. A
/// text without a final line break gets one.
pub fn ruby_heredoc(text: &str) -> (String, String) {
    let tag = (1..)
        .map(|n| {
            if n == 1 {
                "KEYSHIFT_SQL".to_string()
            } else {
                format!("KEYSHIFT_SQL_{n}")
            }
        })
        .find(|t| !text.contains(t.as_str()))
        .expect("a free heredoc tag");
    let mut body = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\\' => body.push_str("\\\\"),
            '#' => body.push_str("\\#"),
            c if invisible(c) => body.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => body.push(c),
        }
    }
    if !body.ends_with('\n') {
        body.push('\n');
    }
    (tag, body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn python_literals_cannot_close_early() {
        assert_eq!(python_str("a\"b"), "\"\"\"a\"b\"\"\"");
        // The third quote is followed by a backslash, not a quote: it stays.
        assert_eq!(python_str("'''\"\"\"\\"), "\"\"\"'''\\\"\\\"\"\\\\\"\"\"");
        assert_eq!(
            python_str("x\"\r\u{2028}\0"),
            "\"\"\"x\"\\x0d\\u2028\\x00\"\"\""
        );
        assert_eq!(python_str("end\""), "\"\"\"end\\\"\"\"\"");
    }

    #[test]
    fn ruby_heredocs_cannot_close_early_or_interpolate() {
        let (tag, body) = ruby_heredoc("a\nKEYSHIFT_SQL\n#{x} \\ \r");
        assert_eq!(tag, "KEYSHIFT_SQL_2");
        assert_eq!(body, "a\nKEYSHIFT_SQL\n\\#{x} \\\\ \\u{d}\n");
    }
}
