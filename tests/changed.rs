//! `--changed-only`: the whole repository is scanned, findings are reported only for the files
//! that changed (per git, or the files given).

use std::path::Path;
use std::process::Command as Std;

mod common;
use common::git;

use assert_cmd::Command;

fn has_git() -> bool {
    Std::new("git").arg("--version").output().is_ok()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      topologySpreadConstraints:\n        - maxSkew: 1\n          topologyKey: topology.kubernetes.io/zone\n          whenUnsatisfiable: DoNotSchedule\n          labelSelector:\n            matchLabels:\n              app: web\n      containers:\n        - name: web\n          image: nginx\n";

/// A PDB that (with the Deployment's 3 replicas, known only from the other file) forbids every
/// eviction.
const PDB: &str = "apiVersion: policy/v1\nkind: PodDisruptionBudget\nmetadata:\n  name: web\nspec:\n  minAvailable: 3\n  selector:\n    matchLabels:\n      app: web\n";

fn rules(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let out = Command::cargo_bin("spoflint")
        .unwrap()
        .current_dir(dir)
        .args(["check", "--format", "json", "--changed-only"])
        .args(args)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let file = f["file"].as_str().unwrap();
            (
                f["rule"].as_str().unwrap().to_string(),
                file.rsplit('/').next().unwrap().to_string(),
            )
        })
        .collect()
}

#[test]
fn only_changed_files_are_reported_but_everything_is_read() {
    if !has_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    std::fs::write(d.join("deployment.yaml"), DEPLOYMENT).unwrap();
    std::fs::write(d.join("solo.yaml"), common::deployment("solo", 1)).unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);
    // Nothing changed: nothing to report, although solo.yaml has a finding.
    assert!(rules(d, &[]).is_empty());
    // A new, uncommitted PDB: its finding needs the Deployment's replicas from another file.
    std::fs::write(d.join("pdb.yaml"), PDB).unwrap();
    assert_eq!(rules(d, &[]), [("COMPUTE006".into(), "pdb.yaml".into())]);
    // Committed on top of a base: --base compares with the merge base.
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "pdb"]);
    assert!(rules(d, &[]).is_empty());
    assert_eq!(
        rules(d, &["--base", "HEAD~1"]),
        [("COMPUTE006".into(), "pdb.yaml".into())]
    );
    // Files given as arguments (as pre-commit passes them) are the scope.
    assert_eq!(
        rules(d, &["solo.yaml"]),
        [("COMPUTE001".into(), "solo.yaml".into())]
    );
}

#[test]
fn outside_git_files_must_be_given() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("solo.yaml"), common::deployment("solo", 1)).unwrap();
    assert_eq!(
        rules(dir.path(), &["solo.yaml"]),
        [("COMPUTE001".into(), "solo.yaml".into())]
    );
    if has_git() {
        Command::cargo_bin("spoflint")
            .unwrap()
            .current_dir(dir.path())
            .env("GIT_CEILING_DIRECTORIES", dir.path().parent().unwrap())
            .args(["check", "--changed-only"])
            .assert()
            .code(2);
    }
}

#[test]
fn a_changed_archive_scopes_the_templates_inside_it() {
    if !has_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    // Run inside this repository: the chart's subchart archive is "the changed file".
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let found = rules(
        root,
        &["fixtures/helm/tgz-dependency/charts/cache-0.2.0.tgz"],
    );
    assert_eq!(found, [("DATA001".into(), "statefulset.yaml".into())]);
}

#[test]
fn an_overlay_change_reports_what_its_build_makes_of_the_base() {
    if !has_git() {
        eprintln!("skipped: git is not installed");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    git(d, &["init", "-q"]);
    common::write(
        d,
        &[
            (
                "base/kustomization.yaml",
                "resources:\n  - deployment.yaml\n",
            ),
            ("base/deployment.yaml", &common::deployment("api", 1)),
            (
                "overlays/prod/kustomization.yaml",
                "resources:\n  - ../../base\n",
            ),
        ],
    );
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);
    assert!(rules(d, &[]).is_empty());
    // The overlay changes only its namespace: the finding sits in the base file, but the
    // object the changed overlay builds is what it is about.
    common::write(
        d,
        &[(
            "overlays/prod/kustomization.yaml",
            "resources:\n  - ../../base\nnamespace: prod\n",
        )],
    );
    let got = rules(d, &[]);
    assert!(
        got.contains(&("COMPUTE001".to_string(), "deployment.yaml".to_string())),
        "{got:?}"
    );
}
