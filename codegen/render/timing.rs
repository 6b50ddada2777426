//! PLAN.md's time estimate: how long forward, verify_forward and rollback
//! take, and how long reads and writes wait, from the sizes of the
//! converted tables and a throughput per engine.
//!
//! The throughputs are bytes of table, index and TOAST data (what
//! `DiskEstimate` calls `bytes_now`) per second, set at least 1.3× below
//! the slowest that was measured on the project's 2-core machines
//! (PostgreSQL 15), so that the estimate errs long: rows wider or narrower
//! than the bench's, more indexes per byte, and a busy server all move the
//! real figure. The measurements are seconds, not ratios to S0: the same
//! S0 took from 6.6 s to 13.2 s on different days, and a user's server is
//! not the bench's.
//!
//! - **Rebuilt tables** (`cargo bench --bench migration`, README): the
//!   bench's tables hold 1.15 GB as it loads them at 1M users and 5M
//!   journals (1,152,204,800 bytes measured; 4x at 4M/20M). A rollback
//!   that copies a table does what forward did, through maps it does not
//!   draw, so it gets forward's rate; one that brings back the original
//!   forward kept counts rows, puts the rows written since in and
//!   validates foreign keys, and has a rate of its own. verify_forward
//!   reads every row once through the maps, whichever way its table was
//!   converted.
//! - **Tables altered in place** (the engine measurements in the shared
//!   facts, same data): forward 8.1× an S0 of 10.1 s at 1M/5M and 12.6× an
//!   S0 of 29 s at 4M/20M; rollback 14.9× there. The S0 of that 4M run had
//!   fsync off, so these overstate the speed a little.
//!
//! How long reads wait: a rebuilt table holds SHARE while its copy is
//! built (reads go on, writes wait) and ACCESS EXCLUSIVE only from the
//! swap, a change to the catalog, until COMMIT; the bench's readers waited
//! at most 0.05 s in forward and in rollback (which locks keyshift's
//! tables first). Materialized views recreated after the swap are refilled
//! under that lock, which the bench did not measure. A table altered in
//! place holds ACCESS EXCLUSIVE from its ALTER until COMMIT.

use crate::catalog::ViewKind;
use crate::plan::{Mode, Plan, RootKey};

/// The slowest run measured of one engine on the bench's data: seconds at
/// 1M users / 5M journals and at 4M / 20M.
struct Measured {
    at_1m: f64,
    at_4m: f64,
}

/// The bench's two tables with their indexes at 1M/5M, as loaded.
const BENCH_BYTES: f64 = 1_152_204_800.0;

impl Measured {
    /// The slower of the two sizes' throughputs.
    fn bytes_per_sec(&self) -> f64 {
        (BENCH_BYTES / self.at_1m).min(4.0 * BENCH_BYTES / self.at_4m)
    }
}

/// forward.sql over rebuilt tables: the slower of the benches of 5ab1c53
/// and a324d38 at each size (42.39 s on a324d38, 215.74 s on 5ab1c53).
const REBUILT_FORWARD: Measured = Measured {
    at_1m: 42.39,
    at_4m: 215.74,
};
/// rollback.sql bringing the originals back, with the bench writer's rows
/// written since forward, likewise (8.12 s on 5ab1c53, 26.65 s on
/// a324d38).
const RESTORED_ROLLBACK: Measured = Measured {
    at_1m: 8.12,
    at_4m: 26.65,
};
/// verify_forward.sql, likewise (19.30 s and 90.87 s, both on a324d38).
const VERIFY: Measured = Measured {
    at_1m: 19.30,
    at_4m: 90.87,
};
/// rollback.sql over tables altered in place (shared facts), the slower
/// of that engine's files.
const IN_PLACE_ROLLBACK: Measured = Measured {
    at_1m: 8.1 * 10.1,
    at_4m: 14.9 * 29.0,
};

/// Forward and rollback over rebuilt tables, bytes per second.
pub const REBUILT_BYTES_PER_SEC: f64 = 15e6;
/// Rollback over a rebuilt table whose original it brings back.
pub const RESTORED_BYTES_PER_SEC: f64 = 100e6;
/// Forward and rollback over tables altered in place.
pub const IN_PLACE_BYTES_PER_SEC: f64 = 8e6;
/// verify_forward, over either kind.
pub const VERIFY_BYTES_PER_SEC: f64 = 35e6;

/// The estimate for PLAN.md, each figure already worded: a duration, "at
/// least" one while some tables have no row estimate, or "unknown".
pub struct StageTimes {
    /// forward.sql.
    pub forward: String,
    /// rollback.sql where it copies every rebuilt table, as forward did.
    pub rollback: String,
    /// rollback.sql where it brings back the originals forward kept, when
    /// any table's can come back and that reads as a different figure.
    pub rollback_restoring: Option<String>,
    pub verify_forward: String,
    /// How long a read of a table altered in place may wait: all of
    /// forward's time over those tables, or `None` when none is.
    pub in_place_reads: Option<String>,
    /// Whether any table is rebuilt (its reads wait only for the swap).
    pub has_rebuilt: bool,
    /// Materialized views refilled after the swap, under its lock.
    pub refilled_views: usize,
    /// The rates above, for the reader: `15.0 MB`, `100.0 MB`, `8.0 MB`,
    /// `35.0 MB`.
    pub rebuilt_rate: String,
    pub restored_rate: String,
    /// The slowest rates measured, which those sit under: `21, 142, 11
    /// and 51 MB/s` (the restoring rollback's only where a table can come
    /// back).
    pub measured_rates: String,
    pub in_place_rate: String,
    pub verify_rate: String,
}

/// The estimate, or `None` when the plan has no sizes (a schema file).
pub fn stage_times(plan: &Plan) -> Option<StageTimes> {
    let disk = plan.disk.as_ref()?;
    // Rebuilt tables whose original rollback can take back, the other
    // rebuilt tables, those altered in place. Online mode's rollback
    // copies every table: it has no forward transaction to tell the rows
    // written since by.
    let (mut restorable, mut rebuilt, mut in_place) = (0i64, 0i64, 0i64);
    for t in &disk.tables {
        match plan.table(&t.table) {
            Some(p) if !p.conversion.is_rebuild() => in_place += t.bytes_now,
            Some(p)
                if plan.mode == Mode::Maintenance
                    && p.root.as_ref().is_some_and(RootKey::original_can_come_back) =>
            {
                restorable += t.bytes_now
            }
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
    let others = rebuilt as f64 / REBUILT_BYTES_PER_SEC + in_place as f64 / IN_PLACE_BYTES_PER_SEC;
    let moving = others + restorable as f64 / REBUILT_BYTES_PER_SEC;
    let has_in_place = plan.tables.iter().any(|t| !t.conversion.is_rebuild());
    let copying = bounded(moving);
    Some(StageTimes {
        forward: copying.clone(),
        rollback_restoring: (restorable > 0)
            .then(|| bounded(others + restorable as f64 / RESTORED_BYTES_PER_SEC))
            .filter(|restoring| *restoring != copying),
        rollback: copying,
        verify_forward: bounded((restorable + rebuilt + in_place) as f64 / VERIFY_BYTES_PER_SEC),
        in_place_reads: has_in_place.then(|| bounded(moving)),
        has_rebuilt: plan.tables.iter().any(|t| t.conversion.is_rebuild()),
        rebuilt_rate: crate::plan::estimate::human(REBUILT_BYTES_PER_SEC as i64),
        restored_rate: crate::plan::estimate::human(RESTORED_BYTES_PER_SEC as i64),
        measured_rates: {
            let mb = |m: &Measured| format!("{:.0}", m.bytes_per_sec() / 1e6);
            let restored = if restorable > 0 {
                format!("{}, ", mb(&RESTORED_ROLLBACK))
            } else {
                String::new()
            };
            format!(
                "{}, {restored}{} and {} MB/s",
                mb(&REBUILT_FORWARD),
                mb(&IN_PLACE_ROLLBACK),
                mb(&VERIFY)
            )
        },
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
        for (rate, measured) in [
            (super::REBUILT_BYTES_PER_SEC, &super::REBUILT_FORWARD),
            (super::RESTORED_BYTES_PER_SEC, &super::RESTORED_ROLLBACK),
            (super::IN_PLACE_BYTES_PER_SEC, &super::IN_PLACE_ROLLBACK),
            (super::VERIFY_BYTES_PER_SEC, &super::VERIFY),
        ] {
            assert!(
                rate * 1.3 <= measured.bytes_per_sec(),
                "{rate} is too close"
            );
        }
    }
}
