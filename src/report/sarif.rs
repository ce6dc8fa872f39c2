//! `--format sarif`: one SARIF 2.1.0 log with one run, for GitHub code scanning
//! (`github/codeql-action/upload-sarif`) and other SARIF viewers.
//!
//! - `tool.driver.rules` is the whole catalogue (not only the rules that fired), each with its
//!   document as help and a link to it; results point at their rule by `ruleId` and `ruleIndex`.
//! - Columns count characters (`columnKind: unicodeCodePoints`), as everywhere in spoflint;
//!   regions are 1-based and their end is exclusive, as SARIF's are.
//! - Paths are relative URIs against `%SRCROOT%` (the directory spoflint ran in), or `file:`
//!   URIs for absolute paths.
//! - A finding suppressed by a `spoflint:ignore` comment is a result with an `inSource`
//!   suppression (the comment's reason and location), never dropped.
//! - GitHub's limits hold: at most [`MAX_RESULTS`] results per run (suppressed results go
//!   first, then the least severe; a notification says how many were left out) and 1,000
//!   locations per result.

use std::collections::HashMap;

use serde::Serialize;
use serde_json::{Value, json};

use super::Summary;
use crate::Scan;
use crate::finding::{Finding, Label, Severity, fingerprints};
use crate::rules::{self, RuleMeta};

/// The `$schema` of the log.
pub const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The most results GitHub code scanning accepts in one run.
pub const MAX_RESULTS: usize = 25_000;

/// The most locations GitHub code scanning accepts for one result, the primary one included.
const MAX_LOCATIONS: usize = 1_000;

/// The `partialFingerprints` key; its value is [`fingerprints`]' hash, stable across line
/// shifts.
pub const FINGERPRINT_KEY: &str = "spoflintFingerprint/v1";

/// The base that relative artifact URIs resolve against: where spoflint was run.
pub const SRCROOT: &str = "%SRCROOT%";

/// Where the project lives (`repository` in Cargo.toml); rule documents are linked under it.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");

/// The SARIF level of a severity.
pub fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// `Workload runs fewer than the minimum replicas` → `WorkloadRunsFewerThanTheMinimumReplicas`
/// (`fallback` when the title has no letter or digit).
fn camel_case(title: &str, fallback: &str) -> String {
    let name: String = title
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            let first = chars.next().map(|c| c.to_uppercase().collect::<String>());
            first.unwrap_or_default() + chars.as_str()
        })
        .collect();
    if name.is_empty() {
        fallback.to_string()
    } else {
        name
    }
}

/// The first paragraph of a rule document that is not a heading, on one line.
fn first_paragraph(body: &str) -> Option<String> {
    let mut lines = Vec::new();
    for line in body.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            if !lines.is_empty() {
                break;
            }
            continue;
        }
        lines.push(line);
    }
    (!lines.is_empty()).then(|| lines.join(" "))
}

/// The rule's document as markdown, its parameters (which the document's front matter holds)
/// appended as a table.
fn help_markdown(rule: &RuleMeta) -> String {
    let mut md = rule.body.trim_end().to_string();
    if !rule.parameters.is_empty() {
        md.push_str("\n\n## Parameters\n\n| parameter | default | meaning |\n|---|---|---|\n");
        for p in &rule.parameters {
            md.push_str(&format!(
                "| `{}` | {} | {} |\n",
                p.name,
                p.default,
                p.description.replace('|', "\\|")
            ));
        }
    }
    if !md.ends_with('\n') {
        md.push('\n');
    }
    md
}

/// A `reportingDescriptor` for a rule of the catalogue.
fn descriptor(rule: &RuleMeta) -> Value {
    let mut d = json!({
        "id": rule.id,
        "name": camel_case(&rule.title, rule.id),
        "shortDescription": { "text": rule.title },
        "fullDescription": {
            "text": first_paragraph(rule.body).unwrap_or_else(|| rule.title.clone())
        },
        "help": { "text": rules::render_doc(rule), "markdown": help_markdown(rule) },
        "helpUri": format!("{REPOSITORY}/blob/main/rules/{}/{}.md", rule.layer.as_str(), rule.id),
        "defaultConfiguration": { "level": level(rule.severity) },
        "properties": { "tags": ["spoflint", rule.layer.as_str()], "precision": "high" }
    });
    if rule.policy {
        // A user policy: its documentation is its annotations and its file, not a page of
        // spoflint's repository.
        if let Some(m) = d.as_object_mut() {
            m.shift_remove("helpUri");
        }
        d["properties"]["tags"] = json!(["spoflint", "policy", rule.layer.as_str()]);
    }
    d
}

/// Percent-encodes what may not stand in a URI path: everything but unreserved characters,
/// sub-delimiters, `@`, `/` and (when `colon`) `:`.
fn encode_path(path: &str, colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for c in path.chars() {
        let keep =
            c.is_ascii_alphanumeric() || "-._~/!$&'()*+,;=@".contains(c) || (colon && c == ':');
        if keep {
            out.push(c);
        } else {
            let mut buf = [0u8; 4];
            for b in c.encode_utf8(&mut buf).bytes() {
                out.push_str(&format!("%{b:02X}"));
            }
        }
    }
    out
}

/// The `artifactLocation` of a path as spoflint displays it: a relative URI against
/// [`SRCROOT`], or a `file:` URI for an absolute path.
pub fn artifact_location(path: &str) -> Value {
    let path = path.replace('\\', "/");
    let bytes = path.as_bytes();
    let drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if path.starts_with('/') {
        return json!({ "uri": format!("file://{}", encode_path(&path, true)) });
    }
    if drive {
        return json!({ "uri": format!("file:///{}", encode_path(&path, true)) });
    }
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest;
    }
    json!({ "uri": encode_path(relative, false), "uriBaseId": SRCROOT })
}

/// A `physicalLocation`: the file and the label's region (1-based; the end is exclusive).
fn physical_location(scan: &Scan, label: &Label) -> Value {
    let file = scan.model.sources.get(label.source);
    let start = file.line_col(label.span.start);
    let end = file.line_col(label.span.end.max(label.span.start));
    json!({
        "artifactLocation": artifact_location(&file.path),
        "region": {
            "startLine": start.line,
            "startColumn": start.col,
            "endLine": end.line,
            "endColumn": end.col
        }
    })
}

/// The result's `properties.resource`: the resource as its family describes it.
fn resource(scan: &Scan, id: crate::model::ResourceId) -> Value {
    let fields = scan.model.get(id).descriptor();
    Value::Object(
        fields
            .into_iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect(),
    )
}

fn result(scan: &Scan, f: &Finding, fingerprint: &str, rule_index: &HashMap<&str, usize>) -> Value {
    let mut text = f.message.clone();
    if !f.help.is_empty() {
        text.push_str("\n\nHow to fix: ");
        text.push_str(&f.help);
    }
    let mut location = json!({ "physicalLocation": physical_location(scan, &f.primary) });
    if !f.primary.text.is_empty() {
        location["message"] = json!({ "text": f.primary.text });
    }
    let mut out = json!({ "ruleId": f.rule });
    if let Some(&i) = rule_index.get(f.rule) {
        out["ruleIndex"] = json!(i);
    }
    out["level"] = json!(level(f.severity));
    out["message"] = json!({ "text": text });
    out["locations"] = json!([location]);
    if !f.secondary.is_empty() {
        let related: Vec<Value> = f
            .secondary
            .iter()
            .take(MAX_LOCATIONS - 1)
            .enumerate()
            .map(|(i, l)| {
                let mut loc = json!({
                    "id": i + 1,
                    "physicalLocation": physical_location(scan, l)
                });
                if !l.text.is_empty() {
                    loc["message"] = json!({ "text": l.text });
                }
                loc
            })
            .collect();
        out["relatedLocations"] = Value::Array(related);
    }
    out["partialFingerprints"] = json!({ FINGERPRINT_KEY: fingerprint });
    let mut properties = json!({ "layer": f.layer.as_str() });
    if let Some(subject) = f.resource {
        properties["resource"] = resource(scan, subject);
    }
    out["properties"] = properties;
    if let Some(s) = &f.suppressed {
        out["suppressions"] = json!([{
            "kind": "inSource",
            "justification": s.reason,
            "location": { "physicalLocation": physical_location(scan, &s.at) }
        }]);
    }
    out
}

/// Which findings are reported when there are more than [`MAX_RESULTS`]: open before
/// suppressed, then by severity, then in report order; the kept ones stay in report order.
fn kept(findings: &[Finding]) -> Vec<usize> {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    if order.len() > MAX_RESULTS {
        order.sort_by_key(|&i| {
            let f = &findings[i];
            (f.suppressed.is_some(), std::cmp::Reverse(f.severity), i)
        });
        order.truncate(MAX_RESULTS);
        order.sort_unstable();
    }
    order
}

/// The log's single run. Fields in the order SARIF viewers show them.
#[derive(Serialize)]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
struct Run<'a> {
    tool: Value,
    invocations: [Value; 1],
    #[serde(rename = "columnKind")]
    column_kind: &'static str,
    results: Results<'a>,
    /// The per-layer verdicts, with the resources no rule judged.
    properties: Value,
}

/// The results, each made into its JSON form only as it is written.
struct Results<'a> {
    scan: &'a Scan,
    kept: Vec<usize>,
    fingerprints: Vec<String>,
    rule_index: HashMap<&'static str, usize>,
}

impl Serialize for Results<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let scan = self.scan;
        serializer.collect_seq(self.kept.iter().map(|&i| {
            result(
                scan,
                &scan.findings[i],
                &self.fingerprints[i],
                &self.rule_index,
            )
        }))
    }
}

/// The log as a string.
pub fn render(scan: &Scan, summary: &Summary) -> String {
    super::to_string(|out| write(scan, summary, out))
}

/// Writes the log to `w` as it is made: a large scan's log is never held whole in memory.
pub fn write(scan: &Scan, summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let catalog = scan.rules.as_slice();
    let rule_index: HashMap<&'static str, usize> =
        catalog.iter().enumerate().map(|(i, r)| (r.id, i)).collect();
    let fingerprints = fingerprints(&scan.findings, &scan.model);
    let kept = kept(&scan.findings);
    let mut invocation = json!({ "executionSuccessful": true });
    let omitted = scan.findings.len() - kept.len();
    if omitted > 0 {
        invocation["toolExecutionNotifications"] = json!([{
            "level": "warning",
            "message": {
                "text": format!(
                    "{omitted} of {} findings left out: GitHub code scanning accepts at most \
                     {MAX_RESULTS} results per run (`--format json` reports them all)",
                    scan.findings.len()
                )
            }
        }]);
    }
    let version = env!("CARGO_PKG_VERSION");
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: json!({
                "driver": {
                    "name": "spoflint",
                    "version": version,
                    "semanticVersion": version,
                    "informationUri": REPOSITORY,
                    "rules": catalog.iter().map(|r| descriptor(r)).collect::<Vec<_>>()
                }
            }),
            invocations: [invocation],
            column_kind: "unicodeCodePoints",
            results: Results {
                scan,
                kept,
                fingerprints,
                rule_index,
            },
            properties: json!({ "layers": super::json::layers(summary) }),
        }],
    };
    // serde_json writes many small pieces: buffered here, where the buffer's type is known.
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, &log)?;
    std::io::Write::write_all(&mut w, b"\n")?;
    std::io::Write::flush(&mut w)
}
