//! The GitHub Action: `action.yml` declares what `scripts/action.sh` reads, and the script,
//! run here with a simulated GitHub environment (INPUT_*, GITHUB_OUTPUT,
//! GITHUB_STEP_SUMMARY), writes annotations, the step summary, SARIF and the outputs, and
//! exits as spoflint does.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use spoflint::model::SourceFile;

struct Run {
    out: Output,
    outputs: BTreeMap<String, String>,
    summary: String,
    sarif: Option<serde_json::Value>,
}

fn run(inputs: &[(&str, &str)]) -> Run {
    let tmp = tempfile::tempdir().unwrap();
    let output_file = tmp.path().join("output");
    let summary_file = tmp.path().join("summary.md");
    let sarif_file = tmp.path().join("out.sarif");
    std::fs::write(&summary_file, "# Earlier step\n").unwrap();
    let mut cmd = Command::new("bash");
    cmd.arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/action.sh"))
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .env("SPOFLINT_BIN", env!("CARGO_BIN_EXE_spoflint"))
        .env("GITHUB_OUTPUT", &output_file)
        .env("GITHUB_STEP_SUMMARY", &summary_file)
        .env("RUNNER_TEMP", tmp.path())
        .env("INPUT_SARIF_FILE", &sarif_file)
        .env("INPUT_FORMAT", "github")
        .env("INPUT_FAIL_ON", "warning")
        .env("INPUT_CHANGED_ONLY", "false");
    for (k, v) in inputs {
        cmd.env(k, v);
    }
    let out = cmd.output().unwrap();
    let outputs = std::fs::read_to_string(&output_file)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let summary = std::fs::read_to_string(&summary_file).unwrap();
    let sarif = std::fs::read_to_string(&sarif_file)
        .ok()
        .map(|t| serde_json::from_str(&t).unwrap());
    Run {
        out,
        outputs,
        summary,
        sarif,
    }
}

#[test]
fn findings_become_annotations_summary_sarif_and_outputs() {
    let r = run(&[("INPUT_PATH", "fixtures/k8s/compute001/fire-single-replica")]);
    let log = String::from_utf8_lossy(&r.out.stdout).to_string();
    assert_eq!(r.out.status.code(), Some(1), "{log}");
    assert!(
        log.lines().any(|l| l
            .starts_with("::error file=fixtures/k8s/compute001/fire-single-replica/")
            && l.contains("COMPUTE001")),
        "{log}"
    );
    assert_eq!(r.outputs["findings"], "1");
    assert_eq!(r.outputs["errors"], "1");
    assert_eq!(r.outputs["warnings"], "0");
    assert!(r.outputs["sarif-file"].ends_with("out.sarif"));
    // Appended to what earlier steps wrote.
    assert!(r.summary.starts_with("# Earlier step\n"), "{}", r.summary);
    assert!(
        r.summary.contains("| compute |") || r.summary.contains("compute"),
        "{}",
        r.summary
    );
    let sarif = r.sarif.expect("SARIF written");
    assert_eq!(sarif["version"], "2.1.0");
    assert_eq!(sarif["runs"][0]["results"][0]["ruleId"], "COMPUTE001");
}

#[test]
fn clean_scans_pass_and_fail_on_is_honoured() {
    let clean = run(&[("INPUT_PATH", "fixtures/k8s/ha-good")]);
    assert_eq!(clean.out.status.code(), Some(0));
    assert_eq!(clean.outputs["findings"], "0");
    let never = run(&[
        ("INPUT_PATH", "fixtures/k8s/compute001/fire-single-replica"),
        ("INPUT_FAIL_ON", "never"),
    ]);
    assert_eq!(never.out.status.code(), Some(0));
    assert_eq!(never.outputs["findings"], "1");
    let human = run(&[
        ("INPUT_PATH", "fixtures/k8s/compute001/fire-single-replica"),
        ("INPUT_FORMAT", "human"),
    ]);
    assert!(String::from_utf8_lossy(&human.out.stdout).contains("Zero-SPOF validation"));
    let bad = run(&[("INPUT_FORMAT", "xml")]);
    assert_eq!(bad.out.status.code(), Some(2));
}

#[test]
fn action_yml_declares_every_input_the_script_reads() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("action.yml")).unwrap();
    let file = SourceFile::new("action.yml".into(), text.as_str().into());
    let parsed = spoflint::ingest::yaml::parse(&file);
    assert!(parsed.error.is_none(), "{:?}", parsed.error);
    let doc = &parsed.documents[0];
    let action = doc.tree.val(doc.root);
    assert_eq!(
        action.path(&["runs", "using"]).unwrap().as_str(),
        Some("composite")
    );
    let inputs: Vec<&str> = action
        .get("inputs")
        .unwrap()
        .entries()
        .into_iter()
        .map(|(k, _)| k)
        .collect();
    for want in [
        "path",
        "config",
        "format",
        "fail-on",
        "changed-only",
        "base",
        "sarif-file",
        "version",
    ] {
        assert!(inputs.contains(&want), "input {want} missing: {inputs:?}");
    }
    let script = std::fs::read_to_string(root.join("scripts/action.sh")).unwrap();
    for input in &inputs {
        if *input == "version" {
            continue;
        }
        let var = format!("INPUT_{}", input.to_uppercase().replace('-', "_"));
        assert!(script.contains(&var), "scripts/action.sh ignores {var}");
        assert!(
            text.contains(&format!("{var}: ${{{{ inputs.{input} }}}}")),
            "{var} not passed"
        );
    }
    for output in ["findings", "errors", "warnings", "sarif-file"] {
        assert!(
            script.contains(&format!("echo \"{output}=")),
            "output {output}"
        );
    }
    // Both scripts are valid bash.
    for s in ["scripts/action.sh", "scripts/action-install.sh"] {
        let ok = Command::new("bash")
            .arg("-n")
            .arg(root.join(s))
            .status()
            .unwrap();
        assert!(ok.success(), "{s}");
    }
}
