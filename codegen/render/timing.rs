//! PLAN.md's time estimate: how long forward, verify_forward and rollback
//! take, and how long reads and writes wait, from the sizes of the
//! converted tables and a throughput per engine.
//!
//! The throughputs are bytes of table, index and TOAST data (what
//! `DiskEstimate` calls `bytes_now`) per second, set below the slowest that
//! was measured on the project's 2-core machines (PostgreSQL 15), so that
//! the estimate errs long:
//!
//! - **Rebuilt tables** (`cargo bench --bench migration`, README): the
//!   bench's tables hold 1.15 GB as it loads them at 1M users and 5M
//!   journals (1,152,204,800 bytes measured; 4x at 4M/20M). Since the
//!   copies are written on parallel workers (`keyshift.fill_copy`),
//!   forward took 24.3 and 25.6 s there (45 MB/s at the slower) and
//!   108.8 s at 4M/20M (42.4 MB/s); rollback 17.3 and 19.7 s (58 MB/s)
//!   and 83.5 s (55.2 MB/s); verify_forward 10.9 and 14.6 s (79 MB/s)
//!   and 63.6 s (72.4 MB/s). These are seconds, not ratios to S0: S0
//!   itself varied from 6.6 s to 10.5 s between runs an hour apart.
//! - **Tables altered in place** (the engine measurements in the shared
//!   facts, same data): forward 6.7–8.1× an S0 of 10.1 s at 1M/5M, at
//!   least 14.1 MB/s, and 12.6× an S0 of 29 s at 4M/20M, 12.6 MB/s;
//!   rollback 14.9× there, 10.7 MB/s. The S0 of that 4M run had fsync
//!   off, so these overstate the speed a little.
//!
//! The rates below leave a margin of 1.3× to 1.6× under those: rows wider
//! or narrower than the bench's, more indexes per byte, and a busy server
//! all move the real figure. verify_forward reads every row once through
//! the maps, whichever way its table was converted.
//!
//! How long reads wait: a rebuilt table holds SHARE while its copy is
//! built (reads go on, writes wait) and ACCESS EXCLUSIVE only from the
//! swap, a change to the catalog, until COMMIT; the bench's readers waited
//! at most 0.04 s in forward and, since rollback locks keyshift's tables
//! first, 0.03 s in rollback. Materialized views recreated after the swap
//! are refilled under that lock, which the bench did not measure. A table
//! altered in place holds ACCESS EXCLUSIVE from its ALTER until COMMIT.

use crate::catalog::ViewKind;
use crate::plan::Plan;

/// Forward and rollback over rebuilt tables, bytes per second.
pub const REBUILT_BYTES_PER_SEC: f64 = 30e6;
/// Forward and rollback over tables altered in place.
pub const IN_PLACE_BYTES_PER_SEC: f64 = 8e6;
/// verify_forward, over either kind.
pub const VERIFY_BYTES_PER_SEC: f64 = 50e6;

/// The estimate for PLAN.md, each figure already worded: a duration, "at
/// least" one while some tables have no row estimate, or "unknown".
pub struct StageTimes {
    /// forward.sql, and rollback.sql, which moves the same data back.
    pub forward: String,
    pub rollback: String,
    pub verify_forward: String,
    /// How long a read of a table altered in place may wait: all of
    /// forward's time over those tables, or `None` when none is.
    pub in_place_reads: Option<String>,
    /// Whether any table is rebuilt (its reads wait only for the swap).
    pub has_rebuilt: bool,
    /// Materialized views refilled after the swap, under its lock.
    pub refilled_views: usize,
    /// The rates above, for the reader: `30 MB`, `8 MB`, `50 MB`.
    pub rebuilt_rate: String,
    pub in_place_rate: String,
    pub verify_rate: String,
}

/// The estimate, or `None` when the plan has no sizes (a schema file).
pub fn stage_times(plan: &Plan) -> Option<StageTimes> {
    let disk = plan.disk.as_ref()?;
    let (mut rebuilt, mut in_place) = (0i64, 0i64);
    for t in &disk.tables {
        match plan.table(&t.table) {
            Some(p) if !p.conversion.is_rebuild() => in_place += t.bytes_now,
            _ => rebuilt += t.bytes_now,
        }
    }
    // A table never analyzed is left out of the sizes, so a total without
    // it is only a lower bound, and with no table known it is no number.
    let bounded = |secs: f64| {
        if disk.unknown.is_empty() {
            duration(secs)
        } else if disk.tables.is_empty() {
            "unknown".to_string()
        } else {
            format!("at least {}", duration(secs))
        }
    };
    let moving = rebuilt as f64 / REBUILT_BYTES_PER_SEC + in_place as f64 / IN_PLACE_BYTES_PER_SEC;
    let has_in_place = plan.tables.iter().any(|t| !t.conversion.is_rebuild());
    Some(StageTimes {
        forward: bounded(moving),
        rollback: bounded(moving),
        verify_forward: bounded((rebuilt + in_place) as f64 / VERIFY_BYTES_PER_SEC),
        in_place_reads: has_in_place.then(|| bounded(moving)),
        has_rebuilt: plan.tables.iter().any(|t| t.conversion.is_rebuild()),
        rebuilt_rate: crate::plan::estimate::human(REBUILT_BYTES_PER_SEC as i64),
        in_place_rate: crate::plan::estimate::human(IN_PLACE_BYTES_PER_SEC as i64),
        verify_rate: crate::plan::estimate::human(VERIFY_BYTES_PER_SEC as i64),
        refilled_views: plan
            .views
            .iter()
            .filter(|v| v.kind == ViewKind::Materialized)
            .count(),
    })
}

/// `secs` as a rounded duration: "under 1 s", "40 s", "12 min", "2.5 h".
pub fn duration(secs: f64) -> String {
    if secs < 1.0 {
        "under 1 s".to_string()
    } else if secs < 90.0 {
        format!("{secs:.0} s")
    } else if secs < 90.0 * 60.0 {
        format!("{:.0} min", secs / 60.0)
    } else {
        format!("{:.1} h", secs / 3600.0)
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn durations_round_to_a_readable_unit() {
        assert_eq!(duration(0.4), "under 1 s");
        assert_eq!(duration(40.0), "40 s");
        assert_eq!(duration(1000.0), "17 min");
        assert_eq!(duration(10_000.0), "2.8 h");
    }

    /// The rates sit under the slowest measured figure of their engine
    /// (module docs), with a margin of at least 1.3×.
    #[test]
    fn rates_sit_under_the_slowest_measurement() {
        let bytes = 1_152_204_800.0;
        let rate = |secs: f64, scale: f64| bytes * scale / secs;
        let rebuilt_forward = rate(108.8, 4.0).min(rate(25.6, 1.0));
        let rebuilt_rollback = rate(83.5, 4.0).min(rate(19.7, 1.0));
        let verify = rate(63.6, 4.0).min(rate(14.6, 1.0));
        let in_place_rollback = rate(29.0 * 14.9, 4.0);
        assert!(super::REBUILT_BYTES_PER_SEC * 1.3 <= rebuilt_forward.min(rebuilt_rollback));
        assert!(super::VERIFY_BYTES_PER_SEC * 1.3 <= verify);
        assert!(super::IN_PLACE_BYTES_PER_SEC * 1.3 <= in_place_rollback);
    }
}
