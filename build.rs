//! Generates the rule registry: every `src/rules/<layer>/<id>.rs` becomes a module whose
//! `check` is registered under the upper-cased file name, and every `rules/<layer>/<ID>.md` is
//! embedded in the binary. Adding a rule therefore needs no edit to any list.

use std::fmt::Write as _;
use std::path::Path;

fn sorted_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .map(|rd| rd.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn main() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let src_rules = root.join("src/rules");
    let doc_rules = root.join("rules");
    println!("cargo:rerun-if-changed={}", src_rules.display());
    println!("cargo:rerun-if-changed={}", doc_rules.display());

    let mut code = String::new();
    let mut impls = String::new();
    for layer_dir in sorted_entries(&src_rules)
        .into_iter()
        .filter(|p| p.is_dir())
    {
        let layer = layer_dir.file_name().unwrap().to_string_lossy().to_string();
        writeln!(code, "pub mod {layer} {{").unwrap();
        for file in sorted_entries(&layer_dir) {
            if file.extension().and_then(|e| e.to_str()) != Some("rs") {
                continue;
            }
            let stem = file.file_stem().unwrap().to_string_lossy().to_string();
            writeln!(
                code,
                "    #[path = {:?}]\n    pub mod {stem};",
                file.display().to_string()
            )
            .unwrap();
            writeln!(
                impls,
                "    RuleImpl {{ id: {:?}, layer_dir: {layer:?}, check: {layer}::{stem}::check }},",
                stem.to_uppercase()
            )
            .unwrap();
        }
        writeln!(code, "}}").unwrap();
    }
    writeln!(
        code,
        "/// Every rule implementation, by layer directory and id."
    )
    .unwrap();
    writeln!(code, "pub static RULE_IMPLS: &[RuleImpl] = &[\n{impls}];").unwrap();

    let mut docs = String::new();
    for layer_dir in sorted_entries(&doc_rules)
        .into_iter()
        .filter(|p| p.is_dir())
    {
        let layer = layer_dir.file_name().unwrap().to_string_lossy().to_string();
        for file in sorted_entries(&layer_dir) {
            if file.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            let name = file.file_name().unwrap().to_string_lossy().to_string();
            writeln!(
                docs,
                "    ({:?}, include_str!({:?})),",
                format!("{layer}/{name}"),
                file.display().to_string()
            )
            .unwrap();
        }
    }
    writeln!(
        code,
        "/// Every rule document, as `(\"<layer>/<ID>.md\", text)`."
    )
    .unwrap();
    writeln!(code, "pub static RULE_DOCS: &[(&str, &str)] = &[\n{docs}];").unwrap();

    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_registry.rs");
    std::fs::write(out, code).unwrap();
}
