//! The built-in transformers of one kustomization, in kustomize's order: strategic merge
//! patches, `patches`, `namespace`, `namePrefix`, `nameSuffix`, labels, annotations, JSON
//! patches, `replicas`, `images`. Every value a transformer sets is located at the line of the
//! kustomization (or patch) that set it.

use super::build::{Builder, Id, Kustomization, Obj};
use super::value::{Loc, MAX_OBJECT_NODES, Node, V};
use super::{json6902, smp};
use crate::discover::normalize;

/// A field a transformer writes: its path (`[]` after a segment iterates a list; a list met
/// on the way is iterated too), which objects it applies to (`""` matches any), and whether
/// missing fields are made.
struct Spec {
    path: &'static str,
    group: &'static str,
    version: &'static str,
    kind: &'static str,
    create: bool,
}

const fn spec(path: &'static str, group: &'static str, kind: &'static str, create: bool) -> Spec {
    Spec {
        path,
        group,
        version: "",
        kind,
        create,
    }
}

const fn v1(path: &'static str, kind: &'static str, create: bool) -> Spec {
    Spec {
        path,
        group: "",
        version: "v1",
        kind,
        create,
    }
}

const AFFINITY: [&str; 5] = [
    "spec/template/spec/affinity/podAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/preferredDuringSchedulingIgnoredDuringExecution/podAffinityTerm/labelSelector/matchLabels",
    "spec/template/spec/affinity/podAntiAffinity/requiredDuringSchedulingIgnoredDuringExecution/labelSelector/matchLabels",
    "spec/template/spec/topologySpreadConstraints/labelSelector/matchLabels",
];

/// Where labels go on every object, and on pod templates (`includeTemplates`).
const METADATA_LABELS: &[Spec] = &[
    spec("metadata/labels", "", "", true),
    v1(
        "spec/template/metadata/labels",
        "ReplicationController",
        true,
    ),
    spec("spec/template/metadata/labels", "", "Deployment", true),
    spec("spec/template/metadata/labels", "", "ReplicaSet", true),
    spec("spec/template/metadata/labels", "", "DaemonSet", true),
    spec("spec/template/metadata/labels", "apps", "StatefulSet", true),
    spec("spec/template/metadata/labels", "batch", "Job", true),
    spec("spec/jobTemplate/metadata/labels", "batch", "CronJob", true),
    spec(
        "spec/jobTemplate/spec/template/metadata/labels",
        "batch",
        "CronJob",
        true,
    ),
];

const VOLUME_CLAIM_LABELS: &[Spec] = &[spec(
    "spec/volumeClaimTemplates[]/metadata/labels",
    "apps",
    "StatefulSet",
    true,
)];

/// Selectors `commonLabels` (and `labels` with `includeSelectors`) write too.
const SELECTOR_LABELS: &[Spec] = &[
    v1("spec/selector", "Service", true),
    v1("spec/selector", "ReplicationController", true),
    spec("spec/selector/matchLabels", "", "Deployment", true),
    spec("spec/selector/matchLabels", "", "ReplicaSet", true),
    spec("spec/selector/matchLabels", "", "DaemonSet", true),
    spec("spec/selector/matchLabels", "apps", "StatefulSet", true),
    spec("spec/selector/matchLabels", "batch", "Job", false),
    spec(
        "spec/jobTemplate/spec/selector/matchLabels",
        "batch",
        "CronJob",
        false,
    ),
    spec(
        "spec/selector/matchLabels",
        "policy",
        "PodDisruptionBudget",
        false,
    ),
    spec(
        "spec/podSelector/matchLabels",
        "networking.k8s.io",
        "NetworkPolicy",
        false,
    ),
    spec(
        "spec/ingress/from/podSelector/matchLabels",
        "networking.k8s.io",
        "NetworkPolicy",
        false,
    ),
    spec(
        "spec/egress/to/podSelector/matchLabels",
        "networking.k8s.io",
        "NetworkPolicy",
        false,
    ),
];

const ANNOTATIONS: &[Spec] = &[
    spec("metadata/annotations", "", "", true),
    v1(
        "spec/template/metadata/annotations",
        "ReplicationController",
        true,
    ),
    spec("spec/template/metadata/annotations", "", "Deployment", true),
    spec("spec/template/metadata/annotations", "", "ReplicaSet", true),
    spec("spec/template/metadata/annotations", "", "DaemonSet", true),
    spec(
        "spec/template/metadata/annotations",
        "",
        "StatefulSet",
        true,
    ),
    spec("spec/template/metadata/annotations", "batch", "Job", true),
    spec(
        "spec/jobTemplate/metadata/annotations",
        "batch",
        "CronJob",
        true,
    ),
    spec(
        "spec/jobTemplate/spec/template/metadata/annotations",
        "batch",
        "CronJob",
        true,
    ),
];

const REPLICA_KINDS: &[&str] = &[
    "Deployment",
    "ReplicationController",
    "ReplicaSet",
    "StatefulSet",
];

/// Kinds without a namespace (kustomize leaves their `metadata.namespace` alone), as the
/// Kubernetes 1.21 schema kustomize bundles knows them: kinds newer than that (a
/// ValidatingAdmissionPolicy, flowcontrol `v1`) are namespaced to kustomize.
pub const CLUSTER_SCOPED: &[&str] = &[
    "APIService",
    "CSIDriver",
    "CSINode",
    "CertificateSigningRequest",
    "ClusterRole",
    "ClusterRoleBinding",
    "ComponentStatus",
    "CustomResourceDefinition",
    "IngressClass",
    "MutatingWebhookConfiguration",
    "Namespace",
    "Node",
    "PersistentVolume",
    "PodSecurityPolicy",
    "PriorityClass",
    "RuntimeClass",
    "SelfSubjectAccessReview",
    "SelfSubjectRulesReview",
    "StorageClass",
    "SubjectAccessReview",
    "TokenReview",
    "ValidatingWebhookConfiguration",
    "VolumeAttachment",
];

/// Whether kustomize treats an object of this group, version and kind as cluster-scoped.
pub fn cluster_scoped(id: &Id) -> bool {
    CLUSTER_SCOPED.contains(&id.kind.as_str())
        || (matches!(
            id.kind.as_str(),
            "FlowSchema" | "PriorityLevelConfiguration"
        ) && id.group == "flowcontrol.apiserver.k8s.io"
            && matches!(id.version.as_str(), "v1alpha1" | "v1beta1"))
}

impl Spec {
    fn applies(&self, id: &Id) -> bool {
        (self.kind.is_empty() || self.kind == id.kind)
            && (self.group.is_empty() || self.group == id.group)
            && (self.version.is_empty() || self.version == id.version)
    }
}

/// Calls `f` on every mapping that holds the last segment of `path` under `node`, with that
/// segment; maps missing on the way are made (located at `at`) when `create`.
fn each_parent(
    node: &mut Node,
    path: &[&str],
    create: bool,
    at: Option<Loc>,
    f: &mut dyn FnMut(&mut Node, &str),
) {
    if let V::Seq(items) = &mut node.v {
        for item in items {
            each_parent(item, path, create, at, f);
        }
        return;
    }
    let Some((first, rest)) = path.split_first() else {
        return;
    };
    if !node.is_map() {
        return;
    }
    if rest.is_empty() {
        f(node, first);
        return;
    }
    let (key, list) = match first.strip_suffix("[]") {
        Some(k) => (k, true),
        None => (*first, false),
    };
    let child = if create && !list {
        node.map_at(key, at)
    } else {
        node.get_mut(key).filter(|c| !c.is_null())
    };
    let Some(child) = child else {
        return;
    };
    each_parent(child, rest, create, at, f);
}

fn apply_specs(
    obj: &mut Obj,
    specs: &[&Spec],
    at: Option<Loc>,
    f: &mut dyn FnMut(&mut Node, &str, bool),
) {
    let id = obj.id();
    for s in specs {
        if !s.applies(&id) {
            continue;
        }
        let path: Vec<&str> = s.path.split('/').collect();
        let create = s.create;
        each_parent(&mut obj.node, &path, create, at, &mut |parent, key| {
            f(parent, key, create)
        });
    }
}

/// Sets `pairs` into the map at `key` of `parent` (made when `create`).
fn set_pairs(
    parent: &mut Node,
    key: &str,
    create: bool,
    pairs: &[(String, Node)],
    at: Option<Loc>,
) {
    let map = if create {
        parent.map_at(key, at)
    } else {
        parent.get_mut(key).filter(|m| m.is_map())
    };
    if let Some(map) = map {
        for (k, v) in pairs {
            map.set(k, v.clone());
        }
    }
}

/// Runs `k`'s transformers over `objects`.
pub fn run(b: &mut Builder<'_>, k: &Kustomization, objects: &mut Vec<Obj>) {
    patches_strategic_merge(b, k, objects);
    patches(b, k, objects);
    namespace(k, objects);
    affix(k, objects);
    labels(b, k, objects);
    annotations(k, objects);
    patches_json6902(b, k, objects);
    replicas(b, k, objects);
    images(k, objects);
    for key in [
        "replacements",
        "vars",
        "transformers",
        "generators",
        "validators",
        "openapi",
        "crds",
        "configurations",
        "sortOptions",
    ] {
        if let Some(n) = k.node.get(key)
            && !n.is_null()
            && !matches!(&n.v, V::Seq(s) if s.is_empty())
        {
            let at = n.at.unwrap_or(k.file_loc());
            let at = Loc::at(at.source, at.field);
            b.issue(
                at,
                "INPUT009",
                format!("`{key}` is not applied by spoflint's kustomize build; the objects are checked without it"),
                "check `spoflint render` against `kubectl kustomize` for this kustomization; values it would change may be judged wrongly",
            );
        }
    }
}

/// The string map at `key` of the kustomization, as (key, value located at its entry).
fn string_pairs(n: Option<&Node>) -> Vec<(String, Node)> {
    n.map(|m| {
        m.entries()
            .iter()
            .map(|(k, v)| {
                let text = v.scalar_text().unwrap_or_default();
                (k.clone(), Node::located(V::Str(text), v.at))
            })
            .collect()
    })
    .unwrap_or_default()
}

fn namespace(k: &Kustomization, objects: &mut [Obj]) {
    let Some(ns_node) = k.node.get("namespace") else {
        return;
    };
    let Some(ns) = ns_node.scalar_text().filter(|s| !s.is_empty()) else {
        return;
    };
    let at = ns_node.at;
    let value = Node::located(V::Str(ns.clone()), at);
    for obj in objects {
        let id = obj.id();
        obj.remember();
        if !cluster_scoped(&id)
            && let Some(meta) = obj.node.map_at("metadata", at)
        {
            meta.set("namespace", value.clone());
        }
        if id.kind == "Namespace"
            && id.group.is_empty()
            && id.version == "v1"
            && let Some(meta) = obj.node.map_at("metadata", at)
        {
            meta.set("name", value.clone());
        }
        if id.kind == "APIService"
            && id.group == "apiregistration.k8s.io"
            && let Some(service) = obj
                .node
                .map_at("spec", at)
                .and_then(|s| s.map_at("service", at))
        {
            service.set("namespace", value.clone());
        }
        if id.kind == "CustomResourceDefinition"
            && id.group == "apiextensions.k8s.io"
            && let Some(service) =
                obj.node
                    .path_mut(&["spec", "conversion", "webhook", "clientConfig", "service"])
            && service.is_map()
        {
            service.set("namespace", value.clone());
        }
        if matches!(id.kind.as_str(), "RoleBinding" | "ClusterRoleBinding")
            && let Some(subjects) = obj.node.get_mut("subjects").and_then(Node::items_mut)
        {
            for s in subjects {
                if s.str_at(&["name"]) == Some("default") {
                    s.set("namespace", value.clone());
                }
            }
        }
    }
}

fn affix(k: &Kustomization, objects: &mut [Obj]) {
    let prefix = k.node.get("namePrefix").filter(|n| !n.is_null());
    let suffix = k.node.get("nameSuffix").filter(|n| !n.is_null());
    if prefix.is_none() && suffix.is_none() {
        return;
    }
    let text = |n: Option<&Node>| n.and_then(Node::scalar_text).unwrap_or_default();
    let (p, s) = (text(prefix), text(suffix));
    for obj in objects {
        let id = obj.id();
        let skip = id.kind == "CustomResourceDefinition"
            || id.kind == "Namespace"
            || (id.kind == "APIService" && id.group == "apiregistration.k8s.io");
        if skip {
            continue;
        }
        obj.remember();
        if let Some(meta) = obj.node.get_mut("metadata")
            && let Some(name) = meta.get_mut("name")
            && let Some(old) = name.scalar_text()
        {
            // The name keeps the place it was written; the prefix is the kustomization's.
            name.v = V::Str(format!("{p}{old}{s}"));
        }
    }
}

/// Labels to set, and where.
type LabelSet<'s> = (Vec<(String, Node)>, Vec<&'s Spec>);

fn labels(b: &mut Builder<'_>, k: &Kustomization, objects: &mut [Obj]) {
    // Selectors in pod affinity and spread constraints of apps Deployments and StatefulSets,
    // written with the other selectors.
    let affinity: Vec<Spec> = AFFINITY
        .iter()
        .flat_map(|p| {
            ["Deployment", "StatefulSet"]
                .into_iter()
                .map(move |kind| spec(p, "apps", kind, false))
        })
        .collect();
    let common = string_pairs(k.node.get("commonLabels"));
    let mut sets: Vec<LabelSet> = Vec::new();
    for entry in k.list("labels") {
        let pairs = string_pairs(entry.get("pairs"));
        let flag = |key: &str| {
            entry.get(key).and_then(|v| match v.v {
                V::Bool(b) => Some(b),
                _ => None,
            }) == Some(true)
        };
        let mut specs: Vec<&Spec> = Vec::new();
        if flag("includeSelectors") {
            specs.extend(
                METADATA_LABELS
                    .iter()
                    .chain(SELECTOR_LABELS)
                    .chain(&affinity)
                    .chain(VOLUME_CLAIM_LABELS),
            );
        } else {
            if flag("includeTemplates") {
                specs.extend(METADATA_LABELS);
            }
            if flag("includeVolumeClaimTemplates") {
                specs.extend(VOLUME_CLAIM_LABELS);
            }
            specs.push(&METADATA_LABELS[0]);
        }
        if entry.get("fields").is_some_and(|f| !f.items().is_empty()) {
            let at = entry
                .get("fields")
                .and_then(|f| f.at)
                .unwrap_or(k.file_loc());
            b.issue(
                Loc::at(at.source, at.field),
                "INPUT009",
                "custom `fields` of a `labels` entry are not applied by spoflint's kustomize build"
                    .into(),
                "check `spoflint render` against `kubectl kustomize` for this kustomization",
            );
        }
        sets.push((pairs, specs));
    }
    if !common.is_empty() {
        sets.push((
            common,
            METADATA_LABELS
                .iter()
                .chain(SELECTOR_LABELS)
                .chain(&affinity)
                .chain(VOLUME_CLAIM_LABELS)
                .collect(),
        ));
    }
    for (pairs, specs) in &sets {
        if pairs.is_empty() {
            continue;
        }
        let at = pairs[0].1.at;
        for obj in objects.iter_mut() {
            apply_specs(obj, specs, at, &mut |parent, key, create| {
                set_pairs(parent, key, create, pairs, at)
            });
        }
    }
}

fn annotations(k: &Kustomization, objects: &mut [Obj]) {
    let pairs = string_pairs(k.node.get("commonAnnotations"));
    if pairs.is_empty() {
        return;
    }
    let at = pairs[0].1.at;
    let specs: Vec<&Spec> = ANNOTATIONS.iter().collect();
    for obj in objects.iter_mut() {
        apply_specs(obj, &specs, at, &mut |parent, key, create| {
            set_pairs(parent, key, create, &pairs, at)
        });
    }
}

fn replicas(b: &mut Builder<'_>, k: &Kustomization, objects: &mut [Obj]) {
    for entry in k.list("replicas") {
        let Some(name) = entry.str_at(&["name"]) else {
            continue;
        };
        let Some(count) = entry.get("count") else {
            continue;
        };
        let mut found = false;
        for obj in objects.iter_mut() {
            let id = obj.id();
            if !REPLICA_KINDS.contains(&id.kind.as_str()) || !obj.any_id(|i| i.name == name) {
                continue;
            }
            found = true;
            if let Some(spec) = obj.node.map_at("spec", count.at) {
                spec.set("replicas", Node::located(count.v.clone(), count.at));
            }
        }
        if !found {
            let at = entry.at.unwrap_or(k.file_loc());
            b.fail(
                at,
                format!("`replicas` names `{name}`, which is no Deployment, ReplicationController, ReplicaSet or StatefulSet of this kustomization"),
            );
        }
    }
}

fn images(k: &Kustomization, objects: &mut [Obj]) {
    let entries = k.list("images");
    if entries.is_empty() {
        return;
    }
    // Each entry's pattern is compiled once, for every container of every object.
    let patterns: Vec<(&Node, regex::Regex)> = entries
        .iter()
        .filter_map(|entry| {
            let name = entry.str_at(&["name"])?;
            let pattern = regex::RegexBuilder::new(&format!(
                "^{name}(:[a-zA-Z0-9_.{{}}-]*)?(@[a-zA-Z0-9]+([.+_-][a-zA-Z0-9]+)*:[a-zA-Z0-9_.{{}}-]*)?$"
            ))
            .size_limit(1 << 20)
            .build()
            .ok()?;
            Some((entry, pattern))
        })
        .collect();
    for obj in objects.iter_mut() {
        if obj.id().kind == "CustomResourceDefinition" {
            continue;
        }
        for (entry, pattern) in &patterns {
            retag(&mut obj.node, entry, pattern);
        }
    }
}

/// Sets the images of every `containers` / `initContainers` list under `node` that `entry`
/// names.
fn retag(node: &mut Node, entry: &Node, pattern: &regex::Regex) {
    match &mut node.v {
        V::Seq(items) => items.iter_mut().for_each(|i| retag(i, entry, pattern)),
        V::Map(entries) => {
            for (key, child) in entries.iter_mut() {
                retag(child, entry, pattern);
                if key == "containers" || key == "initContainers" {
                    for c in child.items_mut().into_iter().flatten() {
                        if let Some(image) = c.get_mut("image") {
                            set_image(image, entry, pattern);
                        }
                    }
                }
            }
        }
        _ => {}
    }
}

/// Sets `image` as `entry` says when `pattern` (kustomize's match for the entry's name) matches.
fn set_image(image: &mut Node, entry: &Node, pattern: &regex::Regex) {
    let Some(value) = image.as_str().map(str::to_string) else {
        return;
    };
    if !pattern.is_match(&value) {
        return;
    }
    let text = |key: &str| {
        entry
            .get(key)
            .and_then(Node::scalar_text)
            .filter(|s| !s.is_empty())
    };
    let (mut n, mut tag, mut digest) = split_image(&value);
    if let Some(new) = text("newName") {
        n = new;
    }
    match (text("newTag"), text("digest"), text("tagSuffix")) {
        (Some(t), Some(d), _) => (tag, digest) = (t, d),
        (Some(t), None, _) => (tag, digest) = (t, String::new()),
        (None, Some(d), _) => (tag, digest) = (String::new(), d),
        (None, None, Some(s)) => (tag, digest) = (format!("{tag}{s}"), String::new()),
        (None, None, None) => {}
    }
    let mut out = n;
    if !tag.is_empty() {
        out = format!("{out}:{tag}");
    }
    if !digest.is_empty() {
        out = format!("{out}@{digest}");
    }
    let at = entry.at;
    let was = image.was.or(image.at);
    *image = Node {
        v: V::Str(out),
        at,
        was,
    };
}

/// `registry:5000/app:1.2@sha256:...` → name, tag, digest, as kustomize splits images.
fn split_image(image: &str) -> (String, String, String) {
    let slash = match image.find('/') {
        Some(i) if i > 0 => i,
        _ => 0,
    };
    let search = &image[slash..];
    let at = search.find('@');
    let colon = search.find(':');
    match (colon, at) {
        (None, None) => (image.to_string(), String::new(), String::new()),
        (c, Some(d)) if c.is_none_or(|c| d < c) => (
            image[..slash + d].to_string(),
            String::new(),
            image[slash + d + 1..].to_string(),
        ),
        (Some(c), Some(d)) => (
            image[..slash + c].to_string(),
            image[slash + c + 1..slash + d].to_string(),
            image[slash + d + 1..].to_string(),
        ),
        (Some(c), None) => (
            image[..slash + c].to_string(),
            image[slash + c + 1..].to_string(),
            String::new(),
        ),
        (None, Some(_)) => (image.to_string(), String::new(), String::new()),
    }
}

/// A patch's documents: from its file (`path`) or inline (`patch`), located.
fn patch_docs(b: &mut Builder<'_>, k: &Kustomization, entry: &Node) -> Option<Vec<Node>> {
    let at = entry.at.unwrap_or(k.file_loc());
    if let Some(path) = entry.str_at(&["path"]) {
        let full = normalize(&k.dir.join(path));
        let at = entry.get("path").and_then(|p| p.at).unwrap_or(at);
        let loaded = b.load(&full, at)?;
        let mut out = Vec::new();
        for doc in loaded.docs.iter() {
            let val = doc.tree.val(doc.root);
            if val.is_null() {
                continue;
            }
            let mut budget = MAX_OBJECT_NODES;
            out.extend(Node::from_val(&val, loaded.source, &mut budget));
        }
        return Some(out);
    }
    if let Some(inline) = entry.get("patch") {
        return inline_docs(b, inline, at);
    }
    b.fail(at, "a patch needs `path` or `patch`".into());
    None
}

/// An inline patch (a YAML string in the kustomization): parsed, its values located at the
/// inline text's lines when the string is written as a block, else at the string.
fn inline_docs(b: &mut Builder<'_>, inline: &Node, at: Loc) -> Option<Vec<Node>> {
    let Some(text) = inline.as_str() else {
        b.fail(
            inline.at.unwrap_or(at),
            "an inline patch must be a string".into(),
        );
        return None;
    };
    let place = inline.at.unwrap_or(at);
    let file = crate::model::SourceFile::new(String::new(), std::sync::Arc::from(text));
    let parsed = crate::ingest::yaml::parse(&file);
    if let Some(e) = parsed.error {
        b.fail(
            place,
            format!("the inline patch is not valid YAML: {}", e.message),
        );
        return None;
    }
    let mut out = Vec::new();
    for doc in &parsed.documents {
        let val = doc.tree.val(doc.root);
        if val.is_null() {
            continue;
        }
        let mut budget = MAX_OBJECT_NODES;
        if let Some(mut node) = Node::from_val(&val, place.source, &mut budget) {
            // Inline values are shown at the inline patch as a whole.
            relocate_all(&mut node, Loc::at(place.source, place.field));
            out.push(node);
        }
    }
    Some(out)
}

fn relocate_all(node: &mut Node, at: Loc) {
    node.at = Some(at);
    match &mut node.v {
        V::Seq(s) => s.iter_mut().for_each(|n| relocate_all(n, at)),
        V::Map(m) => m.iter_mut().for_each(|(_, n)| relocate_all(n, at)),
        _ => {}
    }
}

fn patches_strategic_merge(b: &mut Builder<'_>, k: &Kustomization, objects: &mut Vec<Obj>) {
    for entry in k.list("patchesStrategicMerge").to_vec() {
        let at = entry.at.unwrap_or(k.file_loc());
        let Some(s) = entry.as_str() else {
            continue;
        };
        let docs = if s.contains('\n') {
            inline_docs(b, &entry, at)
        } else {
            let full = normalize(&k.dir.join(s));
            b.load(&full, at).map(|loaded| {
                loaded
                    .docs
                    .iter()
                    .filter(|d| !d.tree.val(d.root).is_null())
                    .filter_map(|d| {
                        let mut budget = MAX_OBJECT_NODES;
                        Node::from_val(&d.tree.val(d.root), loaded.source, &mut budget)
                    })
                    .collect()
            })
        };
        for patch in docs.unwrap_or_default() {
            smp_by_id(b, &patch, at, objects);
        }
    }
}

/// Applies a strategic merge patch to the one object its own identity names.
fn smp_by_id(b: &mut Builder<'_>, patch: &Node, at: Loc, objects: &mut Vec<Obj>) {
    let id = Id::of(patch);
    let matches: Vec<usize> = objects
        .iter()
        .enumerate()
        .filter(|(_, o)| o.any_id(|i| i.same(&id)))
        .map(|(i, _)| i)
        .collect();
    match matches.as_slice() {
        [i] => apply_smp(b, objects, *i, patch, at),
        [] => b.fail(
            at,
            format!(
                "no resource matches the strategic merge patch for {}",
                id.display()
            ),
        ),
        _ => b.fail(
            at,
            format!(
                "several resources match the strategic merge patch for {}",
                id.display()
            ),
        ),
    }
}

fn apply_smp(b: &mut Builder<'_>, objects: &mut Vec<Obj>, i: usize, patch: &Node, at: Loc) {
    let obj = &mut objects[i];
    let (name, ns, kind) = (
        obj.node.path(&["metadata", "name"]).cloned(),
        obj.node.path(&["metadata", "namespace"]).cloned(),
        obj.node.get("kind").cloned(),
    );
    note_smp_removals(obj, patch, &mut Vec::new());
    match smp::apply(&mut obj.node, patch) {
        Ok(smp::Outcome::Deleted) => {
            objects.remove(i);
        }
        Ok(smp::Outcome::Patched) => {
            // A patch never renames what it patches.
            if let Some(kind) = kind {
                obj.node.set("kind", kind);
            }
            if let Some(meta) = obj.node.map_at("metadata", None) {
                match name {
                    Some(n) => meta.set("name", n),
                    None => {
                        meta.remove("name");
                    }
                }
                match ns {
                    Some(n) => meta.set("namespace", n),
                    None => {
                        meta.remove("namespace");
                    }
                }
            }
        }
        Err(e) => b.fail(at, format!("strategic merge patch failed: {e}")),
    }
}

/// Kustomize's selector: group, version, kind, name and namespace (anchored regular
/// expressions, compiled once per patch), label and annotation selectors.
struct Selector {
    group: Option<String>,
    version: Option<String>,
    /// `Some(None)`: given, but not a valid expression (it selects nothing).
    kind: Option<Option<regex::Regex>>,
    name: Option<Option<regex::Regex>>,
    namespace: Option<Option<regex::Regex>>,
    labels: Option<String>,
    annotations: Option<String>,
}

impl Selector {
    fn new(target: &Node) -> Selector {
        let text = |key: &str| {
            target
                .get(key)
                .and_then(Node::scalar_text)
                .filter(|s| !s.is_empty())
        };
        let re = |key: &str| {
            text(key).map(|pattern| {
                regex::RegexBuilder::new(&format!("^(?:{pattern})$"))
                    .size_limit(1 << 20)
                    .build()
                    .ok()
            })
        };
        Selector {
            group: text("group"),
            version: text("version"),
            kind: re("kind"),
            name: re("name"),
            namespace: re("namespace"),
            labels: text("labelSelector"),
            annotations: text("annotationSelector"),
        }
    }

    fn matches(&self, obj: &Obj) -> bool {
        let is =
            |re: &Option<regex::Regex>, value: &str| re.as_ref().is_some_and(|r| r.is_match(value));
        let (cur, org) = (obj.id(), obj.original());
        if self.group.as_ref().is_some_and(|g| *g != cur.group)
            || self.version.as_ref().is_some_and(|v| *v != cur.version)
        {
            return false;
        }
        if let Some(kind) = &self.kind
            && !is(kind, &cur.kind)
        {
            return false;
        }
        if let Some(name) = &self.name
            && !is(name, &org.name)
            && !is(name, &cur.name)
        {
            return false;
        }
        if let Some(ns) = &self.namespace {
            let eff = |id: &Id| {
                if id.namespace.is_empty() {
                    "default".to_string()
                } else {
                    id.namespace.clone()
                }
            };
            if !is(ns, &eff(&org)) && !is(ns, &eff(&cur)) {
                return false;
            }
        }
        for (sel, path) in [
            (&self.labels, ["metadata", "labels"]),
            (&self.annotations, ["metadata", "annotations"]),
        ] {
            if let Some(sel) = sel
                && !matches_selector(sel, obj.node.path(&path))
            {
                return false;
            }
        }
        true
    }
}

/// A label selector in its string form (`a=b,c!=d,e,!f,g in (x,y),h notin (z)`).
fn matches_selector(selector: &str, labels: Option<&Node>) -> bool {
    let get = |k: &str| labels.and_then(|l| l.get(k)).and_then(Node::scalar_text);
    let mut parts = Vec::new();
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in selector.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&selector[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&selector[start..]);
    parts
        .into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .all(|p| {
            if let Some((k, v)) = p.split_once("!=") {
                get(k.trim()).as_deref() != Some(v.trim())
            } else if let Some((k, v)) = p.split_once("==").or_else(|| p.split_once('=')) {
                get(k.trim()).as_deref() == Some(v.trim())
            } else if let Some(k) = p.strip_prefix('!') {
                get(k.trim()).is_none()
            } else if let Some((k, set)) = p.split_once(" notin ") {
                let vals = set_values(set);
                get(k.trim()).is_none_or(|v| !vals.contains(&v))
            } else if let Some((k, set)) = p.split_once(" in ") {
                let vals = set_values(set);
                get(k.trim()).is_some_and(|v| vals.contains(&v))
            } else {
                get(p).is_some()
            }
        })
}

fn set_values(set: &str) -> Vec<String> {
    set.trim()
        .trim_start_matches('(')
        .trim_end_matches(')')
        .split(',')
        .map(|s| s.trim().to_string())
        .collect()
}

fn patches(b: &mut Builder<'_>, k: &Kustomization, objects: &mut Vec<Obj>) {
    for entry in k.list("patches").to_vec() {
        let at = entry.at.unwrap_or(k.file_loc());
        let Some(docs) = patch_docs(b, k, &entry) else {
            continue;
        };
        let target = entry.get("target").filter(|t| t.is_map());
        let json = docs.len() == 1 && matches!(docs[0].v, V::Seq(_));
        if json {
            let Some(target) = target else {
                b.fail(at, "a JSON patch needs a `target`".into());
                continue;
            };
            let selector = Selector::new(target);
            let hits: Vec<usize> = (0..objects.len())
                .filter(|i| selector.matches(&objects[*i]))
                .collect();
            for i in hits {
                note_json_removals(&mut objects[i], &docs[0]);
                if let Err(e) = json6902::apply(&mut objects[i].node, &docs[0]) {
                    b.fail(
                        at,
                        format!("JSON patch failed on {}: {e}", objects[i].id().display()),
                    );
                }
            }
            continue;
        }
        match target {
            Some(target) => {
                if docs.len() > 1 {
                    b.fail(
                        at,
                        "a `patches` entry with a `target` may hold only one strategic merge patch"
                            .into(),
                    );
                    continue;
                }
                let Some(patch) = docs.first() else { continue };
                let selector = Selector::new(target);
                let mut i = 0;
                while i < objects.len() {
                    if selector.matches(&objects[i]) {
                        let before = objects.len();
                        apply_smp(b, objects, i, patch, at);
                        if objects.len() < before {
                            continue;
                        }
                    }
                    i += 1;
                }
            }
            None => {
                for patch in &docs {
                    smp_by_id(b, patch, at, objects);
                }
            }
        }
    }
}

fn patches_json6902(b: &mut Builder<'_>, k: &Kustomization, objects: &mut [Obj]) {
    for entry in k.list("patchesJson6902").to_vec() {
        let at = entry.at.unwrap_or(k.file_loc());
        let Some(target) = entry.get("target").filter(|t| t.is_map()) else {
            b.fail(at, "a `patchesJson6902` entry needs a `target`".into());
            continue;
        };
        let Some(docs) = patch_docs(b, k, &entry) else {
            continue;
        };
        let Some(ops) = docs.first() else { continue };
        let id_of = |key: &str| target.str_at(&[key]).unwrap_or("").to_string();
        let (group, version, kind, name, ns) = (
            id_of("group"),
            id_of("version"),
            id_of("kind"),
            id_of("name"),
            id_of("namespace"),
        );
        let hits: Vec<usize> = (0..objects.len())
            .filter(|i| {
                objects[*i].any_id(|id| {
                    (group.is_empty() || id.group == group)
                        && (version.is_empty() || id.version == version)
                        && id.kind == kind
                        && id.name == name
                        && (ns.is_empty() || id.namespace == ns)
                })
            })
            .collect();
        if hits.is_empty() {
            b.fail(
                at,
                format!("no resource matches the JSON patch target {kind} {name}"),
            );
        }
        for i in hits {
            note_json_removals(&mut objects[i], ops);
            if let Err(e) = json6902::apply(&mut objects[i].node, ops) {
                b.fail(
                    at,
                    format!("JSON patch failed on {}: {e}", objects[i].id().display()),
                );
            }
        }
    }
}

/// Remembers the fields a JSON patch removes (or replaces) from `obj`, at the op's line.
fn note_json_removals(obj: &mut Obj, ops: &Node) {
    for op in ops.items() {
        if !matches!(op.str_at(&["op"]), Some("remove" | "replace" | "move")) {
            continue;
        }
        let key = if op.str_at(&["op"]) == Some("move") {
            "from"
        } else {
            "path"
        };
        if let (Some(path), Some(at)) = (op.str_at(&[key]), op.at) {
            let path = path
                .trim_start_matches('/')
                .replace("~1", "/")
                .replace("~0", "~");
            obj.removed.push((path, at));
        }
    }
}

/// Remembers the fields a strategic merge patch deletes (`key: null`, `$patch: delete`).
fn note_smp_removals(obj: &mut Obj, patch: &Node, path: &mut Vec<String>) {
    if patch.str_at(&["$patch"]) == Some("delete")
        && let Some(at) = patch.at
    {
        obj.removed.push((path.join("/"), at));
    }
    for (k, v) in patch.entries() {
        path.push(k.clone());
        if v.is_null() {
            if let Some(at) = v.at {
                obj.removed.push((path.join("/"), at));
            }
        } else if v.is_map() {
            note_smp_removals(obj, v, path);
        } else {
            for item in v.items() {
                note_smp_removals(obj, item, path);
            }
        }
        path.pop();
    }
}
