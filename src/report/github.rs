//! `--format github`: GitHub Actions workflow commands, one annotation per open finding
//! (`::error`, `::warning` or `::notice` with the file, the region and `ID title`), then a
//! `::notice` per layer that holds resources no rule judges. Suppressed findings are not
//! annotated.

use super::Summary;
use crate::Scan;
use crate::finding::{Finding, Severity};

/// Escapes a command's message as GitHub's toolkit does (`%`, `\r` and `\n`); other control,
/// bidirectional and invisible characters are shown escaped (`\e`, `\u{202e}`).
fn escape_data(text: &str) -> String {
    let text = text
        .replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A");
    super::terminal_safe(&text).into_owned()
}

/// Escapes a command property's value: the message escapes, and `:` and `,`.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The workflow command for one finding, without its line break.
fn command(scan: &Scan, f: &Finding) -> String {
    let kind = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let file = scan.model.sources.get(f.primary.source);
    let start = file.line_col(f.primary.span.start);
    let end = file.line_col(f.primary.span.end.max(f.primary.span.start));
    let mut props = vec![
        format!("file={}", escape_property(&file.path)),
        format!("line={}", start.line),
    ];
    // Columns are only accepted on a single-line annotation.
    if start.line == end.line {
        props.push(format!("col={}", start.col));
        props.push(format!("endLine={}", end.line));
        props.push(format!("endColumn={}", end.col));
    } else {
        props.push(format!("endLine={}", end.line));
    }
    props.push(format!(
        "title={}",
        escape_property(&format!("{} {}", f.rule, f.title))
    ));
    let mut message = f.message.clone();
    if !f.help.is_empty() {
        message.push_str("\n\n");
        message.push_str(&f.help);
    }
    format!("::{kind} {}::{}", props.join(","), escape_data(&message))
}

pub fn render(scan: &Scan, summary: &Summary) -> String {
    let mut out = String::new();
    for f in scan.findings.iter().filter(|f| f.suppressed.is_none()) {
        out.push_str(&command(scan, f));
        out.push('\n');
    }
    // Resources no rule judges: one notice per layer, so a verdict is not read as a pass.
    for v in &summary.layers {
        if let Some(types) = v.not_judged_text() {
            out.push_str(&format!(
                "::notice title={}::{}\n",
                escape_property(&format!(
                    "spoflint: {} layer {}",
                    v.layer.as_str(),
                    v.status.as_str()
                )),
                escape_data(&format!(
                    "{} of the {} layer not judged (no rule judges these types yet): {types}",
                    crate::finding::count(v.not_judged_count() as i64, "resource"),
                    v.layer.as_str()
                ))
            ));
        }
    }
    out
}
