//! Rule code and rule documents stay in one-to-one agreement.

use std::collections::BTreeSet;

use spoflint::rules::{RULE_DOCS, RULE_IMPLS, catalog, parse_doc};

#[test]
fn every_document_parses() {
    for (path, text) in RULE_DOCS {
        let meta = parse_doc(path, text).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            !meta.title.is_empty() && meta.title.len() <= 80,
            "{path}: title"
        );
        for section in [
            "## Why",
            "## How to fix",
            "## Failing example",
            "## Passing example",
        ] {
            assert!(
                meta.body.contains(section),
                "{path}: lacks a `{section}` section"
            );
        }
    }
}

#[test]
fn code_and_documents_match_one_to_one() {
    let docs: BTreeSet<String> = RULE_DOCS
        .iter()
        .map(|(p, _)| p.trim_end_matches(".md").to_string())
        .collect();
    let code: BTreeSet<String> = RULE_IMPLS
        .iter()
        .map(|r| format!("{}/{}", r.layer_dir, r.id))
        .collect();
    assert_eq!(
        docs, code,
        "each src/rules/<layer>/<id>.rs needs rules/<layer>/<ID>.md and back"
    );
}

#[test]
fn ids_are_layer_prefixed_and_unique() {
    let catalog = catalog().unwrap();
    let mut seen = BTreeSet::new();
    for r in &catalog.rules {
        assert!(seen.insert(r.id), "{} twice", r.id);
        assert!(
            r.id.starts_with(&r.layer.as_str().to_uppercase()),
            "{} not prefixed by its layer",
            r.id
        );
    }
    assert!(catalog.rules.len() >= 25);
}

#[test]
fn bad_front_matter_is_rejected() {
    assert!(parse_doc("compute/X.md", "no front matter").is_err());
    assert!(
        parse_doc(
            "compute/X.md",
            "---\nid: Y\nlayer: compute\nseverity: error\ntitle: t\n---\nbody"
        )
        .is_err()
    );
    assert!(
        parse_doc(
            "compute/X.md",
            "---\nid: X\nlayer: data\nseverity: error\ntitle: t\n---\nbody"
        )
        .is_err()
    );
    assert!(
        parse_doc(
            "compute/X.md",
            "---\nid: X\nlayer: compute\nseverity: fatal\ntitle: t\n---\nbody"
        )
        .is_err()
    );
    let ok = parse_doc("compute/X.md", "---\nid: X\nlayer: compute\nseverity: error\ntitle: t\nparameters:\n  n:\n    default: 2\n---\nbody").unwrap();
    assert_eq!(ok.parameters[0].default, 2);
}

#[test]
fn readme_lists_every_rule() {
    let readme = std::fs::read_to_string("README.md").unwrap();
    for r in &catalog().unwrap().rules {
        let row = format!(
            "| {} | {} | {} |",
            r.id,
            r.layer.as_str(),
            r.severity.as_str()
        );
        assert!(
            readme.contains(&row),
            "README.md's rule table lacks `{row}`"
        );
    }
}
