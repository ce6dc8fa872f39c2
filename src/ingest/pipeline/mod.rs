//! CI pipelines: GitHub Actions workflows and GitLab CI configurations, read into jobs.
//!
//! Which files are pipelines is decided by their path ([`system_of`]); they are parsed as YAML
//! with the other files, in parallel, and turned into jobs once every file is read, because a
//! pipeline may use others (a reusable workflow, a GitLab `include:`). Nothing is fetched:
//! remote workflows, projects and includes are reported as not resolved (INPUT005).

pub mod github;
pub mod gitlab;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::discover::normalize;
use crate::finding::InputIssue;
use crate::ingest::yaml::Document;
use crate::model::pipeline::{At, CiSystem, Job};
use crate::model::{Entry, FastMap, Model, SourceFile, SourceId, Sources, Span, Val};

/// Most jobs read from one pipeline (with its includes); the rest are reported and left out.
pub const MAX_JOBS: usize = 5_000;
/// Most steps or script lines read per job.
pub const MAX_STEPS: usize = 2_000;
/// Most runner selections one job's matrix expands to (GitHub's own limit per matrix).
pub const MAX_MATRIX: usize = 256;

/// The CI system a file configures, by its path: `.github/workflows/*.yml|yaml` (GitHub reads
/// no subdirectory there) and `.gitlab-ci.yml|yaml`.
pub fn system_of(path: &Path) -> Option<CiSystem> {
    let name = path.file_name()?.to_str()?;
    if name == ".gitlab-ci.yml" || name == ".gitlab-ci.yaml" {
        return Some(CiSystem::GitLabCi);
    }
    let yaml = name.ends_with(".yml") || name.ends_with(".yaml");
    let dir = path.parent()?;
    let in_workflows = dir.file_name().is_some_and(|n| n == "workflows")
        && dir
            .parent()
            .and_then(|p| p.file_name())
            .is_some_and(|n| n == ".github");
    (yaml && in_workflows).then_some(CiSystem::GitHubActions)
}

/// A YAML file of the scan that may be (part of) a pipeline.
pub struct YamlFile {
    pub path: PathBuf,
    pub source: SourceId,
    pub documents: Vec<Document>,
}

/// The YAML files of the scan that hold no Kubernetes object, by normalised path: pipelines
/// and the files they may use.
pub struct Files {
    files: Vec<YamlFile>,
    by_path: FastMap<PathBuf, usize>,
}

impl Files {
    pub fn new(files: Vec<YamlFile>) -> Files {
        let by_path = files
            .iter()
            .enumerate()
            .map(|(i, f)| (normalize(&f.path), i))
            .collect();
        Files { files, by_path }
    }

    pub fn get(&self, path: &Path) -> Option<&YamlFile> {
        self.by_path.get(&normalize(path)).map(|&i| &self.files[i])
    }

    /// Files whose path, relative to `root`, matches `pattern` (`*` within a directory, `**`
    /// across them), sorted.
    pub fn matching(&self, root: &Path, pattern: &str) -> Vec<&YamlFile> {
        let Some(re) = glob_regex(pattern) else {
            return Vec::new();
        };
        let mut out: Vec<&YamlFile> = self
            .files
            .iter()
            .filter(|f| {
                f.path
                    .strip_prefix(root)
                    .is_ok_and(|rel| re.is_match(&rel.to_string_lossy().replace('\\', "/")))
            })
            .collect();
        out.sort_by(|a, b| a.path.cmp(&b.path));
        out
    }
}

fn glob_regex(pattern: &str) -> Option<regex::Regex> {
    let mut re = String::from("^");
    let mut chars = pattern.trim_start_matches('/').chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '*' if chars.peek() == Some(&'*') => {
                chars.next();
                re.push_str(".*");
            }
            '*' => re.push_str("[^/]*"),
            c => re.push_str(&regex::escape(&c.to_string())),
        }
    }
    re.push('$');
    regex::Regex::new(&re).ok()
}

/// Turns every pipeline file among `files` into jobs (in path order), with the problems met.
pub fn jobs(files: &Files, sources: &Sources) -> (Vec<Job>, Vec<InputIssue>) {
    let mut out = Out {
        shown_as: files
            .files
            .iter()
            .map(|f| (f.source, sources.get(f.source).path.clone()))
            .collect(),
        ..Out::default()
    };
    let mut pipelines: Vec<&YamlFile> = files
        .files
        .iter()
        .filter(|f| system_of(&f.path).is_some())
        .collect();
    pipelines.sort_by(|a, b| a.path.cmp(&b.path));
    for f in pipelines {
        let pipeline = sources.get(f.source).path.clone();
        match system_of(&f.path) {
            Some(CiSystem::GitHubActions) => github::read(f, files, &pipeline, &mut out),
            Some(CiSystem::GitLabCi) => gitlab::read(f, files, &pipeline, &mut out),
            None => {}
        }
    }
    (out.jobs, out.issues)
}

/// Reads pipelines from files given as `(path, text)`, without the filesystem: each file is
/// parsed as a scan parses a YAML file and added to `model`'s sources (its documents kept
/// unless it holds Kubernetes objects, as in a scan), then every pipeline among them is
/// turned into jobs, which are added to `model`. Returns the problems met. For the `pipeline`
/// fuzz target and tests; a scan reads its files in [`crate::ingest::ingest`].
pub fn read_texts(model: &mut Model, texts: &[(&str, &str)]) -> Vec<InputIssue> {
    let mut files = Vec::new();
    for &(path, text) in texts {
        let file = SourceFile::new(path.to_string(), Arc::from(text));
        let parsed = crate::ingest::yaml::parse(&file);
        let source = model.sources.add(file);
        let path = PathBuf::from(path);
        let (_, documents) = crate::ingest::yaml_contents(&path, parsed.documents, source);
        if !documents.is_empty() {
            files.push(YamlFile {
                path,
                source,
                documents,
            });
        }
    }
    let (jobs, issues) = self::jobs(&Files::new(files), &model.sources);
    model
        .entries
        .extend(jobs.into_iter().map(|j| Entry::Job(Box::new(j))));
    issues
}

/// What reading pipelines produced.
#[derive(Default)]
pub struct Out {
    pub jobs: Vec<Job>,
    pub issues: Vec<InputIssue>,
    /// Sources already reported as not read (once each).
    not_read_reported: BTreeSet<String>,
    /// Child pipeline files already read (a file several jobs trigger is read once).
    children_read: BTreeSet<PathBuf>,
    /// How each file is shown (its path as the scan displays it).
    shown_as: FastMap<SourceId, String>,
    /// The issues recorded at each place (indexes into `issues`), so that recording one is
    /// not a scan of all the others (a configuration of thousands of jobs may have as many).
    placed: FastMap<(SourceId, Span), Vec<usize>>,
}

impl Out {
    /// The path of `source` as the scan shows it.
    pub fn shown(&self, source: SourceId) -> String {
        self.shown_as.get(&source).cloned().unwrap_or_default()
    }

    /// Whether the child pipeline file at `path` is to be read: the first time only.
    pub fn first_read(&mut self, path: &Path) -> bool {
        self.children_read.insert(path.to_path_buf())
    }

    /// Records a problem, once per place and message (a job's `extends` chain is followed
    /// for every job that uses it).
    pub fn issue(
        &mut self,
        rule: &'static str,
        source: SourceId,
        span: Span,
        message: String,
        help: &str,
    ) {
        let here = self.placed.entry((source, span)).or_default();
        if here.iter().any(|&i| self.issues[i].message == message) {
            return;
        }
        here.push(self.issues.len());
        self.issues.push(InputIssue {
            rule,
            source,
            span,
            message,
            help: help.to_string(),
        });
    }

    /// INPUT005 for a remote workflow or include, once per distinct source.
    pub fn remote(&mut self, source: SourceId, span: Span, what: &str, target: &str, help: &str) {
        let message = format!("{what} `{target}` is not read: spoflint never fetches anything");
        self.not_read(source, span, target, message, help);
    }

    /// INPUT005 for a local workflow, include or action that is not in the scanned paths,
    /// once per distinct path.
    pub fn missing(&mut self, source: SourceId, span: Span, what: &str, target: &str, help: &str) {
        let message = format!("{what} `{target}` is not read: it is not in the scanned paths");
        self.not_read(source, span, target, message, help);
    }

    /// INPUT005 with its own message, once per distinct `target`.
    pub fn not_read(
        &mut self,
        source: SourceId,
        span: Span,
        target: &str,
        message: String,
        help: &str,
    ) {
        if self.not_read_reported.insert(target.to_string()) {
            self.issue("INPUT005", source, span, message, help);
        }
    }
}

/// A value and the span of the field that holds it.
pub fn at(source: SourceId, v: &Val<'_>, value: String) -> At<String> {
    At {
        value,
        source,
        span: v.field_span(),
    }
}

/// An image reference written at `v`, unless it is empty (a variable or an expression is
/// kept: facts tell it is not known statically).
pub fn image_at(source: SourceId, v: &Val<'_>, image: &str) -> Option<At<String>> {
    (!image.trim().is_empty()).then(|| at(source, v, image.to_string()))
}

/// The image of a field written as a string or as a mapping holding it under `key`
/// (GitHub `container: {image: ...}`, GitLab `image: {name: ...}`).
pub fn image_in(source: SourceId, v: Val<'_>, key: &str) -> Option<At<String>> {
    let image = if v.is_map() { v.get(key)? } else { v };
    image_at(source, &image, &image.scalar_text()?)
}

/// The items of a value written as one item or as a list of them (`extends: .a` or
/// `extends: [.a, .b]`).
pub fn one_or_many(v: Val<'_>) -> Vec<Val<'_>> {
    match v.kind() {
        crate::model::NodeKind::Seq(_) => v.items().collect(),
        _ => vec![v],
    }
}

/// The job names of a `needs:` value: a name, a list of names, or (GitLab) a list of
/// `{job: name}` mappings; names of other pipelines or projects (`{pipeline: ...}`,
/// `{project: ...}`) are left out.
pub fn needs(v: Option<Val<'_>>) -> Vec<String> {
    let Some(v) = v else {
        return Vec::new();
    };
    one_or_many(v)
        .iter()
        .filter_map(|i| {
            if i.is_map() {
                (i.get("project").is_none() && i.get("pipeline").is_none())
                    .then(|| i.get("job").and_then(|j| j.scalar_text()))
                    .flatten()
            } else {
                i.scalar_text()
            }
        })
        .filter(|n| !n.is_empty())
        .collect()
}

/// `true` when `s` holds a GitHub expression (`${{ ... }}`).
pub fn has_expression(s: &str) -> bool {
    s.contains("${{")
}

/// The directory a repository-relative path starts from, for a pipeline file at `file`:
/// `.github/workflows/x.yml` → the directory holding `.github`; `.gitlab-ci.yml` → its own.
pub fn repository_top(file: &Path, system: CiSystem) -> PathBuf {
    let levels = match system {
        CiSystem::GitHubActions => 3,
        CiSystem::GitLabCi => 1,
    };
    let mut p = file.to_path_buf();
    for _ in 0..levels {
        p = p.parent().map(Path::to_path_buf).unwrap_or_default();
    }
    p
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn systems_by_path() {
        let s = |p: &str| system_of(Path::new(p));
        assert_eq!(s(".github/workflows/ci.yml"), Some(CiSystem::GitHubActions));
        assert_eq!(
            s("repo/.github/workflows/d.yaml"),
            Some(CiSystem::GitHubActions)
        );
        assert_eq!(s(".github/workflows/sub/ci.yml"), None);
        assert_eq!(s(".github/dependabot.yml"), None);
        assert_eq!(s("workflows/ci.yml"), None);
        assert_eq!(s(".gitlab-ci.yml"), Some(CiSystem::GitLabCi));
        assert_eq!(s("ci/.gitlab-ci.yaml"), Some(CiSystem::GitLabCi));
        assert_eq!(s("gitlab-ci.yml"), None);
    }

    /// Jobs read from text: tag, image and script from the right level of a configuration
    /// over three files, a job brought in by a top-level merge key, in order of first
    /// appearance from the lowest-priority file up.
    #[test]
    fn gitlab_from_texts() {
        let main = "include:
  - local: ci/a.yml
  - local: ci/b.yml
image: old-top:1
default:
  tags: [main-tag]
job-b:
  script: [echo main]
.tpl: &tpl
  merged-job:
    script: [echo merged]
<<: *tpl
";
        let a = ".base:
  tags: [a-tag]
  script: [kubectl apply -f a]
job-a:
  extends: .base
job-b:
  script: [echo a]
";
        let b = "job-b:
  extends: .base
  environment: production
job-c:
  script:
    - !reference [.base, script]
";
        let mut model = Model::default();
        let issues = read_texts(
            &mut model,
            &[
                ("r/.gitlab-ci.yml", main),
                ("r/ci/a.yml", a),
                ("r/ci/b.yml", b),
            ],
        );
        assert!(issues.is_empty(), "{:?}", issues.iter().map(|i| &i.message));
        let jobs: Vec<&Job> = model.jobs().map(|(_, j)| j).collect();
        let names: Vec<&str> = jobs.iter().map(|j| j.name.as_str()).collect();
        assert_eq!(names, ["job-a", "job-b", "job-c", "merged-job"]);
        let tags = |j: &Job| match &j.runner {
            crate::model::pipeline::Runner::Labels(sets) => sets[0].labels.join(","),
            other => format!("{other:?}"),
        };
        let steps = |j: &Job| -> Vec<String> {
            j.steps
                .iter()
                .map(|s| match s {
                    crate::model::pipeline::Step::Run(r) => r.value.clone(),
                    crate::model::pipeline::Step::Action(a) => a.value.clone(),
                })
                .collect()
        };
        let images =
            |j: &Job| -> Vec<String> { j.images.iter().map(|i| i.value.clone()).collect() };
        assert_eq!(tags(jobs[0]), "a-tag");
        assert_eq!(steps(jobs[0]), ["kubectl apply -f a"]);
        assert_eq!(tags(jobs[1]), "a-tag");
        assert_eq!(steps(jobs[1]), ["echo main"]);
        assert_eq!(jobs[1].environment.as_ref().unwrap().value, "production");
        assert_eq!(images(jobs[1]), ["old-top:1"]);
        assert_eq!(tags(jobs[2]), "main-tag");
        assert_eq!(steps(jobs[2]), ["kubectl apply -f a"]);
        assert_eq!(steps(jobs[3]), ["echo merged"]);
    }

    /// A configuration of more jobs than are read, each extending a hidden job of an include
    /// or one that does not exist: every top-level lookup was a scan of the file's keys, and
    /// recording a problem a scan of the others (the release binary took 5.6 s to check such
    /// a configuration, 0.3 s since).
    #[test]
    fn local_files_not_in_the_scan_are_reported_once_as_such() {
        let workflow = "on: push\njobs:\n  a:\n    uses: ./.github/workflows/gone.yml\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: ./.github/actions/gone\n      - uses: ./.github/actions/gone\n  c:\n    uses: org/repo/.github/workflows/x.yml@v1\n";
        let mut model = Model::default();
        let issues = read_texts(&mut model, &[("r/.github/workflows/ci.yml", workflow)]);
        let messages: Vec<&str> = issues.iter().map(|i| i.message.as_str()).collect();
        assert_eq!(
            messages,
            [
                "local reusable workflow `./.github/workflows/gone.yml` is not read: it is not in the scanned paths",
                "local action `./.github/actions/gone` is not read: it is not in the scanned paths",
                "reusable workflow `org/repo/.github/workflows/x.yml@v1` is not read: spoflint never fetches anything",
            ]
        );
    }

    #[test]
    fn needs_of_both_systems() {
        let workflow = "on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n  b:\n    needs: a\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n  c:\n    needs: [a, b]\n    runs-on: ubuntu-latest\n    steps: [{run: make}]\n";
        let gitlab = ".base:\n  needs: [build]\nbuild:\n  script: [make]\ndeploy:\n  extends: .base\n  script: [make]\nlate:\n  needs:\n    - job: build\n      artifacts: true\n    - project: other/app\n      job: x\n      ref: main\n  script: [make]\n";
        let mut model = Model::default();
        let issues = read_texts(
            &mut model,
            &[
                ("r/.github/workflows/ci.yml", workflow),
                ("g/.gitlab-ci.yml", gitlab),
            ],
        );
        assert!(issues.is_empty(), "{:?}", issues.iter().map(|i| &i.message));
        let needs: Vec<(&str, Vec<&str>)> = model
            .jobs()
            .map(|(_, j)| {
                (
                    j.name.as_str(),
                    j.needs.iter().map(String::as_str).collect(),
                )
            })
            .collect();
        assert_eq!(
            needs,
            [
                ("build", vec![]),
                ("deploy", vec!["build"]),
                ("late", vec!["build"]),
                ("a", vec![]),
                ("b", vec!["a"]),
                ("c", vec!["a", "b"]),
            ]
        );
    }

    #[test]
    fn a_child_pipeline_is_read_once() {
        let main = "a:\n  trigger:\n    include: ci/child.yml\nb:\n  trigger:\n    include: /ci/child.yml\n";
        let child = "deploy:\n  script: [helm upgrade --install app ./chart]\nagain:\n  trigger:\n    include: .gitlab-ci.yml\n";
        let mut model = Model::default();
        let issues = read_texts(
            &mut model,
            &[("r/.gitlab-ci.yml", main), ("r/ci/child.yml", child)],
        );
        assert!(issues.is_empty(), "{:?}", issues.iter().map(|i| &i.message));
        let jobs: Vec<(&str, &str)> = model
            .jobs()
            .map(|(_, j)| (j.name.as_str(), j.pipeline.as_str()))
            .collect();
        assert_eq!(
            jobs,
            // The child's jobs are read while `a`, the first job triggering it, is.
            [
                ("deploy", "r/ci/child.yml"),
                ("again", "r/ci/child.yml"),
                ("a", "r/.gitlab-ci.yml"),
                ("b", "r/.gitlab-ci.yml"),
            ]
        );
    }

    #[test]
    fn gitlab_with_thousands_of_jobs() {
        let mut main = String::from("include: ci/base.yml\n");
        for i in 0..=MAX_JOBS {
            let parent = if i % 2 == 0 { ".deploy" } else { ".missing" };
            main.push_str(&format!(
                "job-{i}:\n  extends: {parent}-{}\n  script: [echo {i}]\n",
                i % 2
            ));
        }
        let base = ".deploy-0:\n  tags: [deploy]\n  environment: production\n";
        let mut model = Model::default();
        let started = std::time::Instant::now();
        let issues = read_texts(
            &mut model,
            &[("r/.gitlab-ci.yml", &main), ("r/ci/base.yml", base)],
        );
        let took = started.elapsed();
        assert_eq!(model.jobs().count(), MAX_JOBS);
        assert_eq!(
            model
                .jobs()
                .filter(|(_, j)| j.environment.is_some())
                .count(),
            MAX_JOBS / 2
        );
        // One per job extending `.missing-1`, and one for the jobs past the limit.
        assert_eq!(issues.len(), MAX_JOBS / 2 + 1);
        // A debug build, on a loaded machine.
        assert!(took.as_secs() < 30, "{took:?}");
    }

    #[test]
    fn globs() {
        let re = glob_regex("/ci/*.yml").unwrap();
        assert!(re.is_match("ci/a.yml"));
        assert!(!re.is_match("ci/x/a.yml"));
        let re = glob_regex("ci/**.yml").unwrap();
        assert!(re.is_match("ci/x/a.yml"));
    }
}
