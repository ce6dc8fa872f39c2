//! Ingestion: read every discovered file once, in parallel, and turn it into resources.

pub mod helm;
pub mod kubernetes;
pub mod kustomize;
pub mod pipeline;
pub mod terraform;
pub mod yaml;

use std::collections::HashSet;
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use crate::discover::{Discovered, FileKind, STDIN, display_path, file_kind, normalize};
use crate::model::{Entry, FastMap, Model, Resource, ResourceId, SourceFile, SourceId, Span};

pub use terraform::Inputs;

/// Largest file read, in bytes.
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub use crate::finding::{InputIssue, internal_error};
pub use crate::model::source::{COMMAND_LINE_SOURCE, CONFIG_SET_SOURCE};

/// What one file holds, as its format's parser found it; [`ingest`] adds each kind to the
/// scan. A new single-file format is a variant here, its parser in [`parse_text`], and its
/// arm in [`ingest`].
enum Parsed {
    /// Nothing to add (a file that did not parse: its problem is in the issues).
    Nothing,
    /// A `.json` file that is not a Terraform plan: not part of the scan.
    Skip,
    /// Kubernetes objects.
    Kubernetes(Vec<Resource>),
    /// A `.tf` file, evaluated with the rest of its module.
    TerraformFile(hcl_edit::structure::Body),
    /// A `.tf` file that did not parse: its module is evaluated without it.
    BrokenTerraform,
    /// A `.tfvars` / `.tfvars.json` file.
    VarFile(terraform::VarFile),
    /// A Terraform plan (JSON read as YAML).
    Plan(yaml::Document),
}

struct FileResult {
    path: PathBuf,
    file: SourceFile,
    parsed: Parsed,
    issues: Vec<(&'static str, Span, String, String)>,
    /// For a `kustomization.yaml`: the patch files it names, relative to its directory.
    patches: Vec<String>,
    /// The documents of a YAML file that holds no Kubernetes object: a CI pipeline, or a
    /// file one may include.
    documents: Vec<yaml::Document>,
    /// Every document of a YAML file, for the kustomizations that read it.
    all_documents: Vec<yaml::Document>,
}

impl FileResult {
    /// A file with nothing found in it yet.
    fn new(path: &Path, file: SourceFile) -> FileResult {
        FileResult {
            path: path.to_path_buf(),
            file,
            parsed: Parsed::Nothing,
            issues: Vec::new(),
            patches: Vec::new(),
            documents: Vec::new(),
            all_documents: Vec::new(),
        }
    }
}

/// Reads at most `MAX_FILE_BYTES` (+1, to tell that the limit was passed).
fn read_limited(mut reader: impl Read) -> std::io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .by_ref()
        .take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)?;
    Ok(bytes)
}

/// Reads and parses one file; a bug met on the way costs this file only (INPUT007).
fn read_file(path: &PathBuf) -> FileResult {
    let kind = file_kind(path).unwrap_or(FileKind::Yaml);
    crate::guard::run(|| {
        crate::guard::failpoint("read", || display_path(path));
        read_file_as(path, kind)
    })
    .unwrap_or_else(|panic| {
        let display = if path.as_os_str() == STDIN {
            "<stdin>".to_string()
        } else {
            display_path(path)
        };
        let issue = internal_error(
            SourceId(0),
            Span::default(),
            "reading this file",
            &panic,
            "it is not checked",
        );
        FileResult {
            issues: vec![(issue.rule, issue.span, issue.message, issue.help)],
            ..FileResult::new(path, SourceFile::new(display, Arc::from("")))
        }
    })
}

fn read_file_as(path: &PathBuf, kind: FileKind) -> FileResult {
    let from_stdin = path.as_os_str() == STDIN;
    let display = if from_stdin {
        "<stdin>".to_string()
    } else {
        display_path(path)
    };
    // A `.json` file that is read at all looks like a Terraform plan: its problems are reported.
    let fail = |text: &str, span: Span, msg: String, help: &str| FileResult {
        issues: vec![("INPUT001", span, msg, help.to_string())],
        ..FileResult::new(path, SourceFile::new(display.clone(), Arc::from(text)))
    };
    let read = if from_stdin {
        read_limited(std::io::stdin().lock())
    } else if kind == FileKind::Json {
        // Most JSON files are not plans: look at the head before reading the rest.
        match std::fs::File::open(path).and_then(read_plan) {
            Ok(Some(bytes)) => Ok(bytes),
            Ok(None) => return skipped(path),
            Err(e) => Err(std::io::Error::new(
                e.kind(),
                format!("{e} (a .json file is read when it is a Terraform plan)"),
            )),
        }
    } else {
        std::fs::File::open(path).and_then(read_limited)
    };
    let bytes = match read {
        Ok(b) => b,
        Err(e) => {
            return fail(
                "",
                Span::default(),
                format!("cannot read file: {e}; not checked"),
                "check the file's permissions, or exclude it from the scan",
            );
        }
    };
    if bytes.len() as u64 > MAX_FILE_BYTES {
        let what = if kind == FileKind::Json {
            "Terraform plan"
        } else {
            "file"
        };
        return fail(
            "",
            Span::default(),
            format!(
                "{what} is larger than the {} MiB limit; not checked",
                MAX_FILE_BYTES >> 20
            ),
            "split the file, or exclude it from the scan",
        );
    }
    if let Some(text) = decode_utf16(&bytes) {
        return match text {
            Some(text) => parse_text(path, kind, display, text),
            None => fail(
                "",
                Span::default(),
                "file starts with a UTF-16 byte-order mark but is not valid UTF-16".to_string(),
                "re-encode the file as UTF-8",
            ),
        };
    }
    if let Some(nul) = bytes.iter().take(8192).position(|&b| b == 0) {
        return fail(
            "",
            Span::default(),
            format!("binary content (NUL byte at offset {nul}); this is not a text file"),
            "remove the file or rename it so its extension does not claim YAML or Terraform",
        );
    }
    let mut bytes = bytes;
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        bytes.drain(..3);
    }
    let text = match String::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.utf8_error().valid_up_to();
            let lossy = String::from_utf8_lossy(e.as_bytes()).into_owned();
            return fail(
                &lossy,
                Span::new(at, at),
                format!("file is not valid UTF-8 (invalid byte at offset {at})"),
                "YAML and Terraform files must be UTF-8: re-encode the file, e.g. `iconv -f latin1 -t utf-8`",
            );
        }
    };
    parse_text(path, kind, display, text)
}

fn parse_text(path: &Path, kind: FileKind, display: String, text: String) -> FileResult {
    let empty = |file: SourceFile| FileResult::new(path, file);
    match kind {
        FileKind::Yaml => parse_yaml_text(path, display, text),
        FileKind::TfVars if path.to_string_lossy().ends_with(".json") => {
            let mut r = empty(SourceFile::new(display, Arc::from(text)));
            let parsed = yaml::parse(&r.file);
            match (parsed.error, parsed.documents.first()) {
                (Some(e), _) => r.issues.push((
                    "INPUT001",
                    e.span,
                    format!("invalid JSON variable file: {}", e.message),
                    "fix the JSON at this location; the variables it sets keep their other values"
                        .to_string(),
                )),
                (None, Some(doc)) if doc.tree.val(doc.root).is_map() => {
                    r.parsed =
                        Parsed::VarFile(terraform::VarFile::from_json(doc.tree.val(doc.root)))
                }
                (None, _) => r.issues.push((
                    "INPUT001",
                    Span::default(),
                    "a .tfvars.json file must hold one JSON object".to_string(),
                    "write the variables as {\"name\": value, ...}".to_string(),
                )),
            }
            r
        }
        FileKind::Terraform | FileKind::TfVars => {
            let mut r = empty(SourceFile::new(display, Arc::from(text)));
            match terraform::parse(&r.file) {
                Ok(body) if kind == FileKind::TfVars => {
                    r.parsed = Parsed::VarFile(terraform::VarFile::Hcl(body))
                }
                Ok(body) => r.parsed = Parsed::TerraformFile(body),
                Err((span, message)) => {
                    if kind == FileKind::Terraform {
                        r.parsed = Parsed::BrokenTerraform;
                    }
                    r.issues.push((
                        "INPUT001",
                        span,
                        message,
                        "fix the HCL at this location; the module was evaluated without this file"
                            .to_string(),
                    ))
                }
            }
            r
        }
        FileKind::Json => {
            // `read_plan` read it because its head looks like a plan.
            let mut r = empty(SourceFile::new(display, Arc::from(text)));
            let parsed = yaml::parse(&r.file);
            match parsed.error {
                Some(e) => r.issues.push((
                    "INPUT001",
                    e.span,
                    format!("invalid Terraform plan JSON: {}", e.message),
                    "regenerate it with `terraform show -json plan.out > plan.json`".to_string(),
                )),
                None => {
                    if let Some(doc) = parsed.documents.into_iter().next() {
                        r.parsed = Parsed::Plan(doc);
                    }
                }
            }
            r
        }
    }
}

/// Bytes that decide whether a `.json` file is a Terraform plan.
const PLAN_HEAD_BYTES: u64 = 4096;

/// A `.json` file's bytes if its head looks like a Terraform plan; `None` otherwise (and the
/// rest of the file is never read).
fn read_plan(mut file: std::fs::File) -> std::io::Result<Option<Vec<u8>>> {
    let mut head = Vec::new();
    file.by_ref().take(PLAN_HEAD_BYTES).read_to_end(&mut head)?;
    if !terraform::plan::looks_like_plan(&String::from_utf8_lossy(&head)) {
        return Ok(None);
    }
    let mut rest = read_limited(file)?;
    head.append(&mut rest);
    Ok(Some(head))
}

fn skipped(path: &Path) -> FileResult {
    FileResult {
        parsed: Parsed::Skip,
        ..FileResult::new(path, SourceFile::new(String::new(), Arc::from("")))
    }
}

/// `None` without a UTF-16 byte-order mark; else the decoded text, `Some(None)` if invalid.
fn decode_utf16(bytes: &[u8]) -> Option<Option<String>> {
    let (rest, little_endian) = match bytes {
        [0xFF, 0xFE, rest @ ..] => (rest, true),
        [0xFE, 0xFF, rest @ ..] => (rest, false),
        _ => return None,
    };
    if rest.len() % 2 != 0 {
        return Some(None);
    }
    let units = rest.chunks_exact(2).map(|c| {
        if little_endian {
            u16::from_le_bytes([c[0], c[1]])
        } else {
            u16::from_be_bytes([c[0], c[1]])
        }
    });
    Some(
        char::decode_utf16(units)
            .collect::<Result<String, _>>()
            .ok(),
    )
}

fn parse_yaml_text(path: &Path, display: String, text: String) -> FileResult {
    let file = SourceFile::new(display, Arc::from(text));
    let parsed = yaml::parse(&file);
    let mut issues = Vec::new();
    if let Some(err) = parsed.error {
        issues.push((
            "INPUT001",
            err.span,
            err.message,
            "fix the YAML at this location; the other files were still scanned".to_string(),
        ));
    } else if parsed
        .documents
        .iter()
        .all(|d| d.tree.val(d.root).is_null())
    {
        issues.push((
            "INPUT002",
            Span::default(),
            "file contains no YAML documents".to_string(),
            "delete the empty file, or add the manifests it was meant to hold".to_string(),
        ));
    }
    let patches = if is_kustomization(path) {
        parsed
            .documents
            .iter()
            .flat_map(|d| kubernetes::kustomize_patches(d.tree.val(d.root)))
            .collect()
    } else {
        Vec::new()
    };
    let all_documents = parsed
        .documents
        .iter()
        .map(|d| yaml::Document {
            tree: Arc::clone(&d.tree),
            root: d.root,
        })
        .collect();
    let (resources, documents) = yaml_contents(path, parsed.documents, SourceId(0));
    FileResult {
        parsed: Parsed::Kubernetes(resources),
        issues,
        patches,
        documents,
        all_documents,
        ..FileResult::new(path, file)
    }
}

fn is_kustomization(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|n| n == "kustomization.yaml" || n == "kustomization.yml")
}

/// What a YAML file's documents are to a scan: its Kubernetes objects (none for a CI
/// pipeline, whose `image:` and `kind:` keys mean other things), and the documents kept for
/// the pipelines to read: those of a pipeline, or of a file with no object that is not a
/// kustomization (a file a pipeline may include).
pub(crate) fn yaml_contents(
    path: &Path,
    documents: Vec<yaml::Document>,
    source: SourceId,
) -> (Vec<Resource>, Vec<yaml::Document>) {
    let resources = if pipeline::system_of(path).is_some() {
        Vec::new()
    } else {
        kubernetes::resources(&documents, source)
    };
    let kept = if resources.is_empty() && !is_kustomization(path) {
        documents
    } else {
        Vec::new()
    };
    (resources, kept)
}

/// Reads and parses every discovered file (in parallel), then numbers them in path order.
pub fn ingest(found: &Discovered, options: &crate::ScanOptions) -> (Model, Vec<InputIssue>) {
    let results: Vec<FileResult> = found
        .yaml_files
        .par_iter()
        .chain(found.tf_files.par_iter())
        .map(read_file)
        .filter(|r| !matches!(r.parsed, Parsed::Skip))
        .collect();
    // Kustomize patches are partial objects, not resources of their own.
    let patch_files: HashSet<PathBuf> = results
        .iter()
        .flat_map(|r| {
            let dir = r.path.parent().unwrap_or(Path::new(""));
            r.patches.iter().map(move |p| normalize(&dir.join(p)))
        })
        .collect();
    // The scan's YAML files (each gets the source id of its place in `results`), and the
    // kustomizations to build: the files they read are judged through them.
    let mut yaml_docs: FastMap<PathBuf, (SourceId, Vec<yaml::Document>)> = FastMap::default();
    let mut dirs: HashSet<PathBuf> = HashSet::new();
    for (i, r) in results.iter().enumerate() {
        if matches!(r.parsed, Parsed::Kubernetes(_)) {
            let docs = r
                .all_documents
                .iter()
                .map(|d| yaml::Document {
                    tree: Arc::clone(&d.tree),
                    root: d.root,
                })
                .collect();
            yaml_docs.insert(r.path.clone(), (SourceId(i as u32), docs));
        }
        add_ancestors(&mut dirs, &r.path);
    }
    let chart_dirs: HashSet<PathBuf> = found.charts.iter().map(|c| normalize(c)).collect();
    let kustomize_files = kustomize::Files {
        yaml: &yaml_docs,
        dirs: &dirs,
        roots: &found.roots,
        chart_dirs: &chart_dirs,
    };
    let plan = kustomize::plan(&kustomize_files, &options.config.kustomize);
    let mut model = Model::default();
    // Every object read is held at once: room for exactly them, not twice as much.
    let objects = results
        .iter()
        .map(|r| match &r.parsed {
            Parsed::Kubernetes(found) => found.len(),
            _ => 0,
        })
        .sum();
    model.entries.reserve_exact(objects);
    model.sources.reserve_exact(results.len());
    let mut issues = Vec::new();
    let mut tf = terraform::Collected::default();
    let mut yaml_files = Vec::new();
    for r in results {
        let display = r.file.path.clone();
        let source = model.sources.add(r.file);
        if !r.documents.is_empty() {
            yaml_files.push(pipeline::YamlFile {
                path: r.path.clone(),
                source,
                documents: r.documents,
            });
        }
        match r.parsed {
            Parsed::Nothing | Parsed::Skip => {}
            // Discovery normalised every path already.
            Parsed::Kubernetes(_)
                if patch_files.contains(&r.path) || plan.consumed.contains(&r.path) => {}
            Parsed::Kubernetes(resources) => {
                for res in resources {
                    model.push(Entry::Kubernetes(Resource { source, ..res }));
                }
            }
            Parsed::TerraformFile(body) => tf.add_tf(&r.path, source, body),
            Parsed::BrokenTerraform => tf.add_broken(&r.path, source),
            Parsed::VarFile(file) => tf.add_var_file(&r.path, source, file),
            Parsed::Plan(doc) => {
                let base = model.len() as u32;
                let found =
                    terraform::plan::resources(doc.tree.val(doc.root), source, &display, base);
                model
                    .entries
                    .extend(found.into_iter().map(|r| Entry::Terraform(Box::new(r))));
            }
        }
        issues.extend(located(source, r.issues));
    }
    for (path, why) in &found.unreadable {
        // Not a file of the scan: shown at its path, not counted.
        let source = model
            .sources
            .add(SourceFile::new(display_path(path), Arc::from("")));
        model.option_sources += 1;
        issues.push(InputIssue {
            rule: "INPUT001",
            source,
            span: Span::default(),
            message: format!("cannot read this directory: {why}; what it holds is not checked"),
            help: "check its permissions, or exclude it from the scan".to_string(),
        });
    }
    let mut inputs = Inputs::default();
    for path in &options.var_files {
        // Terraform reads any --var-file as HCL, or as JSON when it ends in .json.
        let r = read_file_as(path, FileKind::TfVars);
        let source = model.sources.add(r.file);
        model.option_sources += 1;
        issues.extend(located(source, r.issues));
        // A file that does not parse already has its INPUT001.
        if let Parsed::VarFile(file) = r.parsed {
            inputs.var_files.push((source, file));
        }
    }
    for (name, value) in &options.vars {
        inputs.add_var(name, value);
    }
    tf.evaluate(&inputs, &mut model.entries, &mut issues);
    record_terraform_origins(&mut model);
    // What the azapi provider creates is judged as the azurerm resource it is.
    for e in &mut model.entries {
        if let Entry::Terraform(r) = e {
            terraform::azapi::translate(r);
        }
    }
    // Objects of the Terraform kubernetes provider are judged as the manifests they make.
    let objects: Vec<Resource> = model
        .tf_iter()
        .filter(|(_, r)| r.mode == crate::model::terraform::Mode::Managed)
        .filter_map(|(_, r)| {
            terraform::kubernetes::object(r, Arc::clone(&model.sources.get(r.source).text))
        })
        .collect();
    for o in objects {
        model.push(Entry::Kubernetes(o));
    }
    build_kustomizations(&plan, &kustomize_files, &mut model, &mut issues);
    render_charts(found, &plan.charts, options, &mut model, &mut issues);
    // CI pipelines, once every file they may use is read.
    let (jobs, pipeline_issues) = pipeline::jobs(&pipeline::Files::new(yaml_files), &model.sources);
    model
        .entries
        .extend(jobs.into_iter().map(|j| Entry::Job(Box::new(j))));
    issues.extend(pipeline_issues);
    (model, issues)
}

/// A file's problems, located in its source.
fn located(
    source: SourceId,
    issues: Vec<(&'static str, Span, String, String)>,
) -> impl Iterator<Item = InputIssue> {
    issues
        .into_iter()
        .map(move |(rule, span, message, help)| InputIssue {
            rule,
            source,
            span,
            message,
            help,
        })
}

/// Adds the directories above `path` to `dirs` (each once).
fn add_ancestors(dirs: &mut HashSet<PathBuf>, path: &Path) {
    let mut dir = path.parent();
    while let Some(d) = dir {
        if !dirs.insert(normalize(d)) {
            break;
        }
        dir = d.parent();
    }
}

/// Reads the YAML files of `found` and builds its kustomizations, for `spoflint render`:
/// (root, output) in root order.
pub fn render_kustomizations(
    found: &Discovered,
    options: &crate::ScanOptions,
    model: &mut Model,
    issues: &mut Vec<InputIssue>,
) -> Vec<(String, String)> {
    let results: Vec<FileResult> = found.yaml_files.par_iter().map(read_file).collect();
    let mut yaml_docs: FastMap<PathBuf, (SourceId, Vec<yaml::Document>)> = FastMap::default();
    let mut dirs: HashSet<PathBuf> = HashSet::new();
    for r in results {
        add_ancestors(&mut dirs, &r.path);
        let source = model.sources.add(r.file);
        issues.extend(located(source, r.issues));
        yaml_docs.insert(r.path, (source, r.all_documents));
    }
    let chart_dirs: HashSet<PathBuf> = found.charts.iter().map(|c| normalize(c)).collect();
    let files = kustomize::Files {
        yaml: &yaml_docs,
        dirs: &dirs,
        roots: &found.roots,
        chart_dirs: &chart_dirs,
    };
    let plan = kustomize::plan(&files, &options.config.kustomize);
    build_kustomizations(&plan, &files, model, issues)
}

/// Builds every kustomization root (in parallel) and adds its output, objects and problems
/// to the model; returns the outputs (root directory, `kubectl kustomize` text) in root order.
pub fn build_kustomizations(
    plan: &kustomize::Plan,
    files: &kustomize::Files<'_>,
    model: &mut Model,
    issues: &mut Vec<InputIssue>,
) -> Vec<(String, String)> {
    if plan.roots.is_empty() {
        return Vec::new();
    }
    let build = || -> Vec<kustomize::RootOutput> {
        plan.roots
            .par_iter()
            .map(|dir| {
                crate::guard::run(|| {
                    crate::guard::failpoint("kustomize", || display_path(dir));
                    kustomize::build_root(dir, files)
                })
                .unwrap_or_else(|panic| kustomize::RootOutput::failed(dir, files, &panic))
            })
            .collect()
    };
    // `helmCharts` render templates, which recurse: build on large stacks, as charts are.
    let outputs = match rayon::ThreadPoolBuilder::new()
        .stack_size(helm::RENDER_STACK_BYTES)
        .build()
    {
        Ok(pool) => pool.install(build),
        Err(_) => build(),
    };
    let mut texts = Vec::new();
    for mut out in outputs {
        out.relocate(model.sources.len() as u32);
        let root = display_path(&out.dir);
        let mut output = SourceId(0);
        for f in std::mem::take(&mut out.files) {
            output = model.sources.add(f);
        }
        // The output is no file of the user's.
        model.option_sources += 1;
        model
            .built
            .add(output, root.clone(), std::mem::take(&mut out.moves));
        model
            .built
            .add_removed(output, std::mem::take(&mut out.removed));
        model.built.add_reads(
            root.clone(),
            out.read.iter().map(|p| display_path(p)).collect(),
        );
        for (id, moves) in std::mem::take(&mut out.written) {
            model.built.add(id, root.clone(), moves);
        }
        for t in std::mem::take(&mut out.traces) {
            model.provenance.record(t);
        }
        for mut r in std::mem::take(&mut out.resources) {
            r.built_by = Some(Arc::from(root.as_str()));
            model.push(Entry::Kubernetes(r));
        }
        issues.extend(out.issues.drain(..).map(|i| InputIssue {
            rule: i.rule,
            source: i.source,
            span: i.span,
            message: i.message,
            help: i.help,
        }));
        texts.push((root, out.text));
    }
    texts
}

/// Records where each evaluated Terraform attribute's value was set (when it came through a
/// variable or local), and each provider `region`'s.
fn record_terraform_origins(model: &mut Model) {
    use crate::model::provenance::Provenance;
    use crate::model::terraform::Body;
    fn walk(source: SourceId, id: ResourceId, body: &Body, p: &mut Provenance) {
        for attr in body.attrs.values() {
            if let Some(origin) = &attr.origin {
                p.record_value(source, attr.span, Some(id), origin);
            }
        }
        for b in &body.blocks {
            walk(source, id, &b.body, p);
        }
    }
    let mut provenance = std::mem::take(&mut model.provenance);
    for (id, r) in model.tf_iter() {
        walk(r.source, id, &r.body, &mut provenance);
        if let (Some((source, span)), Some(origin)) = (r.region.at, &r.region.origin) {
            provenance.record_value(source, span, None, origin);
        }
    }
    model.provenance = provenance;
}

/// Reads the user's Helm values (`--values`, `--set`), then renders every chart in parallel
/// and adds its files, resources and value traces to the model. Returns the rendered
/// manifests (Helm template name, text) in chart order.
pub fn render_charts(
    found: &Discovered,
    inflated: &HashSet<PathBuf>,
    options: &crate::ScanOptions,
    model: &mut Model,
    issues: &mut Vec<InputIssue>,
) -> Vec<(String, String)> {
    let mut manifests = Vec::new();
    if found.charts.is_empty() {
        return manifests;
    }
    let helm_options = &options.helm;
    let user = read_user_values(
        &helm_options.values_files,
        &helm_options.set,
        COMMAND_LINE_SOURCE,
        model,
        issues,
    );
    // Values the configuration gives charts in (or under) a directory.
    let cwd = std::env::current_dir().unwrap_or_default();
    let per_dir: Vec<(PathBuf, helm::UserValues)> = helm_options
        .charts
        .iter()
        .map(|c| {
            let set: Vec<helm::SetArg> = c
                .set
                .iter()
                .map(|a| helm::SetArg {
                    assignment: a.clone(),
                    string: false,
                })
                .collect();
            let values = read_user_values(&c.values, &set, CONFIG_SET_SOURCE, model, issues);
            (normalize(&cwd.join(&c.dir)), values)
        })
        .collect();
    let user_for = |dir: &Path| -> Option<helm::UserValues> {
        let abs = normalize(&cwd.join(dir));
        let mut acc: Option<helm::UserValues> = None;
        for (d, v) in &per_dir {
            if abs.starts_with(d) {
                acc = Some(acc.as_ref().unwrap_or(&user).then(v));
            }
        }
        acc
    };
    // Templates recurse (bounded, but deeply in debug builds): render on large stacks.
    let scan = helm::exec::ScanBudget::default();
    let render = || -> Vec<helm::ChartOutput> {
        found
            .charts
            .par_iter()
            // A chart a kustomization inflates is judged through it.
            .filter(|dir| !inflated.contains(&normalize(dir)))
            .map(|dir| {
                let chart_user = user_for(dir);
                let user = chart_user.as_ref().unwrap_or(&user);
                // A bug met while rendering costs this chart only (INPUT007).
                crate::guard::run(|| {
                    crate::guard::failpoint("helm", || display_path(dir));
                    helm::render_chart(dir, user, helm_options, &scan)
                })
                .unwrap_or_else(|panic| helm::ChartOutput::failed(dir, &panic))
            })
            .collect()
    };
    let outputs = match rayon::ThreadPoolBuilder::new()
        .stack_size(helm::RENDER_STACK_BYTES)
        .build()
    {
        Ok(pool) => pool.install(render),
        Err(_) => render(),
    };
    for mut out in outputs {
        out.relocate(model.sources.len() as u32);
        for f in out.files {
            model.sources.add(f);
        }
        model
            .entries
            .extend(out.resources.into_iter().map(Entry::Kubernetes));
        issues.extend(
            out.issues
                .into_iter()
                .map(|(source, rule, span, message, help)| InputIssue {
                    rule,
                    source,
                    span,
                    message,
                    help,
                }),
        );
        for u in out.traces {
            model.provenance.record(u);
        }
        manifests.extend(out.manifests);
    }
    manifests
}

/// Reads Helm values files and `--set` assignments into user values; `set_source` names the
/// source the assignments are shown in.
fn read_user_values(
    files: &[PathBuf],
    set: &[helm::SetArg],
    set_source: &str,
    model: &mut Model,
    issues: &mut Vec<InputIssue>,
) -> helm::UserValues {
    let mut user = helm::UserValues::default();
    for path in files {
        let r = read_file_as(path, FileKind::Yaml);
        let source = model.sources.add(r.file);
        model.option_sources += 1;
        let file = model.sources.get(source);
        let parsed = yaml::parse_yaml11(file);
        match (&parsed.error, r.issues.first()) {
            (_, Some((rule, span, message, help))) => issues.push(InputIssue {
                rule,
                source,
                span: *span,
                message: message.clone(),
                help: help.clone(),
            }),
            (Some(e), None) => issues.push(InputIssue {
                rule: "INPUT001",
                source,
                span: e.span,
                message: format!("{} (Helm values file)", e.message),
                help: "fix the YAML; the charts were rendered without this file".to_string(),
            }),
            (None, None) => user
                .docs
                .extend(parsed.documents.into_iter().take(1).map(|d| (source, d))),
        }
    }
    if !set.is_empty() {
        // One source holds every `--set`, a line each, so traces can point at them.
        let mut text = String::new();
        let mut spans = Vec::new();
        for s in set {
            let flag = if s.string { "--set-string " } else { "--set " };
            let start = text.len() + flag.len();
            text.push_str(flag);
            text.push_str(&s.assignment);
            spans.push((Span::new(start, text.len()), s));
            text.push('\n');
        }
        let source = model
            .sources
            .add(SourceFile::new(set_source.to_string(), Arc::from(text)));
        model.option_sources += 1;
        // Each assignment is checked once here, within one budget for them all; one that Helm
        // would refuse, or that passes the budget, is reported at its line and left out.
        let mut slots = helm::strvals::MAX_SET_SLOTS;
        for (span, s) in spans {
            if let Err(e) = helm::strvals::parse_within(&s.assignment, None, s.string, &mut slots) {
                issues.push(InputIssue {
                    rule: "INPUT001",
                    source,
                    span,
                    message: format!(
                        "invalid {} value: {e}",
                        if s.string { "--set-string" } else { "--set" }
                    ),
                    help: "fix the assignment (Helm's syntax: a.b=1,list={x,y},a[0].b=x); the charts were rendered without it".to_string(),
                });
                continue;
            }
            let assignment = if s.string {
                format!("\u{0}string:{}", s.assignment)
            } else {
                s.assignment.clone()
            };
            user.set.push((source, span, assignment));
        }
    }
    user
}
