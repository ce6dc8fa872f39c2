//! The failing and passing examples of a rule document, as runnable scans.
//!
//! In `rules/<layer>/<ID>.md`, the sections `## Failing example` and `## Passing example` each
//! hold one scan: every fenced `yaml`, `hcl`, `json` or `rego` block is a file of it (named by a
//! first line `# file: PATH`, else `main.tf` for HCL, `policy.rego` for Rego and
//! `example.yaml`, `example-2.yaml`, ... for the others), and an optional `console` block gives the command line
//! (`$ [VAR=value ...] spoflint check . [options]`; without one, `spoflint check .`). The test
//! `tests/rule_docs.rs` runs each scan: the failing one must report the rule (not only "cannot
//! judge", unless the rule is info by nature), the passing one must not report it at all, and
//! neither may report any other INPUT finding: an example is complete, valid input.

/// Which verdict an example states.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    Fails,
    Passes,
}

/// One example scan of a rule document.
#[derive(Debug, Clone)]
pub struct Example {
    pub verdict: Verdict,
    /// `(relative path, content)`, in document order.
    pub files: Vec<(String, String)>,
    /// Environment variables set by the command line.
    pub env: Vec<(String, String)>,
    /// Options after `spoflint check .`.
    pub args: Vec<String>,
}

/// The examples of a rule document's markdown `body`: first the failing, then the passing
/// one. Each section must exist and hold at least one file.
pub fn examples(body: &str) -> Result<Vec<Example>, String> {
    [
        ("## Failing example", Verdict::Fails),
        ("## Passing example", Verdict::Passes),
    ]
    .into_iter()
    .map(|(heading, verdict)| {
        let section = section(body, heading).ok_or_else(|| format!("no `{heading}` section"))?;
        example(section, verdict).map_err(|e| format!("{heading}: {e}"))
    })
    .collect()
}

/// The text of the `## ` section titled `heading`, up to the next `## ` heading.
fn section<'a>(body: &'a str, heading: &str) -> Option<&'a str> {
    let start = body.match_indices(heading).map(|(i, _)| i).find(|&i| {
        (i == 0 || body[..i].ends_with('\n')) && body[i + heading.len()..].starts_with('\n')
    })?;
    let rest = &body[start + heading.len()..];
    let end = rest.find("\n## ").map_or(rest.len(), |i| i + 1);
    Some(&rest[..end])
}

fn example(section: &str, verdict: Verdict) -> Result<Example, String> {
    let mut ex = Example {
        verdict,
        files: Vec::new(),
        env: Vec::new(),
        args: Vec::new(),
    };
    let mut commands = 0;
    let mut unnamed = 0;
    for (lang, content) in fenced_blocks(section)? {
        match lang {
            "console" => {
                for line in content.lines().filter_map(|l| l.strip_prefix("$ ")) {
                    commands += 1;
                    command(line, &mut ex)?;
                }
            }
            "yaml" | "hcl" | "json" | "rego" => {
                let name = match content
                    .lines()
                    .next()
                    .and_then(|l| l.strip_prefix("# file: "))
                {
                    Some(name) => name.trim().to_string(),
                    None if lang == "hcl" => "main.tf".to_string(),
                    None if lang == "rego" => "policy.rego".to_string(),
                    None => {
                        unnamed += 1;
                        let ext = if lang == "json" { "json" } else { "yaml" };
                        match unnamed {
                            1 => format!("example.{ext}"),
                            n => format!("example-{n}.{ext}"),
                        }
                    }
                };
                if name.is_empty() || name.starts_with('/') || name.split('/').any(|p| p == "..") {
                    return Err(format!(
                        "file name `{name}` is not a relative path inside the example"
                    ));
                }
                if ex.files.iter().any(|(n, _)| *n == name) {
                    return Err(format!("two blocks are `{name}`"));
                }
                ex.files.push((name, content.to_string()));
            }
            other => return Err(format!("a fenced block of unknown language `{other}`")),
        }
    }
    if commands > 1 {
        return Err("more than one command line".into());
    }
    if ex.files.is_empty() {
        return Err("no file".into());
    }
    Ok(ex)
}

/// `[VAR=value ...] spoflint check . [options]`, split on whitespace.
fn command(line: &str, ex: &mut Example) -> Result<(), String> {
    let mut words = line.split_whitespace().peekable();
    while let Some((k, v)) = words.peek().and_then(|w| w.split_once('=')) {
        ex.env.push((k.to_string(), v.to_string()));
        words.next();
    }
    let head: Vec<&str> = words.by_ref().take(3).collect();
    if head != ["spoflint", "check", "."] {
        return Err(format!(
            "the command `{line}` is not `spoflint check . ...`"
        ));
    }
    ex.args.extend(words.map(str::to_string));
    Ok(())
}

/// `(language, content)` of each fenced block (```` ``` ```` at the start of a line).
fn fenced_blocks(section: &str) -> Result<Vec<(&str, &str)>, String> {
    let mut blocks = Vec::new();
    let mut rest = section;
    while let Some(open) = find_line(rest, "```") {
        let after = &rest[open + 3..];
        let eol = after.find('\n').ok_or("an unterminated fenced block")?;
        let lang = after[..eol].trim();
        let body = &after[eol + 1..];
        let close = find_line(body, "```").ok_or("an unterminated fenced block")?;
        blocks.push((lang, &body[..close]));
        rest = &body[close + 3..];
    }
    Ok(blocks)
}

/// Offset of the first line of `text` that starts with `prefix`.
fn find_line(text: &str, prefix: &str) -> Option<usize> {
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with(prefix) {
            return Some(at);
        }
        at += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn files_commands_and_defaults() {
        let body = "## Why\nx\n## Failing example\nText.\n```yaml\na: 1\n```\n```yaml\n# file: charts/x/values.yaml\nb: 2\n```\n```hcl\nlocals {}\n```\n```console\n$ K=v spoflint check . --set a=1\n```\n## Passing example\n```json\n{}\n```\n";
        let ex = examples(body).unwrap();
        assert_eq!(ex[0].verdict, Verdict::Fails);
        let names: Vec<&str> = ex[0].files.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(names, ["example.yaml", "charts/x/values.yaml", "main.tf"]);
        assert_eq!(ex[0].files[1].1, "# file: charts/x/values.yaml\nb: 2\n");
        assert_eq!(ex[0].env, [("K".to_string(), "v".to_string())]);
        assert_eq!(ex[0].args, ["--set", "a=1"]);
        assert_eq!(ex[1].verdict, Verdict::Passes);
        assert_eq!(
            ex[1].files,
            [("example.json".to_string(), "{}\n".to_string())]
        );
        assert!(ex[1].args.is_empty());
    }

    #[test]
    fn malformed_examples_are_errors() {
        let wrap = |fail: &str| {
            format!("## Failing example\n{fail}\n## Passing example\n```yaml\na: 1\n```\n")
        };
        for (fail, why) in [
            ("no block", "no file"),
            ("```yaml\na: 1\n", "unterminated"),
            ("```text\na\n```", "unknown language `text`"),
            (
                "```yaml\n# file: ../x.yaml\na: 1\n```",
                "not a relative path",
            ),
            ("```yaml\n# file: /etc/x\na: 1\n```", "not a relative path"),
            (
                "```hcl\na = 1\n```\n```hcl\nb = 1\n```",
                "two blocks are `main.tf`",
            ),
            (
                "```yaml\na: 1\n```\n```console\n$ spoflint scan .\n```",
                "is not `spoflint check .",
            ),
        ] {
            let err = examples(&wrap(fail)).unwrap_err();
            assert!(err.contains(why), "{fail:?}: {err}");
        }
        assert!(
            examples("## Failing example\n```yaml\na: 1\n```\n")
                .unwrap_err()
                .contains("Passing")
        );
    }
}
