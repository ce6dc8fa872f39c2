//! Walks the paths a user gave (gitignore-aware, in parallel) and classifies what it finds.

use std::path::{Component, Path, PathBuf};
use std::sync::Mutex;

use ignore::{WalkBuilder, WalkState};

/// What a scan will read, and what it leaves out.
#[derive(Debug, Default)]
pub struct Discovered {
    /// YAML files to parse as Kubernetes manifests, sorted.
    pub yaml_files: Vec<PathBuf>,
    /// Terraform files (`.tf`, `.tfvars`) and JSON files that may be plans, sorted.
    pub tf_files: Vec<PathBuf>,
    /// Helm chart directories (they hold a `Chart.yaml`), sorted; their templates are not raw YAML.
    pub charts: Vec<PathBuf>,
    /// Directories (and files) the walk could not read, with why, sorted.
    pub unreadable: Vec<(PathBuf, String)>,
    /// What `.gitignore` files and the configuration's `exclude` left out, sorted.
    pub ignored: Vec<Ignored>,
    /// The directories the user named (normalized): nothing outside them is read.
    pub roots: Vec<PathBuf>,
}

/// A directory or a file of a kind spoflint reads, left out of the scan by an ignore rule.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ignored {
    pub path: PathBuf,
    pub dir: bool,
    /// The rule: `.gitignore: *.yaml`, `exclude: legacy/**`.
    pub by: String,
}

/// A path the user named that does not exist or cannot be walked.
#[derive(Debug)]
pub struct DiscoverError(pub String);

/// Names of spoflint's configuration file, in the order they are looked for.
pub const CONFIG_FILE_NAMES: &[&str] = &[".spoflint.yaml", ".spoflint.yml"];

/// The top of the git repository holding `path` (absolute): the nearest directory in or above
/// it with a `.git` entry.
pub fn repository_root(path: &Path) -> Option<PathBuf> {
    path.ancestors()
        .find(|d| d.join(".git").exists())
        .map(Path::to_path_buf)
}

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

/// The path that stands for standard input.
pub const STDIN: &str = "-";

/// `true` for files Terraform merges into others (`override.tf`, `*_override.tf`): spoflint
/// does not apply overrides, so it does not read them as separate declarations.
pub fn is_override_file(path: &Path) -> bool {
    path.file_stem()
        .and_then(|s| s.to_str())
        .is_some_and(|s| s == "override" || s.ends_with("_override"))
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
    if name == "Kustomization" {
        return Some(FileKind::Yaml);
    }
    match path.extension().and_then(|e| e.to_str()) {
        Some("yaml" | "yml") => Some(FileKind::Yaml),
        Some("tf") if !is_override_file(path) => Some(FileKind::Terraform),
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

/// Largest `.gitignore` (or `.git/info/exclude`) read.
const MAX_IGNORE_FILE_BYTES: u64 = 256 * 1024;

/// Finds the files under `roots`, leaving out what `.gitignore` files and `excludes` match
/// (directories are not even entered) and the configuration file `config` (it is not a
/// manifest). Files named explicitly are taken whatever their extension; symbolic links are
/// never followed, so nothing outside the roots is read (but `.gitignore` files of the
/// repository above a root).
pub fn discover(
    roots: &[PathBuf],
    excludes: &Option<Excludes>,
    config: Option<&Path>,
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
    let config = config.map(|c| normalize(&cwd.join(c)));
    let git = GitRules::new(roots, &cwd, matcher);
    let left_out = move |path: &Path, is_dir: bool| -> Option<String> {
        let name = path.file_name()?;
        if !is_dir && CONFIG_FILE_NAMES.iter().any(|c| name == *c) {
            // A configuration file is not a manifest; it says nothing to report.
            return Some(String::new());
        }
        let rules = git.rules_for(path.parent()?);
        let is_config = !is_dir && config.as_ref().is_some_and(|c| c.file_name() == Some(name));
        if rules.chain.is_empty() && rules.exclude.is_none() && !is_config {
            return None;
        }
        let abs = rules.dir.join(name);
        if is_config && config.as_ref() == Some(&abs) {
            return Some(String::new());
        }
        rules.ignored(&abs, is_dir)
    };
    discover_inner(roots, std::sync::Arc::new(left_out))
}

/// Decides whether a walked path is left out, and by which rule (empty: say nothing).
type LeftOut = std::sync::Arc<dyn Fn(&Path, bool) -> Option<String> + Send + Sync>;

type Matcher = std::sync::Arc<ignore::gitignore::Gitignore>;

/// `.gitignore` rules as git applies them to files it does not track: every `.gitignore` from
/// the repository's top (or from the scanned directory, outside a repository) down to the
/// file, the deepest one with a matching pattern deciding, then `.git/info/exclude`. `.ignore`
/// files and the user's global excludes are not read: what a scan judges depends on the
/// repository alone, and a committed `.ignore` cannot switch checks off. The configuration's
/// `exclude` patterns come first.
struct GitRules {
    cwd: PathBuf,
    /// Per scan root (absolute): the top whose rules apply, and its `.git/info/exclude`.
    tops: Vec<(PathBuf, PathBuf, Option<Matcher>)>,
    /// The configuration's `exclude`.
    exclude: Option<Matcher>,
    /// `.gitignore` matchers by directory (absolute), loaded on first use.
    files: std::sync::RwLock<std::collections::HashMap<PathBuf, Option<Matcher>>>,
    /// The rules of each walked directory (by its path as walked), made on first use.
    dirs: std::sync::RwLock<std::collections::HashMap<PathBuf, std::sync::Arc<DirRules>>>,
}

/// The rules that apply to the entries of one directory.
struct DirRules {
    /// The directory, absolute.
    dir: PathBuf,
    /// `.gitignore` matchers from this directory up to the top, nearest first, with the name
    /// they are reported by.
    chain: Vec<(Matcher, String)>,
    /// The configuration's `exclude`, then `.git/info/exclude`.
    exclude: Option<Matcher>,
    info_exclude: Option<Matcher>,
}

impl DirRules {
    /// The rule that ignores `abs` (an entry of this directory), if one does.
    fn ignored(&self, abs: &Path, is_dir: bool) -> Option<String> {
        if let Some(m) = &self.exclude
            && abs.starts_with(m.path())
            && let ignore::Match::Ignore(glob) = m.matched_path_or_any_parents(abs, is_dir)
        {
            return Some(format!("exclude: {}", glob.original()));
        }
        let rule = |m: &ignore::gitignore::Gitignore, name: &str| match m.matched(abs, is_dir) {
            ignore::Match::Ignore(glob) => Some(Some(format!("{name}: {}", glob.original()))),
            ignore::Match::Whitelist(_) => Some(None),
            ignore::Match::None => None,
        };
        for (m, name) in &self.chain {
            if let Some(decided) = rule(m, name) {
                return decided;
            }
        }
        self.info_exclude
            .as_ref()
            .and_then(|m| rule(m, ".git/info/exclude"))
            .flatten()
    }
}

impl GitRules {
    fn new(roots: &[PathBuf], cwd: &Path, exclude: Option<ignore::gitignore::Gitignore>) -> Self {
        let tops = roots
            .iter()
            .filter(|r| r.as_os_str() != STDIN)
            .map(|r| {
                let abs = normalize(&cwd.join(r));
                let repo = repository_root(&abs);
                let top = repo.clone().unwrap_or_else(|| abs.clone());
                let info = repo
                    .and_then(|t| load_ignore_file(&t, &t.join(".git/info/exclude")))
                    .map(std::sync::Arc::new);
                (abs, top, info)
            })
            .collect();
        GitRules {
            cwd: cwd.to_path_buf(),
            tops,
            exclude: exclude.map(std::sync::Arc::new),
            files: Default::default(),
            dirs: Default::default(),
        }
    }

    fn gitignore(&self, dir: &Path) -> Option<Matcher> {
        if let Some(m) = self
            .files
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(dir)
        {
            return m.clone();
        }
        let m = load_ignore_file(dir, &dir.join(".gitignore")).map(std::sync::Arc::new);
        self.files
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf(), m.clone());
        m
    }

    /// The rules for the entries of directory `dir` (as walked).
    fn rules_for(&self, dir: &Path) -> std::sync::Arc<DirRules> {
        if let Some(r) = self.dirs.read().unwrap_or_else(|p| p.into_inner()).get(dir) {
            return std::sync::Arc::clone(r);
        }
        let abs = normalize(&self.cwd.join(dir));
        let top = self
            .tops
            .iter()
            .filter(|(root, _, _)| abs.starts_with(root))
            .max_by_key(|(root, _, _)| root.as_os_str().len());
        let mut chain = Vec::new();
        let mut info_exclude = None;
        if let Some((_, top, info)) = top {
            info_exclude = info.clone();
            for d in abs.ancestors().take_while(|d| d.starts_with(top)) {
                if let Some(m) = self.gitignore(d) {
                    let name = d.join(".gitignore");
                    chain.push((m, display_path(name.strip_prefix(top).unwrap_or(&name))));
                }
            }
        }
        let rules = std::sync::Arc::new(DirRules {
            dir: abs,
            chain,
            exclude: self.exclude.clone(),
            info_exclude,
        });
        self.dirs
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(dir.to_path_buf(), std::sync::Arc::clone(&rules));
        rules
    }
}

/// The rules of one ignore file, rooted at `dir`; `None` when it does not exist, is too large
/// or does not read.
fn load_ignore_file(dir: &Path, file: &Path) -> Option<ignore::gitignore::Gitignore> {
    use std::io::Read;
    let f = std::fs::File::open(file).ok()?;
    if !f.metadata().ok()?.is_file() {
        return None;
    }
    let mut text = String::new();
    f.take(MAX_IGNORE_FILE_BYTES)
        .read_to_string(&mut text)
        .ok()?;
    let mut b = ignore::gitignore::GitignoreBuilder::new(dir);
    for line in text.lines() {
        // A pattern git cannot read is ignored, as git ignores it.
        let _ = b.add_line(Some(file.to_path_buf()), line);
    }
    b.build().ok()
}

fn discover_inner(roots: &[PathBuf], left_out: LeftOut) -> Result<Discovered, DiscoverError> {
    let mut found = Discovered::default();
    let mut dirs = Vec::new();
    for root in roots {
        if root.as_os_str() == STDIN {
            found.yaml_files.push(root.clone());
            continue;
        }
        let meta = std::fs::symlink_metadata(root)
            .map_err(|e| DiscoverError(format!("{}: {e}", root.display())))?;
        if meta.is_dir() {
            found.roots.push(normalize(root));
            dirs.push(root.clone());
        } else if meta.is_file() {
            found.push_file(root.clone());
        } else if meta.file_type().is_symlink() {
            // A link the user named explicitly is theirs to point at.
            match std::fs::metadata(root) {
                Ok(m) if m.is_file() => found.push_file(root.clone()),
                Ok(m) if m.is_dir() => {
                    found.roots.push(normalize(root));
                    dirs.push(root.clone())
                }
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
        let probe_left_out = std::sync::Arc::clone(&left_out);
        let mut builder = WalkBuilder::new(first);
        for dir in rest {
            builder.add(dir);
        }
        let ignored = std::sync::Arc::new(Mutex::new(Vec::new()));
        let record = std::sync::Arc::clone(&ignored);
        builder
            .standard_filters(false)
            .follow_links(false)
            .filter_entry(move |e| {
                let is_dir = e.file_type().is_some_and(|t| t.is_dir());
                if is_dir && SKIPPED_DIRS.contains(&e.file_name().to_string_lossy().as_ref()) {
                    return false;
                }
                // Roots are scanned whatever the rules say of them.
                if e.depth() == 0 {
                    return true;
                }
                match left_out(e.path(), is_dir) {
                    None => true,
                    Some(by) => {
                        // Only what the scan would have read is worth telling.
                        if !by.is_empty() && (is_dir || file_kind(e.path()).is_some()) {
                            lock(&record).push(Ignored {
                                path: normalize(e.path()),
                                dir: is_dir,
                                by,
                            });
                        }
                        false
                    }
                }
            });
        let files = Mutex::new(Vec::new());
        let charts = Mutex::new(Vec::new());
        let unreadable = Mutex::new(Vec::new());
        builder.build_parallel().run(|| {
            Box::new(|entry| {
                let entry = match entry {
                    Ok(e) => e,
                    Err(e) => {
                        lock(&unreadable).push(unreadable_entry(&e));
                        return WalkState::Continue;
                    }
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
        // The walk does not enter a chart; a chart at a repository's top still has its
        // pipelines.
        let in_charts: Vec<PathBuf> = found
            .charts
            .iter()
            .flat_map(|chart| pipelines_in(chart, probe_left_out.as_ref()))
            .collect();
        for file in in_charts {
            found.push_file(file);
        }
        found.unreadable = unreadable.into_inner().unwrap_or_default();
        found.ignored = std::mem::take(&mut *lock(&ignored));
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
    found.unreadable.sort();
    found.unreadable.dedup();
    found.ignored.sort();
    found.ignored.dedup();
    Ok(found)
}

/// The CI pipeline files directly in `dir` (`.gitlab-ci.yml`), in its `.github/workflows/`,
/// and the local actions under its `.github/actions/` (`action.yml`, at most 3 directories
/// down), as the walk would take them: regular files only (no symbolic link), none that an
/// ignore rule leaves out.
fn pipelines_in(
    dir: &Path,
    left_out: &(dyn Fn(&Path, bool) -> Option<String> + Send + Sync),
) -> Vec<PathBuf> {
    let regular = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_file());
    let real_dir = |p: &Path| std::fs::symlink_metadata(p).is_ok_and(|m| m.is_dir());
    let mut out: Vec<PathBuf> = [".gitlab-ci.yml", ".gitlab-ci.yaml"]
        .iter()
        .map(|n| dir.join(n))
        .filter(|p| regular(p) && left_out(p, false).is_none())
        .collect();
    let github = dir.join(".github");
    let workflows = github.join("workflows");
    if real_dir(&github)
        && left_out(&github, true).is_none()
        && real_dir(&workflows)
        && left_out(&workflows, true).is_none()
        && let Ok(entries) = std::fs::read_dir(&workflows)
    {
        let mut files: Vec<PathBuf> = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| file_kind(p) == Some(FileKind::Yaml))
            .filter(|p| regular(p) && left_out(p, false).is_none())
            .collect();
        files.sort();
        out.extend(files);
    }
    // Local actions: `.github/actions/<name>/action.yml`, possibly grouped in directories.
    let mut dirs = vec![(github.join("actions"), 0)];
    while let Some((d, depth)) = dirs.pop() {
        if !real_dir(&d) || left_out(&d, true).is_some() {
            continue;
        }
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        let mut children: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
        children.sort();
        for c in children {
            let name = c.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if (name == "action.yml" || name == "action.yaml")
                && regular(&c)
                && left_out(&c, false).is_none()
            {
                out.push(c);
            } else if depth < 3 && real_dir(&c) {
                dirs.push((c, depth + 1));
            }
        }
    }
    out
}

/// The path and the reason of a walk error (an unreadable directory).
fn unreadable_entry(e: &ignore::Error) -> (PathBuf, String) {
    fn path_of(e: &ignore::Error) -> Option<&Path> {
        match e {
            ignore::Error::WithPath { path, .. } => Some(path),
            ignore::Error::WithDepth { err, .. } | ignore::Error::WithLineNumber { err, .. } => {
                path_of(err)
            }
            _ => None,
        }
    }
    fn io_of(e: &ignore::Error) -> Option<&std::io::Error> {
        match e {
            ignore::Error::Io(io) => Some(io),
            ignore::Error::WithPath { err, .. }
            | ignore::Error::WithDepth { err, .. }
            | ignore::Error::WithLineNumber { err, .. } => io_of(err),
            _ => None,
        }
    }
    let path = path_of(e).map_or_else(|| PathBuf::from("."), normalize);
    let why = io_of(e).map_or_else(|| e.to_string(), |io| io.to_string());
    (path, why)
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
