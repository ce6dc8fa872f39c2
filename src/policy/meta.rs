//! OPA's `# METADATA` annotations: a block of comments that starts with `# METADATA` and holds
//! YAML, placed right above the `package` line or a rule it describes
//! (<https://www.openpolicyagent.org/docs/policy-language#metadata>).

use std::sync::Arc;

use crate::ingest::yaml;
use crate::model::SourceFile;

/// The fields of one annotation that spoflint reads.
#[derive(Debug, Default, Clone)]
pub struct Annotation {
    /// 1-based line of the `# METADATA` comment.
    pub line: u32,
    /// 1-based line of the first statement after the block (the package or rule it annotates).
    pub target: u32,
    /// `scope:` as written (`package`, `rule`, `document`, `subpackages`), if given.
    pub scope: Option<String>,
    pub title: Option<String>,
    pub description: Option<String>,
    /// `custom.id`, `custom.layer`, `custom.severity`.
    pub id: Option<String>,
    pub layer: Option<String>,
    pub severity: Option<String>,
    /// `related_resources[].ref`: links shown by `explain`.
    pub related: Vec<String>,
}

/// The annotations of a policy file, with the problems met reading them (line, message).
pub fn annotations(path: &str, text: &str) -> (Vec<Annotation>, Vec<(u32, String)>) {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let comment = |l: &str| l.trim_start().strip_prefix('#').map(str::to_string);
        if comment(lines[i]).is_some_and(|c| c.trim() == "METADATA") {
            let start = i;
            let mut yaml_text = String::new();
            i += 1;
            while i < lines.len() {
                let Some(c) = comment(lines[i]) else { break };
                // `# key: value`: the one space after `#` is the comment's, not the YAML's.
                yaml_text.push_str(c.strip_prefix(' ').unwrap_or(&c));
                yaml_text.push('\n');
                i += 1;
            }
            let mut target = i;
            while target < lines.len() && lines[target].trim().is_empty() {
                target += 1;
            }
            match parse(path, &yaml_text) {
                Ok(mut a) => {
                    a.line = start as u32 + 1;
                    a.target = target as u32 + 1;
                    out.push(a);
                }
                Err(message) => problems.push((start as u32 + 1, message)),
            }
            continue;
        }
        i += 1;
    }
    (out, problems)
}

fn parse(path: &str, text: &str) -> Result<Annotation, String> {
    let file = SourceFile::new(path.to_string(), Arc::from(text));
    let parsed = yaml::parse(&file);
    if let Some(e) = parsed.error {
        return Err(format!("METADATA is not valid YAML: {}", e.message));
    }
    let Some(doc) = parsed.documents.first() else {
        return Ok(Annotation::default());
    };
    let root = doc.tree.val(doc.root);
    if root.is_null() {
        return Ok(Annotation::default());
    }
    if !root.is_map() {
        return Err("METADATA must be a YAML mapping".to_string());
    }
    let text_of = |v: Option<crate::model::Val<'_>>| v.and_then(|v| v.scalar_text());
    let custom = root.get("custom");
    let related = root
        .get("related_resources")
        .map(|r| {
            r.items()
                .filter_map(|item| item.scalar_text().or_else(|| text_of(item.get("ref"))))
                .collect()
        })
        .unwrap_or_default();
    Ok(Annotation {
        scope: text_of(root.get("scope")),
        title: text_of(root.get("title")),
        description: text_of(root.get("description")),
        id: text_of(custom.and_then(|c| c.get("id"))),
        layer: text_of(custom.and_then(|c| c.get("layer"))),
        severity: text_of(custom.and_then(|c| c.get("severity"))),
        related,
        ..Annotation::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_blocks_and_their_targets() {
        let text = "# METADATA\n# title: Three replicas\n# description: |\n#   Long text.\n# custom:\n#   id: ORG001\n#   layer: compute\n#   severity: error\npackage org.replicas\n\n# a plain comment\n# METADATA\n# scope: rule\n# title: Other\n\ndeny contains msg if { false }\n";
        let (a, problems) = annotations("p.rego", text);
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(a.len(), 2);
        assert_eq!(a[0].line, 1);
        assert_eq!(a[0].target, 9);
        assert_eq!(a[0].title.as_deref(), Some("Three replicas"));
        assert_eq!(a[0].description.as_deref(), Some("Long text.\n"));
        assert_eq!(a[0].id.as_deref(), Some("ORG001"));
        assert_eq!(a[0].layer.as_deref(), Some("compute"));
        assert_eq!(a[0].severity.as_deref(), Some("error"));
        assert_eq!(a[1].scope.as_deref(), Some("rule"));
        assert_eq!(a[1].target, 16);
    }

    #[test]
    fn bad_yaml_is_a_problem_at_its_line() {
        let (a, problems) = annotations("p.rego", "\n# METADATA\n# title: [unclosed\npackage x\n");
        assert!(a.is_empty());
        assert_eq!(problems.len(), 1);
        assert_eq!(problems[0].0, 2);
    }
}
