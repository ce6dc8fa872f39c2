//! `spoflint::scaffold` (`cargo run --example new_rule`) writes a new rule's files: a document
//! that the catalogue parses with runnable examples, a rule file, fixtures and EXPECTED rows.

use std::path::Path;

use spoflint::finding::Severity;
use spoflint::rules::examples::examples;
use spoflint::rules::parse_doc;
use spoflint::scaffold::{FixtureFormat, NewRule, new_rule};

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for d in [
        "src/rules/compute",
        "rules/compute",
        "fixtures/k8s",
        "fixtures/terraform",
    ] {
        std::fs::create_dir_all(dir.path().join(d)).unwrap();
    }
    for f in [
        "fixtures/k8s/EXPECTED.md",
        "fixtures/terraform/EXPECTED.md",
        "README.md",
    ] {
        std::fs::copy(f, dir.path().join(f)).unwrap();
    }
    dir
}

fn read(root: &Path, path: &str) -> String {
    std::fs::read_to_string(root.join(path)).unwrap()
}

#[test]
fn a_new_rule_gets_every_file_it_needs() {
    for (format, id, fixture) in [
        (
            FixtureFormat::Kubernetes,
            "COMPUTE901",
            "fixtures/k8s/compute901/fire-example/deployment.yaml",
        ),
        (
            FixtureFormat::Terraform,
            "DATA902",
            "fixtures/terraform/data902/fire-example/main.tf",
        ),
    ] {
        let dir = repo();
        let root = dir.path();
        let rule = NewRule {
            id,
            title: "Something is single",
            severity: Severity::Error,
            format,
        };
        let written = new_rule(root, &rule).unwrap();
        assert_eq!(written.len(), 6);
        let layer = if id.starts_with("DATA") {
            "data"
        } else {
            "compute"
        };
        let doc: &'static str = read(root, &format!("rules/{layer}/{id}.md")).leak();
        let path: &'static str = format!("{layer}/{id}.md").leak();
        let meta = parse_doc(path, doc).unwrap();
        assert_eq!((meta.id, meta.severity), (id, Severity::Error));
        assert_eq!(examples(meta.body).unwrap().len(), 2);
        let code = read(root, &format!("src/rules/{layer}/{}.rs", id.to_lowercase()));
        assert!(code.contains("pub fn check(cx: &mut RuleCx)"));
        assert!(read(root, fixture).starts_with(&format!("# expect: {id}")));
        let table = read(
            root,
            &format!(
                "fixtures/{}/EXPECTED.md",
                if layer == "data" { "terraform" } else { "k8s" }
            ),
        );
        let lower = id.to_lowercase();
        assert!(table.contains(&format!("| {lower}/fire-example | {id} |")));
        assert!(table.contains(&format!("| {lower}/pass-example | - |")));
        // The rows go between their neighbours in order.
        let keys: Vec<&str> = table
            .lines()
            .filter(|l| l.starts_with("| ") && !l.starts_with("| case directory"))
            .map(|l| l.split('|').nth(1).unwrap().trim())
            .collect();
        let at = keys
            .iter()
            .position(|k| *k == format!("{lower}/fire-example"))
            .unwrap();
        assert_eq!(keys[at + 1], format!("{lower}/pass-example"));
        assert!(
            keys[at - 1] < keys[at] && keys[at + 1] < keys[at + 2],
            "{:?}",
            &keys[at - 1..at + 3]
        );

        // A second time: nothing is overwritten.
        let again = new_rule(root, &rule).unwrap_err();
        assert!(again.contains("exists already"), "{again}");
    }
}

#[test]
fn malformed_ids_and_titles_are_refused() {
    let dir = repo();
    for (id, title, why) in [
        ("COMPUTE12", "T", "is not a rule id"),
        ("NOSUCH001", "T", "is not a rule id"),
        ("compute901", "T", "is not a rule id"),
        ("COMPUTE901", "", "title"),
        ("COMPUTE901", "a: b", "title"),
    ] {
        let rule = NewRule {
            id,
            title,
            severity: Severity::Warning,
            format: FixtureFormat::Kubernetes,
        };
        let err = new_rule(dir.path(), &rule).unwrap_err();
        assert!(err.contains(why), "{id} {title:?}: {err}");
    }
    assert!(!dir.path().join("rules/compute/COMPUTE901.md").exists());
}
