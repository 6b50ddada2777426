//! What the generated SQL cannot handle yet, found from the catalog alone.
//! Preflight repeats these checks against the live database, so a bundle
//! generated from a stale DDL file still fails closed.

use super::{Blocker, KeySource, Options, TablePlan};
use crate::catalog::{Catalog, IndexKey, QualifiedName, Trigger, display_ident};
use std::collections::{BTreeMap, BTreeSet};

/// Everything that must stop the migration, unsorted.
pub fn find(catalog: &Catalog, tables: &[TablePlan], options: &Options) -> Vec<Blocker> {
    let mut out = Vec::new();
    let converted: BTreeMap<&QualifiedName, &TablePlan> =
        tables.iter().map(|t| (&t.table, t)).collect();

    for plan in tables {
        let table = catalog.table(&plan.table).expect("planned tables exist");
        let name = table.name.display();
        for column in &plan.columns {
            if let Some(default) = &column.default
                && default.trim().parse::<i64>().is_err()
            {
                out.push(Blocker {
                    object: format!("column {name}.{}", column.name),
                    reason: format!("has the default {default}, which is not an integer constant keyshift can translate to a UUID"),
                    // A computed default on a reference usually means the
                    // application knows the parent's ids as integers
                    // (`current_setting('app.tenant')::integer`); then the
                    // parent must keep its integer ids.
                    help: format!(
                        "If the application uses the ids of {root} as integers (as this default suggests), leave {root} unconverted: {exclude}. Otherwise drop the default before migrating and set a uuid default afterwards.",
                        root = column.root.display(),
                        exclude = super::integer_uses::exclude_table_option(&column.root)
                    ),
                });
            }
        }
        for generated in table.columns.iter().filter(|c| c.generated.is_some()) {
            generated_column(plan, &name, generated, &mut out);
        }
        if let Some(root) = &plan.root
            && let KeySource::Sequence { sequence } | KeySource::Identity { sequence, .. } =
                &root.source
            && sequence.increment < 0
        {
            out.push(Blocker {
                object: format!("sequence {}", sequence.name.display()),
                reason: "counts downwards; rollback only knows how to hand out ascending ids"
                    .into(),
                help: "Exclude the table, or change the sequence to ascend before migrating."
                    .into(),
            });
        }
    }

    for table in &catalog.tables {
        if !options.exclude_tables.contains(&table.name) {
            continue;
        }
        for fk in &table.foreign_keys {
            if converted.get(&fk.referenced_table).is_some_and(|t| {
                t.columns
                    .iter()
                    .any(|c| fk.referenced_columns.contains(&c.name))
            }) {
                out.push(Blocker {
                    object: format!("constraint {} on {}", fk.name, table.name.display()),
                    reason: format!(
                        "references {}, whose key becomes uuid, but {} is excluded",
                        fk.referenced_table.display(),
                        table.name.display()
                    ),
                    help: format!(
                        "Exclude {} too, or stop excluding {}.",
                        fk.referenced_table.display(),
                        table.name.display()
                    ),
                });
            }
        }
    }
    out
}

/// PostgreSQL refuses to change the type of a column that a generated
/// column reads ("cannot alter type of a column used by a generated
/// column"). Converting one would mean dropping the generated column and
/// adding it back, which moves it to the end of the table (and `SET
/// EXPRESSION` only exists from PostgreSQL 17, on columns still generated),
/// so rollback could not give the table its column order back.
fn generated_column(
    plan: &TablePlan,
    table: &str,
    generated: &crate::catalog::Column,
    out: &mut Vec<Blocker>,
) {
    let converted: Vec<&str> = plan.columns.iter().map(|c| c.name.as_str()).collect();
    let expression = generated.generated.as_deref().unwrap_or_default();
    let used = crate::ddl::mentioned_columns(expression, &converted);
    if used.is_empty() {
        return;
    }
    let roots: BTreeSet<String> = plan
        .columns
        .iter()
        .filter(|c| used.contains(&c.name))
        .map(|c| c.root.display())
        .collect();
    out.push(Blocker {
        object: format!("generated column {table}.{}", generated.name),
        reason: format!(
            "is computed from {}, which would become uuid; PostgreSQL cannot change the type of a column a generated column uses",
            used.join(", ")
        ),
        help: format!(
            "Drop the generated column before migrating and add it back afterwards with an expression that works on uuid, or leave the keys of {} as they are with --exclude-table.",
            roots.into_iter().collect::<Vec<_>>().join(", ")
        ),
    });
}

/// Things that may or may not survive the type change. Triggers keep
/// working only if their function bodies do not treat the converted columns
/// as integers, which keyshift cannot see. CHECK constraints and expression
/// or partial indexes are rebuilt by PostgreSQL, and
/// preflight tests on an empty copy that it accepts them for uuid.
pub fn warnings(catalog: &Catalog, tables: &[TablePlan]) -> Vec<String> {
    let mut out = rebuilt_objects(catalog, tables);
    out.extend(trigger_warnings(catalog, tables));
    out
}

fn rebuilt_objects(catalog: &Catalog, tables: &[TablePlan]) -> Vec<String> {
    let mut out = Vec::new();
    for plan in tables {
        let Some(table) = catalog.table(&plan.table) else {
            continue;
        };
        let name = || table.name.display();
        let is_converted = |c: &str| plan.columns.iter().any(|p| p.name == c);
        for check in table
            .checks
            .iter()
            .filter(|c| c.columns.iter().any(|c| is_converted(c)))
        {
            out.push(format!(
                "CHECK constraint {} on {} ({}) uses a converted column; PostgreSQL rebuilds it for uuid and preflight tests that it accepts it",
                display_ident(&check.name),
                name(),
                check.expression
            ));
        }
        for index in &table.indexes {
            let uses = index.expression_columns.iter().any(|c| is_converted(c));
            let is_expression = index
                .keys
                .iter()
                .any(|k| matches!(k, IndexKey::Expression(_)));
            if uses && (is_expression || index.predicate.is_some()) {
                out.push(format!(
                    "index {} on {} uses a converted column in an expression or WHERE clause; PostgreSQL rebuilds it for uuid and preflight tests that it accepts it",
                    display_ident(&index.name),
                    name()
                ));
            }
        }
    }
    out
}

fn trigger_warnings(catalog: &Catalog, tables: &[TablePlan]) -> Vec<String> {
    // The sets below hold every converted column and table: not built for
    // a schema without triggers.
    if catalog.triggers.is_empty() {
        return Vec::new();
    }
    let converted: BTreeSet<&str> = tables
        .iter()
        .flat_map(|t| t.columns.iter().map(|c| c.name.as_str()))
        .collect();
    // One warning per function, not per trigger: a schema that stamps
    // `last_updated` on every table would otherwise bury the one trigger
    // that matters under a dozen identical lines.
    let on_converted: BTreeSet<&QualifiedName> = tables.iter().map(|p| &p.table).collect();
    let mut by_function: BTreeMap<&QualifiedName, Vec<&Trigger>> = BTreeMap::new();
    for t in catalog
        .triggers
        .iter()
        .filter(|t| on_converted.contains(&t.table))
    {
        by_function.entry(&t.function).or_default().push(t);
    }
    by_function
        .into_values()
        .map(|group| {
            let t = group[0];
            let head = trigger_group_head(&group);
            let Some(body) = &t.function_body else {
                return format!(
                    "{head}, whose source keyshift cannot read; check that it does not treat converted columns as integers"
                );
            };
            let named: Vec<&str> = identifiers(body)
                .into_iter()
                .filter(|w| converted.contains(w.as_str()))
                .map(|w| *converted.get(w.as_str()).expect("filtered"))
                .collect();
            if named.is_empty() {
                format!(
                    "{head}, whose source names no converted column; it could still reach one through dynamic SQL or a whole-row value"
                )
            } else {
                format!(
                    "{head}, whose source names converted columns ({}); check that it does not treat them as integers",
                    named.join(", ")
                )
            }
        })
        .collect()
}

/// `trigger a on public.t runs public.f()`, or for several triggers of one
/// function `3 triggers last_updated on public.a, public.b, public.c run
/// public.f()` (the name said once when they share it).
fn trigger_group_head(group: &[&Trigger]) -> String {
    let function = group[0].function.display();
    if let [t] = group {
        return format!(
            "trigger {} on {} runs {function}()",
            display_ident(&t.name),
            t.table.display()
        );
    }
    let same_name = group.iter().all(|t| t.name == group[0].name);
    let list = if same_name {
        format!(
            "{} on {}",
            display_ident(&group[0].name),
            group
                .iter()
                .map(|t| t.table.display())
                .collect::<Vec<_>>()
                .join(", ")
        )
    } else {
        group
            .iter()
            .map(|t| format!("{} on {}", display_ident(&t.name), t.table.display()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    format!("{} triggers {list} run {function}()", group.len())
}

/// The identifiers a function's source mentions, folded the way PostgreSQL
/// folds them: unquoted words lower-cased, quoted ones as written. A plain
/// scan, not a parser: words inside string literals and comments count too,
/// which errs on the side of asking a human to look.
fn identifiers(source: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut chars = source.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if c == '"' {
            let rest = &source[i + 1..];
            if let Some(end) = rest.find('"') {
                out.insert(rest[..end].to_string());
                for _ in 0..rest[..=end].chars().count() {
                    chars.next();
                }
            }
        } else if c.is_alphabetic() || c == '_' {
            let mut word = c.to_lowercase().to_string();
            while let Some(&(_, n)) = chars.peek() {
                if n.is_alphanumeric() || n == '_' || n == '$' {
                    word.extend(n.to_lowercase());
                    chars.next();
                } else {
                    break;
                }
            }
            out.insert(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::identifiers;

    #[test]
    fn identifiers_fold_like_postgresql() {
        let found = identifiers("BEGIN NEW.Author_Id := OLD.\"Mixed\"; x1$y; END");
        for w in ["begin", "new", "author_id", "old", "Mixed", "x1$y", "end"] {
            assert!(found.contains(w), "{w} in {found:?}");
        }
        assert!(!found.contains("mixed"));
    }
}

#[cfg(test)]
mod trigger_warning_tests {
    use crate::pipeline;
    use crate::plan::Options;

    #[test]
    fn one_warning_per_trigger_function() {
        let ddl = "CREATE FUNCTION stamp() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;\n\
                   CREATE TABLE a (id serial PRIMARY KEY);\n\
                   CREATE TABLE b (id serial PRIMARY KEY);\n\
                   CREATE TRIGGER last_updated BEFORE UPDATE ON a FOR EACH ROW EXECUTE FUNCTION stamp();\n\
                   CREATE TRIGGER last_updated BEFORE UPDATE ON b FOR EACH ROW EXECUTE FUNCTION stamp();\n";
        let output = pipeline::run("t.sql", ddl, &Options::default()).expect("parses");
        let triggers: Vec<&String> = output
            .plan
            .warnings
            .iter()
            .filter(|w| w.contains("trigger"))
            .collect();
        assert_eq!(triggers.len(), 1, "{triggers:?}");
        assert!(
            triggers[0]
                .starts_with("2 triggers last_updated on public.a, public.b run public.stamp()"),
            "{}",
            triggers[0]
        );
    }
}
