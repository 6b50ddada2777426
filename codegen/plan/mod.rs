//! The plan: which columns change, which keys are left alone and why, and
//! what must stop the migration. It is pure data derived from the catalog
//! and the FK graph; rendering turns it into SQL and prose, and `plan.json`
//! is its serialized form.

mod blockers;
mod candidates;
mod citus;
mod constants;
mod conversion;
mod declared;
mod dependents;
pub mod estimate;
mod family;
mod family_blockers;
mod id_space;
pub mod integer_uses;
mod keys;
mod left_alone;
pub mod online;
mod sql_lex;
pub mod surrogate;
mod uuid;

use crate::catalog::{
    Catalog, FkAction, ForeignKey, IntKind, MatchType, QualifiedName, Sequence, TableKind,
    quote_ident,
};
use crate::graph::FkGraph;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) use candidates::plural;
pub use constants::{Clause, Constant, Piece, TranslatedClause, TranslatedKind, Translation};
pub use conversion::Conversion;
pub use declared::{
    Candidate, DeclaredReference, NotAReference, OnOrphan, PolymorphicCandidate, PolymorphicColumn,
    PolymorphicReference, PolymorphicTarget, SENTINEL_UUID, Undeclared,
};
pub use dependents::{DependentOnTable, DependentView};
pub use id_space::IdSpace;
pub use integer_uses::{ComparedWith, IntegerUse};
pub use keys::{ColumnRoots, KEYSHIFT_TABLES};
pub use online::Mode;
pub use uuid::{UuidVersion, is_time_type};

/// What the user asked for beyond the schema itself.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Tables to leave exactly as they are.
    pub exclude_tables: BTreeSet<QualifiedName>,
    /// Drop the old-id → UUID mapping in `contract` instead of keeping it.
    pub drop_id_map: bool,
    /// Queries that replace a view's definition once its keys are uuid, for
    /// views whose query treats a key as an integer (`0 AS list_id`,
    /// `id >= 1000`). Forward creates the view from this query; rollback
    /// restores the original definition.
    pub view_queries: BTreeMap<QualifiedName, String>,
    /// Of `exclude_tables`, those the configuration file excludes, so
    /// PLAN.md says where the choice was made.
    pub excluded_in_config: BTreeSet<QualifiedName>,
    /// References without a foreign key, from the configuration file.
    pub references: Vec<DeclaredReference>,
    /// Polymorphic references, from the configuration file.
    pub polymorphic: Vec<PolymorphicReference>,
    /// Columns the configuration file says hold no other table's ids.
    pub not_references: Vec<NotAReference>,
    /// Whether undeclared candidates block (the default) or only warn.
    pub undeclared: Undeclared,
    /// The configuration file's name (`keyshift.toml`), for messages.
    pub config_name: Option<String>,
    /// Tables with a composite key that get a surrogate uuid key.
    pub surrogate_keys: BTreeSet<QualifiedName>,
    /// Alter every table in place instead of rebuilding it (`--in-place`):
    /// for what the bundle's copy refuses at run time.
    pub in_place: bool,
    /// `--uuid`, or `uuid` in the configuration file; v4 when neither says.
    pub uuid: Option<UuidVersion>,
    /// Version 7 only: the column whose time each existing row's UUID gets,
    /// by root table (`uuid_time` in the configuration file).
    pub uuid_times: BTreeMap<QualifiedName, String>,
    /// The uuid each key's sentinels become, by root table (`sentinel` in
    /// the configuration file); the nil uuid where it says nothing.
    pub sentinels: BTreeMap<QualifiedName, String>,
    /// `--mode`, or `mode` in the configuration file; maintenance when
    /// neither says.
    pub mode: Option<Mode>,
}

/// The whole migration as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    /// Tables whose columns change, referenced tables first.
    pub tables: Vec<TablePlan>,
    /// Foreign keys that are dropped and recreated around the type change.
    pub foreign_keys: Vec<ForeignKeyPlan>,
    /// Views and materialized views dropped before the type change and
    /// recreated after it, in creation order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub views: Vec<DependentView>,
    /// Row-level security policies dropped and recreated likewise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub policies: Vec<DependentOnTable>,
    /// Triggers on converted tables, dropped and recreated likewise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub triggers: Vec<DependentOnTable>,
    /// Rewrite rules on converted tables, dropped and recreated likewise.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<DependentOnTable>,
    /// Integer keys and tables that stay as they are, with the reason.
    pub left_alone: Vec<LeftAlone>,
    /// Things the generated SQL cannot handle; preflight fails on each.
    pub blockers: Vec<Blocker>,
    /// Things a human must check that do not stop the migration.
    pub warnings: Vec<String>,
    /// Where a converted key's values are used as integers (a computed
    /// default, a policy comparing with a setting, a literal id), by root:
    /// the application likely knows those ids as integers.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub integer_uses: Vec<IntegerUse>,
    /// CHECK constraints, partial indexes and policies that compare a
    /// converted column with fixed ids or sentinels: forward recreates
    /// each with uuid literals in their place.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Translation>,
    /// Tables in processing order (all tables, not only converted ones).
    pub order: Vec<QualifiedName>,
    /// FK cycles between different tables.
    pub cycles: Vec<Vec<QualifiedName>>,
    /// Tables that reference themselves.
    pub self_references: Vec<QualifiedName>,
    /// Whether `contract` keeps the id mapping tables.
    pub keep_id_map: bool,
    /// The UUID version of the new keys.
    #[serde(skip_serializing_if = "UuidVersion::is_v4")]
    pub uuid: UuidVersion,
    /// How the bundle runs: in one transaction, or online in phases.
    #[serde(skip_serializing_if = "Mode::is_maintenance")]
    pub mode: Mode,
    /// Declared references whose column converts (see [`DeclaredReference`]).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub declared_references: Vec<DeclaredReference>,
    /// Integer columns that look like references but are neither foreign
    /// keys nor declared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub candidates: Vec<Candidate>,
    /// `(<x>_type, <x>_id)` pairs that look polymorphic but are not declared.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub polymorphic_candidates: Vec<PolymorphicCandidate>,
    /// Whether those candidates are blockers (the default) or warnings.
    #[serde(skip_serializing_if = "Undeclared::is_block")]
    pub undeclared: Undeclared,
    /// Columns the configuration says are not references, sorted.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_references: Vec<NotAReference>,
    /// Composite keys that get a surrogate uuid key, in table order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub surrogate_keys: Vec<surrogate::SurrogateKey>,
    /// Where declared references come from (`keyshift.toml`), for messages.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub config_name: Option<String>,
    /// Extra disk the migration needs; only live sources know sizes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub disk: Option<estimate::DiskEstimate>,
    /// Each converted table's index in `tables`, built once: rendering
    /// looks a table up for every converted column, and a search of
    /// `tables` per lookup made that quadratic.
    #[serde(skip)]
    table_index: BTreeMap<QualifiedName, usize>,
}

/// One table whose columns change type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TablePlan {
    /// The table.
    pub table: QualifiedName,
    /// Set when the table's own primary key is a root key: its values get
    /// fresh UUIDs and a mapping table.
    pub root: Option<RootKey>,
    /// Every column that becomes `uuid`, in physical order.
    pub columns: Vec<ConvertedColumn>,
    /// Polymorphic id columns that become `uuid`, each converted through
    /// the root its row's type column names.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub polymorphic: Vec<PolymorphicColumn>,
    /// All column names in physical order; verification rebuilds whole rows.
    pub all_columns: Vec<String>,
    /// Whether every column's type has an extended hash function, so
    /// verification hashes rows as records (`hash_record_extended`) rather
    /// than printing them (about twice as fast on text-heavy rows).
    #[serde(skip_serializing)]
    pub hashable_rows: bool,
    /// Generated columns, which a rebuilt copy computes itself.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub generated_columns: Vec<String>,
    /// Rebuilt and swapped in, or altered in place, and why.
    pub conversion: Conversion,
    /// A partitioned table holds no rows itself (`FROM ONLY` sees none);
    /// its partitions are planned as tables of their own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub partitioned: bool,
    /// Online mode only: the primary key columns the change log records,
    /// so a row that changed while the copy was built can be found in both
    /// the original and the copy.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub capture_key: Vec<String>,
}

/// A single-column integer primary key whose values get new UUIDs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RootKey {
    /// The key column.
    pub column: String,
    /// Its integer type.
    pub int_kind: IntKind,
    /// Where new values came from before the migration.
    pub source: KeySource,
    /// Name of the mapping table in the `keyshift` schema.
    pub map_table: String,
    /// Partitions and inheritance children that hold this key too: the map
    /// covers their rows, and the key column changes once, here.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub members: Vec<QualifiedName>,
    /// Version 7 only: the column that gives each existing row's UUID its
    /// time; without one, the times follow the old ids' order.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub uuid_time: Option<String>,
    /// The uuid that sentinels of this key become (fixed ids of zero or
    /// below naming no row, kept orphans), when `keyshift.toml` sets one
    /// other than the nil uuid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentinel: Option<String>,
    /// The table whose map translates this key, when it is not this one:
    /// the first table of its id space, or the parent whose key this key
    /// references. The key keeps its own default, sequence and identity.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub map_root: Option<QualifiedName>,
    /// The other tables whose keys this key's map translates too.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_space: Option<IdSpace>,
    /// Of `members`, those whose key has a default of its own (or none)
    /// where the family's top has another: the family's `ALTER` gives them
    /// the new default, and rollback gives each its own back.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub own_defaults: Vec<QualifiedName>,
}

impl RootKey {
    /// Whether forward draws this key's map (no other key's map covers it).
    pub fn draws_map(&self) -> bool {
        self.map_root.is_none()
    }

    /// Whether rollback of a maintenance bundle may take back the original
    /// forward kept of this key's table instead of copying it: the rows
    /// written since forward go back through a map that holds this table's
    /// ids and no other's, so what is not in it was inserted since.
    pub fn original_can_come_back(&self) -> bool {
        self.draws_map() && self.id_space.is_none() && self.members.is_empty()
    }
}

/// How a root key got its values before the migration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum KeySource {
    /// No default: the application supplies ids.
    None,
    /// A `nextval('…')` default (`serial` or hand-made).
    Sequence {
        /// The sequence, kept by forward and dropped by contract.
        sequence: Sequence,
    },
    /// Any other default (a function such as Mastodon's `timestamp_id()`);
    /// forward replaces it and rollback sets it back.
    Default {
        /// The expression, as the catalog holds it.
        expression: String,
    },
    /// `GENERATED … AS IDENTITY`; forward drops the identity (and with it
    /// the sequence) and rollback recreates both with the same options.
    Identity {
        /// `ALWAYS` rather than `BY DEFAULT`.
        always: bool,
        /// The implicit sequence with its options.
        sequence: Sequence,
    },
}

impl KeySource {
    /// The sequence behind the key, if any.
    pub fn sequence(&self) -> Option<&Sequence> {
        match self {
            KeySource::None | KeySource::Default { .. } => None,
            KeySource::Sequence { sequence } | KeySource::Identity { sequence, .. } => {
                Some(sequence)
            }
        }
    }
}

/// One column that changes from an integer type to `uuid`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ConvertedColumn {
    /// Column name.
    pub name: String,
    /// Its integer type before the migration (a domain's base type).
    pub int_kind: IntKind,
    /// Its type as `format_type` prints it: the integer type, or a domain
    /// over one, which rollback puts back.
    pub type_name: String,
    /// The root table whose key values this column holds.
    pub root: QualifiedName,
    /// `NOT NULL` (unchanged by the migration).
    pub not_null: bool,
    /// Default of a referencing column (e.g. for `ON DELETE SET DEFAULT`);
    /// forward translates it to the UUID of the same parent row.
    pub default: Option<String>,
    /// Set when the column is inherited from a parent table or a
    /// partitioned table: PostgreSQL changes it only through that table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub altered_on: Option<QualifiedName>,
}

/// A foreign key that is dropped before the type change and recreated,
/// identical, afterwards.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ForeignKeyPlan {
    /// Referencing table.
    pub table: QualifiedName,
    /// The constraint as it is in the catalog.
    pub constraint: ForeignKey,
    /// The referencing table is partitioned: its rows are its partitions'.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub table_partitioned: bool,
    /// The referenced table is partitioned.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub referenced_partitioned: bool,
}

impl ForeignKeyPlan {
    /// The `ADD CONSTRAINT` body that recreates the key.
    pub fn definition(&self) -> String {
        constraint_definition(&self.constraint)
    }
}

/// Renders an FK with every clause PostgreSQL keeps, in the order it
/// prints them, so recreating it gives back the same catalog row and the
/// same `pg_dump` output. Identifiers are always quoted.
pub fn constraint_definition(fk: &ForeignKey) -> String {
    let cols = |c: &[String]| {
        c.iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let mut def = format!(
        "FOREIGN KEY ({}) REFERENCES {} ({})",
        cols(&fk.columns),
        fk.referenced_table.quoted(),
        cols(&fk.referenced_columns)
    );
    if fk.match_type == MatchType::Full {
        def.push_str(" MATCH FULL");
    }
    let action = |a: FkAction| match a {
        FkAction::NoAction => None,
        FkAction::Restrict => Some("RESTRICT"),
        FkAction::Cascade => Some("CASCADE"),
        FkAction::SetNull => Some("SET NULL"),
        FkAction::SetDefault => Some("SET DEFAULT"),
    };
    if let Some(a) = action(fk.on_update) {
        def.push_str(" ON UPDATE ");
        def.push_str(a);
    }
    if let Some(a) = action(fk.on_delete) {
        def.push_str(" ON DELETE ");
        def.push_str(a);
    }
    if fk.deferrable {
        def.push_str(" DEFERRABLE");
    }
    if fk.initially_deferred {
        def.push_str(" INITIALLY DEFERRED");
    }
    if !fk.validated {
        def.push_str(" NOT VALID");
    }
    def
}

/// An integer key or table the plan deliberately leaves as it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LeftAlone {
    /// The table.
    pub table: QualifiedName,
    /// The column, when the reason is about one column.
    pub column: Option<String>,
    /// Why it stays.
    pub reason: String,
}

/// Something that would make the migration fail or lose data.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Blocker {
    /// The object at fault, e.g. `view public.user_journals`.
    pub object: String,
    /// What is wrong.
    pub reason: String,
    /// What the user can do about it.
    pub help: String,
}

/// What [`Plan::build`] finds on a thread of its own: the columns left
/// alone, the candidate references and the candidate polymorphic pairs.
type Aside = (Vec<LeftAlone>, Vec<Candidate>, Vec<PolymorphicCandidate>);

impl Plan {
    /// Builds the plan for `catalog`.
    pub fn build(catalog: &Catalog, graph: &FkGraph, options: &Options) -> Plan {
        Self::build_from(
            catalog,
            graph,
            options,
            ColumnRoots::resolve(catalog, options),
        )
    }

    /// As [`Plan::build`], with the roots resolved already (the graph does
    /// not need them, so the pipeline builds both at once).
    pub fn build_from(
        catalog: &Catalog,
        graph: &FkGraph,
        options: &Options,
        roots: ColumnRoots,
    ) -> Plan {
        // What is left alone and what looks like an undeclared reference
        // read only the catalog and the roots: found on another thread
        // while the rest of the plan is built.
        std::thread::scope(|s| {
            let aside = s.spawn(|| {
                (
                    left_alone::find(catalog, &roots, options),
                    candidates::find(catalog, &roots, options),
                    candidates::find_polymorphic(catalog, &roots, options),
                )
            });
            Self::build_with(catalog, graph, options, &roots, || {
                aside.join().expect("left_alone and candidates are found")
            })
        })
    }

    /// The rest of [`Plan::build`]; `aside` gives what was found apart.
    fn build_with(
        catalog: &Catalog,
        graph: &FkGraph,
        options: &Options,
        roots: &ColumnRoots,
        aside: impl FnOnce() -> Aside,
    ) -> Plan {
        let position = |t: &QualifiedName| graph.position(t);

        let (polymorphic, polymorphic_blockers) =
            declared::polymorphic_columns(catalog, roots, options);
        // Each table's entry reads only the catalog and the roots: made on
        // every core.
        let mut tables: Vec<TablePlan> = crate::in_order::map(&catalog.tables, |_, t| {
            let poly = polymorphic.get(&t.name).cloned().unwrap_or_default();
            keys::table_plan(catalog, t, roots, poly)
        })
        .into_iter()
        .flatten()
        .collect();
        // Partitions and children follow the top of their family, whose
        // statements change them.
        // Cached: the key walks the family and clones names, and a
        // comparison sort would compute it O(n log n) times.
        tables.sort_by_cached_key(|t| {
            let top = family::top(catalog, &t.table);
            (
                position(&top),
                top.clone(),
                top != t.table,
                position(&t.table),
                t.table.clone(),
            )
        });
        keys::assign_map_tables(&mut tables);
        for t in &mut tables {
            if let Some(r) = &mut t.root {
                r.sentinel = options.sentinels.get(&t.table).cloned();
            }
        }
        if options.uuid == Some(UuidVersion::V7) {
            for t in &mut tables {
                if let Some(r) = &mut t.root {
                    r.uuid_time = options.uuid_times.get(&t.table).cloned();
                }
            }
        }

        let mut foreign_keys: Vec<ForeignKeyPlan> =
            crate::in_order::map(&catalog.tables, |_, t| {
                t.foreign_keys
                    .iter()
                    .filter(|fk| roots.touches(t, fk))
                    .map(|fk| ForeignKeyPlan {
                        table: t.name.clone(),
                        constraint: fk.clone(),
                        table_partitioned: t.kind == TableKind::Partitioned,
                        referenced_partitioned: catalog
                            .table(&fk.referenced_table)
                            .is_some_and(|r| r.kind == TableKind::Partitioned),
                    })
                    .collect::<Vec<_>>()
            })
            .into_iter()
            .flatten()
            .collect();
        foreign_keys.sort_by_cached_key(|f| {
            (
                position(&f.table),
                f.table.clone(),
                f.constraint.name.clone(),
            )
        });

        let views = dependents::views(catalog, &tables, options);
        let mut blockers = Vec::new();
        // One map gives an id space its uuids, drawn over every member's
        // ids at once: a time column of one table cannot order them.
        for t in &tables {
            if let Some(r) = &t.root
                && let Some(time) = &r.uuid_time
                && (r.id_space.is_some() || r.map_root.is_some())
            {
                blockers.push(Blocker {
                    object: format!("table {}", t.table.display()),
                    reason: format!(
                        "has uuid_time = {} in keyshift.toml, but its key shares one map with other tables' keys, whose version 7 uuids follow the old ids' order",
                        crate::catalog::display_ident(time)
                    ),
                    help: "Remove its uuid_time: the space's uuids follow the old ids' order.".into(),
                });
            }
        }
        blockers.extend(polymorphic_blockers);
        let mut surrogate_keys = Vec::new();
        for name in &options.surrogate_keys {
            let Some(table) = catalog.table(name) else {
                continue;
            };
            match surrogate::plan(catalog, roots, table) {
                Ok(key) => surrogate_keys.push(key),
                Err(reason) => blockers.push(Blocker {
                    object: format!("table {}", name.display()),
                    reason: format!("cannot get a surrogate key: {reason}"),
                    help: "Remove surrogate_key for it from the configuration.".into(),
                }),
            }
        }
        surrogate_keys.sort_by_key(|s| (position(&s.table), s.table.clone()));
        blockers.extend(blockers::find(catalog, &tables, options));
        blockers.extend(dependents::unused_view_queries(options, &views));
        blockers.extend(family_blockers::find(catalog, &tables, roots, options));
        blockers.extend(citus::blockers(catalog, &tables));
        let (translations, untranslatable) = constants::find(catalog, &tables, &options.sentinels);
        blockers.extend(untranslatable);

        let declared_references: Vec<DeclaredReference> = {
            let mut declared: Vec<DeclaredReference> = options
                .references
                .iter()
                .filter(|r| roots.root_of(&r.table, &r.column).is_some())
                .cloned()
                .collect();
            declared.sort();
            declared
        };
        let surrogate_tables: Vec<QualifiedName> = surrogate_keys
            .iter()
            .flat_map(|s| std::iter::once(&s.table).chain(s.repoints.iter().map(|r| &r.table)))
            .cloned()
            .collect();
        let conversions = conversion::decide(
            catalog,
            &tables,
            &foreign_keys,
            &declared_references,
            options,
            &surrogate_tables,
        );
        for (t, c) in tables.iter_mut().zip(conversions) {
            t.conversion = c;
        }

        let table_index = tables
            .iter()
            .enumerate()
            .map(|(i, t)| (t.table.clone(), i))
            .collect();
        let (left_alone, candidates, polymorphic_candidates) = aside();
        if options.undeclared == Undeclared::Block {
            blockers.extend(candidates::blockers(
                &candidates,
                &polymorphic_candidates,
                options,
            ));
        }
        blockers.sort();
        blockers.dedup();
        let mut plan = Plan {
            table_index,
            disk: estimate::estimate(catalog, &tables),
            views,
            policies: dependents::on_tables(&catalog.policies, &tables, |p| (&p.table, &p.name)),
            triggers: dependents::on_tables(&catalog.triggers, &tables, |t| (&t.table, &t.name)),
            rules: dependents::on_tables(&catalog.rules, &tables, |r| (&r.table, &r.name)),
            left_alone,
            warnings: blockers::warnings(catalog, &tables),
            integer_uses: integer_uses::find(catalog, &tables),
            translations,
            tables,
            foreign_keys,
            blockers,
            order: graph.order.clone(),
            cycles: graph.cycles.clone(),
            self_references: graph.self_references.clone(),
            keep_id_map: !options.drop_id_map,
            uuid: options.uuid.unwrap_or_default(),
            mode: options.mode.unwrap_or_default(),
            declared_references,
            candidates,
            polymorphic_candidates,
            undeclared: options.undeclared,
            not_references: {
                let mut dismissed = options.not_references.clone();
                dismissed.sort();
                dismissed
            },
            surrogate_keys,
            config_name: options.config_name.clone(),
        };
        if plan.mode == Mode::Online {
            let mut online = online::prepare(catalog, &mut plan);
            plan.blockers.append(&mut online);
            plan.blockers.sort();
            plan.blockers.dedup();
        }
        plan
    }

    /// The plan entry of a converted table.
    pub fn table(&self, name: &QualifiedName) -> Option<&TablePlan> {
        self.table_index.get(name).map(|&i| &self.tables[i])
    }

    /// The uuid that sentinels of root table `root`'s key become.
    pub fn sentinel_of(&self, root: &QualifiedName) -> &str {
        self.table(root)
            .and_then(|t| t.root.as_ref())
            .and_then(|r| r.sentinel.as_deref())
            .unwrap_or(SENTINEL_UUID)
    }

    /// The mapping table that holds the keys of root table `root`.
    pub fn map_table_of(&self, root: &QualifiedName) -> &str {
        self.table(root)
            .and_then(|t| t.root.as_ref())
            .map(|r| r.map_table.as_str())
            .expect("every converted column's root is a planned root table")
    }
}
