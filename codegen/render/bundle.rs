//! The rendered files of a bundle, and the only code that writes them.

use std::collections::BTreeMap;
use std::fs;
use std::io;
use std::path::Path;

/// File name → contents, ordered so every listing and diff is stable.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Bundle {
    files: BTreeMap<String, String>,
}

/// How a directory on disk differs from a bundle.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Drift {
    /// Unified diffs of files that differ, missing or extra, in name order.
    pub diffs: Vec<String>,
}

impl Bundle {
    /// Adds a file.
    pub fn insert(&mut self, name: &str, text: String) {
        self.files.insert(name.to_string(), text);
    }

    /// The files in name order.
    pub fn files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.files.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }

    /// One file's contents.
    pub fn get(&self, name: &str) -> Option<&str> {
        self.files.get(name).map(String::as_str)
    }

    /// Writes the bundle to `dir`, replacing what was there. Files go to a
    /// sibling temporary directory first, which is then renamed into place,
    /// so a failure never leaves a half-written bundle behind.
    pub fn write_to(&self, dir: &Path) -> io::Result<()> {
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        fs::create_dir_all(parent)?;
        let staging = tempfile::Builder::new()
            .prefix(".keyshift-")
            .tempdir_in(parent)?;
        for (name, text) in &self.files {
            fs::write(staging.path().join(name), text)?;
        }
        let old = parent.join(format!(
            ".keyshift-old-{}",
            dir.file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        ));
        if old.exists() {
            fs::remove_dir_all(&old)?;
        }
        let had_old = dir.exists();
        if had_old {
            fs::rename(dir, &old)?;
        }
        let staged = staging.keep();
        if let Err(e) = fs::rename(&staged, dir) {
            if had_old {
                fs::rename(&old, dir)?;
            }
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }

    /// Compares the bundle with what `dir` holds: changed, missing and
    /// extra files each produce a unified diff.
    pub fn drift(&self, dir: &Path) -> io::Result<Drift> {
        let mut on_disk = BTreeMap::new();
        if dir.exists() {
            for entry in fs::read_dir(dir)? {
                let entry = entry?;
                if entry.file_type()?.is_file() {
                    let name = entry.file_name().to_string_lossy().into_owned();
                    on_disk.insert(name, fs::read_to_string(entry.path())?);
                }
            }
        }
        let mut names: Vec<&String> = self.files.keys().chain(on_disk.keys()).collect();
        names.sort();
        names.dedup();
        let mut drift = Drift::default();
        for name in names {
            let want = self.files.get(name).map(String::as_str).unwrap_or("");
            let have = on_disk.get(name).map(String::as_str).unwrap_or("");
            if want == have && self.files.contains_key(name) == on_disk.contains_key(name) {
                continue;
            }
            let old_label = format!("a/{name}");
            let new_label = format!("b/{name}");
            let diff = similar::TextDiff::from_lines(have, want)
                .unified_diff()
                .header(&old_label, &new_label)
                .to_string();
            drift.diffs.push(diff);
        }
        Ok(drift)
    }
}
