//! Inline `spoflint:ignore` suppressions: where they apply, the mandatory reason, and the
//! INPUT006 findings for comments that are invalid or suppress nothing.

use std::path::Path;

use assert_cmd::Command;
use spoflint::finding::Finding;

mod common;
use common::write;

/// A Deployment with a comment above it and one after its `replicas:` value.
fn deployment(name: &str, replicas: u32, comment_above: &str, replicas_comment: &str) -> String {
    let line = format!("replicas: {replicas}");
    let d =
        common::deployment(name, replicas).replacen(&line, &format!("{line}{replicas_comment}"), 1);
    format!("{comment_above}{d}")
}

fn scan(dir: &Path) -> spoflint::Scan {
    spoflint::scan(&[dir.to_path_buf()]).unwrap()
}

fn of<'a>(scan: &'a spoflint::Scan, rule: &str) -> Vec<&'a Finding> {
    scan.findings.iter().filter(|f| f.rule == rule).collect()
}

#[test]
fn line_and_resource_suppressions_apply() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            // A trailing comment on the offending line.
            (
                "trailing.yaml",
                &deployment(
                    "a",
                    1,
                    "",
                    " # spoflint:ignore COMPUTE001 reason: batch worker",
                ),
            ),
            // On the resource: every finding of the named rules about it.
            (
                "resource.yaml",
                &deployment(
                    "b",
                    2,
                    "# spoflint:ignore COMPUTE002, COMPUTE003 reason: staging only\n",
                    "",
                ),
            ),
            // Not suppressed: the control.
            ("open.yaml", &deployment("c", 1, "", "")),
        ],
    );
    let scan = scan(dir.path());
    let c1 = of(&scan, "COMPUTE001");
    assert_eq!(c1.len(), 2);
    let suppressed: Vec<_> = c1.iter().filter(|f| f.suppressed.is_some()).collect();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(
        suppressed[0].suppressed.as_ref().unwrap().reason,
        "batch worker"
    );
    for rule in ["COMPUTE002", "COMPUTE003"] {
        let fs = of(&scan, rule);
        assert!(!fs.is_empty(), "{rule}");
        assert!(fs.iter().all(|f| f.suppressed.is_some()), "{rule}");
    }
    // COMPUTE005 (no PDB) about b is not named by the comment: still open.
    assert!(
        of(&scan, "COMPUTE005")
            .iter()
            .any(|f| f.suppressed.is_none())
    );
    assert!(
        of(&scan, "INPUT006").is_empty(),
        "{:?}",
        of(&scan, "INPUT006")
    );
}

#[test]
fn terraform_and_helm_comments_suppress_too() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "tf/main.tf",
                "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\n// spoflint:ignore DATA003, DATA005 reason: dev database, rebuilt nightly\nresource \"aws_db_instance\" \"dev\" {\n  engine         = \"postgres\"\n  instance_class = \"db.t4g.micro\"\n  multi_az       = false\n}\n",
            ),
            ("chart/Chart.yaml", "apiVersion: v2\nname: app\nversion: 0.1.0\n"),
            ("chart/values.yaml", "replicaCount: 1\n"),
            (
                "chart/templates/deployment.yaml",
                &deployment(
                    "{{ .Release.Name }}",
                    1,
                    "",
                    "",
                )
                .replace(
                    "  replicas: 1",
                    "  {{/* spoflint:ignore COMPUTE001 reason: one replica per tenant */}}\n  replicas: {{ .Values.replicaCount }}",
                ),
            ),
        ],
    );
    let scan = scan(dir.path());
    for rule in ["DATA003", "DATA005", "COMPUTE001"] {
        let fs = of(&scan, rule);
        assert!(!fs.is_empty(), "{rule}");
        assert!(fs.iter().all(|f| f.suppressed.is_some()), "{rule}: {fs:?}");
    }
    assert!(
        of(&scan, "INPUT006").is_empty(),
        "{:?}",
        of(&scan, "INPUT006")
    );
}

#[test]
fn bad_and_stale_suppressions_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            (
                "no-reason.yaml",
                &deployment("a", 1, "# spoflint:ignore COMPUTE001\n", ""),
            ),
            (
                "unknown.yaml",
                &deployment("b", 3, "# spoflint:ignore COMPUTE999 reason: typo\n", ""),
            ),
            (
                "stale.yaml",
                &deployment(
                    "c",
                    3,
                    "",
                    " # spoflint:ignore COMPUTE001 reason: was one replica once",
                ),
            ),
        ],
    );
    let scan = scan(dir.path());
    let messages: Vec<String> = of(&scan, "INPUT006")
        .iter()
        .map(|f| {
            let path = &scan.model.sources.get(f.primary.source).path;
            format!("{}: {}", path.rsplit('/').next().unwrap(), f.message)
        })
        .collect();
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("no-reason.yaml") && m.contains("has no reason"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("unknown.yaml") && m.contains("unknown rule COMPUTE999"))
    );
    assert!(
        messages
            .iter()
            .any(|m| m.starts_with("stale.yaml") && m.contains("suppresses nothing"))
    );
    // Without a reason nothing is suppressed.
    assert!(
        of(&scan, "COMPUTE001")
            .iter()
            .all(|f| f.suppressed.is_none())
    );
}

#[test]
fn suppressed_findings_do_not_fail_the_run_but_stay_in_json() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "a.yaml",
            &deployment(
                "a",
                1,
                "# spoflint:ignore COMPUTE001 reason: batch worker\n",
                "",
            ),
        )],
    );
    let out = Command::cargo_bin("spoflint")
        .unwrap()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["summary"]["findings"], 0);
    assert_eq!(v["summary"]["suppressed"], 1);
    let f = &v["findings"][0];
    assert_eq!(f["rule"], "COMPUTE001");
    assert_eq!(f["suppressed"]["reason"], "batch worker");
    assert_eq!(f["suppressed"]["start"]["line"], 1);
    let human = Command::cargo_bin("spoflint")
        .unwrap()
        .args(["check", "--color", "never"])
        .arg(dir.path())
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&human.get_output().stdout).to_string();
    assert!(!text.contains("COMPUTE001 ·"), "{text}");
    assert!(
        text.contains("0 errors, 0 warnings, 0 info (1 suppressed)"),
        "{text}"
    );
}

#[test]
fn a_comment_above_a_ci_job_suppresses_its_findings() {
    let dir = tempfile::tempdir().unwrap();
    let workflow = "on: push\njobs:\n  # spoflint:ignore CICD002, CICD003 reason: the platform repository runs Argo CD and the runner pool\n  deploy:\n    runs-on: [self-hosted, prod]\n    environment: prod\n    steps:\n      - run: make\n  other:\n    runs-on: [self-hosted, prod]\n    environment: staging\n    steps:\n      - run: make\n";
    write(dir.path(), &[(".github/workflows/deploy.yml", workflow)]);
    let scan = scan(dir.path());
    // CICD003 points at the first deploy job: suppressed there.
    let cicd003 = of(&scan, "CICD003");
    assert_eq!(cicd003.len(), 1);
    assert!(cicd003[0].suppressed.is_some());
    // CICD002 (cannot judge: no pool in the scan) for each job: only `deploy`'s is suppressed.
    let cicd002: Vec<(bool, &str)> = of(&scan, "CICD002")
        .iter()
        .map(|f| (f.suppressed.is_some(), f.message.as_str()))
        .collect();
    assert_eq!(cicd002.len(), 2, "{cicd002:?}");
    assert!(
        cicd002[0].0 && cicd002[0].1.contains("job `deploy`"),
        "{cicd002:?}"
    );
    assert!(
        !cicd002[1].0 && cicd002[1].1.contains("job `other`"),
        "{cicd002:?}"
    );
    assert!(of(&scan, "INPUT006").is_empty());
}
