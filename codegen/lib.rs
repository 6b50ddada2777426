//! keyshift: turn a PostgreSQL schema whose keys are integers into a reviewed,
//! reversible bundle of SQL that moves them to UUIDs.
//!
//! The stages, each its own module, are described in `ARCHITECTURE.md`:
//! catalog → graph → plan → render.

pub mod catalog;
pub mod config;
pub mod ddl;
pub mod draft;
pub mod encoding;
pub mod graph;
mod in_order;
pub mod introspect;
pub mod plan;
pub mod render;

pub mod pipeline;
