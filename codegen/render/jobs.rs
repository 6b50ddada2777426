//! The files of a bundle as jobs, rendered two (or more) at a time when the
//! sink takes files from several threads.
//!
//! Each file is rendered from the same finished view models and written
//! whole by one thread, so what each file holds does not depend on which
//! thread made it or when: only the order in which files reach the sink
//! changes, and no sink's result depends on that order (the bundle and
//! the drift check keep files by name, a directory has no order). Sinks
//! that hold state across files ([`Bundle`](super::Bundle),
//! [`DriftCheck`](super::DriftCheck)) take them one at a time, in the
//! order they were added.

use super::bundle::{SharedSink, Sink};
use std::io;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Renders one file into the writer it is given.
type Render<'a> = Box<dyn FnOnce(&mut dyn io::Write) -> io::Result<()> + Send + 'a>;

/// A file waiting for a thread: its place among the files added, its
/// name, and how to render it.
type Job<'a> = (usize, &'static str, Render<'a>);

/// The files of a bundle, named, not rendered yet.
#[derive(Default)]
pub(super) struct Jobs<'a> {
    files: Vec<(&'static str, Render<'a>)>,
}

/// The files of a psql bundle that take longest to render first, by their
/// time at 10,000 tables (plan.json 90 ms, forward.sql 65 ms, PLAN.md
/// 60 ms, preflight.sql 45 ms, rollback.sql 35 ms, …; time does not follow
/// size: PLAN.md is a quarter of forward.sql's 46 MB): with threads taking
/// the next file as they finish one, starting with the longest leaves the
/// least for one thread alone at the end.
const LONGEST_FIRST: &[&str] = &[
    "plan.json",
    "forward.sql",
    "PLAN.md",
    "preflight.sql",
    "rollback.sql",
    "verify_forward.sql",
    "analyze.sql",
    "verify_rollback.sql",
    "verify_contract.sql",
    "monitor.sql",
    "contract.sql",
];

impl<'a> Jobs<'a> {
    /// Adds the file `name`, which `render` writes.
    pub fn add(
        &mut self,
        name: &'static str,
        render: impl FnOnce(&mut dyn io::Write) -> io::Result<()> + Send + 'a,
    ) {
        self.files.push((name, Box::new(render)));
    }

    /// Renders every file into `sink`: on as many threads as there are
    /// cores (at most one per file) when the sink takes files from several
    /// threads, else one after another in the order they were added. The
    /// first error, in that order, is returned.
    pub fn run(self, sink: &mut dyn Sink) -> io::Result<()> {
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .min(self.files.len());
        match sink.shared() {
            Some(shared) if threads > 1 => run_shared(self.files, shared, threads),
            _ => {
                for (name, render) in self.files {
                    let mut render = Some(render);
                    sink.file(name, &mut |w| match render.take() {
                        Some(r) => r(w),
                        None => Ok(()),
                    })?;
                }
                Ok(())
            }
        }
    }
}

/// Each thread takes the next file not yet taken, longest first, until
/// none is left; errors are kept by the file's place in `files`.
fn run_shared(
    files: Vec<(&'static str, Render<'_>)>,
    sink: &dyn SharedSink,
    threads: usize,
) -> io::Result<()> {
    let rank = |name: &str| {
        LONGEST_FIRST
            .iter()
            .position(|n| *n == name)
            .unwrap_or(LONGEST_FIRST.len())
    };
    let mut queue: Vec<Job> = files
        .into_iter()
        .enumerate()
        .map(|(place, (name, render))| (place, name, render))
        .collect();
    // Stable: files of the same rank keep the order they were added in.
    queue.sort_by_key(|(_, name, _)| rank(name));
    let queue: Vec<Mutex<Option<Job>>> =
        queue.into_iter().map(|job| Mutex::new(Some(job))).collect();
    let next = AtomicUsize::new(0);
    let errors: Mutex<Vec<(usize, io::Error)>> = Mutex::new(Vec::new());
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(slot) = queue.get(i) else { break };
                    let Some((place, name, render)) =
                        slot.lock().unwrap_or_else(|e| e.into_inner()).take()
                    else {
                        continue;
                    };
                    let mut render = Some(render);
                    let result = sink.file(name, &mut |w| match render.take() {
                        Some(r) => r(w),
                        None => Ok(()),
                    });
                    if let Err(e) = result {
                        errors
                            .lock()
                            .unwrap_or_else(|e| e.into_inner())
                            .push((place, e));
                    }
                }
            });
        }
    });
    let mut errors = errors.into_inner().unwrap_or_else(|e| e.into_inner());
    errors.sort_by_key(|(place, _)| *place);
    match errors.into_iter().next() {
        Some((_, e)) => Err(e),
        None => Ok(()),
    }
}
