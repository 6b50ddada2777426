//! Why the online writer's longest statement took as long as it did.
//!
//! A thread samples `pg_stat_activity` every few milliseconds for the whole
//! forward path. Whenever the writer's statement has been running for
//! longer than [`SLOW`], it keeps what the server showed at that moment:
//! the writer's wait event, what every other busy session and background
//! process was doing, and the machine's CPU counters and dirty pages (the
//! throwaway server runs on this machine). The report reads the samples
//! that fall inside the longest statement, so a stall comes with its
//! circumstances instead of a guess. A statement the server never showed
//! running that long spent its time outside the server.

use postgres::{Client, NoTls};
use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// The writer's `application_name`, by which the sampler finds it.
pub const WRITER_NAME: &str = "keyshift bench writer";

/// A statement running longer than this is sampled in detail.
pub const SLOW: Duration = Duration::from_millis(50);

/// Pause between two samples.
const PAUSE: Duration = Duration::from_millis(5);

/// The writer's backend if its statement has run longer than `$2`, and
/// every other backend that is busy: a client running a statement, or a
/// background process outside its idle loop (wait events of type
/// `Activity`). Each is labelled with what names its work best: the
/// backfill sessions' `application_name`, autovacuum's table, else the
/// process type and the start of its statement.
const SAMPLE_SQL: &str = "
SELECT coalesce(w.wait_event_type || ' ' || w.wait_event, 'on CPU'),
       ARRAY(SELECT CASE WHEN o.backend_type = 'autovacuum worker' THEN left(o.query, 70)
                         WHEN o.backend_type <> 'client backend' THEN o.backend_type
                         WHEN o.application_name NOT IN ('', 'psql') THEN o.application_name
                         ELSE 'psql: ' || left(regexp_replace(o.query, '\\s+', ' ', 'g'), 50) END
                    || ' (' || coalesce(o.wait_event_type || ' ' || o.wait_event, 'on CPU') || ')'
             FROM pg_stat_activity o
             WHERE o.pid NOT IN (w.pid, pg_backend_pid())
               AND CASE WHEN o.backend_type = 'client backend' THEN o.state = 'active'
                        ELSE o.wait_event_type IS DISTINCT FROM 'Activity' END)
FROM pg_stat_activity w
WHERE w.application_name = $1 AND w.state = 'active'
  AND clock_timestamp() - w.query_start > make_interval(secs => $2)";

/// The machine's CPU time so far, in clock ticks, from `/proc/stat`.
#[derive(Debug, Clone, Copy, Default)]
struct Cpu {
    total: u64,
    iowait: u64,
    steal: u64,
}

impl Cpu {
    fn read() -> Option<Cpu> {
        let stat = std::fs::read_to_string("/proc/stat").ok()?;
        let fields: Vec<u64> = stat
            .lines()
            .next()?
            .split_whitespace()
            .skip(1)
            .map(|f| f.parse().ok())
            .collect::<Option<_>>()?;
        // user nice system idle iowait irq softirq steal (guest time is
        // already in user).
        Some(Cpu {
            total: fields.iter().take(8).sum(),
            iowait: *fields.get(4)?,
            steal: *fields.get(7)?,
        })
    }
}

/// Dirty plus writeback pages, from `/proc/meminfo`, in KiB.
fn dirty_kib() -> Option<u64> {
    let meminfo = std::fs::read_to_string("/proc/meminfo").ok()?;
    let field = |name: &str| {
        meminfo
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.split_whitespace().next()?.parse::<u64>().ok())
    };
    Some(field("Dirty:")? + field("Writeback:")?)
}

/// What the server showed while the writer's statement was slow.
#[derive(Debug, Clone)]
pub struct Sample {
    at: Instant,
    writer: String,
    others: Vec<String>,
    cpu: Option<Cpu>,
    dirty_kib: Option<u64>,
}

/// The sampler while it runs; [`StallWatch::finish`] stops it.
pub struct StallWatch {
    stop: Arc<AtomicBool>,
    thread: JoinHandle<Vec<Sample>>,
}

impl StallWatch {
    pub fn start(url: &str) -> StallWatch {
        let mut client = Client::connect(url, NoTls)
            .unwrap_or_else(|e| panic!("stall watch cannot connect: {e}"));
        let stop = Arc::new(AtomicBool::new(false));
        let thread = {
            let stop = Arc::clone(&stop);
            thread::spawn(move || {
                let statement = client.prepare(SAMPLE_SQL).expect("stall watch's query");
                let mut samples = Vec::new();
                while !stop.load(Ordering::Relaxed) {
                    let at = Instant::now();
                    // A failed sample is only a gap in the evidence.
                    if let Ok(rows) = client.query(&statement, &[&WRITER_NAME, &SLOW.as_secs_f64()])
                    {
                        samples.extend(rows.iter().map(|row| Sample {
                            at,
                            writer: row.get(0),
                            others: row.get(1),
                            cpu: Cpu::read(),
                            dirty_kib: dirty_kib(),
                        }));
                    }
                    thread::sleep(PAUSE);
                }
                samples
            })
        };
        StallWatch { stop, thread }
    }

    pub fn finish(self) -> Vec<Sample> {
        self.stop.store(true, Ordering::Relaxed);
        self.thread.join().expect("stall watch thread")
    }
}

/// One line on the samples taken while a statement that started at
/// `started` and took `took` was running.
pub fn describe(samples: &[Sample], started: Instant, took: Duration) -> String {
    let during: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.at >= started && s.at <= started + took)
        .collect();
    let (Some(first), Some(last)) = (during.first(), during.last()) else {
        if took <= SLOW {
            return format!(
                "not sampled: only statements over {} ms are",
                SLOW.as_millis()
            );
        }
        return format!(
            "the server never showed it running for over {} ms (sampled every {} ms): its time \
             went outside the server (the client, the connection, the machine's scheduler)",
            SLOW.as_millis(),
            PAUSE.as_millis()
        );
    };
    let mut line = format!(
        "while it ran, {} samples from {} ms in: the writer {}; others {}",
        during.len(),
        (first.at - started).as_millis(),
        tally(during.iter().map(|s| s.writer.as_str())),
        tally(
            during
                .iter()
                .flat_map(|s| s.others.iter().map(String::as_str))
        )
    );
    if let (Some(a), Some(b)) = (first.cpu, last.cpu) {
        let total = b.total.saturating_sub(a.total).max(1) as f64;
        line.push_str(&format!(
            "; machine: iowait {:.0}%, steal {:.0}%",
            100.0 * b.iowait.saturating_sub(a.iowait) as f64 / total,
            100.0 * b.steal.saturating_sub(a.steal) as f64 / total
        ));
    }
    if let Some(dirty) = during.iter().filter_map(|s| s.dirty_kib).max() {
        line.push_str(&format!(
            ", dirty and writeback pages up to {:.0} MiB",
            dirty as f64 / 1024.0
        ));
    }
    line
}

/// "a ×3, b ×1", most frequent first; "none" when empty.
fn tally<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for item in items {
        *counts.entry(item).or_default() += 1;
    }
    let mut counts: Vec<_> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    if counts.is_empty() {
        return "none".to_owned();
    }
    counts
        .iter()
        .map(|(item, n)| format!("{item} ×{n}"))
        .collect::<Vec<_>>()
        .join(", ")
}
