//! The SQL of translated constants (`plan/constants.rs`): forward records
//! each CHECK constraint and index that compares a converted
//! column with fixed ids in `keyshift.translated`, with its definition as
//! the server prints it and the same definition with each constant
//! replaced by that row's uuid literal, which only forward can know
//! (`pg_temp.keyshift_constant_uuid`). Forward and rollback drop the object before
//! the type change and create the other definition after it, on a copy or
//! in place; preflight runs the same change on its empty copy with the
//! nil uuid for every constant, and checks that each constant names a row
//! or is a sentinel. A policy with fixed ids goes with forward's record of
//! the dependents, its clauses translated (`policy_record_args`).

use super::markdown::{code, code_cell, prose};
use crate::catalog::{QualifiedName, quote_literal};
use crate::plan::{Clause, Constant, Piece, Plan, SENTINEL_UUID, TranslatedKind, Translation};

/// One translated object as the templates see it.
pub struct TranslationView {
    /// `CHECK constraint x on public.t`, for comments.
    pub display: String,
    /// A CHECK constraint or an index (policies go with the dependents).
    pub kind: TranslatedKind,
    /// The object's name as a literal.
    pub name: String,
    /// The object's name.
    pub raw_name: String,
    /// forward: the statement recording the object in `keyshift.translated`.
    pub record: String,
    /// preflight: the statement run on the empty copy after its type change
    /// (`pg_temp.keyshift_probe`), with the nil uuid for each constant.
    pub probe_add: String,
    /// preflight: a query yielding a problem when the object is of a form
    /// forward does not translate (a NOT VALID CHECK constraint, an index
    /// behind a constraint), which the catalog does not tell.
    pub unsupported: String,
}

/// A constant as PLAN.md and preflight see it.
pub struct ConstantView {
    /// `public.tickets`.
    pub table: String,
    /// `CHECK constraint tickets_bug_priority`.
    pub object: String,
    pub column: String,
    pub value: i64,
    /// What it becomes, in prose.
    pub becomes: String,
    /// preflight: a query yielding a problem when the constant cannot be
    /// translated (a positive id naming no row, or ids at or below a
    /// sentinel compared by order); none for a sentinel compared by `=`.
    pub check: Option<String>,
}

/// The translated CHECK constraints and indexes of table `table`.
pub fn for_table(plan: &Plan, table: &QualifiedName) -> Vec<TranslationView> {
    plan.translations
        .iter()
        .filter(|t| &t.table == table && t.kind != TranslatedKind::Policy)
        .map(|t| view(plan, t))
        .collect()
}

/// How many objects forward records in `keyshift.translated` (policies go
/// with the other dependents instead).
pub fn recorded_count(plan: &Plan) -> usize {
    plan.translations
        .iter()
        .filter(|t| t.kind != TranslatedKind::Policy)
        .count()
}

/// A translated policy's `USING` and `WITH CHECK`, each as `text`
/// turns a clause's pieces into (SQL), or `NULL` where not translated.
fn policy_clauses(t: &Translation, text: impl Fn(&[Piece]) -> String) -> String {
    let clause = |which: Clause| {
        t.clauses
            .iter()
            .find(|c| c.clause == which)
            .map_or("NULL".to_string(), |c| text(&c.pieces))
    };
    format!("{}, {}", clause(Clause::Using), clause(Clause::WithCheck))
}

fn policy<'p>(plan: &'p Plan, table: &QualifiedName, name: &str) -> Option<&'p Translation> {
    plan.translations
        .iter()
        .find(|t| t.kind == TranslatedKind::Policy && &t.table == table && t.name == name)
}

/// forward: the extra arguments of `keyshift_record_policy` for a policy
/// with fixed ids (its translated clauses), or empty.
pub fn policy_record_args(plan: &Plan, table: &QualifiedName, name: &str) -> String {
    policy(plan, table, name).map_or(String::new(), |t| {
        let place = quote_literal(&format!(
            "{} on {}",
            t.kind.describe(&t.name),
            t.table.display()
        ));
        format!(", {}", policy_clauses(t, |p| sql_text(plan, p, &place)))
    })
}

/// preflight: the rows of `keyshift_translated_policy`, each policy's
/// clauses with the nil uuid for every fixed id.
pub fn preflight_policies(plan: &Plan) -> Vec<String> {
    plan.translations
        .iter()
        .filter(|t| t.kind == TranslatedKind::Policy)
        .map(|t| {
            format!(
                "({}, {}, {})",
                quote_literal(&t.table.quoted()),
                quote_literal(&t.name),
                policy_clauses(t, |p| quote_literal(&nil_text(p)))
            )
        })
        .collect()
}

fn view(plan: &Plan, t: &Translation) -> TranslationView {
    let display = format!("{} on {}", t.kind.describe(&t.name), t.table.display());
    let place = quote_literal(&display);
    let regclass = quote_literal(&t.table.quoted());
    let name = quote_literal(&t.name);
    // An index's WHERE and key expressions, as index_tail takes them.
    let index_parts = |text: &dyn Fn(&[Piece]) -> String| {
        let predicate = t
            .clauses
            .iter()
            .find(|c| c.clause == Clause::Where)
            .map_or("NULL".to_string(), |c| text(&c.pieces));
        let last_key = t
            .clauses
            .iter()
            .filter_map(|c| match c.clause {
                Clause::Key(k) => Some(k),
                _ => None,
            })
            .max()
            .unwrap_or(0);
        let keys: Vec<String> = (1..=last_key)
            .map(|k| {
                t.clauses
                    .iter()
                    .find(|c| c.clause == Clause::Key(k))
                    .map_or("NULL".to_string(), |c| text(&c.pieces))
            })
            .collect();
        format!("{predicate}, ARRAY[{}]::text[]", keys.join(", "))
    };
    match t.kind {
        TranslatedKind::Check => {
            let clause = t.clauses.first().expect("a translation holds a clause");
            let forward = sql_text(plan, &clause.pieces, &place);
            let nil = nil_text(&clause.pieces);
            TranslationView {
                record: format!(
                    "INSERT INTO keyshift.translated SELECT {regclass}, 'check', c.conname, false, pg_get_constraintdef(c.oid), 'CHECK (' || {forward} || ')' || CASE WHEN c.connoinherit THEN ' NO INHERIT' ELSE '' END, obj_description(c.oid, 'pg_constraint') FROM pg_constraint c WHERE c.conrelid = to_regclass({regclass}) AND c.contype = 'c' AND c.conname = {name} AND c.convalidated"
                ),
                probe_add: quote_literal(&format!(
                    "ALTER TABLE pg_temp.keyshift_probe ADD CHECK ({nil})"
                )),
                unsupported: format!(
                    "SELECT {} FROM pg_constraint c WHERE c.conrelid = to_regclass({regclass}) AND c.contype = 'c' AND c.conname = {name} AND NOT c.convalidated",
                    quote_literal(&format!(
                        "{display} is NOT VALID and compares a key with fixed ids, which keyshift translates only in a validated constraint: validate it first (ALTER TABLE … VALIDATE CONSTRAINT), or drop it before migrating and create it again after"
                    ))
                ),
                display,
                kind: TranslatedKind::Check,
                name,
                raw_name: t.name.clone(),
            }
        }
        TranslatedKind::Index => TranslationView {
            record: format!(
                "INSERT INTO keyshift.translated SELECT {regclass}, 'index', x.relname, i.indisunique, keyshift.index_tail(x.oid, NULL, '{{}}'), keyshift.index_tail(x.oid, {}), obj_description(x.oid, 'pg_class') FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = to_regclass({regclass}) AND x.relname = {name} AND NOT EXISTS (SELECT 1 FROM pg_constraint k WHERE k.conindid = i.indexrelid)",
                index_parts(&|p| sql_text(plan, p, &place))
            ),
            probe_add: format!(
                "'CREATE INDEX ON pg_temp.keyshift_probe USING ' || pg_temp.keyshift_index_tail((SELECT x.oid FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = to_regclass({regclass}) AND x.relname = {name}), {})",
                index_parts(&|p| quote_literal(&nil_text(p)))
            ),
            unsupported: format!(
                "SELECT {} FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid JOIN pg_constraint k ON k.conindid = i.indexrelid WHERE i.indrelid = to_regclass({regclass}) AND x.relname = {name}",
                quote_literal(&format!(
                    "{display} belongs to a constraint and compares a key with fixed ids, which keyshift translates only in an index of its own: drop the constraint before migrating and create it again after"
                ))
            ),
            display,
            kind: TranslatedKind::Index,
            name,
            raw_name: t.name.clone(),
        },
        TranslatedKind::Policy => unreachable!("policies go with the dependents"),
    }
}

/// An SQL expression whose value is the clause with each constant replaced
/// by its uuid literal, resolved when forward runs.
fn sql_text(plan: &Plan, pieces: &[Piece], place: &str) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => quote_literal(t),
            Piece::Constant(k) => format!(
                "pg_temp.keyshift_constant_uuid({}, {}, {}, {place}, {})",
                quote_literal(&k.root.quoted()),
                k.value,
                k.ordered,
                super::orphan::sentinel_literal(plan.sentinel_of(&k.root))
            ),
        })
        .collect::<Vec<_>>()
        .join(" || ")
}

/// The clause with the nil uuid for every constant: the shape forward
/// creates, for preflight's test.
fn nil_text(pieces: &[Piece]) -> String {
    pieces
        .iter()
        .map(|p| match p {
            Piece::Text(t) => t.clone(),
            Piece::Constant(_) => format!("'{SENTINEL_UUID}'::uuid"),
        })
        .collect()
}

/// Every translated constant, in plan order, for PLAN.md and preflight:
/// the integer defaults of referencing columns first, which forward
/// translates the same way (`keyshift.default_uuid`).
pub fn constants(plan: &Plan) -> Vec<ConstantView> {
    let mut out = Vec::new();
    for t in &plan.tables {
        for c in &t.columns {
            let Some(value) = c
                .default
                .as_deref()
                .and_then(|d| d.trim().parse::<i64>().ok())
            else {
                continue;
            };
            let root = prose(&c.root.display());
            out.push(ConstantView {
                table: t.table.display(),
                object: format!("default of column {}", crate::catalog::display_ident(&c.name)),
                column: c.name.clone(),
                value,
                becomes: if value > 0 {
                    format!("the uuid of row {value} of {root} (one that names no row, if there is none)")
                } else {
                    format!(
                        "the uuid of row {value} of {root}, or the sentinel {} if there is none",
                        code(plan.sentinel_of(&c.root))
                    )
                },
                check: None,
            });
        }
    }
    for t in &plan.translations {
        for (clause, k) in t.constants() {
            let object = match clause {
                Clause::Where => format!("{} (WHERE)", t.kind.describe(&t.name)),
                Clause::Key(k) => format!("{} (key {k})", t.kind.describe(&t.name)),
                Clause::Using => format!("{} (USING)", t.kind.describe(&t.name)),
                Clause::WithCheck => format!("{} (WITH CHECK)", t.kind.describe(&t.name)),
                _ => t.kind.describe(&t.name),
            };
            out.push(ConstantView {
                table: t.table.display(),
                check: check(plan, t, k, &object),
                becomes: if k.ordered {
                    format!(
                        "compared by order: the sentinel {}; every id of {} must lie above {}",
                        code(plan.sentinel_of(&k.root)),
                        prose(&k.root.display()),
                        k.value
                    )
                } else if k.value > 0 {
                    format!(
                        "the uuid of row {} of {}",
                        k.value,
                        prose(&k.root.display())
                    )
                } else {
                    format!(
                        "the uuid of row {} of {}, or the sentinel {} if there is none",
                        k.value,
                        prose(&k.root.display()),
                        code(plan.sentinel_of(&k.root))
                    )
                },
                object,
                column: k.column.clone(),
                value: k.value,
            });
        }
    }
    // `COALESCE(parent_id, 0) = 0` holds the same constant twice.
    out.dedup_by(|a, b| {
        (&a.table, &a.object, &a.column, a.value) == (&b.table, &b.object, &b.column, b.value)
    });
    out
}

/// A query yielding one problem when `k` cannot be translated.
fn check(plan: &Plan, t: &Translation, k: &Constant, object: &str) -> Option<String> {
    let key = plan
        .table(&k.root)
        .and_then(|r| r.root.as_ref())
        .map(|r| crate::catalog::quote_ident(&r.column))
        .expect("a constant's root is a planned root table");
    let root = k.root.quoted();
    let place = format!("{object} on {}", t.table.display());
    Some(if k.ordered {
        format!(
            "SELECT {} WHERE EXISTS (SELECT 1 FROM {root} WHERE {key} <= {})",
            quote_literal(&format!(
                "{place} compares {} with {} by order, but {} has ids at or below it; uuids cannot keep that comparison",
                k.column,
                k.value,
                k.root.display()
            )),
            k.value
        )
    } else if k.value > 0 {
        format!(
            "SELECT {} WHERE NOT EXISTS (SELECT 1 FROM {root} WHERE {key} = {})",
            quote_literal(&format!(
                "{place} compares {} with {}, which names no row of {}: fix the constant or add the row",
                k.column,
                k.value,
                k.root.display()
            )),
            k.value
        )
    } else {
        return None;
    })
}

impl ConstantView {
    /// PLAN.md's table row for the constant.
    pub fn plan_row(&self) -> String {
        let c = self;
        format!(
            "| {} | {} | {} | {} | {} |",
            code_cell(&c.table),
            prose(&c.object),
            code_cell(&c.column),
            c.value,
            c.becomes
        )
    }
}

/// Online mode: statements that map each row a fixed id names before the
/// copies are created (expand), so the translated objects can name its
/// uuid while backfill has mapped nothing yet; backfill skips ids already
/// mapped. Maintenance mode draws every map first and needs none.
pub fn online_draws(plan: &Plan, tables: &[super::view::TableView]) -> Vec<String> {
    let mut wanted: Vec<(&str, i64)> = plan
        .translations
        .iter()
        .flat_map(|t| t.constants())
        .filter(|(_, k)| !k.ordered)
        .map(|(_, k)| (plan.map_table_of(&k.root), k.value))
        .collect();
    wanted.sort();
    wanted.dedup();
    wanted
        .into_iter()
        .filter_map(|(map, value)| {
            let drawing = tables
                .iter()
                .filter_map(|t| t.root.as_ref())
                .find(|r| r.draws_map && r.map_name == map)?;
            Some(format!(
                "INSERT INTO {} SELECT s.old_id, s.new_id FROM ({}) s WHERE s.old_id = {value} ON CONFLICT (old_id) DO NOTHING",
                drawing.map, drawing.map_select
            ))
        })
        .collect()
}

/// The statements that read the rows fixed ids name from each map, once per
/// map, into `pg_temp.keyshift_fixed_id`: a rebuilt table's map has no
/// index until contract, so a lookup per constant would scan it each time.
pub fn fixed_id_reads(plan: &Plan) -> Vec<String> {
    let mut by_map: std::collections::BTreeMap<&str, Vec<i64>> = std::collections::BTreeMap::new();
    for (_, k) in plan.translations.iter().flat_map(|t| t.constants()) {
        if !k.ordered {
            by_map
                .entry(plan.map_table_of(&k.root))
                .or_default()
                .push(k.value);
        }
    }
    by_map
        .into_iter()
        .map(|(map, mut ids)| {
            ids.sort_unstable();
            ids.dedup();
            let map = super::view::keyshift(map);
            let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
            format!(
                "INSERT INTO pg_temp.keyshift_fixed_id SELECT {}::regclass, old_id, new_id FROM {map} WHERE old_id = ANY ('{{{}}}'::bigint[])",
                quote_literal(&map),
                ids.join(",")
            )
        })
        .collect()
}
