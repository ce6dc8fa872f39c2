//! Differential test against Helm itself: every fixture chart is rendered by spoflint and by
//! Helm's own engine (the `helm-python-sdk` package from PyPI, which embeds Helm's Go library,
//! so no `helm` binary is needed), and each template's output must be byte for byte the same.
//!
//! The Python interpreter comes from `SPOFLINT_HELM_PYTHON` (`.ci/run` installs the package into
//! a virtualenv and sets it), else `python3`. Without the package the test is skipped with a
//! message, unless `SPOFLINT_REQUIRE_HELM=1` (as in CI), where that is a failure.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use spoflint::ScanOptions;
use spoflint::ingest::helm::HelmOptions;

const RENDER_PY: &str = r#"
import json, sys
import helm_python as helm
chart = sys.argv[1]
values = None
if len(sys.argv) > 2:
    # Values files as Helm's -f would merge them (later files win, maps merge deeply).
    import yaml
    def merge(a, b):
        for k, v in b.items():
            if isinstance(v, dict) and isinstance(a.get(k), dict):
                merge(a[k], v)
            else:
                a[k] = v
    values = {}
    for f in sys.argv[2:]:
        merge(values, yaml.safe_load(open(f)) or {})
with helm.Chart.load(chart) as ch:
    out = ch.render(values, name="release-name", namespace="default")
json.dump(out, sys.stdout)
"#;

fn python() -> Option<String> {
    let candidate = std::env::var("SPOFLINT_HELM_PYTHON").unwrap_or_else(|_| "python3".into());
    let ok = Command::new(&candidate)
        .args(["-c", "import helm_python, yaml"])
        .output()
        .is_ok_and(|o| o.status.success());
    ok.then_some(candidate)
}

/// Helm's rendering: template name → output, manifests only (no NOTES.txt, partials or
/// whitespace-only output), as spoflint reports them.
fn helm_render(python: &str, chart: &Path, values: &[PathBuf]) -> BTreeMap<String, String> {
    let out = Command::new(python)
        .arg("-c")
        .arg(RENDER_PY)
        .arg(chart)
        .args(values)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "Helm failed on {}: {}",
        chart.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let all: BTreeMap<String, String> = serde_json::from_slice(&out.stdout).unwrap();
    all.into_iter()
        .filter(|(name, text)| {
            let base = name.rsplit('/').next().unwrap_or(name);
            !base.starts_with('_') && base != "NOTES.txt" && !text.trim().is_empty()
        })
        .collect()
}

fn ours(chart: &Path, values: &[PathBuf]) -> BTreeMap<String, String> {
    let options = ScanOptions {
        helm: HelmOptions {
            values_files: values.to_vec(),
            ..HelmOptions::default()
        },
        ..ScanOptions::default()
    };
    let r = spoflint::render(&[chart.to_path_buf()], &options).unwrap();
    assert!(
        r.problems.is_empty(),
        "{}: {:?}",
        chart.display(),
        r.problems
    );
    r.manifests
        .into_iter()
        .filter(|(_, text)| !text.trim().is_empty())
        .collect()
}

#[test]
fn fixture_charts_render_exactly_as_helm_renders_them() {
    let Some(python) = python() else {
        let msg = "skipped: Helm's engine is not available (pip install helm-python-sdk pyyaml, \
                   or set SPOFLINT_HELM_PYTHON to a Python that has it)";
        assert!(
            std::env::var("SPOFLINT_REQUIRE_HELM").is_err(),
            "SPOFLINT_REQUIRE_HELM is set but {msg}"
        );
        eprintln!("{msg}");
        return;
    };
    let mut cases: Vec<(PathBuf, Vec<PathBuf>)> = std::fs::read_dir("fixtures/helm")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .map(|p| (p, Vec::new()))
        .collect();
    cases.sort();
    cases.push((
        PathBuf::from("fixtures/helm/values-override"),
        vec![PathBuf::from(
            "fixtures/helm/values-override/values-prod.yaml",
        )],
    ));
    cases.push((PathBuf::from("fixtures/bad-input/helm-escape"), Vec::new()));
    let mut compared = 0;
    let mut failures = Vec::new();
    for (chart, values) in &cases {
        let theirs = helm_render(&python, chart, values);
        let mine = ours(chart, values);
        let names: Vec<_> = theirs.keys().chain(mine.keys()).collect();
        for name in names {
            match (theirs.get(name), mine.get(name)) {
                (Some(a), Some(b)) if a == b => compared += 1,
                (a, b) => failures.push(format!(
                    "{} {values:?}: {name}\n--- helm\n{}\n--- spoflint\n{}",
                    chart.display(),
                    a.map_or("(nothing)", |s| s),
                    b.map_or("(nothing)", |s| s)
                )),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(compared > 30, "only {compared} templates compared");
}
