//! Rendering: plan → the files of a bundle, in memory. Writing them out is
//! [`bundle::Bundle::write_to`]'s job, so everything here is pure.

pub mod bundle;
pub mod comment;
mod declared;
mod files;
pub mod markdown;
mod surrogate;
mod view;

pub use bundle::Bundle;
pub use bundle::{DriftCheck, Sink, Staging};
pub use files::{PLAN_FORMAT_VERSION, render, render_into};
