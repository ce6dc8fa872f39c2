//! Findings: what a rule reports, format-independent.

use std::fmt;

use serde::Serialize;

use crate::model::{Model, ResourceId, SourceId, Span};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn parse(s: &str) -> Option<Severity> {
        match s {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The eight layers of a zero-SPOF architecture, plus `input` for problems with the files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Layer {
    Network,
    Compute,
    Control,
    Data,
    Dns,
    Cicd,
    Gitops,
    Security,
    /// The system view: failure scenarios and the availability, RTO and RPO targets.
    System,
    /// User policies that name no architecture layer (conftest's, say).
    Policy,
    Input,
}

impl Layer {
    /// The eight architecture layers, in the order reports show them.
    pub const ARCHITECTURE: [Layer; 8] = [
        Layer::Network,
        Layer::Compute,
        Layer::Control,
        Layer::Data,
        Layer::Dns,
        Layer::Cicd,
        Layer::Gitops,
        Layer::Security,
    ];

    pub fn parse(s: &str) -> Option<Layer> {
        Layer::ARCHITECTURE
            .into_iter()
            .chain([Layer::System, Layer::Policy, Layer::Input])
            .find(|l| l.as_str() == s)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Layer::Network => "network",
            Layer::Compute => "compute",
            Layer::Control => "control",
            Layer::Data => "data",
            Layer::Dns => "dns",
            Layer::Cicd => "cicd",
            Layer::Gitops => "gitops",
            Layer::Security => "security",
            Layer::System => "system",
            Layer::Policy => "policy",
            Layer::Input => "input",
        }
    }
}

impl fmt::Display for Layer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

pub use crate::model::Label;

/// A problem with the input itself, reported under one of the `INPUT` rules.
#[derive(Debug)]
pub struct InputIssue {
    pub rule: &'static str,
    pub source: SourceId,
    pub span: Span,
    pub message: String,
    pub help: String,
}

/// An INPUT007 finding: a bug (a panic) stopped spoflint while `what` (e.g. "reading this
/// file"); `consequence` says what is missing from the scan because of it.
pub fn internal_error(
    source: SourceId,
    span: Span,
    what: &str,
    panic: &str,
    consequence: &str,
) -> InputIssue {
    InputIssue {
        rule: "INPUT007",
        source,
        span,
        message: format!("internal error while {what}: {panic}; {consequence}"),
        help: "this is a bug in spoflint, not in your files: please report it with the input that causes it; the rest of the scan went on".to_string(),
    }
}

#[derive(Clone, Debug)]
pub struct Finding {
    pub rule: &'static str,
    pub layer: Layer,
    pub severity: Severity,
    pub title: &'static str,
    pub message: String,
    pub help: String,
    pub primary: Label,
    pub secondary: Vec<Label>,
    /// The resource the finding is about.
    pub resource: Option<ResourceId>,
    /// What the offending value should be (at least 3), for fix texts that name the value
    /// to change (a Helm value, say).
    pub want: Option<Want>,
    /// What is missing, when a finding is about an absence: a kind (`PodDisruptionBudget`) or
    /// a field (`topologySpreadConstraints`). A Helm chart may have left it out because of a
    /// value, which the fix text then names.
    pub absent: Option<Missing>,
    /// Set when an inline `spoflint:ignore` comment suppresses the finding: it is still
    /// reported by machine formats (as suppressed), never counted or shown as open.
    pub suppressed: Option<Suppression>,
}

/// What the offending value of a finding should be.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Want {
    AtLeast(i64),
}

impl Want {
    /// A value that satisfies it, for examples in fix texts (`--set replicaCount=3`).
    pub fn example(self) -> i64 {
        match self {
            Want::AtLeast(n) => n,
        }
    }
}

impl fmt::Display for Want {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Want::AtLeast(n) => write!(f, ">= {n}"),
        }
    }
}

/// What a finding about an absence says is missing.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Missing {
    /// An object of this kind (`PodDisruptionBudget`).
    Kind(&'static str),
    /// A field of the resource (`topologySpreadConstraints`).
    Field(&'static str),
}

impl Missing {
    pub fn name(self) -> &'static str {
        match self {
            Missing::Kind(k) | Missing::Field(k) => k,
        }
    }
}

/// Why and where a finding was suppressed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The mandatory reason written after `reason:`.
    pub reason: String,
    /// The comment that suppresses it.
    pub at: Label,
}

impl Finding {
    /// A stable identity for baselines and SARIF `partialFingerprints`: the rule, the file and
    /// the resource (Kubernetes kind/namespace/name or Terraform address), or the labelled text
    /// when there is no resource. Line numbers are not part of it, so it survives edits that
    /// move the finding. [`fingerprints`] adds an occurrence number for repeats.
    fn identity(&self, model: &Model) -> String {
        let file = &model.sources.get(self.primary.source).path;
        let subject = match self.resource {
            Some(id) => model.get(id).identity(),
            None => {
                let text = model
                    .sources
                    .get(self.primary.source)
                    .text
                    .get(self.primary.span.start..self.primary.span.end);
                format!("text:{}", text.unwrap_or("").trim())
            }
        };
        format!("{}\u{0}{file}\u{0}{subject}", self.rule)
    }

    /// Deterministic report order: file, position, rule, message.
    pub fn sort(findings: &mut [Finding], model: &Model) {
        findings.sort_by(|a, b| {
            let pa = &model.sources.get(a.primary.source).path;
            let pb = &model.sources.get(b.primary.source).path;
            (pa, a.primary.span.start, a.rule, &a.message).cmp(&(
                pb,
                b.primary.span.start,
                b.rule,
                &b.message,
            ))
        });
    }
}

/// Fingerprints of `findings` (same order): a hash of [`Finding`]'s identity and its
/// occurrence number among findings with the same identity, in report order.
pub fn fingerprints(findings: &[Finding], model: &Model) -> Vec<String> {
    use sha2::Digest as _;
    let mut seen: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
    findings
        .iter()
        .map(|f| {
            let identity = f.identity(model);
            let n = seen.entry(identity.clone()).or_default();
            *n += 1;
            let digest = sha2::Sha256::digest(format!("{identity}\u{0}{n}").as_bytes());
            digest.iter().take(16).map(|b| format!("{b:02x}")).collect()
        })
        .collect()
}

/// `1 replica`, `2 replicas`: a count with its noun.
pub fn count(n: i64, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// `the only Ingress`, `both Ingresses`, `all 3 Ingresses` (`plural` is the noun's plural).
pub fn all_of(n: usize, noun: &str, plural: &str) -> String {
    match n {
        1 => format!("the only {noun}"),
        2 => format!("both {plural}"),
        n => format!("all {n} {plural}"),
    }
}
