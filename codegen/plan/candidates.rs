//! Integer columns that look like references but that nothing declares.
//!
//! Converting a table's key silently breaks every column that held its ids
//! without a foreign key. keyshift cannot know those columns; it can only
//! point at the likely ones, by name, for a human to declare in
//! `keyshift.toml` (or to confirm they are not references).
//!
//! The rule, deliberately simple so a reviewer can predict it: the column
//! name, in snake case (`heck`), ends in `_id` or `id` (`post_id`,
//! `postId`, `postid`), and what comes before (`post`) names a table in the
//! same schema whose single-column integer key is converted, either as
//! written or in a plural made by English's regular rules (`post` →
//! `posts`, `category` → `categories`, `box` → `boxes`), comparing the
//! table's snake-case name. When the whole stem names no table, its
//! shorter tails are tried, longest first, so a role prefix still finds
//! the table (`manager_staff_id` → `staff`). The column must be an integer, and neither part
//! of a foreign key, nor declared, nor converted already.
//!
//! Polymorphic pairs are found the same way: an integer `<x>_id` column
//! beside a `<x>_type` column of a text type (`text`, `character varying`,
//! `character`), neither declared nor part of a foreign key.
//!
//! A column `keyshift.toml` dismisses (`[[not_a_reference]]`) is no
//! candidate. Every other candidate is a blocker unless the configuration
//! relaxes that (`undeclared_references = "warn"`): failing closed is the
//! only safe default when a wrong guess breaks the application silently.

use super::{Blocker, Candidate, ColumnRoots, Options, PolymorphicCandidate};
use crate::catalog::{Catalog, QualifiedName, Table, display_ident};
use crate::config::toml_string;
use heck::ToSnakeCase;
use std::collections::BTreeMap;

/// Every candidate, sorted.
pub fn find(catalog: &Catalog, roots: &ColumnRoots, options: &Options) -> Vec<Candidate> {
    // By schema and snake-case name, built once: a search of every table
    // per column made large schemas quadratic.
    let mut by_name: BTreeMap<(&str, String), Vec<&Table>> = BTreeMap::new();
    for t in &catalog.tables {
        by_name
            .entry((t.name.schema.as_str(), t.name.name.to_snake_case()))
            .or_default()
            .push(t);
    }
    let mut out = Vec::new();
    for table in &catalog.tables {
        for column in &table.columns {
            let Some(int_kind) = column.data_type.int_kind else {
                continue;
            };
            if is_accounted_for(table, &column.name, roots, options) {
                continue;
            }
            let Some(stem) = stem(&column.name) else {
                continue;
            };
            // The longest tail of the stem's words that names a table:
            // `manager_staff_id` holds staff ids when there is no table
            // `manager_staff(s)`.
            let schema = table.name.schema.as_str();
            let targets: Vec<&Table> = tails(&stem)
                .map(|tail| {
                    [tail.to_string(), plural(tail)]
                        .into_iter()
                        .filter_map(|name| by_name.get(&(schema, name)))
                        .flatten()
                        .copied()
                        .collect::<Vec<_>>()
                })
                .find(|found| !found.is_empty())
                .unwrap_or_default();
            for target in targets {
                let Some(key) = converted_key(target, roots) else {
                    continue;
                };
                if target.name == table.name && key == column.name {
                    continue;
                }
                out.push(Candidate {
                    table: table.name.clone(),
                    column: column.name.clone(),
                    int_kind,
                    referenced_table: target.name.clone(),
                    referenced_column: key,
                    in_excluded_table: options.exclude_tables.contains(&table.name),
                });
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

/// Every undeclared `(<x>_type, <x>_id)` pair, sorted.
pub fn find_polymorphic(
    catalog: &Catalog,
    roots: &ColumnRoots,
    options: &Options,
) -> Vec<PolymorphicCandidate> {
    let mut out = Vec::new();
    for table in &catalog.tables {
        for column in table
            .columns
            .iter()
            .filter(|c| c.data_type.int_kind.is_some())
        {
            let snake = column.name.to_snake_case();
            let Some(stem) = snake.strip_suffix("_id").filter(|s| !s.is_empty()) else {
                continue;
            };
            let type_name = format!("{stem}_type");
            let Some(type_column) = table.columns.iter().find(|c| {
                c.name.to_snake_case() == type_name
                    && (c.data_type.name == "text" || c.data_type.name.starts_with("character"))
            }) else {
                continue;
            };
            if is_accounted_for(table, &column.name, roots, options) {
                continue;
            }
            out.push(PolymorphicCandidate {
                table: table.name.clone(),
                type_column: type_column.name.clone(),
                id_column: column.name.clone(),
                in_excluded_table: options.exclude_tables.contains(&table.name),
            });
        }
    }
    out.sort();
    out
}

/// One blocker per candidate: each must be declared or dismissed in the
/// configuration before forward may leave it an integer or convert it.
pub fn blockers(
    candidates: &[Candidate],
    polymorphic: &[PolymorphicCandidate],
    options: &Options,
) -> Vec<Blocker> {
    let config = options.config_name.as_deref().unwrap_or("keyshift.toml");
    let relax = format!(
        "`keyshift init` drafts these entries, with evidence from a live database; \
         undeclared_references = \"warn\" in {config} turns candidates into warnings."
    );
    let mut out: Vec<Blocker> = candidates
        .iter()
        .map(|c| {
            let column = format!("{}.{}", c.table.display(), display_ident(&c.column));
            Blocker {
                object: format!("column {column}"),
                reason: format!(
                    "({}) is named like a reference to {}.{}, which becomes uuid, but is neither a foreign key nor declared: if it holds those ids, forward leaves it holding ids that no longer exist",
                    c.int_kind.sql_name(),
                    c.referenced_table.display(),
                    c.referenced_column
                ),
                help: if c.in_excluded_table {
                    format!(
                        "{} is excluded, so the column stays an integer and keeps ids {} no longer has. If that is intended, say so in {config}: [[not_a_reference]] column = {}, reason = \"…\"; otherwise stop excluding {}. {relax}",
                        c.table.display(),
                        c.referenced_table.display(),
                        toml_string(&column),
                        c.table.display()
                    )
                } else { format!(
                    "In {config}, declare it ([[reference]] from = {}, to = {}) so it converts too; or dismiss it ([[not_a_reference]] column = {}, reason = \"…\") so it stays an integer; or, if the application uses {}'s ids as integers, keep them: {}. {relax}",
                    toml_string(&column),
                    toml_string(&format!(
                        "{}.{}",
                        c.referenced_table.display(),
                        display_ident(&c.referenced_column)
                    )),
                    toml_string(&column),
                    c.referenced_table.display(),
                    super::integer_uses::exclude_table_option(&c.referenced_table)
                ) },
            }
        })
        .collect();
    out.extend(polymorphic.iter().map(|p| {
        let column = format!("{}.{}", p.table.display(), display_ident(&p.id_column));
        Blocker {
            object: format!("column {column}"),
            reason: format!(
                "with {} looks like a polymorphic reference, but is not declared: if it holds ids of converted tables, forward leaves it holding ids that no longer exist",
                p.type_column
            ),
            help: format!(
                "In {config}, declare it ([[polymorphic]] table = {}, type_column = {}, id_column = {}, types = {{ … }}) so it converts with its targets; or dismiss it ([[not_a_reference]] column = {}). {relax}",
                toml_string(&p.table.display()),
                toml_string(&p.type_column),
                toml_string(&p.id_column),
                toml_string(&column)
            ),
        }
    }));
    out
}

/// Whether something already says what `table.column` holds: it converts,
/// it is declared or dismissed in keyshift.toml, or it is part of a
/// foreign key.
fn is_accounted_for(table: &Table, column: &str, roots: &ColumnRoots, options: &Options) -> bool {
    roots.root_of(&table.name, column).is_some()
        || is_declared(table, column, options)
        || is_dismissed(&table.name, column, options)
        || table
            .foreign_keys
            .iter()
            .any(|fk| fk.columns.iter().any(|c| c == column))
}

fn is_dismissed(table: &QualifiedName, column: &str, options: &Options) -> bool {
    options
        .not_references
        .iter()
        .any(|n| &n.table == table && n.column == column)
}

fn is_declared(table: &Table, column: &str, options: &Options) -> bool {
    options
        .references
        .iter()
        .any(|r| r.table == table.name && r.column == column)
        || options
            .polymorphic
            .iter()
            .any(|p| p.table == table.name && p.id_column == column)
}

/// The table's single-column primary key, when it converts.
fn converted_key(table: &Table, roots: &ColumnRoots) -> Option<String> {
    let pk = table.primary_key.as_ref()?;
    let [key] = pk.columns.as_slice() else {
        return None;
    };
    roots.root_of(&table.name, key)?;
    Some(key.clone())
}

/// `post` for `post_id`, `postId` and `postid`; `None` when the name does
/// not end in an id.
fn stem(column: &str) -> Option<String> {
    let snake = column.to_snake_case();
    let stem = snake
        .strip_suffix("_id")
        .or_else(|| snake.strip_suffix("id"))?
        .trim_end_matches('_');
    (!stem.is_empty()).then(|| stem.to_string())
}

/// `manager_staff`, then `staff`: the stem, then each shorter tail of its
/// words.
fn tails(stem: &str) -> impl Iterator<Item = &str> {
    std::iter::once(stem).chain(stem.match_indices('_').map(|(i, _)| &stem[i + 1..]))
}

/// English's regular plural, which is what Rails and most ORMs name tables
/// with; irregular words (`person` → `people`) are not guessed.
pub(crate) fn plural(word: &str) -> String {
    let consonant_y =
        word.ends_with('y') && !word[..word.len() - 1].ends_with(['a', 'e', 'i', 'o', 'u']);
    if consonant_y {
        format!("{}ies", &word[..word.len() - 1])
    } else if word.ends_with(['s', 'x', 'z']) || word.ends_with("ch") || word.ends_with("sh") {
        format!("{word}es")
    } else {
        format!("{word}s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stems_come_from_snake_case_names() {
        assert_eq!(stem("post_id").as_deref(), Some("post"));
        assert_eq!(stem("postId").as_deref(), Some("post"));
        assert_eq!(stem("postid").as_deref(), Some("post"));
        assert_eq!(stem("BlogPostID").as_deref(), Some("blog_post"));
        assert_eq!(stem("id"), None);
        assert_eq!(stem("_id"), None);
        assert_eq!(stem("paid_at"), None);
    }

    #[test]
    fn tails_go_from_the_whole_stem_to_its_last_word() {
        assert_eq!(
            tails("manager_staff").collect::<Vec<_>>(),
            ["manager_staff", "staff"]
        );
        assert_eq!(tails("post").collect::<Vec<_>>(), ["post"]);
    }

    #[test]
    fn plurals_follow_the_regular_rules() {
        assert_eq!(plural("post"), "posts");
        assert_eq!(plural("category"), "categories");
        assert_eq!(plural("day"), "days");
        assert_eq!(plural("box"), "boxes");
        assert_eq!(plural("match"), "matches");
        assert_eq!(plural("status"), "statuses");
        assert_eq!(plural("blog_post"), "blog_posts");
    }
}
