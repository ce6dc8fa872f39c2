//! `--format markdown`: a pull-request comment or `$GITHUB_STEP_SUMMARY`: a heading, the
//! totals, the per-layer "Zero-SPOF validation" table, the region pairs (when there are
//! Terraform resources that need a second region), the failure scenarios and the availability
//! estimate (when the scan has a serving path or targets) and the open findings by severity, at most
//! [`MAX_FINDINGS`] of them. Suppressed findings are only counted.

use super::{LayerStatus, Summary};
use crate::Scan;
use crate::finding::{Finding, Severity};

/// The most findings listed; the rest are counted ("… and N more").
pub const MAX_FINDINGS: usize = 200;

/// Escapes plain text for markdown: ASCII punctuation that could start markup is
/// backslash-escaped (`_` only at a word's edge: `aws_db_instance` cannot emphasise),
/// `<`, `>` and `&` become entities (no HTML gets through) and a line break becomes a space
/// (multi-line texts are split before: see [`text`]).
fn escape_plain(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        let word = |j: Option<usize>| {
            j.and_then(|j| chars.get(j))
                .is_some_and(|c| c.is_alphanumeric())
        };
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '_' if word(i.checked_sub(1)) && word(Some(i + 1)) => out.push(c),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '#' | '~' => {
                out.push('\\');
                out.push(c);
            }
            '\r' => {}
            '\n' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn longest_backtick_run(text: &str) -> usize {
    let (mut longest, mut run) = (0, 0);
    for c in text.chars() {
        run = if c == '`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    longest
}

/// `text` as an inline code span, with a fence longer than any run of backticks inside it.
fn code(text: &str) -> String {
    let text = text.replace(['\r', '\n'], " ");
    let fence = "`".repeat(longest_backtick_run(&text) + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// Escapes a message or help text: its `code spans` (balanced single backticks, as spoflint's
/// messages write values and fields) stay code, and the rest is escaped plain text.
fn escape(text: &str) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(open) = rest.find('`') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('`') else {
            break;
        };
        let inner = &after[..close];
        out.push_str(&escape_plain(&rest[..open]));
        if inner.is_empty() {
            out.push_str(&escape_plain(&rest[open..open + close + 2]));
        } else {
            out.push_str(&code(inner));
        }
        rest = &after[close + 1..];
    }
    out.push_str(&escape_plain(rest));
    out
}

/// Keeps an escaped line from being read as a list item, a setext underline or a thematic
/// break: a leading `-`, `+` or `=`, or the `.`/`)` after leading digits, is escaped.
fn not_a_block(line: &str) -> String {
    let line = line.trim_start();
    if line.starts_with(['-', '+', '=']) {
        return format!("\\{line}");
    }
    let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    match line[digits..].chars().next() {
        Some(p @ ('.' | ')')) if digits > 0 => {
            format!("{}\\{p}{}", &line[..digits], &line[digits + 1..])
        }
        _ => line.to_string(),
    }
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

/// The lines after the first of a multi-line text (a YAML snippet in a fix, say) as a fenced
/// code block inside a list item.
fn fenced(rest: &str) -> String {
    let fence = "`".repeat((longest_backtick_run(rest) + 1).max(3));
    let mut out = format!("\n\n  {fence}\n");
    for line in rest.lines() {
        out.push_str("  ");
        out.push_str(line.trim_end_matches('\r'));
        out.push('\n');
    }
    out.push_str(&format!("  {fence}"));
    out
}

/// A message or help text: its first line escaped, the others (if any) as code.
fn text(text: &str) -> (String, Option<String>) {
    let (first, rest) = match text.split_once('\n') {
        Some((first, rest)) => (first, Some(rest)),
        None => (text, None),
    };
    let first = not_a_block(&escape(first.trim_end_matches('\r')));
    (first, rest.filter(|r| !r.trim().is_empty()).map(fenced))
}

fn finding(scan: &Scan, f: &Finding) -> String {
    let file = scan.model.sources.get(f.primary.source);
    let at = file.line_col(f.primary.span.start);
    let (message, message_code) = text(&f.message);
    let mut s = format!(
        "- **{}** {} — {}  \n  {message}",
        f.rule,
        escape_plain(f.title),
        code(&format!("{}:{}", file.path, at.line)),
    );
    let after_code = message_code.is_some();
    s.push_str(&message_code.unwrap_or_default());
    if !f.help.is_empty() {
        let (help, help_code) = text(&f.help);
        s.push_str(if after_code { "\n\n  " } else { "  \n  " });
        s.push_str(&format!("*How to fix:* {help}"));
        s.push_str(&help_code.unwrap_or_default());
    }
    s.push('\n');
    s
}

/// The failure scenarios and the estimate, when the scan has a serving path or targets.
fn system_section(out: &mut String, sys: &crate::system::System) {
    use super::system as view;
    if !view::shown(sys) {
        return;
    }
    if !sys.scenarios.is_empty() {
        out.push_str("\n### Failure scenarios (estimates)\n\n| lost | impact | serving | failover | detect | RTO | RPO |\n|---|---|---|---|---|---|---|\n");
        for s in &sys.scenarios {
            let l = view::line(s);
            let mark = match s.impact {
                crate::system::Impact::NoImpact => "✅",
                crate::system::Impact::DeploymentsDelayed
                | crate::system::Impact::ReducedCapacity => "🔶",
                crate::system::Impact::Unknown => "❔",
                _ => "❌",
            };
            out.push_str(&format!(
                "| {} | {mark} {} | {} | {} | {} | {} | {} |\n",
                escape_plain(&l.lost),
                l.impact,
                escape_plain(&l.serving),
                l.failover,
                l.detection,
                l.rto,
                escape_plain(&l.rpo)
            ));
        }
    }
    out.push_str("\n### Availability estimate\n\n| component | availability | RTO | RPO |\n|---|---|---|---|\n");
    for [c, a, rto, rpo] in view::estimate_rows(sys) {
        out.push_str(&format!(
            "| {} | {} | {} | {} |\n",
            escape_plain(&c),
            escape_plain(&a),
            escape_plain(&rto),
            escape_plain(&rpo)
        ));
    }
    for (root, why) in view::not_estimated(sys) {
        out.push_str(&format!(
            "\n{}: not estimated: {}\n",
            code(&root),
            escape_plain(&why)
        ));
    }
    out.push_str("\nFigures and their sources: `spoflint figures`.\n");
    let targets = view::targets(sys);
    if !targets.is_empty() {
        out.push_str("\n### Targets\n\n");
        for (text, met) in targets {
            let mark = match met {
                Some(true) => "✅",
                Some(false) => "❌",
                None => "❔",
            };
            out.push_str(&format!("- {mark} {}\n", escape_plain(&text)));
        }
    }
}

pub fn render(scan: &Scan, summary: &Summary) -> String {
    let open: Vec<&Finding> = scan
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    let count = |s: Severity| open.iter().filter(|f| f.severity == s).count();
    let suppressed = scan.findings.len() - open.len();

    let mut out = String::from("## spoflint\n\n");
    out.push_str(&format!(
        "**{}, {}, {} info, {} suppressed** · {}, {} scanned\n\n",
        plural(count(Severity::Error), "error"),
        plural(count(Severity::Warning), "warning"),
        count(Severity::Info),
        suppressed,
        plural(summary.files, "file"),
        plural(summary.resources, "resource"),
    ));

    if summary.internal_errors > 0 {
        out.push_str(&format!(
            "⚠️ **Incomplete**: spoflint met {} (INPUT007); what it was reading is not checked.\n\n",
            plural(summary.internal_errors, "internal error")
        ));
    }
    if let Some(config) = &summary.config {
        out.push_str(&format!("Configuration: {}\n\n", code(config)));
    }
    if let Some(ignored) = summary.ignored_text() {
        out.push_str(&format!(
            "Left out by ignore rules: {}\n\n",
            escape_plain(&ignored)
        ));
    }
    out.push_str(
        "### Zero-SPOF validation\n\n| layer | verdict | findings | not judged |\n|---|---|---|---|\n",
    );
    for v in &summary.layers {
        let verdict = match v.status {
            LayerStatus::Pass => "✅ pass",
            LayerStatus::Fail => "❌ fail",
            LayerStatus::NoNewFindings => "🔶 no new findings",
            LayerStatus::PartlyJudged => "🔶 partly judged",
            LayerStatus::NotJudged => "❔ not judged",
            LayerStatus::NotPresent => "➖ not present",
        };
        out.push_str(&format!(
            "| {} | {verdict} | {} | {} |\n",
            v.layer.as_str(),
            v.findings,
            v.not_judged_text()
                .map_or_else(String::new, |t| escape_plain(&t))
        ));
    }

    if !summary.region_pairs.is_empty() {
        out.push_str("\n### Region pairs\n\n| resource | regions | verdict |\n|---|---|---|\n");
        for p in &summary.region_pairs {
            let mut regions = p
                .regions
                .iter()
                .map(|r| escape_plain(r))
                .collect::<Vec<_>>()
                .join(" + ");
            if p.unknown > 0 {
                if !regions.is_empty() {
                    regions.push_str(", ");
                }
                regions.push_str(&format!("{} in an unknown region", p.unknown));
            }
            let verdict = if p.paired() {
                "✅ paired"
            } else {
                "❌ single region"
            };
            out.push_str(&format!("| {} | {regions} | {verdict} |\n", code(p.kind)));
        }
    }

    system_section(&mut out, &scan.system);

    out.push_str("\n### Findings\n\n");
    if open.is_empty() {
        out.push_str("No open findings.\n");
        return out;
    }
    let mut listed = 0;
    for (severity, heading) in [
        (Severity::Error, "Errors"),
        (Severity::Warning, "Warnings"),
        (Severity::Info, "Info"),
    ] {
        let of: Vec<&&Finding> = open.iter().filter(|f| f.severity == severity).collect();
        if of.is_empty() || listed == MAX_FINDINGS {
            continue;
        }
        out.push_str(&format!("#### {heading} ({})\n\n", of.len()));
        for f in of.into_iter().take(MAX_FINDINGS - listed) {
            out.push_str(&finding(scan, f));
            listed += 1;
        }
        out.push('\n');
    }
    if open.len() > listed {
        out.push_str(&format!("… and {} more\n", open.len() - listed));
    }
    out
}
