//! CI pipeline jobs (GitHub Actions, GitLab CI): what a job runs on, what it runs, and where
//! each of those is written. What the job *means* (does it deploy? on which runner pool?)
//! is decided by facts.

use super::source::{Label, SourceId, Span};

/// A CI system whose pipelines spoflint reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum CiSystem {
    GitHubActions,
    GitLabCi,
}

impl CiSystem {
    /// How findings and reports name it.
    pub fn name(self) -> &'static str {
        match self {
            CiSystem::GitHubActions => "GitHub Actions",
            CiSystem::GitLabCi => "GitLab CI",
        }
    }

    /// The git host its pipelines run from, when the system names one: `github.com` for
    /// GitHub Actions (a GitLab instance is not named in `.gitlab-ci.yml`).
    pub fn git_host(self) -> Option<&'static str> {
        match self {
            CiSystem::GitHubActions => Some("github.com"),
            CiSystem::GitLabCi => None,
        }
    }

    /// A short stable key (identities, JSON).
    pub fn key(self) -> &'static str {
        match self {
            CiSystem::GitHubActions => "github-actions",
            CiSystem::GitLabCi => "gitlab-ci",
        }
    }
}

/// A value and where it is written (the field, or the key of the entry holding it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct At<T> {
    pub value: T,
    pub source: SourceId,
    pub span: Span,
}

impl<T> At<T> {
    pub fn label(&self, text: impl Into<String>) -> Label {
        Label::new(self.source, self.span, text)
    }
}

/// The runners a job may run on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Runner {
    /// No runner selection: GitLab's shared (instance) runners, or a reusable workflow call
    /// (its jobs choose their own runners).
    Default,
    /// Runners carrying every label (GitHub `runs-on`) or tag (GitLab `tags`) of one of these
    /// sets: one set per matrix combination; a GitHub runner group when one is named.
    Labels(Vec<RunnerSet>),
    /// The selection is an expression or variable spoflint cannot resolve.
    Unknown(At<String>),
}

/// One set of labels a runner must all carry, and the runner group it must belong to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunnerSet {
    pub labels: Vec<String>,
    pub group: Option<String>,
    /// Where the selection is written (`runs-on: ...`, `tags: [...]`, the matrix value).
    pub source: SourceId,
    pub span: Span,
}

/// One thing a job does.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A shell command (`run:`, a `script:` line).
    Run(At<String>),
    /// A GitHub action (`uses: owner/repo@ref`).
    Action(At<String>),
}

/// An action's `owner/repo[/path]` from a `uses:` value, lower case, without its `@ref`.
pub fn action_name(uses: &str) -> String {
    uses.split('@').next().unwrap_or("").to_ascii_lowercase()
}

/// What a job hands the work to instead of running it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// A reusable workflow in the same repository (GitHub) or a child pipeline file (GitLab),
    /// as a path from the repository's top; the jobs found there.
    Local { path: At<String>, found: bool },
    /// A workflow or pipeline elsewhere (another repository, project or remote URL): not read.
    Remote(At<String>),
}

/// A CI job.
#[derive(Clone, Debug)]
pub struct Job {
    pub system: CiSystem,
    /// The file the job is defined in (its highest-priority definition for GitLab).
    pub source: SourceId,
    /// The job's key.
    pub header: Span,
    /// The job's id (`deploy`, `deploy:prod`).
    pub name: String,
    /// The pipeline it belongs to: the workflow's `name:` or its file, the GitLab file.
    pub pipeline: String,
    pub runner: Runner,
    /// `environment:` (its name).
    pub environment: Option<At<String>>,
    /// Steps and script lines, in order.
    pub steps: Vec<Step>,
    /// Container images the job runs in or next to (`container`, `services`, `image`), as
    /// written (variables and expressions included).
    pub images: Vec<At<String>>,
    /// A reusable workflow, child pipeline or downstream project it starts.
    pub calls: Option<Call>,
    /// The jobs it waits for (`needs:`), by name.
    pub needs: Vec<String>,
    /// Runs only when a person starts it (`when: manual`).
    pub manual: bool,
    /// A job it extends that spoflint does not see (defined in an include it does not read):
    /// the keys not found are unknown, not absent.
    pub incomplete: Option<At<String>>,
}

impl Job {
    /// `job deploy`, as findings name a job.
    pub fn display(&self) -> String {
        format!("job `{}`", self.name)
    }
}
