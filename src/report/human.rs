//! Human output: miette graphical diagnostics, then a summary and the per-layer table.
//!
//! Text from the scanned files (snippets, names in messages, file names) is shown through
//! [`Excerpt`] and [`super::terminal`]: control, bidirectional and invisible characters are
//! escaped, and lines longer than [`MAX_LINE_CHARS`] are cut around the labels, so that no
//! file can drive the terminal or the renderer.

use std::fmt;
use std::ops::Range;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError,
    MietteSpanContents, SourceCode, SourceSpan, SpanContents,
};

use super::terminal::{escaped, needs_escape, terminal_safe, terminal_safe_line};
use super::{LayerStatus, Summary};
use crate::Scan;
use crate::finding::{Finding, Label, Severity};
use crate::model::SourceFile;

/// Width that messages wrap at; fixed so that output is identical everywhere.
const WIDTH: usize = 100;
/// Lines of context miette shows around a label.
const CONTEXT_LINES: usize = 1;
/// Longest line shown whole; longer ones are cut around the labels on them.
const MAX_LINE_CHARS: usize = 400;
/// Bytes kept before and after a label's start and end on a cut line.
const CUT_CONTEXT: usize = 40;
/// Bytes of a long label kept at its start and at its end on a cut line.
const CUT_LABEL: usize = 100;
/// What stands for the text a cut leaves out.
const ELLIPSIS: &str = "…";

#[derive(Debug)]
struct Diag {
    message: String,
    code: Option<String>,
    severity: miette::Severity,
    help: Option<String>,
    source: Excerpt,
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

/// A run of the excerpt and the file bytes it stands for: the same text (`literal`), or an
/// escaped character, a line end, or an ellipsis for bytes a cut left out.
#[derive(Debug)]
struct Piece {
    file: Range<usize>,
    shown: Range<usize>,
    literal: bool,
}

/// The lines of one file that a diagnostic shows, as they are shown: every line from the
/// first label's (less the context) to the last label's (plus the context), each made safe
/// for a terminal and cut around its labels when it is long. miette reads it through
/// [`SourceCode`] with the file's own line numbers and columns, and labels are moved into it
/// with [`Excerpt::span`].
#[derive(Debug)]
struct Excerpt {
    name: String,
    text: String,
    /// 0-based line of the file the excerpt starts at.
    first_line: usize,
    /// The file offset the excerpt starts at.
    file_start: usize,
    pieces: Vec<Piece>,
    /// For each line of the excerpt: its file offset (for columns).
    line_starts: Vec<usize>,
}

impl Excerpt {
    fn new(file: &SourceFile, spans: &[Range<usize>]) -> Excerpt {
        let text: &str = &file.text;
        let clamp = |o: usize| {
            let o = o.min(text.len());
            (0..=o)
                .rev()
                .find(|&i| text.is_char_boundary(i))
                .unwrap_or(0)
        };
        let spans: Vec<Range<usize>> = spans
            .iter()
            .map(|r| clamp(r.start)..clamp(r.end.max(r.start)))
            .collect();
        let first = spans
            .iter()
            .map(|r| file.line_index(r.start))
            .min()
            .unwrap_or(0)
            .saturating_sub(CONTEXT_LINES);
        let last = (spans
            .iter()
            .map(|r| file.line_index(r.end))
            .max()
            .unwrap_or(0)
            + CONTEXT_LINES)
            .min(file.line_count().saturating_sub(1));
        let mut x = Excerpt {
            name: terminal_safe_line(&file.path).into_owned(),
            text: String::new(),
            first_line: first,
            file_start: file.line_range(first).start,
            pieces: Vec::new(),
            line_starts: Vec::new(),
        };
        for index in first..=last.max(first) {
            let line = file.line_range(index);
            x.line_starts.push(line.start);
            // A CRLF line ends at its `\r`; the end itself is shown as `\n`.
            let content_end = if text[line.clone()].ends_with('\r') {
                line.end - 1
            } else {
                line.end
            };
            let keep = keep_ranges(text, line.start..content_end, &spans);
            let mut at = line.start;
            for k in keep {
                if k.start > at {
                    x.push(at..k.start, ELLIPSIS, false);
                }
                x.push_safe(text, k.clone());
                at = k.end;
            }
            if at < content_end {
                x.push(at..content_end, ELLIPSIS, false);
            }
            let next = file.line_range(index + 1).start;
            if next > content_end {
                x.push(content_end..next.max(content_end), "\n", false);
            }
        }
        x
    }

    fn push(&mut self, file: Range<usize>, shown: &str, literal: bool) {
        let start = self.text.len();
        self.text.push_str(shown);
        self.pieces.push(Piece {
            file,
            shown: start..self.text.len(),
            literal,
        });
    }

    /// Adds file text, escaping what a terminal must not receive.
    fn push_safe(&mut self, text: &str, range: Range<usize>) {
        let mut run = range.start;
        for (i, c) in text[range.clone()].char_indices() {
            if needs_escape(c) {
                let at = range.start + i;
                if at > run {
                    self.push(run..at, &text[run..at], true);
                }
                self.push(at..at + c.len_utf8(), &escaped(c), false);
                run = at + c.len_utf8();
            }
        }
        if range.end > run {
            self.push(run..range.end, &text[run..range.end], true);
        }
    }

    /// Where file offset `o` is in the excerpt.
    fn shown_offset(&self, o: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.file.end <= o);
        match self.pieces.get(i) {
            None => self.text.len(),
            Some(p) if o <= p.file.start => p.shown.start,
            Some(p) if p.literal => p.shown.start + (o - p.file.start),
            Some(p) => p.shown.end,
        }
    }

    /// Where excerpt offset `s` is in the file.
    fn file_offset(&self, s: usize) -> usize {
        let i = self.pieces.partition_point(|p| p.shown.end <= s);
        match self.pieces.get(i) {
            None => self.pieces.last().map_or(self.file_start, |p| p.file.end),
            Some(p) if p.literal => p.file.start + (s.saturating_sub(p.shown.start)),
            Some(p) => p.file.start,
        }
    }

    /// A file span as a span of the excerpt.
    fn span(&self, r: Range<usize>) -> SourceSpan {
        let start = self.shown_offset(r.start);
        let end = self.shown_offset(r.end.max(r.start)).max(start);
        (start, end - start).into()
    }
}

/// The parts of line `line` to show: all of it when it is short, else windows around the
/// labels on it (and its start), merged, on character boundaries.
fn keep_ranges(text: &str, line: Range<usize>, spans: &[Range<usize>]) -> Vec<Range<usize>> {
    if text[line.clone()].chars().count() <= MAX_LINE_CHARS {
        return vec![line];
    }
    let within = |o: usize| {
        let o = o.clamp(line.start, line.end);
        (line.start..=o)
            .rev()
            .find(|&i| text.is_char_boundary(i))
            .unwrap_or(line.start)
    };
    // The line's start, then windows around every label on it.
    let mut windows: Vec<Range<usize>> = Vec::new();
    windows.push(line.start..line.start + CUT_CONTEXT);
    for r in spans {
        if r.end < line.start || r.start > line.end {
            continue;
        }
        let (a, b) = (r.start.max(line.start), r.end.min(line.end));
        if b - a <= 2 * CUT_LABEL {
            windows.push(a.saturating_sub(CUT_CONTEXT)..b + CUT_CONTEXT);
        } else {
            windows.push(a.saturating_sub(CUT_CONTEXT)..a + CUT_LABEL);
            windows.push(b.saturating_sub(CUT_LABEL)..b + CUT_CONTEXT);
        }
    }
    let mut windows: Vec<Range<usize>> = windows
        .into_iter()
        .map(|w| within(w.start)..within(w.end))
        .filter(|w| !w.is_empty())
        .collect();
    windows.sort_by_key(|w| w.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for w in windows {
        match merged.last_mut() {
            Some(m) if w.start <= m.end => m.end = m.end.max(w.end),
            _ => merged.push(w),
        }
    }
    merged
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let inner = self
            .text
            .read_span(span, context_lines_before, context_lines_after)?;
        // Lines of the file, not of the excerpt; `line_count`, like miette's own, counts the
        // lines from the start of the file.
        let line = self.first_line + inner.line();
        let column = if context_lines_before == 0 {
            let at = self.file_offset(span.offset());
            let start = self
                .line_starts
                .get(inner.line())
                .copied()
                .unwrap_or(self.file_start);
            at.saturating_sub(start)
        } else {
            0
        };
        Ok(Box::new(
            MietteSpanContents::new_named(
                self.name.clone(),
                inner.data(),
                *inner.span(),
                line,
                column,
                self.first_line + inner.line_count(),
            )
            .with_language("yaml"),
        ))
    }
}

fn labeled(excerpt: &Excerpt, label: &Label, primary: bool) -> LabeledSpan {
    let text = (!label.text.is_empty()).then(|| terminal_safe_line(&label.text).into_owned());
    let span = excerpt.span(label.span.start..label.span.end);
    if primary {
        LabeledSpan::new_primary_with_span(text, span)
    } else {
        LabeledSpan::new_with_span(text, span)
    }
}

fn diag(scan: &Scan, f: &Finding) -> Diag {
    let file = scan.model.sources.get(f.primary.source);
    let same: Vec<&Label> = f
        .secondary
        .iter()
        .filter(|l| l.source == f.primary.source)
        .collect();
    let spans: Vec<Range<usize>> = std::iter::once(&f.primary)
        .chain(same.iter().copied())
        .map(|l| l.span.start..l.span.end)
        .collect();
    let excerpt = Excerpt::new(file, &spans);
    let mut labels = vec![labeled(&excerpt, &f.primary, true)];
    labels.extend(same.iter().map(|l| labeled(&excerpt, l, false)));
    let related = f
        .secondary
        .iter()
        .filter(|l| l.source != f.primary.source)
        .map(|l| {
            let excerpt = Excerpt::new(
                scan.model.sources.get(l.source),
                std::slice::from_ref(&(l.span.start..l.span.end)),
            );
            Diag {
                message: format!("related: {}", terminal_safe_line(&l.text)),
                code: None,
                severity: miette::Severity::Advice,
                help: None,
                labels: vec![labeled(&excerpt, l, true)],
                source: excerpt,
                related: Vec::new(),
            }
        })
        .collect();
    let explain = format!("details: spoflint explain {}", f.rule);
    Diag {
        message: terminal_safe_line(&f.message).into_owned(),
        code: Some(format!("{} · {} · {}", f.rule, f.layer, f.severity)),
        severity: match f.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        },
        help: Some(if f.help.is_empty() {
            explain
        } else {
            format!("{}\n{explain}", terminal_safe(&f.help))
        }),
        source: excerpt,
        labels,
        related,
    }
}

/// One line per finding (`file:line:col: severity[RULE]: message`): what the terminal gets
/// when the graphical renderer fails.
pub fn render_plain(scan: &Scan, summary: &Summary) -> String {
    let mut out = String::new();
    for f in scan.open_findings() {
        let file = scan.model.sources.get(f.primary.source);
        let at = file.line_col(f.primary.span.start);
        out.push_str(&format!(
            "{}:{}:{}: {}[{}]: {}\n",
            terminal_safe_line(&file.path),
            at.line,
            at.col,
            f.severity,
            f.rule,
            terminal_safe_line(&f.message)
        ));
    }
    out.push('\n');
    summary_text(&mut out, summary, false);
    system_text(&mut out, &scan.system, false);
    out
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
    super::to_string(|out| write(scan, summary, color, out))
}

/// How many findings of one rule must fire for the same reason before the human report
/// shows the first in full and lists the others in one block.
pub const GROUP_MIN: usize = 4;

/// The resource a finding names, as its message names it.
fn subject_name(scan: &Scan, f: &Finding) -> Option<String> {
    let id = f.resource?;
    Some(match scan.model.get(id) {
        crate::model::Entry::Kubernetes(r) => r.display(),
        crate::model::Entry::Terraform(t) => t.address.clone(),
        crate::model::Entry::Job(j) => j.display(),
    })
}

/// Findings of one rule, severity and message once the resource's name is taken out: the
/// same problem on many resources.
fn reason_key(scan: &Scan, f: &Finding) -> u64 {
    use std::hash::BuildHasher;
    let message = match subject_name(scan, f) {
        Some(name) if !name.is_empty() => f.message.replace(&name, "\u{0}"),
        _ => f.message.clone(),
    };
    foldhash::fast::FixedState::with_seed(0).hash_one((f.rule, f.severity, message))
}

/// Writes the report to `w` one finding at a time: a large scan's report is never held
/// whole in memory. Findings of one rule that fire for the same reason on [`GROUP_MIN`] or
/// more resources are grouped (see [`write_with`]).
pub fn write(
    scan: &Scan,
    summary: &Summary,
    color: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    write_with(scan, summary, color, true, w)
}

/// [`write`], with `group` saying whether same-reason findings are grouped: the first shown
/// in full, the others listed by resource and location right after it.
pub fn write_with(
    scan: &Scan,
    summary: &Summary,
    color: bool,
    group: bool,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_context_lines(CONTEXT_LINES);
    // Same-reason groups large enough to fold: key → the findings, in report order.
    let mut groups: crate::model::FastMap<u64, Vec<&Finding>> = Default::default();
    let keys: Vec<u64> = if group {
        scan.open_findings().map(|f| reason_key(scan, f)).collect()
    } else {
        Vec::new()
    };
    for (f, key) in scan.open_findings().zip(&keys) {
        groups.entry(*key).or_default().push(f);
    }
    groups.retain(|_, members| members.len() >= GROUP_MIN);
    let mut out = String::new();
    for (i, f) in scan.open_findings().enumerate() {
        let members = keys.get(i).and_then(|k| groups.get(k));
        if let Some(members) = members
            && !std::ptr::eq(members[0], f)
        {
            // Listed under the first of its group.
            continue;
        }
        let d = diag(scan, f);
        if handler.render_report(&mut out, &d).is_err() {
            out.push_str(&format!("{}: {}\n", f.rule, d.message));
        }
        if let Some(members) = members {
            out.push_str(&format!(
                "  … and {} more {} findings for the same reason:\n",
                members.len() - 1,
                f.rule
            ));
            for m in &members[1..] {
                let file = scan.model.sources.get(m.primary.source);
                let at = file.line_col(m.primary.span.start);
                let what = subject_name(scan, m).unwrap_or_else(|| m.message.clone());
                out.push_str(&format!(
                    "    - {} at {}:{}:{}\n",
                    terminal_safe_line(&what),
                    terminal_safe_line(&file.path),
                    at.line,
                    at.col
                ));
            }
        }
        out.push('\n');
        w.write_all(out.as_bytes())?;
        out.clear();
    }
    summary_text(&mut out, summary, color);
    system_text(&mut out, &scan.system, color);
    w.write_all(out.as_bytes())
}

/// How many notes a scenario shows under its row.
const SCENARIO_NOTES: usize = 4;

/// The failure scenarios, the availability estimate and the targets, when the scan has a
/// serving path or targets.
pub fn system_text(out: &mut String, sys: &crate::system::System, color: bool) {
    use super::system as view;
    if !view::shown(sys) {
        return;
    }
    let lines: Vec<view::Line> = sys.scenarios.iter().map(view::line).collect();
    if !lines.is_empty() {
        out.push_str("\nFailure scenarios (estimates)\n");
        let mut cells: Vec<[String; 7]> = vec![[
            "lost".into(),
            "impact".into(),
            "serving".into(),
            "failover".into(),
            "detect".into(),
            "RTO".into(),
            "RPO".into(),
        ]];
        for l in &lines {
            cells.push([
                terminal_safe_line(&l.lost).into_owned(),
                l.impact.to_string(),
                terminal_safe_line(&l.serving).into_owned(),
                l.failover.to_string(),
                l.detection.clone(),
                l.rto.clone(),
                l.rpo.clone(),
            ]);
        }
        for (i, text) in view::aligned(&cells).into_iter().enumerate() {
            if i == 0 {
                out.push_str(&format!("    {}\n", paint(color, "2", &text)));
                continue;
            }
            let l = &lines[i - 1];
            let (mark, colour) = match l.impact {
                "no impact" => ("✓", "32"),
                "deployments delayed" | "reduced capacity" => ("~", "33"),
                "unknown" => ("?", "33"),
                _ if !l.expected => ("!", "33"),
                _ => ("✗", "31"),
            };
            out.push_str(&format!("  {} {text}\n", paint(color, colour, mark)));
            if l.impact != "no impact" {
                for n in l.notes.iter().take(SCENARIO_NOTES) {
                    out.push_str(&format!("      {}\n", terminal_safe_line(n)));
                }
                if l.notes.len() > SCENARIO_NOTES {
                    out.push_str(&format!(
                        "      … and {} more (--format json lists them all)\n",
                        l.notes.len() - SCENARIO_NOTES
                    ));
                }
            }
        }
    }
    out.push_str("\nAvailability estimate (spoflint figures lists each figure and its source)\n");
    let mut cells: Vec<[String; 4]> = vec![[
        "component".into(),
        "availability".into(),
        "RTO".into(),
        "RPO".into(),
    ]];
    cells.extend(
        view::estimate_rows(sys)
            .into_iter()
            .map(|r| r.map(|c| terminal_safe_line(&c).into_owned())),
    );
    for (i, text) in view::aligned(&cells).into_iter().enumerate() {
        if i == 0 {
            out.push_str(&format!("    {}\n", paint(color, "2", &text)));
        } else {
            out.push_str(&format!("    {text}\n"));
        }
    }
    for (root, why) in view::not_estimated(sys) {
        out.push_str(&format!(
            "    {}: not estimated: {}\n",
            terminal_safe_line(&root),
            terminal_safe_line(&why)
        ));
    }
    let targets = view::targets(sys);
    if !targets.is_empty() {
        out.push_str("\nTargets\n");
        for (text, met) in targets {
            let (mark, colour) = match met {
                Some(true) => ("✓", "32"),
                Some(false) => ("✗", "31"),
                None => ("?", "33"),
            };
            out.push_str(&format!(
                "  {} {}\n",
                paint(color, colour, mark),
                terminal_safe_line(&text)
            ));
        }
    }
    for u in &sys.unresolved {
        out.push_str(&format!(
            "  ? system: {}: {}\n",
            terminal_safe_line(&u.reference.text),
            terminal_safe_line(&u.why)
        ));
    }
}

/// The summary line, the per-layer table and the region pairs.
fn summary_text(out: &mut String, summary: &Summary, color: bool) {
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
    if summary.internal_errors > 0 {
        out.push_str(&format!(
            "Incomplete: spoflint met {} (INPUT007); what it was reading is not checked\n",
            plural(summary.internal_errors, "internal error")
        ));
    }
    if let Some(config) = &summary.config {
        out.push_str(&format!("Configuration: {}\n", terminal_safe_line(config)));
    }
    if let Some(ignored) = summary.ignored_text() {
        out.push_str(&format!(
            "Left out by ignore rules: {}\n",
            terminal_safe_line(&ignored)
        ));
    }
    if summary.internal_errors > 0 || summary.config.is_some() || !summary.ignored.is_empty() {
        out.push('\n');
    }
    out.push_str("Zero-SPOF validation\n");
    for v in &summary.layers {
        let (mark, colour) = match v.status {
            LayerStatus::Pass => ("✓", "32"),
            LayerStatus::Fail => ("✗", "31"),
            LayerStatus::NoNewFindings => ("~", "33"),
            LayerStatus::PartlyJudged => ("~", "33"),
            LayerStatus::NotJudged => ("?", "33"),
            LayerStatus::NotPresent => ("-", "2"),
        };
        let mut details = Vec::new();
        if v.findings > 0 {
            details.push(plural(v.findings, "finding"));
        }
        if let Some(types) = v.not_judged_text() {
            let types = terminal_safe_line(&types);
            details.push(if v.status == LayerStatus::NotJudged {
                types.into_owned()
            } else {
                format!("not judged: {types}")
            });
        }
        let detail = if details.is_empty() {
            String::new()
        } else {
            format!(" ({})", details.join("; "))
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
            let mut regions = p
                .regions
                .iter()
                .map(|r| terminal_safe_line(r).into_owned())
                .collect::<Vec<_>>()
                .join(" + ");
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
}
