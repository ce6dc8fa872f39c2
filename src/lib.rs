//! spoflint: finds single points of failure in infrastructure manifests.
//!
//! The module tree follows the data flow:
//! [`discover`] → [`ingest`] → [`model`] → [`facts`] → [`rules`] → [`report`].

pub mod discover;
pub mod facts;
pub mod finding;
pub mod ingest;
pub mod model;
pub mod report;
pub mod rules;

use std::path::PathBuf;

use facts::Facts;
use finding::Finding;
use model::Model;

/// The result of one scan.
pub struct Scan {
    pub model: Model,
    pub facts: Facts,
    pub findings: Vec<Finding>,
    /// Files (and charts) read.
    pub files: usize,
}

/// Inputs that are not files to scan.
#[derive(Debug, Default, Clone)]
pub struct ScanOptions {
    /// Terraform `--var-file`s, applied to every root module, in order.
    pub var_files: Vec<PathBuf>,
    /// Terraform `--var name=value`s, applied after the var files.
    pub vars: Vec<(String, String)>,
    /// How Helm charts are rendered (values, `--set`, capabilities).
    pub helm: ingest::helm::HelmOptions,
}

/// Scans `paths` with default options.
pub fn scan(paths: &[PathBuf]) -> Result<Scan, String> {
    scan_with(paths, &ScanOptions::default())
}

/// Scans `paths`: discovers files, parses them in parallel, derives facts and runs every rule.
/// `Err` only for usage problems (a path that does not exist) or a broken rule catalogue;
/// problems with the scanned files are findings.
pub fn scan_with(paths: &[PathBuf], options: &ScanOptions) -> Result<Scan, String> {
    for f in &options.var_files {
        if !f.is_file() {
            return Err(format!("--var-file {}: no such file", f.display()));
        }
    }
    for f in &options.helm.values_files {
        if !f.is_file() {
            return Err(format!("--values {}: no such file", f.display()));
        }
    }
    let found = discover::discover(paths).map_err(|e| e.0)?;
    let (model, input) = ingest::ingest(&found, options);
    let facts = Facts::derive(&model);
    let mut findings = rules::run(&model, &facts, &input)?;
    ingest::helm::annotate(&mut findings, &model);
    Ok(Scan {
        // Every file scanned (chart files included; option files and JSON files that are not
        // plans are not).
        files: model.sources.len() - model.option_sources,
        model,
        facts,
        findings,
    })
}

/// Charts rendered by [`render`]: manifests (Helm template name, text) and the problems met,
/// as `file:line:col: message` lines.
pub struct Rendered {
    pub manifests: Vec<(String, String)>,
    pub problems: Vec<String>,
}

/// Renders the Helm charts found under `paths`, as `helm template` would, without scanning.
pub fn render(paths: &[PathBuf], options: &ScanOptions) -> Result<Rendered, String> {
    for f in &options.helm.values_files {
        if !f.is_file() {
            return Err(format!("--values {}: no such file", f.display()));
        }
    }
    let found = discover::discover(paths).map_err(|e| e.0)?;
    if found.charts.is_empty() {
        return Err("no Helm chart (a directory with Chart.yaml) found".to_string());
    }
    let mut model = Model::default();
    let mut issues = Vec::new();
    let manifests = ingest::render_charts(&found, options, &mut model, &mut issues);
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
