//! `keyshift init`: a draft `keyshift.toml` that answers every candidate
//! the plan found, so a user decides in minutes instead of writing the
//! file from the README.
//!
//! Each candidate gets an entry with its evidence as comments. With
//! evidence from a live database, a candidate whose every value has a row
//! in the table it points at is drafted as an active declaration; any
//! other candidate (and every candidate offline, where only names are
//! known) is drafted commented out, with both choices, so it stays a
//! blocker until someone decides. Pure: the caller gathers the evidence
//! (`crate::introspect::evidence`) and writes the text.
//!
//! Names and values from the schema reach the draft only as TOML strings
//! (escaped by the `toml` crate) or in comments through [`comment`], which
//! no line break can leave.

use crate::catalog::{QualifiedName, control_pictures, display_ident};
use crate::config::toml_string;
use crate::introspect::evidence::{ColumnEvidence, Evidence, TypeEvidence};
use crate::plan::{Candidate, Plan, PolymorphicCandidate, plural};
use heck::ToSnakeCase;
use std::fmt::Write as _;

/// The draft for `plan`, read from `source`.
pub fn draft(plan: &Plan, source: &str, evidence: Option<&Evidence>) -> String {
    let mut out = String::new();
    comment(
        &mut out,
        &format!("keyshift.toml drafted by `keyshift init` from {source}."),
    );
    out.push_str(HEADER);
    if evidence.is_none() {
        out.push_str(OFFLINE);
    }
    if plan.candidates.is_empty() && plan.polymorphic_candidates.is_empty() {
        out.push_str("\n# No candidates: every integer column named like a reference is a foreign key,\n# declared, or not next to a converted key. Nothing to decide.\n");
    }
    for c in &plan.candidates {
        let found = evidence.and_then(|e| e.columns.get(&(c.table.clone(), c.column.clone())));
        candidate(&mut out, c, found);
    }
    for p in &plan.polymorphic_candidates {
        let found =
            evidence.and_then(|e| e.polymorphic.get(&(p.table.clone(), p.id_column.clone())));
        polymorphic(&mut out, p, found.map(Vec::as_slice));
    }
    out
}

/// The converted table a polymorphic type value names, the way Rails
/// names a model's table: `Post` → `posts`, `Admin::User` →
/// `admin_users`, then the last part alone (`users`); in the pair's schema.
pub fn type_target(
    plan: &Plan,
    table: &QualifiedName,
    value: &str,
) -> Option<(QualifiedName, String)> {
    let whole = value.replace("::", "_").to_snake_case();
    let last = value.rsplit("::").next().unwrap_or(value).to_snake_case();
    [plural(&whole), whole, plural(&last), last]
        .iter()
        .find_map(|name| {
            plan.tables.iter().find_map(|t| {
                let key = t.root.as_ref()?;
                (t.table.schema == table.schema && t.table.name.to_snake_case() == *name)
                    .then(|| (t.table.clone(), key.column.clone()))
            })
        })
}

const HEADER: &str = "#
# Each entry answers one candidate: an integer column named like a reference
# to a key that becomes uuid, with no foreign key saying so. Until each one
# is declared ([[reference]], [[polymorphic]]: it converts with that key) or
# dismissed ([[not_a_reference]]: it stays an integer), `keyshift generate`
# refuses the plan. If the application uses a table's ids as integers (in
# settings, URLs it keeps, other systems), exclude that table instead:
# exclude_tables = [\"schema.table\"].
";

const OFFLINE: &str = "#
# Read offline: only names and types are known, so every entry is left
# commented out. `keyshift init postgres://…` adds each column's evidence
# and declares the columns whose every value has a parent row.
";

fn candidate(out: &mut String, c: &Candidate, evidence: Option<&ColumnEvidence>) {
    let column = format!("{}.{}", c.table.display(), display_ident(&c.column));
    let target = c.referenced_table.display();
    out.push('\n');
    comment(
        out,
        &format!(
            "{column} ({}) looks like it holds {target}.{} values.",
            c.int_kind.sql_name(),
            display_ident(&c.referenced_column)
        ),
    );
    let clean = match evidence {
        Some(e) => {
            let range = e
                .key_range
                .map_or("none: the table is empty".to_string(), |(lo, hi)| {
                    format!("{lo}..{hi}")
                });
            comment(
                out,
                &format!(
                    "Live: {} non-null values ({} distinct); {} outside {target}'s key range ({range}); {} without a row in {target}.",
                    e.non_null, e.distinct, e.outside, e.missing
                ),
            );
            e.missing == 0 && e.non_null > 0
        }
        None => false,
    };
    let reference = format!(
        "[[reference]]\nfrom = {}\nto = {}\n",
        toml_string(&column),
        toml_string(&format!("{target}.{}", display_ident(&c.referenced_column)))
    );
    let dismissal = dismissal(&column);
    if c.in_excluded_table {
        return only_dismissal(out, &c.table, &dismissal);
    }
    if clean {
        comment(out, "Every value has a parent row: declared.");
        out.push_str(&reference);
        return;
    }
    match evidence {
        Some(e) if e.non_null == 0 => {
            comment(out, "No values to judge by. Decide, then uncomment one:")
        }
        Some(_) => comment(
            out,
            "Some values have no parent row. If it holds those ids, declare it and fix or remove those rows, or add on_orphan = \"null\" (or \"keep\", for the nil uuid) to keep them; otherwise dismiss it. Uncomment one:",
        ),
        None => comment(out, "Decide, then uncomment one:"),
    }
    commented(out, &reference);
    out.push_str("# or:\n");
    commented(out, &dismissal);
}

fn polymorphic(out: &mut String, p: &PolymorphicCandidate, evidence: Option<&[TypeEvidence]>) {
    let column = format!("{}.{}", p.table.display(), display_ident(&p.id_column));
    out.push('\n');
    comment(
        out,
        &format!(
            "{column} with {} looks like a polymorphic reference.",
            display_ident(&p.type_column)
        ),
    );
    let mut types = String::new();
    let mut clean = evidence.is_some_and(|e| !e.is_empty());
    for t in evidence.unwrap_or_default() {
        match &t.target {
            Some((target, missing)) => {
                comment(
                    out,
                    &format!(
                        "Live: type {:?}: {} rows, {missing} without a row in {}.",
                        t.value,
                        t.rows,
                        target.display()
                    ),
                );
                clean &= *missing == 0;
                let _ = write!(
                    types,
                    "{} = {}, ",
                    toml_string(&t.value),
                    toml_string(&target.display())
                );
            }
            None => {
                comment(
                    out,
                    &format!(
                        "Live: type {:?}: {} rows; no converted table by that name.",
                        t.value, t.rows
                    ),
                );
                clean = false;
                let _ = write!(types, "{} = \"schema.table\", ", toml_string(&t.value));
            }
        }
    }
    let types = match types.trim_end_matches(", ") {
        "" => "\"TypeValue\" = \"schema.table\"",
        some => some,
    };
    let reference = format!(
        "[[polymorphic]]\ntable = {}\ntype_column = {}\nid_column = {}\ntypes = {{ {types} }}\n",
        toml_string(&p.table.display()),
        toml_string(&p.type_column),
        toml_string(&p.id_column),
    );
    let dismissal = dismissal(&column);
    if p.in_excluded_table {
        return only_dismissal(out, &p.table, &dismissal);
    }
    if clean {
        comment(
            out,
            "Every type names a converted table and every id has its row: declared.",
        );
        out.push_str(&reference);
        return;
    }
    comment(
        out,
        match evidence {
            None => "Name the table each type value means, then uncomment one:",
            Some([]) => "No rows with an id to judge by. Decide, then uncomment one:",
            Some(_) => "Check the types and the rows without a parent, then uncomment one:",
        },
    );
    commented(out, &reference);
    out.push_str("# or:\n");
    commented(out, &dismissal);
}

/// The `[[not_a_reference]]` entry for `column`, its reason left to fill.
fn dismissal(column: &str) -> String {
    format!(
        "[[not_a_reference]]\ncolumn = {}\nreason = \"\"\n",
        toml_string(column)
    )
}

/// A candidate in an excluded table keeps its integers whatever the file
/// says, and declaring it would be refused: only the dismissal is offered.
fn only_dismissal(out: &mut String, table: &QualifiedName, dismissal: &str) {
    comment(
        out,
        &format!(
            "{} is excluded, so this column keeps integer ids either way. Uncomment to confirm that is intended:",
            table.display()
        ),
    );
    commented(out, dismissal);
}

/// Appends `text` as comment lines; a line break in it cannot end the
/// comment, since control characters become their visible pictures.
fn comment(out: &mut String, text: &str) {
    let _ = writeln!(out, "# {}", control_pictures(text));
}

/// Appends TOML `entry` (built from [`toml_string`] values only, so one
/// entry line per source line) commented out.
fn commented(out: &mut String, entry: &str) {
    for line in entry.lines() {
        let _ = writeln!(out, "# {line}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_break_in_a_name_stays_inside_the_comment() {
        let mut out = String::new();
        comment(&mut out, "a\n[[reference]]\nfrom = \"x\"");
        assert_eq!(out.lines().count(), 1);
        assert!(out.starts_with("# "));
    }

    #[test]
    fn toml_strings_escape_quotes_and_line_breaks() {
        assert_eq!(toml_string("a\"b\nc"), r#""a\"b\nc""#);
        for name in [
            "plain",
            "q\"uote",
            "back\\slash",
            "line\nbreak",
            "bell\u{7}",
            "ls\u{2028}",
            "ünï",
        ] {
            let line = format!("x = {}", toml_string(name));
            assert_eq!(line.lines().count(), 1, "{line}");
            let parsed: toml::Table = toml::from_str(&line).expect("valid TOML");
            assert_eq!(parsed["x"].as_str(), Some(name));
        }
    }
}
