//! Inline suppressions: `# spoflint:ignore RULE[,RULE...] reason: why` in a YAML or HCL
//! comment (`#` or `//`; in a Helm template also `{{/* ... */}}`).
//!
//! A comment suppresses the findings of its rules
//! - on its own line (a trailing comment) or on the line right below it, or
//! - of the resource it sits directly above (the line before a Kubernetes document or a
//!   Terraform block), wherever their labels are.
//!
//! The reason is mandatory. A comment without one, naming an unknown rule, or suppressing
//! nothing is itself reported (INPUT006), so stale suppressions do not pile up. Suppressed
//! findings stay in the results, marked, for the machine formats.

use std::collections::HashMap;

use crate::finding::{Finding, Label, Suppression};
use crate::model::{Model, SourceId, Span};

const MARKER: &str = "spoflint:ignore";

/// One suppression comment.
#[derive(Debug)]
struct Comment {
    source: SourceId,
    /// 1-based line of the comment.
    line: usize,
    span: Span,
    rules: Vec<String>,
    reason: Option<String>,
    used: bool,
}

/// Finds the suppression comments in `text`.
fn comments(source: SourceId, text: &str) -> Vec<Comment> {
    let mut out = Vec::new();
    if !text.contains(MARKER) {
        return out;
    }
    let mut offset = 0;
    for (i, line) in text.split_inclusive('\n').enumerate() {
        let start = offset;
        offset += line.len();
        let Some(at) = line.find(MARKER) else {
            continue;
        };
        // Only inside a comment: `#` or `//` at the line start or after a space (not the `//`
        // of a URL), or a template comment `{{/*`.
        let before = &line[..at];
        let Some(comment_at) = comment_start(before) else {
            continue;
        };
        let rest = line[at + MARKER.len()..]
            .trim_end_matches(['\n', '\r'])
            .trim_end_matches("*/}}")
            .trim_end_matches("*/")
            .trim();
        let (ids, reason) = match rest.split_once("reason:") {
            Some((ids, reason)) => (ids, Some(reason.trim().to_string())),
            None => (rest, None),
        };
        let rules = ids
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_ascii_uppercase)
            .collect();
        let end = start + line.trim_end_matches(['\n', '\r']).len();
        out.push(Comment {
            source,
            line: i + 1,
            span: Span::new(start + comment_at, end),
            rules,
            reason: reason.filter(|r| !r.is_empty()),
            used: false,
        });
    }
    out
}

/// Where a comment starts in `before` (the text before the marker on its line), if it is one.
fn comment_start(before: &str) -> Option<usize> {
    let bytes = before.as_bytes();
    before.char_indices().map(|(i, _)| i).find(|&i| {
        let rest = &before[i..];
        let after_space = i == 0 || bytes[i - 1].is_ascii_whitespace();
        rest.starts_with("{{/*")
            || rest.starts_with("{{- /*")
            || (after_space && (rest.starts_with('#') || rest.starts_with("//")))
    })
}

/// The first line of the resource a finding is about, in its defining file.
fn resource_start(model: &Model, id: crate::model::ResourceId) -> (SourceId, usize) {
    let r = model.get(id);
    // A built object starts where its document does in the file it was read from.
    let (source, start) = model
        .built
        .start_of(r.source(), r.start())
        .unwrap_or((r.source(), r.start()));
    let file = model.sources.get(source);
    (source, file.line_col(start).line)
}

/// Marks suppressed findings and appends INPUT006 findings for suppression comments that
/// are invalid or suppress nothing. `input006` is the rule's catalogue entry; `policy_ids` are
/// the ids of the scan's user policies.
pub fn apply(
    findings: &mut Vec<Finding>,
    model: &Model,
    input006: &'static crate::rules::RuleMeta,
    policy_ids: &[&str],
) {
    let mut all: Vec<Comment> = Vec::new();
    for i in 0..model.sources.len() {
        let id = SourceId(i as u32);
        all.extend(comments(id, &model.sources.get(id).text));
    }
    if all.is_empty() {
        return;
    }
    let known = |rule: &str| {
        policy_ids.contains(&rule)
            || crate::rules::catalog().is_ok_and(|c| c.rules.iter().any(|r| r.id == rule))
    };
    let mut by_line: HashMap<(SourceId, usize), Vec<usize>> = HashMap::new();
    for (i, c) in all.iter().enumerate() {
        by_line.entry((c.source, c.line)).or_default().push(i);
    }
    for f in findings.iter_mut() {
        let file = model.sources.get(f.primary.source);
        let line = file.line_col(f.primary.span.start).line;
        let mut candidates: Vec<usize> = Vec::new();
        for l in [line, line.saturating_sub(1)] {
            candidates.extend(by_line.get(&(f.primary.source, l)).into_iter().flatten());
        }
        if let Some(subject) = f.resource {
            let (source, start) = resource_start(model, subject);
            candidates.extend(
                by_line
                    .get(&(source, start.saturating_sub(1)))
                    .into_iter()
                    .flatten(),
            );
        }
        for i in candidates {
            let c = &mut all[i];
            if c.reason.is_none() || !c.rules.iter().any(|r| r == f.rule) {
                continue;
            }
            c.used = true;
            f.suppressed = Some(Suppression {
                reason: c.reason.clone().unwrap_or_default(),
                at: Label::new(c.source, c.span, "suppressed here"),
            });
            break;
        }
    }
    for c in &all {
        let problem = if c.rules.is_empty() {
            Some("names no rule".to_string())
        } else if let Some(bad) = c.rules.iter().find(|r| !known(r)) {
            Some(format!("names unknown rule {bad}"))
        } else if c.reason.is_none() {
            Some("has no reason (write `reason: <why>` after the rule ids)".to_string())
        } else if !c.used {
            Some(format!(
                "suppresses nothing: no {} finding on this line, the next line, or the resource below it",
                c.rules.join("/")
            ))
        } else {
            None
        };
        if let Some(problem) = problem {
            let mut f = input006.finding(
                Label::new(c.source, c.span, "this suppression"),
                format!("suppression comment {problem}"),
            );
            f.help = "fix the comment, or delete it if the finding it was for is gone".to_string();
            findings.push(f);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_are_parsed_with_rules_and_reason() {
        let text = "é: 1 # spoflint:ignore COMPUTE001, compute002 reason: batch job\n\
                    # spoflint:ignore DATA001\n\
                    url: http://x/spoflint:ignore\n\
                    {{/* spoflint:ignore NETWORK001 reason: internal only */}}\n";
        let c = comments(SourceId(0), text);
        assert_eq!(c.len(), 3);
        assert_eq!(c[0].rules, ["COMPUTE001", "COMPUTE002"]);
        assert_eq!(c[0].reason.as_deref(), Some("batch job"));
        assert_eq!(c[0].line, 1);
        assert_eq!(
            &text[c[0].span.start..c[0].span.end],
            "# spoflint:ignore COMPUTE001, compute002 reason: batch job"
        );
        assert_eq!(c[1].reason, None);
        assert_eq!(c[2].rules, ["NETWORK001"]);
        assert_eq!(c[2].reason.as_deref(), Some("internal only"));
    }
}
