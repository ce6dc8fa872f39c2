//! Scaffolding for contributors: the files of a new rule (`cargo run --example new_rule`).
//!
//! A new rule is one Rust file, one document and fixtures; this writes all of them with the
//! expected rows, so that the rule is registered and its tests run (and fail) at once: the
//! fire fixture must fire and the documented failing example must report the rule, which the
//! skeleton does not do until its `check` is written.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use crate::finding::{Layer, Severity};

/// Which fixture tree the rule's cases go to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FixtureFormat {
    Kubernetes,
    Terraform,
}

impl FixtureFormat {
    pub fn parse(s: &str) -> Option<FixtureFormat> {
        match s {
            "k8s" | "kubernetes" => Some(FixtureFormat::Kubernetes),
            "terraform" | "tf" => Some(FixtureFormat::Terraform),
            _ => None,
        }
    }

    fn dir(self) -> &'static str {
        match self {
            FixtureFormat::Kubernetes => "k8s",
            FixtureFormat::Terraform => "terraform",
        }
    }
}

/// What to scaffold.
pub struct NewRule<'a> {
    /// `COMPUTE012`: the layer's name in capitals, then digits.
    pub id: &'a str,
    pub title: &'a str,
    pub severity: Severity,
    pub format: FixtureFormat,
}

/// Writes the new rule's files under the repository `root` and adds its fixture rows to the
/// format's `EXPECTED.md`; returns the files written or changed. Nothing is written when the
/// id is malformed or any of the files exists.
pub fn new_rule(root: &Path, rule: &NewRule) -> Result<Vec<PathBuf>, String> {
    let id = rule.id;
    let digits = id.trim_start_matches(|c: char| c.is_ascii_uppercase());
    let prefix = &id[..id.len() - digits.len()];
    let layer = Layer::parse(&prefix.to_ascii_lowercase())
        .filter(|_| digits.len() == 3 && digits.bytes().all(|b| b.is_ascii_digit()))
        .ok_or_else(|| {
            format!(
                "`{id}` is not a rule id: a layer's name in capitals and three digits (COMPUTE012)"
            )
        })?;
    let title = rule.title.trim();
    if title.is_empty() || title.len() > 80 || title.contains(['\n', ':', '#']) {
        return Err(
            "the title must be one line of at most 80 characters, without `:` or `#`".into(),
        );
    }
    for dir in ["src/rules", "rules", "fixtures", "README.md"] {
        if !root.join(dir).exists() {
            return Err(format!(
                "{} is not the spoflint repository (no {dir}/)",
                root.display()
            ));
        }
    }
    let lower = id.to_ascii_lowercase();
    let layer_dir = layer.as_str();
    let fixtures = format!("fixtures/{}/{lower}", rule.format.dir());
    let (file, fire, pass) = match rule.format {
        FixtureFormat::Kubernetes => ("deployment.yaml", deployment(1), deployment(3)),
        FixtureFormat::Terraform => ("main.tf", subnets(1), subnets(3)),
    };
    let files = [
        (
            format!("src/rules/{layer_dir}/{lower}.rs"),
            rust_file(id, title),
        ),
        (
            format!("rules/{layer_dir}/{id}.md"),
            document(id, layer, title, rule.severity, rule.format, &fire, &pass),
        ),
        (
            format!("{fixtures}/fire-example/{file}"),
            fixture(id, "expect", &fire),
        ),
        (
            format!("{fixtures}/pass-example/{file}"),
            fixture(id, "no", &pass),
        ),
    ];
    for (path, _) in &files {
        if root.join(path).exists() {
            return Err(format!("{path} exists already"));
        }
    }
    if root.join(&fixtures).exists() {
        return Err(format!("{fixtures}/ exists already"));
    }
    let expected_path = root.join(format!("fixtures/{}/EXPECTED.md", rule.format.dir()));
    let expected = std::fs::read_to_string(&expected_path)
        .map_err(|e| format!("{}: {e}", expected_path.display()))?;
    let expected = with_rows(
        &expected,
        &[
            format!("| {lower}/fire-example | {id} | TODO: what the case exercises |"),
            format!("| {lower}/pass-example | - | TODO: why it does not fire |"),
        ],
    );

    let readme_path = root.join("README.md");
    let readme = std::fs::read_to_string(&readme_path)
        .map_err(|e| format!("{}: {e}", readme_path.display()))?;
    let readme = with_rule_row(
        &readme,
        prefix,
        &format!(
            "| {id} | {layer_dir} | {} | TODO: one line on what fires |",
            rule.severity.as_str()
        ),
    )?;

    let mut written = Vec::new();
    for (path, text) in &files {
        let full = root.join(path);
        std::fs::create_dir_all(full.parent().expect("a file path"))
            .and_then(|()| std::fs::write(&full, text))
            .map_err(|e| format!("{path}: {e}"))?;
        written.push(full);
    }
    std::fs::write(&expected_path, expected)
        .map_err(|e| format!("{}: {e}", expected_path.display()))?;
    written.push(expected_path);
    std::fs::write(&readme_path, readme).map_err(|e| format!("README.md: {e}"))?;
    written.push(readme_path);
    Ok(written)
}

/// `text` with `rows` added to its table, after the last row that sorts before each.
fn with_rows(text: &str, rows: &[String]) -> String {
    let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
    for row in rows {
        let key = |l: &str| l.split('|').nth(1).unwrap_or("").trim().to_string();
        let table: Vec<usize> = (0..lines.len())
            .filter(|&i| lines[i].starts_with("| ") && !lines[i].starts_with("| case directory"))
            .collect();
        let at = table
            .iter()
            .copied()
            .rfind(|&i| key(&lines[i]) < key(row))
            .map(|i| i + 1)
            .or_else(|| table.first().copied())
            .unwrap_or(lines.len());
        lines.insert(at, row.clone());
    }
    let mut out = lines.join("\n");
    out.push('\n');
    out
}

/// README's rule table with `row` after the last row of the layer (`| COMPUTE011 | ...`), or
/// after the last rule row when the layer has none yet.
fn with_rule_row(readme: &str, prefix: &str, row: &str) -> Result<String, String> {
    let is_rule_row = |l: &str, p: &str| {
        l.strip_prefix("| ")
            .and_then(|l| l.strip_prefix(p))
            .and_then(|l| l.split_once(' '))
            .is_some_and(|(n, rest)| {
                n.len() == 3 && n.bytes().all(|b| b.is_ascii_digit()) && rest.starts_with("| ")
            })
    };
    let lines: Vec<&str> = readme.lines().collect();
    let any_rule = |l: &str| {
        let upper = l.trim_start_matches("| ");
        let p: String = upper.chars().take_while(char::is_ascii_uppercase).collect();
        !p.is_empty() && is_rule_row(l, &p)
    };
    let at = lines
        .iter()
        .rposition(|l| is_rule_row(l, prefix))
        .or_else(|| lines.iter().rposition(|l| any_rule(l)))
        .ok_or("README.md has no rule table")?;
    let mut out: Vec<&str> = lines[..=at].to_vec();
    out.push(row);
    out.extend(&lines[at + 1..]);
    Ok(out.join("\n") + "\n")
}

fn rust_file(id: &str, title: &str) -> String {
    format!(
        "//! {id}: {title}.\n//!\n//! TODO: what the rule reads (facts in `cx.facts`, parameters in `params::*::of(cx)`)\n//! and when it reports; see README, \"Adding a rule\".\n\nuse crate::rules::prelude::*;\n\npub fn check(cx: &mut RuleCx) {{\n    let _ = cx;\n}}\n"
    )
}

fn fixture(id: &str, verdict: &str, text: &str) -> String {
    let comment = match verdict {
        "expect" => format!("# expect: {id} — TODO: why it fires\n"),
        _ => format!("# expect: no {id} — TODO: why it does not fire\n"),
    };
    format!("{comment}{text}")
}

fn document(
    id: &str,
    layer: Layer,
    title: &str,
    severity: Severity,
    format: FixtureFormat,
    fire: &str,
    pass: &str,
) -> String {
    let lang = match format {
        FixtureFormat::Kubernetes => "yaml",
        FixtureFormat::Terraform => "hcl",
    };
    let mut doc = String::new();
    let _ = write!(
        doc,
        "---\nid: {id}\nlayer: {layer}\nseverity: {sev}\ntitle: {title}\nparameters: {{}}\n---\n# {id}: {title}\n\nTODO: when the rule fires, what it reads, where the finding points, and what it says when\na value is not known statically.\n\n## Why this is a single point of failure\nTODO\n\n## How to fix\n- TODO\n\n## Failing example\n```{lang}\n{fire}```\n\n## Passing example\n```{lang}\n{pass}```\n",
        layer = layer.as_str(),
        sev = severity.as_str(),
    );
    doc
}

/// A starting point for the cases: a Deployment with `replicas` replicas.
fn deployment(replicas: u32) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: {replicas}
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
        - name: web
          image: ghcr.io/example/web:1.0.0
"
    )
}

/// A starting point for the cases: subnets in the first `n` zones of us-east-1.
fn subnets(n: usize) -> String {
    let zones: Vec<String> = ["us-east-1a", "us-east-1b", "us-east-1c"][..n]
        .iter()
        .map(|z| format!("\"{z}\""))
        .collect();
    format!(
        "provider \"aws\" {{
  region = \"us-east-1\"
}}

resource \"aws_subnet\" \"private\" {{
  count             = {n}
  vpc_id            = \"vpc-0a1b2c3d4e5f67890\"
  cidr_block        = \"10.0.${{count.index}}.0/24\"
  availability_zone = [{}][count.index]
}}
",
        zones.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_go_in_order() {
        let table = "# T\n\n| case directory | expected rule ids | note |\n|---|---|---|\n| a/fire-x | A | |\n| c/pass-y | - | |\n";
        let out = with_rows(table, &["| b/fire-example | B | |".to_string()]);
        assert!(out.contains("| a/fire-x | A | |\n| b/fire-example | B | |\n| c/pass-y | - | |\n"));
        let out = with_rows(table, &["| 0/first | X | |".to_string()]);
        assert!(out.contains("|---|---|---|\n| 0/first | X | |\n| a/fire-x"));
    }

    #[test]
    fn readme_rows_go_after_their_layer() {
        let readme = "x\n| ID | layer |\n| COMPUTE001 | compute | error | a |\n| COMPUTE002 | compute | warning | b |\n| DATA001 | data | error | c |\n\ny\n";
        let out = with_rule_row(readme, "COMPUTE", "| COMPUTE003 | new |").unwrap();
        assert!(out.contains("| b |\n| COMPUTE003 | new |\n| DATA001"));
        let out = with_rule_row(readme, "CICD", "| CICD001 | new |").unwrap();
        assert!(out.contains("| c |\n| CICD001 | new |\n\ny\n"));
        assert!(with_rule_row("no table\n", "CICD", "r").is_err());
    }
}
