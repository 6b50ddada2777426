//! The files online mode writes in place of forward.sql: expand, backfill,
//! catch-up, verify_shadow, cutover, validate, and abort to go back before
//! cutover. Expand and cutover record and swap exactly as forward does, so
//! their templates read forward's view model (through `Deref`) and share
//! its parts (`_forward_state.sql`, `_forward_records.sql`,
//! `_forward_swap.sql`); after cutover the database is as after forward,
//! and rollback.sql, verify_forward.sql and contract.sql serve both modes.

use super::{Common, Forward, buffered, filters};
use crate::render::bundle::Sink;
use crate::render::online::{self, OnlineTableView};
use crate::render::rebuild::RECORD_BATCH;
use askama::Template;
use std::io;
use std::ops::Deref;

/// Online mode's stages and files, in run order (see `super::STAGES`).
pub(super) const STAGES: [(&str, &str); 15] = [
    ("preflight", "preflight.sql"),
    ("analyze_before", "analyze.sql"),
    ("expand", "expand.sql"),
    ("backfill", "backfill.sql"),
    ("verify_shadow", "verify_shadow.sql"),
    ("catch_up", "catch_up.sql"),
    ("cutover", "cutover.sql"),
    ("validate", "validate.sql"),
    ("verify_forward", "verify_forward.sql"),
    ("analyze_after", "analyze.sql"),
    ("abort", "abort.sql"),
    ("rollback", "rollback.sql"),
    ("verify_rollback", "verify_rollback.sql"),
    ("contract", "contract.sql"),
    ("verify_contract", "verify_contract.sql"),
];

/// The forward path, preflight through verify_forward (see
/// `super::SEQUENCE`).
pub(super) const SEQUENCE: [&str; 8] = [
    "preflight",
    "expand",
    "backfill",
    "verify_shadow",
    "catch_up",
    "cutover",
    "validate",
    "verify_forward",
];

/// The stages whose file may run in several sessions at once, each
/// session returning when the whole stage is done (see `super::CONCURRENT`).
pub(super) const CONCURRENT: [&str; 1] = ["backfill"];

/// Rows per backfill batch: each batch is one transaction, short enough
/// that an interruption loses little and vacuum is never held back long.
pub(super) const BATCH_ROWS: u32 = 50_000;

/// catch_up.sql stops once a round replays at most this many rows.
const CATCH_UP_ENOUGH: u32 = 1_000;

/// cutover.sql refuses a backlog larger than this: it replays under
/// ACCESS EXCLUSIVE.
pub(super) const CUTOVER_MOST: u32 = 10_000;

#[derive(Template)]
#[template(path = "expand.sql")]
struct Expand<'a> {
    forward: Forward<'a>,
    online: &'a [OnlineTableView],
    online_regclasses: &'a str,
}

#[derive(Template)]
#[template(path = "cutover.sql")]
struct Cutover<'a> {
    forward: Forward<'a>,
    catch_up_enough: u32,
    online: &'a [OnlineTableView],
    online_regclasses: &'a str,
    cutover_most: u32,
}

macro_rules! derefs_to_forward {
    ($($t:ident),*) => {$(
        impl<'a> Deref for $t<'a> {
            type Target = Forward<'a>;
            fn deref(&self) -> &Forward<'a> {
                &self.forward
            }
        }
    )*};
}
derefs_to_forward!(Expand, Cutover);

#[derive(Template)]
#[template(path = "backfill.sql")]
struct Backfill<'a> {
    header: String,
    plan_hash: &'a str,
    batch_rows: u32,
}

#[derive(Template)]
#[template(path = "catch_up.sql")]
struct CatchUp<'a> {
    header: String,
    plan_hash: &'a str,
    catch_up_enough: u32,
}

#[derive(Template)]
#[template(path = "verify_shadow.sql")]
struct VerifyShadow<'a> {
    header: String,
    plan_hash: &'a str,
    tables: &'a [crate::render::view::TableView],
}

#[derive(Template)]
#[template(path = "validate.sql")]
struct Validate<'a> {
    header: String,
    plan_hash: &'a str,
    lock_timeout: &'a str,
}

#[derive(Template)]
#[template(path = "abort.sql")]
struct Abort<'a> {
    header: String,
    plan_hash: &'a str,
    lock_timeout: &'a str,
    online: &'a [OnlineTableView],
    online_regclasses: &'a str,
    rebuild_schemas: &'a [crate::render::rebuild::RebuildSchemaView],
}

/// Writes online mode's own files; `forward` builds forward's view model
/// with a given header.
pub(super) fn write<'a>(
    common: &'a Common,
    forward: &dyn Fn(String) -> Forward<'a>,
    plan: &crate::plan::Plan,
    sink: &mut dyn Sink,
) -> io::Result<()> {
    let online = online::tables(plan, &common.tables);
    let regclasses = common
        .tables
        .iter()
        .filter(|t| t.rebuild.is_some())
        .map(|t| t.regclass.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    let h = &common.plan_hash;
    sink.file("expand.sql", &mut |w| {
        buffered(w, |w| {
            Expand {
                forward: forward(common.header(
                    "expand.sql",
                    "Online mode: records, empty copies and change capture.",
                )),
                online: &online,
                online_regclasses: &regclasses,
            }
            .write_into(w)
        })
    })?;
    sink.file("backfill.sql", &mut |w| {
        buffered(w, |w| {
            Backfill {
                header: common.header(
                    "backfill.sql",
                    "Online mode: fills the maps and copies in batches.",
                ),
                plan_hash: h,
                batch_rows: BATCH_ROWS,
            }
            .write_into(w)
        })
    })?;
    sink.file("catch_up.sql", &mut |w| {
        buffered(w, |w| {
            CatchUp {
                header: common.header(
                    "catch_up.sql",
                    "Online mode: replays the rows written meanwhile.",
                ),
                plan_hash: h,
                catch_up_enough: CATCH_UP_ENOUGH,
            }
            .write_into(w)
        })
    })?;
    sink.file("verify_shadow.sql", &mut |w| {
        buffered(w, |w| {
            VerifyShadow {
                header: common.header(
                    "verify_shadow.sql",
                    "Online mode: proof that the copies hold the tables' rows.",
                ),
                plan_hash: h,
                tables: &common.tables,
            }
            .write_into(w)
        })
    })?;
    sink.file("cutover.sql", &mut |w| {
        buffered(w, |w| {
            Cutover {
                forward: forward(
                    common.header("cutover.sql", "Online mode: the short switch to uuid keys."),
                ),
                online: &online,
                online_regclasses: &regclasses,
                catch_up_enough: CATCH_UP_ENOUGH,
                cutover_most: CUTOVER_MOST,
            }
            .write_into(w)
        })
    })?;
    sink.file("validate.sql", &mut |w| {
        buffered(w, |w| {
            Validate {
                header: common.header(
                    "validate.sql",
                    "Online mode: validates the foreign keys after cutover.",
                ),
                plan_hash: h,
                lock_timeout: super::LOCK_TIMEOUT,
            }
            .write_into(w)
        })
    })?;
    sink.file("abort.sql", &mut |w| {
        buffered(w, |w| {
            Abort {
                header: common.header("abort.sql", "Online mode: undoes expand before cutover."),
                plan_hash: h,
                lock_timeout: super::LOCK_TIMEOUT,
                online: &online,
                online_regclasses: &regclasses,
                rebuild_schemas: &common.rebuild_schemas,
            }
            .write_into(w)
        })
    })
}
