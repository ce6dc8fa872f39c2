//! Rendering a loaded chart: Helm's values coalescing (chart defaults, subchart values,
//! `global`, user files, `--set`), dependency `condition`/`tags`, and every template executed
//! with `.Values`, `.Release`, `.Chart`, `.Capabilities`, `.Template` and `.Files`.

use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::sync::Arc;

use super::chart::{Chart, Issue};
use super::exec::{Define, Env, Exec, FalseCondition, Seg};
use super::template;
use super::value::{Obj, Origin, V, Value};
use crate::ingest::yaml::Document;
use crate::model::{SourceId, Span};

/// What a render is given besides the chart.
pub struct RenderInput<'a> {
    /// User values (files, then `--set`), already coalesced, as parsed documents with the
    /// source ids their origins use.
    pub user: &'a [(SourceId, Document)],
    /// `--set` assignments, with the span of each in the `--set` source.
    pub set: &'a [(SourceId, Span, String)],
    pub release_name: &'a str,
    pub namespace: &'a str,
    pub kube_version: &'a str,
    pub api_versions: &'a [String],
    /// What the charts of the scan have spent together.
    pub scan: &'a super::exec::ScanBudget,
}

/// One rendered template file.
pub struct Manifest {
    /// Index of the template file in the chart's loaded files.
    pub file: usize,
    /// Helm's name for it: `mychart/templates/deployment.yaml`.
    pub name: String,
    pub text: String,
    pub segs: Vec<Seg>,
    pub false_conditions: Vec<FalseCondition>,
}

#[derive(Default)]
pub struct Rendered {
    pub manifests: Vec<Manifest>,
    pub issues: Vec<Issue>,
    /// Dependencies missing from `charts/`: their name (or alias) and the index of their
    /// issue, which also lists the templates that could not render without them.
    missing: Vec<(String, usize, Vec<String>)>,
}

/// Source ids of chart-local files are their index in the chart's loaded files; user values
/// sources keep their (global) ids, which are told apart by this offset.
pub const USER_SOURCE_BASE: u32 = u32::MAX / 2;

/// An enabled chart of the tree with its final values and its name as the parent sees it.
struct Node<'c> {
    chart: &'c Chart,
    name: String,
    /// Template-name prefix: `parent/charts/<name or alias>`.
    prefix: String,
    parent: Option<usize>,
    values: Value,
}

impl Node<'_> {
    fn template_name(&self, rel: &str) -> String {
        format!("{}/{rel}", self.prefix)
    }
}

pub fn render(chart: &Chart, input: &RenderInput<'_>) -> Rendered {
    let mut out = Rendered::default();
    let user = user_values(input);
    let mut nodes = Vec::new();
    let top = Parent {
        index: None,
        prefix: chart.name.clone(),
        path: String::new(),
        top: None,
    };
    resolve(chart, &chart.name, user, &top, &mut nodes, &mut out);
    // Named templates: every chart's, deepest first so that parents override.
    let mut order: Vec<&Node> = nodes.iter().collect();
    order.sort_by_key(|n| std::cmp::Reverse(n.prefix.matches('/').count()));
    let mut defines = HashMap::new();
    for n in &order {
        for t in &n.chart.templates {
            if let Some(p) = &t.parsed {
                // Every file is a template of its own name too (`include (print
                // $.Template.BasePath "/configmap.yaml") .` for checksums).
                defines.insert(
                    n.template_name(&t.rel),
                    Define {
                        body: Rc::new(p.body.clone()),
                        file: t.file,
                    },
                );
                for (name, body) in &p.defines {
                    defines.insert(
                        name.clone(),
                        Define {
                            body: Rc::new(body.clone()),
                            file: t.file,
                        },
                    );
                }
            }
        }
    }
    let parse = |src: &str| {
        template::parse(src)
            .map_err(|e| format!("{} (at byte {} of the template text)", e.message, e.offset))
    };
    let env = Env {
        defines: &defines,
        parse: &parse,
        chart_steps: Default::default(),
        chart_bytes: Default::default(),
        chart_segs: Default::default(),
        chart_cells: Default::default(),
    };
    let capabilities = capabilities(input);
    let release = release(input);
    // Each chart's top-level objects; `.Subcharts` holds its enabled subcharts' (children
    // come after their parent in `nodes`, so build from the end).
    let mut scopes: Vec<Value> = vec![Value::nil(); nodes.len()];
    for (i, n) in nodes.iter().enumerate().rev() {
        let subcharts = Value::new_map();
        for (j, child) in nodes.iter().enumerate().skip(i + 1) {
            if child.parent == Some(i) {
                let _ = subcharts.map_set(&child.name, scopes[j].clone());
            }
        }
        scopes[i] = map([
            ("Values", n.values.clone()),
            ("Release", release.clone()),
            ("Chart", chart_meta(n)),
            ("Capabilities", capabilities.clone()),
            (
                "Files",
                Value::from(V::Obj(Obj::Files(Arc::clone(&n.chart.files)))),
            ),
            ("Subcharts", subcharts),
        ]);
    }
    for (n, scope) in nodes.iter().zip(&scopes) {
        for t in &n.chart.templates {
            let Some(parsed) = &t.parsed else { continue };
            let base = t.rel.rsplit('/').next().unwrap_or(&t.rel);
            if base.starts_with('_') || base == "NOTES.txt" {
                continue;
            }
            let name = n.template_name(&t.rel);
            let mut data = scope.map_entries();
            data.insert(
                "Template".into(),
                map([
                    ("Name", Value::from(name.as_str())),
                    ("BasePath", Value::from(format!("{}/templates", n.prefix))),
                ]),
            );
            let data = Value::from(data);
            if let Some(bound) = input.scan.exhausted() {
                out.issues.push((
                    t.file,
                    "INPUT003",
                    Span::new(0, 0),
                    format!(
                        "chart `{}`: template `{}` was not rendered: the charts of this scan together took {bound}",
                        chart.name, t.rel
                    ),
                    "scan fewer charts at once, or exclude the chart whose templates take so much"
                        .to_string(),
                ));
                continue;
            }
            let mut exec = Exec::new(&env, t.file);
            let result = exec.run(&parsed.body, data);
            input.scan.spend(exec.steps(), exec.written as u64);
            match result {
                Ok(text) => out.manifests.push(Manifest {
                    file: t.file,
                    name,
                    text,
                    segs: std::mem::take(&mut exec.segs),
                    false_conditions: std::mem::take(&mut exec.false_conditions),
                }),
                Err(e) => {
                    // A template a missing dependency would define: that dependency's issue
                    // says so, once, rather than one issue per template that uses it.
                    if let Some(dep) = missing_definer(&out.missing, &e.message) {
                        out.missing[dep].2.push(t.rel.clone());
                        continue;
                    }
                    out.issues.push((
                        e.file,
                        "INPUT003",
                        Span::new(e.at, e.at),
                        format!("chart `{}`: template `{}`: {}", chart.name, t.rel, e.message),
                        "the template was not rendered (its resources are not checked); the chart's other templates were"
                            .to_string(),
                    ))
                }
            }
        }
    }
    for (_, issue, templates) in std::mem::take(&mut out.missing) {
        if templates.is_empty() {
            continue;
        }
        const SHOWN: usize = 5;
        let mut list = templates[..templates.len().min(SHOWN)].join(", ");
        if templates.len() > SHOWN {
            list.push_str(&format!(" and {} more", templates.len() - SHOWN));
        }
        out.issues[issue].3.push_str(&format!(
            "; {} that call{} its templates could not be rendered ({list}), so {} not checked",
            crate::finding::count(templates.len() as i64, "template"),
            if templates.len() == 1 { "s" } else { "" },
            if templates.len() == 1 {
                "its resources are"
            } else {
                "their resources are"
            },
        ));
    }
    out
}

/// The missing dependency that would define the template an error says is missing
/// (`no template "common.names.fullname"`): the one whose name starts the template's name,
/// else the only one. `None` for other errors.
fn missing_definer(missing: &[(String, usize, Vec<String>)], message: &str) -> Option<usize> {
    if missing.is_empty() {
        return None;
    }
    let at = message.find("no template \"")? + "no template \"".len();
    let name = &message[at..at + message[at..].find('"')?];
    missing
        .iter()
        .position(|(dep, _, _)| {
            name.strip_prefix(dep.as_str())
                .is_some_and(|rest| rest.starts_with(['.', '-', '_']))
        })
        .or((missing.len() == 1).then_some(0))
}

fn map<const N: usize>(entries: [(&str, Value); N]) -> Value {
    entries
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect::<BTreeMap<_, _>>()
        .into()
}

fn release(input: &RenderInput<'_>) -> Value {
    map([
        ("Name", Value::from(input.release_name)),
        ("Namespace", Value::from(input.namespace)),
        ("IsInstall", Value::from(true)),
        ("IsUpgrade", Value::from(false)),
        ("Revision", Value::from(1i64)),
        ("Service", Value::from("Helm")),
    ])
}

fn capabilities(input: &RenderInput<'_>) -> Value {
    let v = input.kube_version.trim_start_matches('v');
    let mut parts = v.split('.');
    let major = parts.next().unwrap_or("1").to_string();
    let minor = parts.next().unwrap_or("0").to_string();
    let version = format!("v{v}");
    let kube = map([
        ("Version", Value::from(version.as_str())),
        ("GitVersion", Value::from(version.as_str())),
        ("Major", Value::from(major)),
        ("Minor", Value::from(minor)),
    ]);
    map([
        ("KubeVersion", kube),
        (
            "APIVersions",
            V::Obj(Obj::ApiVersions(Arc::new(input.api_versions.to_vec()))).into(),
        ),
        (
            "HelmVersion",
            map([
                ("Version", Value::from("v3.16.0")),
                ("GitCommit", Value::from("")),
                ("GitTreeState", Value::from("")),
                ("GoVersion", Value::from("go1.22")),
            ]),
        ),
    ])
}

/// `.Chart`: Chart.yaml with Helm's capitalised field names.
fn chart_meta(n: &Node<'_>) -> Value {
    let mut m = BTreeMap::new();
    if let Some(doc) = &n.chart.meta {
        let v = Value::from_yaml(doc.tree.val(doc.root), None, "");
        for (k, x) in v.map_entries() {
            let key = match k.as_str() {
                "apiVersion" => "APIVersion".to_string(),
                "appVersion" => "AppVersion".to_string(),
                "kubeVersion" => "KubeVersion".to_string(),
                _ => {
                    let mut c = k.chars();
                    c.next()
                        .map(|f| f.to_uppercase().chain(c).collect())
                        .unwrap_or_default()
                }
            };
            // Versions are strings in Chart metadata, even when YAML reads `1.0` as a number.
            let x = match (&x.v, key.as_str()) {
                (V::Float(_), "Version" | "AppVersion") => {
                    let src = doc.tree.val(doc.root);
                    let raw = src
                        .get(&k)
                        .and_then(|r| r.scalar_text())
                        .unwrap_or_default();
                    Value::from(raw)
                }
                _ => x,
            };
            m.insert(key, x);
        }
    }
    m.insert("Name".into(), Value::from(n.name.as_str()));
    m.into()
}

/// The user's values: files in order, then `--set`, later ones winning.
fn user_values(input: &RenderInput<'_>) -> Value {
    let mut acc = Value::new_map();
    for (source, doc) in input.user {
        let v = Value::from_yaml(doc.tree.val(doc.root), Some(*source), "");
        if v.as_map().is_some() {
            acc = coalesce(&v, &acc);
        }
    }
    for (source, span, assignment) in input.set {
        let origin = Rc::new(Origin {
            source: *source,
            span: *span,
            path: assignment
                .trim_start_matches("\u{0}string:")
                .split('=')
                .next()
                .unwrap_or("")
                .to_string(),
            missing: false,
        });
        let parsed = match assignment.strip_prefix("\u{0}string:") {
            Some(a) => super::strvals::parse_string(a, Some(origin)),
            None => super::strvals::parse(assignment, Some(origin)),
        };
        if let Ok(v) = parsed {
            acc = coalesce(&v, &acc);
        }
    }
    acc
}

/// Helm's coalescing: `hi` wins; maps merge deeply; a null in `hi` deletes the key.
pub fn coalesce(hi: &Value, lo: &Value) -> Value {
    coalesce_depth(hi, lo, 0)
}

fn coalesce_depth(hi: &Value, lo: &Value, depth: usize) -> Value {
    match (&hi.v, &lo.v) {
        (V::Map(_), V::Map(_)) if depth < 100 => {
            let mut out = lo.map_entries();
            for (k, h) in hi.map_entries() {
                if h.is_nil() {
                    out.remove(&k);
                    continue;
                }
                let merged = match out.get(&k) {
                    Some(l) => coalesce_depth(&h, l, depth + 1),
                    None => h,
                };
                out.insert(k, merged);
            }
            Value::from(out).with_origin(hi.origin.clone().or_else(|| lo.origin.clone()))
        }
        _ => hi.clone(),
    }
}

/// Where a chart sits in the tree: its parent's node, its template-name prefix, its values
/// path from the top (`cache`), and the top chart's values (for `tags`).
struct Parent<'v> {
    index: Option<usize>,
    prefix: String,
    path: String,
    top: Option<&'v Value>,
}

/// Coalesces `chart`'s defaults under `incoming`, resolves its dependencies (enabled ones get
/// their values under their name, with the parent's `global`), and pushes every enabled chart
/// to `nodes`. Returns the chart's final values. (Loading bounds the nesting of subcharts.)
fn resolve<'c>(
    chart: &'c Chart,
    name: &str,
    incoming: Value,
    at: &Parent<'_>,
    nodes: &mut Vec<Node<'c>>,
    out: &mut Rendered,
) -> Value {
    let path = at.path.as_str();
    let top = at.top;
    let defaults = chart
        .values
        .as_ref()
        .zip(chart.values_file)
        .map(|(doc, f)| Value::from_yaml(doc.tree.val(doc.root), Some(SourceId(f as u32)), path))
        .filter(|v| v.as_map().is_some())
        .unwrap_or_else(Value::new_map);
    let merged = coalesce(&incoming, &defaults);
    let index = nodes.len();
    nodes.push(Node {
        chart,
        name: name.to_string(),
        prefix: at.prefix.clone(),
        parent: at.index,
        values: merged.clone(),
    });
    // Dependencies as Chart.yaml lists them; subcharts it does not list are enabled.
    let deps = dependencies(chart);
    let top_values = top.cloned().unwrap_or_else(|| merged.clone());
    for sub in &chart.subcharts {
        let entries: Vec<&Dependency> = deps.iter().filter(|d| d.name == sub.name).collect();
        let uses: Vec<(String, Option<&Dependency>)> = if entries.is_empty() {
            vec![(sub.name.clone(), None)]
        } else {
            entries
                .iter()
                .map(|d| (d.alias.clone().unwrap_or_else(|| d.name.clone()), Some(*d)))
                .collect()
        };
        for (as_name, dep) in uses {
            let sub_path = if path.is_empty() {
                as_name.clone()
            } else {
                format!("{path}.{as_name}")
            };
            // A copy of the parent's section (coalescing onto nothing copies), so setting its
            // `global` below leaves the parent's values alone.
            let sub_in = merged
                .map_get(&as_name)
                .filter(|v| v.as_map().is_some())
                .map_or_else(Value::new_map, |v| coalesce(&v, &Value::new_map()));
            // The parent's globals win over the subchart's.
            let parent_global = merged.map_get("global").unwrap_or_else(Value::new_map);
            let own_global = sub_in.map_get("global").unwrap_or_else(Value::new_map);
            let _ = sub_in.map_set("global", coalesce(&parent_global, &own_global));
            let mark = nodes.len();
            let sub_at = Parent {
                index: Some(index),
                prefix: format!("{}/charts/{as_name}", at.prefix),
                path: sub_path,
                top: Some(&top_values),
            };
            let sub_values = resolve(sub, &as_name, sub_in, &sub_at, nodes, out);
            let _ = merged.map_set(&as_name, sub_values);
            if let Some(dep) = dep
                && !enabled(dep, &merged, &top_values)
            {
                nodes.truncate(mark);
            }
        }
    }
    // Dependencies Chart.yaml lists but `charts/` does not hold (not built yet).
    for dep in &deps {
        let present = chart.subcharts.iter().any(|s| s.name == dep.name)
            || chart
                .unreadable
                .iter()
                .any(|a| *a == dep.name || a.starts_with(&format!("{}-", dep.name)));
        if !present
            && enabled(dep, &merged, &top_values)
            && let Some(file) = chart.chart_file
        {
            out.missing.push((
                dep.alias.clone().unwrap_or_else(|| dep.name.clone()),
                out.issues.len(),
                Vec::new(),
            ));
            out.issues.push((
                file,
                "INPUT003",
                dep.span,
                format!(
                    "chart `{}`: dependency `{}` is not in its charts/ directory; the chart was rendered without it",
                    chart.name, dep.name
                ),
                "run `helm dependency build` (spoflint never downloads charts), or disable the dependency with its condition"
                    .to_string(),
            ));
        }
    }
    nodes[index].values = merged.clone();
    merged
}

struct Dependency {
    /// The `name:` entry in Chart.yaml.
    span: Span,
    name: String,
    alias: Option<String>,
    condition: Option<String>,
    tags: Vec<String>,
}

fn dependencies(chart: &Chart) -> Vec<Dependency> {
    let Some(doc) = &chart.meta else {
        return Vec::new();
    };
    let root = doc.tree.val(doc.root);
    let Some(list) = root.get("dependencies") else {
        return Vec::new();
    };
    list.items()
        .filter_map(|d| {
            Some(Dependency {
                span: d.get("name")?.field_span(),
                name: d.get("name")?.scalar_text()?,
                alias: d
                    .get("alias")
                    .and_then(|a| a.scalar_text())
                    .filter(|a| !a.is_empty()),
                condition: d
                    .get("condition")
                    .and_then(|c| c.scalar_text())
                    .filter(|c| !c.is_empty()),
                tags: d
                    .get("tags")
                    .map(|t| t.items().filter_map(|x| x.scalar_text()).collect())
                    .unwrap_or_default(),
            })
        })
        .collect()
}

/// Helm's rule: the first condition path that holds a boolean decides; otherwise any tag set
/// to true enables, all tags false disables; otherwise enabled.
fn enabled(dep: &Dependency, parent: &Value, top: &Value) -> bool {
    if let Some(cond) = &dep.condition {
        for path in cond.split(',').map(str::trim) {
            let mut v = parent.clone();
            let mut found = true;
            for key in path.split('.') {
                match v.map_get(key) {
                    Some(x) => v = x,
                    None => {
                        found = false;
                        break;
                    }
                }
            }
            if found && let V::Bool(b) = v.v {
                return b;
            }
        }
    }
    if !dep.tags.is_empty() {
        let tags = top.map_get("tags").unwrap_or_default();
        let set: Vec<bool> = dep
            .tags
            .iter()
            .filter_map(|t| match tags.map_get(t).map(|v| v.v) {
                Some(V::Bool(b)) => Some(b),
                _ => None,
            })
            .collect();
        if !set.is_empty() {
            return set.contains(&true);
        }
    }
    true
}
