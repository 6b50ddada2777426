//! A small lexer for SQL expressions as the catalog holds them (CHECK
//! constraints, index predicates, policies, trigger and rule conditions),
//! and the token-range helpers that read comparisons out of its tokens.
//! It knows PostgreSQL's quoting (double-quoted identifiers, string
//! constants of every kind, dollar quotes, comments), so a word inside a
//! string is never mistaken for a column. Each token keeps its byte span,
//! so a constant can be replaced in the text it came from.

// ---------------------------------------------------------------------------
// The lexer

/// One token of an SQL expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Tok {
    /// An identifier or keyword, folded as PostgreSQL folds it (unquoted
    /// lower-cased, quoted as written); `quoted` keeps keywords apart.
    Word { text: String, quoted: bool },
    /// A numeric constant.
    Number(String),
    /// A string constant's value (any form: `'…'`, `E'…'`, `$$…$$`).
    Str(String),
    /// An operator (`=`, `<>`, `%`, …).
    Op(String),
    /// `::`.
    Cast,
    /// `(`, `)`, `[`, `]`, `,`, `.`, `;`.
    Punct(char),
}

impl Tok {
    pub(super) fn is_kw(&self, kw: &str) -> bool {
        matches!(self, Tok::Word { text, quoted: false } if text == kw)
    }
}

pub(super) const OP_CHARS: &str = "+-*/<>=~!@#%^&|`?";

/// Tokens of `text`; comments are dropped. Never fails: an unterminated
/// quote ends the text.
pub(super) fn lex(text: &str) -> Vec<Tok> {
    lex_spanned(text).0
}

/// Tokens of `text`, and each token's byte range in `text`.
pub(super) fn lex_spanned(text: &str) -> (Vec<Tok>, Vec<(usize, usize)>) {
    let s: Vec<char> = text.chars().collect();
    // Byte offset of each character, and of the end.
    let byte_at: Vec<usize> = text
        .char_indices()
        .map(|(b, _)| b)
        .chain(std::iter::once(text.len()))
        .collect();
    let mut out = Vec::new();
    let mut spans = Vec::new();
    let mut i = 0;
    while i < s.len() {
        let start = i;
        let before = out.len();
        lex_one(&s, &mut i, &mut out);
        if out.len() > before {
            spans.push((byte_at[start], byte_at[i.min(s.len())]));
        }
    }
    (out, spans)
}

/// Reads what starts at `s[*i]` (at most one token, pushed onto `out`) and
/// moves `*i` past it.
fn lex_one(s: &[char], i: &mut usize, out: &mut Vec<Tok>) {
    let c = s[*i];
    let next = s.get(*i + 1).copied();
    if c.is_whitespace() {
        *i += 1;
    } else if c == '-' && next == Some('-') {
        while *i < s.len() && s[*i] != '\n' && s[*i] != '\r' {
            *i += 1;
        }
    } else if c == '/' && next == Some('*') {
        let mut depth = 0;
        while *i < s.len() {
            if s[*i] == '/' && s.get(*i + 1) == Some(&'*') {
                depth += 1;
                *i += 2;
            } else if s[*i] == '*' && s.get(*i + 1) == Some(&'/') {
                depth -= 1;
                *i += 2;
                if depth == 0 {
                    break;
                }
            } else {
                *i += 1;
            }
        }
    } else if c == '\'' {
        let (value, end) = quoted(s, *i, '\'', false);
        out.push(Tok::Str(value));
        *i = end;
    } else if c == '"' {
        let (value, end) = quoted(s, *i, '"', false);
        out.push(Tok::Word {
            text: value,
            quoted: true,
        });
        *i = end;
    } else if c == '$'
        && let Some((value, end)) = dollar_quoted(s, *i)
    {
        out.push(Tok::Str(value));
        *i = end;
    } else if c.is_ascii_digit() || (c == '.' && next.is_some_and(|n| n.is_ascii_digit())) {
        let start = *i;
        while *i < s.len() && (s[*i].is_ascii_alphanumeric() || s[*i] == '.' || s[*i] == '_') {
            // 1e-5: the sign belongs to the exponent.
            if (s[*i] == 'e' || s[*i] == 'E') && matches!(s.get(*i + 1), Some('+' | '-')) {
                *i += 1;
            }
            *i += 1;
        }
        out.push(Tok::Number(s[start..*i].iter().collect()));
    } else if c.is_alphabetic() || c == '_' {
        let start = *i;
        while *i < s.len() && (s[*i].is_alphanumeric() || s[*i] == '_' || s[*i] == '$') {
            *i += 1;
        }
        let word: String = s[start..*i].iter().collect();
        let lower = word.to_lowercase();
        // E'…', B'…', X'…', N'…', U&'…', U&"…": constants and
        // identifiers with a prefix.
        if s.get(*i) == Some(&'\'') && matches!(lower.as_str(), "e" | "b" | "x" | "n") {
            let (value, end) = quoted(s, *i, '\'', lower == "e");
            out.push(Tok::Str(value));
            *i = end;
        } else if lower == "u" && s.get(*i) == Some(&'&') && s.get(*i + 1) == Some(&'\'') {
            let (value, end) = quoted(s, *i + 1, '\'', false);
            out.push(Tok::Str(value));
            *i = end;
        } else if lower == "u" && s.get(*i) == Some(&'&') && s.get(*i + 1) == Some(&'"') {
            let (value, end) = quoted(s, *i + 1, '"', false);
            out.push(Tok::Word {
                text: value,
                quoted: true,
            });
            *i = end;
        } else {
            out.push(Tok::Word {
                text: lower,
                quoted: false,
            });
        }
    } else if c == ':' && next == Some(':') {
        out.push(Tok::Cast);
        *i += 2;
    } else if OP_CHARS.contains(c) {
        let start = *i;
        while *i < s.len() && OP_CHARS.contains(s[*i]) {
            if *i > start
                && (s[*i] == '-' && s.get(*i + 1) == Some(&'-')
                    || s[*i] == '/' && s.get(*i + 1) == Some(&'*'))
            {
                break; // a comment starts
            }
            *i += 1;
        }
        // PostgreSQL's rule: a multi-character operator ends in + or -
        // only if it holds one of ~!@#%^&|`?; else they split off.
        let mut op: String = s[start..*i].iter().collect();
        if op.len() > 1 && !op.chars().any(|c| "~!@#%^&|`?".contains(c)) {
            while op.len() > 1 && (op.ends_with('+') || op.ends_with('-')) {
                op.pop();
                *i -= 1;
            }
        }
        out.push(Tok::Op(op));
    } else {
        out.push(Tok::Punct(c));
        *i += 1;
    }
}

/// The value of the quoted text starting at `s[at]` (the quote), with a
/// doubled quote as one and, in an `E''` string, backslash escapes kept
/// from ending it; and the index past its closing quote.
pub(super) fn quoted(s: &[char], at: usize, q: char, backslash: bool) -> (String, usize) {
    let mut value = String::new();
    let mut i = at + 1;
    while i < s.len() {
        if backslash && s[i] == '\\' && i + 1 < s.len() {
            value.push(s[i + 1]);
            i += 2;
        } else if s[i] == q {
            if s.get(i + 1) == Some(&q) {
                value.push(q);
                i += 2;
            } else {
                return (value, i + 1);
            }
        } else {
            value.push(s[i]);
            i += 1;
        }
    }
    (value, s.len())
}

/// A dollar-quoted string at `s[at]`: its body and the index past it.
pub(super) fn dollar_quoted(s: &[char], at: usize) -> Option<(String, usize)> {
    if s.get(at + 1).is_some_and(|c| c.is_ascii_digit()) {
        return None; // `$1`
    }
    let mut i = at + 1;
    while i < s.len() && (s[i].is_alphanumeric() || s[i] == '_') {
        i += 1;
    }
    if s.get(i) != Some(&'$') {
        return None;
    }
    let tag = &s[at..=i];
    let body_start = i + 1;
    let end = (body_start..s.len()).find(|&k| s[k..].starts_with(tag))?;
    Some((s[body_start..end].iter().collect(), end + tag.len()))
}

// ---------------------------------------------------------------------------
// Operands

/// Words that end an operand of a comparison: comparison binds tighter
/// than these, and they cannot continue an operand.
pub(super) const ENDS_OPERAND: &[&str] = &[
    "and",
    "or",
    "not",
    "when",
    "then",
    "else",
    "end",
    "case",
    "where",
    "is",
    "in",
    "between",
    "like",
    "ilike",
    "similar",
    "select",
    "from",
    "exists",
    "symmetric",
];

pub(super) const COMPARISONS: &[&str] = &["=", "<>", "!=", "<", ">", "<=", ">="];

/// `a.b.c` in `lo..hi`, or `None` when it is anything else.
pub(super) fn dotted_words(toks: &[Tok], lo: usize, hi: usize) -> Option<Vec<String>> {
    if lo >= hi || (hi - lo).is_multiple_of(2) {
        return None;
    }
    let mut out = Vec::new();
    for (k, t) in toks[lo..hi].iter().enumerate() {
        match t {
            Tok::Word { text, .. } if k % 2 == 0 => out.push(text.clone()),
            Tok::Punct('.') if k % 2 == 1 => {}
            _ => return None,
        }
    }
    Some(out)
}

/// Parenthesis depth of `k` relative to `lo`.
pub(super) fn depth_between(toks: &[Tok], lo: usize, k: usize) -> i32 {
    toks[lo..k].iter().fold(0, |d, t| match t {
        Tok::Punct('(' | '[') => d + 1,
        Tok::Punct(')' | ']') => d - 1,
        _ => d,
    })
}

/// `lo..hi` without parentheses around the whole of it.
pub(super) fn unwrap_parens(toks: &[Tok], mut lo: usize, mut hi: usize) -> (usize, usize) {
    while hi > lo + 1 && toks[lo] == Tok::Punct('(') && close_paren(toks, lo) == Some(hi - 1) {
        lo += 1;
        hi -= 1;
    }
    (lo, hi)
}

/// Index of the bracket closing the one at `open`.
pub(super) fn close_paren(toks: &[Tok], open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (k, t) in toks.iter().enumerate().skip(open) {
        match t {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(k);
                }
            }
            _ => {}
        }
    }
    None
}

/// `lo..hi` split at commas outside brackets.
pub(super) fn split_commas(toks: &[Tok], lo: usize, hi: usize) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = lo;
    for (k, t) in toks.iter().enumerate().take(hi).skip(lo) {
        match t {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => depth -= 1,
            Tok::Punct(',') if depth == 0 => {
                out.push((start, k));
                start = k + 1;
            }
            _ => {}
        }
    }
    if start < hi {
        out.push((start, hi));
    }
    out
}

/// Whether a token ends an operand at its depth.
pub(super) fn ends_operand(t: &Tok) -> bool {
    match t {
        Tok::Op(op) => COMPARISONS.contains(&op.as_str()),
        Tok::Punct(',' | ';') => true,
        Tok::Word {
            text,
            quoted: false,
        } => ENDS_OPERAND.contains(&text.as_str()),
        _ => false,
    }
}

/// The operand ending just before `op`: back to an unmatched `(` or a word
/// or operator that binds looser than a comparison.
pub(super) fn operand_before(toks: &[Tok], op: usize) -> (usize, usize) {
    let mut depth = 0i32;
    let mut k = op;
    while k > 0 {
        let t = &toks[k - 1];
        match t {
            Tok::Punct(')' | ']') => depth += 1,
            Tok::Punct('(' | '[') => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            _ if depth == 0 && ends_operand(t) => break,
            _ => {}
        }
        k -= 1;
    }
    (k, op)
}

/// The operand starting at `from`: up to an unmatched `)` or a word or
/// operator that binds looser than a comparison.
pub(super) fn operand_after(toks: &[Tok], from: usize) -> (usize, usize) {
    let mut depth = 0i32;
    let mut k = from;
    while k < toks.len() {
        let t = &toks[k];
        match t {
            Tok::Punct('(' | '[') => depth += 1,
            Tok::Punct(')' | ']') => {
                if depth == 0 {
                    break;
                }
                depth -= 1;
            }
            _ if depth == 0 && ends_operand(t) => break,
            _ => {}
        }
        k += 1;
    }
    (from, k)
}

/// For each token, whether it is inside a parenthesized subquery
/// (`(SELECT …)`, `(WITH …)`, `(VALUES …)`), where a column name may be
/// another table's.
pub(super) fn subquery_mask(toks: &[Tok]) -> Vec<bool> {
    let mut mask = vec![false; toks.len()];
    for (k, t) in toks.iter().enumerate() {
        if *t == Tok::Punct('(')
            && toks
                .get(k + 1)
                .is_some_and(|n| n.is_kw("select") || n.is_kw("with") || n.is_kw("values"))
        {
            let end = close_paren(toks, k).unwrap_or(toks.len() - 1);
            mask[k..=end].iter_mut().for_each(|m| *m = true);
        }
    }
    mask
}
