//! squawk, the PostgreSQL migration linter (npm `squawk-cli`, installed by
//! `.ci/run`), over every SQL file in `generated/`. The rules keyshift
//! breaks on purpose are excluded in `.squawk.toml`, each with its reason;
//! any other finding fails, so a new kind of statement in a template is
//! either justified there or changed. The one psql meta-command a bundle
//! file holds (`\set ON_ERROR_STOP on`, which squawk cannot parse) is left
//! out of the copy squawk reads.

mod support;

use std::path::{Path, PathBuf};
use std::process::Command;

/// `KEYSHIFT_SQUAWK`, else where `.ci/run` installs it, else `squawk` on PATH.
fn squawk() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("KEYSHIFT_SQUAWK").filter(|p| !p.is_empty()) {
        return Some(PathBuf::from(path));
    }
    let installed = Path::new(support::SQUAWK_PREFIX).join("node_modules/.bin/squawk");
    if installed.is_file() {
        return Some(installed);
    }
    Command::new("squawk")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success())
        .then(|| PathBuf::from("squawk"))
}

/// Every `.sql` file under `dir`, recursively, in name order.
fn sql_files(dir: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("dir entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sql_files(&path, found);
        } else if path.extension().is_some_and(|x| x == "sql") {
            found.push(path);
        }
    }
}

#[test]
fn generated_sql_passes_squawk() {
    let Some(squawk) = squawk() else {
        support::skip_or_panic::<()>(
            support::Missing::Squawk,
            "no squawk binary (KEYSHIFT_SQUAWK, the .ci/run install, or PATH)",
        );
        return;
    };
    let repo = Path::new(env!("CARGO_MANIFEST_DIR"));
    let generated = repo.join("generated");
    let mut files = Vec::new();
    sql_files(&generated, &mut files);
    assert!(
        files.len() > 100,
        "only {} SQL files in generated/",
        files.len()
    );
    let work = tempfile::tempdir().expect("temp dir");
    let mut copies = Vec::new();
    for file in &files {
        let text = std::fs::read_to_string(file).expect("read generated file");
        let kept: Vec<&str> = text
            .lines()
            .filter(|l| *l != "\\set ON_ERROR_STOP on")
            .collect();
        let copy = work
            .path()
            .join(file.strip_prefix(&generated).expect("under generated/"));
        std::fs::create_dir_all(copy.parent().expect("a parent")).expect("mkdir");
        std::fs::write(&copy, kept.join("\n") + "\n").expect("write copy");
        copies.push(copy);
    }
    let out = Command::new(&squawk)
        .arg("--config")
        .arg(repo.join(".squawk.toml"))
        .args(&copies)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}", squawk.display()));
    let report =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success(),
        "squawk found what .squawk.toml does not excuse in generated/ (fix the template, or add the rule with its reason):\n{report}"
    );
    eprintln!(
        "squawk: {} files of generated/, nothing unexcused",
        copies.len()
    );
}
