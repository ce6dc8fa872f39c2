//! `spoflint baseline` records today's findings; `check --baseline` reports only new ones,
//! and the fingerprints survive edits that move findings to other lines.

use assert_cmd::Command;

mod common;
use common::deployment;

fn spoflint() -> Command {
    Command::cargo_bin("spoflint").unwrap()
}

fn rules(out: &assert_cmd::assert::Assert) -> Vec<(String, String)> {
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"]["name"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

#[test]
fn baseline_reports_only_new_findings_across_line_shifts() {
    let dir = tempfile::tempdir().unwrap();
    let scanned = dir.path().join("k8s");
    std::fs::create_dir_all(&scanned).unwrap();
    std::fs::write(scanned.join("a.yaml"), deployment("old", 1)).unwrap();
    let baseline = dir.path().join("baseline.json");
    spoflint()
        .arg("baseline")
        .arg(&scanned)
        .arg("--output")
        .arg(&baseline)
        .assert()
        .code(0);
    let text = std::fs::read_to_string(&baseline).unwrap();
    assert!(
        text.contains("\"fingerprint\"") && text.contains("COMPUTE001"),
        "{text}"
    );

    // Same findings, moved down by a comment block and a new file added.
    std::fs::write(
        scanned.join("a.yaml"),
        format!(
            "# owned by team x\n# see runbook\n\n{}",
            deployment("old", 1)
        ),
    )
    .unwrap();
    std::fs::write(scanned.join("b.yaml"), deployment("new", 1)).unwrap();
    let out = spoflint()
        .args(["check", "--format", "json", "--baseline"])
        .arg(&baseline)
        .arg(&scanned)
        .assert()
        .code(1);
    assert_eq!(rules(&out), [("COMPUTE001".to_string(), "new".to_string())]);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["summary"]["baselined"], 1);

    // Only known findings: clean exit.
    std::fs::remove_file(scanned.join("b.yaml")).unwrap();
    spoflint()
        .args(["check", "--baseline"])
        .arg(&baseline)
        .arg(&scanned)
        .assert()
        .code(0);

    // A file that is not a baseline is a usage error.
    std::fs::write(dir.path().join("bad.json"), "[]").unwrap();
    spoflint()
        .args(["check", "--baseline"])
        .arg(dir.path().join("bad.json"))
        .arg(&scanned)
        .assert()
        .code(2);
}
