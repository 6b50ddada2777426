//! `CREATE TABLE` statements read ahead on a second thread.
//!
//! Tokenizing and parsing a `CREATE TABLE` (`create_table::read`) is half
//! the time of reading a large schema, and needs only the statement's
//! text; adding it to the catalog needs everything before it. So one
//! thread reads the script's `CREATE TABLE` statements in order while the
//! builder takes each when it comes to it, exactly as if it had read it
//! itself: the same statements, the same order, the same errors (a
//! statement that does not read is reported when the builder reaches it,
//! after everything before it). When the builder stops early, the reader
//! stops at its next statement.

use super::classify::{Kind, classify};
use super::create_table::{self, Read};
use super::error::Result;
use super::split::{Piece, PieceKind};
use std::sync::mpsc::{Receiver, sync_channel};

/// How many statements the reader may be ahead of the builder: enough to
/// keep it busy, few enough that their syntax trees take little memory.
const AHEAD: usize = 64;

/// The `CREATE TABLE` statements of a script, read ahead.
pub(crate) struct Tables<'a> {
    /// `(start offset, what reading it gave)`, in script order; `None`
    /// when there is no second core to read on.
    read: Option<Receiver<(usize, Result<Read<'a>>)>>,
}

impl<'a> Tables<'a> {
    /// The statement `text`, starting at `start` in the script: the next
    /// `CREATE TABLE` of the script, read here if the reader is gone.
    pub fn next(&mut self, text: &'a str, start: usize) -> Result<Read<'a>> {
        match self.read.as_ref().and_then(|r| r.recv().ok()) {
            Some((at, read)) => {
                debug_assert_eq!(at, start, "the reader is out of step");
                read
            }
            None => create_table::read(text),
        }
    }
}

/// Whether the piece is a `CREATE TABLE` statement.
pub(crate) fn is_create_table(sql: &str, piece: &Piece) -> bool {
    piece.kind == PieceKind::Statement
        && classify(&sql[piece.start..piece.end]) == Kind::CreateTable
}

/// Runs `build` with the `CREATE TABLE` statements of `pieces` (a split of
/// `sql`) read ahead on another thread when there is a core for it.
pub(crate) fn with_tables<'a, R>(
    sql: &'a str,
    pieces: &[Piece],
    build: impl FnOnce(Tables<'a>) -> R,
) -> R {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    if cores < 2 {
        return build(Tables { read: None });
    }
    std::thread::scope(|s| {
        let (send, receive) = sync_channel(AHEAD);
        s.spawn(move || {
            for piece in pieces.iter().filter(|p| is_create_table(sql, p)) {
                let read = create_table::read(&sql[piece.start..piece.end]);
                // The builder has stopped: nothing more is wanted.
                if send.send((piece.start, read)).is_err() {
                    break;
                }
            }
        });
        // `build` owns the receiver and drops it when it returns, which
        // stops the reader before the scope waits for it.
        build(Tables {
            read: Some(receive),
        })
    })
}
