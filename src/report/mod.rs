//! Reports: the per-layer verdict and summary (computed once), and one renderer per format.

pub mod github;
pub mod human;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod system;
pub mod terminal;

pub use terminal::{terminal_safe, terminal_safe_line};

use std::collections::BTreeMap;

use crate::Scan;
use crate::finding::{Layer, Severity};

/// A report a `write` function makes, as a string (for tests, fuzzing and callers that hold
/// it whole). Writing to memory cannot fail, and every report is UTF-8.
pub(crate) fn to_string(write: impl FnOnce(&mut Vec<u8>) -> std::io::Result<()>) -> String {
    let mut out = Vec::new();
    let _ = write(&mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// A layer's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LayerStatus {
    /// Resources of the layer were found and none has a warning or error.
    Pass,
    /// At least one warning or error finding in the layer.
    Fail,
    /// None left, but only because a baseline or `--changed-only` left the layer's warning or
    /// error findings out: not a pass.
    NoNewFindings,
    /// Resources of the layer were judged and passed, but others of it no rule judges yet
    /// (listed in [`LayerVerdict::not_judged`]): not a full pass.
    PartlyJudged,
    /// The layer's resources are all of types no rule judges yet.
    NotJudged,
    /// The scanned files hold nothing of this layer.
    NotPresent,
}

impl LayerStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            LayerStatus::Pass => "pass",
            LayerStatus::Fail => "fail",
            LayerStatus::NoNewFindings => "no new findings",
            LayerStatus::PartlyJudged => "partly judged",
            LayerStatus::NotJudged => "not judged",
            LayerStatus::NotPresent => "not present",
        }
    }
}

#[derive(Clone, Debug)]
pub struct LayerVerdict {
    pub layer: Layer,
    pub status: LayerStatus,
    pub findings: usize,
    /// Resources of the layer no rule judges yet: type → how many.
    pub not_judged: Vec<(String, usize)>,
}

impl LayerVerdict {
    /// `google_container_cluster ×2, Rollout (argoproj.io) ×1`, or `None` when every resource
    /// of the layer was judged.
    pub fn not_judged_text(&self) -> Option<String> {
        (!self.not_judged.is_empty()).then(|| {
            self.not_judged
                .iter()
                .map(|(t, n)| format!("{t} ×{n}"))
                .collect::<Vec<_>>()
                .join(", ")
        })
    }

    /// How many resources of the layer were not judged.
    pub fn not_judged_count(&self) -> usize {
        self.not_judged.iter().map(|(_, n)| n).sum()
    }
}

#[derive(Clone, Debug)]
pub struct Summary {
    pub files: usize,
    pub resources: usize,
    pub by_severity: BTreeMap<Severity, usize>,
    pub layers: Vec<LayerVerdict>,
    /// Per kind of Terraform resource that needs a counterpart in a second region: the
    /// regions it lives in.
    pub region_pairs: Vec<crate::facts::terraform::RegionPair>,
    /// Findings suppressed by `spoflint:ignore` comments (not counted anywhere else).
    pub suppressed: usize,
    /// Findings left out because the baseline knows them.
    pub baselined: usize,
    /// The configuration file used (as displayed), if any.
    pub config: Option<String>,
    /// What ignore rules (`.gitignore`, the configuration's `exclude`) left out.
    pub ignored: Vec<crate::discover::Ignored>,
    /// Bugs met during the scan (INPUT007): the scan is incomplete.
    pub internal_errors: usize,
}

impl Summary {
    pub fn of(scan: &Scan) -> Summary {
        let mut by_severity: BTreeMap<Severity, usize> =
            [Severity::Error, Severity::Warning, Severity::Info]
                .into_iter()
                .map(|s| (s, 0))
                .collect();
        for f in scan.open_findings() {
            *by_severity.entry(f.severity).or_default() += 1;
        }
        let layers = Layer::ARCHITECTURE
            .iter()
            .map(|&layer| {
                let of_layer = scan.open_findings().filter(|f| f.layer == layer);
                let findings = of_layer.clone().count();
                let failing = of_layer.clone().any(|f| f.severity >= Severity::Warning);
                let not_judged: Vec<(String, usize)> = scan
                    .facts
                    .not_judged
                    .get(&layer)
                    .map(|m| m.iter().map(|(t, n)| (t.clone(), *n)).collect())
                    .unwrap_or_default();
                let judged = scan.facts.present.contains(&layer) || findings > 0;
                let status = if failing {
                    LayerStatus::Fail
                } else if scan.filtered_failing.contains(&layer) {
                    LayerStatus::NoNewFindings
                } else if judged && not_judged.is_empty() {
                    LayerStatus::Pass
                } else if judged {
                    LayerStatus::PartlyJudged
                } else if !not_judged.is_empty() {
                    LayerStatus::NotJudged
                } else {
                    LayerStatus::NotPresent
                };
                LayerVerdict {
                    layer,
                    status,
                    findings,
                    not_judged,
                }
            })
            .collect();
        Summary {
            files: scan.files,
            resources: scan.model.len(),
            by_severity,
            layers,
            region_pairs: scan.facts.tf.region_pairs.clone(),
            suppressed: scan.findings.len() - scan.open_findings().count(),
            baselined: scan.baselined,
            config: scan.config.as_deref().map(|path| {
                // Found configurations are absolute: shown from the current directory.
                let cwd = std::env::current_dir().and_then(|d| d.canonicalize());
                let relative = cwd.ok().and_then(|d| path.strip_prefix(d).ok());
                crate::discover::display_path(relative.unwrap_or(path))
            }),
            ignored: scan.ignored.clone(),
            internal_errors: scan.internal_errors,
        }
    }

    pub fn count(&self, s: Severity) -> usize {
        self.by_severity.get(&s).copied().unwrap_or(0)
    }

    /// "2 directories and 3 files (.gitignore: *.yaml, exclude: legacy/**)": what ignore
    /// rules left out, for a summary line; `None` when nothing was.
    pub fn ignored_text(&self) -> Option<String> {
        if self.ignored.is_empty() {
            return None;
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let dirs = self.ignored.iter().filter(|i| i.dir).count();
        let files = self.ignored.len() - dirs;
        let mut parts = Vec::new();
        if dirs > 0 {
            parts.push(if dirs == 1 {
                "1 directory".to_string()
            } else {
                format!("{dirs} directories")
            });
        }
        if files > 0 {
            parts.push(plural(files, "file"));
        }
        let mut rules: Vec<&str> = self.ignored.iter().map(|i| i.by.as_str()).collect();
        rules.sort();
        rules.dedup();
        let more = rules.len().saturating_sub(3);
        rules.truncate(3);
        let mut rules = rules.join(", ");
        if more > 0 {
            rules.push_str(&format!(", and {more} more"));
        }
        Some(format!("{} ({rules})", parts.join(" and ")))
    }
}
