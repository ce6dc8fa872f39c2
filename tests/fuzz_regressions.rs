//! Inputs the fuzzers found (and a few written after their kind), kept in
//! `fuzz/regressions/<target>/`: each is run through its target's entry point, which must
//! return without a panic, and quickly (some were timeouts: a loop hashing a 10 MB string,
//! a regular expression that took seconds per megabyte).

use std::path::Path;

#[test]
fn every_input_the_fuzzers_found_runs_clean() {
    let root = Path::new("fuzz/regressions");
    let mut ran = 0;
    for target in std::fs::read_dir(root).unwrap() {
        let target = target.unwrap().path();
        let name = target.file_name().unwrap().to_string_lossy().to_string();
        let run: fn(&[u8]) = match name.as_str() {
            "yaml" => spoflint::fuzzing::yaml,
            "go_template" => spoflint::fuzzing::go_template,
            "hcl" => spoflint::fuzzing::hcl,
            "plan" => spoflint::fuzzing::plan,
            "helm_set" => spoflint::fuzzing::helm_set,
            "reports" => spoflint::fuzzing::reports,
            "pipeline" => spoflint::fuzzing::pipeline,
            "kustomize" => spoflint::fuzzing::kustomize,
            other => panic!("fuzz/regressions/{other}: no such fuzz target"),
        };
        for input in std::fs::read_dir(&target).unwrap() {
            let input = input.unwrap().path();
            let data = std::fs::read(&input).unwrap();
            let started = std::time::Instant::now();
            run(&data);
            let took = started.elapsed();
            // A debug build; the inputs that once ran for minutes take milliseconds now.
            assert!(took.as_secs() < 20, "{}: {took:?}", input.display());
            ran += 1;
        }
    }
    assert!(ran >= 3, "only {ran} regression inputs found");
}
