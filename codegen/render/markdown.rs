//! Catalog text in PLAN.md. The file is read, not run, but a name or an
//! expression that closed its code span, started a heading or ended a
//! table cell would make the plan say something it does not mean.

use crate::catalog::control_pictures;

/// `text` as an inline code span that nothing inside it can close: the
/// backtick fence is one longer than the longest run of backticks in the
/// text, and line breaks and other control characters show as control
/// pictures, so the span stays on one line.
pub fn code(text: &str) -> String {
    let text = control_pictures(text);
    let fence = fence_for(&text, 1);
    // CommonMark strips one space from each end when both ends have one,
    // and a backtick at either end would join the fence: pad in both cases.
    let pad = text.starts_with('`')
        || text.ends_with('`')
        || (text.len() > 1 && text.starts_with(' ') && text.ends_with(' '));
    let mut out = String::with_capacity(text.len() + 2 * fence.len() + 2);
    out.push_str(&fence);
    if pad {
        out.push(' ');
    }
    out.push_str(&text);
    if pad {
        out.push(' ');
    }
    out.push_str(&fence);
    out
}

/// `body` as a fenced code block that no line of it can close: the fence
/// is at least three backticks and longer than any run inside.
pub fn code_block(body: &str) -> String {
    let fence = fence_for(body, 3);
    format!("{fence}\n{body}\n{fence}")
}

/// A run of backticks longer than any in `text`, and at least `min` long.
fn fence_for(text: &str, min: usize) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    "`".repeat((longest + 1).max(min))
}

/// [`code`] for a table cell: a `|` would end the cell even inside a code
/// span, so it is escaped as GitHub-flavoured Markdown requires there.
pub fn code_cell(text: &str) -> String {
    code(text).replace('|', "\\|")
}

/// `text` as one line of prose that renders as written: control
/// characters show as pictures, and every character Markdown could read as
/// syntax (emphasis, code, links, HTML, escapes, table cells) is
/// backslash-escaped. An underscore between two letters or digits is left
/// alone: CommonMark never reads it as emphasis, and names are full of them.
pub fn prose(text: &str) -> String {
    let chars: Vec<char> = control_pictures(text).chars().collect();
    let mut out = String::with_capacity(chars.len());
    for (i, &c) in chars.iter().enumerate() {
        let intraword = c == '_'
            && i > 0
            && chars[i - 1].is_alphanumeric()
            && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
        if !intraword && "\\`*_[]<>&|~#!".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{code, code_block, code_cell, prose};

    #[test]
    fn spans_cannot_be_closed_from_inside() {
        assert_eq!(code("users"), "`users`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`x``"), "``` `x`` ```");
        assert_eq!(code("a\n# Heading"), "`a␊# Heading`");
        assert_eq!(code_cell("a|b"), "`a\\|b`");
        assert_eq!(code_block("x"), "```\nx\n```");
        assert_eq!(code_block("````"), "`````\n````\n`````");
    }

    #[test]
    fn prose_renders_as_written() {
        assert_eq!(prose("last_updated()"), "last_updated()");
        assert_eq!(prose("_x_ *y* `z`"), "\\_x\\_ \\*y\\* \\`z\\`");
        assert_eq!(prose("a\n\\! b"), "a␊\\\\\\! b");
    }
}
