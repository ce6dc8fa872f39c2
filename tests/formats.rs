//! The SARIF, JUnit, GitHub workflow-command and Markdown reports: snapshots of small cases,
//! structural checks on Kubernetes, Terraform and Helm fixtures and on `fixtures/` as a whole,
//! and suppressed findings (built by hand) handled as not open.
//!
//! The SARIF output is validated against the official SARIF 2.1.0 JSON schema. The schema is
//! not in this repository: it ships in the source of the `serde-sarif` crate (`src/schema.json`),
//! which Cargo.toml lists as a dev-dependency that is never built (`cfg(any())`), so that
//! Cargo.lock pins it and `cargo metadata` downloads it and says where it is. Without it (no
//! network and not in Cargo's cache) the schema check is skipped with a message, unless
//! `SPOFLINT_REQUIRE_SARIF=1` (as in CI), where that is a failure. `SPOFLINT_SARIF_SCHEMA` may
//! name the schema file instead.

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;

use serde_json::Value;
use spoflint::Scan;
use spoflint::finding::{Finding, Label, Layer, Severity, Suppression};
use spoflint::model::Span;
use spoflint::report::{Summary, github, junit, markdown, sarif};

const SINGLE_REPLICA: &str = "fixtures/k8s/compute001/fire-single-replica";
const TERRAFORM: &str = "fixtures/terraform/data005/fire-single-region-instance";
const HELM: &str = "fixtures/helm/tgz-dependency";

fn scan(path: &str) -> Scan {
    spoflint::scan(&[PathBuf::from(path)]).unwrap()
}

fn catalog() -> &'static [spoflint::rules::RuleMeta] {
    &spoflint::rules::catalog().unwrap().rules
}

fn open(scan: &Scan) -> Vec<&Finding> {
    scan.findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect()
}

/// `scan` with its first finding suppressed by a (made-up) comment on the file's first line.
fn with_suppressed_first(mut scan: Scan) -> Scan {
    let f = &mut scan.findings[0];
    let text = &scan.model.sources.get(f.primary.source).text;
    let end = text.find('\n').unwrap_or(text.len());
    f.suppressed = Some(Suppression {
        reason: "batch job, single replica by design".into(),
        at: Label::new(f.primary.source, Span::new(0, end), "suppressed here"),
    });
    scan
}

// ---------------------------------------------------------------------------------------------
// SARIF

/// Where the official SARIF 2.1.0 schema is on this machine (see the module docs).
fn schema_path() -> Option<PathBuf> {
    if let Ok(p) = std::env::var("SPOFLINT_SARIF_SCHEMA") {
        return Some(PathBuf::from(p));
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml");
    // Offline first (the crate is usually in Cargo's cache already), then with the network.
    for offline in [true, false] {
        let mut cmd = Command::new(&cargo);
        cmd.args([
            "metadata",
            "--format-version",
            "1",
            "--locked",
            "--manifest-path",
        ])
        .arg(&manifest);
        if offline {
            cmd.arg("--offline");
        }
        let Ok(out) = cmd.output() else { continue };
        if !out.status.success() {
            continue;
        }
        let meta: Value = serde_json::from_slice(&out.stdout).ok()?;
        let package = meta["packages"]
            .as_array()?
            .iter()
            .find(|p| p["name"] == "serde-sarif")?;
        let dir = Path::new(package["manifest_path"].as_str()?).parent()?;
        let schema = dir.join("src/schema.json");
        if schema.is_file() {
            return Some(schema);
        }
    }
    None
}

/// The official schema, compiled once; `None` when it is not available and not required.
fn schema() -> Option<&'static jsonschema::Validator> {
    static SCHEMA: OnceLock<Option<jsonschema::Validator>> = OnceLock::new();
    SCHEMA
        .get_or_init(|| {
            let required = std::env::var("SPOFLINT_REQUIRE_SARIF").is_ok_and(|v| v == "1");
            let Some(path) = schema_path() else {
                assert!(
                    !required,
                    "SPOFLINT_REQUIRE_SARIF=1 but the SARIF 2.1.0 schema was not found \
                     (`cargo metadata` could not fetch the serde-sarif crate)"
                );
                eprintln!(
                    "skipping SARIF schema validation: the official SARIF 2.1.0 schema (shipped \
                     in the serde-sarif crate) is not in Cargo's cache and could not be fetched; \
                     set SPOFLINT_REQUIRE_SARIF=1 to make this a failure"
                );
                return None;
            };
            let text = std::fs::read_to_string(&path).unwrap();
            let mut schema: Value = serde_json::from_str(&text).unwrap();
            errata_language_pattern(&mut schema);
            assert_eq!(
                schema["title"],
                "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema",
                "{} is not the SARIF 2.1.0 schema",
                path.display()
            );
            // Draft 7: `format` (uri, uri-reference, date-time) is asserted.
            let validator = jsonschema::validator_for(&schema).unwrap();
            Some(validator)
        })
        .as_ref()
}

/// The schema as first published (which serde-sarif ships) has a stray `]` in the pattern of
/// `run.language` and `toolComponent.language`, which a validator that checks the schema
/// itself rejects; OASIS's errata 01 corrected it to this. spoflint writes neither property.
fn errata_language_pattern(schema: &mut Value) {
    const PUBLISHED: &str = "^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$";
    const CORRECTED: &str = "^[a-zA-Z]{2}(-[a-zA-Z]{2})?$";
    for def in ["run", "toolComponent"] {
        let pattern = &mut schema["definitions"][def]["properties"]["language"]["pattern"];
        if *pattern == PUBLISHED {
            *pattern = CORRECTED.into();
        }
    }
}

fn assert_schema_valid(log: &Value, what: &str) {
    let Some(validator) = schema() else { return };
    let errors: Vec<String> = validator
        .iter_errors(log)
        .take(20)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "SARIF for {what} is not valid against the SARIF 2.1.0 schema:\n{}",
        errors.join("\n")
    );
}

fn region_ok(loc: &Value, what: &str) {
    let pl = &loc["physicalLocation"];
    let uri = pl["artifactLocation"]["uri"].as_str().unwrap();
    assert!(!uri.is_empty(), "{what}: empty uri");
    // GitHub shows results located by relative URIs or file: URIs only.
    if uri.contains(':') {
        assert!(uri.starts_with("file:///"), "{what}: uri {uri}");
        assert!(pl["artifactLocation"].get("uriBaseId").is_none());
    } else {
        assert_eq!(
            pl["artifactLocation"]["uriBaseId"],
            sarif::SRCROOT,
            "{what}"
        );
    }
    assert!(
        !uri.contains(' ') && !uri.contains('\\'),
        "{what}: uri {uri}"
    );
    let r = &pl["region"];
    let n = |k: &str| {
        r[k].as_u64()
            .unwrap_or_else(|| panic!("{what}: no {k} in {r}"))
    };
    let (sl, sc, el, ec) = (
        n("startLine"),
        n("startColumn"),
        n("endLine"),
        n("endColumn"),
    );
    assert!(
        sl >= 1 && sc >= 1 && el >= 1 && ec >= 1,
        "{what}: region {r}"
    );
    assert!(
        (el, ec) >= (sl, sc),
        "{what}: region ends before it starts: {r}"
    );
}

/// Every structural property of a SARIF log that GitHub code scanning and the spec rely on.
fn check_sarif(scan: &Scan, what: &str) -> Value {
    let summary = Summary::of(scan);
    let text = sarif::render(scan, &summary);
    assert_eq!(
        text,
        sarif::render(scan, &summary),
        "{what}: not deterministic"
    );
    let log: Value = serde_json::from_str(&text).unwrap();
    assert_schema_valid(&log, what);

    assert_eq!(log["version"], "2.1.0");
    assert_eq!(log["$schema"], sarif::SCHEMA);
    let runs = log["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "spoflint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        driver["informationUri"]
            .as_str()
            .unwrap()
            .starts_with("https://")
    );

    // Every rule of the catalogue, with what GitHub requires of a rule.
    let rules = driver["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let expected: Vec<&str> = catalog().iter().map(|r| r.id).collect();
    assert_eq!(ids, expected, "{what}: rules are not the catalogue");
    for (rule, meta) in rules.iter().zip(catalog()) {
        for key in ["shortDescription", "fullDescription", "help"] {
            let t = rule[key]["text"].as_str().unwrap_or("");
            assert!(!t.trim().is_empty(), "{}: empty {key}", meta.id);
        }
        assert!(
            rule["help"]["markdown"]
                .as_str()
                .unwrap()
                .contains(meta.body.trim())
        );
        assert_eq!(
            rule["helpUri"].as_str().unwrap(),
            format!(
                "https://github.com/spoflint/spoflint/blob/main/rules/{}/{}.md",
                meta.layer.as_str(),
                meta.id
            )
        );
        let doc = Path::new("rules")
            .join(meta.layer.as_str())
            .join(format!("{}.md", meta.id));
        assert!(doc.is_file(), "helpUri of {} names a missing file", meta.id);
        let name = rule["name"].as_str().unwrap();
        assert!(name.chars().all(|c| c.is_alphanumeric()), "{name}");
        let tags = rule["properties"]["tags"].as_array().unwrap();
        assert!(tags.len() <= 20 && tags.contains(&Value::from(meta.layer.as_str())));
    }

    let results = run["results"].as_array().unwrap();
    assert!(results.len() <= sarif::MAX_RESULTS);
    assert_eq!(results.len(), scan.findings.len(), "{what}");
    let mut fingerprints = HashSet::new();
    for (result, f) in results.iter().zip(&scan.findings) {
        let id = result["ruleId"].as_str().unwrap();
        assert_eq!(id, f.rule);
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], id, "{what}: ruleIndex of {id}");
        let level = result["level"].as_str().unwrap();
        assert_eq!(level, sarif::level(f.severity));
        let message = result["message"]["text"].as_str().unwrap();
        assert!(message.starts_with(&f.message));
        if !f.help.is_empty() {
            assert!(message.ends_with(&format!("\n\nHow to fix: {}", f.help)));
        }
        let locations = result["locations"].as_array().unwrap();
        assert_eq!(locations.len(), 1);
        region_ok(&locations[0], what);
        let related = result["relatedLocations"].as_array().map_or(&[][..], |v| v);
        assert_eq!(related.len(), f.secondary.len());
        assert!(related.len() < 1000);
        for (r, l) in related.iter().zip(&f.secondary) {
            region_ok(r, what);
            if l.text.is_empty() {
                assert!(r.get("message").is_none());
            } else {
                assert_eq!(r["message"]["text"], l.text.as_str());
            }
        }
        let fp = result["partialFingerprints"][sarif::FINGERPRINT_KEY]
            .as_str()
            .unwrap();
        assert!(
            fingerprints.insert(fp.to_string()),
            "{what}: repeated fingerprint"
        );
        assert_eq!(result["properties"]["layer"], f.layer.as_str());
        assert_eq!(
            result["properties"].get("resource").is_some(),
            f.resource.is_some()
        );
        match &f.suppressed {
            None => assert!(result.get("suppressions").is_none()),
            Some(s) => {
                let sup = &result["suppressions"][0];
                assert_eq!(sup["kind"], "inSource");
                assert_eq!(sup["justification"], s.reason.as_str());
                region_ok(&sup["location"], what);
            }
        }
    }
    log
}

/// The SARIF log with the catalogue's documents and the rule indices (which move whenever a
/// rule is added) left out: what the snapshots hold.
fn sarif_snapshot(scan: &Scan) -> String {
    let mut log = check_sarif(scan, "snapshot");
    let fired: BTreeSet<String> = scan.findings.iter().map(|f| f.rule.to_string()).collect();
    let run = &mut log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array_mut().unwrap();
    rules.retain(|r| fired.contains(r["id"].as_str().unwrap()));
    for r in rules {
        r["fullDescription"]["text"] = "[first paragraph of the rule document]".into();
        r["help"]["text"] = "[spoflint explain ID]".into();
        r["help"]["markdown"] = "[the rule document]".into();
    }
    for result in run["results"].as_array_mut().unwrap() {
        result["ruleIndex"] = "[index in the catalogue]".into();
    }
    serde_json::to_string_pretty(&log).unwrap()
}

#[test]
fn sarif_snapshots() {
    insta::assert_snapshot!("sarif_k8s", sarif_snapshot(&scan(SINGLE_REPLICA)));
    // A related location in another file: the values file that sets the chart value.
    insta::assert_snapshot!("sarif_helm", sarif_snapshot(&scan(HELM)));
}

#[test]
fn sarif_is_valid_and_uploadable_on_every_kind_of_input() {
    for path in [
        SINGLE_REPLICA,
        TERRAFORM,
        HELM,
        "fixtures/terraform/realistic-bad",
    ] {
        check_sarif(&scan(path), path);
    }
    let all = scan("fixtures");
    assert!(all.findings.len() > 100);
    let log = check_sarif(&all, "fixtures/");
    // A file that is not UTF-8, binary content and the like are located too.
    let uris: BTreeSet<&str> = log["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
                .as_str()
                .unwrap()
        })
        .collect();
    assert!(uris.iter().all(|u| u.starts_with("fixtures/")), "{uris:?}");
}

#[test]
fn sarif_schema_is_available_when_required() {
    // The validation itself runs in the other tests; this one says loudly when it is skipped.
    if schema().is_some() {
        let minimal = serde_json::json!({ "version": "2.1.0", "runs": [] });
        assert_schema_valid(&minimal, "a minimal log");
        let broken = serde_json::json!({ "version": "2.1.0", "runs": [{ "results": [] }] });
        assert!(
            !schema().unwrap().is_valid(&broken),
            "the schema accepts a run without a tool"
        );
        let scan = scan(SINGLE_REPLICA);
        let mut log: Value =
            serde_json::from_str(&sarif::render(&scan, &Summary::of(&scan))).unwrap();
        assert_schema_valid(&log, SINGLE_REPLICA);
        log["runs"][0]["results"][0]["level"] = "fatal".into();
        assert!(
            !schema().unwrap().is_valid(&log),
            "the schema accepts a result of level `fatal`"
        );
    }
}

#[test]
fn sarif_suppressed_finding_is_a_suppressed_result() {
    let scan = with_suppressed_first(scan(SINGLE_REPLICA));
    let log = check_sarif(&scan, "suppressed");
    let result = &log["runs"][0]["results"][0];
    let sup = &result["suppressions"][0];
    assert_eq!(sup["kind"], "inSource");
    assert_eq!(sup["justification"], "batch job, single replica by design");
    let region = &sup["location"]["physicalLocation"]["region"];
    assert_eq!(region["startLine"], 1);
    assert_eq!(region["startColumn"], 1);
}

#[test]
fn sarif_artifact_uris() {
    let uri = |p: &str| sarif::artifact_location(p);
    assert_eq!(
        uri("k8s/web app/deploy #1.yaml"),
        serde_json::json!({ "uri": "k8s/web%20app/deploy%20%231.yaml", "uriBaseId": "%SRCROOT%" })
    );
    assert_eq!(uri("./k8s/a.yaml")["uri"], "k8s/a.yaml");
    assert_eq!(uri("<stdin>")["uri"], "%3Cstdin%3E");
    assert_eq!(uri("a:b/100%.yaml")["uri"], "a%3Ab/100%25.yaml");
    assert_eq!(uri("k8s/café.yaml")["uri"], "k8s/caf%C3%A9.yaml");
    assert_eq!(
        uri("/srv/repo/k8s/a b.yaml"),
        serde_json::json!({ "uri": "file:///srv/repo/k8s/a%20b.yaml" })
    );
    assert_eq!(
        uri("C:\\repo\\k8s\\a.yaml"),
        serde_json::json!({ "uri": "file:///C:/repo/k8s/a.yaml" })
    );
}

#[test]
fn sarif_stays_within_githubs_result_limit() {
    let mut scan = scan(SINGLE_REPLICA);
    let mut warning = scan.findings[0].clone();
    warning.severity = Severity::Warning;
    let error = scan.findings[0].clone();
    scan.findings = std::iter::repeat_n(warning, sarif::MAX_RESULTS)
        .chain(std::iter::repeat_n(error, 10))
        .collect();
    let log: Value = serde_json::from_str(&sarif::render(&scan, &Summary::of(&scan))).unwrap();
    let run = &log["runs"][0];
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), sarif::MAX_RESULTS);
    // The errors are kept, the last warnings go.
    assert_eq!(results.iter().filter(|r| r["level"] == "error").count(), 10);
    let note = &run["invocations"][0]["toolExecutionNotifications"][0];
    assert_eq!(note["level"], "warning");
    assert!(
        note["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with("10 of 25010 findings left out")
    );
}

// ---------------------------------------------------------------------------------------------
// JUnit

/// Parses the JUnit report and checks it against the scan: one testcase per rule, failures
/// exactly for the rules with open error or warning findings.
fn check_junit(scan: &Scan, what: &str) -> String {
    let xml = junit::render(scan, &Summary::of(scan));
    let doc = roxmltree::Document::parse(&xml)
        .unwrap_or_else(|e| panic!("{what}: JUnit output is not well-formed XML: {e}"));
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "testsuites");
    assert_eq!(root.attribute("name"), Some("spoflint"));
    let all: Vec<_> = root
        .descendants()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let (skipped, cases): (Vec<_>, Vec<_>) = all.iter().partition(|n| {
        n.attribute("name")
            .is_some_and(|name| name.starts_with("not judged: "))
    });
    assert_eq!(
        cases.len(),
        catalog().len(),
        "{what}: one testcase per rule"
    );
    // And one skipped testcase per resource type no rule judges.
    let summary = Summary::of(scan);
    let not_judged: usize = summary.layers.iter().map(|v| v.not_judged.len()).sum();
    assert_eq!(skipped.len(), not_judged, "{what}");
    assert!(
        skipped
            .iter()
            .all(|n: &&roxmltree::Node| n.children().any(|c| c.has_tag_name("skipped")))
    );
    assert_eq!(
        root.attribute("tests"),
        Some(all.len().to_string().as_str())
    );
    let failing: BTreeSet<&str> = open(scan)
        .into_iter()
        .filter(|f| f.severity >= Severity::Warning)
        .map(|f| f.rule)
        .collect();
    assert_eq!(
        root.attribute("failures"),
        Some(failing.len().to_string().as_str())
    );
    for suite in root.children().filter(|n| n.is_element()) {
        assert_eq!(suite.tag_name().name(), "testsuite");
        let layer = suite.attribute("name").unwrap();
        assert!(Layer::parse(layer).is_some(), "{layer}");
        let n = suite
            .children()
            .filter(|c| c.has_tag_name("testcase"))
            .count();
        assert_eq!(suite.attribute("tests"), Some(n.to_string().as_str()));
    }
    for (case, rule) in cases.iter().zip(catalog()) {
        assert_eq!(
            case.attribute("classname").unwrap(),
            format!("spoflint.{}", rule.layer.as_str())
        );
        assert_eq!(
            case.attribute("name").unwrap(),
            format!("{} {}", rule.id, rule.title)
        );
        let failure = case.children().find(|c| c.has_tag_name("failure"));
        let expected: Vec<&Finding> = open(scan)
            .into_iter()
            .filter(|f| f.rule == rule.id && f.severity >= Severity::Warning)
            .collect();
        match failure {
            None => assert!(expected.is_empty(), "{what}: {} should fail", rule.id),
            Some(fail) => {
                let n = expected.len();
                let message = format!("{n} finding{}", if n == 1 { "" } else { "s" });
                assert_eq!(fail.attribute("message"), Some(message.as_str()));
                let worst = expected.iter().map(|f| f.severity).max().unwrap();
                assert_eq!(fail.attribute("type"), Some(worst.as_str()));
                let body = fail.text().unwrap();
                for f in expected {
                    assert!(body.contains(&f.message), "{what}: {}", f.message);
                }
            }
        }
    }
    xml
}

#[test]
fn junit_snapshot() {
    insta::assert_snapshot!("junit_k8s", check_junit(&scan(SINGLE_REPLICA), "k8s"));
}

#[test]
fn junit_is_well_formed_on_every_kind_of_input() {
    for path in [SINGLE_REPLICA, TERRAFORM, HELM, "fixtures"] {
        check_junit(&scan(path), path);
    }
}

#[test]
fn junit_escapes_and_lists_info_as_output() {
    let mut scan = scan(SINGLE_REPLICA);
    let mut info = scan.findings[0].clone();
    info.severity = Severity::Info;
    info.message = "cannot judge <replicas> & \"x\" 'y' \u{1}".into();
    scan.findings.push(info);
    let xml = check_junit(&scan, "escapes");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let out = doc
        .descendants()
        .find(|n| n.has_tag_name("system-out"))
        .unwrap();
    assert!(
        out.text()
            .unwrap()
            .contains("cannot judge <replicas> & \"x\" 'y' \u{fffd}")
    );
}

#[test]
fn junit_suppressed_finding_is_not_a_failure() {
    let scan = with_suppressed_first(scan(SINGLE_REPLICA));
    assert_eq!(scan.findings.len(), 1);
    let xml = check_junit(&scan, "suppressed");
    assert!(xml.contains("failures=\"0\""));
    assert!(!xml.contains("<failure"));
    assert!(xml.contains("suppressed at fixtures/k8s/compute001/fire-single-replica/deployment.yaml:1:1: batch job, single replica by design"));
}

// ---------------------------------------------------------------------------------------------
// GitHub workflow commands

#[test]
fn github_snapshot() {
    let scan = scan(HELM);
    insta::assert_snapshot!("github_helm", github::render(&scan, &Summary::of(&scan)));
}

#[test]
fn github_one_annotation_per_open_finding() {
    for path in [SINGLE_REPLICA, TERRAFORM, HELM, "fixtures"] {
        let scan = scan(path);
        let summary = Summary::of(&scan);
        let out = github::render(&scan, &summary);
        let all: Vec<&str> = out.lines().collect();
        // Then one notice per layer holding resources no rule judges, with no file.
        let not_judged = summary
            .layers
            .iter()
            .filter(|v| !v.not_judged.is_empty())
            .count();
        let (lines, notices) = all.split_at(all.len() - not_judged);
        for n in notices {
            assert!(n.starts_with("::notice title=spoflint%3A "), "{n}");
            assert!(
                n.contains("not judged (no rule judges these types yet)"),
                "{n}"
            );
        }
        assert_eq!(lines.len(), open(&scan).len(), "{path}");
        for (line, f) in lines.iter().zip(open(&scan)) {
            let kind = match f.severity {
                Severity::Error => "::error file=",
                Severity::Warning => "::warning file=",
                Severity::Info => "::notice file=",
            };
            assert!(line.starts_with(kind), "{line}");
            let (props, _) = line[2..].split_once("::").unwrap();
            assert!(props.contains(&format!(",title={} ", f.rule)), "{line}");
            assert!(props.contains(",line="), "{line}");
        }
    }
}

#[test]
fn github_escapes_messages_and_properties() {
    let mut scan = scan(SINGLE_REPLICA);
    let f = &mut scan.findings[0];
    f.message = "line one\nline two, with: 100% more\r".into();
    f.help = "fix: it".into();
    f.title = "Title: a, b";
    let out = github::render(&scan, &Summary::of(&scan));
    assert_eq!(
        out,
        "::error file=fixtures/k8s/compute001/fire-single-replica/deployment.yaml,line=7,col=3,\
         endLine=7,endColumn=14,title=COMPUTE001 Title%3A a%2C b::line one%0Aline two, with: \
         100%25 more%0D%0A%0Afix: it\n"
    );
}

#[test]
fn github_suppressed_finding_is_not_annotated() {
    let scan = with_suppressed_first(scan(SINGLE_REPLICA));
    assert_eq!(github::render(&scan, &Summary::of(&scan)), "");
}

// ---------------------------------------------------------------------------------------------
// Markdown

fn check_markdown(scan: &Scan, what: &str) -> String {
    let md = markdown::render(scan, &Summary::of(scan));
    let rows: Vec<&str> = md
        .lines()
        .skip_while(|l| *l != "### Zero-SPOF validation")
        .skip(4)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), 8, "{what}: a row per layer:\n{md}");
    for (row, layer) in rows.iter().zip(Layer::ARCHITECTURE) {
        assert!(
            row.starts_with(&format!("| {} | ", layer.as_str())),
            "{row}"
        );
        assert!(
            ["✅ pass", "❌ fail", "➖ not present"]
                .iter()
                .any(|v| row.contains(v)),
            "{row}"
        );
    }
    let listed = md.lines().filter(|l| l.starts_with("- **")).count();
    assert_eq!(
        listed,
        open(scan).len().min(markdown::MAX_FINDINGS),
        "{what}"
    );
    md
}

#[test]
fn markdown_snapshots() {
    insta::assert_snapshot!("markdown_k8s", check_markdown(&scan(SINGLE_REPLICA), "k8s"));
    // A fix with a YAML snippet: a code block in the list item.
    insta::assert_snapshot!(
        "markdown_k8s_snippet",
        check_markdown(&scan("fixtures/k8s/compute003/fire-no-spread"), "snippet")
    );
    // The region pairs table.
    insta::assert_snapshot!(
        "markdown_terraform",
        check_markdown(&scan(TERRAFORM), "terraform")
    );
}

#[test]
fn markdown_on_every_kind_of_input() {
    for path in [HELM, "fixtures"] {
        let md = check_markdown(&scan(path), path);
        assert!(md.starts_with("## spoflint\n\n**"));
    }
}

#[test]
fn markdown_caps_the_list() {
    let mut scan = scan(SINGLE_REPLICA);
    let f = scan.findings[0].clone();
    scan.findings = std::iter::repeat_n(f, markdown::MAX_FINDINGS + 50).collect();
    let md = check_markdown(&scan, "cap");
    assert!(md.ends_with("… and 50 more\n"), "{md}");
    assert!(md.contains("#### Errors (250)"));
}

#[test]
fn markdown_escapes_messages() {
    let mut scan = scan(SINGLE_REPLICA);
    let f = &mut scan.findings[0];
    f.message = "1. a | b <script>alert(1)</script> *x* set `spec.replicas` >= 2 and `a|b`".into();
    f.help = "use [link](http://x) or ` alone".into();
    let md = markdown::render(&scan, &Summary::of(&scan));
    let item = md
        .lines()
        .skip_while(|l| !l.starts_with("- **"))
        .nth(1)
        .unwrap();
    assert_eq!(
        item,
        "  1\\. a \\| b &lt;script&gt;alert(1)&lt;/script&gt; \\*x\\* set `spec.replicas` \
         &gt;= 2 and `a|b`  "
    );
    let help = md.lines().find(|l| l.contains("*How to fix:*")).unwrap();
    assert_eq!(
        help,
        "  *How to fix:* use \\[link\\](http://x) or \\` alone"
    );
}

#[test]
fn markdown_suppressed_finding_is_counted_not_listed() {
    let scan = with_suppressed_first(scan(SINGLE_REPLICA));
    let md = check_markdown(&scan, "suppressed");
    assert!(
        md.contains("**0 errors, 0 warnings, 0 info, 1 suppressed**"),
        "{md}"
    );
    assert!(md.contains("No open findings."));
    assert!(md.contains("| compute | ✅ pass | 0 |"), "{md}");
}
