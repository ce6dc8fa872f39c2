//! Kustomize builds through the binary: which directories are roots, the configuration that
//! overrides it, what is never read, the bounds, and suppressions in the files a build reads.

mod common;

use assert_cmd::Command;

fn spoflint() -> Command {
    Command::cargo_bin("spoflint").unwrap()
}

/// (rule, severity, message, file, line) of every finding of `spoflint check .` in `dir`.
fn findings(dir: &std::path::Path, extra: &[&str]) -> Vec<(String, String, String, String, u64)> {
    let out = spoflint()
        .current_dir(dir)
        .args(["check", ".", "--format", "json", "--fail-on", "never"])
        .args(extra)
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap().to_string(),
                f["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect()
}

const BASE: &str = "resources:\n  - deployment.yaml\n";

fn overlay(count: u32) -> String {
    format!("resources:\n  - ../../base\nreplicas:\n  - name: api\n    count: {count}\n")
}

#[test]
fn a_base_is_judged_through_each_overlay_and_never_on_its_own() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[
            ("base/kustomization.yaml", BASE),
            ("base/deployment.yaml", &common::deployment("api", 1)),
            ("overlays/prod/kustomization.yaml", &overlay(3)),
            ("overlays/dev/kustomization.yaml", &overlay(1)),
        ],
    );
    let got = findings(dir.path(), &["--no-config"]);
    let compute001: Vec<_> = got.iter().filter(|f| f.0 == "COMPUTE001").collect();
    // Only dev runs one replica; the base alone is never judged.
    assert_eq!(compute001.len(), 1, "{got:?}");
    assert!(
        compute001[0].2.contains("(built by overlays/dev)"),
        "{got:?}"
    );
    assert_eq!(
        (compute001[0].3.as_str(), compute001[0].4),
        ("overlays/dev/kustomization.yaml", 5),
        "{got:?}"
    );

    // Only the roots the configuration lists are built.
    common::write(
        dir.path(),
        &[(".spoflint.yaml", "kustomize:\n  roots: [overlays/prod]\n")],
    );
    let got = findings(dir.path(), &[]);
    assert!(!got.iter().any(|f| f.0 == "COMPUTE001"), "{got:?}");

    // Without building, the files are plain manifests again: the base's 1 replica is reported.
    common::write(
        dir.path(),
        &[(".spoflint.yaml", "kustomize:\n  build: false\n")],
    );
    let got = findings(dir.path(), &[]);
    let compute001: Vec<_> = got.iter().filter(|f| f.0 == "COMPUTE001").collect();
    assert_eq!(compute001.len(), 1, "{got:?}");
    assert_eq!(compute001[0].3, "base/deployment.yaml", "{got:?}");
}

#[test]
fn remote_and_outside_sources_are_never_read_and_said_once() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[
            (
                "app/kustomization.yaml",
                "resources:\n  - https://github.com/example/repo//deploy?ref=v1\n  - github.com/example/repo/base?ref=v1\n  - deployment.yaml\ncomponents:\n  - https://github.com/example/repo//deploy?ref=v1\n",
            ),
            ("app/deployment.yaml", &common::deployment("api", 3)),
            (
                "other/kustomization.yaml",
                "resources:\n  - ../../elsewhere\n",
            ),
        ],
    );
    let got = findings(dir.path(), &["--no-config"]);
    let input005: Vec<_> = got.iter().filter(|f| f.0 == "INPUT005").collect();
    assert_eq!(input005.len(), 3, "{got:?}");
    assert!(input005.iter().all(|f| f.1 == "info"), "{got:?}");
    assert!(
        input005
            .iter()
            .any(|f| f.2.contains("`../elsewhere` is not in the scanned paths")),
        "{got:?}"
    );
    // The rest of the build is still checked.
    assert!(got.iter().any(|f| f.0 == "COMPUTE003"), "{got:?}");
}

#[test]
fn cycles_depth_and_broken_patches_are_located_and_the_scan_goes_on() {
    let dir = tempfile::tempdir().unwrap();
    let mut files: Vec<(String, String)> = vec![
        ("a/kustomization.yaml".into(), "resources:\n  - ../b\n".into()),
        ("b/kustomization.yaml".into(), "resources:\n  - ../a\n".into()),
        (
            "patched/kustomization.yaml".into(),
            "resources:\n  - deployment.yaml\npatches:\n  - path: missing.yaml\n  - patch: |-\n      apiVersion: apps/v1\n      kind: Deployment\n      metadata:\n        name: nothere\n".into(),
        ),
        ("patched/deployment.yaml".into(), common::deployment("api", 1)),
        ("top/kustomization.yaml".into(), "resources:\n  - ../deep/d0\n".into()),
    ];
    for i in 0..40 {
        files.push((
            format!("deep/d{i}/kustomization.yaml"),
            format!("resources:\n  - ../d{}\n", i + 1),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(p, c)| (p.as_str(), c.as_str()))
        .collect();
    common::write(dir.path(), &refs);
    let got = findings(dir.path(), &["--no-config"]);
    let input009: Vec<_> = got.iter().filter(|f| f.0 == "INPUT009").collect();
    let says = |text: &str| input009.iter().any(|f| f.2.contains(text));
    // `a` and `b` refer to each other, so neither is a root: nothing builds them.
    assert!(says("nest more than 32 deep"), "{got:?}");
    assert!(says("`patched/missing.yaml` does not exist"), "{got:?}");
    assert!(
        says("no resource matches the strategic merge patch"),
        "{got:?}"
    );
    // The patched Deployment is still built and judged.
    assert!(
        got.iter()
            .any(|f| f.0 == "COMPUTE001" && f.3 == "patched/deployment.yaml"),
        "{got:?}"
    );
}

#[test]
fn a_cycle_below_a_root_is_reported_at_the_reference_that_closes_it() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[
            ("root/kustomization.yaml", "resources:\n  - ../a\n"),
            ("a/kustomization.yaml", "resources:\n  - ../b\n"),
            ("b/kustomization.yaml", "resources:\n  - ../a\n"),
        ],
    );
    let got = findings(dir.path(), &["--no-config"]);
    let cycle: Vec<_> = got
        .iter()
        .filter(|f| f.0 == "INPUT009" && f.2.contains("cycle"))
        .collect();
    assert_eq!(cycle.len(), 1, "{got:?}");
    assert_eq!(
        (cycle[0].3.as_str(), cycle[0].4),
        ("b/kustomization.yaml", 2),
        "{got:?}"
    );
}

#[test]
fn a_suppression_in_the_base_applies_to_what_the_overlay_builds() {
    let dir = tempfile::tempdir().unwrap();
    let deployment = format!(
        "# spoflint:ignore COMPUTE001 reason: a batch worker, one replica by design\n{}",
        common::deployment("api", 1)
    );
    common::write(
        dir.path(),
        &[
            ("base/kustomization.yaml", BASE),
            ("base/deployment.yaml", &deployment),
            (
                "overlays/prod/kustomization.yaml",
                "resources:\n  - ../../base\nnamespace: prod\n",
            ),
        ],
    );
    let out = spoflint()
        .current_dir(dir.path())
        .args([
            "check",
            ".",
            "--format",
            "json",
            "--no-config",
            "--fail-on",
            "never",
        ])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let f: Vec<&serde_json::Value> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "COMPUTE001")
        .collect();
    assert_eq!(f.len(), 1, "{v}");
    assert!(f[0]["suppressed"].is_object(), "{v}");
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "INPUT006"),
        "{v}"
    );
}

#[test]
fn render_prints_what_kubectl_kustomize_prints() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[
            ("base/kustomization.yaml", BASE),
            ("base/deployment.yaml", &common::deployment("api", 1)),
            ("overlays/prod/kustomization.yaml", &overlay(3)),
        ],
    );
    let out = spoflint()
        .current_dir(dir.path())
        .args(["render", "."])
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.starts_with("---\n# Source: overlays/prod/kustomization.yaml (kustomize build)\napiVersion: apps/v1\nkind: Deployment\n"),
        "{text}"
    );
    assert!(text.contains("\n  replicas: 3\n"), "{text}");
}

#[test]
fn a_flux_kustomization_object_in_a_file_of_that_name_stays_a_resource() {
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[(
            "clusters/prod/kustomization.yaml",
            "apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata:\n  name: apps\n  namespace: flux-system\nspec:\n  interval: 10m\n  path: ./apps\n  sourceRef:\n    kind: GitRepository\n    name: flux-system\n",
        )],
    );
    let out = spoflint()
        .current_dir(dir.path())
        .args(["resources", "."])
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("clusters/prod/kustomization.yaml:2  Kustomization flux-system/apps"),
        "{text}"
    );
}
