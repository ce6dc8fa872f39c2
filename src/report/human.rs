//! Human output: miette graphical diagnostics, then a summary and the per-layer table.

use std::fmt;
use std::sync::Arc;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode,
};

use super::{LayerStatus, Summary};
use crate::Scan;
use crate::finding::{Finding, Label, Severity};

/// Width that messages wrap at; fixed so that output is identical everywhere.
const WIDTH: usize = 100;

#[derive(Debug)]
struct Diag {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: NamedSource<Arc<str>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Diag>,
}

impl fmt::Display for Diag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diag {}

impl Diagnostic for Diag {
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.code
            .as_ref()
            .map(|c| Box::new(c) as Box<dyn fmt::Display>)
    }
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }
    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }
    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(&self.source)
    }
    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|d| d as &dyn Diagnostic)))
    }
}

fn source(scan: &Scan, label: &Label) -> NamedSource<Arc<str>> {
    let file = scan.model.sources.get(label.source);
    NamedSource::new(file.path.clone(), Arc::clone(&file.text)).with_language("yaml")
}

fn labeled(label: &Label, primary: bool) -> LabeledSpan {
    let len = label.span.end - label.span.start;
    let text = (!label.text.is_empty()).then(|| label.text.clone());
    if primary {
        LabeledSpan::new_primary_with_span(text, (label.span.start, len))
    } else {
        LabeledSpan::new_with_span(text, (label.span.start, len))
    }
}

fn diag(scan: &Scan, f: &Finding) -> Diag {
    let mut labels = vec![labeled(&f.primary, true)];
    let mut related = Vec::new();
    for l in &f.secondary {
        if l.source == f.primary.source {
            labels.push(labeled(l, false));
        } else {
            related.push(Diag {
                message: format!("related: {}", l.text),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                source: source(scan, l),
                labels: vec![labeled(l, true)],
                related: Vec::new(),
            });
        }
    }
    let explain = format!("details: spoflint explain {}", f.rule);
    Diag {
        message: f.message.clone(),
        code: Some(format!("{} · {} · {}", f.rule, f.layer, f.severity)),
        severity: match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: Some(if f.help.is_empty() {
            explain
        } else {
            format!("{}\n{explain}", f.help)
        }),
        source: source(scan, &f.primary),
        labels,
        related,
    }
}

fn paint(color: bool, code: &str, text: &str) -> String {
    if color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// Renders every finding and the summary. `color` turns ANSI colours on.
pub fn render(scan: &Scan, summary: &Summary, color: bool) -> String {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false);
    let mut out = String::new();
    for f in scan.open_findings() {
        let d = diag(scan, f);
        if handler.render_report(&mut out, &d).is_err() {
            out.push_str(&format!("{}: {}\n", f.rule, f.message));
        }
        out.push('\n');
    }
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut left_out = Vec::new();
    if summary.suppressed > 0 {
        left_out.push(format!("{} suppressed", summary.suppressed));
    }
    if summary.baselined > 0 {
        left_out.push(format!("{} in the baseline", summary.baselined));
    }
    let suppressed = if left_out.is_empty() {
        String::new()
    } else {
        format!(" ({})", left_out.join(", "))
    };
    out.push_str(&format!(
        "Scanned {}, {}: {}, {}, {} info{suppressed}\n\n",
        plural(summary.files, "file"),
        plural(summary.resources, "resource"),
        plural(summary.count(Severity::Error), "error"),
        plural(summary.count(Severity::Warning), "warning"),
        summary.count(Severity::Info),
    ));
    out.push_str("Zero-SPOF validation\n");
    for v in &summary.layers {
        let (mark, colour) = match v.status {
            LayerStatus::Pass => ("✓", "32"),
            LayerStatus::Fail => ("✗", "31"),
            LayerStatus::NotPresent => ("-", "2"),
        };
        let detail = if v.findings > 0 {
            format!(" ({})", plural(v.findings, "finding"))
        } else {
            String::new()
        };
        out.push_str(&format!(
            "  {} {:<9} {}{detail}\n",
            paint(color, colour, mark),
            v.layer.as_str(),
            paint(color, colour, v.status.as_str()),
        ));
    }
    if !summary.region_pairs.is_empty() {
        out.push_str("\nRegion pairs\n");
        for p in &summary.region_pairs {
            let (mark, colour) = if p.paired() {
                ("✓", "32")
            } else {
                ("✗", "31")
            };
            let mut regions = p.regions.iter().cloned().collect::<Vec<_>>().join(" + ");
            if p.unknown > 0 {
                if !regions.is_empty() {
                    regions.push_str(", ");
                }
                regions.push_str(&format!("{} in an unknown region", p.unknown));
            }
            out.push_str(&format!(
                "  {} {:<34} {}\n",
                paint(color, colour, mark),
                p.kind,
                if p.paired() {
                    regions
                } else {
                    format!("{regions} (single region)")
                },
            ));
        }
    }
    out
}
