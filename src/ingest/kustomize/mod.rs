//! Kustomize, built in-process: no `kustomize` binary, nothing fetched, nothing executed.
//!
//! Every directory with a kustomization that no other scanned kustomization refers to is a
//! root ([`plan`]), built as `kubectl kustomize` builds it ([`build`], [`transform`],
//! [`generators`], [`smp`], [`json6902`], [`nameref`]). What a root refers to (bases,
//! components, patch files, resource files) is judged through the roots that use it, never
//! on its own. The built objects are written out as YAML (a source of their own, what
//! `spoflint render` prints) and parsed like any manifest; every value of that output knows
//! the line that produced it, where findings are moved after the rules.

pub mod build;
pub mod generate;
pub mod generators;
pub mod json6902;
pub mod nameref;
pub mod smp;
pub mod transform;
pub mod value;

use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::ingest::yaml::{self, Document};
use crate::model::built::{Moved, Place};
use crate::model::{FastMap, Resource, SourceFile, SourceId, Span, Val};
use build::{Builder, Obj};
use value::{Loc, Node, V};

/// Source ids at and above this are files a build read itself (its output, a `.json` patch,
/// a generator's source), by index, until [`RootOutput::relocate`].
pub const LOCAL_BASE: u32 = 1 << 30;

/// Largest file a build reads that the scan did not (a generator source, a `.json` patch).
pub const MAX_EXTRA_FILE_BYTES: u64 = 1024 * 1024;

/// A problem met while building: where, which rule, message, help.
#[derive(Debug, Clone)]
pub struct Issue {
    pub source: SourceId,
    pub span: Span,
    pub rule: &'static str,
    pub message: String,
    pub help: String,
}

/// What a build may read: the scan's YAML files, already parsed, and other files under the
/// scanned directories.
pub struct Files<'a> {
    /// The scan's YAML files by path (normalized): their source and documents.
    pub yaml: &'a FastMap<PathBuf, (SourceId, Vec<Document>)>,
    /// Directories that hold scanned files, and those between them and a scan root.
    pub dirs: &'a HashSet<PathBuf>,
    /// The directories the user named: nothing outside them is read.
    pub roots: &'a [PathBuf],
    /// The Helm chart directories of the scan (for `helmCharts`).
    pub chart_dirs: &'a HashSet<PathBuf>,
}

/// A parsed file a build reads.
pub struct Loaded<'a> {
    pub source: SourceId,
    pub docs: Vec<Document>,
    _files: std::marker::PhantomData<&'a ()>,
}

/// Why a file a kustomization names was not read.
#[derive(Debug)]
pub enum Missing {
    OutsideScan,
    NotFound,
    Unreadable(String),
    /// Not UTF-8 text: its bytes (a generator keeps them as `binaryData`).
    Binary(Vec<u8>),
}

impl<'a> Files<'a> {
    /// A file of the scan, or one under the scanned directories that the scan left out (a
    /// kustomization a `.gitignore` excludes is still read by the builds that use it).
    pub fn exists(&self, path: &Path) -> bool {
        self.yaml.contains_key(path)
            || (!self.outside(path) && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file()))
    }

    /// A directory of the scan, or one under the scanned directories (never through a link).
    pub fn is_dir(&self, path: &Path) -> bool {
        self.dirs.contains(path)
            || (!self.outside(path) && std::fs::symlink_metadata(path).is_ok_and(|m| m.is_dir()))
    }

    /// `true` for a path outside every scanned directory.
    pub fn outside(&self, path: &Path) -> bool {
        let inside = |r: &PathBuf| {
            if r.as_os_str() == "." {
                path.is_relative()
            } else {
                path.starts_with(r)
            }
        };
        !self.roots.iter().any(inside) || path.starts_with("..")
    }

    /// A YAML (or JSON) file's documents: the scan's parse, or the file read and parsed now
    /// (added to `extra`).
    pub fn load(&self, path: &Path, extra: &mut Vec<SourceFile>) -> Result<Loaded<'a>, Missing> {
        if let Some((source, docs)) = self.yaml.get(path) {
            return Ok(Loaded {
                source: *source,
                docs: docs
                    .iter()
                    .map(|d| Document {
                        tree: Arc::clone(&d.tree),
                        root: d.root,
                    })
                    .collect(),
                _files: std::marker::PhantomData,
            });
        }
        let (source, text) = self.text(path, extra)?;
        let file = SourceFile::new(crate::discover::display_path(path), text);
        let parsed = yaml::parse(&file);
        if let Some(e) = parsed.error {
            return Err(Missing::Unreadable(format!("invalid YAML: {}", e.message)));
        }
        Ok(Loaded {
            source,
            docs: parsed.documents,
            _files: std::marker::PhantomData,
        })
    }

    /// A file's text, read now when the scan did not read it (added to `extra`): only under
    /// the scanned directories, never through a symbolic link, at most
    /// [`MAX_EXTRA_FILE_BYTES`].
    pub fn text(
        &self,
        path: &Path,
        extra: &mut Vec<SourceFile>,
    ) -> Result<(SourceId, Arc<str>), Missing> {
        if let Some((source, docs)) = self.yaml.get(path)
            && let Some(d) = docs.first()
        {
            return Ok((*source, Arc::clone(d.tree.text())));
        }
        let shown = crate::discover::display_path(path);
        if let Some(i) = extra.iter().position(|f| f.path == shown) {
            return Ok((SourceId(LOCAL_BASE + i as u32), Arc::clone(&extra[i].text)));
        }
        if self.outside(path) {
            return Err(Missing::OutsideScan);
        }
        let meta = match std::fs::symlink_metadata(path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(Missing::NotFound),
            Err(e) => return Err(Missing::Unreadable(e.to_string())),
        };
        if !meta.is_file() {
            return Err(Missing::Unreadable(
                "not a regular file (symbolic links are not followed)".into(),
            ));
        }
        if meta.len() > MAX_EXTRA_FILE_BYTES {
            return Err(Missing::Unreadable(format!(
                "larger than the {} KiB limit for files a kustomization reads",
                MAX_EXTRA_FILE_BYTES >> 10
            )));
        }
        let bytes = std::fs::read(path).map_err(|e| Missing::Unreadable(e.to_string()))?;
        let text: Arc<str> = match String::from_utf8(bytes) {
            Ok(t) => Arc::from(t),
            Err(e) => return Err(Missing::Binary(e.into_bytes())),
        };
        extra.push(SourceFile::new(shown, Arc::clone(&text)));
        Ok((SourceId(LOCAL_BASE + extra.len() as u32 - 1), text))
    }
}

/// How the scan treats kustomizations (`kustomize:` in `.spoflint.yaml`).
#[derive(Debug, Clone, PartialEq)]
pub struct Options {
    /// Build kustomizations (default); `false` reads their files as plain manifests.
    pub build: bool,
    /// The roots to build, instead of every kustomization no other one refers to.
    pub roots: Vec<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            build: true,
            roots: Vec::new(),
        }
    }
}

/// Which kustomizations a scan builds, and which files they read (judged through them).
#[derive(Debug, Default)]
pub struct Plan {
    /// Root directories, sorted.
    pub roots: Vec<PathBuf>,
    /// Files a root's build reads (kustomizations, resources, patches, generator sources).
    pub consumed: HashSet<PathBuf>,
    /// Helm chart directories a kustomization inflates (not rendered on their own).
    pub charts: HashSet<PathBuf>,
}

/// The local paths a kustomization refers to: directories (bases, components) and files.
fn references(dir: &Path, root: &Val<'_>) -> (Vec<PathBuf>, Vec<PathBuf>) {
    let mut dirs = Vec::new();
    let mut files = Vec::new();
    let local = |p: &str| (!build::is_remote(p)).then(|| crate::discover::normalize(&dir.join(p)));
    let strings = |key: &str| -> Vec<String> {
        root.get(key)
            .into_iter()
            .flat_map(|v| v.items())
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    for key in ["resources", "bases", "components"] {
        for p in strings(key) {
            // Whether it is a directory is decided by the caller.
            dirs.extend(local(&p));
        }
    }
    for key in [
        "crds",
        "configurations",
        "transformers",
        "generators",
        "validators",
    ] {
        files.extend(strings(key).iter().filter_map(|p| local(p)));
    }
    for p in strings("patchesStrategicMerge") {
        if !p.contains('\n') {
            files.extend(local(&p));
        }
    }
    for key in ["patches", "patchesJson6902"] {
        for item in root.get(key).into_iter().flat_map(|v| v.items()) {
            if let Some(p) = item.get("path").and_then(|p| p.as_str()) {
                files.extend(local(p));
            }
        }
    }
    let home = root
        .path(&["helmGlobals", "chartHome"])
        .and_then(|v| v.as_str())
        .unwrap_or("charts");
    for item in root.get("helmCharts").into_iter().flat_map(|v| v.items()) {
        if let Some(name) = item.get("name").and_then(|v| v.as_str()) {
            // Chart directories are told apart from files by the caller.
            dirs.extend(local(&format!("{home}/{name}")));
            if let Some(version) = item.get("version").and_then(|v| v.scalar_text()) {
                dirs.extend(local(&format!("{home}/{name}-{version}/{name}")));
            }
        }
        for key in ["valuesFile"] {
            if let Some(f) = item.get(key).and_then(|v| v.as_str()) {
                files.extend(local(f));
            }
        }
        for f in item
            .get("additionalValuesFiles")
            .into_iter()
            .flat_map(|v| v.items())
        {
            if let Some(f) = f.as_str() {
                files.extend(local(f));
            }
        }
    }
    for key in ["configMapGenerator", "secretGenerator"] {
        for item in root.get(key).into_iter().flat_map(|v| v.items()) {
            for list in ["files", "envs"] {
                for f in item.get(list).into_iter().flat_map(|v| v.items()) {
                    if let Some(f) = f.as_str() {
                        let path = f.split_once('=').map_or(f, |(_, p)| p);
                        files.extend(local(path));
                    }
                }
            }
            if let Some(f) = item.get("env").and_then(|v| v.as_str()) {
                files.extend(local(f));
            }
        }
    }
    (dirs, files)
}

/// Decides the roots: with `options.roots`, those; else every kustomization directory that no
/// other scanned kustomization refers to. Files reachable from the roots are consumed.
pub fn plan(files: &Files<'_>, options: &Options) -> Plan {
    let mut plan = Plan::default();
    if !options.build {
        return plan;
    }
    // Kustomization directories and what each refers to.
    let mut graph: FastMap<PathBuf, (PathBuf, Vec<PathBuf>, Vec<PathBuf>)> = FastMap::default();
    for (path, (_, docs)) in files.yaml.iter() {
        let is_k = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| build::KUSTOMIZATION_NAMES.contains(&n));
        let Some(dir) = path
            .parent()
            .filter(|_| is_k)
            .map(crate::discover::normalize)
        else {
            continue;
        };
        let dir = dir.as_path();
        // A Flux `Kustomization` object in a file of that name is a resource, not a
        // kustomization.
        let foreign = docs.first().is_some_and(|d| {
            d.tree
                .val(d.root)
                .get("apiVersion")
                .and_then(|v| v.as_str())
                .is_some_and(|api| !api.starts_with("kustomize.config.k8s.io/"))
        });
        if foreign {
            continue;
        }
        let (dirs, refs) = match docs.first() {
            Some(d) => references(dir, &d.tree.val(d.root)),
            None => Default::default(),
        };
        graph.insert(dir.to_path_buf(), (path.clone(), dirs, refs));
    }
    let referenced: HashSet<&PathBuf> = graph.values().flat_map(|(_, d, _)| d).collect();
    let cwd = std::env::current_dir().unwrap_or_default();
    let absolute = |p: &Path| crate::discover::normalize(&cwd.join(p));
    let wanted: Vec<PathBuf> = options.roots.iter().map(|r| absolute(r)).collect();
    let mut roots: Vec<PathBuf> = if options.roots.is_empty() {
        graph
            .keys()
            .filter(|d| !referenced.contains(d))
            .cloned()
            .collect()
    } else {
        graph
            .keys()
            .filter(|d| wanted.contains(&absolute(d)))
            .cloned()
            .collect()
    };
    roots.sort();
    // Everything reachable from the roots.
    let mut seen: BTreeSet<PathBuf> = BTreeSet::new();
    let mut todo: Vec<PathBuf> = roots.clone();
    while let Some(dir) = todo.pop() {
        if !seen.insert(dir.clone()) {
            continue;
        }
        let Some((file, dirs, refs)) = graph.get(&dir) else {
            continue;
        };
        plan.consumed.insert(file.clone());
        plan.consumed.extend(refs.iter().cloned());
        for d in dirs {
            if graph.contains_key(d) {
                todo.push(d.clone());
            } else if files.chart_dirs.contains(d) {
                plan.charts.insert(d.clone());
            } else {
                plan.consumed.insert(d.clone());
            }
        }
    }
    plan.roots = roots;
    plan
}

/// One built root: what it adds to the scan, with build-local source ids (at and above
/// [`LOCAL_BASE`]) until [`RootOutput::relocate`].
pub struct RootOutput {
    pub dir: PathBuf,
    /// Files the build read itself, then its output (the last).
    pub files: Vec<SourceFile>,
    pub resources: Vec<Resource>,
    pub issues: Vec<Issue>,
    pub moves: Vec<Moved>,
    /// The output, as `kubectl kustomize` prints it.
    pub text: String,
    /// Where values printed by `helmCharts` templates came from.
    pub traces: Vec<crate::model::provenance::Use>,
    /// Files the build wrote from located values, and their values' places.
    pub written: Vec<(SourceId, Vec<Moved>)>,
    /// Fields patches removed: (object's span in the output, path, patch line).
    pub removed: Vec<(Span, String, Place)>,
    /// Every file (and chart directory) the build read.
    pub read: Vec<PathBuf>,
}

impl RootOutput {
    /// The output of a root whose build met a bug: an INPUT007 at its kustomization.
    pub fn failed(dir: &Path, files: &Files<'_>, panic: &str) -> RootOutput {
        let file = build::KUSTOMIZATION_NAMES
            .iter()
            .map(|n| crate::discover::normalize(&dir.join(n)))
            .find_map(|p| files.yaml.get(&p).map(|(s, _)| *s));
        let output = SourceFile::new(
            format!(
                "{}/kustomization.yaml (kustomize build)",
                crate::discover::display_path(dir)
            ),
            Arc::from(""),
        );
        let issue = crate::finding::internal_error(
            file.unwrap_or(SourceId(LOCAL_BASE)),
            Span::default(),
            "building this kustomization",
            panic,
            "its objects are not checked",
        );
        RootOutput {
            dir: dir.to_path_buf(),
            files: vec![output],
            resources: Vec::new(),
            issues: vec![Issue {
                source: issue.source,
                span: issue.span,
                rule: issue.rule,
                message: issue.message,
                help: issue.help,
            }],
            moves: Vec::new(),
            text: String::new(),
            traces: Vec::new(),
            written: Vec::new(),
            removed: Vec::new(),
            read: Vec::new(),
        }
    }

    /// Moves local ids to `base + index`.
    pub fn relocate(&mut self, base: u32) {
        let fix = |id: &mut SourceId| {
            if id.0 >= LOCAL_BASE {
                id.0 = base + (id.0 - LOCAL_BASE);
            }
        };
        for r in &mut self.resources {
            fix(&mut r.source);
        }
        for i in &mut self.issues {
            fix(&mut i.source);
        }
        for m in self
            .moves
            .iter_mut()
            .chain(self.written.iter_mut().flat_map(|(_, m)| m.iter_mut()))
        {
            fix(&mut m.at.source);
            if let Some(w) = &mut m.was {
                fix(&mut w.source);
            }
        }
        for (id, _) in &mut self.written {
            fix(id);
        }
        for (_, _, place) in &mut self.removed {
            fix(&mut place.source);
        }
        for t in &mut self.traces {
            fix(&mut t.source);
            fix(&mut t.origin.source);
        }
    }
}

/// Builds the kustomization in `dir` as a root.
pub fn build_root(dir: &Path, files: &Files<'_>) -> RootOutput {
    let mut b = Builder::new(files);
    let mut objects: Vec<Obj> = Vec::new();
    let shown = crate::discover::display_path(dir);
    let from = Loc::at(SourceId(LOCAL_BASE), Span::default());
    b.build_dir(dir, from, false, &mut objects);
    generators::add_hashes(&mut b, &mut objects);
    nameref::fix(&mut objects);
    for o in &mut objects {
        tidy_annotations(&mut o.node);
    }
    build::sort(&mut objects);
    let mut text = String::new();
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            text.push_str("---\n");
        }
        text.push_str(&value::to_yaml(&o.node));
    }
    let mut extra = std::mem::take(&mut b.extra);
    let output_id = SourceId(LOCAL_BASE + extra.len() as u32);
    let output_name = format!("{shown}/kustomization.yaml (kustomize build)");
    let file = SourceFile::new(output_name, Arc::from(text.as_str()));
    let parsed = yaml::parse(&file);
    let mut moves = Vec::new();
    let mut removed = Vec::new();
    for (doc, obj) in parsed.documents.iter().zip(&objects) {
        let fallback = obj.at.unwrap_or(Loc::at(output_id, Span::default()));
        let root = doc.tree.val(doc.root);
        collect_moves(&root, &obj.node, fallback, &mut moves);
        let object = root
            .span()
            .join(root.get("kind").map_or(root.span(), |k| k.field_span()));
        for (path, at) in &obj.removed {
            removed.push((
                object,
                path.clone(),
                Place {
                    source: at.source,
                    span: at.span,
                    field: at.field,
                },
            ));
        }
    }
    let resources = crate::ingest::kubernetes::resources(&parsed.documents, output_id);
    extra.push(file);
    // Problems met at the root's own reference (none: a root is not referred to) are
    // shown at its kustomization file.
    let mut issues = std::mem::take(&mut b.issues);
    for i in &mut issues {
        if i.source == SourceId(LOCAL_BASE) && i.span == Span::default() && extra.len() > 1 {
            i.source = output_id;
        }
    }
    RootOutput {
        dir: dir.to_path_buf(),
        files: extra,
        resources,
        issues,
        moves,
        text,
        traces: std::mem::take(&mut b.traces),
        written: std::mem::take(&mut b.written),
        removed,
        read: std::mem::take(&mut b.read).into_iter().collect(),
    }
}

/// Kustomize rewrites every object's annotations on its way out: an empty (or null) map is
/// dropped and a null value becomes the string `null`.
fn tidy_annotations(node: &mut Node) {
    let Some(meta) = node.get_mut("metadata") else {
        return;
    };
    let empty = match meta.get_mut("annotations") {
        None => return,
        Some(a) => match &mut a.v {
            V::Null => true,
            V::Map(m) => {
                for (_, v) in m.iter_mut() {
                    if v.is_null() {
                        v.v = V::Str("null".into());
                    }
                }
                m.is_empty()
            }
            _ => false,
        },
    };
    if empty {
        meta.remove("annotations");
    }
}

/// Pairs each value of the parsed output with the node it was written from.
pub(crate) fn collect_moves(val: &Val<'_>, node: &Node, parent: Loc, out: &mut Vec<Moved>) {
    let at = node.at.unwrap_or(parent);
    let place = |l: Loc| Place {
        source: l.source,
        span: l.span,
        field: l.field,
    };
    out.push(Moved {
        span: val.span(),
        field: val.field_span(),
        at: place(at),
        was: node.was.map(place),
    });
    match &node.v {
        V::Map(entries) => {
            for (k, child) in entries {
                if let Some(v) = val.get(k) {
                    collect_moves(&v, child, at, out);
                }
            }
        }
        V::Seq(items) => {
            for (v, child) in val.items().zip(items) {
                collect_moves(&v, child, at, out);
            }
        }
        _ => {}
    }
}
