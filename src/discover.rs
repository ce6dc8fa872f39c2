//! Walks the paths a user gave (gitignore-aware, in parallel) and classifies what it finds.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// What a scan will read.
#[derive(Debug, Default)]
pub struct Discovered {
    /// YAML files to parse as Kubernetes manifests, sorted.
    pub yaml_files: Vec<PathBuf>,
    /// Terraform files (`.tf`, `.tfvars`) and JSON files that may be plans, sorted.
    pub tf_files: Vec<PathBuf>,
    /// Helm chart directories (they hold a `Chart.yaml`), sorted; their templates are not raw YAML.
    pub charts: Vec<PathBuf>,
}

/// A path the user named that does not exist or cannot be walked.
#[derive(Debug)]
pub struct DiscoverError(pub String);

/// Directories never descended into: VCS metadata and downloaded Terraform modules.
const SKIPPED_DIRS: &[&str] = &[".git", ".terraform", "node_modules"];

/// What a file is read as.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileKind {
    Yaml,
    Terraform,
    TfVars,
    /// A `.json` file: read only if it is Terraform plan output.
    Json,
}

/// The kind of a file by its name; `None` for files a directory walk does not read.
pub fn file_kind(path: &Path) -> Option<FileKind> {
    let name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default();
    if name.ends_with(".tfvars.json") {
        return Some(FileKind::TfVars);
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => Some(FileKind::Yaml),
        Some("tf") if !crate::ingest::terraform::is_override_file(path) => {
            Some(FileKind::Terraform)
        }
        Some("tfvars") => Some(FileKind::TfVars),
        Some("json") => Some(FileKind::Json),
        _ => None,
    }
}

fn is_chart_dir(dir: &Path) -> bool {
    dir.join("Chart.yaml").is_file()
}

/// Paths to leave out: gitignore-style patterns relative to `base` (the config's directory).
#[derive(Debug, Clone)]
pub struct Excludes {
    pub base: PathBuf,
    pub patterns: Vec<String>,
}

/// Finds the files under `roots`, leaving out what `excludes` matches (directories are not
/// even entered). Files named explicitly are taken whatever their extension; symbolic links
/// are never followed, so nothing outside the roots is read.
pub fn discover(
    roots: &[PathBuf],
    excludes: &Option<Excludes>,
) -> Result<Discovered, DiscoverError> {
    let matcher = match excludes {
        Some(ex) => {
            let mut b = ignore::gitignore::GitignoreBuilder::new(&ex.base);
            for p in &ex.patterns {
                b.add_line(None, p)
                    .map_err(|e| DiscoverError(format!("exclude pattern `{p}`: {e}")))?;
            }
            Some(
                b.build()
                    .map_err(|e| DiscoverError(format!("exclude patterns: {e}")))?,
            )
        }
        None => None,
    };
    let cwd = std::env::current_dir().unwrap_or_default();
    let excluded = move |path: &Path, is_dir: bool| {
        matcher.as_ref().is_some_and(|m| {
            let abs = normalize(&cwd.join(path));
            abs.starts_with(m.path()) && m.matched_path_or_any_parents(&abs, is_dir).is_ignore()
        })
    };
    discover_inner(roots, std::sync::Arc::new(excluded))
}

/// Decides whether a walked path is left out.
type Exclude = std::sync::Arc<dyn Fn(&Path, bool) -> bool + Send + Sync>;

fn discover_inner(roots: &[PathBuf], excluded: Exclude) -> Result<Discovered, DiscoverError> {
    let mut found = Discovered::default();
    let mut dirs = Vec::new();
    for root in roots {
        if root.as_os_str() == crate::ingest::STDIN {
            found.yaml_files.push(root.clone());
            continue;
        }
        let meta = std::fs::symlink_metadata(root)
            .map_err(|e| DiscoverError(format!("{}: {e}", root.display())))?;
        if meta.is_dir() {
            dirs.push(root.clone());
        } else if meta.is_file() {
            found.push_file(root.clone());
        } else if meta.file_type().is_symlink() {
            // A link the user named explicitly is theirs to point at.
            match std::fs::metadata(root) {
                Ok(m) if m.is_file() => found.push_file(root.clone()),
                Ok(m) if m.is_dir() => dirs.push(root.clone()),
                _ => return Err(DiscoverError(format!("{}: not a file", root.display()))),
            }
        } else {
            // A FIFO or device could block the scan forever.
            return Err(DiscoverError(format!(
                "{}: not a regular file or directory",
                root.display()
            )));
        }
    }
    if let Some((first, rest)) = dirs.split_first() {
        let mut builder = WalkBuilder::new(first);
        for dir in rest {
            builder.add(dir);
        }
        builder
            .hidden(false)
            .follow_links(false)
            .require_git(false)
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                let skipped_dir =
                    is_dir && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref());
                !skipped_dir && !excluded(e.path(), is_dir)
            });
        let files = Mutex::new(Vec::new());
        let charts = Mutex::new(Vec::new());
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                let Ok(entry) = entry else {
                    return WalkState::Continue;
                };
                let Some(ft) = entry.file_type() else {
                    return WalkState::Continue;
                };
                let path = entry.path();
                if ft.is_dir() && is_chart_dir(path) {
                    lock(&charts).push(path.to_path_buf());
                    return WalkState::Skip;
                }
                if ft.is_file() && file_kind(path).is_some() {
                    lock(&files).push(path.to_path_buf());
                }
                WalkState::Continue
            })
        });
        for f in files.into_inner().unwrap_or_default() {
            found.push_file(f);
        }
        found.charts = charts.into_inner().unwrap_or_default();
    }
    // `./a.yaml` and `a.yaml` (from overlapping roots) are one file, read once.
    for list in [
        &mut found.yaml_files,
        &mut found.tf_files,
        &mut found.charts,
    ] {
        for p in list.iter_mut() {
            *p = normalize(p);
        }
        list.sort();
        list.dedup();
    }
    Ok(found)
}

impl Discovered {
    /// Files named explicitly are read whatever their extension: as YAML unless they are
    /// Terraform or JSON.
    fn push_file(&mut self, path: PathBuf) {
        match file_kind(&path) {
            Some(FileKind::Terraform | FileKind::TfVars | FileKind::Json) => {
                self.tf_files.push(path)
            }
            _ => self.yaml_files.push(path),
        }
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A path as shown to users: forward slashes, no leading `./`.
pub fn display_path(path: &Path) -> String {
    let s = path.to_string_lossy().replace('\\', "/");
    let mut s = s.as_str();
    while let Some(rest) = s.strip_prefix("./") {
        s = rest;
    }
    s.to_string()
}

/// `a/./b/../c` → `a/c`, without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir
                if matches!(out.components().next_back(), Some(Component::Normal(_))) =>
            {
                out.pop();
            }
            other => out.push(other),
        }
    }
    if out.as_os_str().is_empty() {
        // `.` (or `a/..`) is the current directory, not nothing.
        out.push(".");
    }
    out
}
