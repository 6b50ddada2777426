//! Rendering: plan → the files of a bundle, each handed to a
//! [`bundle::Sink`] as it is made. Only the sinks in `bundle.rs`
//! ([`bundle::Staging`], [`bundle::DriftCheck`], [`bundle::Bundle::write_to`])
//! touch the disk, so everything else here is pure.

pub mod bundle;
pub mod comment;
mod constants;
mod declared;
mod files;
pub mod formats;
mod id_space;
mod jobs;
pub mod markdown;
mod observe;
mod online;
mod orphan;
pub(crate) mod rebuild;
mod surrogate;
mod timing;
mod uuid;
pub(crate) mod view;

pub use bundle::Bundle;
pub use bundle::{DriftCheck, SharedSink, Sink, Staging};
pub use files::{PLAN_FORMAT_VERSION, render, render_into};
pub use formats::{Format, FormatError, render_format};
