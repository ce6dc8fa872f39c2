//! Scaffolds a new rule: `cargo run --example new_rule -- ID "Title" [k8s|terraform]
//! [error|warning|info]`, from the repository's top. Writes `src/rules/<layer>/<id>.rs`,
//! `rules/<layer>/<ID>.md`, a fire and a pass fixture case and their `EXPECTED.md` rows (see
//! `spoflint::scaffold`); the new rule's tests fail until its `check` is written.

use std::process::ExitCode;

use spoflint::finding::Severity;
use spoflint::scaffold::{FixtureFormat, NewRule, new_rule};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let usage =
        "usage: cargo run --example new_rule -- ID \"Title\" [k8s|terraform] [error|warning|info]";
    let (Some(id), Some(title)) = (args.first(), args.get(1)) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let format = args
        .get(2)
        .map_or(Some(FixtureFormat::Kubernetes), |f| FixtureFormat::parse(f));
    let severity = args
        .get(3)
        .map_or(Some(Severity::Warning), |s| Severity::parse(s));
    let (Some(format), Some(severity)) = (format, severity) else {
        eprintln!("{usage}");
        return ExitCode::from(2);
    };
    let rule = NewRule {
        id,
        title,
        severity,
        format,
    };
    match new_rule(std::path::Path::new("."), &rule) {
        Ok(files) => {
            for f in files {
                println!("wrote {}", f.display());
            }
            println!(
                "next: write check(), the document's text and examples, the fixtures and their EXPECTED.md notes; then `INSTA_UPDATE=always cargo test`"
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("new_rule: {e}");
            ExitCode::FAILURE
        }
    }
}
