//! Every fixture case under `fixtures/{k8s,terraform,pipelines,system}/<rule>/<fire|pass|info>-*/` (and the
//! whole-system cases such as `ha-good`, every chart under `fixtures/helm/` and every case under
//! `fixtures/kustomize/`) is scanned on its own: fire cases must report their
//! rule, pass cases must not, info cases must report it only as info (a value it cannot know),
//! the exact rule set must match the format's `EXPECTED.md`, and the full human + JSON output
//! is snapshot-tested.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use spoflint::finding::Severity;
use spoflint::report::{self, Summary};

const FORMATS: &[&str] = &[
    "fixtures/k8s",
    "fixtures/terraform",
    "fixtures/helm",
    "fixtures/kustomize",
    "fixtures/pipelines",
    "fixtures/system",
];

/// Scans a case as a user would: with its own `.spoflint.yaml` when it has one (the system
/// cases set targets and declarations there).
fn scan_case(case: &Path) -> spoflint::Scan {
    let config = case.join(".spoflint.yaml");
    let options = spoflint::ScanOptions {
        config: if config.is_file() {
            spoflint::config::load(&config).unwrap()
        } else {
            Default::default()
        },
        ..Default::default()
    };
    spoflint::scan_with(&[case.to_path_buf()], &options).unwrap()
}

fn case_dirs() -> Vec<PathBuf> {
    FORMATS
        .iter()
        .flat_map(|f| cases_of(Path::new(f)))
        .collect()
}

fn cases_of(root: &Path) -> Vec<PathBuf> {
    let mut cases = Vec::new();
    for rule in sorted_dirs(root) {
        let name = rule.file_name().unwrap().to_string_lossy().to_string();
        // `<rule id>/` holds that rule's cases; any other directory is a case of its own.
        let is_rule_dir =
            name.trim_end_matches(|c: char| c.is_ascii_digit()).len() + 3 == name.len();
        if !is_rule_dir {
            cases.push(rule);
            continue;
        }
        cases.extend(sorted_dirs(&rule));
    }
    cases
}

fn sorted_dirs(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

fn rules_of(scan: &spoflint::Scan) -> BTreeSet<String> {
    scan.findings.iter().map(|f| f.rule.to_string()).collect()
}

/// `case -> expected rule ids` from the tables in each format's EXPECTED.md, keyed by the
/// case's path under `fixtures/`.
fn expected() -> BTreeMap<String, BTreeSet<String>> {
    FORMATS.iter().flat_map(|f| expected_in(f)).collect()
}

fn expected_in(format: &str) -> BTreeMap<String, BTreeSet<String>> {
    let text = std::fs::read_to_string(format!("{format}/EXPECTED.md")).unwrap();
    let prefix = format.trim_start_matches("fixtures/");
    text.lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| case"))
        .map(|l| {
            let cells: Vec<&str> = l.trim_matches('|').split('|').map(str::trim).collect();
            let ids = cells[1]
                .split([',', ' '])
                .filter(|s| !s.is_empty() && *s != "-")
                .map(str::to_string)
                .collect();
            (format!("{prefix}/{}", cells[0]), ids)
        })
        .collect()
}

#[test]
fn fire_cases_fire_and_pass_cases_do_not() {
    let expected = expected();
    let mut failures = Vec::new();
    let cases = case_dirs();
    assert!(
        cases.len() > 300,
        "fixture cases went missing: {}",
        cases.len()
    );
    for case in &cases {
        let scan = scan_case(case);
        let got = rules_of(&scan);
        let rel = case
            .strip_prefix("fixtures")
            .unwrap()
            .to_string_lossy()
            .trim_start_matches('/')
            .to_string();
        let dir = case.file_name().unwrap().to_string_lossy().to_string();
        let rule = case
            .parent()
            .and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().to_uppercase())
            .unwrap_or_default();
        let catalog = spoflint::rules::catalog().unwrap();
        let default_severity = catalog.get(&rule).map(|r| r.severity);
        let of_rule: Vec<_> = scan.findings.iter().filter(|f| f.rule == rule).collect();
        // A fire case needs a finding at the rule's own severity, not an "I cannot judge" info.
        if dir.starts_with("fire-") && !of_rule.iter().any(|f| Some(f.severity) == default_severity)
        {
            failures.push(format!("{rel}: {rule} did not fire (got {got:?})"));
        }
        if dir.starts_with("info-")
            && (of_rule.is_empty() || of_rule.iter().any(|f| f.severity != Severity::Info))
        {
            failures.push(format!(
                "{rel}: {rule} should report only info, got {of_rule:?}"
            ));
        }
        if dir.starts_with("pass-") && got.contains(&rule) {
            failures.push(format!("{rel}: {rule} fired on a near miss"));
        }
        match expected.get(&rel) {
            Some(want) if *want != got => {
                failures.push(format!("{rel}: EXPECTED.md says {want:?}, got {got:?}"))
            }
            None => failures.push(format!("{rel}: missing from EXPECTED.md")),
            _ => {}
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn ha_good_has_no_finding_at_all() {
    for (case, min_resources) in [
        ("fixtures/k8s/ha-good", 5),
        ("fixtures/terraform/ha-good", 30),
    ] {
        let scan = spoflint::scan(&[PathBuf::from(case)]).unwrap();
        let found: Vec<_> = scan
            .findings
            .iter()
            .map(|f| (f.rule, f.message.clone()))
            .collect();
        assert!(found.is_empty(), "{case}: {found:?}");
        let resources = scan.model.len();
        assert!(resources >= min_resources, "{case}: {resources} resources");
    }
}

#[test]
fn every_rule_has_firing_and_passing_fixtures() {
    let catalog = spoflint::rules::catalog().unwrap();
    for rule in catalog.rules.iter().filter(|r| !r.id.starts_with("INPUT")) {
        let names: Vec<String> = FORMATS
            .iter()
            .map(|f| Path::new(f).join(rule.id.to_lowercase()))
            .filter(|d| d.is_dir())
            .flat_map(|d| sorted_dirs(&d))
            .map(|p| p.file_name().unwrap().to_string_lossy().to_string())
            .collect();
        assert!(
            names.iter().any(|n| n.starts_with("fire-")),
            "{}: no fire-* fixture",
            rule.id
        );
        assert!(
            names.iter().any(|n| n.starts_with("pass-")),
            "{}: no pass-* fixture",
            rule.id
        );
    }
}

#[test]
fn snapshots_of_every_case() {
    for case in case_dirs() {
        let scan = scan_case(&case);
        let summary = Summary::of(&scan);
        let human = report::human::render(&scan, &summary, false);
        let json = report::json::render(&scan, &summary);
        let name = case
            .strip_prefix("fixtures/")
            .unwrap()
            .to_string_lossy()
            .replace('/', "__");
        insta::assert_snapshot!(name, format!("{human}\n----- json -----\n{json}"));
    }
}

#[test]
fn output_is_deterministic() {
    let paths = [PathBuf::from("fixtures")];
    let render = || {
        let scan = spoflint::scan(&paths).unwrap();
        report::json::render(&scan, &Summary::of(&scan))
    };
    assert_eq!(render(), render());
}
