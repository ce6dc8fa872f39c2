//! `.spoflint.yaml`: discovery by walking up, every setting's effect, located errors, and
//! `spoflint init`.

use std::path::Path;

use assert_cmd::Command;

mod common;
use common::{deployment, write};

fn spoflint() -> Command {
    Command::cargo_bin("spoflint").unwrap()
}

/// (rule, severity) of every finding of `check --format json` run in `dir` on `path`.
fn findings(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let out = spoflint()
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .args(args)
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("{}", String::from_utf8_lossy(&out.stderr)));
    let mut got: Vec<(String, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    got.sort();
    got.dedup();
    got
}

fn pair(rule: &str, severity: &str) -> (String, String) {
    (rule.to_string(), severity.to_string())
}

#[test]
fn rules_layers_params_and_excludes() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("apps/two.yaml", &deployment("two", 2)),
            ("legacy/one.yaml", &deployment("one", 1)),
        ],
    );
    // No configuration: COMPUTE001 (one), COMPUTE002/003/005 (two).
    let base = findings(dir.path(), &["."]);
    assert_eq!(
        base,
        [
            pair("COMPUTE001", "error"),
            pair("COMPUTE002", "warning"),
            pair("COMPUTE003", "warning"),
            pair("COMPUTE005", "warning"),
        ]
    );
    write(
        dir.path(),
        &[(
            ".spoflint.yaml",
            "rules:\n  COMPUTE002: off\n  compute005:\n    severity: error\n  COMPUTE001:\n    min_replicas: 3\nlayers:\n  network: off\nexclude:\n  - legacy/\n",
        )],
    );
    // legacy/ is not scanned; min_replicas 3 makes `two` a COMPUTE001 error; COMPUTE002 is
    // off; COMPUTE005 is an error; found from a subdirectory by walking up.
    assert_eq!(
        findings(&dir.path().join("apps"), &["."]),
        [
            pair("COMPUTE001", "error"),
            pair("COMPUTE003", "warning"),
            pair("COMPUTE005", "error"),
        ]
    );
    assert_eq!(findings(dir.path(), &["--no-config", "."]), base);
    // A whole layer off.
    write(
        dir.path(),
        &[(".spoflint.yaml", "layers:\n  compute: off\n")],
    );
    assert!(findings(dir.path(), &["."]).is_empty());
}

#[test]
fn unknown_keys_are_errors_with_their_location() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), &[("a.yaml", &deployment("a", 3))]);
    for (config, at, says) in [
        (
            "rules:\n  COMPUTE001:\n    min_replica: 3\n",
            ":3:5:",
            "unknown key `min_replica` for COMPUTE001",
        ),
        ("rulez: {}\n", ":1:1:", "unknown key `rulez`"),
        (
            "rules:\n  NOPE001: off\n",
            ":2:3:",
            "unknown rule `NOPE001`",
        ),
        ("layers:\n  compute: maybe\n", ":2:3:", "must be true/false"),
        (
            "rules:\n  COMPUTE001: {severity: fatal}\n",
            ":2:16:",
            "unknown severity `fatal`",
        ),
        (
            "helm:\n  charts:\n    x: {valuez: []}\n",
            ":3:9:",
            "unknown key `valuez`",
        ),
        (
            "classify:\n  data_store: [ledger]\n",
            ":2:3:",
            "unknown key `classify.data_store`",
        ),
        (
            "expect: planet\n",
            ":1:1:",
            "unknown `expect: planet` (zone or region)",
        ),
        (
            "cicd:\n  mirrors: [docker.io]\n",
            ":2:3:",
            "unknown key `cicd.mirrors`",
        ),
        (
            "cicd:\n  deploy_commands: ['ok', 'deploy(']\n",
            ":2:27:",
            "`cicd.deploy_commands`: invalid regular expression: unclosed group",
        ),
        (
            "classify:\n  data_stores: ledger\n",
            ":2:3:",
            "`classify.data_stores` must be a list",
        ),
        (
            "targets:\n  rto: 5 minutes\n",
            ":2:3:",
            "`targets.rto`: `5 minutes` is not a duration",
        ),
        (
            "targets:\n  availability: 101\n",
            ":2:3:",
            "`targets.availability`: `101` is not a percentage",
        ),
        (
            "targets:\n  mttr: 5m\n",
            ":2:3:",
            "unknown key `targets.mttr`",
        ),
        (
            "system:\n  figures: {aws_nope: 99}\n",
            ":2:13:",
            "unknown availability figure `aws_nope`",
        ),
        (
            "system:\n  automated_failover: aws_rds_global_cluster.x\n",
            ":2:3:",
            "`system.automated_failover` must be a list",
        ),
        (
            "system:\n  depend_on: {}\n",
            ":2:3:",
            "unknown key `system.depend_on`",
        ),
    ] {
        write(dir.path(), &[(".spoflint.yaml", config)]);
        let out = spoflint()
            .current_dir(dir.path())
            .args(["check", "."])
            .assert()
            .code(2);
        let err = String::from_utf8_lossy(&out.get_output().stderr).to_string();
        assert!(
            err.contains(&format!(".spoflint.yaml{at}")) && err.contains(says),
            "{config:?}: {err}"
        );
    }
    spoflint()
        .current_dir(dir.path())
        .args(["check", ".", "--config", "missing.yaml"])
        .assert()
        .code(2);
}

#[test]
fn expect_zone_leaves_out_the_cross_region_rules() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[(
            "main.tf",
            "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_s3_bucket\" \"logs\" {\n  bucket = \"logs\"\n}\n\nresource \"aws_kms_key\" \"k\" {\n  multi_region = false\n}\n",
        )],
    );
    let all = findings(dir.path(), &["."]);
    assert!(all.contains(&pair("DATA007", "warning")), "{all:?}");
    assert!(all.iter().any(|(r, _)| r == "SECURITY002"), "{all:?}");
    write(dir.path(), &[(".spoflint.yaml", "expect: zone\n")]);
    let zone = findings(dir.path(), &["."]);
    assert!(
        !zone
            .iter()
            .any(|(r, _)| r == "DATA007" || r == "SECURITY002"),
        "{zone:?}"
    );
    // A cross-region rule turned on by name still runs.
    write(
        dir.path(),
        &[(".spoflint.yaml", "expect: zone\nrules:\n  DATA007: on\n")],
    );
    let named = findings(dir.path(), &["."]);
    assert!(named.contains(&pair("DATA007", "warning")), "{named:?}");
    assert!(!named.iter().any(|(r, _)| r == "SECURITY002"), "{named:?}");
}

#[test]
fn classify_extends_what_is_a_data_store() {
    let sts = |name: &str, image: &str| {
        format!(
            "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: {name}\nspec:\n  replicas: 1\n  selector:\n    matchLabels: {{app: {name}}}\n  template:\n    metadata:\n      labels: {{app: {name}}}\n    spec:\n      containers:\n        - name: main\n          image: {image}\n"
        )
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("ledger.yaml", &sts("ledger", "acme/ledger-node:1.0")),
            ("warmer.yaml", &sts("warmer", "acme/redis-cache-warmer:1.0")),
        ],
    );
    // By default: the ledger is an application, the warmer is redis.
    assert_eq!(
        findings(dir.path(), &["."]),
        [pair("COMPUTE001", "error"), pair("DATA001", "error")]
    );
    let rules = |dir: &Path| -> Vec<(String, String)> {
        let out = spoflint()
            .current_dir(dir)
            .args(["check", "--format", "json", "."])
            .output()
            .unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut got: Vec<(String, String)> = v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                let file = f["file"].as_str().unwrap();
                (f["rule"].as_str().unwrap().to_string(), file.to_string())
            })
            .collect();
        got.sort();
        got
    };
    write(
        dir.path(),
        &[(
            ".spoflint.yaml",
            "classify:\n  data_stores: [Ledger]\n  not_data_stores: [warmer]\n",
        )],
    );
    assert_eq!(
        rules(dir.path()),
        [
            ("COMPUTE001".to_string(), "warmer.yaml".to_string()),
            ("DATA001".to_string(), "ledger.yaml".to_string()),
        ]
    );
}

#[test]
fn cicd_settings_decide_deploy_jobs_and_mirrors() {
    let dir = tempfile::tempdir().unwrap();
    let workflow = "name: ship\non: push\njobs:\n  ship:\n    runs-on: ubuntu-latest\n    container: node:20\n    environment: package/linux\n    steps:\n      - run: ./scripts/release.sh prod\n";
    write(dir.path(), &[(".github/workflows/ship.yml", workflow)]);
    // The environment makes it a deploy job; node:20 is the only image (Docker Hub).
    assert_eq!(
        findings(dir.path(), &["."]),
        [pair("CICD003", "warning"), pair("CICD004", "warning")]
    );
    // Not a deployment environment, and the registry has a mirror: nothing.
    write(
        dir.path(),
        &[(
            ".spoflint.yaml",
            "cicd:\n  not_deploy_environments: ['package/*']\n  mirrored_registries: [Docker.io]\n",
        )],
    );
    assert_eq!(findings(dir.path(), &["."]), []);
    // A command of the project's own deploys again.
    write(
        dir.path(),
        &[(
            ".spoflint.yaml",
            "cicd:\n  not_deploy_environments: ['package/*']\n  deploy_commands: ['scripts/release[.]sh\\s+prod']\n  mirrored_registries: ['*']\n",
        )],
    );
    assert_eq!(findings(dir.path(), &["."]), [pair("CICD003", "warning")]);
}

#[test]
fn terraform_and_helm_inputs_from_the_config() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    // A Terraform case whose verdict depends on a variable, and a chart whose values decide.
    let tf = root.join("fixtures/terraform/data003/fire-tfvars-overrides-default");
    for entry in std::fs::read_dir(&tf).unwrap() {
        let p = entry.unwrap().path();
        std::fs::copy(&p, dir.path().join("tf").join(p.file_name().unwrap()))
            .or_else(|_| {
                std::fs::create_dir_all(dir.path().join("tf"))?;
                std::fs::copy(&p, dir.path().join("tf").join(p.file_name().unwrap()))
            })
            .unwrap();
    }
    write(
        dir.path(),
        &[
            (
                "chart/Chart.yaml",
                "apiVersion: v2\nname: web\nversion: 0.1.0\n",
            ),
            ("chart/values.yaml", "replicaCount: 1\n"),
            ("chart/values-prod.yaml", "replicaCount: 2\n"),
            (
                "chart/templates/d.yaml",
                &deployment("{{ .Release.Name }}", 9)
                    .replace("replicas: 9", "replicas: {{ .Values.replicaCount }}"),
            ),
        ],
    );
    let rules =
        |dir: &Path| -> Vec<String> { findings(dir, &["."]).into_iter().map(|(r, _)| r).collect() };
    let before = rules(dir.path());
    assert!(before.contains(&"DATA003".to_string()), "{before:?}");
    assert!(before.contains(&"COMPUTE001".to_string()), "{before:?}");
    write(
        dir.path(),
        &[(
            ".spoflint.yaml",
            "terraform:\n  vars:\n    multi_az: \"true\"\nhelm:\n  release_name: prod\n  charts:\n    chart:\n      values: [chart/values-prod.yaml]\n",
        )],
    );
    let after = rules(dir.path());
    assert!(!after.contains(&"DATA003".to_string()), "{after:?}");
    assert!(!after.contains(&"COMPUTE001".to_string()), "{after:?}");
    assert!(
        after.contains(&"COMPUTE002".to_string()),
        "2 replicas: {after:?}"
    );
    // The trace names the file the configuration gave.
    let out = spoflint()
        .current_dir(dir.path())
        .args(["check", "--format", "json", "chart"])
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule"] == "COMPUTE002")
        .unwrap();
    assert_eq!(f["resource"]["name"], "prod");
    assert!(
        f["related"].as_array().unwrap().iter().any(|r| r["file"]
            .as_str()
            .unwrap()
            .ends_with("chart/values-prod.yaml")),
        "{f}"
    );
}

#[test]
fn init_writes_a_config_that_loads_and_documents_every_rule() {
    let dir = tempfile::tempdir().unwrap();
    spoflint()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(0);
    let text = std::fs::read_to_string(dir.path().join(".spoflint.yaml")).unwrap();
    let catalog = spoflint::rules::catalog().unwrap();
    for r in &catalog.rules {
        assert!(
            text.contains(&format!("#   {}: {{ severity: ", r.id)),
            "{}",
            r.id
        );
    }
    // Refuses to overwrite.
    spoflint()
        .current_dir(dir.path())
        .arg("init")
        .assert()
        .code(2);
    // Uncommenting the rules section gives a valid configuration that changes nothing.
    let uncommented: String = text
        .lines()
        .map(|l| {
            if l == "# rules:" || l.starts_with("#   ") && l.contains(": { severity:") {
                l.trim_start_matches('#').replacen(' ', "", 1).to_string()
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    assert!(uncommented.contains("\nrules:\n  NETWORK001: { severity: error, min_replicas: 2 }"));
    std::fs::write(dir.path().join(".spoflint.yaml"), uncommented).unwrap();
    write(dir.path(), &[("a.yaml", &deployment("a", 1))]);
    assert_eq!(findings(dir.path(), &["."]), [pair("COMPUTE001", "error")]);
}
