//! Broken files get a located diagnostic each, and the rest of the scan goes on.

use std::path::PathBuf;

use spoflint::report::{self, Summary};

fn scan() -> spoflint::Scan {
    spoflint::scan(&[PathBuf::from("fixtures/bad-input")]).unwrap()
}

fn finding_for<'a>(scan: &'a spoflint::Scan, file: &str) -> Vec<&'a spoflint::finding::Finding> {
    scan.findings
        .iter()
        .filter(|f| {
            scan.model
                .sources
                .get(f.primary.source)
                .path
                .ends_with(file)
        })
        .collect()
}

#[test]
fn each_bad_file_gets_its_diagnostic() {
    let scan = scan();
    let cases = [
        ("invalid.yaml", "INPUT001", "invalid YAML"),
        ("alias-bomb.yaml", "INPUT001", "alias expansion"),
        ("deep-nesting.yaml", "INPUT001", "nesting deeper"),
        ("binary.yaml", "INPUT001", "binary content"),
        ("latin1.yaml", "INPUT001", "not valid UTF-8"),
        ("empty.yaml", "INPUT002", "no YAML documents"),
        ("only-comments.yml", "INPUT002", "no YAML documents"),
        ("second-doc-broken.yaml", "INPUT001", "quoted scalar"),
        ("terraform-syntax/main.tf", "INPUT001", "invalid HCL"),
        (
            "terraform-hostile/main.tf",
            "INPUT004",
            "range() longer than",
        ),
        ("terraform-hostile/main.tf", "INPUT004", "budget exhausted"),
        (
            "terraform-hostile/main.tf",
            "INPUT004",
            "cycle: local.cycle",
        ),
        (
            "terraform-module-cycle/modules/loop/main.tf",
            "INPUT004",
            "a module cycle",
        ),
        (
            "helm-syntax/templates/configmap.yaml",
            "INPUT001",
            "invalid Go template: unclosed action",
        ),
        (
            "helm-required/templates/deployment.yaml",
            "INPUT003",
            "database.host is required",
        ),
        (
            "helm-bad-values/values.yaml",
            "INPUT001",
            "(Helm values file)",
        ),
        (
            "helm-recursion/templates/_helpers.tpl",
            "INPUT003",
            "calls nest deeper than 100",
        ),
        (
            "helm-bad-output/templates/deployment.yaml",
            "INPUT003",
            "renders invalid YAML",
        ),
        (
            "helm-corrupt-tgz/charts/broken-1.0.0.tgz",
            "INPUT001",
            "invalid gzip header",
        ),
        (
            "pipeline-gitlab-cycles/.gitlab-ci.yml",
            "INPUT001",
            "`extends: .base` makes a cycle",
        ),
        (
            "pipeline-gitlab-cycles/ci/b.yml",
            "INPUT001",
            "include cycle: `ci/a.yml` includes itself",
        ),
        (
            "pipeline-gitlab-cycles/ci/b.yml",
            "INPUT001",
            "`!reference` is nested more than 10 levels deep",
        ),
        (".github/workflows/bomb.yml", "INPUT001", "alias expansion"),
        (
            ".github/workflows/matrix.yml",
            "CICD002",
            "has more than 256 values",
        ),
        (
            ".github/workflows/not-a-workflow.yml",
            "INPUT001",
            "`jobs` must be a mapping",
        ),
    ];
    for (file, rule, text) in cases {
        let found = finding_for(&scan, file);
        assert!(
            found
                .iter()
                .any(|f| f.rule == rule && f.message.contains(text)),
            "{file}: expected {rule} mentioning {text:?}, got {:?}",
            found
                .iter()
                .map(|f| (f.rule, &f.message))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn a_missing_chart_dependency_is_one_diagnostic_not_one_per_template() {
    let scan = scan();
    let found: Vec<&str> = finding_for(&scan, "helm-missing-dependency/Chart.yaml")
        .iter()
        .chain(finding_for(&scan, "helm-missing-dependency/templates/configmap.yaml").iter())
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(found.len(), 2, "{found:?}");
    assert!(found[0].contains("dependency `common`"), "{found:?}");
    assert!(
        found[0].contains("3 templates that call its templates could not be rendered (templates/configmap.yaml, templates/secret.yaml, templates/service.yaml)"),
        "{found:?}"
    );
    assert!(
        found[1].contains("dependency `redis`") && !found[1].contains("templates"),
        "{found:?}"
    );
    let templates = ["configmap", "secret", "service"]
        .iter()
        .flat_map(|t| {
            finding_for(
                &scan,
                &format!("helm-missing-dependency/templates/{t}.yaml"),
            )
        })
        .count();
    assert_eq!(templates, 0);
}

#[test]
fn a_broken_tf_file_does_not_lose_its_module() {
    let scan = scan();
    let addresses: Vec<&str> = scan
        .model
        .tf_iter()
        .map(|(_, r)| r.address.as_str())
        .collect();
    // ok.tf sits next to the broken main.tf; the module is evaluated without main.tf.
    assert!(addresses.contains(&"aws_sqs_queue.jobs"), "{addresses:?}");
    // A module that calls itself is instantiated once (its self-call is a reported cycle),
    // not once per level of nesting.
    let q: Vec<&&str> = addresses
        .iter()
        .filter(|a| a.ends_with("aws_sqs_queue.q"))
        .collect();
    assert_eq!(q, [&"module.loop.aws_sqs_queue.q"]);
}

#[test]
fn parse_errors_carry_their_location() {
    let scan = scan();
    let f = finding_for(&scan, "invalid.yaml")[0];
    let file = scan.model.sources.get(f.primary.source);
    let at = file.line_col(f.primary.span.start);
    assert_eq!((at.line, at.col), (8, 11));
    let f = finding_for(&scan, "latin1.yaml")[0];
    let at = scan
        .model
        .sources
        .get(f.primary.source)
        .line_col(f.primary.span.start);
    assert_eq!(at.line, 5);
}

#[test]
fn good_files_and_documents_are_still_scanned() {
    let scan = scan();
    let names: Vec<&str> = scan.model.iter().map(|(_, r)| r.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "still-scanned",
            "first-doc",
            // go-yaml does not check a quoted string's continuation lines; nor does spoflint.
            "under-indented",
            "utf16",
            "utf8-bom",
            // Charts: the templates that render, next to the broken ones.
            "helm-corrupt-tgz-api",
            "helm-escape-probe",
            "helm-missing-dependency-plain",
            "helm-syntax-still-rendered",
        ]
    );
    assert!(
        finding_for(&scan, "good.yaml")
            .iter()
            .any(|f| f.rule == "COMPUTE001")
    );
    assert!(
        finding_for(&scan, "second-doc-broken.yaml")
            .iter()
            .any(|f| f.rule == "COMPUTE001")
    );
}

#[test]
fn helm_diagnostics_point_at_the_template_line() {
    let scan = scan();
    let at = |file: &str, rule: &str| {
        let f = finding_for(&scan, file)
            .into_iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("{file}: no {rule}"));
        let lc = scan
            .model
            .sources
            .get(f.primary.source)
            .line_col(f.primary.span.start);
        (lc.line, lc.col)
    };
    assert_eq!(
        at("helm-syntax/templates/configmap.yaml", "INPUT001"),
        (6, 13)
    );
    assert_eq!(
        at("helm-required/templates/deployment.yaml", "INPUT003"),
        (22, 25)
    );
    assert_eq!(at("helm-bad-values/values.yaml", "INPUT001"), (4, 7));
    assert_eq!(
        at("helm-recursion/templates/_helpers.tpl", "INPUT003"),
        (9, 35)
    );
    assert_eq!(
        at("helm-bad-output/templates/deployment.yaml", "INPUT003"),
        (21, 13)
    );
    // Only the archive is reported, not also a missing dependency.
    assert_eq!(finding_for(&scan, "helm-corrupt-tgz/Chart.yaml").len(), 0);
    // .Files never reads outside the chart: the probe renders empty strings.
    let probe = scan
        .model
        .iter()
        .map(|(_, r)| r)
        .find(|r| r.name == "helm-escape-probe")
        .unwrap();
    let data = probe.root().get("data").unwrap();
    for key in ["passwd-relative", "passwd-absolute", "sentinel-roundtrip"] {
        assert_eq!(data.get(key).and_then(|v| v.as_str()), Some(""), "{key}");
    }
    assert_eq!(
        data.get("sentinel").and_then(|v| v.as_str()),
        Some("inside the chart")
    );
}

#[test]
fn snapshot() {
    let scan = scan();
    let summary = Summary::of(&scan);
    // Every finding in full: each bad file's diagnostic is what this snapshot is for.
    let mut out = Vec::new();
    report::human::write_with(&scan, &summary, false, false, &mut out).unwrap();
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}
