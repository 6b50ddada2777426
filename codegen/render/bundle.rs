//! The rendered files of a bundle, and the only code that writes them.
//!
//! Rendering hands each file to a [`Sink`] as it is made: the in-memory
//! [`Bundle`], a [`Staging`] directory that becomes the bundle's directory
//! at once, or a [`DriftCheck`] against one. The last two hold one file at
//! a time, so a bundle far larger than memory wants never sits in it whole.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Where rendered files go, one at a time, in the order they are made.
pub trait Sink {
    /// Takes the file `name`, whose contents `write` produces.
    fn file(
        &mut self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()>;

    /// This sink as one that takes files from several threads at once, if
    /// it can: rendering then makes several files at a time.
    fn shared(&mut self) -> Option<&dyn SharedSink> {
        None
    }
}

/// A sink whose files are independent of one another, so that threads may
/// hand it files at the same time (a [`Staging`] directory: each file is
/// its own).
pub trait SharedSink: Sync {
    /// Takes the file `name`, whose contents `write` produces.
    fn file(
        &self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()>;
}

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
        let staging = Staging::new(dir)?;
        for (name, text) in &self.files {
            staging.file(name, &mut |w| w.write_all(text.as_bytes()))?;
        }
        staging.commit()
    }

    /// Compares the bundle with what `dir` holds: changed, missing and
    /// extra files each produce a unified diff.
    pub fn drift(&self, dir: &Path) -> io::Result<Drift> {
        let mut check = DriftCheck::new(dir)?;
        for (name, text) in &self.files {
            check.file(name, &mut |w| w.write_all(text.as_bytes()))?;
        }
        check.finish()
    }
}

impl Sink for Bundle {
    fn file(
        &mut self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let text = render_to_string(write)?;
        self.insert(name, text);
        Ok(())
    }
}

/// One file's contents as text.
fn render_to_string(
    write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
) -> io::Result<String> {
    let mut bytes = Vec::new();
    write(&mut bytes)?;
    String::from_utf8(bytes).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// A bundle being written: files go to a sibling temporary directory of
/// `dir` as they come, and [`Staging::commit`] renames it into place. If
/// anything fails before that, dropping it removes the temporary
/// directory, and `dir` is untouched.
pub struct Staging {
    dir: PathBuf,
    parent: PathBuf,
    staging: tempfile::TempDir,
}

impl Staging {
    /// Starts a bundle that will replace `dir`.
    pub fn new(dir: &Path) -> io::Result<Self> {
        let parent = match dir.parent() {
            Some(p) if !p.as_os_str().is_empty() => p,
            _ => Path::new("."),
        };
        fs::create_dir_all(parent)?;
        let staging = tempfile::Builder::new()
            .prefix(".keyshift-")
            .tempdir_in(parent)?;
        Ok(Staging {
            dir: dir.to_path_buf(),
            parent: parent.to_path_buf(),
            staging,
        })
    }

    /// Replaces `dir` with the files written so far.
    pub fn commit(self) -> io::Result<()> {
        let Staging {
            dir,
            parent,
            staging,
        } = self;
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
            fs::rename(&dir, &old)?;
        }
        let staged = staging.keep();
        if let Err(e) = fs::rename(&staged, &dir) {
            if had_old {
                fs::rename(&old, &dir)?;
            }
            let _ = fs::remove_dir_all(&staged);
            return Err(e);
        }
        if had_old {
            fs::remove_dir_all(&old)?;
        }
        Ok(())
    }
}

impl Sink for Staging {
    fn file(
        &mut self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        SharedSink::file(self, name, write)
    }

    fn shared(&mut self) -> Option<&dyn SharedSink> {
        Some(self)
    }
}

impl SharedSink for Staging {
    fn file(
        &self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        // Runner formats lay their files out in folders (`db/migrate/…`).
        let path = self.staging.path().join(name);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)?;
        }
        let file = fs::File::create(path)?;
        let mut out = io::BufWriter::with_capacity(1 << 16, file);
        write(&mut out)?;
        out.into_inner().map_err(io::IntoInnerError::into_error)?;
        Ok(())
    }
}

/// `--check`: compares each file with the one in `dir` as it is rendered,
/// keeping only the diffs; [`DriftCheck::finish`] adds the files `dir`
/// holds that the bundle does not.
pub struct DriftCheck {
    dir: PathBuf,
    /// The regular files in `dir` not compared yet.
    on_disk: BTreeSet<String>,
    diffs: BTreeMap<String, String>,
}

impl DriftCheck {
    /// Lists the files `dir` holds, in its folders too, by their paths
    /// relative to it with `/` between parts (none when it does not exist).
    pub fn new(dir: &Path) -> io::Result<Self> {
        let mut on_disk = BTreeSet::new();
        if dir.exists() {
            list_files(dir, "", &mut on_disk)?;
        }
        Ok(DriftCheck {
            dir: dir.to_path_buf(),
            on_disk,
            diffs: BTreeMap::new(),
        })
    }

    /// The file `name` in `dir`, if it is there and not compared yet.
    fn take(&mut self, name: &str) -> io::Result<Option<String>> {
        if self.on_disk.remove(name) {
            fs::read_to_string(self.dir.join(name)).map(Some)
        } else {
            Ok(None)
        }
    }

    /// Compares `want` (None: not in the bundle) with `have`, the file
    /// `name` on disk (None: not there), and keeps the diff when they differ.
    fn compare(&mut self, name: &str, want: Option<&str>, have: Option<String>) {
        let (want_text, have_text) = (want.unwrap_or(""), have.as_deref().unwrap_or(""));
        if want_text == have_text && want.is_some() == have.is_some() {
            return;
        }
        let old_label = format!("a/{name}");
        let new_label = format!("b/{name}");
        let diff = similar::TextDiff::from_lines(have_text, want_text)
            .unified_diff()
            .header(&old_label, &new_label)
            .to_string();
        self.diffs.insert(name.to_string(), diff);
    }

    /// The diffs, in name order, with the extra files on disk.
    pub fn finish(mut self) -> io::Result<Drift> {
        for name in std::mem::take(&mut self.on_disk) {
            let have = fs::read_to_string(self.dir.join(&name))?;
            self.compare(&name, None, Some(have));
        }
        Ok(Drift {
            diffs: self.diffs.into_values().collect(),
        })
    }
}

/// Adds the regular files under `dir` to `out`, named `prefix` + their path.
fn list_files(dir: &Path, prefix: &str, out: &mut BTreeSet<String>) -> io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        let kind = entry.file_type()?;
        if kind.is_file() {
            out.insert(name);
        } else if kind.is_dir() {
            list_files(&entry.path(), &format!("{name}/"), out)?;
        }
    }
    Ok(())
}

impl Sink for DriftCheck {
    fn file(
        &mut self,
        name: &str,
        write: &mut dyn FnMut(&mut dyn io::Write) -> io::Result<()>,
    ) -> io::Result<()> {
        let text = render_to_string(write)?;
        let have = self.take(name)?;
        self.compare(name, Some(&text), have);
        Ok(())
    }
}
