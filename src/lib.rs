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
    let found = discover::discover(paths).map_err(|e| e.0)?;
    let (model, input) = ingest::ingest(&found, options);
    let facts = Facts::derive(&model);
    let findings = rules::run(&model, &facts, &input)?;
    Ok(Scan {
        // Every file read (a chart counts once; JSON files that are not plans do not count).
        files: model.sources.len() - options.var_files.len(),
        model,
        facts,
        findings,
    })
}
