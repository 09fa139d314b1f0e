//! Directory sources: a maildir, a quilt series, a directory of `git format-patch` output or
//! of `.eml` / `.mbox` files.

use super::Loaded;
use super::files::MessageReader;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

/// Extensions of the files a patch directory is made of.
const PATCH_EXTENSIONS: [&str; 5] = ["patch", "diff", "eml", "mbox", "mbx"];

/// The regular files directly in `dir`, with their names.
fn files_in(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        let entry = entry.map_err(|e| Error::io(dir, e))?;
        let path = entry.path();
        if path.is_file() {
            files.push((entry.file_name().to_string_lossy().into_owned(), path));
        }
    }
    Ok(files)
}

/// The patch and mail files of a directory, in `git format-patch` number order (the number
/// their name starts with), then by name.
pub fn patch_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files: Vec<_> = files_in(dir)?
        .into_iter()
        .filter(|(name, _)| {
            !name.starts_with('.')
                && Path::new(name)
                    .extension()
                    .and_then(|e| e.to_str())
                    .is_some_and(|e| PATCH_EXTENSIONS.iter().any(|p| e.eq_ignore_ascii_case(p)))
        })
        .collect();
    files.sort_by(|(a, _), (b, _)| number_key(a).cmp(&number_key(b)));
    Ok(files)
}

/// Sort key: the leading number (files without one after those with), then the name.
fn number_key(name: &str) -> (bool, u128, &str) {
    let digits: String = name.chars().take_while(char::is_ascii_digit).collect();
    match digits.parse::<u128>() {
        Ok(n) => (false, n, name),
        Err(_) => (true, 0, name),
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| Error::io(path, e))
}

/// A directory of `*.patch` / `*.eml` / `*.mbox` files; each may hold one or many messages.
pub fn load_patch_dir(dir: &Path, source: &str) -> Result<Loaded> {
    let mut reader = MessageReader::new(source);
    for (name, path) in patch_files(dir)? {
        reader.read_file(read(&path)?, Some(&name), &name);
    }
    reader.finish()
}

/// A maildir: the files of `cur/` and `new/`, in file-name order (`tmp/` is ignored).
pub fn load_maildir(dir: &Path, source: &str) -> Result<Loaded> {
    let mut reader = MessageReader::new(source);
    read_maildir_files(&mut reader, &maildir_files(dir)?)?;
    reader.finish()
}

/// The message files of a maildir as (label `cur/NAME` or `new/NAME`, path), in the order
/// they are read: by file name (maildir names begin with the delivery time), then label.
pub fn maildir_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    for sub in ["cur", "new"] {
        let subdir = dir.join(sub);
        if subdir.is_dir() {
            files.extend(
                files_in(&subdir)?
                    .into_iter()
                    .filter(|(name, _)| !name.starts_with('.'))
                    .map(|(name, path)| (format!("{sub}/{name}"), name, path)),
            );
        }
    }
    files.sort_by(|a, b| a.1.cmp(&b.1).then_with(|| a.0.cmp(&b.0)));
    Ok(files
        .into_iter()
        .map(|(label, _, path)| (label, path))
        .collect())
}

/// Adds maildir files (from [`maildir_files`]) to `reader`, one message each.
pub fn read_maildir_files(reader: &mut MessageReader, files: &[(String, PathBuf)]) -> Result<()> {
    for (label, path) in files {
        reader.read_single(read(path)?, Some(label));
    }
    Ok(())
}

/// The patch names of a quilt `series` file, in order: comments (`#`) and blank lines
/// skipped, per-patch options (`-p1`, `-R`) dropped.
pub fn quilt_series(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|line| {
            let line = line.split('#').next().unwrap_or_default();
            line.split_whitespace().next().map(str::to_string)
        })
        .collect()
}

/// The directory holding a quilt `series` file: `dir` itself, or `dir/patches` (the layout
/// quilt makes in a project).
pub fn quilt_dir(dir: &Path) -> Option<PathBuf> {
    [dir.to_path_buf(), dir.join("patches")]
        .into_iter()
        .find(|d| d.join("series").is_file())
}

/// A quilt series: the patches its `series` file names, in that order. A patch file may be a
/// mail or a plain diff with a description before it (see [`MessageReader::read_file`]).
pub fn load_quilt(dir: &Path, source: &str) -> Result<Loaded> {
    let dir = quilt_dir(dir).unwrap_or_else(|| dir.to_path_buf());
    let series_path = dir.join("series");
    let series = String::from_utf8_lossy(&read(&series_path)?).into_owned();
    let names = quilt_series(&series);
    if names.is_empty() {
        return Err(Error::BadInput {
            source_name: source.to_string(),
            what: "the quilt series file names no patches".into(),
        });
    }
    let mut reader = MessageReader::new(source);
    for name in names {
        let path = dir.join(&name);
        let data = read(&path)?;
        reader.read_file(data, Some(&name), &name);
    }
    reader.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn series_file_order_comments_and_options() {
        let text = "# a comment\nfirst.patch\n\n  second.diff -p1 -R\nthird.patch # trailing\n#off.patch\n";
        assert_eq!(
            quilt_series(text),
            ["first.patch", "second.diff", "third.patch"]
        );
    }

    #[test]
    fn number_order_beats_name_order() {
        let mut names = vec!["10-b.patch", "9-a.patch", "cover.eml", "0001-x.patch"];
        names.sort_by_key(|n| number_key(n));
        assert_eq!(
            names,
            ["0001-x.patch", "9-a.patch", "10-b.patch", "cover.eml"]
        );
    }
}
