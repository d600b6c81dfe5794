//! The import rules of `README.md`'s project layout, checked on the source: HTTP stays at the
//! edge, the résumé reader and the database do not know each other, nothing imports
//! `startup`, and the pure layers use neither actix nor diesel. Run with `-- --nocapture` to
//! print which module imports which.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

fn sources(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            sources(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without its unit tests and comments.
fn code(path: &Path) -> String {
    let text = std::fs::read_to_string(path).unwrap();
    let text = text.split("#[cfg(test)]").next().unwrap_or_default();
    text.lines().map(|line| line.split("//").next().unwrap_or_default()).collect::<Vec<_>>().join("\n")
}

/// `src/db/models/users.rs` is in `db`: the first segment under `src/`.
fn module_of(src: &Path, path: &Path) -> String {
    let relative = path.strip_prefix(src).unwrap().with_extension("");
    let first = relative.components().next().unwrap().as_os_str().to_string_lossy().into_owned();
    match first.as_str() {
        "lib" | "main" => "crate".into(),
        other => other.into(),
    }
}

/// Which top-level module imports which, through `crate::` paths.
fn graph() -> (BTreeMap<String, BTreeSet<String>>, BTreeMap<String, String>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    sources(&src, &mut files);
    let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut texts: BTreeMap<String, String> = BTreeMap::new();
    for file in files {
        let from = module_of(&src, &file);
        let text = code(&file);
        for (i, _) in text.match_indices("crate::") {
            let rest = &text[i + "crate::".len()..];
            let to: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '_').collect();
            if !to.is_empty() && to != from {
                edges.entry(from.clone()).or_default().insert(to);
            }
        }
        texts.entry(from).or_default().push_str(&text);
    }
    (edges, texts)
}

#[test]
fn imports_point_one_way() {
    let (edges, texts) = graph();
    for (from, to) in &edges {
        println!("{from:12} -> {}", to.iter().cloned().collect::<Vec<_>>().join(", "));
    }
    let imports = |from: &str, to: &str| edges.get(from).is_some_and(|t| t.contains(to));
    let forbidden = [
        ("resume", "db"),
        ("db", "resume"),
        ("db", "error"),
        ("db", "service"),
        ("db", "routes"),
        ("service", "routes"),
        ("service", "error"),
        ("service", "auth"),
        ("match_index", "service"),
        ("domain", "db"),
        ("domain", "service"),
        ("search", "db"),
    ];
    for (from, to) in forbidden {
        assert!(!imports(from, to), "{from} must not import {to}");
    }
    for (from, to) in &edges {
        assert!(!to.contains("startup") || from == "crate", "{from} imports startup");
    }
    for pure in ["domain", "search", "resume", "service", "match_index"] {
        let text = &texts[pure];
        assert!(!text.contains("actix"), "{pure} uses actix");
        if pure != "service" && pure != "match_index" {
            assert!(!text.contains("diesel"), "{pure} uses diesel");
        }
    }
}
