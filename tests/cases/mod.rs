//! The schema cases under `schema/`, run through the offline pipeline
//! exactly as `keyshift generate schema/<case>/schema.sql` would.

#![allow(dead_code)]

use keyshift::config::Config;
use keyshift::pipeline::{self, Output};
use keyshift::plan::Options;
use std::path::PathBuf;

/// Repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn all() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(repo().join("schema"))
        .expect("schema/ exists")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn must_fail(name: &str) -> bool {
    repo()
        .join("schema")
        .join(name)
        .join("expected_error.txt")
        .exists()
}

/// Cases that produce a bundle, sorted.
pub fn names() -> Vec<String> {
    all().into_iter().filter(|n| !must_fail(n)).collect()
}

/// Cases that must be refused, each with the error text kept beside it
/// in `expected_error.txt`, sorted.
pub fn failing() -> Vec<String> {
    all().into_iter().filter(|n| must_fail(n)).collect()
}

/// The source path as the README tells users to pass it.
pub fn source(name: &str) -> String {
    format!("schema/{name}/schema.sql")
}

/// The case's `keyshift.toml`, parsed, when it has one: what
/// `--config schema/<case>/keyshift.toml` would read.
pub fn config(name: &str) -> Option<Config> {
    let path = format!("schema/{name}/keyshift.toml");
    let text = std::fs::read_to_string(repo().join(&path)).ok()?;
    Some(Config::parse(&path, &text).unwrap_or_else(|e| panic!("{e}")))
}

/// Runs the offline pipeline on one case, with its `keyshift.toml`.
pub fn output(name: &str) -> Output {
    let sql = std::fs::read_to_string(repo().join(source(name))).expect("schema.sql");
    pipeline::run_configured(
        &source(name),
        &sql,
        &Options::default(),
        config(name).as_ref(),
    )
    .unwrap_or_else(|e| match e {
        pipeline::InputError::Ddl(e) => panic!("{name}: {:?}", miette::Report::new(*e)),
        pipeline::InputError::Config(e) => panic!("{name}: {e}"),
    })
}
