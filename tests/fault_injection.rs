//! forward.sql and rollback.sql killed after every statement, two ways:
//! `pg_terminate_backend` of the session (injected after the statement in a
//! copy of the file) and an immediate server stop (`pg_ctl stop -m
//! immediate` while the session sleeps in an injected `pg_sleep` after the
//! statement, then a start, which runs crash recovery). Every kill starts
//! from a fresh copy of the state before the file: the case as loaded for
//! forward; after forward and the case's `writes.sql` for rollback (so it
//! also hands out fresh ids and moves sequences).
//!
//! After a kill:
//! - if no COMMIT of the file had completed, the schema dump and the data
//!   snapshot are exactly those from before the file;
//! - then (or at once, if a COMMIT had completed: a file may be two
//!   transactions, its work and a clean-up) running the whole file again
//!   succeeds, and the schema dump and every row equal those of an
//!   uninterrupted run (forward's UUIDs come from a random key, so they are
//!   compared through the id maps: see `faults/state.rs`);
//! - killed after its last statement, the file has finished: the state is
//!   that of an uninterrupted run, and running the file again fails at
//!   once, with a message that it already ran, before its first statement
//!   that can change anything, and changes nothing.
//!
//! The default run is a slice that keeps CI fast: `schema/dependent_objects`
//! (two tables linked by a foreign key, views on views, materialized views,
//! triggers, a rule and policies recreated, a serial and an identity key),
//! every statement of both files for `pg_terminate_backend`, and every
//! [`STOP_STRIDE`]th statement plus the first, the last two and each COMMIT
//! for the immediate stop. The long run covers every statement of every
//! schema case that preflight accepts, both ways:
//!
//! ```sh
//! KEYSHIFT_FAULTS=all cargo test --release --test fault_injection -- --nocapture
//! ```
//!
//! (`KEYSHIFT_FAULTS=vibes,workflow` runs the same on the cases named.)
//!
//! `--nocapture` prints one line per case, file and kind of kill: the
//! statements killed after and what each showed.
//!
//! The immediate stops run on a server of their own, started by this test:
//! stopping the shared one would kill the other tests' sessions. It runs
//! with `synchronous_commit = on`, so that a COMMIT psql saw complete
//! survives the stop, and it is stopped once before any kill, so that its
//! unlogged tables and sequences are already as recovery leaves them.
//!
//! No tolerance: rollback's sequence positions, which `setval` alone would
//! move for good, are set after `ALTER SEQUENCE … RESTART` gives each
//! sequence storage of the transaction's own, so a kill undoes them too.

mod faults;
mod matrix;
mod support;

use faults::points::{self, BundleFile};
use faults::{Kill, Outcome, Scenario};
use matrix::Case;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use support::{Missing, Server, ServerSpec};

/// The case of the default slice.
const SLICE_CASE: &str = "dependent_objects";

/// The default slice stops the server after every this-many-th statement.
const STOP_STRIDE: usize = 8;

/// Kill points of one file checked at once on the shared server (each on a
/// database of its own). Immediate stops go one at a time on a server.
const WORKERS: usize = 2;

/// Servers of their own the long run stops, each taking the next case.
const STOP_SERVERS: usize = 2;

/// The files that are killed.
const FILES: [&str; 2] = ["forward.sql", "rollback.sql"];

/// `KEYSHIFT_FAULTS`: unset for the slice; `all`, or case names separated
/// by commas, for the long run of those cases.
fn requested() -> Option<String> {
    std::env::var("KEYSHIFT_FAULTS")
        .ok()
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
}

/// Whether this is the long run: every statement, both ways.
fn long_run() -> bool {
    requested().is_some()
}

/// The cases to kill: the slice's, or those `KEYSHIFT_FAULTS` asks for
/// among the schema cases preflight accepts.
fn cases() -> Vec<Case> {
    let wanted = requested();
    let picked: Vec<Case> = matrix::schema_cases()
        .into_iter()
        .filter(|c| c.refusals.is_empty() && !matrix::is_online(c))
        .filter(|c| match wanted.as_deref() {
            None => c.name == SLICE_CASE,
            Some("all") => true,
            Some(list) => list.split(',').any(|n| n.trim() == c.name),
        })
        .collect();
    assert!(
        !picked.is_empty(),
        "KEYSHIFT_FAULTS={wanted:?} names no schema case that preflight accepts"
    );
    picked
}

#[test]
fn pg_terminate_backend_after_every_statement() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let mut failures = Vec::new();
    for case in cases() {
        failures.extend(guarded(&case.name, || {
            let scenario = Scenario::prepare(server, &case, false);
            let mut failures = Vec::new();
            for file in FILES {
                let (failed, _) = kill_file(&scenario, file, Kill::Terminate, None, WORKERS);
                failures.extend(failed);
            }
            failures
        }));
    }
    report_failures(Kill::Terminate, &failures);
}

#[test]
fn immediate_stop_after_sampled_statements() {
    if support::server_or_skip().is_none() {
        return;
    }
    let cases = cases();
    let count = if long_run() { STOP_SERVERS } else { 1 }.min(cases.len());
    let mut servers = Vec::new();
    for _ in 0..count {
        // A COMMIT psql saw complete must survive the stop: the harness's
        // `synchronous_commit = off` would let the stop take it back.
        let spec = ServerSpec::from_env().map(|mut spec| {
            spec.extra_conf.push("synchronous_commit = on".to_owned());
            spec
        });
        match spec.and_then(Server::start) {
            Ok(server) => servers.push(server),
            Err(why) => {
                support::skip_or_panic::<()>(Missing::Server, &why);
                return;
            }
        }
    }
    let stride = (!long_run()).then_some(STOP_STRIDE);
    let next = AtomicUsize::new(0);
    let failures: Mutex<Vec<String>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for server in &servers {
            let (next, failures, cases) = (&next, &failures, &cases);
            scope.spawn(move || {
                while let Some(case) = cases.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let failed = guarded(&case.name, || {
                        let scenario = Scenario::prepare(server, case, true);
                        FILES
                            .iter()
                            .flat_map(|file| {
                                kill_file(&scenario, file, Kill::ImmediateStop, stride, 1).0
                            })
                            .collect()
                    });
                    failures
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .extend(failed);
                }
            });
        }
    });
    report_failures(
        Kill::ImmediateStop,
        &failures.into_inner().unwrap_or_else(|e| e.into_inner()),
    );
}

/// Forward, then forward again; rollback, then rollback again: each second
/// run fails at once, says the file already ran, and changes nothing.
#[test]
fn a_finished_file_refuses_to_run_again() {
    let Some(server) = support::server_or_skip() else {
        return;
    };
    let case = matrix::schema_cases()
        .into_iter()
        .find(|c| c.name == SLICE_CASE)
        .expect("the slice's case");
    let scenario = Scenario::prepare(server, &case, false);
    let db = server.copy_database("rerun", &scenario.loaded);
    let bundle = scenario.bundle();
    for name in FILES {
        db.psql_file(&bundle.join(name), Some(&bundle))
            .unwrap_or_else(|e| panic!("{name}: {e}"));
        let file = BundleFile::read(&bundle, name);
        if let Err(why) = scenario.refuses_to_run_again(&db, &file) {
            panic!("{}: {why}", case.name);
        }
        eprintln!(
            "fault injection | {} | {name} run twice: the second run refused before line {} and changed nothing",
            case.name,
            file.first_change().map_or(0, |s| s.line)
        );
    }
}

/// Kills `name` after each sampled statement (every one when `stride` is
/// `None`), `workers` at a time; prints one line; returns the failures
/// and the outcomes of the kills that passed.
fn kill_file(
    scenario: &Scenario,
    name: &str,
    kill: Kill,
    stride: Option<usize>,
    workers: usize,
) -> (Vec<String>, Vec<Outcome>) {
    let started = Instant::now();
    let f = scenario.file(name);
    let picked = points::sample(&f.file, stride);
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(usize, Result<Outcome, String>)>> = Mutex::new(Vec::new());
    std::thread::scope(|scope| {
        for _ in 0..workers.min(picked.len()) {
            scope.spawn(|| {
                while let Some(&k) = picked.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = catch_unwind(AssertUnwindSafe(|| scenario.kill_at(&f, k, kill)))
                        .unwrap_or_else(|payload| Err(panic_text(payload.as_ref())));
                    results
                        .lock()
                        .unwrap_or_else(|e| e.into_inner())
                        .push((k, result));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_else(|e| e.into_inner());
    results.sort_by_key(|(k, _)| *k);
    let count = |o: Outcome| {
        results
            .iter()
            .filter(|(_, r)| r.as_ref().is_ok_and(|x| *x == o))
            .count()
    };
    let failures: Vec<String> = results
        .iter()
        .filter_map(|(k, r)| {
            let s = &f.file.statements[*k];
            r.as_ref().err().map(|why| {
                format!(
                    "{} | {name} | {} after statement {} of {} (line {}: {}):\n{why}",
                    scenario.case,
                    kill.label(),
                    k + 1,
                    f.file.statements.len(),
                    s.line,
                    s.head
                )
            })
        })
        .collect();
    eprintln!(
        "fault injection | {} | {name} | {} statements | {} after statements {} | \
         {} before any COMMIT: as before, then ran again | {} after a COMMIT: ran again | \
         {} after the end: refused to run again | {} FAILED | {:.1} s",
        scenario.case,
        f.file.statements.len(),
        kill.label(),
        points::ranges(&picked),
        count(Outcome::BeforeCommit),
        count(Outcome::AfterCommit),
        count(Outcome::Finished),
        failures.len(),
        started.elapsed().as_secs_f64()
    );
    let outcomes = results.into_iter().filter_map(|(_, r)| r.ok()).collect();
    (failures, outcomes)
}

/// `check`'s failures, or its panic (a case that cannot be set up) as one.
fn guarded(case: &str, check: impl FnOnce() -> Vec<String>) -> Vec<String> {
    catch_unwind(AssertUnwindSafe(check))
        .unwrap_or_else(|payload| vec![format!("{case}: {}", panic_text(payload.as_ref()))])
}

/// Panics listing every failed kill point, the first few in full.
fn report_failures(kill: Kill, failures: &[String]) {
    const SHOWN: usize = 5;
    if failures.is_empty() {
        return;
    }
    let mut text = format!(
        "{} kill points failed ({}):\n",
        failures.len(),
        kill.label()
    );
    for f in failures {
        text.push_str(&format!("  {}\n", f.lines().next().unwrap_or_default()));
    }
    for f in failures.iter().take(SHOWN) {
        text.push_str(&format!("\n--- {f}\n"));
    }
    if failures.len() > SHOWN {
        text.push_str(&format!("\n(and {} more)\n", failures.len() - SHOWN));
    }
    panic!("{text}");
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| (*s).to_owned()))
        .unwrap_or_else(|| "(panic with a non-string payload)".to_owned())
}
