//! The top-level modules import one way only (DESIGN.md: mail → patch → queue → policy →
//! triage → tui/cli/export): every `crate::X` a module's files name must be a module to its
//! left in [`ORDER`]. A new top-level module goes into the list where it belongs.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// Each module may name only the modules before it (`Error`/`Result` are `error`'s).
const ORDER: &[&str] = &[
    "error",
    "safe",
    "text",
    "progress",
    "hash",
    "fsutil",
    "demo",
    "mail",
    "source",
    "patch",
    "cache",
    "maintainers",
    "queue",
    "policy",
    "revisions",
    "query",
    "triage",
    "export",
    "tui",
    "cli",
    "fuzzing",
];

fn files_of(module: &str) -> Vec<PathBuf> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let single = src.join(format!("{module}.rs"));
    if single.exists() {
        files.push(single);
    }
    let mut dirs = vec![src.join(module)];
    while let Some(dir) = dirs.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                files.push(path);
            }
        }
    }
    files
}

/// The top-level names after every `crate::` in `text`, braces (`crate::{a, b::c}`) included.
fn named_modules(text: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.trim_start()
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (at, _) in text.match_indices("crate::") {
        let rest = &text[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            for item in split_top_level(group) {
                names.insert(ident(&item));
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names.retain(|n| !n.is_empty());
    names
}

/// The items of a `{…}` group at depth 0, up to its closing brace.
fn split_top_level(group: &str) -> Vec<String> {
    let mut items = vec![String::new()];
    let mut depth = 0usize;
    for c in group.chars() {
        match c {
            '{' => depth += 1,
            '}' if depth == 0 => break,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                items.push(String::new());
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            items.last_mut().expect("one item").push(c);
        }
    }
    items
}

fn module_of(name: &str) -> &str {
    match name {
        "Error" | "Result" => "error",
        other => other,
    }
}

#[test]
fn top_level_modules_import_one_way_only() {
    let mut wrong = Vec::new();
    for (rank, module) in ORDER.iter().enumerate() {
        let files = files_of(module);
        assert!(!files.is_empty(), "src/{module} has no files");
        for file in files {
            let text = std::fs::read_to_string(&file).expect("source readable");
            for name in named_modules(&text) {
                let target = module_of(&name);
                if target == *module {
                    continue;
                }
                match ORDER.iter().position(|m| *m == target) {
                    Some(r) if r < rank => {}
                    Some(_) => wrong.push(format!(
                        "{} names crate::{name}, which comes after {module}",
                        file.display()
                    )),
                    None => wrong.push(format!(
                        "{} names crate::{name}, a module missing from ORDER",
                        file.display()
                    )),
                }
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_scan_sees_groups_and_paths() {
    let names = named_modules(
        "use crate::{Error, queue::{Queue, Series}, policy};\nlet x = crate::tui::run();",
    );
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    assert_eq!(names, ["Error", "policy", "queue", "tui"]);
}

#[test]
fn every_top_level_module_is_in_the_order() {
    let lib = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lib.rs"))
        .expect("lib.rs");
    for line in lib.lines() {
        if let Some(name) = line
            .strip_prefix("pub mod ")
            .and_then(|l| l.strip_suffix(';'))
        {
            assert!(
                ORDER.contains(&name),
                "src/lib.rs declares {name}, missing from ORDER"
            );
        }
    }
}
