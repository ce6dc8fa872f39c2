//! GitLab CI: `.gitlab-ci.yml` with its local `include:` files, `default:` (and the old
//! top-level defaults), `extends:`, hidden jobs, anchors and merge keys, `!reference` in
//! scripts, `tags`, `environment`, `image`/`services`, `when: manual` and `trigger`.
//!
//! Merging follows GitLab: a file's own keys win over those of the files it includes, a later
//! include over an earlier one; a job's keys win over those of the jobs it `extends` (the
//! last one named winning among them), which win over `default:`. Keys are merged as a
//! whole, but `environment`, whose `name` may come from one level and `action` from another.

use std::path::{Path, PathBuf};

use super::{Files, MAX_JOBS, MAX_STEPS, Out, YamlFile, at, image_in};
use crate::model::pipeline::{At, Call, CiSystem, Job, Runner, RunnerSet, Step};
use crate::model::{FastMap, NodeKind, SourceId, Span, Val};

/// Most files one pipeline may include, nested includes counted (GitLab's own limit).
pub const MAX_INCLUDES: usize = 150;
/// Deepest `extends` chain (GitLab's own limit is 11 levels).
pub const MAX_EXTENDS_DEPTH: usize = 11;
/// Most definitions one job's `extends` chain may visit (diamonds counted each time).
const MAX_EXTENDS_VISITS: usize = 1_000;
/// Most script nodes one job's scripts may visit, `!reference`s followed.
const MAX_SCRIPT_VISITS: usize = 20_000;
/// Deepest `!reference` chain (GitLab's own limit is 10 levels).
const MAX_REFERENCE_DEPTH: usize = 10;
/// Deepest chain of child pipelines (`trigger: include:`) read.
const MAX_CHILD_DEPTH: usize = 5;

/// Top-level keys that are not jobs.
const RESERVED: &[&str] = &[
    "default",
    "include",
    "stages",
    "variables",
    "workflow",
    "image",
    "services",
    "cache",
    "before_script",
    "after_script",
    "spec",
];

/// Keys a job takes from `default:` (or the old top-level keys) when it does not set them.
const DEFAULTABLE: &[&str] = &["image", "services", "tags", "before_script", "after_script"];

pub fn read(f: &YamlFile, files: &Files, pipeline: &str, out: &mut Out) {
    let top = super::repository_top(&f.path, CiSystem::GitLabCi);
    // A child pipeline that triggers its parent does not read the parent again.
    out.first_read(&f.path);
    read_pipeline(f, files, pipeline, &top, out, 0);
}

/// A file's configuration document: the second when the first is a `spec:` header.
fn config_doc(f: &YamlFile) -> Option<Val<'_>> {
    let mut docs = f.documents.iter().map(|d| d.tree.val(d.root));
    let first = docs.next()?;
    if first.get("spec").is_some()
        && let Some(second) = docs.next()
    {
        return Some(second);
    }
    Some(first)
}

/// One file of a merged configuration: its source and its top mapping.
#[derive(Clone, Copy)]
struct Layer<'a> {
    source: SourceId,
    root: Val<'a>,
}

/// A layer's top-level entries (merge keys expanded, as [`Val::entries`] gives them), in
/// order and by key: every job's name and every key it does not set itself is looked up in
/// each layer, and a linear [`Val::get`] there made a pipeline's reading quadratic in its jobs.
struct Keys<'a> {
    entries: Vec<(&'a str, Val<'a>)>,
    by_key: FastMap<&'a str, Val<'a>>,
}

impl<'a> Keys<'a> {
    fn of(root: Val<'a>) -> Keys<'a> {
        let entries = root.entries();
        // `entries` lists each key once, with the value `get` finds.
        let by_key = entries.iter().copied().collect();
        Keys { entries, by_key }
    }
}

fn read_pipeline(
    f: &YamlFile,
    files: &Files,
    pipeline: &str,
    top: &Path,
    out: &mut Out,
    child_depth: usize,
) {
    let mut layers = Vec::new();
    let mut stack = Vec::new();
    let mut count = 0;
    let mut unresolved = false;
    collect(
        f,
        files,
        top,
        out,
        &mut layers,
        &mut stack,
        &mut count,
        &mut unresolved,
    );
    let config = Config::new(layers, unresolved);
    // Jobs in order of first appearance, from the lowest-priority file up.
    let mut names: Vec<&str> = Vec::new();
    let mut seen: FastMap<&str, ()> = FastMap::default();
    for keys in config.keys.iter().rev() {
        for &(name, v) in &keys.entries {
            if name.starts_with('.') || RESERVED.contains(&name) || !v.is_map() {
                continue;
            }
            if seen.insert(name, ()).is_none() {
                names.push(name);
            }
        }
    }
    for (n, name) in names.iter().enumerate() {
        if n == MAX_JOBS {
            out.issue(
                "INPUT001",
                f.source,
                Span::default(),
                format!("pipeline has more than {MAX_JOBS} jobs; the rest are not read"),
                "split the pipeline",
            );
            break;
        }
        let job = config.job(name, pipeline, top, files, out, child_depth);
        out.jobs.push(job);
    }
}

/// Adds `f` and the files it includes to `layers`, highest priority first: the file, then its
/// includes from the last to the first (each followed by its own). `unresolved` is set when an
/// include is not read (remote, or not in the scan).
#[allow(clippy::too_many_arguments)]
fn collect<'a>(
    f: &'a YamlFile,
    files: &'a Files,
    top: &Path,
    out: &mut Out,
    layers: &mut Vec<Layer<'a>>,
    stack: &mut Vec<PathBuf>,
    count: &mut usize,
    unresolved: &mut bool,
) {
    let Some(root) = config_doc(f) else {
        return;
    };
    if !root.is_map() {
        if !root.is_null() {
            out.issue(
                "INPUT001",
                f.source,
                root.span(),
                "invalid GitLab CI configuration: it must be a mapping".to_string(),
                "fix the file; GitLab refuses it as written",
            );
        }
        return;
    }
    layers.push(Layer {
        source: f.source,
        root,
    });
    stack.push(f.path.clone());
    let Some(include) = root.get("include") else {
        stack.pop();
        return;
    };
    let entries = super::one_or_many(include);
    let mut included: Vec<(&'a YamlFile, Val<'a>)> = Vec::new();
    for entry in entries {
        let found = resolve_include(f.source, entry, files, top, out);
        *unresolved |= found.is_empty();
        included.extend(found);
    }
    for (file, at) in included.into_iter().rev() {
        if stack.contains(&file.path) {
            out.issue(
                "INPUT001",
                f.source,
                at.field_span(),
                format!(
                    "include cycle: `{}` includes itself through this entry; it is read once",
                    file.path
                        .strip_prefix(top)
                        .unwrap_or(&file.path)
                        .to_string_lossy()
                        .replace('\\', "/")
                ),
                "remove the include that closes the cycle; GitLab refuses such a configuration",
            );
            continue;
        }
        *count += 1;
        if *count > MAX_INCLUDES {
            out.issue(
                "INPUT001",
                f.source,
                at.field_span(),
                format!(
                    "more than {MAX_INCLUDES} included files (GitLab's limit); this one and the rest are not read"
                ),
                "include fewer files; GitLab refuses such a configuration",
            );
            break;
        }
        collect(file, files, top, out, layers, stack, count, unresolved);
    }
    stack.pop();
}

/// The files of the scan one `include:` entry names (local files only; a remote, project,
/// template or component include is reported once and not read).
fn resolve_include<'a>(
    source: SourceId,
    entry: Val<'a>,
    files: &'a Files,
    top: &Path,
    out: &mut Out,
) -> Vec<(&'a YamlFile, Val<'a>)> {
    let local = |path: &str, at: Val<'a>, out: &mut Out| -> Vec<(&'a YamlFile, Val<'a>)> {
        if path.contains('$') {
            out.not_read(
                source,
                at.field_span(),
                path,
                format!(
                    "include `{path}` is not read: its path uses a variable, known only when the pipeline runs"
                ),
                "its jobs are not judged",
            );
            return Vec::new();
        }
        let found: Vec<&YamlFile> = if path.contains('*') {
            files.matching(top, path)
        } else {
            files
                .get(&top.join(path.trim_start_matches('/')))
                .into_iter()
                .collect()
        };
        if found.is_empty() {
            out.missing(
                source,
                at.field_span(),
                "local include",
                path,
                "no such file is in the scanned paths; scan the repository's top so its jobs are judged",
            );
        }
        found.into_iter().map(|f| (f, at)).collect()
    };
    if let Some(t) = entry.scalar_text() {
        if t.starts_with("https://") || t.starts_with("http://") {
            out.remote(
                source,
                entry.field_span(),
                "remote include",
                &t,
                "its jobs are not judged",
            );
            return Vec::new();
        }
        return local(&t, entry, out);
    }
    if !entry.is_map() {
        return Vec::new();
    }
    if let Some(l) = entry.get("local")
        && let Some(t) = l.scalar_text()
    {
        return local(&t, l, out);
    }
    for (key, what) in [
        ("remote", "remote include"),
        ("project", "project include"),
        ("template", "template include"),
        ("component", "component include"),
    ] {
        if let Some(v) = entry.get(key) {
            let name = v.scalar_text().unwrap_or_default();
            out.remote(
                source,
                v.field_span(),
                what,
                &name,
                "its jobs are not judged",
            );
        }
    }
    Vec::new()
}

/// A merged configuration: its files, highest priority first, and whether an include was
/// not read (a job may then extend a job spoflint does not see).
struct Config<'a> {
    layers: Vec<Layer<'a>>,
    unresolved: bool,
    /// Each layer's top-level keys.
    keys: Vec<Keys<'a>>,
}

/// One definition a job's keys are looked up in, highest priority first.
#[derive(Clone, Copy)]
struct Def<'a> {
    source: SourceId,
    map: Val<'a>,
}

impl<'a> Config<'a> {
    fn new(layers: Vec<Layer<'a>>, unresolved: bool) -> Config<'a> {
        let keys = layers.iter().map(|l| Keys::of(l.root)).collect();
        Config {
            layers,
            unresolved,
            keys,
        }
    }

    /// The top-level key `key` of each layer that has it, highest priority first.
    fn top(&self, key: &str) -> impl Iterator<Item = (SourceId, Val<'a>)> {
        self.layers
            .iter()
            .zip(&self.keys)
            .filter_map(move |(l, k)| k.by_key.get(key).map(|&v| (l.source, v)))
    }

    /// Every definition of the top-level key `name`, highest priority first.
    fn defs(&self, name: &str) -> Vec<Def<'a>> {
        self.top(name)
            .filter(|(_, v)| v.is_map())
            .map(|(source, map)| Def { source, map })
            .collect()
    }

    /// The definitions a job's keys come from: its own, then those of what it extends.
    /// The second part: a job it extends that is not in the configuration, when an include
    /// that may define it was not read.
    fn chain(&self, name: &str, out: &mut Out) -> (Vec<Def<'a>>, Option<At<String>>) {
        let mut chain = Vec::new();
        let mut path = Vec::new();
        let mut budget = MAX_EXTENDS_VISITS;
        let mut missing = None;
        self.extend_chain(name, &mut path, &mut budget, &mut chain, &mut missing, out);
        (chain, missing)
    }

    fn extend_chain(
        &self,
        name: &str,
        path: &mut Vec<String>,
        budget: &mut usize,
        chain: &mut Vec<Def<'a>>,
        missing: &mut Option<At<String>>,
        out: &mut Out,
    ) {
        let own = self.defs(name);
        let extends = own
            .iter()
            .find_map(|d| d.map.get("extends").map(|e| (d.source, e)));
        chain.extend(own);
        let Some((source, e)) = extends else {
            return;
        };
        path.push(name.to_string());
        let parents = super::one_or_many(e);
        // The last parent named wins: it comes first.
        for p in parents.into_iter().rev() {
            let Some(parent) = p.scalar_text() else {
                continue;
            };
            let problem = if path.contains(&parent) {
                Some(format!(
                    "`extends: {parent}` makes a cycle; it is not followed"
                ))
            } else if path.len() >= MAX_EXTENDS_DEPTH {
                Some(format!(
                    "`extends` is nested more than {MAX_EXTENDS_DEPTH} levels deep (GitLab's limit); the rest is not read"
                ))
            } else if *budget == 0 {
                Some(format!(
                    "`extends` expands to more than {MAX_EXTENDS_VISITS} definitions; the rest is not read"
                ))
            } else {
                None
            };
            if let Some(message) = problem {
                out.issue(
                    "INPUT001",
                    source,
                    p.field_span(),
                    message,
                    "fix the `extends` chain; GitLab refuses such a configuration",
                );
                continue;
            }
            *budget -= 1;
            let before = chain.len();
            self.extend_chain(&parent, path, budget, chain, missing, out);
            if chain.len() == before && self.defs(&parent).is_empty() {
                if self.unresolved {
                    // Defined, most likely, in the include spoflint did not read.
                    missing.get_or_insert_with(|| at(source, &p, parent.clone()));
                    continue;
                }
                out.issue(
                    "INPUT001",
                    source,
                    p.field_span(),
                    format!("`extends: {parent}` names no job of this configuration"),
                    "fix the name; GitLab refuses such a configuration",
                );
            }
        }
        path.pop();
    }

    /// The value of `key` for a job: from its chain, else from `default:` or the old
    /// top-level keys when the job inherits them.
    fn lookup(&self, chain: &[Def<'a>], key: &str) -> Option<(SourceId, Val<'a>)> {
        if let Some(found) = chain
            .iter()
            .find_map(|d| d.map.get(key).map(|v| (d.source, v)))
        {
            return Some(found);
        }
        if !DEFAULTABLE.contains(&key) || !self.inherits_default(chain, key) {
            return None;
        }
        self.defs("default")
            .iter()
            .find_map(|d| d.map.get(key).map(|v| (d.source, v)))
            .or_else(|| {
                if key == "tags" {
                    return None;
                }
                self.top(key).next()
            })
    }

    /// `inherit: default:` — `false`, or a list of the keys inherited.
    fn inherits_default(&self, chain: &[Def<'a>], key: &str) -> bool {
        let Some(inherit) = chain
            .iter()
            .find_map(|d| d.map.path(&["inherit", "default"]))
        else {
            return true;
        };
        match inherit.kind() {
            NodeKind::Bool(b) => b,
            NodeKind::Seq(_) => inherit.items().any(|i| i.as_str() == Some(key)),
            _ => true,
        }
    }

    fn job(
        &self,
        name: &str,
        pipeline: &str,
        top: &Path,
        files: &Files,
        out: &mut Out,
        child_depth: usize,
    ) -> Job {
        let (chain, missing) = self.chain(name, out);
        let first = chain[0];
        let header = first.map.key_span().unwrap_or(first.map.span());
        let runner = match (self.lookup(&chain, "tags"), &missing) {
            (Some((source, tags)), _) => {
                let matrix = self
                    .lookup(&chain, "parallel")
                    .and_then(|(source, p)| p.get("matrix").map(|m| (source, m)));
                runner(source, &tags, matrix)
            }
            (None, Some(parent)) => Runner::Unknown(At {
                value: format!(
                    "it extends `{}`, from an include spoflint does not read, which may set its tags",
                    parent.value
                ),
                source: parent.source,
                span: parent.span,
            }),
            (None, None) => Runner::Default,
        };
        let mut images = Vec::new();
        if let Some((source, image)) = self.lookup(&chain, "image") {
            images.extend(image_in(source, image, "name"));
        }
        if let Some((source, services)) = self.lookup(&chain, "services") {
            for s in services.items() {
                images.extend(image_in(source, s, "name"));
            }
        }
        let mut steps = Vec::new();
        let mut budget = MAX_SCRIPT_VISITS;
        for key in ["before_script", "script", "after_script"] {
            if let Some((source, v)) = self.lookup(&chain, key) {
                self.script_lines(source, v, 0, &mut budget, &mut steps, out);
            }
        }
        steps.truncate(MAX_STEPS);
        let environment = self.environment(&chain);
        let manual = self
            .lookup(&chain, "when")
            .is_some_and(|(_, w)| w.as_str() == Some("manual"))
            || self.lookup(&chain, "rules").is_some_and(|(_, rules)| {
                rules
                    .items()
                    .any(|r| r.get("when").and_then(|w| w.as_str()) == Some("manual"))
            });
        let calls = self
            .lookup(&chain, "trigger")
            .and_then(|(source, t)| self.trigger(source, t, top, files, out, child_depth));
        Job {
            system: CiSystem::GitLabCi,
            source: first.source,
            header,
            name: name.to_string(),
            pipeline: pipeline.to_string(),
            runner,
            environment,
            steps,
            images,
            calls,
            needs: super::needs(self.lookup(&chain, "needs").map(|(_, n)| n)),
            manual,
            incomplete: missing,
        }
    }

    /// The environment's name, unless its `action` is one that deploys nothing (`prepare`,
    /// `verify`, `access`).
    fn environment(&self, chain: &[Def<'a>]) -> Option<At<String>> {
        let mut name: Option<At<String>> = None;
        let mut action: Option<String> = None;
        for d in chain {
            let Some(env) = d.map.get("environment") else {
                continue;
            };
            if !env.is_map() {
                if name.is_none() {
                    name = env.scalar_text().map(|t| at(d.source, &env, t));
                }
                break;
            }
            if name.is_none()
                && let Some(n) = env.get("name")
            {
                name = n.scalar_text().map(|t| at(d.source, &n, t));
            }
            if action.is_none() {
                action = env.get("action").and_then(|a| a.scalar_text());
            }
        }
        if matches!(action.as_deref(), Some("prepare" | "verify" | "access")) {
            return None;
        }
        name.filter(|n| !n.value.is_empty())
    }

    /// Script lines, with nested lists flattened and `!reference [job, key]` resolved.
    fn script_lines(
        &self,
        source: SourceId,
        v: Val<'a>,
        depth: usize,
        budget: &mut usize,
        steps: &mut Vec<Step>,
        out: &mut Out,
    ) {
        if steps.len() > MAX_STEPS || *budget == 0 {
            return;
        }
        *budget -= 1;
        match v.kind() {
            NodeKind::Seq(_) => {
                if is_reference(&v) {
                    if depth >= MAX_REFERENCE_DEPTH {
                        out.issue(
                            "INPUT001",
                            source,
                            v.span(),
                            format!("`!reference` is nested more than {MAX_REFERENCE_DEPTH} levels deep (GitLab's limit)"),
                            "fix the references; GitLab refuses such a configuration",
                        );
                        return;
                    }
                    let path: Vec<String> = v.items().filter_map(|i| i.scalar_text()).collect();
                    if let Some((job, keys)) = path.split_first() {
                        let (chain, _) = self.chain(job, out);
                        let mut found = chain
                            .iter()
                            .find_map(|d| d.map.get(keys.first()?).map(|x| (d.source, x)));
                        for k in keys.iter().skip(1) {
                            found = found.and_then(|(s, x)| x.get(k).map(|y| (s, y)));
                        }
                        if let Some((s, x)) = found {
                            self.script_lines(s, x, depth + 1, budget, steps, out);
                        }
                    }
                    return;
                }
                for item in v.items() {
                    self.script_lines(source, item, depth, budget, steps, out);
                }
            }
            NodeKind::Map(_) => {}
            _ => {
                if let Some(t) = v.scalar_text().filter(|t| !t.is_empty()) {
                    steps.push(Step::Run(at(source, &v, t)));
                }
            }
        }
    }

    /// What a `trigger:` starts: a child pipeline read from a local file (its jobs are read
    /// too), or a downstream project (not read).
    fn trigger(
        &self,
        source: SourceId,
        t: Val<'a>,
        top: &Path,
        files: &Files,
        out: &mut Out,
        child_depth: usize,
    ) -> Option<Call> {
        let project = if t.is_map() {
            t.get("project")
        } else {
            Some(t)
        };
        if let Some(p) = project
            && let Some(name) = p.scalar_text()
        {
            out.remote(
                source,
                p.field_span(),
                "downstream project",
                &name,
                "the pipeline it triggers is not read; scan that project too",
            );
            return Some(Call::Remote(at(source, &p, name)));
        }
        let include = t.get("include")?;
        let (path, at_v) = match include.kind() {
            NodeKind::Seq(_) => {
                let first = include.items().next()?;
                let local = first
                    .get("local")
                    .or_else(|| first.scalar_text().map(|_| first))?;
                (local.scalar_text()?, local)
            }
            _ => (include.scalar_text()?, include),
        };
        let rel = path.trim_start_matches('/').to_string();
        let file = files.get(&top.join(&rel));
        if let Some(file) = file {
            if child_depth < MAX_CHILD_DEPTH && out.first_read(&file.path) {
                let pipeline = out.shown(file.source);
                read_pipeline(file, files, &pipeline, top, out, child_depth + 1);
            }
        } else {
            out.missing(
                source,
                at_v.field_span(),
                "child pipeline",
                &path,
                "no such file is in the scanned paths; its jobs are not judged",
            );
        }
        Some(Call::Local {
            path: at(source, &at_v, rel),
            found: file.is_some(),
        })
    }
}

/// Tags that name one `parallel: matrix:` variable (`$PLATFORM`, `${PLATFORM}`), one runner
/// set per value it takes in the matrix (each with the span of that value in `source`, the
/// file the matrix is written in). `None` when a tag
/// uses another variable, or an entry of the matrix does not set it (it then comes from
/// elsewhere), or there are more than [`super::MAX_MATRIX`] values.
fn matrix_tags(source: SourceId, tags: &[String], matrix: Val<'_>) -> Option<Vec<RunnerSet>> {
    let var_of = |t: &str| -> Option<String> {
        let name = t.strip_prefix('$')?;
        let name = name
            .strip_prefix('{')
            .and_then(|n| n.strip_suffix('}'))
            .unwrap_or(name);
        (!name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'))
            .then(|| name.to_string())
    };
    let mut var: Option<String> = None;
    for t in tags.iter().filter(|t| t.contains('$')) {
        let v = var_of(t)?;
        if var.as_ref().is_some_and(|seen| *seen != v) {
            return None;
        }
        var = Some(v);
    }
    let var = var?;
    let mut values: Vec<(String, Span)> = Vec::new();
    for entry in matrix.items() {
        let v = entry.get(&var)?;
        let items = super::one_or_many(v);
        for item in items {
            let value = item.scalar_text()?;
            if value.contains('$') {
                return None;
            }
            if !values.iter().any(|(seen, _)| *seen == value) {
                values.push((value, item.span()));
            }
        }
        if values.len() > super::MAX_MATRIX {
            return None;
        }
    }
    if values.is_empty() {
        return None;
    }
    Some(
        values
            .into_iter()
            .map(|(value, span)| RunnerSet {
                labels: tags
                    .iter()
                    .map(|t| {
                        if t.contains('$') {
                            value.clone()
                        } else {
                            t.clone()
                        }
                    })
                    .collect(),
                group: None,
                source,
                span,
            })
            .collect(),
    )
}

/// `true` for a sequence written with the `!reference` tag (the tag is not kept in the tree:
/// it is read from the text just before the sequence).
fn is_reference(v: &Val<'_>) -> bool {
    let start = v.span().start;
    v.text_before(start).trim_end().ends_with("!reference")
        || v.text_before(start + "!reference".len())
            .get(start..)
            .is_some_and(|t| t == "!reference")
}

/// `tags:` as a runner set; a tag holding a variable makes it unknown.
fn runner(source: SourceId, tags: &Val<'_>, matrix: Option<(SourceId, Val<'_>)>) -> Runner {
    let labels: Vec<String> = match tags.kind() {
        NodeKind::Seq(_) => tags.items().filter_map(|t| t.scalar_text()).collect(),
        NodeKind::Null => Vec::new(),
        _ => tags.scalar_text().into_iter().collect(),
    };
    if let Some(var) = labels.iter().find(|t| t.contains('$')) {
        if let Some(sets) = matrix.and_then(|(at, m)| matrix_tags(at, &labels, m)) {
            return Runner::Labels(sets);
        }
        return Runner::Unknown(At {
            value: format!("the tag `{var}` is a variable, known only when the pipeline runs"),
            source,
            span: tags.line_field_span(),
        });
    }
    if labels.is_empty() {
        return Runner::Default;
    }
    Runner::Labels(vec![RunnerSet {
        labels,
        group: None,
        source,
        span: tags.line_field_span(),
    }])
}
