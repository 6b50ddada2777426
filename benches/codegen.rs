//! How codegen scales with the size of the schema: `keyshift generate
//! FILE --out DIR` (the built binary, end to end: read, parse, plan,
//! render, write) on synthetic schemas of 1,000, 2,000, 4,000 and 10,000
//! tables, with its wall time and peak memory (maximum resident set).
//!
//! Table `i` is `public.tNNNNN (id bigserial PRIMARY KEY, name text NOT
//! NULL, ref_k bigint REFERENCES …)` with `min(i, 3)` foreign keys to
//! earlier tables `(i * 7919 + k * 104729) % i`, so 10,000 tables have
//! 29,994 foreign keys, and an index on `ref_0`. Every table converts.
//!
//! `cargo bench --bench codegen` (sizes: `KEYSHIFT_BENCH_SIZES`, a comma
//! list). Each size runs three times and the fastest run counts; memory
//! is the largest of the runs. The goal at 10,000 tables is at most 1 s
//! and 256 MB, and at most about 10x the time of 1,000 tables (linear).
//!
//! Peak memory comes from `getrusage(RUSAGE_CHILDREN)`, which reports the
//! largest child ever waited for; so each run goes through a fresh copy
//! of this bench (`KEYSHIFT_BENCH_CHILD`) that starts keyshift, waits for
//! it and prints its `ru_maxrss`, and sizes never mix.

use std::fmt::Write as _;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

const CHILD: &str = "KEYSHIFT_BENCH_CHILD";

/// The synthetic schema of `tables` tables, as hand-written DDL.
fn schema(tables: usize) -> String {
    let mut sql = String::with_capacity(tables * 200);
    for i in 0..tables {
        write!(
            sql,
            "CREATE TABLE public.t{i:05} (\n    id bigserial PRIMARY KEY,\n    name text NOT NULL"
        )
        .unwrap();
        for k in 0..i.min(3) {
            let j = (i * 7919 + k * 104_729) % i;
            let null = if k == 0 { " NOT NULL" } else { "" };
            write!(
                sql,
                ",\n    ref_{k} bigint{null} REFERENCES public.t{j:05} (id)"
            )
            .unwrap();
        }
        sql.push_str("\n);\n");
        if i > 0 {
            writeln!(
                sql,
                "CREATE INDEX t{i:05}_ref_0_idx ON public.t{i:05} (ref_0);"
            )
            .unwrap();
        }
    }
    sql
}

/// In the child: run the command given as arguments, then print its peak
/// resident set in KiB, from the only child this process ever had.
fn child(args: &[String]) {
    let status = Command::new(&args[0])
        .args(&args[1..])
        .status()
        .expect("cannot start keyshift");
    assert!(status.success(), "keyshift failed: {status}");
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage fills the struct it is given and nothing else.
    let rc = unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()) };
    assert_eq!(rc, 0, "getrusage failed");
    // SAFETY: getrusage succeeded, so the struct is initialised.
    let usage = unsafe { usage.assume_init() };
    println!("{}", usage.ru_maxrss);
}

/// One timed run of `keyshift generate`: its wall time (measured here,
/// so it includes the child's small start-up cost) and peak RSS in MiB.
fn run(schema: &Path, out: &Path) -> (Duration, f64) {
    let start = Instant::now();
    let output = Command::new(std::env::current_exe().expect("bench binary"))
        .env(CHILD, "1")
        .arg(env!("CARGO_BIN_EXE_keyshift"))
        .arg("generate")
        .arg(schema)
        .arg("--out")
        .arg(out)
        .output()
        .expect("cannot start the bench child");
    let elapsed = start.elapsed();
    assert!(
        output.status.success(),
        "generate failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let kib: f64 = String::from_utf8_lossy(&output.stdout)
        .trim()
        .parse()
        .expect("peak memory from the child");
    (elapsed, kib / 1024.0)
}

fn dir_size(dir: &Path) -> u64 {
    std::fs::read_dir(dir)
        .expect("bundle dir")
        .map(|e| e.expect("entry").metadata().expect("metadata").len())
        .sum()
}

fn main() {
    if std::env::var_os(CHILD).is_some() {
        let args: Vec<String> = std::env::args().skip(1).collect();
        return child(&args);
    }
    let sizes: Vec<usize> = std::env::var("KEYSHIFT_BENCH_SIZES")
        .ok()
        .map(|v| {
            v.split(',')
                .map(|s| s.trim().parse().expect("KEYSHIFT_BENCH_SIZES: numbers"))
                .collect()
        })
        .unwrap_or_else(|| vec![1000, 2000, 4000, 10_000]);

    let work = tempfile::tempdir().expect("temp dir");
    let mut rows = Vec::new();
    for &tables in &sizes {
        let file = work.path().join(format!("schema_{tables}.sql"));
        std::fs::write(&file, schema(tables)).expect("schema file");
        let fks = tables * 3 - 6.min(tables * 3);
        let out = work.path().join(format!("out_{tables}"));
        let mut best = Duration::MAX;
        let mut peak = 0.0f64;
        for round in 1..=3 {
            let (t, mib) = run(&file, &out);
            eprintln!("{tables} tables, round {round}: {t:.2?}, {mib:.0} MiB");
            best = best.min(t);
            peak = peak.max(mib);
        }
        let bundle = dir_size(&out) as f64 / 1_000_000.0;
        rows.push((tables, fks, best, peak, bundle));
    }

    println!("tables | foreign keys | time | peak memory | bundle");
    for &(tables, fks, time, peak, bundle) in &rows {
        println!("{tables} | {fks} | {time:.2?} | {peak:.0} MiB | {bundle:.1} MB");
    }
    let time_of = |n: usize| rows.iter().find(|r| r.0 == n).map(|r| r.2);
    if let (Some(small), Some(large)) = (time_of(1000), time_of(10_000)) {
        println!(
            "10k/1k time ratio: {:.1} (linear: about 10; goal at 10k: at most 1 s, 256 MiB)",
            large.as_secs_f64() / small.as_secs_f64()
        );
    }
}
