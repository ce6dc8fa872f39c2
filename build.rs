//! Generates the rule registry: every `src/rules/<layer>/<id>.rs` becomes a module whose
//! `check` is registered under the upper-cased file name, and every `rules/<layer>/<ID>.md` is
//! embedded in the binary. Adding a rule therefore needs no edit to any list.
//!
//! The parameters in each document's front matter become a typed struct in
//! `crate::rules::params` (`Compute001 { min_replicas }`), so a rule that reads a parameter the
//! document does not declare, or misspells one, does not compile.

use std::fmt::Write as _;
use std::path::Path;

fn sorted_entries(dir: &Path) -> Vec<std::path::PathBuf> {
    // A directory that cannot be read would register no rule at all: fail the build instead.
    let mut v: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            e.unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
                .path()
        })
        .collect();
    v.sort();
    v
}

fn main() {
    // The package's directory when the script runs (not when it was compiled: a build script
    // compiled for a copy of the package elsewhere may be run for this one).
    let root = std::path::PathBuf::from(
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"),
    );
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
    assert!(!impls.is_empty(), "no rule under {}", src_rules.display());
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
    code.push_str(&params_module(&doc_rules));

    let out = Path::new(&std::env::var("OUT_DIR").unwrap()).join("rule_registry.rs");
    std::fs::write(out, code).unwrap();
}

/// One parameter from a rule document's front matter.
struct DocParam {
    name: String,
    default: i64,
    description: String,
}

/// The `parameters:` of a rule document's front matter. The front matter is YAML, always in
/// the shape `parameters: {}` or `parameters:` / `  <name>:` / `    default: <int>` /
/// `    description: <text>`; anything else stops the build with the document's path (the
/// crate's YAML parser checks the same front matter at run time, and a test compares both).
fn doc_params(path: &Path, text: &str) -> Vec<DocParam> {
    let fail = |why: &str| -> ! { panic!("{}: front matter: {why}", path.display()) };
    let front = text
        .strip_prefix("---\n")
        .and_then(|rest| rest.split_once("\n---\n"))
        .map(|(front, _)| front)
        .unwrap_or_else(|| fail("no `---` block"));
    let mut lines = front.lines().skip_while(|l| !l.starts_with("parameters:"));
    match lines.next() {
        None => return Vec::new(),
        Some(l) if l.trim_end() == "parameters: {}" => return Vec::new(),
        Some(l) if l.trim_end() == "parameters:" => {}
        Some(l) => fail(&format!("unexpected `{l}`")),
    }
    let mut params: Vec<DocParam> = Vec::new();
    for line in lines.take_while(|l| l.starts_with(' ')) {
        if let Some(name) = line.strip_prefix("  ").and_then(|l| l.strip_suffix(':'))
            && !name.starts_with(' ')
        {
            if !name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            {
                fail(&format!("parameter name `{name}` is not snake_case"));
            }
            params.push(DocParam {
                name: name.to_string(),
                default: i64::MIN,
                description: String::new(),
            });
            continue;
        }
        let Some(p) = params.last_mut() else {
            fail(&format!("unexpected `{line}`"));
        };
        if let Some(v) = line.strip_prefix("    default: ") {
            p.default = v
                .trim()
                .parse()
                .unwrap_or_else(|_| fail(&format!("default of `{}` is not an integer", p.name)));
        } else if let Some(v) = line.strip_prefix("    description: ") {
            p.description = v.trim().to_string();
        } else {
            fail(&format!("unexpected `{line}`"));
        }
    }
    if let Some(p) = params.iter().find(|p| p.default == i64::MIN) {
        fail(&format!("parameter `{}` has no default", p.name));
    }
    params
}

/// `pub mod params`: one struct per rule that has parameters.
fn params_module(doc_rules: &Path) -> String {
    let mut code = String::from(
        "/// Each rule's parameters, typed, generated from its document's front matter: a rule\n\
         /// reads them with `params::<Id>::of(cx)`.\npub mod params {\n    use super::RuleCx;\n\n",
    );
    let mut defaults = String::new();
    for layer_dir in sorted_entries(doc_rules).into_iter().filter(|p| p.is_dir()) {
        let layer = layer_dir.file_name().unwrap().to_string_lossy().to_string();
        for file in sorted_entries(&layer_dir) {
            if file.extension().and_then(|e| e.to_str()) != Some("md") {
                continue;
            }
            let id = file.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&file).unwrap();
            let params = doc_params(&file, &text);
            for p in &params {
                writeln!(defaults, "        ({id:?}, {:?}, {}),", p.name, p.default).unwrap();
            }
            if params.is_empty() {
                continue;
            }
            let ty = format!("{}{}", &id[..1], id[1..].to_ascii_lowercase());
            writeln!(
                code,
                "    /// Parameters of {id} (`rules/{layer}/{id}.md`).\n    #[derive(Debug, Clone, Copy)]\n    pub struct {ty} {{"
            )
            .unwrap();
            for p in &params {
                writeln!(
                    code,
                    "        /// {} Default {}.\n        pub {}: i64,",
                    p.description, p.default, p.name
                )
                .unwrap();
            }
            writeln!(
                code,
                "    }}\n\n    impl {ty} {{\n        /// The configured values, or the documented defaults.\n        pub fn of(cx: &RuleCx<'_>) -> Self {{\n            debug_assert_eq!(cx.meta.id, {id:?}, \"a rule reads another rule's parameters\");\n            Self {{"
            )
            .unwrap();
            for p in &params {
                writeln!(
                    code,
                    "                {}: cx.configured({:?}).unwrap_or({}),",
                    p.name, p.name, p.default
                )
                .unwrap();
            }
            writeln!(code, "            }}\n        }}\n    }}\n").unwrap();
        }
    }
    writeln!(
        code,
        "    /// `(rule, parameter, default)` as generated, for the test that compares them with\n    /// the catalogue.\n    pub static DEFAULTS: &[(&str, &str, i64)] = &[\n{defaults}    ];\n}}"
    )
    .unwrap();
    code
}
