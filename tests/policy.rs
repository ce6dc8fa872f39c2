//! User policies (Rego): one case per input format under `fixtures/policies/`, conftest-style
//! policies, a policy that does not parse, a runaway policy, configuration, suppression,
//! baseline and reports, `spoflint policy test`, and the documented schema of what a policy sees.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;

fn spoflint() -> Command {
    let mut cmd = Command::cargo_bin("spoflint").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

const CASES: &str = "fixtures/policies";

/// `check CASE --policy CASE/policy` (no configuration), as JSON: (rule, severity, file:line,
/// message) of each finding of a policy or of INPUT010, in report order.
fn policy_findings(case: &str) -> Vec<(String, String, String, String)> {
    let dir = format!("{CASES}/{case}");
    let out = spoflint()
        .args(["check", &dir, "--no-config", "--format", "json"])
        .args(["--policy", &format!("{dir}/policy")])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            let r = f["rule"].as_str().unwrap();
            r.starts_with("ORG") || r == "MAIN" || r == "INPUT010"
        })
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                format!(
                    "{}:{}",
                    f["file"].as_str().unwrap(),
                    f["start"]["line"].as_u64().unwrap()
                ),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The human report of a case, for snapshots.
fn human(case: &str) -> String {
    let dir = format!("{CASES}/{case}");
    let out = spoflint()
        .args([
            "check",
            &dir,
            "--no-config",
            "--color",
            "never",
            "--no-group",
        ])
        .args(["--policy", &format!("{dir}/policy")])
        .output()
        .unwrap();
    String::from_utf8(out.stdout).unwrap()
}

fn rules(found: &[(String, String, String, String)]) -> Vec<(&str, &str, &str)> {
    found
        .iter()
        .map(|(r, s, at, _)| (r.as_str(), s.as_str(), at.as_str()))
        .collect()
}

#[test]
fn kubernetes_policy_sees_effective_replicas_and_pdbs() {
    let found = policy_findings("kubernetes");
    // web: 2 replicas at spec.replicas (error), no PDB (warning at the header); api reaches 3
    // through its HPA and has a PDB: nothing.
    assert_eq!(
        rules(&found),
        [
            (
                "ORG001",
                "warning",
                "fixtures/policies/kubernetes/deployments.yaml:4"
            ),
            (
                "ORG001",
                "error",
                "fixtures/policies/kubernetes/deployments.yaml:9"
            ),
        ]
    );
    assert!(found[1].3.contains("runs 2 replicas"), "{found:?}");
    insta::assert_snapshot!("policy_kubernetes", human("kubernetes"));
}

#[test]
fn helm_policy_points_at_the_template_line() {
    let found = policy_findings("helm");
    assert_eq!(
        rules(&found),
        [(
            "ORG002",
            "warning",
            "fixtures/policies/helm/chart/templates/deployment.yaml:17"
        )]
    );
}

#[test]
fn kustomize_policy_points_at_the_overlay_patch() {
    let found = policy_findings("kustomize");
    assert_eq!(
        rules(&found),
        [
            (
                "ORG001",
                "warning",
                "fixtures/policies/kustomize/base/deployment.yaml:2"
            ),
            (
                "ORG001",
                "error",
                "fixtures/policies/kustomize/overlays/prod/kustomization.yaml:8"
            ),
        ]
    );
}

#[test]
fn terraform_policy_sees_region_from_tfvars_and_points_at_the_attribute() {
    let found = policy_findings("terraform");
    assert_eq!(
        rules(&found),
        [
            ("ORG003", "error", "fixtures/policies/terraform/main.tf:12"),
            ("ORG003", "error", "fixtures/policies/terraform/main.tf:16"),
        ]
    );
    assert!(found[0].3.contains("ap-south-1"), "{found:?}");
    insta::assert_snapshot!("policy_terraform", human("terraform"));
}

#[test]
fn pipeline_policy_sees_deploy_jobs() {
    let found = policy_findings("pipelines");
    assert_eq!(
        rules(&found),
        [(
            "ORG004",
            "warning",
            "fixtures/policies/pipelines/.github/workflows/deploy.yml:5"
        )]
    );
}

#[test]
fn cross_resource_policy_reads_the_model() {
    let found = policy_findings("cross-resource");
    assert_eq!(
        rules(&found),
        [(
            "ORG005",
            "error",
            "fixtures/policies/cross-resource/dns.tf:7"
        )]
    );
    assert!(
        found[0].3.starts_with("example.com is served by 1"),
        "{found:?}"
    );
}

#[test]
fn a_policy_that_does_not_parse_is_located_and_the_others_run() {
    let found = policy_findings("syntax-error");
    let input010: Vec<_> = found.iter().filter(|f| f.0 == "INPUT010").collect();
    assert_eq!(input010.len(), 1, "{found:?}");
    assert_eq!(
        input010[0].2,
        "fixtures/policies/syntax-error/policy/broken.rego:7"
    );
    assert!(input010[0].3.contains("does not parse"), "{found:?}");
    assert!(found.iter().any(|f| f.0 == "ORG001" && f.1 == "error"));
    insta::assert_snapshot!("policy_syntax_error", human("syntax-error"));
}

#[test]
fn a_runaway_policy_is_stopped_once_and_the_others_run() {
    let start = std::time::Instant::now();
    let found = policy_findings("runaway");
    assert!(start.elapsed().as_secs() < 30, "took {:?}", start.elapsed());
    let input010: Vec<_> = found.iter().filter(|f| f.0 == "INPUT010").collect();
    assert_eq!(input010.len(), 1, "{found:?}");
    assert_eq!(
        input010[0].2,
        "fixtures/policies/runaway/policy/runaway.rego:1"
    );
    assert!(
        input010[0]
            .3
            .contains("stopped on Deployment prod/web: it ran"),
        "{found:?}"
    );
    // The other policy ran on both Deployments.
    assert_eq!(found.iter().filter(|f| f.0 == "ORG001").count(), 3);
}

#[test]
fn conftest_policies_run_unchanged() {
    // Rego v0, package main, deny / violation (objects with msg) / warn_* rules.
    let found = policy_findings("conftest");
    let got: Vec<(&str, &str, &str)> = found
        .iter()
        .map(|(r, s, _, m)| (r.as_str(), s.as_str(), m.as_str()))
        .collect();
    assert_eq!(
        got,
        [
            (
                "MAIN",
                "error",
                "Containers must not run as root in Deployment web"
            ),
            (
                "MAIN",
                "error",
                "Deployment web must run at least 2 replicas"
            ),
            ("MAIN", "warning", "Service web is a NodePort"),
        ]
    );
}

#[test]
fn configuration_loads_policies_sets_severity_and_comments_suppress() {
    let out = spoflint()
        .args(["check", "fixtures/policies/config", "--format", "json"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let org: Vec<(String, String, bool)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "ORG001" && f["message"].as_str().unwrap().contains("replicas"))
        .map(|f| {
            (
                f["message"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
                f["suppressed"].is_object(),
            )
        })
        .collect();
    assert_eq!(
        org,
        [
            (
                "Deployment prod/web runs 1 replicas in production".to_string(),
                "warning".to_string(),
                false
            ),
            (
                "Deployment prod/batch runs 1 replicas in production".to_string(),
                "warning".to_string(),
                true
            ),
        ]
    );
    // `rules: {ORG001: off}` on the command line's configuration turns it off.
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("spoflint.yaml");
    std::fs::write(
        &config,
        format!(
            "policies: [{}/fixtures/policies/config/policy]\nrules:\n  ORG001: off\n",
            env!("CARGO_MANIFEST_DIR")
        ),
    )
    .unwrap();
    let out = spoflint()
        .args([
            "check",
            "fixtures/policies/config",
            "--format",
            "json",
            "--config",
        ])
        .arg(&config)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "ORG001")
    );
}

#[test]
fn an_unknown_rule_id_in_the_configuration_is_located() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("spoflint.yaml");
    std::fs::write(&config, "rules:\n  ORG999: off\n").unwrap();
    let out = spoflint()
        .args(["check", "fixtures/policies/kubernetes", "--config"])
        .arg(&config)
        .args(["--policy", "fixtures/policies/kubernetes/policy"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("spoflint.yaml:2:3: unknown rule `ORG999`"),
        "{err}"
    );
}

#[test]
fn policies_are_listed_explained_and_in_sarif() {
    let out = spoflint()
        .args([
            "rules",
            "--no-config",
            "--policy",
            "fixtures/policies/kubernetes/policy",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.lines().any(|l| l.starts_with("ORG001")
            && l.contains("compute")
            && l.contains("error")
            && l.contains("Production Deployments run 3 replicas")),
        "{text}"
    );
    let out = spoflint()
        .args(["explain", "org001", "--no-config"])
        .args(["--policy", "fixtures/policies/kubernetes/policy"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("ORG001  layer: compute  severity: error"),
        "{text}"
    );
    assert!(text.contains("HorizontalPodAutoscaler"), "{text}");
    assert!(
        text.contains("fixtures/policies/kubernetes/policy/replicas.rego:10"),
        "{text}"
    );
    let out = spoflint()
        .args([
            "check",
            "fixtures/policies/kubernetes",
            "--no-config",
            "--format",
            "sarif",
        ])
        .args(["--policy", "fixtures/policies/kubernetes/policy"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let run = &v["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let index = rules.iter().position(|r| r["id"] == "ORG001").unwrap();
    assert!(rules[index]["helpUri"].is_null());
    let result = run["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["ruleId"] == "ORG001")
        .unwrap();
    assert_eq!(result["ruleIndex"], index);
}

#[test]
fn a_baseline_holds_policy_findings() {
    let dir = tempfile::tempdir().unwrap();
    let baseline = dir.path().join("baseline.json");
    spoflint()
        .args([
            "baseline",
            "fixtures/policies/kubernetes",
            "--no-config",
            "-o",
        ])
        .arg(&baseline)
        .args(["--policy", "fixtures/policies/kubernetes/policy"])
        .assert()
        .success();
    assert!(
        std::fs::read_to_string(&baseline)
            .unwrap()
            .contains("ORG001")
    );
    let out = spoflint()
        .args([
            "check",
            "fixtures/policies/kubernetes",
            "--no-config",
            "--format",
            "json",
            "--baseline",
        ])
        .arg(&baseline)
        .args(["--policy", "fixtures/policies/kubernetes/policy"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 0);
}

#[test]
fn policy_test_runs_test_rules_like_opa_test() {
    let out = spoflint()
        .args([
            "policy",
            "test",
            "fixtures/policies/kubernetes/policy",
            "-v",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("data.org.replicas_test.test_two_replicas_denied: PASS"),
        "{text}"
    );
    assert!(text.ends_with("PASS: 3/3\n"), "{text}");
    // A failing test: exit 1, the failure listed.
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("p_test.rego"),
        "package p\nimport rego.v1\nallow if input.ok\ntest_allow if { allow with input as {\"ok\": false} }\ntest_deny if { not allow with input as {\"ok\": false} }\n",
    )
    .unwrap();
    let out = spoflint()
        .args(["policy", "test"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("data.p.test_allow: FAIL"), "{text}");
    assert!(text.contains("PASS: 1/2\nFAIL: 1/2\n"), "{text}");
    // A policy that does not parse: exit 1, located.
    std::fs::write(dir.path().join("bad.rego"), "package bad\nx := \n").unwrap();
    let out = spoflint()
        .args(["policy", "test"])
        .arg(dir.path())
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(
        text.contains("bad.rego:3:1: policy does not parse"),
        "{text}"
    );
}

#[test]
fn no_network_environment_or_files_from_policies() {
    let dir = tempfile::tempdir().unwrap();
    for (name, call) in [
        (
            "http",
            "http.send({\"method\": \"get\", \"url\": \"http://localhost\"})",
        ),
        ("env", "opa.runtime().env"),
    ] {
        std::fs::write(
            dir.path().join(format!("{name}.rego")),
            format!("package {name}\nimport rego.v1\ndeny contains msg if {{\n  x := {call}\n  msg := sprintf(\"%v\", [x])\n}}\n"),
        )
        .unwrap();
    }
    let out = spoflint()
        .args([
            "check",
            "fixtures/policies/kubernetes",
            "--no-config",
            "--format",
            "json",
            "--policy",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let problems: Vec<&str> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "INPUT010")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .all(|m| m.contains("could not find function")),
        "{problems:?}"
    );
    assert!(
        !v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["rule"] == "HTTP" || f["rule"] == "ENV")
    );
}

/// Every field path under `prefix` of `v` (objects only, down to the fields the schema
/// documents).
fn field_paths(
    v: &serde_json::Value,
    prefix: &str,
    documented: &BTreeSet<&str>,
    out: &mut BTreeSet<String>,
) {
    let serde_json::Value::Object(m) = v else {
        return;
    };
    for (k, x) in m {
        let path = format!("{prefix}.{k}");
        let deeper = documented
            .iter()
            .any(|d| d.starts_with(&format!("{path}.")));
        out.insert(path.clone());
        if deeper {
            field_paths(x, &path, documented, out);
        }
    }
}

#[test]
fn the_schema_documents_exactly_what_policies_see() {
    use spoflint::policy::input::{Index, JOB_FIELDS, SCHEMA};
    let documented: BTreeSet<&str> = SCHEMA.iter().chain(JOB_FIELDS).map(|f| f.path).collect();
    let mut seen = BTreeSet::new();
    for dir in [
        "fixtures/k8s",
        "fixtures/terraform",
        "fixtures/pipelines",
        CASES,
    ] {
        let scan = spoflint::scan(&[dir.into()]).unwrap();
        let index = Index::new(&scan.model, &scan.facts);
        for (id, e) in scan.model.entries() {
            let input = index.input_of(id);
            field_paths(&input["spoflint"], "input.spoflint", &documented, &mut seen);
            if e.as_job().is_some() {
                field_paths(&input, "input", &documented, &mut seen);
                seen.remove("input.spoflint");
                seen.insert("input.spoflint".into());
            }
        }
        let data = index.model_data();
        seen.insert("data.spoflint".into());
        field_paths(&data, "data.spoflint", &documented, &mut seen);
    }
    seen.insert("input.spoflint".into());
    let undocumented: Vec<&String> = seen
        .iter()
        .filter(|p| !documented.contains(p.as_str()))
        .collect();
    assert!(
        undocumented.is_empty(),
        "fields a policy sees but the schema does not document: {undocumented:?}"
    );
    let unseen: Vec<&&str> = documented.iter().filter(|p| !seen.contains(**p)).collect();
    assert!(
        unseen.is_empty(),
        "documented fields no fixture input has: {unseen:?}"
    );
    // docs/policies.md holds the schema as `spoflint policy schema` prints it.
    let doc = std::fs::read_to_string(Path::new("docs/policies.md")).unwrap();
    assert!(
        doc.contains(&spoflint::policy::input::schema_markdown()),
        "docs/policies.md does not hold the current schema: paste `spoflint policy schema` into it"
    );
}

#[test]
fn the_example_policies_load_and_their_tests_pass() {
    let out = spoflint()
        .args(["policy", "test", "examples/policies"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(0), "{text}");
    assert!(
        text.contains("PASS: ") && !text.contains("FAIL") && !text.contains("ERROR"),
        "{text}"
    );
    let out = spoflint()
        .args([
            "rules",
            "--format",
            "json",
            "--no-config",
            "--policy",
            "examples/policies",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let examples = v
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["id"].as_str().unwrap().starts_with("EXAMPLE"))
        .count();
    assert_eq!(examples, 20);
    // Over the bundled fixtures: no policy fails to load or evaluate.
    let out = spoflint()
        .args([
            "check",
            "fixtures",
            "--no-config",
            "--format",
            "json",
            "--policy",
            "examples/policies",
        ])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.iter().any(|f| f["rule"] == "INPUT010"));
    assert!(findings.iter().any(|f| f["rule"] == "EXAMPLE001"));
}
