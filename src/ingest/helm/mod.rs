//! Helm charts, rendered in-process: no `helm` binary, nothing fetched, nothing executed.
//!
//! [`chart`] loads a chart directory or archive, [`template`] parses Go templates, [`exec`]
//! runs them with [`funcs`] (Go builtins, Sprig, Helm's own), [`render`] coalesces values and
//! renders every template, and this module turns the output into Kubernetes resources whose
//! spans point back into the templates, with value traces into the values files.

pub mod chart;
pub mod exec;
pub mod files;
pub mod funcs;
pub mod render;
pub mod strvals;
pub mod template;
pub mod value;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use exec::Seg;
use render::{Manifest, USER_SOURCE_BASE};

use crate::ingest::yaml::{self, Document};
use crate::model::provenance::{Origin, Use, Via, Withheld};
use crate::model::{Resource, SourceFile, SourceId, Span, Tree};

/// Stack size of the threads charts are rendered on: template calls nest up to
/// [`exec::MAX_CALL_DEPTH`] deep, each through several interpreter frames.
pub const RENDER_STACK_BYTES: usize = 64 * 1024 * 1024;

/// Kubernetes version charts see as `.Capabilities.KubeVersion` by default.
pub const DEFAULT_KUBE_VERSION: &str = "v1.31.0";

/// How charts are rendered.
#[derive(Debug, Clone, Default)]
pub struct HelmOptions {
    /// `--values FILE`, in order (later files win).
    pub values_files: Vec<PathBuf>,
    /// `--set key=value` (typed) and `--set-string key=value`, in order, after the files.
    pub set: Vec<SetArg>,
    /// `.Capabilities.KubeVersion`; [`DEFAULT_KUBE_VERSION`] when empty.
    pub kube_version: String,
    /// Extra API versions for `.Capabilities.APIVersions` (CRDs), on top of the built-in ones.
    pub api_versions: Vec<String>,
    /// `.Release.Name` (default `release-name`, as `helm template`) and `.Release.Namespace`.
    pub release_name: String,
    pub namespace: String,
    /// Values for the charts in (or under) given directories, from the configuration;
    /// applied after `values_files` and `set`.
    pub charts: Vec<ChartConfig>,
}

#[derive(Debug, Clone)]
pub struct SetArg {
    pub assignment: String,
    /// `--set-string`: values stay strings.
    pub string: bool,
}

/// User values given to a chart: parsed files and the `--set` source, with their ids in
/// the scan's sources.
#[derive(Default)]
pub struct UserValues {
    pub docs: Vec<(SourceId, Document)>,
    pub set: Vec<(SourceId, Span, String)>,
}

/// Helm values for the charts under one directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ChartConfig {
    /// The chart directory (resolved against the config's directory).
    pub dir: PathBuf,
    pub values: Vec<PathBuf>,
    /// `key=value` assignments, Helm's `--set` syntax.
    pub set: Vec<String>,
}

/// A rendered chart: its files, resources and traces, with chart-local source ids (and user
/// values ids at [`USER_SOURCE_BASE`] and above) until [`ChartOutput::relocate`].
#[derive(Default)]
pub struct ChartOutput {
    pub files: Vec<SourceFile>,
    pub resources: Vec<Resource>,
    pub issues: Vec<(SourceId, &'static str, Span, String, String)>,
    /// Where the values printed into the templates came from.
    pub traces: Vec<Use>,
    /// Rendered manifests by Helm template name, for `spoflint render`.
    pub manifests: Vec<(String, String)>,
}

/// The API versions `helm template` knows without a cluster: Helm's default version set (the
/// built-in groups of its client-go, alpha and beta versions included).
pub const BUILTIN_API_VERSIONS: &[&str] = &[
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
    "apiextensions.k8s.io/v1beta1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1alpha1",
    "certificates.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "internal.apiserver.k8s.io/v1alpha1",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1alpha1",
    "rbac.authorization.k8s.io/v1beta1",
    "resource.k8s.io/v1",
    "resource.k8s.io/v1alpha3",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1beta2",
    "scheduling.k8s.io/v1",
    "scheduling.k8s.io/v1alpha2",
    "scheduling.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storage.k8s.io/v1beta1",
    "storagemigration.k8s.io/v1beta1",
    "v1",
];

/// Loads and renders the chart in `dir`. Runs on any thread: everything it returns is plain
/// data.
pub fn render_chart(
    dir: &Path,
    user: &UserValues,
    options: &HelmOptions,
    scan: &exec::ScanBudget,
) -> ChartOutput {
    // Dicts the templates `set` into themselves are freed with the chart, not leaked.
    let _cycles = value::CycleBreaker::new();
    let (loaded, chart) = chart::load_dir(dir);
    let mut out = ChartOutput {
        files: loaded.files,
        issues: loaded
            .issues
            .into_iter()
            .map(|(f, rule, span, m, h)| (SourceId(f as u32), rule, span, m, h))
            .collect(),
        ..ChartOutput::default()
    };
    let Some(chart) = chart else {
        return out;
    };
    if out
        .issues
        .iter()
        .any(|i| i.1 == "INPUT001" && Some(i.0.0 as usize) == chart.values_file)
    {
        return out;
    }
    // User values carry ids above USER_SOURCE_BASE until relocated.
    let user_docs: Vec<(SourceId, Document)> = user
        .docs
        .iter()
        .map(|(id, d)| {
            (
                SourceId(USER_SOURCE_BASE + id.0),
                Document {
                    tree: Arc::clone(&d.tree),
                    root: d.root,
                },
            )
        })
        .collect();
    let set: Vec<(SourceId, Span, String)> = user
        .set
        .iter()
        .map(|(id, span, a)| (SourceId(USER_SOURCE_BASE + id.0), *span, a.clone()))
        .collect();
    let mut api_versions: Vec<String> =
        BUILTIN_API_VERSIONS.iter().map(|s| s.to_string()).collect();
    api_versions.extend(options.api_versions.iter().cloned());
    let input = render::RenderInput {
        user: &user_docs,
        set: &set,
        release_name: if options.release_name.is_empty() {
            "release-name"
        } else {
            &options.release_name
        },
        namespace: if options.namespace.is_empty() {
            "default"
        } else {
            &options.namespace
        },
        kube_version: if options.kube_version.is_empty() {
            DEFAULT_KUBE_VERSION
        } else {
            &options.kube_version
        },
        api_versions: &api_versions,
        scan,
    };
    let rendered = render::render(&chart, &input);
    out.issues.extend(
        rendered
            .issues
            .into_iter()
            .map(|(f, rule, span, m, h)| (SourceId(f as u32), rule, span, m, h)),
    );
    let mut nodes = NodeBudget {
        left: exec::MAX_CHART_NODES,
        passed: false,
    };
    for m in rendered.manifests {
        let source = SourceId(m.file as u32);
        to_resources(&m, source, &chart.name, &mut nodes, scan, &mut out);
        out.manifests.push((m.name, m.text));
    }
    out
}

impl UserValues {
    /// These values, then `more` (which wins).
    pub fn then(&self, more: &UserValues) -> UserValues {
        let docs = self.docs.iter().chain(&more.docs);
        UserValues {
            docs: docs
                .map(|(id, d)| {
                    (
                        *id,
                        Document {
                            tree: Arc::clone(&d.tree),
                            root: d.root,
                        },
                    )
                })
                .collect(),
            set: self.set.iter().chain(&more.set).cloned().collect(),
        }
    }
}

impl ChartOutput {
    /// The output of a chart whose rendering met a bug: an INPUT007 at its `Chart.yaml`.
    pub fn failed(dir: &Path, panic: &str) -> ChartOutput {
        let display = crate::discover::display_path(&dir.join("Chart.yaml"));
        let issue = crate::finding::internal_error(
            SourceId(0),
            Span::default(),
            "rendering this Helm chart",
            panic,
            "its templates are not checked",
        );
        ChartOutput {
            files: vec![SourceFile::new(display, Arc::from(""))],
            issues: vec![(
                issue.source,
                issue.rule,
                issue.span,
                issue.message,
                issue.help,
            )],
            ..ChartOutput::default()
        }
    }

    /// Moves chart-local ids to `base + id`, and user ids to the ids they stand for.
    pub fn relocate(&mut self, base: u32) {
        let fix = |id: SourceId| {
            if id.0 >= USER_SOURCE_BASE {
                SourceId(id.0 - USER_SOURCE_BASE)
            } else {
                SourceId(base + id.0)
            }
        };
        for r in &mut self.resources {
            r.source = fix(r.source);
        }
        for i in &mut self.issues {
            i.0 = fix(i.0);
        }
        for t in &mut self.traces {
            t.source = fix(t.source);
            t.origin.source = fix(t.origin.source);
        }
    }
}

/// Output offset → template offset, through the executor's segments.
struct SpanMap<'a> {
    segs: &'a [Seg],
}

impl SpanMap<'_> {
    fn seg_at(&self, o: usize) -> Option<&Seg> {
        let i = self.segs.partition_point(|s| out_start(s) <= o);
        let s = self.segs.get(i.checked_sub(1)?)?;
        (o < out_end(s)).then_some(s)
    }

    fn start(&self, o: usize) -> usize {
        match self.seg_at(o) {
            Some(Seg::Literal { out, src, .. }) => src + (o - out),
            Some(Seg::Action { src_start, .. }) => *src_start,
            None => self.end(o),
        }
    }

    fn end(&self, o: usize) -> usize {
        if o == 0 {
            return self.segs.first().map_or(0, |s| match s {
                Seg::Literal { src, .. } => *src,
                Seg::Action { src_start, .. } => *src_start,
            });
        }
        match self.seg_at(o - 1) {
            Some(Seg::Literal { out, src, .. }) => src + (o - out),
            Some(Seg::Action { src_end, .. }) => *src_end,
            None => {
                // Past the last segment: its end.
                let i = self.segs.partition_point(|s| out_start(s) < o);
                match i.checked_sub(1).and_then(|i| self.segs.get(i)) {
                    Some(Seg::Literal { src, len, .. }) => src + len,
                    Some(Seg::Action { src_end, .. }) => *src_end,
                    None => 0,
                }
            }
        }
    }

    fn span(&self, s: Span) -> Span {
        let start = self.start(s.start);
        let end = if s.end > s.start {
            self.end(s.end)
        } else {
            start
        };
        Span::new(start, end)
    }
}

fn out_start(s: &Seg) -> usize {
    match s {
        Seg::Literal { out, .. } => *out,
        Seg::Action { out_start, .. } => *out_start,
    }
}

fn out_end(s: &Seg) -> usize {
    match s {
        Seg::Literal { out, len, .. } => out + len,
        Seg::Action { out_end, .. } => *out_end,
    }
}

/// Parses a manifest's output and adds its resources, spans mapped into the template.
/// The YAML nodes a chart's rendered manifests may still hold; `passed` once reported.
struct NodeBudget {
    left: u64,
    passed: bool,
}

/// Parses a rendered template's manifests into resources (spans mapped back into the
/// template), within what is left of the chart's and the scan's YAML node budgets.
fn to_resources(
    m: &Manifest,
    source: SourceId,
    chart: &str,
    nodes: &mut NodeBudget,
    scan: &exec::ScanBudget,
    out: &mut ChartOutput,
) {
    let map = SpanMap { segs: &m.segs };
    let origin = |o: &value::Origin| Origin {
        source: o.source,
        span: o.span,
        via: Via::ChartValue {
            path: o.path.clone(),
            missing: o.missing,
        },
    };
    for s in &m.segs {
        if let Seg::Action {
            src_start,
            src_end,
            origin: Some(o),
            ..
        } = s
        {
            out.traces.push(Use {
                source,
                span: Span::new(*src_start, *src_end),
                resource: None,
                origin: origin(o),
                withheld: None,
            });
        }
    }
    if !m.false_conditions.is_empty() {
        let text = out.files.get(source.0 as usize).map_or("", |f| &f.text);
        let withheld = Withheld {
            kinds: declared_kinds(text),
        };
        for c in &m.false_conditions {
            out.traces.push(Use {
                source,
                span: Span::new(c.at, c.at),
                resource: None,
                origin: origin(&c.origin),
                withheld: Some(withheld.clone()),
            });
        }
    }
    for (offset, chunk) in split_manifests(&m.text) {
        if chunk.trim().is_empty() {
            continue;
        }
        let shift = |s: Span| Span::new(s.start + offset, s.end + offset);
        if nodes.passed {
            continue;
        }
        let (chart_left, scan_left) = (nodes.left, scan.nodes_left());
        let limit = chart_left.min(scan_left);
        let rendered = SourceFile::new(m.name.clone(), Arc::from(chunk));
        let mut parsed = if limit == 0 {
            yaml::RawYaml {
                tree: Tree::default(),
                roots: Vec::new(),
                error: None,
                nodes: 1,
            }
        } else {
            yaml::parse_limited(&rendered, limit as usize)
        };
        nodes.left = chart_left.saturating_sub(parsed.nodes as u64);
        scan.spend_nodes(parsed.nodes as u64);
        if parsed.nodes as u64 > limit {
            // Reported once per chart, where its budget (or the scan's) ran out.
            nodes.passed = true;
            let whose = if chart_left <= scan_left {
                format!(
                    "chart `{chart}` renders more than {} YAML nodes",
                    exec::MAX_CHART_NODES
                )
            } else {
                format!(
                    "the charts of this scan together render more than {} YAML nodes",
                    exec::MAX_SCAN_NODES
                )
            };
            let at = parsed.error.as_ref().map_or(Span::default(), |e| e.span);
            out.issues.push((
                source,
                "INPUT003",
                map.span(shift(at)),
                format!(
                    "{whose}; the rest of the chart's manifests (from template `{}`) is not checked",
                    m.name
                ),
                "render less (`spoflint render` shows the output), or exclude the chart"
                    .to_string(),
            ));
        } else if let Some(e) = &parsed.error {
            let before = &m.text[..offset];
            let line = before.matches('\n').count() + rendered.line_col(e.span.start).line;
            let text = m.text.lines().nth(line - 1).unwrap_or("").trim_end();
            out.issues.push((
                source,
                "INPUT003",
                map.span(shift(e.span)),
                format!(
                    "chart `{chart}`: template `{}` renders invalid YAML: {} (rendered line {line}: `{text}`)",
                    m.name,
                    e.message.trim_start_matches("invalid YAML: ")
                ),
                "fix the template's indentation or quoting (`spoflint render` shows the output); its other documents were checked"
                    .to_string(),
            ));
        }
        parsed.tree.map_spans(|s| map.span(shift(s)));
        let docs = parsed.finish().documents;
        out.resources
            .extend(crate::ingest::kubernetes::resources(&docs, source));
    }
}

/// Splits rendered output into documents as Helm does (`(?:^|\s*\n)---\s*`): a `---` at
/// the start of a line ends a document, whatever follows it on the line. Returns each
/// document with its offset.
fn split_manifests(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut search = 0;
    while let Some(i) = text[search..].find("---").map(|i| search + i) {
        search = i + 3;
        if i != 0 && !text[..i].ends_with('\n') {
            continue;
        }
        out.push((start, &text[start..i]));
        let rest = &text[i + 3..];
        start = i + 3 + (rest.len() - rest.trim_start().len());
        search = start.max(search);
    }
    out.push((start, &text[start..]));
    out
}

/// The kinds a template declares (`kind: PodDisruptionBudget` lines), rendered or not.
fn declared_kinds(text: &str) -> Vec<String> {
    let mut kinds: Vec<String> = memchr::memmem::find_iter(text.as_bytes(), b"kind: ")
        .map(|i| {
            let rest = &text[i + "kind: ".len()..];
            let end = rest
                .find(|c: char| !c.is_ascii_alphanumeric())
                .unwrap_or(rest.len());
            rest[..end].to_string()
        })
        .filter(|k| !k.is_empty())
        .collect();
    kinds.sort();
    kinds.dedup();
    kinds
}
