//! The pre-commit hook, for real: `pre-commit try-repo` builds spoflint from this repository
//! (language: rust) and runs the hook in a throwaway git repository.
//!
//! Needs `pre-commit` (from PyPI) and git: found through `SPOFLINT_PRE_COMMIT` or on PATH.
//! Without them the test is skipped with a message, unless `SPOFLINT_REQUIRE_PRE_COMMIT=1` (as
//! in CI), where that is a failure. It builds spoflint in release mode: slow, so it runs once.

use std::process::{Command, Output};

mod common;
use common::git;

fn pre_commit() -> Option<String> {
    let exe = std::env::var("SPOFLINT_PRE_COMMIT").unwrap_or_else(|_| "pre-commit".into());
    let works = Command::new(&exe)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    let git = Command::new("git").arg("--version").output().is_ok();
    (works && git).then_some(exe)
}

#[test]
fn hook_runs_through_pre_commit_try_repo() {
    let Some(exe) = pre_commit() else {
        let msg = "skipped: pre-commit or git is not installed (pip install pre-commit, or set \
                   SPOFLINT_PRE_COMMIT to its path)";
        assert!(
            std::env::var("SPOFLINT_REQUIRE_PRE_COMMIT").is_err(),
            "SPOFLINT_REQUIRE_PRE_COMMIT is set but {msg}"
        );
        eprintln!("{msg}");
        return;
    };
    let repo = tempfile::tempdir().unwrap();
    let d = repo.path();
    git(d, &["init", "-q"]);
    std::fs::write(
        d.join("ok.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ok\ndata:\n  a: b\n",
    )
    .unwrap();
    git(d, &["add", "."]);
    git(d, &["commit", "-q", "-m", "base"]);
    // Pre-commit's cache (the built hook) lives with the test, not in the user's home.
    let cache = d.join(".cache");
    let run = |files: &[&str]| -> Output {
        Command::new(&exe)
            .current_dir(d)
            .env("PRE_COMMIT_HOME", &cache)
            .args([
                "try-repo",
                env!("CARGO_MANIFEST_DIR"),
                "spoflint",
                "--verbose",
                "--files",
            ])
            .args(files)
            .output()
            .unwrap()
    };
    std::fs::write(d.join("solo.yaml"), common::deployment("solo", 1)).unwrap();
    git(d, &["add", "solo.yaml"]);
    let bad = run(&["solo.yaml"]);
    let text = String::from_utf8_lossy(&bad.stdout).to_string();
    assert_eq!(
        bad.status.code(),
        Some(1),
        "{text}\n{}",
        String::from_utf8_lossy(&bad.stderr)
    );
    assert!(text.contains("COMPUTE001"), "{text}");
    assert!(text.contains("solo.yaml"), "{text}");
    // The clean file passes, although solo.yaml (not passed) still has its finding.
    let good = run(&["ok.yaml"]);
    let text = String::from_utf8_lossy(&good.stdout).to_string();
    assert_eq!(good.status.code(), Some(0), "{text}");
    assert!(!text.contains("COMPUTE001"), "{text}");
}
