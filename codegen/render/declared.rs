//! View models for what `keyshift.toml` declares and what keyshift only
//! suspects: polymorphic id columns (converted through the root their
//! row's type names), the preflight checks of declared and polymorphic
//! references (there is no constraint to keep them honest), and the
//! candidate columns preflight reports on. Every identifier is quoted and
//! every text reaching `format()` has its `%` doubled.

use super::markdown::{code, prose};
use super::view::{ColumnView, keyshift, lit};
use crate::catalog::{QualifiedName, quote_ident, quote_literal};
use crate::plan::{DeclaredReference, Plan, PolymorphicColumn, TablePlan};

/// A declared reference as preflight checks it.
pub struct DeclaredView {
    /// `SELECT count(*)` of rows whose value has no parent row.
    pub orphans: String,
    /// Literal completing `<count> || …` into the problem.
    pub message: String,
    /// `public.comments.post_id → public.posts.id`, for PLAN.md.
    pub display: String,
    /// Its orphans are kept (`on_orphan`), so they are no problem: preflight
    /// reports them and forward records them (`orphan.rs`).
    pub kept: bool,
}

/// A polymorphic reference as preflight checks it.
pub struct PolymorphicView {
    /// `SELECT count(*), type` of rows with an id whose type is not mapped.
    pub unknown_types: String,
    /// `format()` literal taking the count and the type value.
    pub unknown_format: String,
    /// Per mapped type: (count query of ids with no row, message literal).
    pub orphans: Vec<(String, String)>,
    /// Markdown for PLAN.md.
    pub display: String,
}

/// A candidate column as preflight reports on it.
pub struct CandidateView {
    /// One `SELECT` raising the notice.
    pub notice: String,
    /// Markdown for PLAN.md.
    pub display: String,
}

fn config_name(plan: &Plan) -> &str {
    plan.config_name.as_deref().unwrap_or("keyshift.toml")
}

/// Text for `format()`: `%` means a placeholder there.
fn fmt_text(text: &str) -> String {
    text.replace('%', "%%")
}

/// `"type_column"::text = 'Value'`, qualified with `alias` when given.
fn type_is(alias: &str, type_column: &str, value: &str) -> String {
    format!(
        "{alias}{}::text = {}",
        quote_ident(type_column),
        quote_literal(value)
    )
}

/// A polymorphic id column: every expression picks the root by the type.
pub fn polymorphic_column(plan: &Plan, t: &TablePlan, p: &PolymorphicColumn) -> ColumnView {
    let quoted = quote_ident(&p.name);
    let type_quoted = quote_ident(&p.type_column);
    let case = |arm: &dyn Fn(&QualifiedName) -> String| {
        let arms: Vec<String> = p
            .targets
            .iter()
            .map(|(value, target)| {
                format!("WHEN {} THEN {}", quote_literal(value), arm(&target.root))
            })
            .collect();
        format!("CASE {type_quoted}::text {} END", arms.join(" "))
    };
    let map_of = |root: &QualifiedName| keyshift(plan.map_table_of(root));
    let mapped: Vec<String> = p
        .targets
        .iter()
        .map(|(value, target)| {
            format!(
                "WHEN {} THEN EXISTS (SELECT 1 FROM {} m WHERE m.new_id = t.{quoted})",
                quote_literal(value),
                map_of(&target.root)
            )
        })
        .collect();
    let holds = format!(
        "the table {} names, a polymorphic reference declared in {}: {}",
        code(&p.type_column),
        code(config_name(plan)),
        p.targets
            .iter()
            .map(|(value, target)| format!("{} → {}", code(value), code(&target.root.display())))
            .collect::<Vec<_>>()
            .join(", ")
    );
    ColumnView {
        // A polymorphic column has no integer default to translate.
        sentinel: String::new(),
        // A type value the file does not map, written since preflight,
        // stops forward rather than turning the id into NULL.
        forward_using: format!(
            "CASE WHEN {quoted} IS NULL THEN NULL {} ELSE pg_temp.keyshift_unmapped_type(format({}, {type_quoted})) END",
            p.targets
                .iter()
                .map(|(value, target)| format!(
                    "WHEN {} THEN keyshift.uuid_for({}, {quoted})",
                    type_is("", &p.type_column, value),
                    lit(&target.root)
                ))
                .collect::<Vec<_>>()
                .join(" "),
            quote_literal(&format!(
                "{} has a row with {} %L, which {} does not map to a table; run preflight.sql",
                fmt_text(&t.table.display()),
                fmt_text(&p.type_column),
                fmt_text(config_name(plan))
            ))
        ),
        rollback_using: case(&|root| {
            format!(
                "{}({quoted})",
                keyshift(&format!("{}_old_id", plan.map_table_of(root)))
            )
        }),
        unmapped: format!(
            "SELECT count(*) FROM ONLY {} t WHERE t.{quoted} IS NOT NULL AND NOT coalesce(CASE t.{type_quoted}::text {} END, false)",
            t.table.quoted(),
            mapped.join(" ")
        ),
        lookups: p
            .targets
            .iter()
            .map(|(value, target)| {
                (
                    Some(type_is("t.", &p.type_column, value)),
                    map_of(&target.root),
                )
            })
            .collect(),
        root_literal: quote_literal(&format!("the table {} names", p.type_column)),
        kept: None,
        display_literal: quote_literal(&p.name),
        display: p.name.clone(),
        quoted,
        int_type: p.int_kind.sql_name().to_string(),
        int_type_sql: p.int_kind.sql_name().to_string(),
        default: None,
        is_root: false,
        not_null: p.not_null,
        holds,
    }
}

/// Row `c` of a declared reference's table holds a value with no row in
/// the referenced table (which is read with its partitions and children).
pub(super) fn orphan_condition(r: &DeclaredReference) -> String {
    let col = quote_ident(&r.column);
    format!(
        "c.{col} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {} p WHERE p.{} = c.{col})",
        r.referenced_table.quoted(),
        quote_ident(&r.referenced_column)
    )
}

/// `public.comments.post_id → public.posts.id`, for messages.
pub(super) fn reference_label(r: &DeclaredReference) -> String {
    format!(
        "{}.{} → {}.{}",
        r.table.display(),
        r.column,
        r.referenced_table.display(),
        r.referenced_column
    )
}

/// The declared references whose column converts, in plan order. Their
/// checks read the referencing table without `ONLY`: a partitioned table
/// holds its rows in its partitions, and an inheritance parent's column is
/// its children's too, so `ONLY` would pass orphans it never saw.
pub fn declared(plan: &Plan) -> Vec<DeclaredView> {
    plan.declared_references
        .iter()
        .map(|r| {
            let display = reference_label(r);
            DeclaredView {
                orphans: format!(
                    "SELECT count(*) FROM {} c WHERE {}",
                    r.table.quoted(),
                    orphan_condition(r)
                ),
                message: quote_literal(&format!(
                    " rows of {} have a {} value with no row in {} (reference {display} declared in {}, not a foreign key)",
                    r.table.display(),
                    r.column,
                    r.referenced_table.display(),
                    config_name(plan)
                )),
                display,
                kept: !r.on_orphan.is_fail(),
            }
        })
        .collect()
}

/// The polymorphic references that convert, in plan order.
pub fn polymorphic(plan: &Plan) -> Vec<PolymorphicView> {
    let mut out = Vec::new();
    for t in &plan.tables {
        for p in &t.polymorphic {
            let what = format!(
                "polymorphic reference {}.{}/{} declared in {}",
                t.table.display(),
                p.type_column,
                p.name,
                config_name(plan)
            );
            let values: Vec<String> = p.targets.keys().map(|v| quote_literal(v)).collect();
            let type_quoted = quote_ident(&p.type_column);
            let id_quoted = quote_ident(&p.name);
            out.push(PolymorphicView {
                unknown_types: format!(
                    "SELECT count(*), c.{type_quoted}::text FROM {} c WHERE c.{id_quoted} IS NOT NULL AND (c.{type_quoted} IS NULL OR c.{type_quoted}::text NOT IN ({})) GROUP BY 2",
                    t.table.quoted(),
                    values.join(", ")
                ),
                unknown_format: quote_literal(&format!(
                    "%s rows of {} have {} %L, which {} does not map to a table ({})",
                    fmt_text(&t.table.display()),
                    fmt_text(&p.type_column),
                    fmt_text(config_name(plan)),
                    fmt_text(&what)
                )),
                orphans: p
                    .targets
                    .iter()
                    .map(|(value, target)| {
                        (
                            format!(
                                "SELECT count(*) FROM {} c WHERE {} AND c.{id_quoted} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {} p WHERE p.{} = c.{id_quoted})",
                                t.table.quoted(),
                                type_is("c.", &p.type_column, value),
                                target.table.quoted(),
                                quote_ident(&target.column)
                            ),
                            quote_literal(&format!(
                                " rows of {} with {} {} have a {} with no row in {} ({what})",
                                t.table.display(),
                                p.type_column,
                                quote_literal(value),
                                p.name,
                                target.table.display()
                            )),
                        )
                    })
                    .collect(),
                display: format!(
                    "{}.{} by {}: {}",
                    code(&t.table.display()),
                    code(&p.name),
                    code(&p.type_column),
                    p.targets
                        .iter()
                        .map(|(v, target)| format!("{} → {}", code(v), code(&target.table.display())))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            });
        }
    }
    out
}

/// The candidate columns, sorted, then the polymorphic-looking pairs.
pub fn candidates(plan: &Plan) -> Vec<CandidateView> {
    let mut out = plain_candidates(plan);
    out.extend(plan.polymorphic_candidates.iter().map(|c| {
        let label = format!(
            "{}.({}, {})",
            c.table.display(),
            c.type_column,
            c.id_column
        );
        let format = quote_literal(&format!(
            "keyshift candidate polymorphic {}: %s rows with an id; by type: %s; it is not converted (not declared in {})",
            fmt_text(&label),
            fmt_text(config_name(plan))
        ));
        let type_quoted = quote_ident(&c.type_column);
        let id_quoted = quote_ident(&c.id_column);
        CandidateView {
            notice: format!(
                "SELECT pg_temp.keyshift_notice(format({format}, coalesce(sum(n), 0), coalesce(string_agg(format('%L ×%s', v, n), ', ' ORDER BY v), 'none')))\n\
                 FROM (SELECT c.{type_quoted}::text, count(*) FROM ONLY {} c WHERE c.{id_quoted} IS NOT NULL GROUP BY 1) AS s (v, n);",
                c.table.quoted()
            ),
            display: format!(
                "{}.{} with {} looks like a polymorphic reference",
                code(&c.table.display()),
                code(&c.id_column),
                code(&c.type_column)
            ),
        }
    }));
    out
}

/// The columns the configuration dismisses, for PLAN.md: the reviewer
/// sees each decision and its reason next to the candidates still open.
pub fn not_references(plan: &Plan) -> Vec<String> {
    plan.not_references
        .iter()
        .map(|n| {
            let column = code(&format!("{}.{}", n.table.display(), n.column));
            match &n.reason {
                Some(reason) => format!("{column}: {}", prose(reason)),
                None => format!("{column} (no reason given)"),
            }
        })
        .collect()
}

fn plain_candidates(plan: &Plan) -> Vec<CandidateView> {
    plan.candidates
        .iter()
        .map(|c| {
            let col = quote_ident(&c.column);
            let key = quote_ident(&c.referenced_column);
            let parent = c.referenced_table.quoted();
            let label = format!(
                "{}.{} ({}) → {}.{}",
                c.table.display(),
                c.column,
                c.int_kind.sql_name(),
                c.referenced_table.display(),
                c.referenced_column
            );
            let format = quote_literal(&format!(
                "keyshift candidate {}: %s non-null values (%s distinct), %s outside the key range %s..%s, %s with no row in {}; it is not converted (not a foreign key, not declared in {})",
                fmt_text(&label),
                fmt_text(&c.referenced_table.display()),
                fmt_text(config_name(plan))
            ));
            CandidateView {
                notice: format!(
                    concat!(
                        "SELECT pg_temp.keyshift_notice(format({format}, s.n, s.d, s.outside, k.lo, k.hi, s.missing))\n",
                        "FROM (SELECT min(p.{key}), max(p.{key}) FROM {parent} p) AS k (lo, hi),\n",
                        "     LATERAL (SELECT count(c.{col}), count(DISTINCT c.{col}),\n",
                        "                     count(c.{col}) FILTER (WHERE k.lo IS NULL OR c.{col} NOT BETWEEN k.lo AND k.hi),\n",
                        "                     count(c.{col}) FILTER (WHERE NOT EXISTS (SELECT 1 FROM {parent} p WHERE p.{key} = c.{col}))\n",
                        "              FROM ONLY {table} c) AS s (n, d, outside, missing);"
                    ),
                    format = format,
                    key = key,
                    parent = parent,
                    col = col,
                    table = c.table.quoted()
                ),
                display: format!(
                    "{}.{} ({}) looks like it holds {}.{} values",
                    code(&c.table.display()),
                    code(&c.column),
                    c.int_kind.sql_name(),
                    code(&c.referenced_table.display()),
                    code(&c.referenced_column)
                ),
            }
        })
        .collect()
}
