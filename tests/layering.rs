//! Imports follow the data flow (README, "How it works"): each module of `src/` may use only
//! modules below it in [`LAYERS`], so there is no import circle, and the model and finding
//! types sit below everything that produces or reads them.

use std::path::{Path, PathBuf};

/// Bottom first. A module may use its own layer's modules only when they are the same unit.
const LAYERS: &[&[&str]] = &[
    &["guard"],
    &["model"],
    &["finding"],
    &["discover", "ingest::yaml"],
    &["ingest"],
    &["facts"],
    &["system"],
    &["rules"],
    &["policy"],
    &["suppress", "config"],
    &["report"],
    &["fuzzing", "scaffold", "lib", "main"],
];

/// The unit of a module path: the most specific entry of [`LAYERS`] that is a prefix of it.
fn unit(module: &str) -> Option<&'static str> {
    LAYERS
        .iter()
        .flat_map(|l| l.iter().copied())
        .filter(|u| module == *u || module.starts_with(&format!("{u}::")))
        .max_by_key(|u| u.len())
}

fn rank(unit: &str) -> usize {
    LAYERS.iter().position(|l| l.contains(&unit)).unwrap()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// `src/ingest/helm/mod.rs` → `ingest::helm`.
fn module_of(path: &Path) -> String {
    let rel = path.strip_prefix("src").unwrap().with_extension("");
    let parts: Vec<String> = rel
        .iter()
        .map(|p| p.to_string_lossy().to_string())
        .filter(|p| p != "mod")
        .collect();
    parts.join("::")
}

/// The code of a file without comments and without its test module.
fn code(text: &str) -> String {
    let text = text.split("#[cfg(test)]").next().unwrap();
    text.lines()
        .map(|l| l.split("//").next().unwrap())
        .collect::<Vec<_>>()
        .join("\n")
}

/// Every module path named after `crate::` (`crate::a::b`, and each item of `crate::{a, b::c}`).
fn crate_paths(code: &str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, _) in code.match_indices("crate::") {
        let rest = &code[i + 7..];
        if let Some(group) = rest.strip_prefix('{') {
            let end = group.find('}').unwrap_or(group.len());
            out.extend(group[..end].split(',').map(|s| s.trim().to_string()));
        } else {
            let end = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == ':'))
                .unwrap_or(rest.len());
            out.push(rest[..end].trim_end_matches(':').to_string());
        }
    }
    out
}

fn violations() -> Vec<String> {
    let mut files = Vec::new();
    rust_files(Path::new("src"), &mut files);
    files.sort();
    let modules: Vec<String> = files.iter().map(|f| module_of(f)).collect();
    let mut out = Vec::new();
    for (file, module) in files.iter().zip(&modules) {
        let from = unit(module).unwrap_or_else(|| panic!("{module} is in no layer"));
        for path in crate_paths(&code(&std::fs::read_to_string(file).unwrap())) {
            // The longest prefix of the path that is a module (the rest names an item).
            let parts: Vec<&str> = path.split("::").collect();
            let Some(target) = (1..=parts.len())
                .rev()
                .map(|k| parts[..k].join("::"))
                .find(|m| modules.contains(m))
            else {
                continue;
            };
            let to = unit(&target).unwrap();
            if to != from && rank(to) >= rank(from) {
                out.push(format!(
                    "{} uses crate::{path} ({from} -> {to})",
                    file.display()
                ));
            }
        }
    }
    out
}

#[test]
fn imports_follow_the_data_flow() {
    let v = violations();
    assert!(
        v.is_empty(),
        "imports against the data flow:\n{}",
        v.join("\n")
    );
}

#[test]
fn the_checker_sees_paths_and_groups() {
    let paths =
        crate_paths("use crate::{model::Span, finding};\nlet x = crate::rules::catalog();\n");
    assert_eq!(paths, ["model::Span", "finding", "rules::catalog"]);
    assert_eq!(unit("ingest::yaml"), Some("ingest::yaml"));
    assert_eq!(unit("ingest::helm::funcs"), Some("ingest"));
    assert!(rank("model") < rank("finding") && rank("rules") < rank("report"));
    assert_eq!(
        code("a // crate::x\n#[cfg(test)]\nmod tests { crate::y }"),
        "a "
    );
}
