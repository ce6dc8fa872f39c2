//! The built binary: exit codes, output formats, colour handling, subcommands.

use assert_cmd::Command;
mod common;

fn spoflint() -> Command {
    let mut cmd = Command::cargo_bin("spoflint").unwrap();
    cmd.env_remove("NO_COLOR");
    cmd
}

/// The JSON report on stdout, and the rule ids of its findings.
fn json_report(out: &assert_cmd::assert::Assert) -> (serde_json::Value, Vec<String>) {
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rules = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect();
    (v, rules)
}

const FIRING: &str = "fixtures/k8s/compute001/fire-single-replica";
const WARNING_ONLY: &str = "fixtures/k8s/compute003/fire-no-spread";
const CLEAN: &str = "fixtures/k8s/ha-good";

#[test]
fn exit_0_when_clean() {
    spoflint().args(["check", CLEAN]).assert().code(0);
}

#[test]
fn exit_1_on_findings_at_or_above_fail_on() {
    spoflint().args(["check", FIRING]).assert().code(1);
    spoflint().args(["check", WARNING_ONLY]).assert().code(1);
    spoflint()
        .args(["check", "--fail-on", "error", WARNING_ONLY])
        .assert()
        .code(0);
    spoflint()
        .args(["check", "--fail-on", "never", FIRING])
        .assert()
        .code(0);
    spoflint()
        .args([
            "check",
            "--fail-on",
            "info",
            "fixtures/bad-input/empty.yaml",
        ])
        .assert()
        .code(1);
    spoflint()
        .args(["check", "fixtures/bad-input/empty.yaml"])
        .assert()
        .code(0);
}

#[test]
fn exit_2_on_usage_errors() {
    let out = spoflint().args(["check", "no/such/path"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("no/such/path"), "{stderr}");
    spoflint()
        .args(["check", "--format", "xml", CLEAN])
        .assert()
        .code(2);
    spoflint().args(["explain", "NOPE999"]).assert().code(2);
    spoflint().assert().code(2);
}

#[test]
fn reads_manifests_from_stdin() {
    let manifest = std::fs::read_to_string(format!("{FIRING}/deployment.yaml")).unwrap();
    let out = spoflint()
        .args(["check", "--format", "json", "-"])
        .write_stdin(manifest)
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["findings"][0]["rule"], "COMPUTE001");
    assert_eq!(v["findings"][0]["file"], "<stdin>");
}

#[test]
fn parse_errors_do_not_stop_the_scan() {
    let out = spoflint()
        .args(["check", "--format", "json", "fixtures/bad-input"])
        .assert()
        .code(1);
    let (_, rules) = json_report(&out);
    assert!(
        rules.iter().any(|r| r == "INPUT001") && rules.iter().any(|r| r == "COMPUTE001"),
        "{rules:?}"
    );
}

#[test]
fn json_format_is_documented_shape() {
    let out = spoflint()
        .args(["check", "--format", "json", FIRING])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    assert_eq!(v["version"], 1);
    assert_eq!(v["tool"]["name"], "spoflint");
    let f = &v["findings"][0];
    for key in [
        "rule", "layer", "severity", "title", "message", "help", "file", "label",
    ] {
        assert!(f[key].is_string(), "finding.{key} missing: {f}");
    }
    assert_eq!(f["rule"], "COMPUTE001");
    assert!(f["start"]["line"].as_u64().unwrap() >= 1);
    assert!(f["end"]["column"].as_u64().is_some());
    assert_eq!(f["resource"]["kind"], "Deployment");
    assert!(f["related"].is_array());
    assert_eq!(v["summary"]["errors"], 1);
    let layers: Vec<&String> = v["layers"].as_object().unwrap().keys().collect();
    assert_eq!(
        layers,
        [
            "network", "compute", "control", "data", "dns", "cicd", "gitops", "security"
        ]
    );
    assert_eq!(v["layers"]["compute"]["status"], "fail");
    assert_eq!(v["layers"]["dns"]["status"], "not present");
}

#[test]
fn same_reason_findings_are_grouped_in_human_output() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["a", "b", "c", "d", "e"] {
        common::write(
            dir.path(),
            &[(&format!("{name}.yaml"), &common::deployment(name, 1))],
        );
    }
    common::write(dir.path(), &[("f.yaml", &common::deployment("f", 3))]);
    let human = |extra: &[&str]| {
        let out = spoflint()
            .current_dir(dir.path())
            .args(["check", "."])
            .args(extra)
            .assert()
            .code(1);
        String::from_utf8_lossy(&out.get_output().stdout).to_string()
    };
    let grouped = human(&[]);
    assert_eq!(
        grouped.matches("COMPUTE001 · compute · error").count(),
        1,
        "{grouped}"
    );
    assert!(
        grouped.contains("… and 4 more COMPUTE001 findings for the same reason:\n    - Deployment default/b at b.yaml:"),
        "{grouped}"
    );
    // Every finding still counts.
    assert!(grouped.contains("5 errors"), "{grouped}");
    let full = human(&["--no-group"]);
    assert_eq!(
        full.matches("COMPUTE001 · compute · error").count(),
        5,
        "{full}"
    );
    assert!(!full.contains("for the same reason"), "{full}");
}

#[test]
fn layers_with_resources_no_rule_judges_are_not_a_pass() {
    let out = spoflint()
        .args([
            "check",
            "--format",
            "json",
            "fixtures/terraform/not-judged-other-clouds",
            "fixtures/k8s/not-judged-crds",
        ])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let layers = &v["layers"];
    assert_eq!(layers["network"]["status"], "not judged");
    assert_eq!(
        layers["network"]["notJudged"],
        serde_json::json!({ "google_compute_url_map": 1 })
    );
    assert_eq!(layers["data"]["status"], "not judged");
    assert_eq!(layers["compute"]["status"], "partly judged");
    assert_eq!(
        layers["compute"]["notJudged"],
        serde_json::json!({ "Rollout (argoproj.io)": 1, "google_cloud_run_v2_service": 1 })
    );
    assert_eq!(layers["dns"]["status"], "not present");
    assert!(layers["dns"].get("notJudged").is_none());
    let out = spoflint()
        .args(["check", "fixtures/terraform/not-judged-other-clouds"])
        .assert()
        .code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("? network   not judged (google_compute_url_map ×1)"),
        "{text}"
    );
}

#[test]
fn human_output_has_snippet_help_and_layer_table() {
    let out = spoflint().args(["check", FIRING]).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("COMPUTE001 · compute · error"), "{text}");
    assert!(text.contains("replicas: 1"), "{text}");
    assert!(text.contains("help: set spec.replicas"), "{text}");
    assert!(text.contains("spoflint explain COMPUTE001"), "{text}");
    assert!(text.contains("Zero-SPOF validation"), "{text}");
    assert!(
        !text.contains('\x1b'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn colour_flags() {
    let out = spoflint()
        .args(["check", "--color", "always", FIRING])
        .assert()
        .code(1);
    assert!(out.get_output().stdout.contains(&b'\x1b'));
    let out = spoflint()
        .env("NO_COLOR", "1")
        .args(["check", "--color", "auto", FIRING])
        .assert()
        .code(1);
    assert!(!out.get_output().stdout.contains(&b'\x1b'));
    let out = spoflint()
        .args(["check", "--color", "never", FIRING])
        .assert()
        .code(1);
    assert!(!out.get_output().stdout.contains(&b'\x1b'));
}

#[test]
fn rules_lists_the_catalogue() {
    let out = spoflint().arg("rules").assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    for id in [
        "NETWORK001",
        "COMPUTE007",
        "CONTROL005",
        "DATA002",
        "GITOPS003",
        "CICD001",
        "SECURITY001",
        "INPUT001",
    ] {
        assert!(text.contains(id), "{id} missing from `spoflint rules`");
    }
    let out = spoflint()
        .args(["rules", "--format", "json"])
        .assert()
        .code(0);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let compute001 = v
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == "COMPUTE001")
        .unwrap();
    assert_eq!(compute001["parameters"][0]["name"], "min_replicas");
    assert_eq!(compute001["parameters"][0]["default"], 2);
}

#[test]
fn explain_prints_the_rule_document() {
    let out = spoflint().args(["explain", "compute001"]).assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    let doc = std::fs::read_to_string("rules/compute/COMPUTE001.md").unwrap();
    let body = doc.splitn(3, "---\n").nth(2).unwrap().trim_start();
    assert!(
        text.starts_with("COMPUTE001  layer: compute  severity: error"),
        "{text}"
    );
    assert!(
        text.contains(body),
        "explain must print the document body verbatim"
    );
    // Every rule: `explain` and rules/<layer>/<ID>.md are the same text.
    for entry in std::fs::read_dir("rules").unwrap() {
        for doc in std::fs::read_dir(entry.unwrap().path()).unwrap() {
            let path = doc.unwrap().path();
            let id = path.file_stem().unwrap().to_string_lossy().to_string();
            let text = std::fs::read_to_string(&path).unwrap();
            let body = text.splitn(3, "---\n").nth(2).unwrap().trim();
            let out = spoflint().args(["explain", &id]).assert().code(0);
            let printed = String::from_utf8_lossy(&out.get_output().stdout).to_string();
            assert!(
                printed.contains(body),
                "{id}: explain differs from {}",
                path.display()
            );
        }
    }
}

#[test]
fn several_formats_in_one_run() {
    let dir = tempfile::tempdir().unwrap();
    let sarif = dir.path().join("out.sarif");
    let md = dir.path().join("summary.md");
    let out = spoflint()
        .args(["check", FIRING, "--color", "never", "--format", "human"])
        .arg("--format")
        .arg(format!("sarif={}", sarif.display()))
        .arg("--format")
        .arg(format!("markdown={}", md.display()))
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("COMPUTE001 · compute · error"), "{text}");
    let s: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&sarif).unwrap()).unwrap();
    assert_eq!(s["runs"][0]["results"][0]["ruleId"], "COMPUTE001");
    assert!(std::fs::read_to_string(&md).unwrap().contains("COMPUTE001"));
    // --output takes the format given without a file.
    let json = dir.path().join("out.json");
    spoflint()
        .args(["check", FIRING, "--format", "json", "--output"])
        .arg(&json)
        .assert()
        .code(1)
        .stdout("");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&json).unwrap()).unwrap();
    assert_eq!(v["summary"]["errors"], 1);
    for (format, line_start) in [("github", "::error file="), ("junit", "<?xml")] {
        let out = spoflint()
            .args(["check", FIRING, "--format", format])
            .assert()
            .code(1);
        let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
        assert!(text.starts_with(line_start), "{format}: {text}");
    }
    // Two formats cannot share stdout; unknown formats are usage errors.
    spoflint()
        .args(["check", FIRING, "--format", "human", "--format", "json"])
        .assert()
        .code(2);
    spoflint()
        .args(["check", FIRING, "--format", "xml"])
        .assert()
        .code(2);
}

#[test]
fn respects_gitignore_and_skips_non_manifest_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let single = std::fs::read_to_string(format!("{FIRING}/deployment.yaml")).unwrap();
    std::fs::write(dir.path().join(".gitignore"), "ignored/\n").unwrap();
    std::fs::create_dir(dir.path().join("ignored")).unwrap();
    std::fs::write(dir.path().join("ignored/app.yaml"), &single).unwrap();
    std::fs::write(
        dir.path().join("values.yaml"),
        "replicaCount: 1\nimage: nginx\n",
    )
    .unwrap();
    std::fs::write(dir.path().join(".github.yml"), "on: push\njobs: {}\n").unwrap();
    spoflint().arg("check").arg(dir.path()).assert().code(0);
    std::fs::write(dir.path().join("app.yaml"), &single).unwrap();
    spoflint().arg("check").arg(dir.path()).assert().code(1);
}

#[test]
fn symlinks_are_not_followed_out_of_the_tree() {
    let outside = tempfile::tempdir().unwrap();
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(
        "fixtures/bad-input/good.yaml",
        outside.path().join("app.yaml"),
    )
    .unwrap();
    #[cfg(unix)]
    {
        std::os::unix::fs::symlink(outside.path(), dir.path().join("link")).unwrap();
        std::os::unix::fs::symlink(outside.path().join("app.yaml"), dir.path().join("app.yaml"))
            .unwrap();
        spoflint().arg("check").arg(dir.path()).assert().code(0);
    }
}

#[test]
fn helm_charts_are_rendered_not_parsed_as_yaml() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("mychart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: mychart\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(chart.join("values.yaml"), "replicaCount: 1\n").unwrap();
    // As raw YAML this template would be a Deployment named `{{ .Release.Name }}`.
    std::fs::write(
        chart.join("templates/deployment.yaml"),
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ .Release.Name }}-web\nspec:\n  replicas: {{ .Values.replicaCount }}\n",
    )
    .unwrap();
    let out = spoflint()
        .args(["check", "--format", "json"])
        .arg(dir.path())
        .assert()
        .code(1);
    let (json, rules) = json_report(&out);
    assert_eq!(rules, ["COMPUTE001"]);
    let finding = &json["findings"][0];
    assert_eq!(finding["resource"]["name"], "release-name-web");
    assert!(
        finding["file"]
            .as_str()
            .unwrap()
            .ends_with("mychart/templates/deployment.yaml"),
        "{finding}"
    );
    assert_eq!(finding["start"]["line"], 6);
    // The value's line in values.yaml is a related location.
    assert!(
        finding["related"]
            .as_array()
            .unwrap()
            .iter()
            .any(
                |r| r["file"].as_str().unwrap().ends_with("mychart/values.yaml")
                    && r["start"]["line"] == 1
            ),
        "{finding}"
    );
    // --release-name and --set reach the templates.
    let out = spoflint()
        .args([
            "check",
            "--format",
            "json",
            "--release-name",
            "prod",
            "--set",
            "replicaCount=3",
        ])
        .arg(dir.path())
        .assert()
        .code(1);
    let (json, rules) = json_report(&out);
    assert_eq!(rules, ["COMPUTE003", "COMPUTE005"]);
    assert_eq!(json["findings"][0]["resource"]["name"], "prod-web");
}

#[test]
fn check_dot_inside_a_chart_renders_it() {
    let out = spoflint()
        .current_dir("fixtures/helm/ha-antipatterns")
        .args(["check", "--format", "json"])
        .assert()
        .code(1);
    let (json, rules) = json_report(&out);
    assert_eq!(rules, ["COMPUTE001", "NETWORK001"]);
    assert_eq!(json["findings"][0]["file"], "templates/deployment.yaml");
    let out = spoflint()
        .current_dir("fixtures/helm/ha-antipatterns")
        .arg("render")
        .assert()
        .code(0);
    assert!(String::from_utf8_lossy(&out.get_output().stdout).contains("kind: Deployment"));
}

#[test]
fn helm_values_files_and_set_follow_helms_order() {
    let case = "fixtures/helm/values-override";
    let prod = "fixtures/helm/values-override/values-prod.yaml";
    let rules_with = |args: &[&str]| {
        let out = spoflint()
            .args(["check", case, "--format", "json"])
            .args(args)
            .assert();
        json_report(&out).1
    };
    assert_eq!(rules_with(&[]), ["COMPUTE001"]);
    assert!(rules_with(&["--values", prod]).is_empty());
    assert_eq!(
        rules_with(&["--set", "replicaCount=3"]),
        ["COMPUTE003", "COMPUTE005"]
    );
    // --set wins over --values.
    assert_eq!(
        rules_with(&["-f", prod, "--set", "replicaCount=1"]),
        ["COMPUTE001"]
    );
    spoflint()
        .args(["check", case, "--values", "no/such/values.yaml"])
        .assert()
        .code(2);
}

#[test]
fn render_prints_manifests_like_helm_template() {
    let out = spoflint()
        .args([
            "render",
            "fixtures/helm/values-override",
            "--set",
            "replicaCount=5",
        ])
        .assert()
        .code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.starts_with("---\n# Source: checkout/templates/"),
        "{text}"
    );
    assert!(text.contains("replicas: 5"), "{text}");
    // A chart that cannot be rendered: problems on stderr, exit 1.
    let out = spoflint()
        .args(["render", "fixtures/bad-input/helm-required"])
        .assert()
        .code(1);
    let err = String::from_utf8(out.get_output().stderr.clone()).unwrap();
    assert!(err.contains("database.host is required"), "{err}");
    spoflint()
        .args(["render", "fixtures/k8s/ha-good"])
        .assert()
        .code(2);
}

#[test]
fn overlapping_roots_read_each_file_once() {
    let once = spoflint()
        .args(["check", "--format", "json", CLEAN])
        .assert()
        .code(0);
    let twice = spoflint()
        .args(["check", "--format", "json", CLEAN])
        .arg(format!("./{CLEAN}"))
        .arg(format!("{CLEAN}/../ha-good"))
        .assert()
        .code(0);
    let (a, _) = json_report(&once);
    let (b, _) = json_report(&twice);
    assert_eq!(a["summary"], b["summary"]);
}

#[cfg(unix)]
#[test]
fn fifos_are_refused_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe.yaml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    if !made.is_ok_and(|s| s.success()) {
        eprintln!("skipped: mkfifo is not available");
        return;
    }
    // Named explicitly: a usage error. Inside a directory: skipped. Neither blocks.
    spoflint().arg("check").arg(&fifo).assert().code(2);
    spoflint().arg("check").arg(dir.path()).assert().code(0);
}

#[test]
fn terraform_var_and_var_file_change_the_verdict() {
    let case = "fixtures/terraform/data003/fire-tfvars-overrides-default";
    let fired = |args: &[&str]| {
        let out = spoflint()
            .args(["check", case, "--format", "json"])
            .args(args)
            .assert();
        let (_, rules) = json_report(&out);
        rules.contains(&"DATA003".to_string())
    };
    assert!(fired(&[]), "terraform.tfvars sets multi_az = false");
    assert!(!fired(&["--var", "multi_az=true"]));
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("prod.tfvars");
    std::fs::write(&file, "multi_az = true\n").unwrap();
    assert!(!fired(&["--var-file", file.to_str().unwrap()]));
    // --var wins over --var-file.
    assert!(fired(&[
        "--var-file",
        file.to_str().unwrap(),
        "--var",
        "multi_az=false"
    ]));
}

#[test]
fn terraform_usage_errors_exit_2() {
    spoflint()
        .args(["check", CLEAN, "--var-file", "no/such.tfvars"])
        .assert()
        .code(2);
    spoflint()
        .args(["check", CLEAN, "--var", "novalue"])
        .assert()
        .code(2);
}

#[test]
fn resources_lists_addresses_and_regions() {
    let out = spoflint()
        .args([
            "resources",
            "fixtures/terraform/control008/pass-module-per-region",
        ])
        .assert()
        .code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    assert!(
        text.contains("module.eks_dr.aws_eks_cluster.this  aws  us-west-2"),
        "{text}"
    );
    assert!(text.contains("module.eks_primary.aws_eks_cluster.this  aws  us-east-1"));
    assert!(text.contains("modules/eks/main.tf:"));
}

#[test]
fn resources_lists_pipeline_jobs_in_line_order() {
    let out = spoflint()
        .args([
            "resources",
            "fixtures/pipelines/cicd002/fire-gitlab-extends-include-tags",
        ])
        .assert()
        .code(0);
    let text = String::from_utf8(out.get_output().stdout.clone()).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let dir = "fixtures/pipelines/cicd002/fire-gitlab-extends-include-tags";
    assert_eq!(
        lines[..2],
        [
            format!("{dir}/.gitlab-ci.yml:6  job `build`  GitLab CI  {dir}/.gitlab-ci.yml"),
            format!(
                "{dir}/.gitlab-ci.yml:10  job `deploy-production`  GitLab CI  {dir}/.gitlab-ci.yml"
            ),
        ],
        "{text}"
    );
}

#[test]
fn a_module_calling_the_scanned_directory_itself_resolves_when_scanning_dot() {
    // `spoflint check .` where an example calls the module at the top with `source = "../"`:
    // the top-level files are module `.`, not a path outside the scan.
    let dir = tempfile::tempdir().unwrap();
    common::write(
        dir.path(),
        &[
            (
                "main.tf",
                "variable \"instances\" {\n  default = 2\n}\n\nresource \"aws_rds_cluster\" \"db\" {\n  cluster_identifier = \"db\"\n  engine             = \"aurora-postgresql\"\n}\n\nresource \"aws_rds_cluster_instance\" \"db\" {\n  count              = var.instances\n  cluster_identifier = aws_rds_cluster.db.id\n  engine             = \"aurora-postgresql\"\n  instance_class     = \"db.r6g.large\"\n}\n",
            ),
            (
                "examples/one/main.tf",
                "module \"db\" {\n  source    = \"../../\"\n  instances = 1\n}\n",
            ),
        ],
    );
    let out = spoflint()
        .current_dir(dir.path())
        .args(["check", ".", "--format", "json", "--no-config"])
        .assert()
        .code(1);
    let v: serde_json::Value = serde_json::from_slice(&out.get_output().stdout).unwrap();
    let rules: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(!rules.iter().any(|(r, _)| r == "INPUT005"), "{rules:?}");
    // Judged once, through the example that calls it with one instance.
    let data004: Vec<_> = rules.iter().filter(|(r, _)| r == "DATA004").collect();
    assert_eq!(data004.len(), 1, "{rules:?}");
    assert!(
        data004[0]
            .1
            .contains("module.db.aws_rds_cluster.db has 1 instance"),
        "{rules:?}"
    );
}
