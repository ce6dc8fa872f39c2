//! spoflint: finds single points of failure in infrastructure manifests.
//!
//! The module tree follows the data flow:
//! [`discover`] → [`ingest`] → [`model`] → [`facts`] → [`system`] → [`rules`] → [`report`].

pub mod config;
pub mod discover;
pub mod facts;
pub mod finding;
#[doc(hidden)]
pub mod fuzzing;
pub mod guard;
pub mod ingest;
pub mod model;
pub mod policy;
pub mod report;
pub mod rules;
pub mod scaffold;
pub mod suppress;
pub mod system;

use std::path::PathBuf;

use facts::Facts;
use finding::Finding;
use model::Model;

/// The result of one scan.
pub struct Scan {
    pub model: Model,
    pub facts: Facts,
    /// The system view: dependency graph, scenarios, estimate.
    pub system: system::System,
    pub findings: Vec<Finding>,
    /// Files (and charts) read.
    pub files: usize,
    /// Findings left out because a baseline already knows them.
    pub baselined: usize,
    /// Layers with warning or error findings that a baseline or `--changed-only` left out:
    /// their verdict is "no new findings", not "pass".
    pub filtered_failing: std::collections::BTreeSet<finding::Layer>,
    /// Bugs met during the scan (INPUT007 findings, counted before any configuration or
    /// baseline hides them): the scan is incomplete, and `check` exits with 1.
    pub internal_errors: usize,
    /// The configuration file the scan used.
    pub config: Option<PathBuf>,
    /// What `.gitignore` files and the configuration's `exclude` left out.
    pub ignored: Vec<discover::Ignored>,
    /// The rules the scan ran: the built-in catalogue and the user policies, in (layer, id)
    /// order.
    pub rules: Vec<&'static rules::RuleMeta>,
}

impl Scan {
    /// Findings that are not suppressed by a `spoflint:ignore` comment.
    pub fn open_findings(&self) -> impl Iterator<Item = &finding::Finding> + Clone {
        self.findings.iter().filter(|f| f.suppressed.is_none())
    }

    /// Keeps only the findings located in `files` (their main location, or a related one such
    /// as the values line that set a chart's field), and those about objects a kustomization
    /// built from one of them. Paths compare as absolute, normalised; a
    /// file inside a given path counts too (a template inside a changed `.tgz` subchart).
    pub fn retain_in(&mut self, files: &[PathBuf]) {
        let cwd = std::env::current_dir().unwrap_or_default();
        let abs = |p: &std::path::Path| discover::normalize(&cwd.join(p));
        let scope: std::collections::HashSet<PathBuf> = files.iter().map(|p| abs(p)).collect();
        let in_scope = |source: model::SourceId| {
            let path = abs(std::path::Path::new(&self.model.sources.get(source).path));
            path.ancestors().any(|a| scope.contains(a))
        };
        // An object a kustomization built changes with any file its build read.
        let build_in_scope = |f: &finding::Finding| {
            let Some(model::Entry::Kubernetes(r)) = f.resource.map(|id| self.model.get(id)) else {
                return false;
            };
            r.built_by.as_ref().is_some_and(|root| {
                self.model.built.reads(root).iter().any(|p| {
                    abs(std::path::Path::new(p))
                        .ancestors()
                        .any(|a| scope.contains(a))
                })
            })
        };
        let keep: Vec<bool> = self
            .findings
            .iter()
            .map(|f| {
                in_scope(f.primary.source)
                    || f.secondary.iter().any(|l| in_scope(l.source))
                    || build_in_scope(f)
            })
            .collect();
        self.drop_findings(&keep);
    }

    /// Drops the findings whose `keep` is false, remembering the layers that lose a failing
    /// finding by it.
    fn drop_findings(&mut self, keep: &[bool]) {
        for (f, &k) in self.findings.iter().zip(keep) {
            if !k && f.suppressed.is_none() && f.severity >= finding::Severity::Warning {
                self.filtered_failing.insert(f.layer);
            }
        }
        let mut keep = keep.iter();
        self.findings
            .retain(|_| keep.next().copied().unwrap_or(true));
    }

    /// The baseline file for this scan's open findings: their fingerprints (stable across
    /// line shifts), with rule, file and message for people reading it.
    pub fn baseline(&self) -> String {
        let prints = finding::fingerprints(&self.findings, &self.model);
        let entries: Vec<serde_json::Value> = self
            .findings
            .iter()
            .zip(&prints)
            .filter(|(f, _)| f.suppressed.is_none())
            .map(|(f, p)| {
                serde_json::json!({
                    "fingerprint": p,
                    "rule": f.rule,
                    "file": self.model.sources.get(f.primary.source).path,
                    "message": f.message,
                })
            })
            .collect();
        let doc = serde_json::json!({
            "version": 1,
            "tool": "spoflint",
            "findings": entries,
        });
        let mut out = serde_json::to_string_pretty(&doc).unwrap_or_default();
        out.push('\n');
        out
    }

    /// Drops the findings a baseline (from [`Scan::baseline`]) already knows; returns how
    /// many were dropped. `Err` when the text is not a baseline.
    pub fn apply_baseline(&mut self, text: &str) -> Result<usize, String> {
        let doc: serde_json::Value =
            serde_json::from_str(text).map_err(|e| format!("not a spoflint baseline: {e}"))?;
        let known: std::collections::HashSet<&str> = doc
            .get("findings")
            .and_then(|f| f.as_array())
            .ok_or("not a spoflint baseline: no `findings` list")?
            .iter()
            .filter_map(|e| e.get("fingerprint")?.as_str())
            .collect();
        let prints = finding::fingerprints(&self.findings, &self.model);
        let before = self.findings.len();
        let keep: Vec<bool> = prints.iter().map(|p| !known.contains(p.as_str())).collect();
        self.drop_findings(&keep);
        let dropped = before - self.findings.len();
        self.baselined += dropped;
        Ok(dropped)
    }
}

/// The source that failures outside any one file (a rule, a report) are shown at.
pub const INTERNAL_SOURCE: &str = "<spoflint>";

/// Inputs that are not files to scan.
#[derive(Debug, Default, Clone)]
pub struct ScanOptions {
    /// Terraform `--var-file`s, applied to every root module, in order.
    pub var_files: Vec<PathBuf>,
    /// Terraform `--var name=value`s, applied after the var files.
    pub vars: Vec<(String, String)>,
    /// How Helm charts are rendered (values, `--set`, capabilities).
    pub helm: ingest::helm::HelmOptions,
    /// The configuration file's rule, layer and exclude settings (its Terraform and Helm
    /// inputs are merged into the fields above by the caller).
    pub config: config::Config,
    /// User policies (`policies:` and `--policy`), loaded.
    pub policies: std::sync::Arc<policy::Policies>,
}

/// The configuration's exclude patterns, anchored at its directory.
fn excludes(config: &config::Config) -> Option<discover::Excludes> {
    let base = config.path.as_ref()?.parent()?.to_path_buf();
    (!config.exclude.is_empty()).then(|| discover::Excludes {
        base,
        patterns: config.exclude.clone(),
    })
}

/// A usage error for the first of `files` (given with `flag`) that is not a regular file.
fn require_files(flag: &str, files: &[PathBuf]) -> Result<(), String> {
    for f in files {
        check_option_file(flag, f)?;
    }
    Ok(())
}

/// `Ok` when `path` (given with `flag`) is a regular file: a missing path, a directory, a FIFO
/// or a device (`/dev/zero`, which would never end) is a usage error that says which.
pub fn check_option_file(flag: &str, path: &std::path::Path) -> Result<(), String> {
    match std::fs::metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            Err(format!("{flag} {}: no such file", path.display()))
        }
        Err(e) => Err(format!("{flag} {}: {e}", path.display())),
        Ok(m) if m.is_dir() => Err(format!(
            "{flag} {}: a directory, not a file",
            path.display()
        )),
        Ok(m) if !m.is_file() => Err(format!(
            "{flag} {}: not a regular file (a device, FIFO or socket is never read)",
            path.display()
        )),
        Ok(_) => Ok(()),
    }
}

/// Reads an option file (`--config`, `--baseline`): a regular file of at most `limit` bytes.
pub fn read_option_file(flag: &str, path: &std::path::Path, limit: u64) -> Result<String, String> {
    use std::io::Read;
    check_option_file(flag, path)?;
    let mut text = String::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_string(&mut text))
        .map_err(|e| format!("{flag} {}: {e}", path.display()))?;
    if text.len() as u64 > limit {
        return Err(format!(
            "{flag} {}: larger than {} MiB",
            path.display(),
            limit >> 20
        ));
    }
    Ok(text)
}

/// Scans `paths` with default options.
pub fn scan(paths: &[PathBuf]) -> Result<Scan, String> {
    scan_with(paths, &ScanOptions::default())
}

/// Scans `paths`: discovers files, parses them in parallel, derives facts and runs every rule.
/// `Err` only for usage problems (a path that does not exist) or a broken rule catalogue;
/// problems with the scanned files are findings.
pub fn scan_with(paths: &[PathBuf], options: &ScanOptions) -> Result<Scan, String> {
    require_files("--var-file", &options.var_files)?;
    require_files("--values", &options.helm.values_files)?;
    let found = discover::discover(
        paths,
        &excludes(&options.config),
        options.config.path.as_deref(),
    )
    .map_err(|e| e.0)?;
    let (mut model, input) = ingest::ingest(&found, options);
    // A bug met in one stage costs that stage's part only; each failure is an INPUT007.
    let mut failures: Vec<(String, String, &str)> = Vec::new();
    let facts = guard::run(|| {
        guard::failpoint("facts", || "");
        Facts::derive_with(&model, &options.config.classify)
    })
    .unwrap_or_else(|panic| {
        failures.push((
            "deriving cross-resource facts".into(),
            panic,
            "only problems with the input files were reported",
        ));
        Facts::default()
    });
    // The configuration file is a source when its `system:` section names components, so a
    // name that matches nothing is reported at its line.
    let config_source = options.config.system.file.as_ref().map(|(path, text)| {
        model.option_sources += 1;
        model
            .sources
            .add(model::SourceFile::new(path.clone(), text.clone()))
    });
    let expect_region = options.config.expect == config::Expect::Region;
    let system = guard::run(|| {
        guard::failpoint("system", || "");
        let mut sys = system::build::build(&model, &facts, &options.config.system, expect_region);
        sys.config_source = config_source;
        sys
    })
    .unwrap_or_else(|panic| {
        failures.push((
            "building the system view (scenarios and estimates)".into(),
            panic,
            "the scenarios, the estimate and the SYSTEM rules are missing",
        ));
        system::System::default()
    });
    let params = config::params(&options.config);
    let run = rules::run(
        &model,
        &facts,
        &system,
        &input,
        &params,
        !failures.is_empty(),
    )?;
    let mut findings = run.findings;
    for (rule, panic) in run.failed {
        failures.push((
            format!("running rule {rule}"),
            panic,
            "its findings are missing",
        ));
    }
    if !options.policies.is_empty() {
        match guard::run(|| {
            run_policies(&options.policies, &mut model, &facts, !failures.is_empty())
        }) {
            Ok(found) => findings.extend(found),
            Err(panic) => failures.push((
                "evaluating the user policies".into(),
                panic,
                "the policies' findings are missing",
            )),
        }
    }
    if let Err(panic) = guard::run(|| rules::origins::locate_built(&mut findings, &model)) {
        failures.push((
            "tracing findings on kustomize builds to their files".into(),
            panic,
            "some findings point into a kustomize build's output",
        ));
    }
    if let Err(panic) = guard::run(|| rules::origins::annotate(&mut findings, &model)) {
        failures.push((
            "tracing findings to where their values were set".into(),
            panic,
            "some findings do not name where their value was set",
        ));
    }
    // Origins in files a build wrote itself (a chart's inline values) move to their lines too.
    if let Err(panic) = guard::run(|| rules::origins::locate_built(&mut findings, &model)) {
        failures.push((
            "tracing findings on kustomize builds to their files".into(),
            panic,
            "some findings point into a kustomize build's output",
        ));
    }
    let catalog = rules::catalog()?;
    let policy_ids: Vec<&str> = options.policies.rules.iter().map(|r| r.id).collect();
    if let Some(meta) = catalog.get("INPUT006")
        && let Err(panic) = guard::run(|| suppress::apply(&mut findings, &model, meta, &policy_ids))
    {
        failures.push((
            "matching `spoflint:ignore` comments".into(),
            panic,
            "some suppressed findings may be shown",
        ));
    }
    if !failures.is_empty()
        && let Some(meta) = catalog.get("INPUT007")
    {
        // Failures outside any one file are shown at `<spoflint>`.
        let source = model.sources.add(model::SourceFile::new(
            INTERNAL_SOURCE.to_string(),
            std::sync::Arc::from(""),
        ));
        model.option_sources += 1;
        for (what, panic, consequence) in failures {
            let issue =
                ingest::internal_error(source, model::Span::default(), &what, &panic, consequence);
            let mut f = meta.finding(finding::Label::new(source, issue.span, ""), issue.message);
            f.help = issue.help;
            findings.push(f);
        }
    }
    let internal_errors = findings.iter().filter(|f| f.rule == "INPUT007").count();
    config::apply(&options.config, &mut findings);
    finding::Finding::sort(&mut findings, &model);
    Ok(Scan {
        system,
        // Every file scanned (chart files included; option files and JSON files that are not
        // plans are not).
        files: model.sources.len() - model.option_sources,
        model,
        facts,
        findings,
        baselined: 0,
        filtered_failing: Default::default(),
        internal_errors,
        config: options.config.path.clone(),
        ignored: found.ignored,
        rules: options.policies.catalog()?,
    })
}

/// The findings of the user policies, and INPUT010 findings for the policy files that could
/// not be used and for the policies that failed or ran out of their bounds. The policy files
/// become sources of the model (so findings can point into them). With `input_only` (the facts
/// could not be derived), only the problems of the files are reported.
fn run_policies(
    policies: &policy::Policies,
    model: &mut Model,
    facts: &Facts,
    input_only: bool,
) -> Vec<Finding> {
    let sources: Vec<model::SourceId> = policies
        .files
        .iter()
        .map(|f| {
            model.option_sources += 1;
            model
                .sources
                .add(model::SourceFile::new(f.path.clone(), f.text.clone()))
        })
        .collect();
    let Some(meta) = rules::catalog().ok().and_then(|c| c.get("INPUT010")) else {
        return Vec::new();
    };
    let mut out: Vec<Finding> = policies
        .problems
        .iter()
        .map(|p| policy::eval::problem_finding(meta, policies, &sources, model, p, None))
        .collect();
    if input_only {
        return out;
    }
    let (found, problems) = policy::eval::run(policies, model, facts);
    out.extend(found);
    for (p, id) in &problems {
        out.push(policy::eval::problem_finding(
            meta,
            policies,
            &sources,
            model,
            p,
            Some(*id),
        ));
    }
    for f in &mut out {
        rules::label_caller(f, model);
    }
    out
}

/// Charts rendered by [`render`]: manifests (Helm template name, text) and the problems met,
/// as `file:line:col: message` lines.
pub struct Rendered {
    pub manifests: Vec<(String, String)>,
    pub problems: Vec<String>,
}

/// Builds the kustomizations and renders the Helm charts found under `paths`, as `kubectl
/// kustomize` and `helm template` would, without scanning.
pub fn render(paths: &[PathBuf], options: &ScanOptions) -> Result<Rendered, String> {
    require_files("--values", &options.helm.values_files)?;
    let found = discover::discover(
        paths,
        &excludes(&options.config),
        options.config.path.as_deref(),
    )
    .map_err(|e| e.0)?;
    let mut model = Model::default();
    let mut issues = Vec::new();
    let mut manifests: Vec<(String, String)> =
        ingest::render_kustomizations(&found, options, &mut model, &mut issues)
            .into_iter()
            .map(|(root, text)| (format!("{root}/kustomization.yaml (kustomize build)"), text))
            .collect();
    if found.charts.is_empty() && manifests.is_empty() {
        return Err(
            "no Helm chart (a directory with Chart.yaml) or kustomization found".to_string(),
        );
    }
    manifests.extend(ingest::render_charts(
        &found,
        &Default::default(),
        options,
        &mut model,
        &mut issues,
    ));
    let problems = issues
        .iter()
        .map(|i| {
            let file = model.sources.get(i.source);
            let lc = file.line_col(i.span.start);
            format!(
                "{}:{}:{}: {} [{}]",
                file.path, lc.line, lc.col, i.message, i.rule
            )
        })
        .collect();
    Ok(Rendered {
        manifests,
        problems,
    })
}
