//! One kustomization built as `kustomize build` builds it (kustomize v5, as `kubectl
//! kustomize` embeds it): resources and nested kustomizations, generators, components, then the
//! built-in transformers in kustomize's order; at the root, generated names get their hash,
//! references follow renamed objects, and the output is sorted in kustomize's legacy order.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::transform;
use super::value::{Loc, MAX_OBJECT_NODES, Node, V};
use super::{Files, Issue, LOCAL_BASE, Loaded};
use crate::discover::normalize;
use crate::model::{SourceFile, SourceId, Span};

/// Deepest chain of kustomizations (a root, its bases, theirs, ...).
pub const MAX_DEPTH: usize = 32;
/// Most objects one root may build.
pub const MAX_OBJECTS: usize = 10_000;
/// Most YAML nodes one root's objects may hold together.
pub const MAX_NODES: usize = 4_000_000;

/// The file names kustomize looks for in a directory, in its order.
pub const KUSTOMIZATION_NAMES: [&str; 3] =
    ["kustomization.yaml", "kustomization.yml", "Kustomization"];

/// An object's identity as kustomize tracks it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Id {
    pub group: String,
    pub version: String,
    pub kind: String,
    pub namespace: String,
    pub name: String,
}

impl Id {
    pub fn of(node: &Node) -> Id {
        let api = node.str_at(&["apiVersion"]).unwrap_or("");
        let (group, version) = match api.rsplit_once('/') {
            Some((g, v)) => (g.to_string(), v.to_string()),
            None => (String::new(), api.to_string()),
        };
        Id {
            group,
            version,
            kind: node.str_at(&["kind"]).unwrap_or("").to_string(),
            namespace: node
                .str_at(&["metadata", "namespace"])
                .unwrap_or("")
                .to_string(),
            name: node.str_at(&["metadata", "name"]).unwrap_or("").to_string(),
        }
    }

    /// Equal as kustomize compares ids: an empty namespace is `default`.
    pub fn same(&self, other: &Id) -> bool {
        let ns = |n: &str| if n.is_empty() { "default" } else { n }.to_string();
        self.group == other.group
            && self.version == other.version
            && self.kind == other.kind
            && self.name == other.name
            && ns(&self.namespace) == ns(&other.namespace)
    }

    /// `apps_v1_Deployment|ns|name`, as kustomize's legacy order compares ids of one kind.
    fn sort_string(&self) -> String {
        let or = |s: &str, d: &str| if s.is_empty() { d } else { s }.to_string();
        format!(
            "{}_{}_{}|{}|{}",
            or(&self.group, "~G"),
            or(&self.version, "~V"),
            or(&self.kind, "~K"),
            or(&self.namespace, "~X"),
            or(&self.name, "~N")
        )
    }

    pub fn display(&self) -> String {
        let ns = if self.namespace.is_empty() {
            String::new()
        } else {
            format!("{}/", self.namespace)
        };
        format!("{} {ns}{}", self.kind, self.name)
    }
}

/// One object being built.
#[derive(Clone, Debug)]
pub struct Obj {
    pub node: Node,
    /// Its earlier identities (before a prefix, a suffix, a namespace, a hash).
    pub prev: Vec<Id>,
    /// A generated object whose name gets kustomize's content hash at the root.
    pub hash: bool,
    /// Where it was declared (its document, or the generator entry).
    pub at: Option<Loc>,
    /// Fields patches removed (`spec/template/spec/topologySpreadConstraints`), and the patch
    /// line that removed each.
    pub removed: Vec<(String, Loc)>,
}

impl Obj {
    pub fn id(&self) -> Id {
        Id::of(&self.node)
    }

    /// Its current identity and the earlier ones.
    pub fn any_id(&self, f: impl Fn(&Id) -> bool) -> bool {
        f(&self.id()) || self.prev.iter().any(f)
    }

    /// The identity it was first given.
    pub fn original(&self) -> Id {
        self.prev.first().cloned().unwrap_or_else(|| self.id())
    }

    /// Remembers the current identity before a transformer changes it.
    pub fn remember(&mut self) {
        let id = self.id();
        if self.prev.last() != Some(&id) {
            self.prev.push(id);
        }
    }
}

/// A kustomization file read as values.
pub struct Kustomization {
    pub dir: PathBuf,
    pub source: SourceId,
    pub node: Node,
}

impl Kustomization {
    /// The list at `key` (strings and maps), empty when absent.
    pub fn list(&self, key: &str) -> &[Node] {
        self.node.get(key).map_or(&[], Node::items)
    }

    pub fn at(&self, key: &str) -> Option<Loc> {
        self.node.get(key).and_then(|n| n.at)
    }

    /// Where to report a problem with the whole file: its first line.
    pub fn file_loc(&self) -> Loc {
        Loc::at(self.source, Span::new(0, 0))
    }
}

/// A path a kustomization names that is not a local file: a URL or a git repository.
pub fn is_remote(path: &str) -> bool {
    path.contains("://")
        || path.starts_with("github.com/")
        || path.starts_with("gitlab.com/")
        || path.starts_with("bitbucket.org/")
        || path.starts_with("git@")
        || path.starts_with("git::")
        || path.contains("?ref=")
        || path.contains(".git//")
}

/// The state of one root's build.
pub struct Builder<'a> {
    pub files: &'a Files<'a>,
    /// Files read that were not among the scan's YAML files (patches in `.json` files,
    /// generator sources), at `LOCAL_BASE + index`.
    pub extra: Vec<SourceFile>,
    pub issues: Vec<Issue>,
    /// Every file the build read.
    pub read: BTreeSet<PathBuf>,
    /// Kustomization directories being built, outermost first.
    stack: Vec<PathBuf>,
    /// Remote sources already reported.
    remote: BTreeSet<String>,
    /// Nodes left for the root's objects.
    pub nodes_left: usize,
    /// Set once a bound stopped the build: nothing more is added or reported.
    pub stopped: bool,
    /// Where values printed by `helmCharts` templates came from (values files, inline values).
    pub traces: Vec<crate::model::provenance::Use>,
    /// Files the build wrote itself from located values (a chart's `valuesInline`), with
    /// where each of their values was written.
    pub written: Vec<(SourceId, Vec<crate::model::built::Moved>)>,
}

impl<'a> Builder<'a> {
    pub fn new(files: &'a Files<'a>) -> Builder<'a> {
        Builder {
            files,
            extra: Vec::new(),
            issues: Vec::new(),
            read: BTreeSet::new(),
            stack: Vec::new(),
            remote: BTreeSet::new(),
            nodes_left: MAX_NODES,
            stopped: false,
            traces: Vec::new(),
            written: Vec::new(),
        }
    }

    pub fn issue(&mut self, at: Loc, rule: &'static str, message: String, help: &str) {
        self.issues.push(Issue {
            source: at.source,
            span: at.field,
            rule,
            message,
            help: help.to_string(),
        });
    }

    /// A problem that makes kustomize refuse the build: reported, and the build goes on
    /// without the part at fault.
    pub fn fail(&mut self, at: Loc, message: String) {
        self.issue(
            at,
            "INPUT009",
            message,
            "`kubectl kustomize` fails on this too: fix it; the rest of the kustomization was built and checked",
        );
    }

    /// A chart (or other source) that is not in the scan: said once per message.
    pub fn remote_or_missing(&mut self, at: Loc, message: &str) {
        if self.remote.insert(message.to_string()) {
            self.issue(
                at,
                "INPUT005",
                message.to_string(),
                "vendor the chart into the chart home (`helm pull --untar`), or scan the output of `kustomize build --enable-helm`",
            );
        }
    }

    fn remote(&mut self, at: Loc, what: &str) {
        if self.remote.insert(what.to_string()) {
            self.issue(
                at,
                "INPUT005",
                format!("remote kustomize source `{what}` is not fetched; what it holds is not checked"),
                "vendor it into the repository and refer to it by a local path, or scan the output of `kustomize build`",
            );
        }
    }

    /// Reads a file the kustomization names (a YAML file of the scan, or another file under
    /// the scanned paths) as parsed documents.
    pub fn load(&mut self, path: &Path, at: Loc) -> Option<Loaded<'a>> {
        match self.files.load(path, &mut self.extra) {
            Ok(loaded) => {
                self.read.insert(path.to_path_buf());
                Some(loaded)
            }
            Err(why) => {
                self.missing(at, path, &why);
                None
            }
        }
    }

    /// Reads a generator source: its text, or its bytes when it is not UTF-8 text.
    pub fn content(&mut self, path: &Path, at: Loc) -> Option<super::generate::File> {
        match self.files.text(path, &mut self.extra) {
            Ok((source, text)) => {
                self.read.insert(path.to_path_buf());
                Some(super::generate::File::Text(source, text))
            }
            Err(super::Missing::Binary(bytes)) => {
                self.read.insert(path.to_path_buf());
                Some(super::generate::File::Bytes(bytes))
            }
            Err(why) => {
                self.missing(at, path, &why);
                None
            }
        }
    }

    /// Reads a file's text (a generator source).
    pub fn text(&mut self, path: &Path, at: Loc) -> Option<(SourceId, std::sync::Arc<str>)> {
        match self.files.text(path, &mut self.extra) {
            Ok(found) => {
                self.read.insert(path.to_path_buf());
                Some(found)
            }
            Err(why) => {
                self.missing(at, path, &why);
                None
            }
        }
    }

    fn missing(&mut self, at: Loc, path: &Path, why: &super::Missing) {
        let shown = crate::discover::display_path(path);
        match why {
            super::Missing::OutsideScan => self.issue(
                at,
                "INPUT005",
                format!("`{shown}` is not in the scanned paths; the build goes on without it, and what it holds is not checked"),
                "scan a directory that holds it too (the repository's top, say)",
            ),
            super::Missing::Unreadable(e) => self.fail(at, format!("cannot read `{shown}`: {e}")),
            super::Missing::Binary(_) => {
                self.fail(at, format!("`{shown}` is not UTF-8 text"))
            }
            super::Missing::NotFound => self.fail(at, format!("`{shown}` does not exist")),
        }
    }

    /// Builds the kustomization in `dir` (reached from `from`) into its objects; `component`
    /// for a `components:` entry, which adds to and transforms `acc` itself.
    pub fn build_dir(&mut self, dir: &Path, from: Loc, component: bool, acc: &mut Vec<Obj>) {
        if self.stopped {
            return;
        }
        if self.stack.iter().any(|d| d == dir) {
            let chain: Vec<String> = self
                .stack
                .iter()
                .skip_while(|d| *d != dir)
                .chain(std::iter::once(&dir.to_path_buf()))
                .map(|d| crate::discover::display_path(d))
                .collect();
            self.fail(
                from,
                format!(
                    "kustomizations refer to each other in a cycle: {}",
                    chain.join(" → ")
                ),
            );
            return;
        }
        if self.stack.len() >= MAX_DEPTH {
            self.fail(
                from,
                format!("kustomizations nest more than {MAX_DEPTH} deep; the rest is not built"),
            );
            return;
        }
        let Some(k) = self.kustomization(dir, from) else {
            return;
        };
        let kind = k.node.str_at(&["kind"]).unwrap_or("Kustomization");
        // `kubectl kustomize` builds a Component directory given to it on its own.
        let component = component || (kind == "Component" && self.stack.is_empty());
        if component != (kind == "Component") {
            let at = k.node.get("kind").and_then(|n| n.at).unwrap_or(from);
            let message = if component {
                format!(
                    "`{}` is listed under `components:` but is a {kind}, not a Component",
                    display(dir)
                )
            } else {
                format!(
                    "`{}` is a Component: list it under `components:`, not `resources:`",
                    display(dir)
                )
            };
            self.fail(at, message);
            return;
        }
        self.stack.push(dir.to_path_buf());
        let mut own: Vec<Obj> = Vec::new();
        let target: &mut Vec<Obj> = if component { acc } else { &mut own };
        let entries: Vec<Node> = k
            .list("resources")
            .iter()
            .chain(k.list("bases"))
            .cloned()
            .collect();
        for entry in &entries {
            self.resource(&k, entry, target);
        }
        super::generators::run(self, &k, target);
        super::generators::helm_charts(self, &k, target);
        for entry in k.list("components").to_vec() {
            let Some(path) = entry.as_str() else {
                self.fail(
                    entry.at.unwrap_or(from),
                    "a component must be a path".into(),
                );
                continue;
            };
            let at = entry.at.unwrap_or(from);
            if is_remote(path) {
                self.remote(at, path);
                continue;
            }
            let sub = normalize(&k.dir.join(path));
            self.build_dir(&sub, at, true, target);
        }
        transform::run(self, &k, target);
        self.stack.pop();
        if !component {
            for obj in own {
                self.add(acc, obj, from);
            }
        }
    }

    /// Adds one object to `acc`: refused (as kustomize refuses it) when an object with the
    /// same identity is there already.
    pub fn add(&mut self, acc: &mut Vec<Obj>, obj: Obj, from: Loc) {
        if self.stopped {
            return;
        }
        let id = obj.id();
        if acc.iter().any(|o| o.id().same(&id)) {
            self.fail(
                obj.at.unwrap_or(from),
                format!(
                    "{} is defined twice (kustomize: may not add resource with an already registered id)",
                    id.display()
                ),
            );
            return;
        }
        if acc.len() >= MAX_OBJECTS {
            self.stopped = true;
            self.issue(
                from,
                "INPUT009",
                format!("this kustomization builds more than {MAX_OBJECTS} objects; the rest is not checked"),
                "split it, or exclude it from the scan",
            );
            return;
        }
        acc.push(obj);
    }

    /// The kustomization file of `dir`.
    fn kustomization(&mut self, dir: &Path, from: Loc) -> Option<Kustomization> {
        let found: Vec<PathBuf> = KUSTOMIZATION_NAMES
            .iter()
            .map(|n| normalize(&dir.join(n)))
            .filter(|p| self.files.exists(p))
            .collect();
        let path = match found.as_slice() {
            [one] => one.clone(),
            [] => {
                let message = if self.files.is_dir(dir) {
                    format!(
                        "`{}` holds no kustomization.yaml, kustomization.yml or Kustomization",
                        display(dir)
                    )
                } else if self.files.outside(dir) {
                    self.issue(
                        from,
                        "INPUT005",
                        format!("`{}` is not in the scanned paths; the build goes on without it, and what it holds is not checked", display(dir)),
                        "scan a directory that holds it too (the repository's top, say)",
                    );
                    return None;
                } else {
                    format!("`{}` does not exist", display(dir))
                };
                self.fail(from, message);
                return None;
            }
            _ => {
                self.fail(
                    from,
                    format!("`{}` holds more than one kustomization file", display(dir)),
                );
                return None;
            }
        };
        let loaded = self.load(&path, from)?;
        let source = loaded.source;
        let Some(doc) = loaded.docs.first() else {
            // An empty kustomization builds nothing.
            return Some(Kustomization {
                dir: dir.to_path_buf(),
                source,
                node: Node::map(),
            });
        };
        let mut budget = MAX_OBJECT_NODES;
        let node =
            Node::from_val(&doc.tree.val(doc.root), source, &mut budget).unwrap_or_else(Node::map);
        if !node.is_map() && !node.is_null() {
            self.fail(
                Loc::at(source, Span::default()),
                "a kustomization must be a mapping".into(),
            );
            return None;
        }
        Some(Kustomization {
            dir: dir.to_path_buf(),
            source,
            node: if node.is_null() { Node::map() } else { node },
        })
    }

    /// One `resources:` entry: a file of objects, or a directory with a kustomization.
    fn resource(&mut self, k: &Kustomization, entry: &Node, acc: &mut Vec<Obj>) {
        let at = entry.at.unwrap_or(k.file_loc());
        let Some(path) = entry.as_str() else {
            self.fail(at, "a resource must be a path".into());
            return;
        };
        if is_remote(path) {
            self.remote(at, path);
            return;
        }
        let full = normalize(&k.dir.join(path));
        if self.files.is_dir(&full) {
            self.build_dir(&full, at, false, acc);
            return;
        }
        let Some(loaded) = self.load(&full, at) else {
            return;
        };
        for obj in self.objects(&loaded, at) {
            self.add(acc, obj, at);
        }
    }

    /// The objects of a file's documents (a `List`'s items one by one); documents that are
    /// not objects are refused as kustomize refuses them.
    pub fn objects(&mut self, loaded: &Loaded<'_>, from: Loc) -> Vec<Obj> {
        let mut out = Vec::new();
        for doc in &loaded.docs {
            let val = doc.tree.val(doc.root);
            if val.is_null() {
                continue;
            }
            let Some(node) = Node::from_val(&val, loaded.source, &mut self.nodes_left) else {
                self.stopped = true;
                self.issue(
                    from,
                    "INPUT009",
                    format!("this kustomization's objects hold more than {MAX_NODES} YAML nodes (or nest too deep); the rest is not checked"),
                    "split it, or exclude it from the scan",
                );
                return out;
            };
            let kind = node.str_at(&["kind"]).unwrap_or("");
            let items = kind.ends_with("List")
                && node.get("items").is_some_and(|i| matches!(i.v, V::Seq(_)));
            let nodes = if items {
                node.get("items")
                    .map(|i| i.items().to_vec())
                    .unwrap_or_default()
            } else {
                vec![node]
            };
            for node in nodes {
                if node.str_at(&["kind"]).is_none_or(str::is_empty)
                    || node.str_at(&["apiVersion"]).is_none_or(str::is_empty)
                {
                    let place = node.at.unwrap_or(from);
                    self.fail(
                        Loc::at(place.source, Span::new(place.span.start, place.span.start)),
                        "a resource must have `apiVersion` and `kind` (kustomize: missing Resource metadata)".into(),
                    );
                    continue;
                }
                let at = node.get("kind").and_then(|k| k.at).or(node.at);
                out.push(Obj {
                    node,
                    prev: Vec::new(),
                    hash: false,
                    at,
                    removed: Vec::new(),
                });
            }
        }
        out
    }
}

/// Legacy order: kinds first and last as kustomize lists them, the rest by group, version
/// and kind, then by namespace and name.
pub fn sort(objects: &mut [Obj]) {
    const FIRST: &[&str] = &[
        "Namespace",
        "ResourceQuota",
        "StorageClass",
        "CustomResourceDefinition",
        "ServiceAccount",
        "PodSecurityPolicy",
        "Role",
        "ClusterRole",
        "RoleBinding",
        "ClusterRoleBinding",
        "ConfigMap",
        "Secret",
        "Endpoints",
        "Service",
        "LimitRange",
        "PriorityClass",
        "PersistentVolume",
        "PersistentVolumeClaim",
        "Deployment",
        "StatefulSet",
        "CronJob",
        "PodDisruptionBudget",
    ];
    const LAST: &[&str] = &[
        "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ];
    let rank = |kind: &str| -> i64 {
        if let Some(i) = FIRST.iter().position(|k| *k == kind) {
            i as i64 - FIRST.len() as i64
        } else if let Some(i) = LAST.iter().position(|k| *k == kind) {
            1 + i as i64
        } else {
            0
        }
    };
    let gvk = |id: &Id| {
        let or = |s: &str, d: &str| if s.is_empty() { d } else { s }.to_string();
        format!(
            "{}_{}_{}",
            or(&id.group, "~G"),
            or(&id.version, "~V"),
            or(&id.kind, "~K")
        )
    };
    let mut keyed: Vec<(i64, String, String, usize)> = objects
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let id = o.id();
            (rank(&id.kind), gvk(&id), id.sort_string(), i)
        })
        .collect();
    keyed.sort_by(|a, b| {
        a.0.cmp(&b.0).then_with(|| {
            if a.1 == b.1 {
                a.2.cmp(&b.2)
            } else if a.1.ends_with("_Namespace")
                && b.1.ends_with("_Namespace")
                && (a.1.starts_with("~G") || b.1.starts_with("~G"))
            {
                b.1.cmp(&a.1)
            } else {
                a.1.cmp(&b.1)
            }
        })
    });
    let order: Vec<usize> = keyed.into_iter().map(|k| k.3).collect();
    let mut taken: Vec<Option<Obj>> = objects.iter().cloned().map(Some).collect();
    for (slot, i) in objects.iter_mut().zip(order) {
        if let Some(o) = taken[i].take() {
            *slot = o;
        }
    }
}

fn display(p: &Path) -> String {
    crate::discover::display_path(p)
}

/// Source ids of files a build read itself are `LOCAL_BASE + index` until the build's
/// output is added to the scan.
pub fn is_local(id: SourceId) -> bool {
    id.0 >= LOCAL_BASE
}
