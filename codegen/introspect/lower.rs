//! Rows to [`Catalog`]: a pure function, so every rule is unit-tested with
//! hand-written rows and no server.
//!
//! Precondition: none on row order. Columns are placed by `attnum`,
//! everything else is sorted by [`Catalog::normalize`] (the queries have
//! no `ORDER BY`). Every row that names a
//! table must name one of `rows.relations` (the queries share one filter
//! and one snapshot, so a stray row means the queries disagree).

use super::rows::{ColumnRow, ConstraintRow, IndexRow, Rows, SequenceRow, TableObjectRow, ViewRow};
use crate::catalog::{
    Catalog, CheckConstraint, Column, ColumnType, DistributedTable, FkAction, ForeignKey, Identity,
    Index, IndexKey, IntKind, KeyConstraint, MatchType, PartitionKey, PartitionStrategy, Policy,
    QualifiedName, Rule, Sequence, Table, TableKind, TableStats, Trigger, View, ViewKind,
};
use std::collections::BTreeMap;
use std::fmt;

/// Rows that do not fit the model: the message names the object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LowerError(pub String);

impl fmt::Display for LowerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LowerError {}

type Result<T> = std::result::Result<T, LowerError>;

fn fail<T>(message: impl Into<String>) -> Result<T> {
    Err(LowerError(message.into()))
}

/// Builds the catalog the rows describe.
pub fn lower(rows: &Rows) -> Result<Catalog> {
    // Tables by name, looked up for every column, constraint and index row
    // without building a `QualifiedName` each time.
    let mut tables: Tables = Tables::default();
    let mut table_stats = Vec::new();
    for r in &rows.relations {
        let name = QualifiedName::new(&r.schema, &r.name);
        let kind = match r.relkind.as_str() {
            "r" => TableKind::Ordinary,
            "p" => TableKind::Partitioned,
            other => return fail(format!("table {name} has unexpected relkind {other:?}")),
        };
        if r.parent_schemas.len() != r.parent_names.len() {
            return fail(format!("table {name}: parent lists differ in length"));
        }
        let mut parents: Vec<QualifiedName> = r
            .parent_schemas
            .iter()
            .zip(&r.parent_names)
            .map(|(s, n)| QualifiedName::new(s, n))
            .collect();
        let partition_of = if r.is_partition {
            if parents.len() != 1 {
                return fail(format!("partition {name} has {} parents", parents.len()));
            }
            parents.pop()
        } else {
            None
        };
        let partition_key = match r.partition_strategy.as_deref() {
            None => None,
            Some(code) => Some(PartitionKey {
                strategy: match code {
                    "r" => PartitionStrategy::Range,
                    "l" => PartitionStrategy::List,
                    "h" => PartitionStrategy::Hash,
                    other => {
                        return fail(format!(
                            "table {name} has unknown partition strategy {other:?}"
                        ));
                    }
                },
                columns: r.partition_columns.clone(),
            }),
        };
        table_stats.push(TableStats {
            table: name.clone(),
            row_estimate: r.row_estimate,
            total_bytes: r.total_bytes,
            row_bound: r.row_bound,
        });
        tables.insert(
            (&r.schema, &r.name),
            Table {
                name,
                kind,
                unlogged: r.unlogged,
                columns: Vec::new(),
                primary_key: None,
                unique_constraints: Vec::new(),
                foreign_keys: Vec::new(),
                checks: Vec::new(),
                indexes: Vec::new(),
                inherits: parents,
                partition_of,
                partition_key,
            },
        );
    }

    let mut columns: Vec<&ColumnRow> = rows.columns.iter().collect();
    columns.sort_by_key(|c| c.attnum);
    for c in columns {
        let column = column(c)?;
        table_of(&mut tables, &c.schema, &c.table_name)?
            .columns
            .push(column);
    }
    for k in &rows.constraints {
        if k.left_out.is_some() {
            return fail(cut_foreign_key(k));
        }
        constraint(table_of(&mut tables, &k.schema, &k.table_name)?, k)?;
    }
    for i in &rows.indexes {
        let index = index(i)?;
        table_of(&mut tables, &i.schema, &i.table_name)?
            .indexes
            .push(index);
    }

    let mut catalog = Catalog {
        tables: tables.tables,
        sequences: rows.sequences.iter().map(sequence).collect::<Result<_>>()?,
        views: rows.views.iter().map(view).collect::<Result<_>>()?,
        triggers: Vec::new(),
        policies: Vec::new(),
        rules: Vec::new(),
        table_stats,
        distributed: rows
            .distributed
            .iter()
            .map(|d| DistributedTable {
                table: QualifiedName::new(&d.schema, &d.table_name),
                method: d.method.clone(),
                column: d.column.clone(),
            })
            .collect(),
    };
    for o in &rows.table_objects {
        table_object(&mut catalog, o)?;
    }
    catalog.normalize();
    Ok(catalog)
}

/// Why a foreign key that crosses the filters' edge (`left_out`) is refused.
pub(crate) fn cut_foreign_key(k: &ConstraintRow) -> String {
    let table = QualifiedName::new(&k.schema, &k.table_name);
    let referenced = QualifiedName::new(
        k.referenced_schema.as_deref().unwrap_or_default(),
        k.referenced_table.as_deref().unwrap_or_default(),
    );
    let (read, not_read) = match k.left_out.as_deref() {
        Some("referenced") => (&table, &referenced),
        _ => (&referenced, &table),
    };
    format!(
        "foreign key {} on {table} references {referenced}, but the filters read {read} \
         and not {not_read}: a plan for part of the graph would break it; select both",
        k.name
    )
}

/// The tables being built, and where each one is by name.
#[derive(Default)]
struct Tables<'r> {
    tables: Vec<Table>,
    by_name: BTreeMap<(&'r str, &'r str), usize>,
}

impl<'r> Tables<'r> {
    /// Adds a table; a second one of the same name replaces the first.
    fn insert(&mut self, name: (&'r str, &'r str), table: Table) {
        match self.by_name.get(&name) {
            Some(&i) => self.tables[i] = table,
            None => {
                self.by_name.insert(name, self.tables.len());
                self.tables.push(table);
            }
        }
    }
}

fn table_of<'a>(tables: &'a mut Tables<'_>, schema: &str, name: &str) -> Result<&'a mut Table> {
    match tables.by_name.get(&(schema, name)) {
        Some(&i) => Ok(&mut tables.tables[i]),
        None => fail(format!(
            "rows name table {}, which relations.sql did not return",
            QualifiedName::new(schema, name)
        )),
    }
}

/// The integer kinds by type oid (`int2`, `int4`, `int8`); a domain over an
/// integer type is looked up through its base type's oid.
fn int_kind(type_oid: i64) -> Option<IntKind> {
    match type_oid {
        21 => Some(IntKind::Smallint),
        23 => Some(IntKind::Integer),
        20 => Some(IntKind::Bigint),
        _ => None,
    }
}

fn column(c: &ColumnRow) -> Result<Column> {
    let identity = match c.identity.as_str() {
        "" => None,
        code @ ("a" | "d") => {
            let (Some(schema), Some(name)) =
                (&c.identity_sequence_schema, &c.identity_sequence_name)
            else {
                return fail(format!(
                    "identity column {}.{}.{} has no sequence",
                    c.schema, c.table_name, c.name
                ));
            };
            Some(Identity {
                always: code == "a",
                sequence: QualifiedName::new(schema, name),
            })
        }
        other => {
            return fail(format!(
                "column {}.{}.{} has unexpected attidentity {other:?}",
                c.schema, c.table_name, c.name
            ));
        }
    };
    Ok(Column {
        name: c.name.clone(),
        data_type: ColumnType {
            name: c.type_name.clone(),
            int_kind: int_kind(c.domain_base_oid.unwrap_or(c.type_oid)),
        },
        not_null: c.not_null,
        default: c.default_expr.clone(),
        identity,
        generated: c.generated_expr.clone(),
    })
}

fn action(code: &str, k: &ConstraintRow) -> Result<FkAction> {
    Ok(match code {
        "a" => FkAction::NoAction,
        "r" => FkAction::Restrict,
        "c" => FkAction::Cascade,
        "n" => FkAction::SetNull,
        "d" => FkAction::SetDefault,
        other => {
            return fail(format!(
                "foreign key {} has unexpected action {other:?}",
                k.name
            ));
        }
    })
}

fn constraint(table: &mut Table, k: &ConstraintRow) -> Result<()> {
    match k.kind.as_str() {
        "p" => {
            table.primary_key = Some(KeyConstraint {
                name: k.name.clone(),
                columns: k.columns.clone(),
            });
        }
        "u" => table.unique_constraints.push(KeyConstraint {
            name: k.name.clone(),
            columns: k.columns.clone(),
        }),
        "f" => {
            let (Some(schema), Some(name)) = (&k.referenced_schema, &k.referenced_table) else {
                return fail(format!(
                    "foreign key {} on {} has no referenced table",
                    k.name, table.name
                ));
            };
            if k.columns.len() != k.referenced_columns.len() {
                return fail(format!(
                    "foreign key {} on {}: column lists differ in length",
                    k.name, table.name
                ));
            }
            let match_type = match k.match_type.as_str() {
                "s" => MatchType::Simple,
                "f" => MatchType::Full,
                other => {
                    return fail(format!(
                        "foreign key {} on {} has unsupported MATCH {other:?}",
                        k.name, table.name
                    ));
                }
            };
            table.foreign_keys.push(ForeignKey {
                name: k.name.clone(),
                columns: k.columns.clone(),
                referenced_table: QualifiedName::new(schema, name),
                referenced_columns: k.referenced_columns.clone(),
                on_update: action(&k.on_update, k)?,
                on_delete: action(&k.on_delete, k)?,
                match_type,
                deferrable: k.deferrable,
                initially_deferred: k.initially_deferred,
                validated: k.validated,
            });
        }
        "c" => {
            let Some(expression) = &k.check_expr else {
                return fail(format!(
                    "CHECK {} on {} has no expression",
                    k.name, table.name
                ));
            };
            table.checks.push(CheckConstraint {
                name: k.name.clone(),
                expression: expression.clone(),
                columns: k.columns_by_attnum.clone(),
            });
        }
        other => {
            return fail(format!(
                "constraint {} on {} has unexpected contype {other:?}",
                k.name, table.name
            ));
        }
    }
    Ok(())
}

fn index(i: &IndexRow) -> Result<Index> {
    if i.key_columns.len() != i.key_expressions.len() {
        return fail(format!("index {}: key lists differ in length", i.name));
    }
    let keys = i
        .key_columns
        .iter()
        .zip(&i.key_expressions)
        .map(|(column, expression)| match (column, expression) {
            (Some(c), _) => Ok(IndexKey::Column(c.clone())),
            (None, Some(e)) => Ok(IndexKey::Expression(e.clone())),
            (None, None) => fail(format!(
                "index {}: a key is neither a column nor an expression",
                i.name
            )),
        })
        .collect::<Result<_>>()?;
    Ok(Index {
        name: i.name.clone(),
        unique: i.is_unique,
        method: i.method.clone(),
        keys,
        include: i.include.clone(),
        predicate: i.predicate.clone(),
        expression_columns: i.expression_columns.clone(),
    })
}

fn sequence(s: &SequenceRow) -> Result<Sequence> {
    let name = QualifiedName::new(&s.schema, &s.name);
    let Some(data_type) = IntKind::from_type_name(&s.type_name) else {
        return fail(format!(
            "sequence {name} has unexpected type {:?}",
            s.type_name
        ));
    };
    // PostgreSQL stores the defaults explicitly; the model keeps `None` for
    // them, as `NO MINVALUE` / `NO MAXVALUE` do.
    let (default_min, default_max) = if s.increment > 0 {
        (1, data_type.max_value())
    } else {
        (-data_type.max_value() - 1, -1)
    };
    let owned_by = match (&s.owner_schema, &s.owner_table, &s.owner_column) {
        (Some(schema), Some(table), Some(column)) => {
            Some((QualifiedName::new(schema, table), column.clone()))
        }
        (None, None, None) => None,
        _ => return fail(format!("sequence {name} has a partial owner")),
    };
    Ok(Sequence {
        name,
        data_type,
        start: s.start,
        increment: s.increment,
        min_value: (s.min_value != default_min).then_some(s.min_value),
        max_value: (s.max_value != default_max).then_some(s.max_value),
        cache: s.cache,
        cycle: s.cycle,
        owned_by,
    })
}

fn view(v: &ViewRow) -> Result<View> {
    let name = QualifiedName::new(&v.schema, &v.name);
    let kind = match v.relkind.as_str() {
        "v" => ViewKind::View,
        "m" => ViewKind::Materialized,
        other => return fail(format!("view {name} has unexpected relkind {other:?}")),
    };
    if v.depends_on_schemas.len() != v.depends_on_names.len() {
        return fail(format!("view {name}: dependency lists differ in length"));
    }
    let mut depends_on: Vec<QualifiedName> = v
        .depends_on_schemas
        .iter()
        .zip(&v.depends_on_names)
        .map(|(s, n)| QualifiedName::new(s, n))
        .collect();
    depends_on.sort();
    depends_on.dedup();
    Ok(View {
        name,
        kind,
        depends_on,
    })
}

fn table_object(catalog: &mut Catalog, o: &TableObjectRow) -> Result<()> {
    let table = QualifiedName::new(&o.schema, &o.table_name);
    let name = o.name.clone();
    match o.kind.as_str() {
        "trigger" => {
            let (Some(schema), Some(function)) = (&o.function_schema, &o.function_name) else {
                return fail(format!("trigger {name} on {table} has no function"));
            };
            catalog.triggers.push(Trigger {
                table,
                name,
                function: QualifiedName::new(schema, function),
                function_body: o.function_body.clone(),
                when: o.definition.as_deref().and_then(crate::ddl::trigger_when),
            });
        }
        "rule" => catalog.rules.push(Rule {
            table,
            name,
            condition: o.definition.as_deref().and_then(crate::ddl::rule_condition),
        }),
        "policy" => catalog.policies.push(Policy {
            table,
            name,
            using: o.policy_using.clone(),
            with_check: o.policy_with_check.clone(),
        }),
        other => return fail(format!("unexpected table object kind {other:?}")),
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::introspect::rows::RelationRow;

    fn s(v: &str) -> String {
        v.to_string()
    }

    fn relation(name: &str, relkind: &str, parents: &[&str], is_partition: bool) -> RelationRow {
        RelationRow {
            schema: s("app"),
            name: s(name),
            relkind: s(relkind),
            unlogged: false,
            is_partition,
            parent_schemas: parents.iter().map(|_| s("app")).collect(),
            parent_names: parents.iter().map(|p| s(p)).collect(),
            row_estimate: None,
            total_bytes: 8192,
            row_bound: Some(291),
            partition_strategy: None,
            partition_columns: Vec::new(),
        }
    }

    fn column(table: &str, attnum: i32, name: &str, type_name: &str, type_oid: i64) -> ColumnRow {
        ColumnRow {
            schema: s("app"),
            table_name: s(table),
            attnum,
            name: s(name),
            type_name: s(type_name),
            type_oid,
            domain_base_oid: None,
            not_null: attnum == 1,
            default_expr: None,
            generated_expr: None,
            identity: String::new(),
            identity_sequence_schema: None,
            identity_sequence_name: None,
        }
    }

    fn constraint(table: &str, name: &str, kind: &str, columns: &[&str]) -> ConstraintRow {
        ConstraintRow {
            schema: s("app"),
            table_name: s(table),
            name: s(name),
            kind: s(kind),
            columns: columns.iter().map(|c| s(c)).collect(),
            columns_by_attnum: columns.iter().map(|c| s(c)).collect(),
            referenced_schema: None,
            referenced_table: None,
            referenced_columns: Vec::new(),
            on_update: s(" "),
            on_delete: s(" "),
            match_type: s(" "),
            deferrable: false,
            initially_deferred: false,
            validated: true,
            check_expr: None,
            left_out: None,
        }
    }

    fn sequence_row(name: &str, increment: i64, min: i64, max: i64) -> SequenceRow {
        SequenceRow {
            schema: s("app"),
            name: s(name),
            type_name: s("integer"),
            start: 1,
            increment,
            min_value: min,
            max_value: max,
            cache: 1,
            cycle: false,
            owner_schema: None,
            owner_table: None,
            owner_column: None,
        }
    }

    #[test]
    fn tables_columns_keys_and_partitions() {
        let mut fk = constraint("orders", "orders_pair_fkey", "f", &["b", "a"]);
        fk.referenced_schema = Some(s("app"));
        fk.referenced_table = Some(s("users"));
        fk.referenced_columns = vec![s("y"), s("x")];
        fk.on_update = s("c");
        fk.on_delete = s("n");
        fk.match_type = s("f");
        fk.deferrable = true;
        fk.validated = false;
        let mut check = constraint("orders", "orders_check", "c", &["a", "b"]);
        check.columns = vec![s("b"), s("a")];
        check.check_expr = Some(s("(a < b)"));
        let mut id = column("users", 1, "id", "bigint", 20);
        id.identity = s("a");
        id.identity_sequence_schema = Some(s("app"));
        id.identity_sequence_name = Some(s("users_id_seq"));
        let rows = Rows {
            relations: vec![
                relation("users", "r", &[], false),
                RelationRow {
                    partition_strategy: Some(s("h")),
                    partition_columns: vec![s("b")],
                    ..relation("orders", "p", &[], false)
                },
                relation("orders_2024", "r", &["orders"], true),
                RelationRow {
                    row_estimate: Some(42),
                    ..relation("legacy", "r", &["users"], false)
                },
            ],
            // Deliberately out of attnum order: lowering places columns by attnum.
            columns: vec![
                column("orders", 2, "b", "integer", 23),
                column("orders", 1, "a", "integer", 23),
                id,
                column("users", 2, "mood", "app.mood", 16_384),
            ],
            constraints: vec![
                constraint("users", "users_pkey", "p", &["id"]),
                fk,
                check,
                constraint("orders", "orders_a_key", "u", &["a"]),
            ],
            ..Rows::default()
        };
        let c = lower(&rows).expect("lowers");
        assert_eq!(
            c.tables
                .iter()
                .map(|t| t.name.name.as_str())
                .collect::<Vec<_>>(),
            ["legacy", "orders", "orders_2024", "users"]
        );
        let orders = c
            .table(&QualifiedName::new("app", "orders"))
            .expect("orders");
        assert_eq!(orders.kind, TableKind::Partitioned);
        assert_eq!(
            orders.partition_key,
            Some(PartitionKey {
                strategy: PartitionStrategy::Hash,
                columns: vec![s("b")],
            })
        );
        assert_eq!(
            orders
                .columns
                .iter()
                .map(|c| c.name.as_str())
                .collect::<Vec<_>>(),
            ["a", "b"]
        );
        let fk = &orders.foreign_keys[0];
        assert_eq!(fk.columns, ["b", "a"], "conkey order, not attnum order");
        assert_eq!(fk.referenced_columns, ["y", "x"]);
        assert_eq!(
            (fk.on_update, fk.on_delete),
            (FkAction::Cascade, FkAction::SetNull)
        );
        assert_eq!(fk.match_type, MatchType::Full);
        assert!(fk.deferrable && !fk.initially_deferred && !fk.validated);
        assert_eq!(
            orders.checks[0].columns,
            ["a", "b"],
            "CHECK columns in attnum order"
        );
        assert_eq!(orders.unique_constraints[0].columns, ["a"]);
        let part = c
            .table(&QualifiedName::new("app", "orders_2024"))
            .expect("partition");
        assert_eq!(part.partition_of, Some(QualifiedName::new("app", "orders")));
        assert!(part.inherits.is_empty());
        assert_eq!(part.partition_key, None);
        let legacy = c
            .table(&QualifiedName::new("app", "legacy"))
            .expect("legacy");
        assert_eq!(legacy.inherits, [QualifiedName::new("app", "users")]);
        assert_eq!(legacy.partition_of, None);
        let users = c.table(&QualifiedName::new("app", "users")).expect("users");
        assert_eq!(users.columns[0].data_type, ColumnType::int(IntKind::Bigint));
        assert_eq!(users.columns[1].data_type, ColumnType::other("app.mood"));
        assert_eq!(
            users.columns[0].identity,
            Some(Identity {
                always: true,
                sequence: QualifiedName::new("app", "users_id_seq")
            })
        );
        assert_eq!(
            users.primary_key.as_ref().map(|k| k.name.as_str()),
            Some("users_pkey")
        );
        assert_eq!(c.table_stats.len(), 4);
        assert_eq!(c.table_stats[0].row_estimate, Some(42));
        assert!(c.schema_only().table_stats.is_empty());
    }

    #[test]
    fn a_domain_over_an_integer_is_not_an_integer() {
        let rows = Rows {
            relations: vec![relation("t", "r", &[], false)],
            columns: vec![column("t", 1, "id", "app.positive_int", 16_500)],
            ..Rows::default()
        };
        let c = lower(&rows).expect("lowers");
        assert_eq!(c.tables[0].columns[0].data_type.int_kind, None);
    }

    #[test]
    fn indexes_keep_columns_expressions_include_and_predicate() {
        let rows = Rows {
            relations: vec![relation("t", "r", &[], false)],
            indexes: vec![IndexRow {
                schema: s("app"),
                table_name: s("t"),
                name: s("t_lower_idx"),
                is_unique: true,
                method: s("btree"),
                key_columns: vec![Some(s("a")), None],
                key_expressions: vec![None, Some(s("lower(b)"))],
                include: vec![s("c")],
                predicate: Some(s("(d IS NULL)")),
                expression_columns: vec![s("b"), s("d")],
            }],
            ..Rows::default()
        };
        let c = lower(&rows).expect("lowers");
        let i = &c.tables[0].indexes[0];
        assert_eq!(
            i.keys,
            [
                IndexKey::Column(s("a")),
                IndexKey::Expression(s("lower(b)"))
            ]
        );
        assert_eq!(i.include, ["c"]);
        assert_eq!(i.predicate.as_deref(), Some("(d IS NULL)"));
        assert_eq!(i.expression_columns, ["b", "d"]);
    }

    #[test]
    fn sequence_defaults_become_none() {
        let mut owned = sequence_row("up", 1, 1, i32::MAX as i64);
        owned.owner_schema = Some(s("app"));
        owned.owner_table = Some(s("t"));
        owned.owner_column = Some(s("id"));
        let rows = Rows {
            sequences: vec![
                owned,
                sequence_row("down", -1, i32::MIN as i64, -1),
                sequence_row("bounded", 5, 10, 1000),
            ],
            ..Rows::default()
        };
        let c = lower(&rows).expect("lowers");
        let by = |n: &str| c.sequence(&QualifiedName::new("app", n)).expect("sequence");
        assert_eq!((by("up").min_value, by("up").max_value), (None, None));
        assert_eq!(
            by("up").owned_by,
            Some((QualifiedName::new("app", "t"), s("id")))
        );
        assert_eq!((by("down").min_value, by("down").max_value), (None, None));
        assert_eq!(
            (by("bounded").min_value, by("bounded").max_value),
            (Some(10), Some(1000))
        );
    }

    #[test]
    fn views_triggers_rules_and_policies() {
        let rows = Rows {
            relations: vec![relation("t", "r", &[], false)],
            views: vec![ViewRow {
                schema: s("app"),
                name: s("v"),
                relkind: s("m"),
                depends_on_schemas: vec![s("app"), s("app")],
                depends_on_names: vec![s("t"), s("a")],
            }],
            table_objects: vec![
                TableObjectRow {
                    kind: s("trigger"),
                    schema: s("app"),
                    table_name: s("t"),
                    name: s("touch"),
                    function_schema: Some(s("pg_catalog")),
                    function_name: Some(s("tsvector_update_trigger")),
                    function_body: None,
                    policy_using: None,
                    policy_with_check: None,
                    definition: None,
                },
                TableObjectRow {
                    kind: s("policy"),
                    schema: s("app"),
                    table_name: s("t"),
                    name: s("mine"),
                    function_schema: None,
                    function_name: None,
                    function_body: None,
                    policy_using: Some(s("(owner = CURRENT_USER)")),
                    policy_with_check: None,
                    definition: None,
                },
                TableObjectRow {
                    kind: s("rule"),
                    schema: s("app"),
                    table_name: s("t"),
                    name: s("no_delete"),
                    function_schema: None,
                    function_name: None,
                    function_body: None,
                    policy_using: None,
                    policy_with_check: None,
                    definition: None,
                },
            ],
            ..Rows::default()
        };
        let c = lower(&rows).expect("lowers");
        assert_eq!(c.views[0].kind, ViewKind::Materialized);
        assert_eq!(
            c.views[0].depends_on,
            [
                QualifiedName::new("app", "a"),
                QualifiedName::new("app", "t")
            ]
        );
        assert_eq!(
            c.triggers[0].function,
            QualifiedName::new("pg_catalog", "tsvector_update_trigger")
        );
        assert_eq!(c.policies[0].name, "mine");
        assert_eq!(
            c.policies[0].using.as_deref(),
            Some("(owner = CURRENT_USER)")
        );
        assert_eq!(c.policies[0].with_check, None);
        assert_eq!(c.rules[0].name, "no_delete");
    }

    #[test]
    fn rows_that_do_not_fit_are_errors() {
        let stray = Rows {
            columns: vec![column("ghost", 1, "id", "integer", 23)],
            ..Rows::default()
        };
        assert!(lower(&stray).unwrap_err().0.contains("app.ghost"));
        let mut partial = constraint("t", "t_fkey", "f", &["a"]);
        partial.match_type = s("p");
        partial.referenced_schema = Some(s("app"));
        partial.referenced_table = Some(s("t"));
        partial.referenced_columns = vec![s("a")];
        partial.on_update = s("a");
        partial.on_delete = s("a");
        let rows = Rows {
            relations: vec![relation("t", "r", &[], false)],
            constraints: vec![partial],
            ..Rows::default()
        };
        assert!(lower(&rows).unwrap_err().0.contains("MATCH"));
        let mut crossing = constraint("t", "t_u_fkey", "f", &["u"]);
        crossing.referenced_schema = Some(s("app"));
        crossing.referenced_table = Some(s("u"));
        crossing.left_out = Some(s("referenced"));
        let rows = Rows {
            relations: vec![relation("t", "r", &[], false)],
            constraints: vec![crossing],
            ..Rows::default()
        };
        let e = lower(&rows).unwrap_err().0;
        assert!(e.contains("t_u_fkey") && e.contains("not app.u"), "{e}");
    }
}
