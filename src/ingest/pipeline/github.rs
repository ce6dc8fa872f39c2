//! GitHub Actions workflows: `jobs.<id>` with `runs-on` (labels, a runner group, matrix
//! expressions), `environment`, `container`/`services` images, `steps` (`uses`, `run`) and
//! calls of reusable workflows (`uses:` on the job).

use std::path::Path;

use super::{
    Files, MAX_JOBS, MAX_MATRIX, MAX_STEPS, Out, YamlFile, at, has_expression, image_at, image_in,
};
use crate::model::pipeline::{At, Call, CiSystem, Job, Runner, RunnerSet, Step};
use crate::model::{NodeKind, SourceId, Span, Val};

pub fn read(f: &YamlFile, files: &Files, pipeline: &str, out: &mut Out) {
    let Some(doc) = f.documents.first() else {
        return;
    };
    let root = doc.tree.val(doc.root);
    let Some(jobs) = root.get("jobs") else {
        return;
    };
    if !jobs.is_map() {
        out.issue(
            "INPUT001",
            f.source,
            jobs.field_span(),
            "invalid workflow: `jobs` must be a mapping of job ids to jobs".to_string(),
            "fix the workflow; GitHub refuses it as written",
        );
        return;
    }
    let top = super::repository_top(&f.path, CiSystem::GitHubActions);
    for (n, (id, job)) in jobs.entries().into_iter().enumerate() {
        if n == MAX_JOBS {
            out.issue(
                "INPUT001",
                f.source,
                jobs.field_span(),
                format!("workflow has more than {MAX_JOBS} jobs; the rest are not read"),
                "split the workflow",
            );
            break;
        }
        if !job.is_map() {
            continue;
        }
        let job = read_job(f.source, id, job, pipeline, &top, files, out);
        out.jobs.push(job);
    }
}

fn read_job(
    source: SourceId,
    id: &str,
    job: Val<'_>,
    pipeline: &str,
    top: &Path,
    files: &Files,
    out: &mut Out,
) -> Job {
    let header = job.key_span().unwrap_or(job.span());
    let mut images = Vec::new();
    if let Some(c) = job.get("container") {
        images.extend(image_in(source, c, "image"));
    }
    if let Some(services) = job.get("services") {
        for (_, s) in services.entries() {
            images.extend(image_in(source, s, "image"));
        }
    }
    let mut steps = Vec::new();
    let found = (&mut steps, &mut images);
    read_steps(source, job.get("steps"), top, files, 0, found, out);
    let environment = job.get("environment").and_then(|e| {
        let name = if e.is_map() { e.get("name")? } else { e };
        let t = name.scalar_text().filter(|t| !t.is_empty())?;
        Some(at(source, &name, t))
    });
    let calls = job.get("uses").and_then(|u| {
        let t = u.scalar_text()?;
        Some(match t.strip_prefix("./") {
            Some(rel) if !t.contains('@') => {
                let found = files.get(&top.join(rel)).is_some();
                if !found {
                    out.missing(
                        source,
                        u.field_span(),
                        "local reusable workflow",
                        &t,
                        "no such file is in the scanned paths; scan the repository's top so its jobs are judged",
                    );
                }
                Call::Local {
                    path: at(source, &u, rel.to_string()),
                    found,
                }
            }
            _ => {
                out.remote(
                    source,
                    u.field_span(),
                    "reusable workflow",
                    &t,
                    "its jobs (their runners and deploy steps) are not judged; scan the repository that holds it too",
                );
                Call::Remote(at(source, &u, t))
            }
        })
    });
    let runner = match job.get("runs-on") {
        Some(r) => runs_on(source, &r, job.path(&["strategy", "matrix"])),
        None => Runner::Default,
    };
    Job {
        system: CiSystem::GitHubActions,
        source,
        header,
        name: id.to_string(),
        pipeline: pipeline.to_string(),
        runner,
        environment,
        steps,
        images,
        calls,
        needs: super::needs(job.get("needs")),
        manual: false,
        incomplete: None,
    }
}

/// Deepest chain of local composite actions followed.
const MAX_ACTION_DEPTH: usize = 5;

/// The steps of a job (or of a local composite action's `runs.steps`), in order: each `run`,
/// each action with the commands it runs from its inputs, and the steps of a local composite
/// action (`uses: ./.github/actions/deploy`, its `action.yml` read when it is in the scan).
/// `docker://` steps are images.
fn read_steps(
    source: SourceId,
    list: Option<Val<'_>>,
    top: &Path,
    files: &Files,
    depth: usize,
    (steps, images): (&mut Vec<Step>, &mut Vec<At<String>>),
    out: &mut Out,
) {
    for step in list.into_iter().flat_map(|s| s.items()) {
        if steps.len() >= MAX_STEPS {
            return;
        }
        if let Some(uses) = step.get("uses")
            && let Some(t) = uses.scalar_text()
        {
            match t.strip_prefix("docker://") {
                Some(image) => images.extend(image_at(source, &uses, image)),
                None => {
                    steps.extend(action_commands(source, &t, step.get("with")));
                    steps.push(Step::Action(at(source, &uses, t.clone())));
                    if let Some(rel) = t.strip_prefix("./")
                        && depth < MAX_ACTION_DEPTH
                    {
                        let dir = top.join(rel);
                        let action = files
                            .get(&dir.join("action.yml"))
                            .or_else(|| files.get(&dir.join("action.yaml")));
                        match action {
                            Some(a) => {
                                let runs = a.documents.first().and_then(|d| d.tree.val(d.root).get("runs"));
                                let inner = runs.and_then(|r| r.get("steps"));
                                let found = (&mut *steps, &mut *images);
                                read_steps(a.source, inner, top, files, depth + 1, found, out);
                            }
                            None => out.missing(
                                source,
                                uses.field_span(),
                                "local action",
                                &t,
                                "its action.yml is not in the scanned paths; the steps it runs are not judged",
                            ),
                        }
                    }
                }
            }
        }
        if let Some(run) = step.get("run")
            && let Some(t) = run.scalar_text()
        {
            steps.push(Step::Run(at(source, &run, t)));
        }
    }
}

/// The commands an action runs from its inputs, as script lines: `script` (e.g.
/// `appleboy/ssh-action`), and `args`/`command` of an action named for kubectl or helm (the
/// tool's name is put in front: `kubectl apply -f k8s/`).
fn action_commands(source: SourceId, action: &str, with: Option<Val<'_>>) -> Vec<Step> {
    let Some(with) = with else {
        return Vec::new();
    };
    let repo = crate::model::pipeline::action_name(action);
    let name = repo.rsplit('/').next().unwrap_or("");
    let tool = ["kubectl", "helm"].into_iter().find(|t| name.contains(t));
    let mut out = Vec::new();
    for (key, v) in with.entries() {
        let Some(t) = v.scalar_text() else { continue };
        let command = match (key, tool) {
            ("script", _) => t,
            ("args" | "command", Some(tool)) if !t.trim_start().starts_with(tool) => {
                format!("{tool} {}", t.trim_start())
            }
            ("args" | "command", Some(_)) => t,
            _ => continue,
        };
        out.push(Step::Run(at(source, &v, command)));
    }
    out
}

/// The runner sets `runs-on` selects: a label, a list of labels, `{group, labels}`, each
/// label possibly a `${{ matrix.KEY }}` expression expanded over the job's matrix.
fn runs_on(source: SourceId, r: &Val<'_>, matrix: Option<Val<'_>>) -> Runner {
    let unknown = |why: String| {
        Runner::Unknown(At {
            value: why,
            source,
            span: r.line_field_span(),
        })
    };
    let (labels_val, group) = if r.is_map() {
        let group = r.get("group").and_then(|g| g.scalar_text());
        (r.get("labels"), group)
    } else {
        (Some(*r), None)
    };
    if group.as_deref().is_some_and(has_expression) {
        return unknown(format!(
            "the runner group `{}` is an expression",
            group.unwrap_or_default()
        ));
    }
    // Each label as written: (text, its node).
    let mut labels: Vec<(String, Val<'_>)> = Vec::new();
    match labels_val.map(|v| (v, v.kind())) {
        None | Some((_, NodeKind::Null)) => {}
        Some((v, NodeKind::Seq(_))) => {
            for item in v.items() {
                match item.scalar_text() {
                    Some(t) => labels.push((t, item)),
                    None => return unknown("a label is not a string".to_string()),
                }
            }
        }
        Some((v, _)) => match v.scalar_text() {
            Some(t) => labels.push((t, v)),
            None => return unknown("`runs-on` is not a label, a list or a mapping".to_string()),
        },
    }
    // A single expression naming the whole selection: `${{ matrix.runner }}`.
    let keys: Vec<&str> = labels
        .iter()
        .filter(|(t, _)| has_expression(t))
        .map(|(t, _)| matrix_key(t))
        .collect::<Option<Vec<_>>>()
        .unwrap_or_else(|| vec![""]);
    if keys.contains(&"") {
        let expr = labels
            .iter()
            .find(|(t, _)| has_expression(t) && matrix_key(t).is_none())
            .map_or_else(String::new, |(t, _)| t.clone());
        return unknown(format!("`{expr}` is only known when the workflow runs"));
    }
    let mut distinct: Vec<&str> = keys.clone();
    distinct.sort();
    distinct.dedup();
    let span = r.line_field_span();
    match distinct.as_slice() {
        [] => Runner::Labels(vec![RunnerSet {
            labels: labels.into_iter().map(|(t, _)| t).collect(),
            group,
            source,
            span,
        }]),
        [key] => {
            let values = match matrix_values(matrix, key) {
                Ok(values) => values,
                Err(why) => return unknown(why),
            };
            let mut sets = Vec::new();
            for (value, value_span) in values {
                let mut set = Vec::new();
                for (t, _) in &labels {
                    match value.as_slice() {
                        [one] => set.push(substitute(t, key, one)),
                        many if t.trim() == format!("${{{{ matrix.{key} }}}}") => {
                            set.extend(many.iter().cloned())
                        }
                        _ if !has_expression(t) => set.push(t.clone()),
                        _ => return unknown(format!("`matrix.{key}` holds lists of labels")),
                    }
                }
                sets.push(RunnerSet {
                    labels: set,
                    group: group.clone(),
                    source,
                    span: value_span,
                });
            }
            Runner::Labels(sets)
        }
        _ => unknown("the labels use several matrix values".to_string()),
    }
}

/// `KEY` when every expression in `label` is `${{ matrix.KEY }}` (one key).
fn matrix_key(label: &str) -> Option<&str> {
    let mut key: Option<&str> = None;
    let mut rest = label;
    while let Some(open) = rest.find("${{") {
        let after = &rest[open + 3..];
        let close = after.find("}}")?;
        let expr = after[..close].trim();
        let k = expr.strip_prefix("matrix.")?;
        if k.is_empty()
            || !k
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            return None;
        }
        if key.is_some_and(|prev| prev != k) {
            return None;
        }
        key = Some(k);
        rest = &after[close + 2..];
    }
    key
}

/// `label` with every `${{ matrix.KEY }}` replaced by `value`.
fn substitute(label: &str, key: &str, value: &str) -> String {
    let mut out = String::new();
    let mut rest = label;
    while let Some(open) = rest.find("${{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 3..];
        let close = after.find("}}").unwrap_or(after.len());
        if after[..close].trim() == format!("matrix.{key}") {
            out.push_str(value);
        } else {
            out.push_str(&rest[open..open + 3 + close + 2]);
        }
        rest = after.get(close + 2..).unwrap_or("");
    }
    out.push_str(rest);
    out
}

/// The values `matrix.KEY` takes (each a label or a list of labels, with its span): the
/// key's list and the `include` entries that set it. `None` when the matrix or a value is an
/// expression, or there are more than [`MAX_MATRIX`].
fn matrix_values(matrix: Option<Val<'_>>, key: &str) -> Result<Vec<(Vec<String>, Span)>, String> {
    let not_written = || format!("`matrix.{key}` is not a list of labels written in the workflow");
    let Some(matrix) = matrix.filter(|m| m.is_map()) else {
        return Err(not_written());
    };
    let mut values: Vec<(Vec<String>, Span)> = Vec::new();
    let mut push = |v: Val<'_>| -> Option<()> {
        let labels = match v.kind() {
            NodeKind::Seq(_) => v
                .items()
                .map(|i| i.scalar_text())
                .collect::<Option<Vec<_>>>()?,
            NodeKind::Map(_) => return None,
            _ => vec![v.scalar_text()?],
        };
        if labels.iter().any(|l| has_expression(l)) {
            return None;
        }
        if !values.iter().any(|(l, _)| *l == labels) {
            values.push((labels, v.span()));
        }
        Some(())
    };
    if let Some(list) = matrix.get(key) {
        match list.kind() {
            NodeKind::Seq(_) => {
                for item in list.items().take(MAX_MATRIX + 1) {
                    push(item).ok_or_else(not_written)?;
                }
            }
            _ => return Err(not_written()),
        }
    }
    if let Some(include) = matrix.get("include") {
        if !matches!(include.kind(), NodeKind::Seq(_)) {
            return Err(not_written());
        }
        for entry in include.items().take(MAX_MATRIX + 1) {
            if let Some(v) = entry.get(key) {
                push(v).ok_or_else(not_written)?;
            }
        }
    }
    if values.len() > MAX_MATRIX {
        return Err(format!(
            "`matrix.{key}` has more than {MAX_MATRIX} values, more jobs than GitHub runs for one matrix"
        ));
    }
    if values.is_empty() {
        return Err(not_written());
    }
    Ok(values)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrix_keys() {
        assert_eq!(matrix_key("${{ matrix.os }}"), Some("os"));
        assert_eq!(matrix_key("run-${{matrix.os}}-x"), Some("os"));
        assert_eq!(matrix_key("${{ inputs.runner }}"), None);
        assert_eq!(matrix_key("${{ matrix.a }}-${{ matrix.b }}"), None);
        assert_eq!(substitute("run-${{ matrix.os }}", "os", "x"), "run-x");
    }
}
