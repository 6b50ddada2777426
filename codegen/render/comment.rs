//! The one way text reaches a `--` comment of a generated SQL file.
//!
//! psql ends a `--` comment at a line feed or a carriage return, and reads
//! whatever follows as SQL or, after a backslash, as a meta-command: `\!`
//! runs a shell command on the machine of whoever runs the file. Names,
//! expressions and definitions come from the catalog or a schema file and
//! may hold either break, so every comment line keyshift writes is built
//! here, and every line of the text gets its own `-- ` prefix.

use crate::catalog::control_pictures;

/// Every line of `text` as a `--` comment, joined by `\n`, with no final
/// line break. Lines break where psql or an editor would break them (`\n`,
/// `\r`, `\r\n`, vertical tab, form feed, NEL, U+2028, U+2029), so what a
/// reviewer sees as one comment is one for psql too. Other control
/// characters show as control pictures, so no terminal escape sequence
/// hides text from a reviewer.
pub fn sql_comment(text: &str) -> String {
    // One line of printable ASCII (the usual case) needs no splitting and
    // no pictures.
    if !text.is_empty()
        && text
            .bytes()
            .all(|b| b == b'\t' || (b' '..b'\x7f').contains(&b))
    {
        let mut out = String::with_capacity(text.len() + 3);
        out.push_str("-- ");
        out.push_str(text);
        return out;
    }
    let mut out = String::with_capacity(text.len() + 4);
    let mut chars = text.chars().peekable();
    let mut line = String::new();
    let flush = |line: &mut String, out: &mut String| {
        if !out.is_empty() {
            out.push('\n');
        }
        if line.is_empty() {
            out.push_str("--");
        } else {
            out.push_str("-- ");
            out.push_str(&control_pictures(line));
        }
        line.clear();
    };
    while let Some(c) = chars.next() {
        match c {
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                flush(&mut line, &mut out);
            }
            '\n' | '\u{0b}' | '\u{0c}' | '\u{85}' | '\u{2028}' | '\u{2029}' => {
                flush(&mut line, &mut out)
            }
            _ => line.push(c),
        }
    }
    flush(&mut line, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::sql_comment;

    #[test]
    fn every_line_is_a_comment() {
        assert_eq!(sql_comment("one"), "-- one");
        assert_eq!(
            sql_comment("a\n\\! touch pwned\r\\o out\r\n\\i x\u{2028}y"),
            "-- a\n-- \\! touch pwned\n-- \\o out\n-- \\i x\n-- y"
        );
        assert_eq!(sql_comment("a\n\nb\n"), "-- a\n--\n-- b\n--");
        assert_eq!(sql_comment("esc\u{1b}[2J"), "-- esc\u{241b}[2J");
    }

    #[test]
    fn no_line_escapes_the_comment() {
        let hostile = "x\u{0b}y\u{0c}z\u{85}w\u{2029}v\r\r\n\n*/ $$ ' \\\\ ;";
        for line in sql_comment(hostile).split('\n') {
            assert!(line.starts_with("--"), "{line:?}");
            assert!(!line.contains('\r'), "{line:?}");
        }
    }
}
