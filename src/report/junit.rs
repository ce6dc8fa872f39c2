//! `--format junit`: JUnit XML for CI test reports. One `<testsuite>` per layer and one
//! `<testcase>` per rule of the catalogue: a rule with open error or warning findings fails
//! (its `<failure>` lists them), info findings and suppressed ones are listed in
//! `<system-out>`, and a rule without findings passes.

use super::Summary;
use crate::Scan;
use crate::finding::{Finding, Label, Layer, Severity};

/// Escapes text for XML content and attribute values. Characters XML 1.0 cannot hold at all
/// become U+FFFD; in attribute values (`attr`), line breaks and tabs are written as
/// references, which keep them (parsers turn literal ones into spaces).
fn escape(text: &str, attr: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\n' if attr => out.push_str("&#10;"),
            '\t' if attr => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            '\r' => out.push_str("&#13;"),
            '\u{0}'..='\u{1f}' | '\u{fffe}' | '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

fn position(scan: &Scan, label: &Label) -> String {
    let file = scan.model.sources.get(label.source);
    let at = file.line_col(label.span.start);
    format!("{}:{}:{}", file.path, at.line, at.col)
}

/// One finding as plain text: where, what, the fix and the related locations.
fn describe(scan: &Scan, f: &Finding) -> String {
    // Lines after the first (a YAML snippet in a fix, say) are indented under their item.
    let indent = |text: &str| text.replace('\n', "\n    ");
    let mut s = format!(
        "{}: {}: {}\n",
        position(scan, &f.primary),
        f.severity,
        indent(&f.message)
    );
    if !f.help.is_empty() {
        s.push_str(&format!("  help: {}\n", indent(&f.help)));
    }
    for l in &f.secondary {
        s.push_str(&format!("  related: {}: {}\n", position(scan, l), l.text));
    }
    if let Some(sup) = &f.suppressed {
        s.push_str(&format!(
            "  suppressed at {}: {}\n",
            position(scan, &sup.at),
            sup.reason
        ));
    }
    s
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

struct Case {
    name: String,
    classname: String,
    failing: Vec<usize>,
    other: Vec<usize>,
}

pub fn render(scan: &Scan, summary: &Summary) -> String {
    let catalog = scan.rules.as_slice();
    let layers =
        Layer::ARCHITECTURE
            .into_iter()
            .chain([Layer::System, Layer::Policy, Layer::Input]);
    let mut suites = Vec::new();
    for layer in layers {
        let cases: Vec<Case> = catalog
            .iter()
            .filter(|r| r.layer == layer)
            .map(|r| {
                let of_rule = |i: &usize| scan.findings[*i].rule == r.id;
                let all = (0..scan.findings.len()).filter(of_rule);
                let (failing, other) = all.partition(|&i| {
                    let f = &scan.findings[i];
                    f.suppressed.is_none() && f.severity >= Severity::Warning
                });
                Case {
                    name: format!("{} {}", r.id, r.title),
                    classname: format!("spoflint.{}", layer.as_str()),
                    failing,
                    other,
                }
            })
            .collect();
        if !cases.is_empty() {
            suites.push((layer, cases));
        }
    }
    // Resource types of a layer that no rule judges: a skipped case each.
    let not_judged = |layer: Layer| -> &[(String, usize)] {
        summary
            .layers
            .iter()
            .find(|v| v.layer == layer)
            .map_or(&[], |v| v.not_judged.as_slice())
    };
    let tests: usize = suites
        .iter()
        .map(|(layer, c)| c.len() + not_judged(*layer).len())
        .sum();
    let failures = |cases: &[Case]| cases.iter().filter(|c| !c.failing.is_empty()).count();
    let total_failures: usize = suites.iter().map(|(_, c)| failures(c)).sum();

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str(&format!(
        "<testsuites name=\"spoflint\" tests=\"{tests}\" failures=\"{total_failures}\" errors=\"0\">\n"
    ));
    for (layer, cases) in &suites {
        let skipped = not_judged(*layer);
        out.push_str(&format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"0\" skipped=\"{}\">\n",
            layer.as_str(),
            cases.len() + skipped.len(),
            failures(cases),
            skipped.len()
        ));
        for (rtype, n) in skipped {
            out.push_str(&format!(
                "    <testcase classname=\"spoflint.{}\" name=\"{}\">\n      <skipped message=\"{}\"/>\n    </testcase>\n",
                layer.as_str(),
                escape(&format!("not judged: {rtype}"), true),
                escape(
                    &format!("{} of this type: no rule judges it yet", plural(*n, "resource")),
                    true
                )
            ));
        }
        for case in cases {
            let open = format!(
                "    <testcase classname=\"{}\" name=\"{}\"",
                escape(&case.classname, true),
                escape(&case.name, true)
            );
            if case.failing.is_empty() && case.other.is_empty() {
                out.push_str(&open);
                out.push_str("/>\n");
                continue;
            }
            out.push_str(&open);
            out.push_str(">\n");
            if !case.failing.is_empty() {
                let worst = case
                    .failing
                    .iter()
                    .map(|&i| scan.findings[i].severity)
                    .max()
                    .unwrap_or(Severity::Warning);
                let body: String = case
                    .failing
                    .iter()
                    .map(|&i| describe(scan, &scan.findings[i]))
                    .collect();
                out.push_str(&format!(
                    "      <failure message=\"{}\" type=\"{}\">{}</failure>\n",
                    plural(case.failing.len(), "finding"),
                    worst,
                    escape(&body, false)
                ));
            }
            if !case.other.is_empty() {
                let body: String = case
                    .other
                    .iter()
                    .map(|&i| describe(scan, &scan.findings[i]))
                    .collect();
                out.push_str(&format!(
                    "      <system-out>{}</system-out>\n",
                    escape(&body, false)
                ));
            }
            out.push_str("    </testcase>\n");
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}
