//! `--format json`: one stable, versioned JSON object (documented in README.md).

use serde::Serialize;

use super::Summary;
use crate::Scan;
use crate::finding::{Finding, Label};

/// Bumped on any incompatible change to the JSON shape.
pub const FORMAT_VERSION: u32 = 1;

#[derive(Serialize)]
struct Position {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Location {
    file: String,
    start: Position,
    end: Position,
}

/// A resource as its family describes it (`apiVersion`, `kind`, `name`, `namespace` for a
/// Kubernetes object; `address`, `type`, `provider`, `region` for a Terraform instance).
struct ResourceRef<'a>(Vec<(&'static str, Option<&'a str>)>);

impl Serialize for ResourceRef<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (k, v) in &self.0 {
            map.serialize_entry(k, v)?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct Related {
    #[serde(flatten)]
    location: Location,
    message: String,
}

#[derive(Serialize)]
struct JsonFinding<'a> {
    rule: &'a str,
    layer: &'a str,
    severity: &'a str,
    title: &'a str,
    message: &'a str,
    help: &'a str,
    #[serde(flatten)]
    location: Location,
    label: &'a str,
    resource: Option<ResourceRef<'a>>,
    related: Vec<Related>,
    /// Present when a `spoflint:ignore` comment suppresses the finding.
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressed: Option<JsonSuppression>,
}

#[derive(Serialize)]
struct JsonSuppression {
    reason: String,
    #[serde(flatten)]
    location: Location,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    resources: usize,
    findings: usize,
    errors: usize,
    warnings: usize,
    info: usize,
    #[serde(skip_serializing_if = "is_zero")]
    suppressed: usize,
    #[serde(skip_serializing_if = "is_zero")]
    baselined: usize,
    /// The configuration file used, or null.
    config: Option<String>,
    /// Directories and files that ignore rules left out.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    ignored: Vec<JsonIgnored>,
    #[serde(rename = "internalErrors", skip_serializing_if = "is_zero")]
    internal_errors: usize,
}

#[derive(Serialize)]
struct JsonIgnored {
    path: String,
    directory: bool,
    by: String,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

#[derive(Serialize)]
struct JsonLayer {
    status: &'static str,
    findings: usize,
    /// Resources of the layer no rule judges yet: type → count (absent when none).
    #[serde(
        rename = "notJudged",
        skip_serializing_if = "serde_json::Map::is_empty"
    )]
    not_judged: serde_json::Map<String, serde_json::Value>,
}

#[derive(Serialize)]
struct Report<'a> {
    version: u32,
    tool: Tool,
    findings: Findings<'a>,
    summary: JsonSummary,
    layers: serde_json::Map<String, serde_json::Value>,
    #[serde(rename = "regionPairs")]
    region_pairs: Vec<JsonRegionPair>,
    /// The system view: failure scenarios, the estimate and the targets (absent when the
    /// scan has no serving, control or deploy path and no targets).
    #[serde(skip_serializing_if = "Option::is_none")]
    system: Option<super::system::JsonSystem<'a>>,
}

#[derive(Serialize)]
struct JsonRegionPair {
    kind: &'static str,
    regions: Vec<String>,
    #[serde(rename = "unknownRegion")]
    unknown_region: usize,
    paired: bool,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// The findings, each made into its JSON form only as it is written.
struct Findings<'a>(&'a Scan);

impl Serialize for Findings<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let scan = self.0;
        serializer.collect_seq(scan.findings.iter().map(|f| finding(scan, f)))
    }
}

fn location(scan: &Scan, label: &Label) -> Location {
    let file = scan.model.sources.get(label.source);
    let start = file.line_col(label.span.start);
    let end = file.line_col(label.span.end);
    Location {
        file: file.path.clone(),
        start: Position {
            line: start.line,
            column: start.col,
        },
        end: Position {
            line: end.line,
            column: end.col,
        },
    }
}

fn finding<'a>(scan: &'a Scan, f: &'a Finding) -> JsonFinding<'a> {
    JsonFinding {
        rule: f.rule,
        layer: f.layer.as_str(),
        severity: f.severity.as_str(),
        title: f.title,
        message: &f.message,
        help: &f.help,
        location: location(scan, &f.primary),
        label: &f.primary.text,
        resource: f
            .resource
            .map(|id| ResourceRef(scan.model.get(id).descriptor())),
        related: f
            .secondary
            .iter()
            .map(|l| Related {
                location: location(scan, l),
                message: l.text.clone(),
            })
            .collect(),
        suppressed: f.suppressed.as_ref().map(|s| JsonSuppression {
            reason: s.reason.clone(),
            location: location(scan, &s.at),
        }),
    }
}

/// The report as a string.
pub fn render(scan: &Scan, summary: &Summary) -> String {
    super::to_string(|out| write(scan, summary, out))
}

/// The per-layer verdicts as the report's `layers` object (the SARIF log carries the same
/// in its run's properties).
pub(crate) fn layers(summary: &Summary) -> serde_json::Map<String, serde_json::Value> {
    summary
        .layers
        .iter()
        .map(|v| {
            let value = serde_json::to_value(JsonLayer {
                status: v.status.as_str(),
                findings: v.findings,
                not_judged: v
                    .not_judged
                    .iter()
                    .map(|(t, n)| (t.clone(), (*n).into()))
                    .collect(),
            })
            .unwrap_or_default();
            (v.layer.as_str().to_string(), value)
        })
        .collect()
}

/// Writes the report to `w` as it is made: a large scan's report is never held whole in
/// memory.
pub fn write(scan: &Scan, summary: &Summary, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let layers = layers(summary);
    let region_pairs = summary
        .region_pairs
        .iter()
        .map(|p| JsonRegionPair {
            kind: p.kind,
            regions: p.regions.iter().cloned().collect(),
            unknown_region: p.unknown,
            paired: p.paired(),
        })
        .collect();
    let report = Report {
        system: super::system::json(&scan.system),
        region_pairs,
        version: FORMAT_VERSION,
        tool: Tool {
            name: "spoflint",
            version: env!("CARGO_PKG_VERSION"),
        },
        findings: Findings(scan),
        summary: JsonSummary {
            files: summary.files,
            resources: summary.resources,
            findings: scan.open_findings().count(),
            errors: summary.count(crate::finding::Severity::Error),
            warnings: summary.count(crate::finding::Severity::Warning),
            info: summary.count(crate::finding::Severity::Info),
            suppressed: summary.suppressed,
            baselined: summary.baselined,
            config: summary.config.clone(),
            ignored: summary
                .ignored
                .iter()
                .map(|i| JsonIgnored {
                    path: crate::discover::display_path(&i.path),
                    directory: i.dir,
                    by: i.by.clone(),
                })
                .collect(),
            internal_errors: summary.internal_errors,
        },
        layers,
    };
    // serde_json writes many small pieces: buffered here, where the buffer's type is known.
    let mut w = std::io::BufWriter::with_capacity(1 << 16, w);
    serde_json::to_writer_pretty(&mut w, &report)?;
    std::io::Write::write_all(&mut w, b"\n")?;
    std::io::Write::flush(&mut w)
}
