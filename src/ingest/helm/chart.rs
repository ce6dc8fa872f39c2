//! Loading charts: a directory or `.tgz` archive with `Chart.yaml`, `values.yaml`,
//! `templates/` and subcharts under `charts/`. Everything is read from the chart itself (never
//! outside it), with bounds on file count and size.

use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use std::sync::Arc;

use super::template::{self, Parsed};
use crate::ingest::yaml::{self, Document};
use crate::model::{SourceFile, Span};

/// Most files one chart (with its subcharts) may hold.
pub const MAX_FILES: usize = 10_000;
/// Most bytes one chart (with its subcharts, archives unpacked) may hold.
pub const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;
/// Largest single file.
pub const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;
/// Deepest nesting of subcharts.
pub const MAX_CHART_DEPTH: usize = 10;

/// A problem found while loading: (file index, rule, span, message, help).
pub type Issue = (usize, &'static str, Span, String, String);

/// The files of one chart tree as read, plus what was found in them.
#[derive(Default)]
pub struct Loaded {
    /// Chart.yaml, values files and templates: the files findings can point at.
    pub files: Vec<SourceFile>,
    pub issues: Vec<Issue>,
}

/// A parsed template file.
pub struct TemplateFile {
    /// Index in [`Loaded::files`].
    pub file: usize,
    /// Helm's template name: `mychart/templates/deployment.yaml`.
    pub name: String,
    /// Path inside the chart: `templates/deployment.yaml`.
    pub rel: String,
    pub parsed: Option<Parsed>,
}

/// One chart (a node of the chart tree).
pub struct Chart {
    pub name: String,
    /// `mychart`, `mychart/charts/sub`: the prefix of template names.
    pub prefix: String,
    /// Display path of the chart's root.
    pub display: String,
    pub chart_file: Option<usize>,
    pub meta: Option<Document>,
    pub values_file: Option<usize>,
    pub values: Option<Document>,
    pub templates: Vec<TemplateFile>,
    /// `.Files`: every other file, by chart-relative path.
    pub files: super::files::Files,
    pub subcharts: Vec<Chart>,
    /// Subchart archives under `charts/` that could not be unpacked (already reported).
    pub unreadable: Vec<String>,
}

/// A chart's content: chart-relative path → bytes, and the files that could not be read (too
/// large, unreadable), with why.
#[derive(Default)]
struct Tree {
    files: BTreeMap<String, Vec<u8>>,
    skipped: BTreeMap<String, String>,
}

impl Tree {
    fn get(&self, rel: &str) -> Option<&Vec<u8>> {
        self.files.get(rel)
    }

    /// The part of the tree under `dir/`, relative to it.
    fn under(&self, dir: &str) -> Tree {
        let prefix = format!("{dir}/");
        let inner = |k: &String| k.strip_prefix(prefix.as_str()).map(str::to_string);
        Tree {
            files: self
                .files
                .iter()
                .filter_map(|(k, v)| Some((inner(k)?, v.clone())))
                .collect(),
            skipped: self
                .skipped
                .iter()
                .filter_map(|(k, v)| Some((inner(k)?, v.clone())))
                .collect(),
        }
    }
}

/// Why a file over [`MAX_FILE_BYTES`] was not read.
fn too_large(len: u64) -> String {
    format!(
        "it is larger than the {} MiB a chart file may be ({len} bytes)",
        MAX_FILE_BYTES >> 20
    )
}

struct Budget {
    files: usize,
    bytes: u64,
}

impl Budget {
    fn take(&mut self, n: u64) -> Result<(), String> {
        self.files += 1;
        self.bytes += n;
        if self.files > MAX_FILES {
            return Err(format!("chart holds more than {MAX_FILES} files"));
        }
        if self.bytes > MAX_TOTAL_BYTES {
            return Err(format!("chart holds more than {MAX_TOTAL_BYTES} bytes"));
        }
        Ok(())
    }
}

/// Loads the chart in directory `dir`.
pub fn load_dir(dir: &Path) -> (Loaded, Option<Chart>) {
    let mut loaded = Loaded::default();
    let display = crate::discover::display_path(dir);
    let mut budget = Budget { files: 0, bytes: 0 };
    let tree = match read_dir_tree(dir, &mut budget) {
        Ok(t) => t,
        Err(e) => {
            loaded.files.push(SourceFile::new(
                under(&display, "Chart.yaml"),
                Arc::from(""),
            ));
            loaded.issues.push((
                0,
                "INPUT003",
                Span::default(),
                format!("Helm chart `{display}` could not be read: {e}"),
                "make the chart smaller, or exclude it from the scan".to_string(),
            ));
            return (loaded, None);
        }
    };
    let chart = load_tree(&mut loaded, &tree, &display, None, 0, &mut budget);
    (loaded, chart)
}

/// Every regular file under `dir` (no symbolic links), honouring `.helmignore`; files that
/// cannot be read are kept in [`Tree::skipped`].
fn read_dir_tree(dir: &Path, budget: &mut Budget) -> Result<Tree, String> {
    let mut out = Tree::default();
    let walker = ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .add_custom_ignore_filename(".helmignore")
        .follow_links(false)
        .build();
    let rel_of = |path: &Path| -> Option<String> {
        let rel = path.strip_prefix(dir).ok()?;
        Some(rel.to_string_lossy().replace('\\', "/"))
    };
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                // An unreadable directory (or entry) of the chart.
                let path = match &e {
                    ignore::Error::WithPath { path, .. } => rel_of(path),
                    _ => None,
                };
                out.skipped.insert(
                    path.unwrap_or_else(|| ".".to_string()),
                    format!("it cannot be read: {e}"),
                );
                continue;
            }
        };
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Some(rel) = rel_of(entry.path()) else {
            continue;
        };
        let len = match entry.metadata() {
            Ok(m) => m.len(),
            Err(e) => {
                out.skipped.insert(rel, format!("it cannot be read: {e}"));
                continue;
            }
        };
        if len > MAX_FILE_BYTES {
            out.skipped.insert(rel, too_large(len));
            continue;
        }
        budget.take(len)?;
        let mut bytes = Vec::new();
        let read = std::fs::File::open(entry.path())
            .and_then(|f| f.take(MAX_FILE_BYTES).read_to_end(&mut bytes));
        match read {
            Ok(_) => {
                out.files.insert(rel, bytes);
            }
            Err(e) => {
                out.skipped.insert(rel, format!("it cannot be read: {e}"));
            }
        }
    }
    Ok(out)
}

/// Unpacks a `.tgz` chart archive: entries under its top directory, relative to it.
fn read_tgz(bytes: &[u8], budget: &mut Budget) -> Result<Tree, String> {
    let gz = flate2::read::GzDecoder::new(bytes);
    // Bound the unpacked size whatever the headers claim.
    let limited = gz.take(MAX_TOTAL_BYTES.saturating_sub(budget.bytes) + 1);
    let mut archive = tar::Archive::new(limited);
    let mut out = Tree::default();
    let entries = archive
        .entries()
        .map_err(|e| format!("not a gzip-compressed tar archive: {e}"))?;
    for entry in entries {
        let mut entry = entry.map_err(|e| format!("not a gzip-compressed tar archive: {e}"))?;
        if !entry.header().entry_type().is_file() {
            continue;
        }
        let path = entry
            .path()
            .map_err(|e| format!("bad entry name: {e}"))?
            .to_string_lossy()
            .replace('\\', "/");
        // `mychart/templates/x.yaml` → `templates/x.yaml`; refuse names that climb out.
        let Some((_, rel)) = path.trim_start_matches("./").split_once('/') else {
            continue;
        };
        if rel.is_empty() || rel.starts_with('/') || rel.split('/').any(|p| p == "..") {
            continue;
        }
        let len = entry.header().size().unwrap_or(0);
        if len > MAX_FILE_BYTES {
            out.skipped.insert(rel.to_string(), too_large(len));
            continue;
        }
        budget.take(len)?;
        let mut bytes = Vec::new();
        (&mut entry)
            .take(MAX_FILE_BYTES)
            .read_to_end(&mut bytes)
            .map_err(|e| format!("cannot unpack {rel}: {e}"))?;
        out.files.insert(rel.to_string(), bytes);
    }
    if out.files.is_empty() && out.skipped.is_empty() {
        return Err("archive holds no files".into());
    }
    Ok(out)
}

/// `rel` under the chart's display path (`.` when the chart is the current directory).
fn under(display: &str, rel: &str) -> String {
    if display == "." || display.is_empty() {
        rel.to_string()
    } else {
        format!("{display}/{rel}")
    }
}

fn text_of(bytes: &[u8]) -> Option<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    String::from_utf8(bytes.to_vec()).ok()
}

/// Adds a file; returns its index.
fn add_file(loaded: &mut Loaded, path: String, text: String) -> usize {
    loaded.files.push(SourceFile::new(path, Arc::from(text)));
    loaded.files.len() - 1
}

/// Parses a YAML file of the chart; a syntax error is INPUT001 at its place.
fn yaml_doc(loaded: &mut Loaded, file: usize, what: &str) -> Option<Document> {
    let parsed = yaml::parse_yaml11(&loaded.files[file]);
    if let Some(e) = parsed.error {
        loaded.issues.push((
            file,
            "INPUT001",
            e.span,
            format!("{} (Helm {what})", e.message),
            "fix the YAML at this location; the chart is not rendered until then".to_string(),
        ));
        return None;
    }
    parsed.documents.into_iter().next()
}

/// Records that `rel` of the chart at `display` was not read (`why`) and what that costs;
/// returns the file index the finding points at.
fn skipped(loaded: &mut Loaded, display: &str, rel: &str, why: &str, cost: &str) -> usize {
    let f = add_file(loaded, under(display, rel), String::new());
    loaded.issues.push((
        f,
        "INPUT003",
        Span::default(),
        format!("`{rel}` of chart `{display}` was not read: {why}; {cost}"),
        "make the file smaller (or readable), or exclude the chart from the scan".to_string(),
    ));
    f
}

/// A chart's `Chart.yaml` or values file as text; `Err` (why) when it cannot be read.
fn chart_text(tree: &Tree, rel: &str) -> Option<Result<String, String>> {
    if let Some(why) = tree.skipped.get(rel) {
        return Some(Err(why.clone()));
    }
    let bytes = tree.get(rel)?;
    Some(text_of(bytes).ok_or_else(|| "it is not valid UTF-8".to_string()))
}

/// A chart from its files; `parent_prefix` is the template-name prefix of its parent.
/// Every file it cannot read is reported with what is missing because of it.
fn load_tree(
    loaded: &mut Loaded,
    tree: &Tree,
    display: &str,
    parent_prefix: Option<&str>,
    depth: usize,
    budget: &mut Budget,
) -> Option<Chart> {
    let meta_text = match chart_text(tree, "Chart.yaml")? {
        Ok(text) => text,
        Err(why) => {
            skipped(
                loaded,
                display,
                "Chart.yaml",
                &why,
                "the chart is not rendered",
            );
            return None;
        }
    };
    let chart_file = add_file(loaded, under(display, "Chart.yaml"), meta_text);
    let meta = yaml_doc(loaded, chart_file, "Chart.yaml");
    let name = meta
        .as_ref()
        .and_then(|d| d.tree.val(d.root).get("name")?.scalar_text())
        .filter(|n| !n.is_empty())
        .unwrap_or_else(|| display.rsplit('/').next().unwrap_or(display).to_string());
    let prefix = match parent_prefix {
        Some(p) => format!("{p}/charts/{name}"),
        None => name.clone(),
    };
    let refused = |values_file, meta| Chart {
        name: name.clone(),
        prefix: prefix.clone(),
        display: display.to_string(),
        chart_file: Some(chart_file),
        meta,
        values_file,
        values: None,
        templates: Vec::new(),
        files: Arc::default(),
        subcharts: Vec::new(),
        unreadable: Vec::new(),
    };
    let mut values_file = None;
    let mut values = None;
    let values_rel =
        if tree.get("values.yaml").is_some() || tree.skipped.contains_key("values.yaml") {
            "values.yaml"
        } else {
            "values.yml"
        };
    match chart_text(tree, values_rel) {
        None => {}
        Some(Err(why)) => {
            // Rendered without its defaults, every value would be wrong.
            let f = skipped(
                loaded,
                display,
                values_rel,
                &why,
                "the chart is not rendered",
            );
            return Some(refused(Some(f), meta));
        }
        Some(Ok(text)) => {
            let f = add_file(loaded, under(display, "values.yaml"), text);
            values_file = Some(f);
            values = yaml_doc(loaded, f, "values file");
            if values.is_none() && loaded.issues.iter().any(|i| i.0 == f) {
                // Helm refuses a chart whose values do not parse.
                return Some(refused(values_file, meta));
            }
        }
    }
    let mut templates = Vec::new();
    let mut files = BTreeMap::new();
    // Subchart directories, and archives (`\0name.tgz`).
    let mut sub_dirs: std::collections::BTreeSet<String> = std::collections::BTreeSet::new();
    for (rel, why) in &tree.skipped {
        if let Some(sub) = rel.strip_prefix("charts/") {
            match sub.split_once('/') {
                Some((dir, _)) => {
                    sub_dirs.insert(dir.to_string());
                }
                None if sub.ends_with(".tgz") || sub.ends_with(".tar.gz") => {
                    sub_dirs.insert(format!("\0{sub}"));
                }
                None => {}
            }
            continue;
        }
        let cost = if rel.starts_with("templates/") {
            "that template is not rendered"
        } else if matches!(rel.as_str(), "Chart.yaml" | "values.yaml" | "values.yml") {
            continue;
        } else {
            "templates that read it through .Files see it empty"
        };
        skipped(loaded, display, rel, why, cost);
    }
    for (rel, bytes) in &tree.files {
        if let Some(t) = rel.strip_prefix("templates/") {
            let Some(text) = text_of(bytes) else {
                skipped(
                    loaded,
                    display,
                    rel,
                    "it is not valid UTF-8",
                    "that template is not rendered",
                );
                continue;
            };
            let file = add_file(loaded, under(display, rel), text);
            let parsed = match template::parse(&loaded.files[file].text) {
                Ok(p) => Some(p),
                Err(e) => {
                    loaded.issues.push((
                        file,
                        "INPUT001",
                        Span::new(e.offset, e.offset),
                        format!(
                            "invalid Go template: {} (chart `{name}`, template `{rel}`)",
                            e.message
                        ),
                        "fix the template syntax; the chart's other templates were rendered"
                            .to_string(),
                    ));
                    None
                }
            };
            templates.push(TemplateFile {
                file,
                name: format!("{prefix}/templates/{t}"),
                rel: rel.clone(),
                parsed,
            });
        } else if let Some(sub) = rel.strip_prefix("charts/") {
            match sub.split_once('/') {
                Some((dir, _)) => {
                    sub_dirs.insert(dir.to_string());
                }
                None if sub.ends_with(".tgz") || sub.ends_with(".tar.gz") => {
                    sub_dirs.insert(format!("\0{sub}"));
                }
                None => {}
            }
        } else if !matches!(
            rel.as_str(),
            "Chart.yaml" | "values.yaml" | "values.yml" | "values.schema.json" | "Chart.lock"
        ) && let Some(text) = text_of(bytes)
        {
            files.insert(rel.clone(), Arc::from(text));
        }
    }
    let mut subcharts = Vec::new();
    let mut unreadable = Vec::new();
    if depth >= MAX_CHART_DEPTH && !sub_dirs.is_empty() {
        loaded.issues.push((
            chart_file,
            "INPUT003",
            Span::default(),
            format!(
                "chart `{name}` has subcharts nested deeper than {MAX_CHART_DEPTH} levels; they are not rendered: {}",
                sub_dirs
                    .iter()
                    .map(|k| format!("charts/{}", k.trim_start_matches('\0')))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            "flatten the chart's dependencies, or exclude the chart from the scan".to_string(),
        ));
        sub_dirs.clear();
    }
    for key in &sub_dirs {
        if let Some(archive) = key.strip_prefix('\0') {
            let path = format!("charts/{archive}");
            let archive_display = under(display, &path);
            let unpacked = match tree.skipped.get(&path) {
                Some(why) => Err(why.clone()),
                None => tree
                    .get(&path)
                    .ok_or_else(|| "missing".to_string())
                    .and_then(|b| read_tgz(b, budget)),
            };
            match unpacked {
                Ok(t) => subcharts.extend(load_tree(
                    loaded,
                    &t,
                    &archive_display,
                    Some(&prefix),
                    depth + 1,
                    budget,
                )),
                Err(e) => {
                    unreadable.push(archive.to_string());
                    let f = add_file(loaded, archive_display.clone(), String::new());
                    loaded.issues.push((
                        f,
                        "INPUT001",
                        Span::default(),
                        format!("subchart archive `{archive}` of chart `{name}` cannot be read: {e}"),
                        "re-package the dependency (`helm dependency build`); the chart was rendered without it"
                            .to_string(),
                    ));
                }
            }
        } else {
            let sub_display = under(display, &format!("charts/{key}"));
            let sub_tree = tree.under(&format!("charts/{key}"));
            if sub_tree.get("Chart.yaml").is_none() && !sub_tree.skipped.contains_key("Chart.yaml")
            {
                let f = add_file(loaded, sub_display.clone(), String::new());
                loaded.issues.push((
                    f,
                    "INPUT003",
                    Span::default(),
                    format!(
                        "`charts/{key}` of chart `{name}` has no Chart.yaml, so it is not a subchart (Helm refuses the chart); the chart was rendered without it"
                    ),
                    "remove the directory from charts/, or add its Chart.yaml".to_string(),
                ));
                unreadable.push(key.clone());
                continue;
            }
            let sub = load_tree(
                loaded,
                &sub_tree,
                &sub_display,
                Some(&prefix),
                depth + 1,
                budget,
            );
            if sub.is_none() {
                unreadable.push(key.clone());
            }
            subcharts.extend(sub);
        }
    }
    Some(Chart {
        name,
        prefix,
        display: display.to_string(),
        chart_file: Some(chart_file),
        meta,
        values_file,
        values,
        templates,
        files: Arc::new(files),
        subcharts,
        unreadable,
    })
}
