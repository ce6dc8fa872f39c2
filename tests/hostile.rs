//! Hostile input, as someone who does not wish the repository well would write it in a pull
//! request. Every case runs the binary under `ulimit -v` (1 GiB of address space) and a time
//! limit, and must end with exit status 0 or 1 (2 for a usage error), a located finding for
//! what was bounded or skipped, and the good file beside the hostile one still judged.

use std::path::{Path, PathBuf};
use std::process::Output;

mod common;
use common::{deployment, write};

/// Address space the binary may use, in KiB.
const MEMORY_KIB: u64 = 1 << 20;
/// Wall-clock seconds a case may take (a debug build; the release binary is many times faster).
const SECONDS: u64 = 120;

/// Runs the binary in `dir` under the memory and time limits.
fn run_in(dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    run_as(&[], dir, args, env)
}

/// Like [`run_in`], with the binary run through `prefix` (e.g. `setpriv` to drop root).
fn run_as(prefix: &[&str], dir: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let bin = assert_cmd::cargo::cargo_bin("spoflint");
    let mut cmd = std::process::Command::new("sh");
    cmd.current_dir(dir)
        .arg("-c")
        .arg(format!(
            "ulimit -v {MEMORY_KIB} && exec {} timeout {SECONDS} \"$0\" \"$@\"",
            prefix.join(" ")
        ))
        .arg(&bin)
        .args(args)
        .env_remove("NO_COLOR")
        .env_remove("SPOFLINT_FAILPOINT");
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

/// `check . --format json` in `dir`: the exit status and the report.
fn check_json(dir: &Path, extra: &[&str], env: &[(&str, &str)]) -> (i32, serde_json::Value) {
    let mut args = vec!["check", ".", "--format", "json"];
    args.extend_from_slice(extra);
    let out = run_in(dir, &args, env);
    let code = out.status.code().unwrap_or(-1);
    assert!(
        code == 0 || code == 1,
        "exit {code} ({:?}); stderr: {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}",
            String::from_utf8_lossy(&out.stdout[..out.stdout.len().min(500)])
        )
    });
    (code, report)
}

/// `(rule, file, message)` of every finding of a JSON report.
fn findings(report: &serde_json::Value) -> Vec<(String, String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["file"].as_str().unwrap_or_default().to_string(),
                f["message"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// Asserts a finding of `rule` in a file ending with `file` whose message holds `text`.
fn assert_finding(report: &serde_json::Value, rule: &str, file: &str, text: &str) {
    let all = findings(report);
    assert!(
        all.iter()
            .any(|(r, f, m)| r == rule && f.ends_with(file) && m.contains(text)),
        "expected {rule} in {file} saying {text:?}; got {all:#?}"
    );
}

/// The good neighbour every case holds: a one-replica Deployment, judged as ever.
const GOOD: (&str, &str) = ("good/deploy.yaml", "");

fn with_good(dir: &Path) {
    write(dir, &[(GOOD.0, &deployment("good", 1))]);
}

fn assert_good_judged(report: &serde_json::Value) {
    assert_finding(report, "COMPUTE001", "good/deploy.yaml", "good");
}

fn tempdir() -> tempfile::TempDir {
    tempfile::tempdir().unwrap()
}

#[test]
fn terraform_format_with_a_huge_precision() {
    let dir = tempdir();
    with_good(dir.path());
    write(
        dir.path(),
        &[(
            "infra/main.tf",
            "locals {\n  x = format(\"%.65536f\", 1.5)\n}\nresource \"aws_db_instance\" \"db\" {\n  multi_az = false\n  tags     = { x = local.x }\n}\n",
        )],
    );
    let (code, report) = check_json(dir.path(), &[], &[]);
    assert_eq!(code, 1);
    assert_finding(&report, "DATA003", "infra/main.tf", "aws_db_instance.db");
    assert!(!findings(&report).iter().any(|f| f.0 == "INPUT007"));
    assert_good_judged(&report);
}

#[test]
fn labels_past_column_65535_and_long_lines() {
    let dir = tempdir();
    with_good(dir.path());
    let pad = "x".repeat(70_000);
    write(
        dir.path(),
        &[
            (
                "min/deploy.json.yaml",
                &format!(
                    "{{\"apiVersion\": \"apps/v1\", \"kind\": \"Deployment\", \"metadata\": {{\"name\": \"min\", \"annotations\": {{\"a\": \"{pad}\"}}}}, \"spec\": {{\"replicas\": 1, \"selector\": {{\"matchLabels\": {{\"app\": \"min\"}}}}, \"template\": {{\"metadata\": {{\"labels\": {{\"app\": \"min\"}}}}, \"spec\": {{\"containers\": [{{\"name\": \"c\", \"image\": \"nginx\"}}]}}}}}}}}\n"
                ),
            ),
            ("min/broken.yaml", &format!("a: [{pad}, {{b: ]\n")),
        ],
    );
    let out = run_in(dir.path(), &["check", ".", "--color", "never"], &[]);
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let text = String::from_utf8(out.stdout).unwrap();
    // The header keeps the real column; the line shown is cut around the label.
    assert!(text.contains("min/deploy.json.yaml:1:70"), "{text}");
    assert!(text.contains("min/broken.yaml:1:700"), "{text}");
    assert!(text.lines().all(|l| l.chars().count() < 1000));
    assert!(text.contains("Zero-SPOF validation"));
    assert!(text.contains("Deployment default/good"));
}

#[test]
fn terraform_string_doubling_and_nested_counts_stay_within_memory() {
    let dir = tempdir();
    with_good(dir.path());
    let mut doubling = String::from("locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n");
    for i in 1..40 {
        doubling.push_str(&format!(
            "  s{i} = \"${{local.s{}}}${{local.s{}}}\"\n",
            i - 1,
            i - 1
        ));
    }
    doubling.push_str("}\n");
    write(
        dir.path(),
        &[
            ("doubling/main.tf", &doubling),
            (
                "nested/main.tf",
                "module \"a\" {\n  source = \"./m1\"\n  count  = 10000\n}\n",
            ),
            (
                "nested/m1/main.tf",
                "module \"b\" {\n  source = \"../m2\"\n  count  = 10000\n}\n",
            ),
            ("nested/m2/main.tf", "resource \"aws_sqs_queue\" \"q\" {}\n"),
            (
                "ok/main.tf",
                "resource \"aws_db_instance\" \"db\" {\n  multi_az = false\n}\n",
            ),
        ],
    );
    let (code, report) = check_json(dir.path(), &[], &[]);
    assert_eq!(code, 1);
    assert_finding(
        &report,
        "INPUT004",
        "doubling/main.tf",
        "MiB of strings and collections built",
    );
    assert_finding(
        &report,
        "INPUT004",
        "nested/m1/main.tf",
        "resource and module instances",
    );
    assert_finding(&report, "DATA003", "ok/main.tf", "aws_db_instance.db");
    assert_good_judged(&report);
}

#[test]
fn a_module_cycle_reports_each_finding_once() {
    let dir = tempdir();
    with_good(dir.path());
    write(
        dir.path(),
        &[
            (
                "infra/main.tf",
                "module \"loop\" {\n  source = \"./modules/loop\"\n}\n",
            ),
            (
                "infra/modules/loop/main.tf",
                "module \"again\" {\n  source = \"./\"\n}\nresource \"aws_db_instance\" \"db\" {\n  multi_az = false\n}\n",
            ),
        ],
    );
    let (_, report) = check_json(dir.path(), &[], &[]);
    let data003 = findings(&report)
        .into_iter()
        .filter(|f| f.0 == "DATA003")
        .count();
    assert_eq!(data003, 1);
    assert_finding(
        &report,
        "INPUT004",
        "modules/loop/main.tf",
        "a module cycle",
    );
}

const CHART: &str = "apiVersion: v2\nname: web\nversion: 1.0.0\n";
const TEMPLATE: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: {{ .Values.replicas }}}\n";

#[test]
fn helm_set_keys_with_deep_indexes_from_the_command_line_and_the_configuration() {
    let dir = tempdir();
    with_good(dir.path());
    write(
        dir.path(),
        &[
            ("chart/Chart.yaml", CHART),
            ("chart/values.yaml", "replicas: 3\n"),
            ("chart/templates/web.yaml", TEMPLATE),
        ],
    );
    let deep = format!("a{}=1", "[0]".repeat(30_000));
    let (_, report) = check_json(dir.path(), &["--set", &deep], &[]);
    assert_finding(
        &report,
        "INPUT001",
        "<command line>",
        "list indexes nested more than 30",
    );
    assert_good_judged(&report);
    // The same key from the scanned repository's own configuration.
    let deeper = format!("a{}=1", "[0]".repeat(300_000));
    write(
        dir.path(),
        &[(
            ".spoflint.yaml",
            &format!("helm:\n  set:\n    - \"{deeper}\"\n"),
        )],
    );
    let (_, report) = check_json(dir.path(), &[], &[]);
    assert_finding(
        &report,
        "INPUT001",
        "<command line>",
        "list indexes nested more than 30",
    );
    assert_eq!(report["summary"]["config"], ".spoflint.yaml");
    assert_good_judged(&report);
}

#[test]
fn files_over_their_size_bounds_are_reported_not_skipped() {
    let dir = tempdir();
    with_good(dir.path());
    let big = "x".repeat(5 << 20);
    write(
        dir.path(),
        &[
            // A plan over 16 MiB.
            (
                "plan/plan.json",
                &format!(
                    "{{\"format_version\": \"1.2\", \"terraform_version\": \"1.9.0\", \"pad\": \"{}\"}}\n",
                    "y".repeat(17 << 20)
                ),
            ),
            // A chart whose template, values file and subchart archive are over 4 MiB.
            ("chart/Chart.yaml", CHART),
            ("chart/values.yaml", &format!("replicas: 3\n# {big}\n")),
            ("chart/templates/web.yaml", TEMPLATE),
            ("other/Chart.yaml", CHART),
            ("other/values.yaml", "replicas: 3\n"),
            ("other/templates/web.yaml", TEMPLATE),
            ("other/templates/big.yaml", &format!("# {big}\n")),
            ("other/charts/dep-1.0.0.tgz", &big),
        ],
    );
    let (code, report) = check_json(dir.path(), &[], &[]);
    assert_eq!(code, 1);
    assert_finding(
        &report,
        "INPUT001",
        "plan/plan.json",
        "Terraform plan is larger than",
    );
    assert_finding(
        &report,
        "INPUT003",
        "chart/values.yaml",
        "the chart is not rendered",
    );
    assert_finding(
        &report,
        "INPUT003",
        "other/templates/big.yaml",
        "larger than the 4 MiB",
    );
    assert_finding(
        &report,
        "INPUT001",
        "other/charts/dep-1.0.0.tgz",
        "larger than the 4 MiB",
    );
    // The chart whose values could not be read yields no "1 replica" finding from missing
    // defaults; the other chart is rendered with its values (3 replicas).
    assert!(
        !findings(&report)
            .iter()
            .any(|f| f.0 == "COMPUTE001" && f.1.contains("chart")),
        "{:#?}",
        findings(&report)
    );
    assert_finding(
        &report,
        "COMPUTE003",
        "other/templates/web.yaml",
        "3 replicas",
    );
    assert_good_judged(&report);
}

#[test]
fn subcharts_past_the_nesting_bound_are_reported() {
    let dir = tempdir();
    with_good(dir.path());
    let mut at = String::from("chart/");
    write(dir.path(), &[("chart/Chart.yaml", CHART)]);
    for depth in 0..12 {
        at.push_str(&format!("charts/c{depth}/"));
        write(
            dir.path(),
            &[(
                &format!("{at}Chart.yaml"),
                &format!("apiVersion: v2\nname: c{depth}\nversion: 1.0.0\n"),
            )],
        );
    }
    let (_, report) = check_json(dir.path(), &[], &[]);
    assert_finding(
        &report,
        "INPUT003",
        "Chart.yaml",
        "nested deeper than 10 levels",
    );
    assert_good_judged(&report);
}

#[test]
fn unreadable_directories_and_files_are_reported() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m));
    let dir = tempdir();
    with_good(dir.path());
    write(
        dir.path(),
        &[
            ("locked/deploy.yaml", &deployment("locked", 1)),
            ("sealed/deploy.yaml", &deployment("sealed", 1)),
        ],
    );
    let locked = dir.path().join("locked");
    let sealed = dir.path().join("sealed/deploy.yaml");
    mode(&locked, 0o000).unwrap();
    mode(&sealed, 0o000).unwrap();
    // Root reads anything: the binary then runs as `nobody`, for whom the modes hold.
    let prefix: &[&str] = if std::fs::read_dir(&locked).is_ok() {
        mode(dir.path(), 0o755).unwrap();
        &[
            "setpriv",
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
        ]
    } else {
        &[]
    };
    let out = run_as(prefix, dir.path(), &["check", ".", "--format", "json"], &[]);
    mode(&locked, 0o755).unwrap();
    mode(&sealed, 0o644).unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_finding(&report, "INPUT001", "locked", "cannot read this directory");
    assert_finding(
        &report,
        "INPUT001",
        "sealed/deploy.yaml",
        "cannot read file",
    );
    assert_good_judged(&report);
}

#[test]
fn ignore_files_and_configuration_above_the_repository_cannot_switch_checks_off() {
    let outer = tempdir();
    // A configuration above the repository's top turns the compute layer off: not used.
    write(
        outer.path(),
        &[(".spoflint.yaml", "layers:\n  compute: off\n")],
    );
    let repo = outer.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    with_good(&repo);
    // A committed `.ignore` with `*` is not read.
    write(&repo, &[(".ignore", "*\n")]);
    let (code, report) = check_json(&repo, &[], &[]);
    assert_eq!(code, 1);
    assert_good_judged(&report);
    assert_eq!(report["summary"]["config"], serde_json::Value::Null);
    // `.gitignore` is read, and what it leaves out is said.
    write(
        &repo,
        &[
            (".gitignore", "good/\n"),
            ("other/deploy.yaml", &deployment("o", 1)),
        ],
    );
    let (_, report) = check_json(&repo, &[], &[]);
    assert_eq!(
        report["summary"]["ignored"],
        serde_json::json!([{"path": "good", "directory": true, "by": ".gitignore: good/"}])
    );
    let out = run_in(&repo, &["check", ".", "--color", "never"], &[]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("Left out by ignore rules: 1 directory (.gitignore: good/)"),
        "{text}"
    );
    // Named with --config, a file above the repository is used, and said to be.
    let (_, report) = check_json(&repo, &["--config", "../.spoflint.yaml"], &[]);
    assert_eq!(report["summary"]["config"], "../.spoflint.yaml");
    assert!(findings(&report).iter().all(|f| f.0 != "COMPUTE001"));
}

#[test]
fn terminal_escapes_in_names_and_file_names_are_shown_escaped() {
    let dir = tempdir();
    with_good(dir.path());
    let evil = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: \"x\\e]0;pwned\\a\\e[2J\\e[HScanned 0 files: 0 errors\\u202e\\u200b\"\nspec:\n  replicas: 1\n  template: {spec: {containers: [{name: c, image: \"nginx\u{1b}[31m\u{202e}\"}]}}\n";
    write(
        dir.path(),
        &[
            ("evil/deploy.yaml", evil),
            ("evil/f\u{1b}[2Jx\u{202e}.yaml", &deployment("named", 1)),
        ],
    );
    for color in ["never", "always"] {
        let out = run_in(dir.path(), &["check", ".", "--color", color], &[]);
        assert_eq!(out.status.code(), Some(1));
        let text = String::from_utf8(out.stdout).unwrap();
        // Only the colour codes spoflint writes itself reach the terminal.
        for (i, _) in text.match_indices('\u{1b}') {
            assert!(
                text[i..].starts_with("\u{1b}[")
                    && text[i + 2..]
                        .split('m')
                        .next()
                        .unwrap()
                        .chars()
                        .all(|c| c.is_ascii_digit() || c == ';'),
                "raw escape: {:?}",
                &text[i..(i + 20).min(text.len())]
            );
        }
        assert!(
            !text.contains('\u{202e}') && !text.contains('\u{200b}') && !text.contains('\u{7}')
        );
        assert!(text.contains("x\\e]0;pwned\\u{7}\\e[2J"), "{text}");
        assert!(text.contains("f\\e[2Jx\\u{202e}.yaml"), "{text}");
        assert!(text.contains("Deployment default/good"));
    }
}

#[test]
fn option_files_that_are_devices_or_unrelated_are_usage_errors() {
    let dir = tempdir();
    with_good(dir.path());
    write(
        dir.path(),
        &[("secrets.env", "AWS_SECRET_ACCESS_KEY: hunter2-abc123\n")],
    );
    for args in [
        ["--var-file", "/dev/zero"],
        ["--values", "/dev/zero"],
        ["--config", "/dev/zero"],
        ["--baseline", "/dev/zero"],
    ] {
        let mut all = vec!["check", "."];
        all.extend(args);
        let out = run_in(dir.path(), &all, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains("not a regular file"), "{args:?}: {err}");
    }
    let out = run_in(dir.path(), &["check", ".", "--config", "secrets.env"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not a spoflint configuration file"), "{err}");
    assert!(
        !err.contains("AWS_SECRET") && !err.contains("hunter2"),
        "{err}"
    );
}

#[test]
fn the_configuration_init_writes_is_not_scanned_and_not_baselined() {
    let dir = tempdir();
    with_good(dir.path());
    let out = run_in(dir.path(), &["init"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let (_, report) = check_json(dir.path(), &[], &[]);
    assert!(findings(&report).iter().all(|f| f.0 != "INPUT002"));
    assert_eq!(report["summary"]["config"], ".spoflint.yaml");
    let out = run_in(dir.path(), &["baseline"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let baseline = std::fs::read_to_string(dir.path().join(".spoflint-baseline.json")).unwrap();
    assert!(!baseline.contains("INPUT002") && !baseline.contains(".spoflint.yaml"));
}

#[test]
fn layers_with_findings_left_out_say_no_new_findings() {
    let dir = tempdir();
    with_good(dir.path());
    write(
        dir.path(),
        &[(
            "other/config.yaml",
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c}\n",
        )],
    );
    let out = run_in(dir.path(), &["baseline"], &[]);
    assert_eq!(out.status.code(), Some(0));
    let (code, report) = check_json(dir.path(), &["--baseline", ".spoflint-baseline.json"], &[]);
    assert_eq!(code, 0);
    assert_eq!(report["layers"]["compute"]["status"], "no new findings");
    // Under --changed-only, a layer whose findings are all outside the changed files.
    let (code, report) = check_json(dir.path(), &["--changed-only", "other/config.yaml"], &[]);
    assert_eq!(code, 0);
    assert_eq!(report["layers"]["compute"]["status"], "no new findings");
    let out = run_in(
        dir.path(),
        &[
            "check",
            ".",
            "--baseline",
            ".spoflint-baseline.json",
            "--color",
            "never",
        ],
        &[],
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("~ compute   no new findings"), "{text}");
}

/// A failpoint (debug builds) panics in one unit: the unit is reported (INPUT007), the rest
/// is judged, and the exit status is 1 whatever --fail-on says.
#[test]
fn a_panic_costs_its_unit_only_and_never_exits_0() {
    let dir = tempdir();
    with_good(dir.path());
    write(
        dir.path(),
        &[
            ("bad/deploy.yaml", &deployment("bad", 3)),
            (
                "infra/main.tf",
                "resource \"aws_db_instance\" \"db\" {\n  multi_az = false\n}\n",
            ),
            ("chart/Chart.yaml", CHART),
            ("chart/values.yaml", "replicas: 1\n"),
            ("chart/templates/web.yaml", TEMPLATE),
        ],
    );
    for (point, file, text) in [
        (
            "read:bad/deploy.yaml",
            "bad/deploy.yaml",
            "while reading this file",
        ),
        (
            "terraform:infra",
            "infra/main.tf",
            "while evaluating root module `infra`",
        ),
        (
            "helm:chart",
            "chart/Chart.yaml",
            "while rendering this Helm chart",
        ),
        ("rule:DATA003", "<spoflint>", "while running rule DATA003"),
        (
            "facts:",
            "<spoflint>",
            "while deriving cross-resource facts",
        ),
    ] {
        let (code, report) = check_json(
            dir.path(),
            &["--fail-on", "never"],
            &[("SPOFLINT_FAILPOINT", point)],
        );
        assert_eq!(code, 1, "{point}");
        assert_finding(&report, "INPUT007", file, text);
        assert_finding(&report, "INPUT007", file, "failpoint");
        if point != "facts:" {
            assert_good_judged(&report);
        }
        assert_eq!(report["summary"]["internalErrors"], 1, "{point}");
    }
    // A failing report format: exit status 1, said on stderr, the other formats written.
    let failing = |format: &str, formats: &[&str]| {
        let mut args = vec!["check", ".", "--fail-on", "never"];
        for f in formats {
            args.extend(["--format", f]);
        }
        let out = run_in(
            dir.path(),
            &args,
            &[("SPOFLINT_FAILPOINT", &format!("report:{format}"))],
        );
        assert_eq!(out.status.code(), Some(1), "{format}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let said = format!("internal error while writing the {format} report");
        assert!(stderr.contains(&said), "{stderr}");
        String::from_utf8(out.stdout).unwrap()
    };
    // The human output falls back to one line per finding.
    let sarif = dir.path().join("out.sarif");
    let text = failing("human", &["human", &format!("sarif={}", sarif.display())]);
    assert!(
        text.contains("good/deploy.yaml:") && text.contains("error[COMPUTE001]"),
        "{text}"
    );
    assert!(PathBuf::from(&sarif).is_file());
    // A format written as it is made (JSON, SARIF) leaves no half-written file behind.
    let json = dir.path().join("out.json");
    let text = failing("json", &[&format!("json={}", json.display()), "github"]);
    assert!(!json.exists());
    assert!(text.contains("::error file=good/deploy.yaml"), "{text}");
}

#[test]
fn dns_alias_chains_loops_and_fan_out_stay_bounded() {
    // 6 names, each with 40 weighted CNAME records naming the next name (the last naming the
    // first): followed once per name, the loop named, the good file still judged.
    let dir = tempdir();
    with_good(dir.path());
    let mut tf = String::from(
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\n\nresource \"aws_route53_zone\" \"z\" {\n  name = \"example.com\"\n}\n",
    );
    for n in 0..6 {
        let next = (n + 1) % 6;
        tf.push_str(&format!(
            "\nresource \"aws_route53_record\" \"n{n}\" {{\n  count          = 40\n  zone_id        = aws_route53_zone.z.zone_id\n  name           = \"n{n}.example.com\"\n  type           = \"CNAME\"\n  set_identifier = \"w${{count.index}}\"\n  weighted_routing_policy {{\n    weight = 1\n  }}\n  health_check_id = \"hc-1\"\n  ttl            = 60\n  records        = [\"n{next}.example.com\"]\n}}\n"
        ));
    }
    write(dir.path(), &[("dns/main.tf", &tf)]);
    let started = std::time::Instant::now();
    let (_, report) = check_json(dir.path(), &["--no-config"], &[]);
    assert!(started.elapsed().as_secs() < 60, "{:?}", started.elapsed());
    assert_good_judged(&report);
    let text = report["system"].to_string();
    assert!(
        text.contains("lead back to it"),
        "{}",
        &text[..text.len().min(2000)]
    );
}
