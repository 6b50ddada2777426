//! View models for surrogate keys (see `crate::plan::surrogate`): every
//! identifier quoted, every statement fragment built here.

use super::markdown::code;
use super::view::lit;
use crate::catalog::{QualifiedName, quote_ident, quote_literal};
use crate::plan::Plan;
use crate::plan::surrogate::{Repoint, SurrogateKey};

/// A table that gets a surrogate key.
pub struct SurrogateView {
    /// `public.project_members`.
    pub display: String,
    /// `"public"."project_members"`.
    pub quoted: String,
    /// `'public.project_members'`.
    pub literal: String,
    /// `'"public"."project_members"'`, for `to_regclass`.
    pub regclass: String,
    /// `"id"`.
    pub column: String,
    /// `'id'`.
    pub column_literal: String,
    /// The primary-key constraint, quoted.
    pub primary_key: String,
    /// The primary-key constraint as a literal.
    pub primary_key_literal: String,
    /// `"member_id", "project_id"`.
    pub key_columns: String,
    /// Markdown list of the key columns.
    pub key_display: String,
    /// The UNIQUE constraint the old key becomes, quoted.
    pub unique: String,
    /// The same, as a literal.
    pub unique_literal: String,
    /// The same, for prose.
    pub unique_display: String,
    /// The repointed foreign keys.
    pub repoints: Vec<RepointView>,
}

/// A repointed foreign key.
pub struct RepointView {
    /// Referencing table, quoted.
    pub table: String,
    /// Referencing table, for prose.
    pub table_display: String,
    /// Referencing table as a literal.
    pub table_literal: String,
    /// Referencing table as a `to_regclass` literal.
    pub table_regclass: String,
    /// Constraint name, quoted.
    pub name: String,
    /// Constraint name as a literal.
    pub name_literal: String,
    /// Constraint name, for prose.
    pub name_display: String,
    /// The new column, quoted.
    pub column: String,
    /// The new column as a literal.
    pub column_literal: String,
    /// The new column, for prose.
    pub column_display: String,
    /// The old referencing columns, for prose.
    pub old_columns: String,
    /// `NOT NULL` on the new column.
    pub not_null: bool,
    /// The `ADD CONSTRAINT` body of the repointed key.
    pub definition: String,
    /// `UPDATE` filling the new column from the old ones.
    pub fill: String,
    /// `UPDATE` putting the old columns back in step with the new one.
    pub restore: String,
}

/// The surrogate keys of `plan`, in plan order.
pub fn surrogates(plan: &Plan) -> Vec<SurrogateView> {
    plan.surrogate_keys.iter().map(surrogate).collect()
}

fn surrogate(s: &SurrogateKey) -> SurrogateView {
    let quoted_list = |cols: &[String]| {
        cols.iter()
            .map(|c| quote_ident(c))
            .collect::<Vec<_>>()
            .join(", ")
    };
    SurrogateView {
        display: s.table.display(),
        quoted: s.table.quoted(),
        literal: lit(&s.table),
        regclass: quote_literal(&s.table.quoted()),
        column: quote_ident(&s.column),
        column_literal: quote_literal(&s.column),
        primary_key: quote_ident(&s.primary_key),
        primary_key_literal: quote_literal(&s.primary_key),
        key_columns: quoted_list(&s.key_columns),
        key_display: s
            .key_columns
            .iter()
            .map(|c| code(c))
            .collect::<Vec<_>>()
            .join(", "),
        unique: quote_ident(&s.unique_constraint),
        unique_literal: quote_literal(&s.unique_constraint),
        unique_display: s.unique_constraint.clone(),
        repoints: s.repoints.iter().map(|r| repoint(s, r)).collect(),
    }
}

fn repoint(s: &SurrogateKey, r: &Repoint) -> RepointView {
    let fk = &r.constraint;
    let pairs: Vec<(String, String)> = fk
        .columns
        .iter()
        .zip(&fk.referenced_columns)
        .map(|(c, p)| (quote_ident(c), quote_ident(p)))
        .collect();
    let column = quote_ident(&r.column);
    let parent: &QualifiedName = &s.table;
    let surrogate = quote_ident(&s.column);
    RepointView {
        table: r.table.quoted(),
        table_display: r.table.display(),
        table_literal: lit(&r.table),
        table_regclass: quote_literal(&r.table.quoted()),
        name: quote_ident(&fk.name),
        name_literal: quote_literal(&fk.name),
        name_display: fk.name.clone(),
        column_literal: quote_literal(&r.column),
        column_display: r.column.clone(),
        old_columns: fk
            .columns
            .iter()
            .map(|c| code(c))
            .collect::<Vec<_>>()
            .join(", "),
        not_null: r.not_null,
        definition: r.definition(s),
        fill: format!(
            "UPDATE ONLY {} c SET {column} = p.{surrogate} FROM ONLY {} p WHERE {}",
            r.table.quoted(),
            parent.quoted(),
            pairs
                .iter()
                .map(|(c, p)| format!("p.{p} = c.{c}"))
                .collect::<Vec<_>>()
                .join(" AND ")
        ),
        restore: format!(
            "UPDATE ONLY {} c SET ({}) = ({}) FROM ONLY {} p WHERE p.{surrogate} = c.{column} AND ({}) IS DISTINCT FROM ({})",
            r.table.quoted(),
            pairs
                .iter()
                .map(|(c, _)| c.clone())
                .collect::<Vec<_>>()
                .join(", "),
            pairs
                .iter()
                .map(|(_, p)| format!("p.{p}"))
                .collect::<Vec<_>>()
                .join(", "),
            parent.quoted(),
            pairs
                .iter()
                .map(|(c, _)| format!("c.{c}"))
                .collect::<Vec<_>>()
                .join(", "),
            pairs
                .iter()
                .map(|(_, p)| format!("p.{p}"))
                .collect::<Vec<_>>()
                .join(", "),
        ),
        column,
    }
}
