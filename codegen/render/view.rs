//! View models: the plan with every identifier already quoted and every
//! repeated SQL fragment already built, so templates only lay text out and
//! can never splice a raw identifier.

use super::markdown::code;
use crate::catalog::{
    IntKind, QualifiedName, ViewKind, display_ident, dollar_quote, quote_ident, quote_literal,
};
use crate::plan::{ConvertedColumn, ForeignKeyPlan, KeySource, Plan, TablePlan};

/// A converted table as the templates see it.
pub struct TableView {
    /// `public.users`, for prose and messages.
    pub display: String,
    /// `"public"."users"`.
    pub quoted: String,
    /// `'public.users'`: the display name as a string literal.
    pub literal: String,
    /// `'"public"."users"'`: a literal `to_regclass` accepts.
    pub regclass: String,
    /// The root key, when this table's own primary key gets new UUIDs.
    pub root: Option<RootView>,
    /// Converted columns in physical order.
    pub columns: Vec<ColumnView>,
    /// Where in `columns` the converted columns this table's own `ALTER
    /// TABLE` changes are (all but those it inherited, which change
    /// through their parent): places, not copies, since at 10,000 tables
    /// the copies were a tenth of codegen's memory.
    altered_at: Vec<usize>,
    /// `public.payment`: the tables whose `ALTER TABLE` changes the columns
    /// this one inherited, for comments.
    pub altered_through: Vec<String>,
    /// `hash_record_extended(t, 0)`: a 64-bit hash of the whole row `t`,
    /// as a record where every column type has an extended hash function,
    /// else of its text. Integer hashes agree across widths, so `t` before
    /// forward and `old_row` (whose old ids are bigint) hash alike.
    pub row_hash: String,
    /// The same hash of the row as it was before forward, rebuilt through
    /// the id maps (`ROW(t.a, m1.old_id, …)`), for verification.
    pub old_row_hash: String,
    /// The `LEFT JOIN`s `old_row_hash` needs.
    pub old_row_joins: Vec<String>,
    /// `ARRAY['"keyshift"."users_ids"']::regclass[]`: the maps those joins
    /// read, for `pg_temp.keyshift_fit_maps`; `None` when they read none.
    pub old_row_maps: Option<String>,
    /// Altered in place: the `UPDATE`s, run right after the table's
    /// `ALTER`, that give the orphans forward recorded NULL or the
    /// sentinel (`orphan.rs`).
    pub orphan_fixes: Vec<String>,
    /// Literal of the `ALTER TABLE` subcommands preflight applies to an
    /// empty copy of the table to see whether PostgreSQL accepts them.
    pub probe_change: String,
    /// `ARRAY['idx']::name[]`: the partial indexes with fixed ids that
    /// preflight's copy of the table must lose before its type change.
    pub probe_translated_indexes: String,
    /// `ARRAY[…]::text[]`: the statements that create this table's
    /// translated objects on preflight's copy after its type change.
    pub probe_translated: String,
    /// CHECK constraints and partial indexes recreated with their fixed
    /// ids translated (`constants.rs`).
    pub translations: Vec<super::constants::TranslationView>,
    /// Set when the table is rebuilt and swapped in rather than altered.
    pub rebuild: Option<super::rebuild::RebuildView>,
    /// Why the table is altered in place, for PLAN.md.
    pub in_place_reason: Option<String>,
}

/// A converted column.
#[derive(Clone)]
pub struct ColumnView {
    /// `"user_id"`.
    pub quoted: String,
    /// `user_id`, for messages.
    pub display: String,
    /// `'user_id'`.
    pub display_literal: String,
    /// `integer`, or a domain over an integer type (`public.user_id`), as
    /// `format_type` prints it: for messages and catalog comparisons.
    pub int_type: String,
    /// The same type for SQL, every identifier quoted (`"public"."user_id"`).
    pub int_type_sql: String,
    /// `'public.users'`: whose key values the column holds.
    pub root_literal: String,
    /// The column's default before forward, for a referencing column.
    pub default: Option<String>,
    /// `'00000000-…'::uuid`: the uuid its root key's sentinels become.
    pub sentinel: String,
    /// Whether this is the table's own root key.
    pub is_root: bool,
    /// `NOT NULL`.
    pub not_null: bool,
    /// The `USING` expression forward converts the column with.
    pub forward_using: String,
    /// The `USING` expression rollback converts the column back with.
    pub rollback_using: String,
    /// `SELECT count(*)` of the rows whose uuid no map translates back;
    /// rollback refuses to turn them into NULLs.
    pub unmapped: String,
    /// Markdown for PLAN.md: whose ids the column holds.
    pub holds: String,
    /// For verification: (condition on the row, map) pairs whose `old_id`
    /// is the value before forward; a plain column has one, with no
    /// condition.
    pub(super) lookups: Vec<(Option<String>, String)>,
    /// The declared reference, when its orphans are kept (`on_orphan`):
    /// verification finds a kept row's value in `keyshift.orphan`.
    pub(super) kept: Option<crate::plan::DeclaredReference>,
}

/// The table's own root key.
pub struct RootView {
    /// `"id"`.
    pub column: String,
    /// `id`.
    pub display: String,
    /// `'id'`.
    pub literal: String,
    /// `"keyshift"."users_ids"`.
    pub map: String,
    /// `ONLY "public"."users"`, or the table without `ONLY` when
    /// partitions or children share the key: the rows the map covers.
    pub scan: String,
    /// `public.payment_p1, public.payment_p2`: members sharing the key.
    pub members: Vec<String>,
    /// Whether forward draws this key's map; a key of an id space other
    /// than its first, or one that takes its parent's values, uses the map
    /// of that table.
    pub draws_map: bool,
    /// Whether this key's map covers an id space of several tables. Such a
    /// map gets its indexes at once: every member's copy joins it, and a
    /// small member would otherwise read the whole space's map (a schema
    /// that draws every key from one sequence makes one map of all rows).
    pub shared_map: bool,
    /// PLAN.md's sentence on the id space this key's map covers, if any.
    pub id_space_note: Option<String>,
    /// `'"public"."pinned_notes"'`: family members whose key has a default
    /// of its own, for `to_regclass`.
    pub own_defaults: Vec<String>,
    /// The same members for PLAN.md.
    pub own_defaults_display: Vec<String>,
    /// `('"public"."users"', '"keyshift"."users_ids"')`, one row per table
    /// whose ids this map translates (the root and its members), for
    /// `keyshift.id_map`.
    pub id_map_rows: Vec<String>,
    /// `users_ids`.
    pub map_name: String,
    /// `'"keyshift"."users_ids"'`.
    pub map_regclass: String,
    /// Message literal for verify_contract when the map is gone.
    pub map_missing: String,
    /// Comment literal for the map table.
    pub comment: String,
    /// One sentence on how new ids were made before, for PLAN.md.
    pub source_note: String,
    /// What the key becomes, for PLAN.md (`uuid::values_note`).
    pub values_note: String,
    /// The `SELECT` that fills the map (`uuid::map_select`).
    pub map_select: String,
    /// The `SELECT` forward.sql fills the map with, and the one that fills
    /// `keyshift.v7_order` before it, if any (`uuid::forward_fill`).
    pub forward_fill: String,
    pub v7_order: Option<String>,
    /// `'a'`, `'d'` or `''`: `pg_attribute.attidentity` before forward.
    pub identity_code: String,
    /// `"keyshift"."users_ids_old_id"`.
    pub old_id_fn: String,
    /// The body of `old_id_fn`, dollar-quoted with a tag the map's name
    /// does not contain.
    pub old_id_body: String,
    /// `integer`: the integer type (a domain's base type).
    pub int_type: &'static str,
    /// The key column's type as `format_type` prints it, domain included.
    pub type_display: String,
    /// The sequence behind the key, if any.
    pub sequence: Option<SequenceView>,
    /// `ALWAYS` / `BY DEFAULT` when the key is an identity column.
    pub identity: Option<&'static str>,
    /// The `nextval` default rollback restores for a sequence key.
    pub restore_default: Option<String>,
    /// A key default other than a sequence's (a function such as
    /// `public.next_ticket()`), as a literal of the text the catalog holds:
    /// what preflight expects and verify_rollback compares against. Forward
    /// records the default itself, as the server prints it, and rollback
    /// restores that record, so the text never has to resolve again.
    pub default_literal: Option<String>,
    /// Step between fresh ids rollback hands out.
    pub increment: i64,
}

/// A sequence behind a root key.
pub struct SequenceView {
    /// `"public"."users_id_seq"`.
    pub quoted: String,
    /// `'"public"."users_id_seq"'`, for `setval` and `to_regclass`.
    pub regclass: String,
    /// `public.users_id_seq`.
    pub display: String,
    /// `'public.users_id_seq'`, for messages.
    pub literal: String,
    /// Identity options in the order pg_dump prints them.
    pub identity_options: String,
    /// Whether the sequence belongs to an identity column (recreated by
    /// rollback, dropped with the identity by forward).
    pub is_identity: bool,
}

/// A foreign key dropped and recreated around the type change.
pub struct ForeignKeyView {
    /// Referencing table, quoted.
    pub table: String,
    /// Referencing table, as a `to_regclass` literal.
    pub table_regclass: String,
    /// Referencing table, for messages.
    pub table_display: String,
    /// Referencing table's display name as a literal.
    pub table_literal: String,
    /// Constraint name, quoted.
    pub name: String,
    /// Constraint name as a literal.
    pub name_literal: String,
    /// Constraint name, for messages.
    pub name_display: String,
    /// The `ADD CONSTRAINT` body.
    pub definition: String,
    /// Literal of the `SELECT` counting the rows whose key has no parent,
    /// for preflight, which runs it through `pg_temp.keyshift_count` so a
    /// column that has gone missing is reported rather than fatal.
    pub orphans: String,
    /// Whether the constraint was validated.
    pub validated: bool,
    /// Whether its table is rebuilt: the copy gets the key from the live
    /// catalog, so forward and rollback neither drop nor recreate it, only
    /// check that it came back the same.
    pub rebuilt: bool,
}

pub(super) fn lit(q: &QualifiedName) -> String {
    quote_literal(&q.display())
}

impl TableView {
    /// The converted columns this table's own `ALTER TABLE` changes.
    pub fn altered(&self) -> Vec<&ColumnView> {
        self.altered_at.iter().map(|&i| &self.columns[i]).collect()
    }

    /// The comment heading the table's `ALTER TABLE` in forward and
    /// rollback: its name, and the tables whose change carries its inherited
    /// columns.
    pub fn heading(&self) -> String {
        if self.altered_through.is_empty() {
            self.display.clone()
        } else if self.altered_at.is_empty() {
            format!(
                "{}: changes with {}",
                self.display,
                self.altered_through.join(", ")
            )
        } else {
            format!(
                "{}; inherited columns change with {}",
                self.display,
                self.altered_through.join(", ")
            )
        }
    }
}

fn regclass(q: &QualifiedName) -> String {
    quote_literal(&q.quoted())
}

/// A 64-bit hash of `row`, a row of `t` (see `TableView::row_hash`).
fn row_hash(t: &TablePlan, row: &str) -> String {
    if t.hashable_rows {
        format!("hash_record_extended({row}, 0)")
    } else {
        format!("hashtextextended({row}::text, 0)")
    }
}

pub(super) fn keyshift(name: &str) -> String {
    let quoted = quote_ident(name);
    let mut out = String::with_capacity(quoted.len() + 11);
    out.push_str("\"keyshift\".");
    out.push_str(&quoted);
    out
}

fn int_type(kind: IntKind) -> &'static str {
    kind.sql_name()
}

/// Builds the table views in plan order, on every core: each view reads
/// only the plan, and a rebuilt table's place among the rebuilt ones is
/// counted first.
pub fn tables(plan: &Plan) -> Vec<TableView> {
    let numbers = super::rebuild::schema_numbers(plan);
    let mut rebuilt = 0;
    let places: Vec<Option<usize>> = plan
        .tables
        .iter()
        .map(|t| {
            t.conversion.is_rebuild().then(|| {
                rebuilt += 1;
                rebuilt
            })
        })
        .collect();
    crate::in_order::map(&plan.tables, |i, t| {
        let rebuild = places[i].map(|place| super::rebuild::rebuild(plan, t, &numbers, place));
        table(plan, t, rebuild)
    })
}

fn table(plan: &Plan, t: &TablePlan, rebuild: Option<super::rebuild::RebuildView>) -> TableView {
    let mut columns: Vec<ColumnView> = t.columns.iter().map(|c| column(plan, t, c)).collect();
    columns.extend(
        t.polymorphic
            .iter()
            .map(|p| super::declared::polymorphic_column(plan, t, p)),
    );
    let position = |c: &ColumnView| t.all_columns.iter().position(|a| a == &c.display);
    columns.sort_by_key(|c| position(c));
    let translations = super::constants::for_table(plan, &t.table);
    let mut joins = Vec::new();
    let mut maps: Vec<String> = Vec::new();
    let parts: Vec<String> = t
        .all_columns
        .iter()
        .map(|name| match columns.iter().find(|c| &c.display == name) {
            Some(c) => {
                let mut cases = Vec::new();
                for (condition, map) in &c.lookups {
                    let alias = format!("m{}", joins.len() + 1);
                    let when = condition
                        .as_ref()
                        .map(|w| format!("{w} AND "))
                        .unwrap_or_default();
                    joins.push(format!(
                        "LEFT JOIN {map} {alias} ON {when}{alias}.new_id = t.{}",
                        c.quoted
                    ));
                    maps.push(quote_literal(map));
                    cases.push((condition, format!("{alias}.old_id")));
                }
                let old = match cases.as_slice() {
                    [(None, old)] => old.clone(),
                    _ => format!(
                        "CASE {} END",
                        cases
                            .iter()
                            .map(|(w, old)| format!(
                                "WHEN {} THEN {old}",
                                w.as_deref().unwrap_or("true")
                            ))
                            .collect::<Vec<_>>()
                            .join(" ")
                    ),
                };
                // A kept orphan translates back to the value forward
                // recorded: what the row held before forward.
                match &c.kept {
                    Some(r) => {
                        let alias = format!("o{}", joins.len() + 1);
                        joins.push(super::orphan::record_join(plan, r, &alias));
                        format!("coalesce({old}, {alias}.old_value)")
                    }
                    None => old,
                }
            }
            None => format!("t.{}", quote_ident(name)),
        })
        .collect();
    TableView {
        display: t.table.display(),
        quoted: t.table.quoted(),
        literal: lit(&t.table),
        regclass: regclass(&t.table),
        root: t.root.as_ref().map(|r| {
            let (sequence, identity, restore_default) = match &r.source {
                KeySource::None => (None, None, None),
                KeySource::Default { .. } => (None, None, None),
                KeySource::Sequence { sequence } => (
                    Some(sequence),
                    None,
                    Some(format!(
                        "nextval({}::regclass)",
                        quote_literal(&sequence.name.display())
                    )),
                ),
                KeySource::Identity { always, sequence } => (
                    Some(sequence),
                    Some(if *always { "ALWAYS" } else { "BY DEFAULT" }),
                    None,
                ),
            };
            let scan = if r.members.is_empty() {
                format!("ONLY {}", t.table.quoted())
            } else {
                t.table.quoted()
            };
            let forward_fill = super::uuid::forward_fill(
                plan,
                t,
                r,
                &super::id_space::map_source(plan, r, &scan),
            );
            RootView {
                column: quote_ident(&r.column),
                display: r.column.clone(),
                literal: quote_literal(&r.column),
                map: keyshift(&r.map_table),
                scan: scan.clone(),
                members: r.members.iter().map(QualifiedName::display).collect(),
                draws_map: r.draws_map(),
                shared_map: r.id_space.is_some(),
                id_space_note: super::id_space::note(plan, t, r),
                own_defaults: r.own_defaults.iter().map(regclass).collect(),
                own_defaults_display: r.own_defaults.iter().map(QualifiedName::display).collect(),
                id_map_rows: std::iter::once(&t.table)
                    .chain(&r.members)
                    .map(|m| format!("({}, {})", regclass(m), quote_literal(&keyshift(&r.map_table))))
                    .collect(),
                map_name: r.map_table.clone(),
                map_regclass: quote_literal(&keyshift(&r.map_table)),
                map_missing: quote_literal(&format!("id map keyshift.{} is missing", r.map_table)),
                comment: quote_literal(&format!(
                    "keyshift: old {}.{} values (old_id) and the uuids that replaced them (new_id)",
                    t.table.display(),
                    r.column
                )),
                values_note: super::uuid::values_note(plan, t, r),
                map_select: super::uuid::map_select(
                    plan,
                    t,
                    r,
                    &super::id_space::map_source(plan, r, &scan),
                ),
                forward_fill: forward_fill.0,
                v7_order: forward_fill.1,
                source_note: match &r.source {
                    KeySource::None => "It had no default; rollback hands rows written after forward ids above the highest old id.".to_string(),
                    KeySource::Default { expression } => format!("Its default {} is recorded by forward as the server prints it, restored from that record by rollback, and compared by verify_rollback.", code(expression)),
                    KeySource::Sequence { sequence } => format!("Its sequence {} is kept until contract; rollback restores the `nextval` default and the sequence position.", code(&sequence.name.display())),
                    KeySource::Identity { always, sequence } => format!("The identity (`GENERATED {}`, sequence {}) is dropped; rollback recreates it with the same options and position.", if *always { "ALWAYS" } else { "BY DEFAULT" }, code(&sequence.name.display())),
                },
                identity_code: quote_literal(match &r.source {
                    KeySource::Identity { always: true, .. } => "a",
                    KeySource::Identity { always: false, .. } => "d",
                    _ => "",
                }),
                old_id_fn: keyshift(&format!("{}_old_id", r.map_table)),
                old_id_body: dollar_quote(&format!(
                    " SELECT old_id FROM {} WHERE new_id = u ",
                    keyshift(&r.map_table)
                )),
                int_type: int_type(r.int_kind),
                type_display: t
                    .columns
                    .iter()
                    .find(|c| c.name == r.column)
                    .map_or_else(|| int_type(r.int_kind).to_string(), |c| c.type_name.clone()),
                increment: sequence.map_or(1, |s| s.increment),
                sequence: sequence.map(|s| SequenceView {
                    quoted: s.name.quoted(),
                    regclass: regclass(&s.name),
                    display: s.name.display(),
                    literal: lit(&s.name),
                    identity_options: identity_options(s),
                    is_identity: identity.is_some(),
                }),
                identity,
                restore_default,
                default_literal: match &r.source {
                    KeySource::Default { expression } => Some(quote_literal(expression)),
                    _ => None,
                },
            }
        }),
        probe_change: quote_literal(
            &translations
                .iter()
                .filter(|x| x.kind == crate::plan::TranslatedKind::Check)
                .map(|x| format!("DROP CONSTRAINT {}", quote_ident(&x.raw_name)))
                .chain(columns.iter().map(|c| {
                    format!(
                        "ALTER COLUMN {0} DROP DEFAULT, ALTER COLUMN {0} TYPE uuid USING NULL::uuid",
                        c.quoted
                    )
                }))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        probe_translated_indexes: if translations.is_empty() {
            "'{}'".to_string()
        } else {
            format!(
            "ARRAY[{}]::name[]",
            translations
                .iter()
                .filter(|x| x.kind == crate::plan::TranslatedKind::Index)
                .map(|x| x.name.as_str())
                .collect::<Vec<_>>()
                .join(", ")
            )
        },
        probe_translated: if translations.is_empty() {
            String::new()
        } else {
            format!(
                "ARRAY[{}]::text[]",
                translations
                    .iter()
                    .map(|x| x.probe_add.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        },
        translations,
        rebuild,
        in_place_reason: match &t.conversion {
            crate::plan::Conversion::InPlace { reason } => Some(reason.clone()),
            crate::plan::Conversion::Rebuild => None,
        },
        row_hash: row_hash(t, "t"),
        old_row_hash: row_hash(t, &format!("ROW({})", parts.join(", "))),
        old_row_joins: joins,
        old_row_maps: (!maps.is_empty()).then(|| {
            maps.sort();
            maps.dedup();
            format!("ARRAY[{}]::regclass[]", maps.join(", "))
        }),
        orphan_fixes: super::orphan::fixes(plan, t),
        // Polymorphic columns are not in `t.columns`; they are altered here.
        altered_at: columns
            .iter()
            .enumerate()
            .filter(|(_, v)| {
                !t.columns
                    .iter()
                    .any(|c| c.name == v.display && c.altered_on.is_some())
            })
            .map(|(i, _)| i)
            .collect(),
        altered_through: t
            .columns
            .iter()
            .filter_map(|c| c.altered_on.as_ref().map(QualifiedName::display))
            .fold(Vec::new(), |mut seen, o| {
                if !seen.contains(&o) {
                    seen.push(o);
                }
                seen
            }),
        columns,
    }
}

fn column(plan: &Plan, t: &TablePlan, c: &ConvertedColumn) -> ColumnView {
    let map_table = plan.map_table_of(&c.root);
    let quoted = quote_ident(&c.name);
    let map = keyshift(map_table);
    let old_id_fn = keyshift(&format!("{map_table}_old_id"));
    let declared = plan
        .declared_references
        .iter()
        .any(|r| r.table == t.table && r.column == c.name);
    let kept = super::orphan::kept(plan, t, &c.name);
    let uuid_for = format!("keyshift.uuid_for({}, {quoted})", lit(&c.root));
    // An integer default of zero or below is a sentinel: forward gives it
    // the nil uuid where it names no row (`keyshift.default_uuid`).
    let sentinel = c
        .default
        .as_deref()
        .and_then(|d| d.trim().parse::<i64>().ok())
        .filter(|&v| v <= 0);
    let old_id = format!("{old_id_fn}({quoted})");
    // Only a column with a default needs it: not built for every column of
    // a 10,000-table schema.
    let root_sentinel = if c.default.is_some() {
        super::orphan::sentinel_literal(plan.sentinel_of(&c.root))
    } else {
        String::new()
    };
    ColumnView {
        sentinel: root_sentinel.clone(),
        // Version 7's uuid_for has no uuid for an orphan (NULL), which a
        // NOT NULL column kept as the sentinel must not see even briefly;
        // the UPDATE after the ALTER sets the sentinel for version 4.
        forward_using: match kept {
            Some(r) if r.on_orphan == crate::plan::OnOrphan::Keep => format!(
                "coalesce({uuid_for}, CASE WHEN {quoted} IS NOT NULL THEN {} END)",
                super::orphan::sentinel(plan, r)
            ),
            _ => uuid_for,
        },
        rollback_using: {
            // A row written after forward with the sentinel default holds
            // the nil uuid; it gets the default's integer back.
            let otherwise = match sentinel {
                Some(s) => {
                    format!("CASE WHEN {quoted} = {root_sentinel} THEN {s} ELSE {old_id} END")
                }
                None => old_id,
            };
            match kept {
                Some(r) => super::orphan::rollback_using(plan, r, &otherwise, sentinel),
                None => otherwise,
            }
        },
        unmapped: format!(
            "SELECT count(*) FROM ONLY {} t WHERE t.{quoted} IS NOT NULL AND NOT EXISTS (SELECT 1 FROM {map} m WHERE m.new_id = t.{quoted}){}",
            t.table.quoted(),
            match (sentinel, kept) {
                (Some(_), _) => format!(" AND t.{quoted} <> {root_sentinel}"),
                (None, Some(r)) if r.on_orphan == crate::plan::OnOrphan::Keep => format!(
                    " AND NOT {}",
                    super::orphan::recorded(plan, r, &format!("t.{quoted}"))
                ),
                _ => String::new(),
            }
        ),
        kept: kept.cloned(),
        holds: format!(
            "{}{}",
            code(&c.root.display()),
            if declared {
                format!(
                    " (a reference declared in {}, not a foreign key)",
                    code(plan.config_name.as_deref().unwrap_or("keyshift.toml"))
                )
            } else {
                String::new()
            }
        ),
        lookups: vec![(None, map)],
        quoted: quote_ident(&c.name),
        display: c.name.clone(),
        display_literal: quote_literal(&c.name),
        int_type: c.type_name.clone(),
        int_type_sql: int_type_sql(c),
        root_literal: lit(&c.root),
        default: c.default.clone(),
        is_root: t.root.as_ref().is_some_and(|r| r.column == c.name),
        not_null: c.not_null,
    }
}

/// The column's integer type for SQL, a domain's name quoted.
pub(super) fn int_type_sql(c: &ConvertedColumn) -> String {
    if c.type_name == c.int_kind.sql_name() {
        c.type_name.clone()
    } else {
        QualifiedName::parse_regclass_literal(&c.type_name)
            .map_or_else(|| c.int_kind.sql_name().to_string(), |q| q.quoted())
    }
}

fn identity_options(s: &crate::catalog::Sequence) -> String {
    let mut o = format!(
        "SEQUENCE NAME {} START WITH {} INCREMENT BY {}",
        s.name.quoted(),
        s.start,
        s.increment
    );
    match s.min_value {
        Some(v) => o.push_str(&format!(" MINVALUE {v}")),
        None => o.push_str(" NO MINVALUE"),
    }
    match s.max_value {
        Some(v) => o.push_str(&format!(" MAXVALUE {v}")),
        None => o.push_str(" NO MAXVALUE"),
    }
    o.push_str(&format!(" CACHE {}", s.cache));
    if s.cycle {
        o.push_str(" CYCLE");
    }
    o
}

/// Every distinct sequence behind a root key, in plan order of first use:
/// several tables may share one, and it must be saved, restored and
/// dropped once.
pub fn sequences(tables: &[TableView]) -> Vec<&SequenceView> {
    let mut seen = Vec::<&SequenceView>::new();
    let mut names = std::collections::BTreeSet::<&str>::new();
    for s in tables
        .iter()
        .filter_map(|t| t.root.as_ref()?.sequence.as_ref())
    {
        if names.insert(&s.quoted) {
            seen.push(s);
        }
    }
    seen
}

/// Builds the foreign-key views in plan order, on every core.
pub fn foreign_keys(plan: &Plan) -> Vec<ForeignKeyView> {
    crate::in_order::map(&plan.foreign_keys, |_, f| {
        let rebuilt = plan
            .table(&f.table)
            .is_some_and(|t| t.conversion.is_rebuild());
        foreign_key(f, rebuilt)
    })
}

fn foreign_key(f: &ForeignKeyPlan, rebuilt: bool) -> ForeignKeyView {
    let fk = &f.constraint;
    let child_cols: Vec<String> = fk
        .columns
        .iter()
        .map(|c| format!("c.{}", quote_ident(c)))
        .collect();
    let matches: Vec<String> = fk
        .columns
        .iter()
        .zip(&fk.referenced_columns)
        .map(|(c, p)| format!("p.{} = c.{}", quote_ident(p), quote_ident(c)))
        .collect();
    // A partitioned table holds its rows in its partitions, which `ONLY`
    // would leave out; foreign keys see a partitioned table whole.
    let only = |partitioned: bool| if partitioned { "" } else { "ONLY " };
    let orphans = format!(
        "SELECT count(*) FROM {}{} c WHERE {} AND NOT EXISTS (SELECT 1 FROM {}{} p WHERE {})",
        only(f.table_partitioned),
        f.table.quoted(),
        child_cols
            .iter()
            .map(|c| format!("{c} IS NOT NULL"))
            .collect::<Vec<_>>()
            .join(" AND "),
        only(f.referenced_partitioned),
        fk.referenced_table.quoted(),
        matches.join(" AND ")
    );
    ForeignKeyView {
        table: f.table.quoted(),
        table_regclass: regclass(&f.table),
        table_display: f.table.display(),
        table_literal: lit(&f.table),
        name: quote_ident(&fk.name),
        name_literal: quote_literal(&fk.name),
        name_display: fk.name.clone(),
        definition: f.definition(),
        orphans: quote_literal(&orphans),
        validated: fk.validated,
        rebuilt,
    }
}

/// `(VALUES …)` rows of (table regclass literal, column literal, type
/// literal), for catalog checks over all converted columns.
pub fn column_values(rows: &str) -> String {
    if rows.is_empty() {
        // VALUES needs at least one row; an empty plan still gets valid SQL.
        return "(SELECT NULL::text, NULL::text, NULL::text WHERE false)".to_string();
    }
    format!("(VALUES\n{rows}\n)")
}

/// The rows of [`column_values`], one per line, without the `VALUES`:
/// written into one string, since there is one per converted column.
pub fn column_rows(tables: &[TableView], expected: impl Fn(&ColumnView) -> &str) -> String {
    let mut rows = String::new();
    for t in tables {
        for c in &t.columns {
            rows.push_str(if rows.is_empty() { "    " } else { ",\n    " });
            rows.push('(');
            rows.push_str(&t.regclass);
            rows.push_str(", ");
            rows.push_str(&quote_literal(&c.display));
            rows.push_str(", ");
            rows.push_str(&quote_literal(expected(c)));
            rows.push(')');
        }
    }
    rows
}

/// A view, materialized view or policy that forward drops and recreates.
pub struct DependentObjectView {
    /// `pg_temp.keyshift_record_view(1, '"public"."v"')`: records the
    /// object's definition in `keyshift.dependent` at its position.
    pub record: String,
    /// `view public.v, reads public.users`, for comments and PLAN.md.
    pub display: String,
    /// `(1, 'v', '"public"."v"', NULL, false)` or
    /// `(2, 'policy', '"public"."t"', 'p', false)`: the row preflight
    /// compares with the live catalog; the last value says whether the plan
    /// replaces the view's query.
    pub preflight_row: String,
}

/// Builds the dependent objects in recording order: views in creation
/// order, then triggers and rules, then policies, which may read those views.
pub fn dependents(plan: &Plan) -> Vec<DependentObjectView> {
    let names = |n: &[QualifiedName]| n.iter().map(|q| q.display()).collect::<Vec<_>>().join(", ");
    let mut out = Vec::new();
    for v in &plan.views {
        let (kind, code) = match v.kind {
            ViewKind::View => ("view", "v"),
            ViewKind::Materialized => ("materialized view", "m"),
        };
        out.push(DependentObjectView {
            record: format!(
                "pg_temp.keyshift_record_view({}, {}, {})",
                out.len() + 1,
                regclass(&v.name),
                v.forward_query
                    .as_deref()
                    .map_or("NULL".to_string(), quote_literal)
            ),
            display: format!(
                "{kind} {}, reads {}{}",
                v.name.display(),
                names(&v.reads),
                if v.forward_query.is_some() {
                    "; forward creates it from the replacement query given for it"
                } else {
                    ""
                }
            ),
            preflight_row: format!(
                "({}, '{code}', {}, NULL, {})",
                out.len() + 1,
                regclass(&v.name),
                v.forward_query.is_some()
            ),
        });
    }
    let on_tables = [
        ("trigger", &plan.triggers),
        ("rule", &plan.rules),
        ("policy", &plan.policies),
    ];
    for (kind, objects) in on_tables {
        for o in objects {
            out.push(DependentObjectView {
                record: format!(
                    "pg_temp.keyshift_record_{kind}({}, {}, {}{})",
                    out.len() + 1,
                    regclass(&o.table),
                    quote_literal(&o.name),
                    if kind == "policy" {
                        super::constants::policy_record_args(plan, &o.table, &o.name)
                    } else {
                        String::new()
                    }
                ),
                display: format!("{kind} {} on {}", display_ident(&o.name), o.table.display()),
                preflight_row: format!(
                    "({}, '{kind}', {}, {}, false)",
                    out.len() + 1,
                    regclass(&o.table),
                    quote_literal(&o.name)
                ),
            });
        }
    }
    out
}
