//! `.spoflint.yaml`: rules and layers on or off, severity overrides, rule parameters, paths to
//! exclude, Terraform variables and Helm values (also per chart).
//!
//! Found by walking up from the first scanned path, or given with `--config`. Paths in it are
//! relative to its directory. Unknown keys, unknown rules or parameters and values of the
//! wrong type are errors with the key's location.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::finding::{Layer, Severity};
use crate::model::{SourceFile, Span, Val};

/// Config file names looked for, in order.
pub use crate::ingest::helm::ChartConfig;

pub const FILE_NAMES: &[&str] = crate::discover::CONFIG_FILE_NAMES;

/// A rule's settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RuleConfig {
    pub enabled: Option<bool>,
    pub severity: Option<Severity>,
    pub params: BTreeMap<String, i64>,
}

/// A loaded configuration (empty when there is none).
#[derive(Debug, Clone, Default)]
pub struct Config {
    /// Where it was read from.
    pub path: Option<PathBuf>,
    pub rules: HashMap<String, RuleConfig>,
    pub disabled_layers: HashSet<Layer>,
    /// Glob patterns (gitignore syntax) relative to the config's directory.
    pub exclude: Vec<String>,
    pub var_files: Vec<PathBuf>,
    pub vars: Vec<(String, String)>,
    pub helm_values: Vec<PathBuf>,
    pub helm_set: Vec<String>,
    pub kube_version: Option<String>,
    pub api_versions: Vec<String>,
    pub release_name: Option<String>,
    pub namespace: Option<String>,
    pub charts: Vec<ChartConfig>,
    /// `kustomize:`: whether kustomizations are built, and which roots.
    pub kustomize: crate::ingest::kustomize::Options,
    /// Extra words that mark (or rule out) a data store.
    pub classify: crate::facts::classify::Classify,
    /// The failure domain the system is meant to survive: with `zone`, the rules that ask
    /// for a copy in a second region (`protects: region`) are left out.
    pub expect: Expect,
    /// `targets:` and `system:`: what the system must reach, declared dependencies and
    /// automated failovers, figure overrides.
    pub system: crate::system::SystemSettings,
    /// `policies:`: Rego policy files and directories.
    pub policies: Vec<PathBuf>,
    /// Ids under `rules:` that name no built-in rule, with where they are written: they must
    /// name a user policy ([`Config::check_policy_rules`]).
    pub policy_rules: Vec<(String, Span)>,
    /// The file (path, text), kept for the errors of [`Config::check_policy_rules`].
    pub file: Option<(String, Arc<str>)>,
}

impl Config {
    /// Checks that the ids under `rules:` that are not built-in name one of `policy_ids` (the
    /// loaded policies'); an error located at the first that does not.
    pub fn check_policy_rules(&self, policy_ids: &[&str]) -> Result<(), ConfigError> {
        for (id, span) in &self.policy_rules {
            if !policy_ids.iter().any(|p| p.eq_ignore_ascii_case(id)) {
                return Err(ConfigError {
                    file: match &self.file {
                        Some((path, text)) => SourceFile::new(path.clone(), text.clone()),
                        None => SourceFile::new(String::new(), Arc::from("")),
                    },
                    span: *span,
                    message: format!(
                        "unknown rule `{id}`: no built-in rule or loaded policy has this id (see `spoflint rules`)"
                    ),
                });
            }
        }
        Ok(())
    }
}

/// The failure domain a system is meant to survive (`expect:` in `.spoflint.yaml`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Expect {
    /// A zone: cross-region rules are off.
    Zone,
    /// A region (the default): every rule runs.
    #[default]
    Region,
}

/// A config file problem, located.
#[derive(Debug)]
pub struct ConfigError {
    pub file: SourceFile,
    pub span: Span,
    pub message: String,
}

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let at = self.file.line_col(self.span.start);
        write!(
            f,
            "{}:{}:{}: {}",
            self.file.path, at.line, at.col, self.message
        )
    }
}

/// The config file for a scan of `start`: the nearest `.spoflint.yaml` in it or above it, but
/// not above the top of its git repository (a file there is not the repository's to set).
pub fn find(start: &Path) -> Option<PathBuf> {
    let start = std::fs::canonicalize(start).ok()?;
    let first = if start.is_dir() {
        start.as_path()
    } else {
        start.parent()?
    };
    let top = crate::discover::repository_root(first);
    for d in first.ancestors() {
        for name in FILE_NAMES {
            let candidate = d.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
        if top.as_deref() == Some(d) {
            break;
        }
    }
    None
}

/// Largest configuration file read.
pub const MAX_BYTES: u64 = 1 << 20;

/// Reads and validates a config file.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text =
        crate::read_option_file("config file", path, MAX_BYTES).map_err(|message| ConfigError {
            file: SourceFile::new(crate::discover::display_path(path), Arc::from("")),
            span: Span::default(),
            message,
        })?;
    parse(path, text)
}

/// Parses config text read from `path`.
pub fn parse(path: &Path, text: String) -> Result<Config, ConfigError> {
    let file = SourceFile::new(crate::discover::display_path(path), Arc::from(text));
    let parsed = crate::ingest::yaml::parse(&file);
    if let Some(e) = parsed.error {
        return Err(ConfigError {
            file,
            span: e.span,
            message: e.message,
        });
    }
    let base = path.parent().unwrap_or(Path::new("")).to_path_buf();
    let mut config = Config {
        path: Some(path.to_path_buf()),
        ..Config::default()
    };
    let result = match parsed.documents.first() {
        None => Ok(()),
        Some(doc) => {
            let root = doc.tree.val(doc.root);
            if root.is_null() {
                Ok(())
            } else {
                let named = path
                    .file_name()
                    .is_some_and(|n| FILE_NAMES.iter().any(|f| n == *f));
                Reader { base: &base }.root(root, &mut config, named)
            }
        }
    };
    if let Err((span, message)) = result {
        return Err(ConfigError {
            file,
            span,
            message,
        });
    }
    if config.system.has_references() {
        config.system.file = Some((file.path.clone(), file.text.clone()));
    }
    if !config.policy_rules.is_empty() {
        config.file = Some((file.path.clone(), file.text.clone()));
    }
    Ok(config)
}

type R<T> = Result<T, (Span, String)>;

/// The keys a configuration file may have at its top.
const ROOT_KEYS: &[&str] = &[
    "rules",
    "layers",
    "exclude",
    "terraform",
    "helm",
    "kustomize",
    "classify",
    "cicd",
    "targets",
    "system",
    "policies",
];

fn not_a_config() -> String {
    format!(
        "not a spoflint configuration file: it is not a mapping with any of the keys {}",
        ROOT_KEYS.join(", ")
    )
}

fn err<T>(v: &Val<'_>, message: impl Into<String>) -> R<T> {
    Err((v.field_span(), message.into()))
}

fn key_err<T>(v: &Val<'_>, message: impl Into<String>) -> R<T> {
    Err((v.key_span().unwrap_or(v.span()), message.into()))
}

struct Reader<'b> {
    base: &'b Path,
}

/// The entries of a mapping; anything else is an error.
fn entries<'a>(v: Val<'a>, what: &str) -> R<Vec<(&'a str, Val<'a>)>> {
    if v.is_null() {
        return Ok(Vec::new());
    }
    if !v.is_map() {
        return err(&v, format!("`{what}` must be a mapping"));
    }
    Ok(v.entries())
}

fn string(v: &Val<'_>, what: &str) -> R<String> {
    v.scalar_text()
        .filter(|_| !v.is_map() && !matches!(v.kind(), crate::model::NodeKind::Seq(_)))
        .ok_or_else(|| (v.field_span(), format!("`{what}` must be a string")))
}

fn strings(v: Val<'_>, what: &str) -> R<Vec<String>> {
    match v.kind() {
        crate::model::NodeKind::Seq(_) => v.items().map(|i| string(&i, what)).collect(),
        crate::model::NodeKind::Null => Ok(Vec::new()),
        _ => err(&v, format!("`{what}` must be a list")),
    }
}

fn boolean(v: &Val<'_>, what: &str) -> R<bool> {
    match v.as_bool() {
        Some(b) => Ok(b),
        None => match v.as_str() {
            Some("on") => Ok(true),
            Some("off") => Ok(false),
            _ => err(v, format!("`{what}` must be true/false (or on/off)")),
        },
    }
}

impl Reader<'_> {
    fn path(&self, s: &str) -> PathBuf {
        crate::discover::normalize(&self.base.join(s))
    }

    /// Reads the top of the file; `named` when it is called `.spoflint.yaml`.
    fn root(&self, root: Val<'_>, c: &mut Config, named: bool) -> R<()> {
        // A file given with `--config` that has none of our keys is not a spoflint
        // configuration (the wrong file): say so without quoting it, as it may hold secrets.
        // In a `.spoflint.yaml`, an unknown key is a typo, and named as such.
        let keys = entries(root, "the config")
            .map_err(|e| if named { e } else { (e.0, not_a_config()) })?;
        if !named && !keys.is_empty() && !keys.iter().any(|(k, _)| ROOT_KEYS.contains(k)) {
            return Err((root.span(), not_a_config()));
        }
        for (key, v) in keys {
            match key {
                "rules" => self.rules(v, c)?,
                "layers" => {
                    for (name, on) in entries(v, "layers")? {
                        let Some(layer) = Layer::parse(name) else {
                            return key_err(
                                &on,
                                format!(
                                    "unknown layer `{name}` (one of network, compute, control, data, dns, cicd, gitops, security)"
                                ),
                            );
                        };
                        if !boolean(&on, &format!("layers.{name}"))? {
                            c.disabled_layers.insert(layer);
                        }
                    }
                }
                "exclude" => c.exclude = strings(v, "exclude")?,
                "terraform" => {
                    for (k, x) in entries(v, "terraform")? {
                        match k {
                            "var_files" => {
                                c.var_files = strings(x, "terraform.var_files")?
                                    .iter()
                                    .map(|p| self.path(p))
                                    .collect()
                            }
                            "vars" => {
                                for (name, value) in entries(x, "terraform.vars")? {
                                    c.vars.push((
                                        name.to_string(),
                                        string(&value, &format!("terraform.vars.{name}"))?,
                                    ));
                                }
                            }
                            _ => {
                                return key_err(
                                    &x,
                                    format!("unknown key `terraform.{k}` (var_files, vars)"),
                                );
                            }
                        }
                    }
                }
                "helm" => self.helm(v, c)?,
                "kustomize" => {
                    for (k, x) in entries(v, "kustomize")? {
                        match k {
                            "build" => c.kustomize.build = boolean(&x, "kustomize.build")?,
                            "roots" => {
                                c.kustomize.roots = strings(x, "kustomize.roots")?
                                    .iter()
                                    .map(|p| self.path(p))
                                    .collect()
                            }
                            _ => {
                                return key_err(
                                    &x,
                                    format!("unknown key `kustomize.{k}` (build, roots)"),
                                );
                            }
                        }
                    }
                }
                "expect" => {
                    c.expect = match string(&v, "expect")?.as_str() {
                        "zone" => Expect::Zone,
                        "region" => Expect::Region,
                        other => {
                            return err(&v, format!("unknown `expect: {other}` (zone or region)"));
                        }
                    }
                }
                "classify" => {
                    for (k, x) in entries(v, "classify")? {
                        let words = strings(x, &format!("classify.{k}"))?
                            .into_iter()
                            .map(|w| w.to_ascii_lowercase())
                            .collect();
                        match k {
                            "data_stores" => c.classify.data_stores = words,
                            "not_data_stores" => c.classify.not_data_stores = words,
                            _ => {
                                return key_err(
                                    &x,
                                    format!(
                                        "unknown key `classify.{k}` (data_stores, not_data_stores)"
                                    ),
                                );
                            }
                        }
                    }
                }
                "cicd" => {
                    for (k, x) in entries(v, "cicd")? {
                        let list = strings(x, &format!("cicd.{k}"))?;
                        let ci = &mut c.classify.cicd;
                        match k {
                            "deploy_commands" => {
                                for (i, pattern) in list.iter().enumerate() {
                                    if let Err(e) = regex::Regex::new(pattern) {
                                        let item = x.items().nth(i).unwrap_or(x);
                                        // The regex crate's message ends with the cause.
                                        let text = e.to_string();
                                        let why = text
                                            .lines()
                                            .last()
                                            .unwrap_or_default()
                                            .trim_start_matches("error: ");
                                        return err(
                                            &item,
                                            format!(
                                                "`cicd.deploy_commands`: invalid regular expression: {why}"
                                            ),
                                        );
                                    }
                                }
                                ci.deploy_commands = list;
                            }
                            "deploy_actions" => {
                                ci.deploy_actions =
                                    list.into_iter().map(|a| a.to_ascii_lowercase()).collect()
                            }
                            "not_deploy_environments" => ci.not_deploy_environments = list,
                            "mirrored_registries" => {
                                ci.mirrored_registries =
                                    list.into_iter().map(|h| h.to_ascii_lowercase()).collect()
                            }
                            _ => {
                                return key_err(
                                    &x,
                                    format!(
                                        "unknown key `cicd.{k}` (deploy_commands, deploy_actions, not_deploy_environments, mirrored_registries)"
                                    ),
                                );
                            }
                        }
                    }
                }
                "targets" => targets(v, &mut c.system.targets)?,
                "system" => system(v, &mut c.system)?,
                "policies" => {
                    c.policies = strings(v, "policies")?
                        .iter()
                        .map(|p| self.path(p))
                        .collect()
                }
                _ => {
                    return key_err(
                        &v,
                        format!(
                            "unknown key `{key}` (rules, layers, exclude, terraform, helm, classify, cicd, expect, targets, system, policies)"
                        ),
                    );
                }
            }
        }
        Ok(())
    }

    fn rules(&self, v: Val<'_>, c: &mut Config) -> R<()> {
        let catalog = crate::rules::catalog().map_err(|e| (v.span(), e))?;
        for (id, setting) in entries(v, "rules")? {
            let upper = id.to_ascii_uppercase();
            let meta = catalog.get(&upper);
            if meta.is_none() {
                // A user policy's id, checked once the policies are loaded.
                c.policy_rules
                    .push((upper.clone(), setting.key_span().unwrap_or(setting.span())));
            }
            let mut rc = RuleConfig::default();
            if setting.is_map() {
                for (k, x) in setting.entries() {
                    match k {
                        "enabled" => {
                            rc.enabled = Some(boolean(&x, &format!("rules.{id}.enabled"))?)
                        }
                        "severity" => {
                            let s = string(&x, "severity")?;
                            rc.severity = Some(Severity::parse(&s).ok_or_else(|| {
                                (
                                    x.field_span(),
                                    format!("unknown severity `{s}` (error, warning, info)"),
                                )
                            })?);
                        }
                        param => {
                            let parameters = meta.map(|m| m.parameters.as_slice()).unwrap_or(&[]);
                            if !parameters.iter().any(|p| p.name == param) {
                                let known: Vec<&str> =
                                    parameters.iter().map(|p| p.name.as_str()).collect();
                                return key_err(
                                    &x,
                                    format!(
                                        "unknown key `{param}` for {upper}: enabled, severity{}",
                                        if known.is_empty() {
                                            String::new()
                                        } else {
                                            format!(", or a parameter ({})", known.join(", "))
                                        }
                                    ),
                                );
                            }
                            let Some(n) = x.as_i64() else {
                                return err(
                                    &x,
                                    format!("parameter `{param}` of {upper} must be an integer"),
                                );
                            };
                            rc.params.insert(param.to_string(), n);
                        }
                    }
                }
            } else {
                rc.enabled = Some(boolean(&setting, &format!("rules.{id}"))?);
            }
            c.rules.insert(upper, rc);
        }
        Ok(())
    }

    fn helm(&self, v: Val<'_>, c: &mut Config) -> R<()> {
        for (k, x) in entries(v, "helm")? {
            match k {
                "values" => {
                    c.helm_values = strings(x, "helm.values")?
                        .iter()
                        .map(|p| self.path(p))
                        .collect()
                }
                "set" => c.helm_set = set_list(x, "helm.set")?,
                "kube_version" => c.kube_version = Some(string(&x, "helm.kube_version")?),
                "api_versions" => c.api_versions = strings(x, "helm.api_versions")?,
                "release_name" => c.release_name = Some(string(&x, "helm.release_name")?),
                "namespace" => c.namespace = Some(string(&x, "helm.namespace")?),
                "charts" => {
                    for (dir, settings) in entries(x, "helm.charts")? {
                        let mut chart = ChartConfig {
                            dir: self.path(dir),
                            ..ChartConfig::default()
                        };
                        for (ck, cx) in entries(settings, &format!("helm.charts.{dir}"))? {
                            match ck {
                                "values" => {
                                    chart.values = strings(cx, "values")?
                                        .iter()
                                        .map(|p| self.path(p))
                                        .collect()
                                }
                                "set" => chart.set = set_list(cx, "set")?,
                                _ => {
                                    return key_err(
                                        &cx,
                                        format!("unknown key `{ck}` for a chart (values, set)"),
                                    );
                                }
                            }
                        }
                        c.charts.push(chart);
                    }
                }
                _ => {
                    return key_err(
                        &x,
                        format!(
                            "unknown key `helm.{k}` (values, set, kube_version, api_versions, release_name, namespace, charts)"
                        ),
                    );
                }
            }
        }
        Ok(())
    }
}

/// `set:` as a mapping of dotted keys to values (or a list of `key=value` strings).
/// `targets: {availability: 99.99, rto: 5m, rpo: 1m}`.
fn targets(v: Val<'_>, t: &mut crate::system::Targets) -> R<()> {
    use crate::system::settings::{parse_duration, parse_percent};
    for (k, x) in entries(v, "targets")? {
        let text = string(&x, &format!("targets.{k}"))?;
        let located = |e: String| (x.field_span(), format!("`targets.{k}`: {e}"));
        let at = Some(x.field_span());
        match k {
            "availability" => {
                t.availability = Some(parse_percent(&text).map_err(located)?);
                t.at[0] = at;
            }
            "rto" => {
                t.rto = Some(parse_duration(&text).map_err(located)?);
                t.at[1] = at;
            }
            "rpo" => {
                t.rpo = Some(parse_duration(&text).map_err(located)?);
                t.at[2] = at;
            }
            _ => {
                return key_err(
                    &x,
                    format!("unknown key `targets.{k}` (availability, rto, rpo)"),
                );
            }
        }
    }
    Ok(())
}

/// A component reference with its span.
fn reference(v: &Val<'_>, what: &str) -> R<crate::system::Reference> {
    Ok(crate::system::Reference {
        text: string(v, what)?,
        span: v.field_span(),
    })
}

/// `system:` (see [`crate::system::SystemSettings`]).
fn system(v: Val<'_>, s: &mut crate::system::SystemSettings) -> R<()> {
    use crate::system::settings::{parse_duration, parse_percent};
    for (k, x) in entries(v, "system")? {
        match k {
            "depends_on" => {
                for (from, tos) in entries(x, "system.depends_on")? {
                    let what = format!("system.depends_on.{from}");
                    let list = match tos.kind() {
                        crate::model::NodeKind::Seq(_) => tos
                            .items()
                            .map(|i| reference(&i, &what))
                            .collect::<R<Vec<_>>>()?,
                        _ => vec![reference(&tos, &what)?],
                    };
                    let from_ref = crate::system::Reference {
                        text: from.to_string(),
                        span: tos.key_span().unwrap_or(tos.span()),
                    };
                    s.depends_on.push((from_ref, list));
                }
            }
            "automated_failover" => match x.kind() {
                crate::model::NodeKind::Seq(_) => {
                    for i in x.items() {
                        s.automated_failover
                            .push(reference(&i, "system.automated_failover")?);
                    }
                }
                _ => return err(&x, "`system.automated_failover` must be a list"),
            },
            "response_time" => {
                let text = string(&x, "system.response_time")?;
                s.response_time = Some(
                    parse_duration(&text)
                        .map_err(|e| (x.field_span(), format!("`system.response_time`: {e}")))?,
                );
            }
            "figures" => {
                for (key, f) in entries(x, "system.figures")? {
                    let text = string(&f, &format!("system.figures.{key}"))?;
                    if !crate::system::figures::shipped()
                        .availability
                        .contains_key(key)
                    {
                        return key_err(
                            &f,
                            format!("unknown availability figure `{key}` (see `spoflint figures`)"),
                        );
                    }
                    let p = parse_percent(&text)
                        .map_err(|e| (f.field_span(), format!("`system.figures.{key}`: {e}")))?;
                    s.figures.insert(key.to_string(), p);
                }
            }
            "seconds" => {
                for (key, f) in entries(x, "system.seconds")? {
                    let text = string(&f, &format!("system.seconds.{key}"))?;
                    if !crate::system::figures::shipped().seconds.contains_key(key) {
                        return key_err(
                            &f,
                            format!("unknown time figure `{key}` (see `spoflint figures`)"),
                        );
                    }
                    let d = parse_duration(&text)
                        .map_err(|e| (f.field_span(), format!("`system.seconds.{key}`: {e}")))?;
                    s.seconds.insert(key.to_string(), d);
                }
            }
            _ => {
                return key_err(
                    &x,
                    format!(
                        "unknown key `system.{k}` (depends_on, automated_failover, response_time, figures, seconds)"
                    ),
                );
            }
        }
    }
    Ok(())
}

fn set_list(v: Val<'_>, what: &str) -> R<Vec<String>> {
    if matches!(v.kind(), crate::model::NodeKind::Seq(_)) {
        return strings(v, what);
    }
    entries(v, what)?
        .into_iter()
        .map(|(k, x)| Ok(format!("{k}={}", string(&x, &format!("{what}.{k}"))?)))
        .collect()
}

/// A commented configuration with every setting at its default, for `spoflint init`.
pub fn default_text() -> Result<String, String> {
    let catalog = crate::rules::catalog()?;
    let mut out = String::from(
        "# spoflint configuration (see README, Configuration).
# Found by walking up from the scanned path, or given with --config. Paths are relative to
# this file. Everything is commented out, so the defaults apply: uncomment what you change.

# Rules: `off` to disable one, or a mapping with `enabled`, `severity` (error, warning, info)
# and its parameters. Every rule, with its default severity and parameters:
# rules:
",
    );
    for r in &catalog.rules {
        let mut settings = vec![format!("severity: {}", r.severity.as_str())];
        settings.extend(
            r.parameters
                .iter()
                .map(|p| format!("{}: {}", p.name, p.default)),
        );
        out.push_str(&format!(
            "#   {}: {{ {} }}   # {}\n",
            r.id,
            settings.join(", "),
            r.title
        ));
    }
    out.push_str(
        "
# Layers to leave out entirely (network, compute, control, data, dns, cicd, gitops, security):
# layers:
#   cicd: off

# User policies in Rego, files or directories (see docs/policies.md); their ids can be set
# under `rules:` like the built-in rules':
# policies:
#   - policies/

# Paths not to scan (gitignore syntax, relative to this file):
# exclude:
#   - legacy/**
#   - \"**/testdata/**\"

# Terraform inputs for every root module (command-line --var-file/--var come after these):
# terraform:
#   var_files: [envs/prod.tfvars]
#   vars:
#     region: eu-west-1

# Helm rendering (command-line --values/--set come after these):
# helm:
#   kube_version: v1.31.0
#   api_versions: [monitoring.coreos.com/v1]
#   release_name: prod
#   namespace: default
#   values: []            # for every chart
#   set: {}               # for every chart, e.g. { global.env: prod }
#   charts:               # per chart directory
#     charts/shop:
#       values: [charts/shop/values-prod.yaml]
#       set:
#         replicaCount: 3

# Kustomize: every kustomization no other one refers to is built (default); list the roots
# to build only those, or turn building off to read the files as plain manifests:
# kustomize:
#   roots: [overlays/prod, overlays/staging]
#   build: true

# The failure domain the system is meant to survive: region (the default: every rule runs) or
# zone (the rules that ask for a copy in a second region are left out: CROSS_REGION_RULES).
# expect: region

# Workload classification: a StatefulSet is a data store (judged by DATA001/DATA002, not by
# the application rules) when a word of its image name, of its app.kubernetes.io/name, app
# or helm.sh/chart label names one (postgresql, redis, kafka, cassandra, minio, ...), unless
# a word rules it out (exporter, ui, operator, ...). Add words, or whole names, to either:
# classify:
#   data_stores: [ledger]
#   not_data_stores: [redis-cache-warmer]

# CI/CD: which pipeline jobs deploy (besides jobs with an environment, the built-in deploy
# commands and actions: spoflint explain CICD002), and registries with a mirror or
# pull-through cache configured outside the scanned files (CICD004, CICD005):
# cicd:
#   deploy_commands: ['scripts/deploy[.]sh']   # regular expressions over a script line
#   deploy_actions: [example/deploy-action]
#   not_deploy_environments: [test]
#   mirrored_registries: [docker.io]             # or '*' for every registry

# Targets the failure scenarios and the availability estimate are held to (SYSTEM001-003):
# targets:
#   availability: 99.99   # percent
#   rto: 5m
#   rpo: 1m

# The system view: dependencies the files do not show, failovers you have automated, a
# person's time to start a manual failover, and overrides of the shipped figures (listed with
# their sources by `spoflint figures`):
# system:
#   depends_on:
#     aws_eks_node_group.web: [aws_rds_global_cluster.orders]
#   automated_failover: [aws_rds_global_cluster.orders]
#   response_time: 15m
#   figures: { aws_elb: 99.99 }
#   seconds: { alias_ttl: 60 }
",
    );
    let cross: Vec<&str> = catalog
        .rules
        .iter()
        .filter(|r| r.cross_region)
        .map(|r| r.id)
        .collect();
    Ok(out.replace("CROSS_REGION_RULES", &cross.join(", ")))
}

/// Applies the rule and layer settings to findings: disabled ones dropped, severities
/// overridden.
pub fn apply(config: &Config, findings: &mut Vec<crate::finding::Finding>) {
    let cross_region = |rule: &str| {
        crate::rules::catalog()
            .ok()
            .and_then(|c| c.get(rule))
            .is_some_and(|m| m.cross_region)
    };
    findings.retain(|f| {
        let enabled = config.rules.get(f.rule).and_then(|r| r.enabled);
        !config.disabled_layers.contains(&f.layer)
            && enabled != Some(false)
            // `expect: zone` leaves the cross-region rules out, unless turned on by name.
            && !(config.expect == Expect::Zone && cross_region(f.rule) && enabled != Some(true))
    });
    for f in findings.iter_mut() {
        if let Some(s) = config.rules.get(f.rule).and_then(|r| r.severity) {
            f.severity = s;
        }
    }
}

/// Parameter overrides: (rule id, parameter) → value.
pub fn params(config: &Config) -> HashMap<(String, String), i64> {
    config
        .rules
        .iter()
        .flat_map(|(id, r)| {
            r.params
                .iter()
                .map(move |(p, v)| ((id.clone(), p.clone()), *v))
        })
        .collect()
}
