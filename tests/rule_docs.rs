//! The failing and passing examples of every rule document (`rules/<layer>/<ID>.md`) are run
//! with the binary and give the verdict the document states (see `src/rules/examples.rs` for
//! how an example names its files and its command line).

use std::process::Command;

use spoflint::finding::Severity;
use spoflint::rules::examples::{Example, Verdict, examples};
use spoflint::rules::{RuleMeta, catalog};

/// `(rule, severity)` of every finding of the example's scan.
fn scan(ex: &Example) -> Result<Vec<(String, String, String)>, String> {
    let dir = tempfile::tempdir().unwrap();
    for (name, content) in &ex.files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, content).unwrap();
    }
    let out = Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .current_dir(dir.path())
        .env_remove("SPOFLINT_FAILPOINT")
        .envs(ex.env.iter().map(|(k, v)| (k, v)))
        .args([
            "check",
            ".",
            "--format",
            "json",
            "--no-config",
            "--color",
            "never",
        ])
        .args(&ex.args)
        .output()
        .unwrap();
    let report: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| {
        format!(
            "no JSON report ({e}), exit {:?}: {}",
            out.status.code(),
            String::from_utf8_lossy(&out.stderr)
        )
    })?;
    Ok(report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or_default().to_string();
            (s("rule"), s("severity"), s("message"))
        })
        .collect())
}

/// Why the example does not give its stated verdict, if it does not.
fn judge(rule: &RuleMeta, ex: &Example) -> Option<String> {
    let findings = match scan(ex) {
        Ok(f) => f,
        Err(e) => return Some(e),
    };
    let of_rule: Vec<_> = findings.iter().filter(|f| f.0 == rule.id).collect();
    let other_input: Vec<_> = findings
        .iter()
        .filter(|f| f.0.starts_with("INPUT") && f.0 != rule.id)
        .collect();
    if !other_input.is_empty() {
        return Some(format!("the example is not clean input: {other_input:?}"));
    }
    match ex.verdict {
        Verdict::Fails => {
            let judged = |f: &&(String, String, String)| {
                rule.severity == Severity::Info || f.1 != Severity::Info.as_str()
            };
            (!of_rule.iter().any(judged))
                .then(|| format!("stated to fail, but {} reports {of_rule:?}", rule.id))
        }
        Verdict::Passes => (!of_rule.is_empty())
            .then(|| format!("stated to pass, but {} reports {of_rule:?}", rule.id)),
    }
}

#[test]
fn every_documented_example_gives_its_stated_verdict() {
    let catalog = catalog().unwrap();
    let mut wrong = Vec::new();
    let mut run = 0;
    for rule in &catalog.rules {
        let examples = match examples(rule.body) {
            Ok(e) => e,
            Err(e) => {
                wrong.push(format!("rules/{}: {e}", rule.doc_path));
                continue;
            }
        };
        for ex in &examples {
            run += 1;
            if let Some(why) = judge(rule, ex) {
                wrong.push(format!("rules/{} ({:?}): {why}", rule.doc_path, ex.verdict));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {run} examples:\n{}",
        wrong.len(),
        wrong.join("\n")
    );
    assert_eq!(run, 2 * catalog.rules.len());
}

/// The judge itself: a failing example that does not fire, a passing one that does, an
/// example with invalid input, and a "cannot judge" that is not a failure.
#[test]
fn the_judge_tells_wrong_examples() {
    let rule = catalog().unwrap().get("COMPUTE001").unwrap();
    let deploy = |replicas: &str| {
        format!(
            "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n        - name: web\n          image: nginx\n"
        )
    };
    let ex = |verdict, files: Vec<(&str, String)>| Example {
        verdict,
        files: files.into_iter().map(|(n, c)| (n.to_string(), c)).collect(),
        env: Vec::new(),
        args: Vec::new(),
    };
    assert_eq!(
        judge(rule, &ex(Verdict::Fails, vec![("d.yaml", deploy("1"))])),
        None
    );
    assert_eq!(
        judge(rule, &ex(Verdict::Passes, vec![("d.yaml", deploy("3"))])),
        None
    );
    assert!(
        judge(rule, &ex(Verdict::Fails, vec![("d.yaml", deploy("3"))]))
            .unwrap()
            .contains("stated to fail")
    );
    assert!(
        judge(rule, &ex(Verdict::Passes, vec![("d.yaml", deploy("1"))]))
            .unwrap()
            .contains("stated to pass")
    );
    assert!(
        judge(rule, &ex(Verdict::Fails, vec![("d.yaml", deploy("${N}"))]))
            .unwrap()
            .contains("stated to fail")
    );
    let broken = vec![("d.yaml", deploy("1")), ("e.yaml", "a: [".to_string())];
    assert!(
        judge(rule, &ex(Verdict::Fails, broken))
            .unwrap()
            .contains("not clean input")
    );
}
