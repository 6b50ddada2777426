//! Work that can only be done once the whole script has been read.
//!
//! pg_dump declares primary keys after every table, so `REFERENCES t`
//! without columns (and, in hand-written files, references to tables created
//! further down) is settled here, with the `search_path` each statement had.

use super::constraints::{check_arity, resolve_target};
use super::error::{Fail, Result};
use super::state::{Builder, PendingFk};

/// Resolves every pending foreign key; the error carries the statement
/// start of the offending constraint.
pub(crate) fn finish(b: &mut Builder) -> std::result::Result<(), (usize, Fail)> {
    let pending = std::mem::take(&mut b.pending_fks);
    for p in pending {
        resolve_one(b, &p).map_err(|f| {
            (
                p.statement_start,
                Fail {
                    at: f.at.or(Some(p.at)),
                    ..f
                },
            )
        })?;
    }
    Ok(())
}

fn resolve_one(b: &mut Builder, p: &PendingFk) -> Result<()> {
    let target = p.target.join(".");
    let Some((table, columns)) = resolve_target(b, &p.search_path, &p.target, &p.ref_columns)?
    else {
        let exists =
            Builder::resolve_in(&p.search_path, &p.target, |q| b.tables.contains_key(q)).is_some();
        return Err(if exists {
            Fail::new(format!(
                "foreign key `{}` references `{target}` without naming columns, and `{target}` has no primary key",
                p.name
            ))
        } else {
            Fail::new(format!(
                "foreign key `{}` references unknown table `{target}`",
                p.name
            ))
        });
    };
    let Some(fk) = b
        .tables
        .get_mut(&p.table)
        .and_then(|t| t.foreign_keys.iter_mut().find(|f| f.name == p.name))
    else {
        return Ok(());
    };
    check_arity(&fk.columns, &columns, p.at)?;
    fk.referenced_table = table;
    fk.referenced_columns = columns;
    Ok(())
}
