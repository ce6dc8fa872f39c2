//! User policies written in Rego, OPA's policy language, run natively by `regorus`.
//!
//! A policy sees each resource as written (`input`: a Kubernetes object, the evaluated
//! attributes of a Terraform instance, a CI job) with what spoflint derived about it
//! (`input.spoflint`), and the whole model (`data.spoflint`); see [`input`]. The `deny`,
//! `violation`, `warn` and `info` rules of its package (and `deny_*`, ... as conftest allows)
//! give findings of the same kind as the built-in rules, located at the field a result's
//! `path` names. OPA's `# METADATA` annotations give each policy its id, title, layer and
//! severity, so it is listed, explained, configured, suppressed and reported like a built-in
//! rule.
//!
//! Policies cannot reach the network (`http.send` is not built in), the environment
//! (`opa.runtime`) or files; each evaluation is bounded in instructions and time.

pub mod eval;
pub mod guard;
pub mod input;
pub mod meta;
pub mod test;

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::Arc;

use crate::finding::{Layer, Severity};
use crate::rules::RuleMeta;

/// Largest policy file read.
pub const MAX_FILE_BYTES: u64 = 1 << 20;
/// Most policy files read from the paths given.
pub const MAX_FILES: usize = 10_000;

/// A policy file read.
#[derive(Debug, Clone)]
pub struct PolicyFile {
    /// As shown in findings (the path as given, joined with the file's place below it).
    pub path: String,
    pub text: Arc<str>,
    /// A `_test.rego` file: loaded by `spoflint policy test`, not by scans.
    pub test: bool,
}

/// A problem with a policy file: it cannot be read, parsed or used, or it failed while
/// evaluating. Scans report it as an INPUT010 finding at `line:col` of the file.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Index into [`Policies::files`].
    pub file: usize,
    /// 1-based; 0 when the problem is with the file as a whole.
    pub line: u32,
    pub col: u32,
    pub message: String,
}

/// Which set of a package a rule fills, by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Set {
    /// `deny`, `violation` (and `deny_*`, `violation_*`): findings at the rule's severity.
    Deny,
    /// `warn`, `warn_*`: warnings.
    Warn,
    /// `info`, `info_*`: infos.
    Info,
    /// conftest's `exception`: the names of `deny_<name>` (`violation_`, `warn_`) rules that
    /// do not apply to this input.
    Exception,
}

impl Set {
    /// The set a rule name fills, as conftest names them: `deny`, `violation`, `warn` (and
    /// `info`), alone or followed by `_` and a suffix.
    pub fn of(name: &str) -> Option<Set> {
        if name == "exception" {
            return Some(Set::Exception);
        }
        for (prefix, set) in [
            ("deny", Set::Deny),
            ("violation", Set::Deny),
            ("warn", Set::Warn),
            ("info", Set::Info),
        ] {
            if let Some(rest) = name.strip_prefix(prefix)
                && (rest.is_empty() || rest.starts_with('_'))
            {
                return Some(set);
            }
        }
        None
    }
}

/// A package with rules that give findings.
#[derive(Debug, Clone)]
pub struct Package {
    /// `data.kubernetes.replicas`.
    pub path: String,
    /// Where its `package` line is: file index and 1-based line.
    pub file: usize,
    pub line: u32,
    /// Its rules that fill a set, by name (`deny`, `warn_privileged`), sorted.
    pub entries: Vec<(String, Set)>,
    /// The rule its findings are reported under.
    pub rule: &'static RuleMeta,
    /// Rules declared by annotations on one of its rules (by rule name), and every id the
    /// package declares (a result may name one with `id`).
    pub by_entry: BTreeMap<String, &'static RuleMeta>,
    pub declared: Vec<&'static RuleMeta>,
    /// What a resource must be for its reporting rules to report (see [`guard`]).
    pub guards: guard::Guards,
}

/// The policies of a scan.
#[derive(Default)]
pub struct Policies {
    pub files: Vec<PolicyFile>,
    pub problems: Vec<Problem>,
    /// Their catalogue entries, in (layer, id) order.
    pub rules: Vec<&'static RuleMeta>,
    pub packages: Vec<Package>,
    /// The engine holding every module that loaded (test files only for `policy test`).
    pub(crate) engine: Option<regorus::Engine>,
    /// Some policy reads `data.spoflint` (the whole model is built for it only then).
    pub uses_model: bool,
}

impl std::fmt::Debug for Policies {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Policies")
            .field("files", &self.files.len())
            .field(
                "rules",
                &self.rules.iter().map(|r| r.id).collect::<Vec<_>>(),
            )
            .field("problems", &self.problems)
            .finish()
    }
}

impl Policies {
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// The policy rule with this id (case-insensitive).
    pub fn get(&self, id: &str) -> Option<&'static RuleMeta> {
        self.rules
            .iter()
            .copied()
            .find(|r| r.id.eq_ignore_ascii_case(id))
    }

    /// The built-in catalogue followed by these policies' rules, in (layer, id) order.
    pub fn catalog(&self) -> Result<Vec<&'static RuleMeta>, String> {
        let mut all: Vec<&'static RuleMeta> = crate::rules::catalog()?.rules.iter().collect();
        all.extend(self.rules.iter().copied());
        all.sort_by(|a, b| (a.layer, a.id).cmp(&(b.layer, b.id)));
        Ok(all)
    }
}

/// The `.rego` files under `paths` (a file is taken whatever its name), sorted within each
/// directory. `Err` for a path that does not exist.
pub fn files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut out = Vec::new();
    for p in paths {
        let meta = std::fs::metadata(p).map_err(|e| format!("--policy {}: {e}", p.display()))?;
        if meta.is_file() {
            out.push(p.clone());
            continue;
        }
        if !meta.is_dir() {
            return Err(format!("--policy {}: not a file or directory", p.display()));
        }
        let mut found: Vec<PathBuf> = ignore::WalkBuilder::new(p)
            .standard_filters(false)
            .hidden(true)
            .follow_links(false)
            .build()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
            .map(|e| e.into_path())
            .filter(|f| f.extension().is_some_and(|x| x == "rego"))
            .collect();
        found.sort();
        out.extend(found);
        if out.len() > MAX_FILES {
            return Err(format!(
                "--policy {}: more than {MAX_FILES} policy files",
                p.display()
            ));
        }
    }
    // A file named twice (a directory in the configuration and again with --policy) is read
    // once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|p| seen.insert(std::fs::canonicalize(p).unwrap_or_else(|_| p.clone())));
    Ok(out)
}

/// Loads the policies under `paths` for a scan (`tests`: with the `_test.rego` files, for
/// `spoflint policy test`). `Err` only for a path that does not exist; a file that cannot be
/// read or parsed, or a policy that cannot be used, is a [`Problem`] and the others load.
pub fn load(paths: &[PathBuf], tests: bool) -> Result<Policies, String> {
    let mut policies = Policies::default();
    if paths.is_empty() {
        return Ok(policies);
    }
    for path in files(paths)? {
        let shown = crate::discover::display_path(&path);
        let test = shown.ends_with("_test.rego");
        if test && !tests {
            continue;
        }
        match crate::read_option_file("policy", &path, MAX_FILE_BYTES) {
            Ok(text) => policies.files.push(PolicyFile {
                path: shown,
                text: Arc::from(text),
                test,
            }),
            Err(message) => {
                policies.files.push(PolicyFile {
                    path: shown,
                    text: Arc::from(""),
                    test,
                });
                policies.problems.push(Problem {
                    file: policies.files.len() - 1,
                    line: 0,
                    col: 0,
                    message,
                });
            }
        }
    }
    build(&mut policies);
    Ok(policies)
}

/// Policies from texts (path, text), as [`load`] reads them: for tests and fuzzing.
pub fn from_texts(texts: &[(&str, &str)]) -> Policies {
    let mut policies = Policies {
        files: texts
            .iter()
            .map(|(p, t)| PolicyFile {
                path: p.to_string(),
                text: Arc::from(*t),
                test: p.ends_with("_test.rego"),
            })
            .collect(),
        ..Policies::default()
    };
    build(&mut policies);
    policies
}

/// `line:col` and the message of a regorus error (`--> file:3:5` ... `error: ...`).
fn located(error: &str) -> (u32, u32, String) {
    let mut line = 0;
    let mut col = 0;
    if let Some(at) = error.find("--> ") {
        let rest = &error[at + 4..];
        let loc = rest.lines().next().unwrap_or("");
        let mut parts = loc.rsplitn(3, ':');
        col = parts
            .next()
            .and_then(|c| c.trim().parse().ok())
            .unwrap_or(0);
        line = parts
            .next()
            .and_then(|l| l.trim().parse().ok())
            .unwrap_or(0);
    }
    let message = error
        .lines()
        .rev()
        .find_map(|l| l.trim().strip_prefix("error: "))
        .map(str::to_string)
        .unwrap_or_else(|| error.trim().lines().last().unwrap_or("").to_string());
    (line, col, message)
}

/// A loaded module: its file, package, the line of its `package`, and its rules' names and
/// lines.
type Module = (usize, String, u32, Vec<(String, u32)>);

/// Parses the files into one engine, reads their packages, rules and annotations, and makes
/// the catalogue entries.
fn build(policies: &mut Policies) {
    let mut engine = regorus::Engine::new();
    engine.set_execution_timer_config(eval::timer());
    let mut loaded: Vec<(usize, String)> = Vec::new();
    for (i, file) in policies.files.iter().enumerate() {
        if policies.problems.iter().any(|p| p.file == i) {
            continue;
        }
        // Rego v1 first (OPA 1.0 and conftest's default), then v0 for older policies.
        let first = engine.add_policy(file.path.clone(), file.text.to_string());
        let result = match first {
            Ok(p) => Ok(p),
            Err(e1) => {
                engine.set_rego_v0(true);
                let second = engine.add_policy(file.path.clone(), file.text.to_string());
                engine.set_rego_v0(false);
                second.map_err(|_| e1)
            }
        };
        match result {
            Ok(package) => loaded.push((i, package)),
            Err(e) => {
                let (line, col, message) = located(&e.to_string());
                policies.problems.push(Problem {
                    file: i,
                    line,
                    col,
                    message: format!("policy does not parse: {message}"),
                });
            }
        }
    }
    // Rule names and lines per loaded module, in load order.
    let mut modules: Vec<Module> = Vec::new();
    let asts = engine.get_modules().clone();
    for (m, (file, package)) in asts.iter().zip(&loaded) {
        let mut rules = Vec::new();
        for rule in &m.policy {
            if let regorus::unstable::Rule::Spec { head, .. } = rule.as_ref() {
                let span = match head {
                    regorus::unstable::RuleHead::Compr { span, .. }
                    | regorus::unstable::RuleHead::Set { span, .. }
                    | regorus::unstable::RuleHead::Func { span, .. } => span,
                };
                let name: String = rule_name(span.text());
                rules.push((name, span.line));
            }
        }
        modules.push((*file, package.clone(), m.package.span.line, rules));
    }
    let builtin = crate::rules::catalog().ok();
    let mut by_package: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (k, (_, package, _, _)) in modules.iter().enumerate() {
        by_package.entry(package.clone()).or_default().push(k);
    }
    let mut ids: HashMap<String, (usize, u32)> = HashMap::new();
    let mut annotations: HashMap<usize, Vec<meta::Annotation>> = HashMap::new();
    for &(file, _) in &loaded {
        if annotations.contains_key(&file) {
            continue;
        }
        let (found, problems) =
            meta::annotations(&policies.files[file].path, &policies.files[file].text);
        for (line, message) in problems {
            policies.problems.push(Problem {
                file,
                line,
                col: 1,
                message,
            });
        }
        annotations.insert(file, found);
    }
    for (package, members) in &by_package {
        let mut entries: Vec<(String, Set)> = Vec::new();
        let mut package_ann: Option<(usize, meta::Annotation)> = None;
        let mut rule_anns: Vec<(String, usize, meta::Annotation)> = Vec::new();
        for &k in members {
            let (file, _, package_line, rules) = &modules[k];
            let anns = &annotations[file];
            for a in anns {
                let on_package = a.target == *package_line;
                let scope = a.scope.as_deref();
                if (on_package && scope != Some("rule")) || scope == Some("package") {
                    if package_ann.is_none() {
                        package_ann = Some((*file, a.clone()));
                    }
                } else if let Some((name, _)) = rules.iter().find(|(_, l)| *l == a.target) {
                    rule_anns.push((name.clone(), *file, a.clone()));
                }
            }
            for (name, _) in rules {
                if policies.files[*file].test {
                    continue;
                }
                if let Some(set) = Set::of(name)
                    && !entries.iter().any(|(n, _)| n == name)
                {
                    entries.push((name.clone(), set));
                }
            }
        }
        if entries.iter().all(|(_, s)| *s == Set::Exception) {
            continue;
        }
        entries.sort();
        let (file, _, line, _) = &modules[members[0]];
        let strongest = entries.iter().map(|(_, s)| *s).min().unwrap_or(Set::Deny);
        let default_severity = match strongest {
            Set::Deny => Severity::Error,
            Set::Warn => Severity::Warning,
            Set::Info | Set::Exception => Severity::Info,
        };
        let short = package.strip_prefix("data.").unwrap_or(package);
        let mut make = |a: Option<&meta::Annotation>,
                        file: usize,
                        line: u32,
                        fallback_id: &str,
                        policies: &mut Policies|
         -> Option<&'static RuleMeta> {
            let problem = |policies: &mut Policies, message: String| {
                policies.problems.push(Problem {
                    file,
                    line,
                    col: 1,
                    message,
                });
            };
            let id = a
                .and_then(|a| a.id.clone())
                .unwrap_or_else(|| fallback_id.to_string())
                .to_ascii_uppercase();
            if id.is_empty()
                || !id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.'))
            {
                problem(
                    policies,
                    format!("policy id `{id}` must be letters, digits, `_`, `-` or `.`"),
                );
                return None;
            }
            if builtin.is_some_and(|c| c.get(&id).is_some()) {
                problem(
                    policies,
                    format!(
                        "policy id `{id}` is the id of a built-in rule; choose another (custom.id)"
                    ),
                );
                return None;
            }
            if let Some((f, l)) = ids.get(&id) {
                if *f == file && *l == line {
                    return policies.get(&id);
                }
                let other = format!("{}:{l}", policies.files[*f].path);
                problem(
                    policies,
                    format!("policy id `{id}` is already declared at {other}"),
                );
                return None;
            }
            let layer = match a.and_then(|a| a.layer.as_deref()) {
                None => Layer::Policy,
                Some(l) => match Layer::parse(l) {
                    Some(layer) if Layer::ARCHITECTURE.contains(&layer) => layer,
                    _ => {
                        problem(
                            policies,
                            format!(
                                "unknown layer `{l}` in custom.layer ({})",
                                Layer::ARCHITECTURE.map(|l| l.as_str()).join(", ")
                            ),
                        );
                        return None;
                    }
                },
            };
            let severity = match a.and_then(|a| a.severity.as_deref()) {
                None => default_severity,
                Some(s) => match Severity::parse(&s.to_ascii_lowercase()) {
                    Some(s) => s,
                    None => {
                        problem(
                            policies,
                            format!(
                                "unknown severity `{s}` in custom.severity (error, warning, info)"
                            ),
                        );
                        return None;
                    }
                },
            };
            let path = policies.files[file].path.clone();
            let title = a
                .and_then(|a| a.title.clone())
                .unwrap_or_else(|| format!("policy {short}"));
            let mut body = String::new();
            if let Some(d) = a.and_then(|a| a.description.as_deref()) {
                body.push_str(d.trim_end());
                body.push_str("\n\n");
            }
            body.push_str(&format!(
                "User policy: package `{short}` in {path}:{line}.\n"
            ));
            for r in a.map(|a| a.related.as_slice()).unwrap_or_default() {
                body.push_str(&format!("See {r}\n"));
            }
            let meta: &'static RuleMeta = Box::leak(Box::new(RuleMeta {
                id: Box::leak(id.clone().into_boxed_str()),
                layer,
                severity,
                title,
                parameters: Vec::new(),
                cross_region: false,
                body: Box::leak(body.into_boxed_str()),
                doc_path: Box::leak(path.into_boxed_str()),
                policy: true,
            }));
            ids.insert(id, (file, line));
            policies.rules.push(meta);
            Some(meta)
        };
        let mut declared = Vec::new();
        let mut by_entry = BTreeMap::new();
        for (name, file, a) in &rule_anns {
            if a.id.is_none() || Set::of(name).is_none() {
                continue;
            }
            if let Some(m) = make(Some(a), *file, a.target, "", policies) {
                by_entry.insert(name.clone(), m);
                if !declared.iter().any(|d: &&RuleMeta| d.id == m.id) {
                    declared.push(m);
                }
            }
        }
        let rule = match &package_ann {
            Some((f, a)) if a.id.is_some() => make(Some(a), *f, a.target, short, policies),
            // One annotated rule with an id names the package's findings.
            _ if declared.len() == 1 && package_ann.is_none() => Some(declared[0]),
            Some((f, a)) => make(Some(a), *f, a.target, short, policies),
            None => make(None, *file, *line, short, policies),
        };
        let Some(rule) = rule else { continue };
        if !declared.iter().any(|d| d.id == rule.id) {
            declared.push(rule);
        }
        policies.uses_model |= members.iter().any(|&k| {
            let f = modules[k].0;
            policies.files[f].text.contains("data.spoflint")
        });
        let reporting: Vec<&str> = entries
            .iter()
            .filter(|(_, s)| *s != Set::Exception)
            .map(|(n, _)| n.as_str())
            .collect();
        let guards = guard::of(
            members
                .iter()
                .filter(|&&k| !policies.files[modules[k].0].test)
                .flat_map(|&k| asts[k].policy.iter().map(|r| r.as_ref())),
            &reporting,
        );
        policies.packages.push(Package {
            guards,
            path: package.clone(),
            file: *file,
            line: *line,
            entries,
            rule,
            by_entry,
            declared,
        });
    }
    policies
        .rules
        .sort_by(|a, b| (a.layer, a.id).cmp(&(b.layer, b.id)));
    policies.problems.sort_by_key(|p| (p.file, p.line, p.col));
    policies.engine = Some(engine);
}

/// The paths of `policies:` in a configuration and of `--policy` flags, configuration first.
pub fn paths(config: &[PathBuf], flags: &[PathBuf]) -> Vec<PathBuf> {
    config.iter().chain(flags).cloned().collect()
}

/// The path of a module's package: `data.kubernetes.replicas`.
pub(crate) fn package_path(m: &regorus::unstable::Module) -> String {
    let text = m.package.span.text().trim();
    let name = text.strip_prefix("package").unwrap_or(text).trim();
    format!("data.{name}")
}

/// The name a rule head (or a `default` rule's reference) starts with: `deny` of
/// `deny contains msg`, `deny[msg]` or `deny := ...`.
pub(crate) fn rule_name(text: &str) -> String {
    text.chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sets_are_named_as_conftest_names_them() {
        assert_eq!(Set::of("deny"), Some(Set::Deny));
        assert_eq!(Set::of("violation_privileged"), Some(Set::Deny));
        assert_eq!(Set::of("warn_x"), Some(Set::Warn));
        assert_eq!(Set::of("info"), Some(Set::Info));
        assert_eq!(Set::of("exception"), Some(Set::Exception));
        assert_eq!(Set::of("denylist"), None);
        assert_eq!(Set::of("warning"), None);
    }

    #[test]
    fn packages_become_catalogue_entries_and_bad_metadata_is_a_problem() {
        let p = from_texts(&[
            (
                "a.rego",
                "# METADATA\n# title: A\n# custom:\n#   id: org-1\n#   layer: data\npackage a\nimport rego.v1\nwarn contains \"x\" if { input.kind == \"X\" }\n",
            ),
            ("b.rego", "package main\ndeny[msg] { msg := \"y\" }\n"),
            (
                "c.rego",
                "# METADATA\n# custom:\n#   id: COMPUTE001\npackage c\nimport rego.v1\ndeny contains 1 if { true }\n",
            ),
            (
                "d.rego",
                "# METADATA\n# custom:\n#   layer: nowhere\npackage d\nimport rego.v1\ndeny contains 1 if { true }\n",
            ),
            ("e.rego", "package e\nimport rego.v1\nhelper := 1\n"),
        ]);
        let ids: Vec<(&str, Layer, Severity)> = p
            .rules
            .iter()
            .map(|r| (r.id, r.layer, r.severity))
            .collect();
        assert_eq!(
            ids,
            [
                ("ORG-1", Layer::Data, Severity::Warning),
                ("MAIN", Layer::Policy, Severity::Error),
            ]
        );
        let messages: Vec<(usize, u32, &str)> = p
            .problems
            .iter()
            .map(|q| (q.file, q.line, q.message.as_str()))
            .collect();
        assert_eq!(messages.len(), 2, "{messages:?}");
        assert!(messages[0].2.contains("built-in rule"), "{messages:?}");
        assert_eq!(
            (messages[0].0, messages[0].1),
            (2, 4),
            "at the package line"
        );
        assert!(
            messages[1].2.contains("unknown layer `nowhere`"),
            "{messages:?}"
        );
        // The guard of `a` is read from its rule.
        let a = p.packages.iter().find(|k| k.path == "data.a").unwrap();
        assert!(a.guards.may_report(|_| Some(Some("X".into()))));
        assert!(!a.guards.may_report(|_| Some(Some("Y".into()))));
        assert!(a.guards.may_report(|_| None));
        let main = p.packages.iter().find(|k| k.path == "data.main").unwrap();
        assert!(main.guards.may_report(|_| Some(None)));
    }
}
