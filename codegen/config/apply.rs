//! Checking a configuration file against the schema, and turning it into
//! plan options. Names are written as in SQL (`schema.table.column`,
//! unquoted parts folded to lower case, double quotes for exact case; no
//! schema means `public`), the same meaning `--exclude-table` gives them.

use super::{Config, ConfigError, NotAReference, Polymorphic, Reference};
use crate::catalog::{Catalog, Column, QualifiedName, Table, split_identifier_list};
use crate::plan::{
    self, ColumnRoots, DeclaredReference, Mode, OnOrphan, Options, PolymorphicReference,
    Undeclared, UuidVersion,
};
use std::collections::BTreeMap;
use toml::Spanned;

impl Config {
    /// Checks every entry against `catalog` and adds it to `options`
    /// (exclusions add to the command line's). The first problem is
    /// returned, at its position in the file.
    pub fn apply(&self, catalog: &Catalog, options: &mut Options) -> Result<(), ConfigError> {
        options.config_name = Some(self.file_name());
        options.drop_id_map |= self.raw.drop_id_map;
        for name in &self.raw.exclude_tables {
            let table = self.table(catalog, name)?;
            options.exclude_tables.insert(table.name.clone());
            options.excluded_in_config.insert(table.name.clone());
        }
        if let Some(uuid) = &self.raw.uuid {
            let version = uuid
                .get_ref()
                .parse::<UuidVersion>()
                .map_err(|e| self.error(uuid.span().start, e))?;
            options.uuid.get_or_insert(version);
        }
        if let Some(mode) = &self.raw.mode {
            let parsed = mode
                .get_ref()
                .parse::<Mode>()
                .map_err(|e| self.error(mode.span().start, e))?;
            options.mode.get_or_insert(parsed);
        }
        let mut surrogates = Vec::new();
        let mut uuid_times = Vec::new();
        let mut sentinels = Vec::new();
        for (name, settings) in &self.raw.tables {
            let table = self.table(catalog, name)?;
            if let Some(column) = &settings.get_ref().uuid_time {
                uuid_times.push((column, table));
            }
            if let Some(value) = &settings.get_ref().sentinel {
                sentinels.push((value, table));
            }
            if let Some(flag) = &settings.get_ref().surrogate_key
                && *flag.get_ref()
            {
                options.surrogate_keys.insert(table.name.clone());
                surrogates.push((flag.span().start, table));
            }
        }
        for (name, settings) in &self.raw.views {
            let view = self.view(catalog, name)?;
            let query = settings.get_ref().query.get_ref().trim();
            if query.is_empty() {
                return Err(self.error(
                    settings.get_ref().query.span().start,
                    format!("the query for view {} is empty", view.display()),
                ));
            }
            options.view_queries.insert(
                view.clone(),
                query.trim_end_matches(';').trim_end().to_string(),
            );
        }
        let mut declared: BTreeMap<(QualifiedName, String), String> = BTreeMap::new();
        let first_reference = options.references.len();
        for r in &self.raw.reference {
            let reference = self.reference(catalog, r.get_ref())?;
            let key = (reference.table.clone(), reference.column.clone());
            let here = self.location(r.span().start);
            if let Some(first) = declared.insert(key, here) {
                return Err(self.error(
                    r.get_ref().from.span().start,
                    format!(
                        "{}.{} is already declared at {first}",
                        reference.table.display(),
                        reference.column
                    ),
                ));
            }
            options.references.push(reference);
        }
        let mut polymorphic = Vec::new();
        for p in &self.raw.polymorphic {
            let reference = self.polymorphic(catalog, p.get_ref())?;
            let key = (reference.table.clone(), reference.id_column.clone());
            let here = self.location(p.span().start);
            if let Some(first) = declared.insert(key, here) {
                return Err(self.error(
                    p.get_ref().id_column.span().start,
                    format!(
                        "{}.{} is already declared at {first}",
                        reference.table.display(),
                        reference.id_column
                    ),
                ));
            }
            polymorphic.push((p, reference));
        }
        if let Some(undeclared) = &self.raw.undeclared_references {
            options.undeclared = undeclared
                .get_ref()
                .parse::<Undeclared>()
                .map_err(|e| self.error(undeclared.span().start, e))?;
        }
        for n in &self.raw.not_a_reference {
            let dismissed = self.not_a_reference(catalog, n.get_ref())?;
            let key = (dismissed.table.clone(), dismissed.column.clone());
            let here = self.location(n.span().start);
            if let Some(first) = declared.insert(key, here) {
                return Err(self.error(
                    n.get_ref().column.span().start,
                    format!(
                        "{}.{} is already declared at {first}; a column is either a reference or not",
                        dismissed.table.display(),
                        dismissed.column
                    ),
                ));
            }
            options.not_references.push(dismissed);
        }
        // Whether each polymorphic target's key converts depends on every
        // exclusion and reference above, so it is checked last.
        let roots = ColumnRoots::resolve(catalog, options);
        for (r, reference) in self
            .raw
            .reference
            .iter()
            .zip(&options.references[first_reference..])
        {
            if options.exclude_tables.contains(&reference.table)
                && roots
                    .root_of(&reference.referenced_table, &reference.referenced_column)
                    .is_some()
            {
                return Err(self.error(
                    r.get_ref().from.span().start,
                    format!(
                        "reference {}.{} → {}.{}: {} is excluded, but {}.{} becomes uuid; exclude {} too, or stop excluding {}",
                        reference.table.display(),
                        reference.column,
                        reference.referenced_table.display(),
                        reference.referenced_column,
                        reference.table.display(),
                        reference.referenced_table.display(),
                        reference.referenced_column,
                        reference.referenced_table.display(),
                        reference.table.display()
                    ),
                ));
            }
        }
        for (value, table) in sentinels {
            let sentinel = self.sentinel(options, &roots, table, value)?;
            options.sentinels.insert(table.name.clone(), sentinel);
        }
        for (column, table) in uuid_times {
            let name = self.uuid_time(options, &roots, table, column)?;
            options.uuid_times.insert(table.name.clone(), name);
        }
        for (at, table) in surrogates {
            let excluded = options.exclude_tables.contains(&table.name);
            let checked = if excluded {
                Err(format!("{} is excluded", table.name.display()))
            } else {
                crate::plan::surrogate::plan(catalog, &roots, table).map(|_| ())
            };
            if let Err(reason) = checked {
                return Err(self.error(
                    at,
                    format!("surrogate_key for {}: {reason}", table.name.display()),
                ));
            }
        }
        for (p, reference) in polymorphic {
            if options.exclude_tables.contains(&reference.table) {
                return Err(self.error(
                    p.get_ref().table.span().start,
                    format!(
                        "polymorphic {}.{}: {} is excluded, but the tables its types name are not; stop excluding it, or remove the polymorphic entry",
                        reference.table.display(),
                        reference.id_column,
                        reference.table.display()
                    ),
                ));
            }
            for (value, target) in p.get_ref().types.get_ref() {
                let table = self.table(catalog, target)?;
                let key = single_key(table);
                if key.is_none_or(|k| roots.root_of(&table.name, k).is_none()) {
                    return Err(self.error(
                        target.span().start,
                        format!(
                            "polymorphic {}.{}: type {value:?} names {}, whose key does not become a uuid ({}); every type must name a converted table",
                            reference.table.display(),
                            reference.id_column,
                            table.name.display(),
                            if options.exclude_tables.contains(&table.name) {
                                "the table is excluded"
                            } else {
                                "see Left alone in PLAN.md"
                            }
                        ),
                    ));
                }
            }
            options.polymorphic.push(reference);
        }
        Ok(())
    }

    /// Checks `sentinel = "uuid"` of `table`: the table's own key must get
    /// new UUIDs, and the value must be a uuid no key could be given (the
    /// nil uuid, or one whose version bits no generated key has).
    fn sentinel(
        &self,
        options: &Options,
        roots: &ColumnRoots,
        table: &Table,
        value: &Spanned<String>,
    ) -> Result<String, ConfigError> {
        let fail = |message: String| {
            Err(self.error(
                value.span().start,
                format!("sentinel for {}: {message}", table.name.display()),
            ))
        };
        if let Some(problem) = not_own_key(options, roots, table) {
            return fail(problem);
        }
        let Ok(parsed) = uuid::Uuid::parse_str(value.get_ref().trim()) else {
            return fail(format!("{:?} is not a uuid", value.get_ref()));
        };
        // gen_random_uuid() gives version 4, keyshift's time-ordered keys
        // version 7: a sentinel of either version could one day name a row.
        if matches!(parsed.get_version_num(), 4 | 7) {
            return fail(format!(
                "{parsed} is a version {} uuid, which a new key could be given; use the nil uuid, the max uuid (ffffffff-ffff-ffff-ffff-ffffffffffff) or another version",
                parsed.get_version_num()
            ));
        }
        Ok(parsed.hyphenated().to_string())
    }

    /// Checks `uuid_time = "column"` of `table`: only version 7 UUIDs have a
    /// time, the table's own key must get new UUIDs, and the column must
    /// hold a point in time.
    fn uuid_time(
        &self,
        options: &Options,
        roots: &ColumnRoots,
        table: &Table,
        column: &Spanned<String>,
    ) -> Result<String, ConfigError> {
        let fail = |message: String| {
            Err(self.error(
                column.span().start,
                format!("uuid_time for {}: {message}", table.name.display()),
            ))
        };
        if options.uuid != Some(UuidVersion::V7) {
            return fail(match &self.raw.uuid {
                Some(v) if v.get_ref() == "v7" => {
                    "--uuid v4 overrides uuid = \"v7\", and version 4 UUIDs carry no time".into()
                }
                _ => "only version 7 UUIDs carry a time; set uuid = \"v7\" (or pass --uuid v7)"
                    .into(),
            });
        }
        if let Some(problem) = not_own_key(options, roots, table) {
            return fail(problem);
        }
        let name = split_identifier_list(column.get_ref())
            .and_then(|parts| <[String; 1]>::try_from(parts).ok())
            .map(|[name]| name);
        let Some(c) = name.as_deref().and_then(|n| table.column(n)) else {
            return fail(format!("no column {} in the table", column.get_ref()));
        };
        if !crate::plan::is_time_type(&c.data_type.name) {
            return fail(format!(
                "{} is {}; the time must come from a timestamp, timestamptz or date column",
                c.name, c.data_type.name
            ));
        }
        Ok(c.name.clone())
    }

    /// `schema.name` or `name` (meaning `public`), for a `what` ("table",
    /// "view") the error names.
    fn relation_name(
        &self,
        name: &Spanned<String>,
        what: &str,
    ) -> Result<QualifiedName, ConfigError> {
        split_identifier_list(name.get_ref())
            .filter(|p| p.len() <= 2)
            .map(|parts| qualify(&parts))
            .ok_or_else(|| {
                self.error(
                    name.span().start,
                    format!(
                        "{:?} is not a {what} name (write schema.{what})",
                        name.get_ref()
                    ),
                )
            })
    }

    fn table<'c>(
        &self,
        catalog: &'c Catalog,
        name: &Spanned<String>,
    ) -> Result<&'c Table, ConfigError> {
        let qualified = self.relation_name(name, "table")?;
        catalog.table(&qualified).ok_or_else(|| {
            self.error(
                name.span().start,
                format!("no table {} in the schema", qualified.display()),
            )
        })
    }

    fn view<'c>(
        &self,
        catalog: &'c Catalog,
        name: &Spanned<String>,
    ) -> Result<&'c QualifiedName, ConfigError> {
        let qualified = self.relation_name(name, "view")?;
        catalog
            .views
            .iter()
            .find(|v| v.name == qualified)
            .map(|v| &v.name)
            .ok_or_else(|| {
                self.error(
                    name.span().start,
                    format!(
                        "no view or materialized view {} in the schema",
                        qualified.display()
                    ),
                )
            })
    }

    fn column<'c>(
        &self,
        catalog: &'c Catalog,
        name: &Spanned<String>,
    ) -> Result<(&'c Table, &'c Column), ConfigError> {
        let at = name.span().start;
        let parts = split_identifier_list(name.get_ref())
            .filter(|p| (2..=3).contains(&p.len()))
            .ok_or_else(|| {
                self.error(
                    at,
                    format!(
                        "{:?} is not a column name (write schema.table.column)",
                        name.get_ref()
                    ),
                )
            })?;
        let (column, table) = parts.split_last().expect("two or three parts");
        let qualified = qualify(table);
        let table = catalog.table(&qualified).ok_or_else(|| {
            self.error(
                at,
                format!("no table {} in the schema", qualified.display()),
            )
        })?;
        let found = table.column(column).ok_or_else(|| {
            self.error(
                at,
                format!("table {} has no column {column:?}", qualified.display()),
            )
        })?;
        Ok((table, found))
    }

    /// `[[not_a_reference]]`: an integer column that is not a key.
    fn not_a_reference(
        &self,
        catalog: &Catalog,
        entry: &NotAReference,
    ) -> Result<plan::NotAReference, ConfigError> {
        let (table, column) = self.column(catalog, &entry.column)?;
        if column.data_type.int_kind.is_none() {
            return Err(self.error(
                entry.column.span().start,
                format!(
                    "not_a_reference {}.{}: the column is {}, and only integer columns are ever candidates",
                    table.name.display(),
                    column.name,
                    column.data_type.name
                ),
            ));
        }
        if table
            .primary_key
            .as_ref()
            .is_some_and(|pk| pk.columns.contains(&column.name))
            || table
                .foreign_keys
                .iter()
                .any(|fk| fk.columns.contains(&column.name))
        {
            return Err(self.error(
                entry.column.span().start,
                format!(
                    "not_a_reference {}.{}: the column is part of a key or a foreign key, so the schema already says what it holds",
                    table.name.display(),
                    column.name
                ),
            ));
        }
        let reason = entry
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|r| !r.is_empty())
            .map(str::to_string);
        Ok(plan::NotAReference {
            table: table.name.clone(),
            column: column.name.clone(),
            reason,
        })
    }

    fn named_column<'c>(
        &self,
        table: &'c Table,
        name: &Spanned<String>,
    ) -> Result<&'c Column, ConfigError> {
        table.column(name.get_ref()).ok_or_else(|| {
            self.error(
                name.span().start,
                format!(
                    "table {} has no column {:?}",
                    table.name.display(),
                    name.get_ref()
                ),
            )
        })
    }

    fn reference(
        &self,
        catalog: &Catalog,
        r: &Reference,
    ) -> Result<DeclaredReference, ConfigError> {
        let (table, column) = self.column(catalog, &r.from)?;
        let (target, key) = self.column(catalog, &r.to)?;
        let from = format!("{}.{}", table.name.display(), column.name);
        let to = format!("{}.{}", target.name.display(), key.name);
        if single_key(target) != Some(&key.name) {
            return Err(self.error(
                r.to.span().start,
                format!(
                    "reference {from} → {to}: {to} is not the primary key of {}; a reference must name a single-column primary key",
                    target.name.display()
                ),
            ));
        }
        if column.data_type.int_kind.is_none() {
            return Err(self.error(
                r.from.span().start,
                format!(
                    "reference {from} → {to}: {from} is {}, not an integer type",
                    column.data_type.name
                ),
            ));
        }
        if key.data_type.int_kind.is_none() {
            return Err(self.error(
                r.to.span().start,
                format!(
                    "reference {from} → {to}: {to} is {}, not an integer type, so it does not change",
                    key.data_type.name
                ),
            ));
        }
        if let Some(fk) = table
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.contains(&column.name))
        {
            let duplicate = fk.columns == [column.name.clone()]
                && fk.referenced_table == target.name
                && fk.referenced_columns == [key.name.clone()];
            return Err(self.error(
                r.from.span().start,
                if duplicate {
                    format!(
                        "reference {from} → {to} duplicates foreign key {} on {}; remove it from the file",
                        fk.name,
                        table.name.display()
                    )
                } else {
                    format!(
                        "reference {from} → {to}: {from} is already in foreign key {} on {} (→ {}); a column holds one table's keys",
                        fk.name,
                        table.name.display(),
                        fk.referenced_table.display()
                    )
                },
            ));
        }
        let (on_orphan, row_key) =
            self.on_orphan(catalog, r, table, column, &format!("{from} → {to}"))?;
        Ok(DeclaredReference {
            table: table.name.clone(),
            column: column.name.clone(),
            referenced_table: target.name.clone(),
            referenced_column: key.name.clone(),
            on_orphan,
            row_key,
        })
    }

    /// `on_orphan` of a reference, and the primary-key columns that find
    /// an orphan row again at rollback. `"null"` needs a nullable column;
    /// any choice but `"fail"` needs a primary key that does not hold the
    /// column, and a table outside partition trees and inheritance
    /// families (their rows live in several tables, which the orphan record
    /// does not follow yet).
    fn on_orphan(
        &self,
        catalog: &Catalog,
        r: &Reference,
        table: &Table,
        column: &Column,
        what: &str,
    ) -> Result<(OnOrphan, Vec<String>), ConfigError> {
        let Some(spanned) = &r.on_orphan else {
            return Ok((OnOrphan::Fail, Vec::new()));
        };
        let at = spanned.span().start;
        let choice = spanned
            .get_ref()
            .parse::<OnOrphan>()
            .map_err(|e| self.error(at, format!("reference {what}: {e}")))?;
        if choice == OnOrphan::Fail {
            return Ok((choice, Vec::new()));
        }
        let refuse = |why: String| {
            Err(self.error(
                at,
                format!("reference {what}: on_orphan = {:?} {why}", choice.as_str()),
            ))
        };
        if choice == OnOrphan::Null && column.not_null {
            return refuse(format!(
                "needs a nullable column, and {}.{} is NOT NULL; use \"keep\" (a sentinel uuid) or \"fail\"",
                table.name.display(),
                column.name
            ));
        }
        let Some(pk) = &table.primary_key else {
            return refuse(format!(
                "needs a primary key on {} to find each orphan row again at rollback, and it has none",
                table.name.display()
            ));
        };
        if pk.columns.contains(&column.name) {
            return refuse(format!(
                "cannot apply to a column of the primary key of {}",
                table.name.display()
            ));
        }
        let in_family = !table.inherits.is_empty()
            || table.partition_of.is_some()
            || table.partition_key.is_some()
            || catalog.tables.iter().any(|o| {
                o.inherits.contains(&table.name) || o.partition_of.as_ref() == Some(&table.name)
            });
        if in_family {
            return refuse(format!(
                "is not supported yet for {}, which is in a partition tree or inheritance family",
                table.name.display()
            ));
        }
        Ok((choice, pk.columns.clone()))
    }

    fn polymorphic(
        &self,
        catalog: &Catalog,
        p: &Polymorphic,
    ) -> Result<PolymorphicReference, ConfigError> {
        let table = self.table(catalog, &p.table)?;
        let type_column = self.named_column(table, &p.type_column)?;
        let id_column = self.named_column(table, &p.id_column)?;
        let what = format!("polymorphic {}.{}", table.name.display(), id_column.name);
        if !is_text(&type_column.data_type.name) {
            return Err(self.error(
                p.type_column.span().start,
                format!(
                    "{what}: type column {} is {}, not a text type",
                    type_column.name, type_column.data_type.name
                ),
            ));
        }
        if id_column.data_type.int_kind.is_none() {
            return Err(self.error(
                p.id_column.span().start,
                format!(
                    "{what}: {} is {}, not an integer type",
                    id_column.name, id_column.data_type.name
                ),
            ));
        }
        if single_key(table) == Some(&id_column.name) {
            return Err(self.error(
                p.id_column.span().start,
                format!("{what}: {} is the table's primary key", id_column.name),
            ));
        }
        if id_column.default.is_some() || id_column.generated.is_some() {
            return Err(self.error(
                p.id_column.span().start,
                format!(
                    "{what}: {} has a default or is generated, which a polymorphic column cannot translate",
                    id_column.name
                ),
            ));
        }
        if let Some(fk) = table
            .foreign_keys
            .iter()
            .find(|fk| fk.columns.contains(&id_column.name))
        {
            return Err(self.error(
                p.id_column.span().start,
                format!(
                    "{what}: {} is in foreign key {}, so it is not polymorphic",
                    id_column.name, fk.name
                ),
            ));
        }
        if p.types.get_ref().is_empty() {
            return Err(self.error(
                p.types.span().start,
                format!("{what}: types maps no type value to a table"),
            ));
        }
        let mut types = BTreeMap::new();
        for (value, target) in p.types.get_ref() {
            let target_table = self.table(catalog, target)?;
            let key = single_key(target_table)
                .and_then(|k| target_table.column(k))
                .filter(|c| c.data_type.int_kind.is_some());
            if key.is_none() {
                return Err(self.error(
                    target.span().start,
                    format!(
                        "{what}: type {value:?} names {}, which has no single-column integer primary key",
                        target_table.name.display()
                    ),
                ));
            }
            types.insert(value.clone(), target_table.name.clone());
        }
        Ok(PolymorphicReference {
            table: table.name.clone(),
            type_column: type_column.name.clone(),
            id_column: id_column.name.clone(),
            types,
        })
    }
}

/// `[table]` means `public.table`, as for `--exclude-table`.
fn qualify(parts: &[String]) -> QualifiedName {
    match parts {
        [name] => QualifiedName::new("public", name.clone()),
        [schema, name] => QualifiedName::new(schema.clone(), name.clone()),
        _ => unreachable!("callers pass one or two parts"),
    }
}

fn single_key(table: &Table) -> Option<&String> {
    match table.primary_key.as_ref()?.columns.as_slice() {
        [key] => Some(key),
        _ => None,
    }
}

/// The types a Rails-style type column has: `text`, `varchar(n)`,
/// `char(n)`, `citext`.
fn is_text(type_name: &str) -> bool {
    type_name == "text"
        || type_name.starts_with("character varying")
        || type_name.starts_with("character")
        || type_name == "citext"
        || type_name.ends_with(".citext")
}

/// Why a setting of `table`'s own key cannot apply, if it cannot: the key
/// must get new UUIDs of its own (not through a parent's map).
fn not_own_key(options: &Options, roots: &ColumnRoots, table: &Table) -> Option<String> {
    let own_key =
        single_key(table).is_some_and(|k| roots.root_of(&table.name, k) == Some(&table.name));
    (!own_key).then(|| {
        if options.exclude_tables.contains(&table.name) {
            "the table is excluded".into()
        } else {
            "its own key does not get new UUIDs (see PLAN.md); name the table whose key it is"
                .into()
        }
    })
}
