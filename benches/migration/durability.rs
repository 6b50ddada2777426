//! `KEYSHIFT_BENCH_DURABLE=1`: run the bench on a server that writes the
//! way a production server does.
//!
//! The test harness starts its server with `fsync`, `full_page_writes` and
//! `synchronous_commit` off, which is right for tests and for comparing
//! engines (every step pays the same). It is wrong for the writer's stall:
//! with `fsync` off, PostgreSQL also skips the `sync_file_range` calls
//! behind `checkpoint_flush_after`, `bgwriter_flush_after` and
//! `backend_flush_after` (`pg_flush_data` returns at once), so nothing
//! paces the writeback of what the migration writes. The kernel then
//! holds gigabytes of dirty pages and writes them out in one burst, and
//! the application's reads and writes wait behind it. A production server
//! paces those writes, but its commits wait for WAL to reach the disk. Which
//! of the two stalls the application more is measured here, not assumed.

use crate::support::Server;

/// The settings this run's server writes with, for the report's headings.
pub fn describe() -> &'static str {
    if durable() {
        "durable: fsync, full_page_writes and synchronous_commit on"
    } else {
        "fsync, full_page_writes and synchronous_commit off"
    }
}

/// Whether `KEYSHIFT_BENCH_DURABLE` asks for a durable server. Panics on
/// any other value than `0` or `1`: figures from the wrong settings would
/// be read as the right ones.
pub fn durable() -> bool {
    match std::env::var("KEYSHIFT_BENCH_DURABLE").as_deref() {
        Err(_) | Ok("0") => false,
        Ok("1") => true,
        Ok(other) => panic!("KEYSHIFT_BENCH_DURABLE: `{other}` is neither 0 nor 1"),
    }
}

/// Turns the three settings on for the whole server when asked to, and
/// waits until a new session sees them. The server is the bench's own and
/// goes away with it, so `ALTER SYSTEM` changes nothing else; the
/// database it is sent from is dropped at once.
pub fn apply(server: &Server) {
    if !durable() {
        return;
    }
    let db = server.create_database("settings");
    db.psql_sql(
        "ALTER SYSTEM SET fsync = on;
         ALTER SYSTEM SET full_page_writes = on;
         ALTER SYSTEM SET synchronous_commit = on;
         SELECT pg_reload_conf();",
    )
    .expect("ALTER SYSTEM on the bench's server");
    let shown = "SELECT string_agg(setting, ',' ORDER BY name) FROM pg_settings \
                 WHERE name IN ('fsync', 'full_page_writes', 'synchronous_commit')";
    for _ in 0..100 {
        if db.query_rows(shown) == ["on,on,on"] {
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    panic!("the server did not take fsync, full_page_writes and synchronous_commit on within 5 s");
}
