//! `spoflint policy test`: runs the `test_*` rules of the policies and their `_test.rego`
//! files, as `opa test` does: a test passes when its rule is true.

use std::time::Instant;

use super::Policies;

/// The outcome of one test rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    Pass,
    /// False or undefined.
    Fail,
    /// The evaluation failed (with why).
    Error(String),
}

#[derive(Debug, Clone)]
pub struct TestResult {
    /// `data.kubernetes.replicas.test_two_replicas_denied`.
    pub name: String,
    /// The file and line of the rule.
    pub file: String,
    pub line: u32,
    pub outcome: Outcome,
    pub micros: u128,
}

/// Runs every `test_*` rule (in file and line order). Rules named `todo_test_*` are skipped, as
/// `opa test` skips them.
pub fn run(policies: &Policies) -> Vec<TestResult> {
    let Some(engine) = policies.engine.as_ref() else {
        return Vec::new();
    };
    let mut engine = engine.clone();
    let mut tests: Vec<(String, String, u32)> = Vec::new();
    for m in engine.get_modules().iter() {
        let path = m.package.span.source.get_path().to_string();
        let package = super::package_path(m);
        for rule in &m.policy {
            if let regorus::unstable::Rule::Spec {
                head: regorus::unstable::RuleHead::Compr { span, .. },
                ..
            } = rule.as_ref()
            {
                let name: String = super::rule_name(span.text());
                let full = format!("{package}.{name}");
                if name.starts_with("test_") && !tests.iter().any(|(n, _, _)| *n == full) {
                    tests.push((full, path.clone(), span.line));
                }
            }
        }
    }
    engine.set_execution_timer_config(super::eval::timer());
    let _bound = super::eval::MemoryBound::set();
    tests
        .into_iter()
        .map(|(name, file, line)| {
            let start = Instant::now();
            engine.set_input(regorus::Value::new_object());
            let outcome = match engine.eval_rule(name.clone()) {
                Ok(regorus::Value::Bool(true)) => Outcome::Pass,
                Ok(_) => Outcome::Fail,
                Err(e) => {
                    let (_, _, message) = super::located(&e.to_string());
                    Outcome::Error(message)
                }
            };
            TestResult {
                name,
                file,
                line,
                outcome,
                micros: start.elapsed().as_micros(),
            }
        })
        .collect()
}

/// The report `spoflint policy test` prints: failures (every test with `verbose`), then a
/// summary line as `opa test` writes it (`PASS: 3/3`, `FAIL: 1/3`, `ERROR: 1/3`).
pub fn report(results: &[TestResult], verbose: bool) -> String {
    let mut s = String::new();
    for r in results {
        let shown = match &r.outcome {
            Outcome::Pass if !verbose => continue,
            Outcome::Pass => "PASS".to_string(),
            Outcome::Fail => "FAIL".to_string(),
            Outcome::Error(e) => format!("ERROR: {e}"),
        };
        let took = if verbose {
            format!(" ({:.1} ms)", r.micros as f64 / 1000.0)
        } else {
            String::new()
        };
        s.push_str(&format!(
            "{}:{}: {}: {shown}{took}\n",
            r.file, r.line, r.name
        ));
    }
    let total = results.len();
    let count = |f: fn(&Outcome) -> bool| results.iter().filter(|r| f(&r.outcome)).count();
    let pass = count(|o| *o == Outcome::Pass);
    let fail = count(|o| *o == Outcome::Fail);
    let error = count(|o| matches!(o, Outcome::Error(_)));
    if total > 0 {
        s.push_str(&"-".repeat(80));
        s.push('\n');
    }
    if pass > 0 {
        s.push_str(&format!("PASS: {pass}/{total}\n"));
    }
    if fail > 0 {
        s.push_str(&format!("FAIL: {fail}/{total}\n"));
    }
    if error > 0 {
        s.push_str(&format!("ERROR: {error}/{total}\n"));
    }
    if total == 0 {
        s.push_str("no tests found (rules named test_*)\n");
    }
    s
}
