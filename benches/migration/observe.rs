//! Other connections watching a step while it runs, as the application
//! would: a reader, a writer and a lock sampler, each a thread with its own
//! `postgres` client.
//!
//! Their statements work whatever type the keys have and name tables only,
//! so they keep working when a step rebuilds a table and swaps it in under
//! the same name: PostgreSQL looks the name up again once a waiting
//! statement gets its lock. Each observer pauses between statements, so
//! that on a two-core machine watching costs the step under test little
//! CPU; a pause also bounds how much of a block a figure can miss (one
//! pause at most).

use postgres::{Client, NoTls};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What the reader runs in turn: a table's first row, whatever its key.
const READS: [&str; 2] = [
    "SELECT 1 FROM users LIMIT 1",
    "SELECT 1 FROM journals LIMIT 1",
];

/// Pause between two rounds of the reader.
pub const READ_PAUSE: Duration = Duration::from_millis(5);

/// Pause between two inserts of the writer: about a hundred a second.
pub const WRITE_PAUSE: Duration = Duration::from_millis(10);

/// Pause between two lock samples.
pub const LOCK_PAUSE: Duration = Duration::from_millis(5);

/// Every email the writer inserts starts with this, so its rows can be
/// counted afterwards (the writer's rows are data the bundle must keep).
pub const WRITER_EMAIL_PREFIX: &str = "bench-writer-";

/// Whether an ACCESS EXCLUSIVE lock on `users` or `journals` is held or
/// awaited in this database. Tables are matched by name at each sample, not
/// by OID, because a swap gives them new OIDs; an awaited lock counts
/// because it already blocks every reader queued behind it.
const LOCK_SQL: &str = "
SELECT EXISTS (
    SELECT FROM pg_locks l
    JOIN pg_class c ON c.oid = l.relation
    WHERE l.database = (SELECT oid FROM pg_database WHERE datname = current_database())
      AND l.mode = 'AccessExclusiveLock'
      AND c.relnamespace = 'public'::regnamespace
      AND c.relname IN ('users', 'journals'))";

/// Which observers watch a step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Watch {
    /// Reader, lock sampler and writer.
    ReadsAndWrites,
    /// Reader and lock sampler only: for verify_forward.sql, which compares
    /// the data with what forward saw and so must not see new rows.
    ReadsOnly,
}

/// Statements that failed: an observer that got an error is evidence too.
#[derive(Debug, Clone, Default)]
pub struct Errors {
    pub count: u64,
    /// The first one, as the server put it.
    pub first: Option<String>,
}

impl Errors {
    fn record(&mut self, e: &postgres::Error) {
        self.count += 1;
        self.first.get_or_insert_with(|| describe(e));
    }
}

/// How long one kind of statement took, at worst.
#[derive(Debug, Clone, Default)]
pub struct Latency {
    /// The longest single statement.
    pub longest: Duration,
    /// Statements that succeeded (for the writer: rows inserted).
    pub ok: u64,
    pub errors: Errors,
}

impl Latency {
    fn record<T>(&mut self, took: Duration, result: Result<T, postgres::Error>) {
        self.longest = self.longest.max(took);
        match result {
            Ok(_) => self.ok += 1,
            Err(e) => self.errors.record(&e),
        }
    }
}

/// What the lock sampler saw.
#[derive(Debug, Clone, Default)]
pub struct LockWatch {
    /// The longest continuous stretch of samples that saw the lock, from
    /// the first sample that saw it to the first that did not.
    pub longest: Duration,
    /// Samples taken, and the longest gap between two (the resolution).
    pub samples: u64,
    pub longest_gap: Duration,
    pub errors: Errors,
}

/// Everything the observers saw during one step.
#[derive(Debug, Clone, Default)]
pub struct Observed {
    pub reads: Latency,
    pub lock: LockWatch,
    /// `None` when no writer ran.
    pub writes: Option<Latency>,
}

/// Running observers; [`Observers::finish`] stops them.
pub struct Observers {
    stop: Arc<AtomicBool>,
    reader: JoinHandle<Latency>,
    sampler: JoinHandle<LockWatch>,
    writer: Option<JoinHandle<Latency>>,
}

impl Observers {
    /// Connects every observer first, so that connecting is not part of
    /// what they measure, then starts them.
    pub fn start(url: &str, watch: Watch) -> Observers {
        let reader = connect(url);
        let sampler = connect(url);
        let writer = (watch == Watch::ReadsAndWrites).then(|| connect(url));
        let stop = Arc::new(AtomicBool::new(false));
        Observers {
            reader: spawn(&stop, move |stop| read(reader, stop)),
            sampler: spawn(&stop, move |stop| sample_locks(sampler, stop)),
            writer: writer.map(|client| spawn(&stop, move |stop| write(client, stop))),
            stop,
        }
    }

    /// Stops every observer after its statement in flight, and collects
    /// what each saw.
    pub fn finish(self) -> Observed {
        self.stop.store(true, Ordering::Relaxed);
        Observed {
            reads: self.reader.join().expect("reader thread"),
            lock: self.sampler.join().expect("lock sampler thread"),
            writes: self.writer.map(|w| w.join().expect("writer thread")),
        }
    }
}

fn connect(url: &str) -> Client {
    Client::connect(url, NoTls).unwrap_or_else(|e| panic!("observer cannot connect: {e}"))
}

fn spawn<T: Send + 'static>(
    stop: &Arc<AtomicBool>,
    body: impl FnOnce(&AtomicBool) -> T + Send + 'static,
) -> JoinHandle<T> {
    let stop = Arc::clone(stop);
    thread::spawn(move || body(&stop))
}

/// The reader: each table's first row in turn, then a pause. Simple-query
/// protocol, so no prepared statement outlives a table that is swapped.
fn read(mut client: Client, stop: &AtomicBool) -> Latency {
    let mut latency = Latency::default();
    while !stop.load(Ordering::Relaxed) {
        for sql in READS {
            let start = Instant::now();
            let result = client.simple_query(sql);
            latency.record(start.elapsed(), result);
        }
        thread::sleep(READ_PAUSE);
    }
    latency
}

/// The writer: one `users` row with the default key and a unique email,
/// then a pause.
fn write(mut client: Client, stop: &AtomicBool) -> Latency {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    let mut latency = Latency::default();
    while !stop.load(Ordering::Relaxed) {
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let sql =
            format!("INSERT INTO users (email) VALUES ('{WRITER_EMAIL_PREFIX}{n}@example.com')");
        let start = Instant::now();
        let result = client.simple_query(&sql);
        latency.record(start.elapsed(), result);
        thread::sleep(WRITE_PAUSE);
    }
    latency
}

/// The lock sampler: [`LOCK_SQL`] every [`LOCK_PAUSE`], keeping the
/// longest stretch of samples that saw the lock.
fn sample_locks(mut client: Client, stop: &AtomicBool) -> LockWatch {
    let mut watch = LockWatch::default();
    let statement = match client.prepare(LOCK_SQL) {
        Ok(statement) => statement,
        Err(e) => {
            watch.errors.record(&e);
            return watch;
        }
    };
    let mut stretch = Stretch::default();
    let mut previous: Option<Instant> = None;
    while !stop.load(Ordering::Relaxed) {
        let at = Instant::now();
        if let Some(previous) = previous {
            watch.longest_gap = watch.longest_gap.max(at - previous);
        }
        previous = Some(at);
        match client.query_one(&statement, &[]) {
            Ok(row) => {
                watch.samples += 1;
                stretch.sample(at, row.get(0));
            }
            Err(e) => watch.errors.record(&e),
        }
        thread::sleep(LOCK_PAUSE);
    }
    stretch.sample(Instant::now(), false);
    watch.longest = stretch.longest;
    watch
}

/// The longest run of consecutive samples that saw the lock.
#[derive(Default)]
struct Stretch {
    since: Option<Instant>,
    longest: Duration,
}

impl Stretch {
    fn sample(&mut self, at: Instant, locked: bool) {
        match (locked, self.since) {
            (true, None) => self.since = Some(at),
            (false, Some(since)) => {
                self.longest = self.longest.max(at - since);
                self.since = None;
            }
            _ => {}
        }
    }
}

/// A one-line error: the server's SQLSTATE and message when there is one.
fn describe(e: &postgres::Error) -> String {
    match e.as_db_error() {
        Some(db) => format!("{} {}", db.code().code(), db.message()),
        None => e.to_string(),
    }
}
