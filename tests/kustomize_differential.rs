//! Differential test against Kustomize itself: every kustomization root of the fixtures is
//! built by spoflint and by `kubectl kustomize` (Kustomize v5 as kubectl embeds it), and the
//! objects must be equal, in the same order (values compared parsed, so quoting and key order
//! do not matter).
//!
//! Without `kubectl` the test is skipped with a message, unless `SPOFLINT_REQUIRE_KUSTOMIZE=1`
//! (as in CI), where that is a failure.

use std::path::PathBuf;
use std::process::Command;
use std::sync::Arc;

use spoflint::ingest::yaml;
use spoflint::model::{NodeKind, SourceFile, Val};

fn kubectl() -> bool {
    Command::new("kubectl")
        .args(["kustomize", "--help"])
        .output()
        .is_ok_and(|o| o.status.success())
}

/// A parsed YAML value as JSON, for comparison.
fn json(v: &Val<'_>) -> serde_json::Value {
    match v.kind() {
        NodeKind::Null | NodeKind::Alias(_) => serde_json::Value::Null,
        NodeKind::Bool(b) => b.into(),
        NodeKind::Int(i) => i.into(),
        NodeKind::Float(f) => f.into(),
        NodeKind::Str(s) => s.into(),
        NodeKind::Seq(_) => v.items().map(|i| json(&i)).collect(),
        NodeKind::Map(_) => v
            .raw_entries()
            .into_iter()
            .map(|(k, x)| (k.unwrap_or_default(), json(&x)))
            .collect::<serde_json::Map<_, _>>()
            .into(),
    }
}

fn objects(text: &str) -> Vec<serde_json::Value> {
    let file = SourceFile::new("out.yaml".into(), Arc::from(text));
    let parsed = yaml::parse(&file);
    assert!(parsed.error.is_none(), "{:?}\n{text}", parsed.error);
    parsed
        .documents
        .iter()
        .map(|d| json(&d.tree.val(d.root)))
        .filter(|v| !v.is_null())
        .collect()
}

/// Every kustomization directory under the fixtures that no other one refers to: what
/// spoflint builds, found through its own render of each case.
fn roots() -> Vec<(PathBuf, String)> {
    let mut out = Vec::new();
    for case in std::fs::read_dir("fixtures/kustomize").unwrap() {
        let case = case.unwrap().path();
        if !case.is_dir() {
            continue;
        }
        let r = spoflint::render(std::slice::from_ref(&case), &Default::default()).unwrap();
        assert!(
            r.problems.is_empty(),
            "{}: {:?}",
            case.display(),
            r.problems
        );
        // Helm charts a case holds are rendered too: only the builds are compared here.
        for (name, text) in r.manifests {
            if let Some(dir) = name.strip_suffix("/kustomization.yaml (kustomize build)") {
                out.push((PathBuf::from(dir), text));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn every_fixture_root_builds_as_kubectl_kustomize_builds_it() {
    if !kubectl() {
        assert!(
            std::env::var("SPOFLINT_REQUIRE_KUSTOMIZE").is_err(),
            "kubectl is required (SPOFLINT_REQUIRE_KUSTOMIZE is set)"
        );
        eprintln!("kubectl not found: the Kustomize differential test is skipped");
        return;
    }
    let roots = roots();
    assert!(roots.len() >= 8, "fixture roots went missing: {roots:?}");
    let mut failures = Vec::new();
    for (dir, ours) in &roots {
        // `helmCharts` needs `kubectl kustomize --enable-helm` and a `helm` binary, which this
        // machine does not have: spoflint inflates charts with its own Helm engine, which
        // tests/helm_differential.rs compares with Helm's.
        let k = std::fs::read_to_string(dir.join("kustomization.yaml")).unwrap_or_default();
        if k.contains("helmCharts:") {
            continue;
        }
        let out = Command::new("kubectl")
            .args(["kustomize"])
            .arg(dir)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "kubectl kustomize {} failed: {}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        let theirs = objects(&String::from_utf8_lossy(&out.stdout));
        let mine = objects(ours);
        if theirs != mine {
            failures.push(format!(
                "{}:\n--- kubectl kustomize\n{}\n--- spoflint\n{}",
                dir.display(),
                serde_json::to_string_pretty(&theirs).unwrap(),
                serde_json::to_string_pretty(&mine).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
