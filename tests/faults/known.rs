//! The one defect of today's bundles that a kill shows, tolerated here so
//! that CI stays green while it is fixed in the engine, and recognised
//! exactly so that nothing else hides behind it.
//!
//! **rollback.sql moves sequences outside its transaction.** It puts each
//! converted key's sequence back with `SELECT setval(…)` inside its one
//! transaction, but `setval` is never rolled back. Killed after such a
//! statement and before COMMIT, rollback leaves every other change undone
//! and that sequence where it set it: after forward and writes, a serial
//! key's sequence stands past the fresh ids rollback handed out (in
//! `schema/dependent_objects`, `public.users_id_seq` 3 → 4), not where it
//! stood before rollback. Running rollback again still ends exactly as an
//! uninterrupted run. An identity's sequence, which rollback creates in the
//! same transaction, goes away with it. Under an immediate stop the move
//! survives only if the WAL holding it reached the disk first, so the
//! terminate kills are the ones that show it every time.
//!
//! `tests/fault_injection.rs` fails if a run that kills rollback.sql after
//! a `setval` never sees this defect any more: then delete this file's use.

use super::points::BundleFile;
use super::state::Exact;
use std::collections::BTreeSet;

/// Whether `found`, after a kill of `file` after statement `k` and before
/// any COMMIT, differs from `before` only as the defect above: the same
/// schema dump, and data that differs only in the position of sequences
/// whose `setval` had run by then, in rollback.sql.
pub fn sequences_moved_by_setval(
    file: &BundleFile,
    k: usize,
    before: &Exact,
    found: &Exact,
) -> bool {
    if file.name != "rollback.sql" || before.dump != found.dump || before.data == found.data {
        return false;
    }
    let set: Vec<String> = file.statements[..=k]
        .iter()
        .filter_map(|s| {
            let head = s.head.replace('"', "");
            let rest = head.strip_prefix("SELECT setval('")?;
            Some(rest.split('\'').next()?.to_owned())
        })
        .collect();
    let (was, is): (BTreeSet<&str>, BTreeSet<&str>) =
        (before.data.lines().collect(), found.data.lines().collect());
    let old: Vec<&str> = was.difference(&is).copied().collect();
    let new: Vec<&str> = is.difference(&was).copied().collect();
    let names = |lines: &[&str]| -> Option<Vec<String>> {
        lines
            .iter()
            .map(|l| match l.split(' ').collect::<Vec<_>>().as_slice() {
                [name, value, "true" | "false"] if value.parse::<i64>().is_ok() => {
                    Some(name.to_string())
                }
                _ => None,
            })
            .collect()
    };
    match (names(&old), names(&new)) {
        (Some(a), Some(b)) => a == b && a.iter().all(|n| set.contains(n)),
        _ => false,
    }
}
