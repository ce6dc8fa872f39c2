//! Strategic merge patches, as `kustomize build` (v5.5) applies them: kyaml's `merge2` walk
//! (`kyaml/yaml/merge2`, `kyaml/yaml/walk`) in the list-prepending mode kustomize's
//! `patchstrategicmerge` filter uses, with the merge keys of the Kubernetes v1.21.2 OpenAPI
//! that kyaml embeds.
//!
//! This is kyaml's behaviour, not the API server's, and the two differ:
//! - only `$patch` (`delete`, `replace`, `merge`) is a directive; `$retainKeys`,
//!   `$setElementOrder/…` and `$deleteFromPrimitiveList/…` are ordinary fields that reach the
//!   output;
//! - lists are merged only where the schema gives a merge strategy (containers, env, ports,
//!   volumes, topologySpreadConstraints, finalizers…); every other list (tolerations,
//!   affinity terms, HPA metrics, any list of a kind the schema does not know, so of every
//!   custom resource) is replaced; a map with `apiVersion` and `kind` of a built-in type below
//!   a field the schema does not know (a pod template inside a custom resource) merges by
//!   that type's schema;
//! - elements of a merged list come in the patch's order, then the target's other elements
//!   (target elements are moved behind when the list has two merge keys, as ports have);
//!   elements are matched on every merge key the list has (`containerPort` and `protocol`),
//!   so a patch port without `protocol` does not reach a target port that has one;
//! - `$patch: replace` on a list element keeps the target element, and at the top of the
//!   patch changes nothing; a `$patch` element in a list the target lacks, and elements
//!   without the merge key, garble the list the way kyaml does;
//! - a `null` in the patch deletes the key; an empty value (`key:`) in a target map the
//!   patch reaches goes too, while a target's written `null` or `~` stays.
//!
//! Locations: a value taken from the patch keeps the patch's place; where it replaces a target
//! value, it remembers the replaced value's place as `was`; merged maps and list elements keep
//! the target's place.

use super::value::{Node, V, to_yaml};
use std::borrow::Cow;
use std::collections::{BTreeSet, HashSet};

/// What a patch did to the object.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The object was patched in place.
    Patched,
    /// The patch deleted the object (`$patch: delete` at its top); the object is to be dropped
    /// (`target` is left null).
    Deleted,
}

/// Applies the strategic merge patch `patch` to `target` (a whole Kubernetes object). The
/// object's `apiVersion` and `kind` choose the schema. On error `target` is left as it was.
///
/// Kustomize's own steps around the merge are the caller's: it puts back the target's `kind`
/// and `metadata.name` (unless the patch options allow changing them) and always its
/// `metadata.namespace` (removed when the target had none).
pub fn apply(target: &mut Node, patch: &Node) -> Result<Outcome, String> {
    for (node, what) in [(&*target, "object"), (patch, "patch")] {
        if !node.is_map() {
            return Err(format!(
                "{}; the {what} is not a mapping",
                wrong_kind(Kind::Map, node)
            ));
        }
    }
    let mut walker = Walker { steps: 0 };
    let out = walker.walk(
        Some(target.clone()),
        Src::Patch(Cow::Borrowed(patch)),
        Schema::Unknown,
        0,
    )?;
    match out.node {
        // kustomize keeps the object it merged in place: a top-level `$patch: replace`, which
        // makes kyaml return the patch instead, changes nothing.
        Some(node) if node.is_map() => {
            if out.same {
                *target = node;
            }
            Ok(Outcome::Patched)
        }
        _ => {
            *target = Node::new(V::Null);
            Ok(Outcome::Deleted)
        }
    }
}

/// Deepest recursion (the trees are at most `value::MAX_DEPTH` deep; this is a guard).
const MAX_WALK_DEPTH: usize = 512;

/// Most element comparisons one patch may make (kyaml's list merge is quadratic).
const MAX_STEPS: u64 = 50_000_000;

/// The schema of the value being walked.
#[derive(Clone, Copy, Debug)]
enum Schema {
    /// None known: lists are replaced, and a map with a built-in `apiVersion`/`kind` brings
    /// its type's schema.
    Unknown,
    /// A known type without lists to merge below it.
    Known,
    /// A type of [`TYPES`].
    Type(u8),
    /// A list with the merge strategy: its merge keys (none for a list of scalars) and its
    /// elements' type.
    Merge(&'static [&'static str], Option<u8>),
}

/// A field of a type of [`TYPES`].
#[derive(Clone, Copy, Debug)]
enum Field {
    Obj(u8),
    Merge(&'static [&'static str], Option<u8>),
}

impl Schema {
    fn field(self, key: &str) -> Schema {
        match self {
            Schema::Unknown | Schema::Merge(..) => Schema::Unknown,
            Schema::Known => Schema::Known,
            Schema::Type(t) => TYPES
                .get(usize::from(t))
                .and_then(|fields| fields.iter().find(|(name, _)| *name == key))
                .map_or(Schema::Known, |(_, field)| match *field {
                    Field::Obj(t) => Schema::Type(t),
                    Field::Merge(keys, items) => Schema::Merge(keys, items),
                }),
        }
    }

    /// The schema of a built-in kind.
    fn of_kind(api_version: &str, kind: &str) -> Option<Schema> {
        KINDS
            .iter()
            .find(|(a, k, _)| *a == api_version && *k == kind)
            .map(|&(_, _, t)| Schema::Type(t))
    }
}

/// The types of the Kubernetes v1.21.2 OpenAPI (`kyaml/openapi/kubernetesapi/v1_21_2`, the
/// schema kustomize v5.5 uses) that lead to a list with `x-kubernetes-patch-strategy: merge`:
/// for each, its fields on the way to one, and the list's merge keys
/// (`x-kubernetes-list-map-keys`, else `x-kubernetes-patch-merge-key`). Types with the same
/// fields share an entry. Generated from the OpenAPI document.
#[rustfmt::skip]
const TYPES: &[&[(&str, Field)]] = &[
    // 0: admissionregistration.v1.MutatingWebhookConfiguration (and 3 more)
    &[("metadata", Field::Obj(27)), ("webhooks", Field::Merge(&["name"], None))],
    // 1: apps.v1.ControllerRevision (and 63 more)
    &[("metadata", Field::Obj(27))],
    // 2: apps.v1.DaemonSet (and 5 more)
    &[("metadata", Field::Obj(27)), ("spec", Field::Obj(3)), ("status", Field::Obj(4))],
    // 3: apps.v1.DaemonSetSpec (and 5 more)
    &[("template", Field::Obj(22))],
    // 4: apps.v1.DaemonSetStatus (and 12 more)
    &[("conditions", Field::Merge(&["type"], None))],
    // 5: batch.v1.CronJob (and 1 more)
    &[("metadata", Field::Obj(27)), ("spec", Field::Obj(6))],
    // 6: batch.v1.CronJobSpec (and 1 more)
    &[("jobTemplate", Field::Obj(7))],
    // 7: batch.v1.JobTemplateSpec (and 1 more)
    &[("metadata", Field::Obj(27)), ("spec", Field::Obj(3))],
    // 8: core.v1.Namespace (and 5 more)
    &[("metadata", Field::Obj(27)), ("status", Field::Obj(4))],
    // 9: storage.v1.CSINode (and 1 more)
    &[("metadata", Field::Obj(27)), ("spec", Field::Obj(10))],
    // 10: storage.v1.CSINodeSpec (and 1 more)
    &[("drivers", Field::Merge(&["name"], None))],
    // 11: core.v1.ComponentStatus
    &[("conditions", Field::Merge(&["type"], None)), ("metadata", Field::Obj(27))],
    // 12: core.v1.Container
    &[
        ("env", Field::Merge(&["name"], None)),
        ("ports", Field::Merge(&["containerPort", "protocol"], None)),
        ("volumeDevices", Field::Merge(&["devicePath"], None)),
        ("volumeMounts", Field::Merge(&["mountPath"], None)),
    ],
    // 13: core.v1.EphemeralContainer
    &[
        ("env", Field::Merge(&["name"], None)),
        ("volumeDevices", Field::Merge(&["devicePath"], None)),
        ("volumeMounts", Field::Merge(&["mountPath"], None)),
    ],
    // 14: core.v1.EphemeralVolumeSource
    &[("volumeClaimTemplate", Field::Obj(1))],
    // 15: core.v1.Node
    &[("metadata", Field::Obj(27)), ("spec", Field::Obj(16)), ("status", Field::Obj(17))],
    // 16: core.v1.NodeSpec
    &[("podCIDRs", Field::Merge(&[], None))],
    // 17: core.v1.NodeStatus
    &[("addresses", Field::Merge(&["type"], None)), ("conditions", Field::Merge(&["type"], None))],
    // 18: core.v1.Pod
    &[("metadata", Field::Obj(27)), ("spec", Field::Obj(19)), ("status", Field::Obj(20))],
    // 19: core.v1.PodSpec
    &[
        ("containers", Field::Merge(&["name"], Some(12))),
        ("ephemeralContainers", Field::Merge(&["name"], Some(13))),
        ("hostAliases", Field::Merge(&["ip"], None)),
        ("imagePullSecrets", Field::Merge(&["name"], None)),
        ("initContainers", Field::Merge(&["name"], Some(12))),
        ("topologySpreadConstraints", Field::Merge(&["topologyKey", "whenUnsatisfiable"], None)),
        ("volumes", Field::Merge(&["name"], Some(26))),
    ],
    // 20: core.v1.PodStatus
    &[("conditions", Field::Merge(&["type"], None)), ("podIPs", Field::Merge(&["ip"], None))],
    // 21: core.v1.PodTemplate
    &[("metadata", Field::Obj(27)), ("template", Field::Obj(22))],
    // 22: core.v1.PodTemplateSpec
    &[("metadata", Field::Obj(27)), ("spec", Field::Obj(19))],
    // 23: core.v1.Service
    &[("metadata", Field::Obj(27)), ("spec", Field::Obj(25)), ("status", Field::Obj(4))],
    // 24: core.v1.ServiceAccount
    &[("metadata", Field::Obj(27)), ("secrets", Field::Merge(&["name"], None))],
    // 25: core.v1.ServiceSpec
    &[("ports", Field::Merge(&["port", "protocol"], None))],
    // 26: core.v1.Volume
    &[("ephemeral", Field::Obj(14))],
    // 27: meta.v1.ObjectMeta
    &[("finalizers", Field::Merge(&[], None)), ("ownerReferences", Field::Merge(&["uid"], None))],
];

/// The kinds of that schema (`x-kubernetes-group-version-kind`) and their entry in [`TYPES`].
/// Kinds with no list to merge are left out: for them, as for kinds the schema does not know,
/// every list is replaced.
#[rustfmt::skip]
const KINDS: &[(&str, &str, u8)] = &[
    ("admissionregistration.k8s.io/v1", "MutatingWebhookConfiguration", 0),
    ("admissionregistration.k8s.io/v1", "ValidatingWebhookConfiguration", 0),
    ("admissionregistration.k8s.io/v1beta1", "MutatingWebhookConfiguration", 0),
    ("admissionregistration.k8s.io/v1beta1", "ValidatingWebhookConfiguration", 0),
    ("apiextensions.k8s.io/v1", "CustomResourceDefinition", 1),
    ("apiextensions.k8s.io/v1beta1", "CustomResourceDefinition", 1),
    ("apiregistration.k8s.io/v1", "APIService", 8),
    ("apiregistration.k8s.io/v1beta1", "APIService", 8),
    ("apps/v1", "ControllerRevision", 1),
    ("apps/v1", "DaemonSet", 2),
    ("apps/v1", "Deployment", 2),
    ("apps/v1", "ReplicaSet", 2),
    ("apps/v1", "StatefulSet", 2),
    ("authentication.k8s.io/v1", "TokenRequest", 1),
    ("authentication.k8s.io/v1", "TokenReview", 1),
    ("authentication.k8s.io/v1beta1", "TokenReview", 1),
    ("authorization.k8s.io/v1", "LocalSubjectAccessReview", 1),
    ("authorization.k8s.io/v1", "SelfSubjectAccessReview", 1),
    ("authorization.k8s.io/v1", "SelfSubjectRulesReview", 1),
    ("authorization.k8s.io/v1", "SubjectAccessReview", 1),
    ("authorization.k8s.io/v1beta1", "LocalSubjectAccessReview", 1),
    ("authorization.k8s.io/v1beta1", "SelfSubjectAccessReview", 1),
    ("authorization.k8s.io/v1beta1", "SelfSubjectRulesReview", 1),
    ("authorization.k8s.io/v1beta1", "SubjectAccessReview", 1),
    ("autoscaling/v1", "HorizontalPodAutoscaler", 1),
    ("autoscaling/v1", "Scale", 1),
    ("autoscaling/v2beta1", "HorizontalPodAutoscaler", 1),
    ("autoscaling/v2beta2", "HorizontalPodAutoscaler", 1),
    ("batch/v1", "CronJob", 5),
    ("batch/v1", "Job", 2),
    ("batch/v1beta1", "CronJob", 5),
    ("certificates.k8s.io/v1", "CertificateSigningRequest", 1),
    ("certificates.k8s.io/v1beta1", "CertificateSigningRequest", 1),
    ("coordination.k8s.io/v1", "Lease", 1),
    ("coordination.k8s.io/v1beta1", "Lease", 1),
    ("discovery.k8s.io/v1", "EndpointSlice", 1),
    ("discovery.k8s.io/v1beta1", "EndpointSlice", 1),
    ("events.k8s.io/v1", "Event", 1),
    ("events.k8s.io/v1beta1", "Event", 1),
    ("extensions/v1beta1", "Ingress", 1),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "FlowSchema", 1),
    ("flowcontrol.apiserver.k8s.io/v1beta1", "PriorityLevelConfiguration", 1),
    ("networking.k8s.io/v1", "Ingress", 1),
    ("networking.k8s.io/v1", "IngressClass", 1),
    ("networking.k8s.io/v1", "NetworkPolicy", 1),
    ("networking.k8s.io/v1beta1", "Ingress", 1),
    ("networking.k8s.io/v1beta1", "IngressClass", 1),
    ("node.k8s.io/v1", "RuntimeClass", 1),
    ("node.k8s.io/v1beta1", "RuntimeClass", 1),
    ("policy/v1", "PodDisruptionBudget", 8),
    ("policy/v1beta1", "Eviction", 1),
    ("policy/v1beta1", "PodDisruptionBudget", 8),
    ("policy/v1beta1", "PodSecurityPolicy", 1),
    ("rbac.authorization.k8s.io/v1", "ClusterRole", 1),
    ("rbac.authorization.k8s.io/v1", "ClusterRoleBinding", 1),
    ("rbac.authorization.k8s.io/v1", "Role", 1),
    ("rbac.authorization.k8s.io/v1", "RoleBinding", 1),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRole", 1),
    ("rbac.authorization.k8s.io/v1beta1", "ClusterRoleBinding", 1),
    ("rbac.authorization.k8s.io/v1beta1", "Role", 1),
    ("rbac.authorization.k8s.io/v1beta1", "RoleBinding", 1),
    ("scheduling.k8s.io/v1", "PriorityClass", 1),
    ("scheduling.k8s.io/v1beta1", "PriorityClass", 1),
    ("storage.k8s.io/v1", "CSIDriver", 1),
    ("storage.k8s.io/v1", "CSINode", 9),
    ("storage.k8s.io/v1", "StorageClass", 1),
    ("storage.k8s.io/v1", "VolumeAttachment", 1),
    ("storage.k8s.io/v1beta1", "CSIDriver", 1),
    ("storage.k8s.io/v1beta1", "CSINode", 9),
    ("storage.k8s.io/v1beta1", "CSIStorageCapacity", 1),
    ("storage.k8s.io/v1beta1", "StorageClass", 1),
    ("storage.k8s.io/v1beta1", "VolumeAttachment", 1),
    ("v1", "Binding", 1),
    ("v1", "ComponentStatus", 11),
    ("v1", "ConfigMap", 1),
    ("v1", "Endpoints", 1),
    ("v1", "Event", 1),
    ("v1", "LimitRange", 1),
    ("v1", "Namespace", 8),
    ("v1", "Node", 15),
    ("v1", "PersistentVolume", 1),
    ("v1", "PersistentVolumeClaim", 8),
    ("v1", "Pod", 18),
    ("v1", "PodTemplate", 21),
    ("v1", "ReplicationController", 2),
    ("v1", "ResourceQuota", 1),
    ("v1", "Secret", 1),
    ("v1", "Service", 23),
    ("v1", "ServiceAccount", 24),
];

/// The patch side of a walk.
enum Src<'a> {
    /// The patch does not have this value.
    Missing,
    /// The patch's value.
    Patch(Cow<'a, Node>),
    /// The target's value itself: kyaml walks a value it took from the patch against itself,
    /// which is how directives and nulls below it are resolved.
    Dest,
}

/// What walking a value gave.
struct Out {
    /// The value; `None` (or a null, unless `keep`) removes it.
    node: Option<Node>,
    /// A null the target wrote that stays.
    keep: bool,
    /// The value is the target's value (merged in place), not one taken from the patch.
    same: bool,
}

impl Out {
    fn none() -> Out {
        Out {
            node: None,
            keep: false,
            same: false,
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Directive {
    Merge,
    Replace,
    Delete,
    /// An unknown `$patch` value where kyaml ignores it.
    Unknown,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Seq,
    Scalar,
}

fn kind_of(node: &Node) -> Kind {
    match node.v {
        V::Map(_) => Kind::Map,
        V::Seq(_) => Kind::Seq,
        _ => Kind::Scalar,
    }
}

fn kind_name(kind: Kind) -> &'static str {
    match kind {
        Kind::Map => "MappingNode",
        Kind::Seq => "SequenceNode",
        Kind::Scalar => "ScalarNode",
    }
}

/// kyaml's error for a value of the wrong kind.
fn wrong_kind(expected: Kind, node: &Node) -> String {
    format!(
        "wrong node kind: expected {} but got {}: node contents:\n{}",
        kind_name(expected),
        kind_name(kind_of(node)),
        to_yaml(node).trim_end()
    )
}

/// A null written as nothing at all (`key:`): kyaml drops it when it walks the map.
fn is_empty_null(node: &Node) -> bool {
    node.is_null() && node.at.is_some_and(|at| at.span.start == at.span.end)
}

fn is_missing_or_null(node: Option<&Node>) -> bool {
    node.is_none_or(Node::is_null)
}

fn is_empty_map(node: &Node) -> bool {
    matches!(&node.v, V::Map(m) if m.is_empty())
}

/// A scalar's text as kyaml compares it (a collection's is empty).
fn text(node: &Node) -> String {
    match &node.v {
        V::Null if is_empty_null(node) => String::new(),
        V::Null => "null".to_string(),
        V::Seq(_) | V::Map(_) => String::new(),
        _ => node.scalar_text().unwrap_or_default(),
    }
}

/// A merge key's value in an element: empty when missing, null or a collection.
fn key_text(elem: &Node, key: &str) -> String {
    match last_field(elem, key) {
        Some(v) if !v.is_null() => text(v),
        _ => String::new(),
    }
}

/// A mapping's field (kyaml takes the last of repeated keys).
fn last_field<'n>(node: &'n Node, key: &str) -> Option<&'n Node> {
    node.entries()
        .iter()
        .rev()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v)
}

/// `new`, taken from the patch, in place of `old`: remembers where `old` was written.
fn replaced(mut new: Node, old: Option<&Node>) -> Node {
    if let Some(old) = old {
        let was = old.was.or(old.at);
        if new.was.is_none() && was != new.at {
            new.was = was;
        }
    }
    new
}

/// The built-in type a mapping declares with `apiVersion` and `kind`.
fn schema_of(node: &Node) -> Option<Schema> {
    let api_version = node.get("apiVersion")?.as_str()?;
    let kind = node.get("kind")?.as_str()?;
    Schema::of_kind(api_version, kind)
}

struct Walker {
    steps: u64,
}

impl Walker {
    fn step(&mut self, n: usize) -> Result<(), String> {
        self.steps = self.steps.saturating_add(n as u64);
        if self.steps > MAX_STEPS {
            return Err("strategic merge patch too large to apply".to_string());
        }
        Ok(())
    }

    /// kyaml's `Walker.Walk` with sources `[dest, origin]`.
    fn walk(
        &mut self,
        dest: Option<Node>,
        origin: Src<'_>,
        schema: Schema,
        depth: usize,
    ) -> Result<Out, String> {
        if depth > MAX_WALK_DEPTH {
            return Err("strategic merge patch nested too deeply".to_string());
        }
        self.step(1)?;
        let (schema, kind) = {
            let o = match &origin {
                Src::Missing => None,
                Src::Patch(o) => Some(&**o),
                Src::Dest => dest.as_ref(),
            };
            let sources = [dest.as_ref(), o];
            let schema = match schema {
                Schema::Unknown => sources
                    .iter()
                    .flatten()
                    .filter(|n| n.is_map())
                    .find_map(|n| schema_of(n))
                    .unwrap_or(Schema::Unknown),
                s => s,
            };
            let kind = sources
                .iter()
                .flatten()
                .find(|n| !n.is_null())
                .map(|n| kind_of(n));
            let expected = kind.unwrap_or(Kind::Map);
            for n in sources.iter().flatten() {
                if !n.is_null() && kind_of(n) != expected {
                    return Err(wrong_kind(expected, n));
                }
            }
            (schema, kind)
        };
        match kind {
            None | Some(Kind::Map) => self.walk_map(dest, origin, schema, depth),
            Some(Kind::Seq) => match schema {
                Schema::Merge(keys, items) => self.walk_assoc(dest, origin, keys, items, depth),
                _ => Ok(take_origin(dest, origin)),
            },
            Some(Kind::Scalar) => Ok(take_origin(dest, origin)),
        }
    }

    /// `walkMap`: `VisitMap`, then each field of either side, in sorted order.
    fn walk_map(
        &mut self,
        mut dest: Option<Node>,
        origin: Src<'_>,
        schema: Schema,
        depth: usize,
    ) -> Result<Out, String> {
        let (mut node, origin, same) = if is_missing_or_null(dest.as_ref()) {
            let (ps, origin) = directive(origin, &mut dest, false)?;
            if ps == Directive::Delete {
                return Ok(Out::none());
            }
            match origin {
                Src::Missing => {
                    // A null the target wrote (`null`, `~`) stays; an empty one goes.
                    return Ok(match dest {
                        Some(d) if !is_empty_null(&d) => Out {
                            node: Some(d),
                            keep: true,
                            same: true,
                        },
                        _ => Out::none(),
                    });
                }
                Src::Patch(o) => (replaced(o.into_owned(), dest.as_ref()), Src::Dest, false),
                Src::Dest => match dest {
                    Some(d) => (d, Src::Dest, true),
                    None => return Ok(Out::none()),
                },
            }
        } else {
            let origin_null = match &origin {
                Src::Patch(o) => o.is_null(),
                _ => false,
            };
            if origin_null {
                return Ok(Out::none());
            }
            let (ps, origin) = directive(origin, &mut dest, true)?;
            let Some(d) = dest else {
                return Ok(Out::none());
            };
            match (ps, origin) {
                (Directive::Delete, _) => return Ok(Out::none()),
                (Directive::Replace, Src::Patch(o)) => {
                    (replaced(o.into_owned(), Some(&d)), Src::Dest, false)
                }
                (_, origin) => (d, origin, true),
            }
        };
        if !node.is_map() {
            // A null taken from the patch: it has no fields, and its parent drops it.
            return Ok(Out {
                node: Some(node),
                keep: false,
                same,
            });
        }
        let mut names: BTreeSet<String> = node.entries().iter().map(|(k, _)| k.clone()).collect();
        if let Src::Patch(o) = &origin {
            names.extend(o.entries().iter().map(|(k, _)| k.clone()));
        }
        for key in names {
            let child_schema = schema.field(&key);
            let V::Map(entries) = &mut node.v else { break };
            let index = entries.iter().position(|(k, _)| *k == key);
            let child = index.map(|i| std::mem::replace(&mut entries[i].1, Node::new(V::Null)));
            let child_origin = match &origin {
                Src::Missing => Src::Missing,
                Src::Dest => Src::Dest,
                Src::Patch(o) => match last_field(o, &key) {
                    Some(v) => Src::Patch(Cow::Borrowed(v)),
                    None => Src::Missing,
                },
            };
            let out = self.walk(child, child_origin, child_schema, depth + 1)?;
            let V::Map(entries) = &mut node.v else { break };
            match out.node {
                Some(value) if !value.is_null() || out.keep => match index {
                    Some(i) => entries[i].1 = value,
                    None => entries.push((key, value)),
                },
                _ => {
                    if let Some(i) = index {
                        entries.remove(i);
                    }
                }
            }
        }
        Ok(Out {
            node: Some(node),
            keep: false,
            same,
        })
    }

    /// `walkAssociativeSequence`: a list merged element by element.
    fn walk_assoc(
        &mut self,
        mut dest: Option<Node>,
        origin: Src<'_>,
        keys: &'static [&'static str],
        items: Option<u8>,
        depth: usize,
    ) -> Result<Out, String> {
        let (list, origin) = if is_missing_or_null(dest.as_ref()) {
            // Taken from the patch as it is (its directives are not looked at), then merged
            // with itself.
            match origin {
                Src::Patch(o) => (replaced(o.into_owned(), dest.as_ref()), Src::Dest),
                Src::Missing | Src::Dest => return Ok(Out::none()),
            }
        } else {
            if matches!(&origin, Src::Patch(o) if o.is_null()) {
                return Ok(Out::none());
            }
            let (ps, origin) = directive(origin, &mut dest, true)?;
            let Some(d) = dest else {
                return Ok(Out::none());
            };
            match (ps, origin) {
                (Directive::Delete, _) => return Ok(Out::none()),
                (Directive::Replace, Src::Patch(o)) => {
                    (replaced(o.into_owned(), Some(&d)), Src::Dest)
                }
                (_, origin) => (d, origin),
            }
        };
        let item_schema = items.map_or(Schema::Known, Schema::Type);
        let origin_items: Option<&[Node]> = match &origin {
            Src::Missing => None,
            Src::Patch(o) => Some(o.items()),
            Src::Dest => Some(list.items()),
        };
        // Patch elements first (kustomize prepends), then the target's.
        let sources = [origin_items, Some(list.items())];
        let mut values: Vec<Vec<String>> = Vec::new();
        let mut seen: HashSet<Vec<String>> = HashSet::new();
        for items in sources.iter().flatten() {
            self.step(items.len())?;
            for elem in *items {
                let v: Vec<String> = keys.iter().map(|k| key_text(elem, k)).collect();
                if !v.is_empty() && seen.insert(v.clone()) {
                    values.push(v);
                }
            }
        }
        let keys: &[&str] = if values.is_empty() && keys.is_empty() {
            // A list of scalars (finalizers): merged by value.
            let mut seen: HashSet<String> = HashSet::new();
            for items in sources.iter().flatten() {
                for elem in *items {
                    let t = text(elem);
                    if seen.insert(t.clone()) {
                        values.push(vec![t]);
                    }
                }
            }
            &[""]
        } else {
            keys
        };
        let node = self.set_elements(values, keys, list, &origin, item_schema, depth)?;
        Ok(Out {
            node,
            keep: false,
            same: false,
        })
    }

    /// `setAssociativeSequenceElements`, for kustomize's prepending merge.
    fn set_elements(
        &mut self,
        mut values_list: Vec<Vec<String>>,
        keys: &[&str],
        list: Node,
        origin: &Src<'_>,
        item_schema: Schema,
        depth: usize,
    ) -> Result<Option<Node>, String> {
        let Node { v, at, was } = list;
        let mut dest = match v {
            V::Seq(items) => items,
            _ => Vec::new(),
        };
        // kyaml changes the patch's elements as it merges them (directives taken out, values
        // merged with themselves), and a later match sees them changed.
        let mut origin_items: Vec<Node> = match origin {
            Src::Patch(o) => o.items().to_vec(),
            _ => Vec::new(),
        };
        if keys.len() > 1 {
            merge_values(&mut values_list);
        }
        // Keys some element of either side has a value for.
        let keys_with_values: Vec<&str> = keys
            .iter()
            .enumerate()
            .filter(|(i, _)| {
                values_list
                    .iter()
                    .any(|v| v.get(*i).is_some_and(|s| !s.is_empty()))
            })
            .map(|(_, k)| *k)
            .collect();
        let mut added: Vec<Node> = Vec::new();
        let mut valid_keys: Vec<&str> = Vec::new();
        for values in &values_list {
            if values.is_empty() {
                continue;
            }
            let valid_values;
            (valid_keys, valid_values) = validate_keys(&keys_with_values, values, keys);
            let own: Vec<&str> = valid_keys
                .iter()
                .zip(&valid_values)
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, _)| *k)
                .collect();
            let (find_keys, find_values) = validate_keys(&own, &valid_values, &valid_keys);
            self.step(dest.len() + origin_items.len())?;
            let index = element_list(&dest, &find_keys, &find_values);
            let origin_index = match origin {
                Src::Patch(_) => element_list(&origin_items, &find_keys, &find_values),
                _ => None,
            };
            let dest_elem = index.map(|i| dest[i].clone());
            let elem_origin = match (origin, index, origin_index) {
                (Src::Dest, Some(_), _) => Src::Dest,
                (Src::Patch(_), _, Some(j)) => Src::Patch(Cow::Owned(origin_items[j].clone())),
                _ => Src::Missing,
            };
            // The element's own `$patch` goes, whatever comes of the element.
            match (origin, index, origin_index) {
                (Src::Dest, Some(i), _) => elide_directive(&mut dest[i]),
                (Src::Patch(_), _, Some(j)) => elide_directive(&mut origin_items[j]),
                _ => {}
            }
            let out = self.walk(dest_elem, elem_origin, item_schema, depth + 1)?;
            if let (false, Some(n), Some(j)) = (out.same, &out.node, origin_index) {
                // What kyaml took from the patch is the patch's element, changed.
                origin_items[j] = n.clone();
            }
            let mut val = out.node;
            let mut deleted = false;
            for (i, key) in valid_keys.iter().enumerate() {
                match &mut val {
                    Some(n) if !n.is_null() && !is_empty_map(n) => {
                        // (For a scalar, kyaml sets the value it already has.)
                        if !key.is_empty()
                            && last_field(n, key).is_none()
                            && !valid_values[i].is_empty()
                        {
                            if !n.is_map() {
                                return Err(wrong_kind(Kind::Map, n));
                            }
                            let at = n.at;
                            n.set(key, Node::str(valid_values[i].clone(), at));
                        }
                    }
                    _ => {
                        deleted = true;
                        self.step(dest.len())?;
                        element_setter(&mut dest, None, &valid_keys, &valid_values)?;
                    }
                }
            }
            if let (true, Some(i), Some(n), false) = (out.same, index, &val, deleted) {
                // kyaml merged the target's element in place.
                dest[i] = n.clone();
            }
            if deleted {
                continue;
            }
            if let Some(n) = val {
                self.step(added.len())?;
                element_setter(&mut added, Some(n), &valid_keys, &valid_values)?;
            }
        }
        if values_list.is_empty() || valid_keys.is_empty() {
            return Ok(Some(Node {
                v: V::Seq(dest),
                at,
                was,
            }));
        }
        let merged = self.append_list_node(added, dest, &valid_keys)?;
        Ok(Some(Node {
            v: V::Seq(merged),
            at,
            was,
        }))
    }

    /// `appendListNode(dst, src, keys)`: the target's elements put into the merged ones.
    fn append_list_node(
        &mut self,
        mut dst: Vec<Node>,
        src: Vec<Node>,
        keys: &[&str],
    ) -> Result<Vec<Node>, String> {
        for elem in src {
            self.step(dst.len())?;
            if keys[0].is_empty() {
                let v = [text(&elem)];
                element_setter(&mut dst, Some(elem), &[""], &v)?;
                continue;
            }
            let mut v: Vec<String> = Vec::new();
            for key in keys {
                if elem.is_null() {
                    dst.push(elem.clone());
                    continue;
                }
                if !elem.is_map() {
                    return Err(wrong_kind(Kind::Map, &elem));
                }
                match last_field(&elem, key) {
                    // No key: appended as it is (and kyaml goes on with the keys it has).
                    None => dst.push(elem.clone()),
                    Some(value) => v.push(text(value)),
                }
            }
            if keys.len() > 1 {
                element_setter(&mut dst, None, keys, &v)?;
            }
            element_setter(&mut dst, Some(elem), keys, &v)?;
        }
        Ok(dst)
    }
}

/// The patch value as it is, in place of the target's (scalars, replaced lists).
fn take_origin(dest: Option<Node>, origin: Src<'_>) -> Out {
    match origin {
        Src::Patch(o) => Out {
            node: Some(replaced(o.into_owned(), dest.as_ref())),
            keep: false,
            same: false,
        },
        Src::Missing | Src::Dest => Out {
            node: dest,
            keep: false,
            same: true,
        },
    }
}

/// `determineSmpDirective`: the `$patch` of the patch value, removed from it. With `strict`
/// unset (a value the target lacks) an unknown directive is ignored and stays.
fn directive<'a>(
    origin: Src<'a>,
    dest: &mut Option<Node>,
    strict: bool,
) -> Result<(Directive, Src<'a>), String> {
    let node = match &origin {
        Src::Missing => return Ok((Directive::Merge, origin)),
        Src::Patch(o) => &**o,
        Src::Dest => match dest {
            Some(d) => &*d,
            None => return Ok((Directive::Merge, origin)),
        },
    };
    let found = match &node.v {
        V::Map(_) => match last_field(node, "$patch") {
            None => return Ok((Directive::Merge, origin)),
            Some(v) => text(v),
        },
        V::Seq(items) => {
            // A list's directive is an element that is only `$patch: …`.
            let Some(elem) = items
                .iter()
                .find(|e| e.is_map() && last_field(e, "$patch").is_some())
            else {
                return Ok((Directive::Merge, origin));
            };
            if elem.entries().len() > 1 {
                return Ok((Directive::Merge, origin));
            }
            last_field(elem, "$patch").map(text).unwrap_or_default()
        }
        _ => {
            if strict {
                return Err(format!(
                    "no implemented strategic merge patch strategy for '{}'",
                    to_yaml(node).trim_end()
                ));
            }
            return Ok((Directive::Unknown, origin));
        }
    };
    let ps = match found.as_str() {
        "delete" => Directive::Delete,
        "replace" => Directive::Replace,
        "merge" => Directive::Merge,
        _ if strict => return Err(format!("unknown patch strategy '{found}'")),
        _ => return Ok((Directive::Unknown, origin)),
    };
    let elide = |node: &mut Node| -> Result<(), String> {
        match &mut node.v {
            V::Map(entries) => entries.retain(|(k, _)| k != "$patch"),
            V::Seq(items) => {
                element_setter(items, None, &["$patch"], std::slice::from_ref(&found))?
            }
            _ => {}
        }
        Ok(())
    };
    let origin = match origin {
        Src::Patch(mut o) => {
            elide(o.to_mut())?;
            Src::Patch(o)
        }
        Src::Dest => {
            if let Some(d) = dest {
                elide(d)?;
            }
            Src::Dest
        }
        Src::Missing => Src::Missing,
    };
    Ok((ps, origin))
}

/// Takes a known `$patch` out of a mapping, as kyaml does when it merges the mapping.
fn elide_directive(node: &mut Node) {
    let known = last_field(node, "$patch")
        .is_some_and(|v| matches!(text(v).as_str(), "delete" | "replace" | "merge"));
    if let (true, V::Map(entries)) = (known, &mut node.v) {
        entries.retain(|(k, _)| k != "$patch");
    }
}

/// `mergeValues`: key tuples that agree where both have a value (a port with and one without
/// `protocol`) become one.
fn merge_values(list: &mut [Vec<String>]) {
    for i in 0..list.len() {
        let first = list[i].clone();
        for j in 0..list.len() {
            if let Some(merged) = match_values(&first, &list[j]) {
                list[i] = merged.clone();
                list[j] = merged;
            }
        }
    }
}

fn match_values(a: &[String], b: &[String]) -> Option<Vec<String>> {
    if a.len() != b.len() {
        return None;
    }
    let mut common = false;
    let mut out = Vec::with_capacity(a.len());
    for (x, y) in a.iter().zip(b) {
        if x == y {
            common = true;
            out.push(x.clone());
        } else if !x.is_empty() && !y.is_empty() {
            return None;
        } else if !x.is_empty() {
            out.push(x.clone());
        } else {
            out.push(y.clone());
        }
    }
    common.then_some(out)
}

/// `validateKeys`: the keys (of `with_values`, those some tuple has a value for) and their
/// values; all keys when none has one.
fn validate_keys<'k>(
    with_values: &[&str],
    values: &[String],
    keys: &[&'k str],
) -> (Vec<&'k str>, Vec<String>) {
    if with_values.is_empty() {
        return (keys.to_vec(), values.to_vec());
    }
    let valid_keys = keys
        .iter()
        .filter(|k| with_values.contains(k))
        .copied()
        .collect();
    let valid_values = values
        .iter()
        .enumerate()
        .filter(|(i, v)| !v.is_empty() || keys.get(*i).is_some_and(|k| with_values.contains(k)))
        .map(|(_, v)| v.clone())
        .collect();
    (valid_keys, valid_values)
}

/// `ElementList`/`ElementMatcher`: the first element whose keys have exactly these values.
fn element_list(items: &[Node], keys: &[&str], values: &[String]) -> Option<usize> {
    let first_key = keys.first().copied().unwrap_or("");
    if first_key.is_empty() {
        let value = values.first().map_or("", String::as_str);
        return items.iter().position(|e| text(e) == value);
    }
    if keys.len() != values.len() {
        return None;
    }
    items.iter().position(|e| {
        e.is_map()
            && keys.iter().zip(values).all(|(k, v)| {
                e.entries()
                    .iter()
                    .any(|(name, value)| name == k && text(value) == *v)
            })
    })
}

/// `FieldMatcher{Name, StringValue}`: an empty value matches any value.
fn field_matches(elem: &Node, name: &str, value: &str) -> Result<bool, String> {
    if elem.is_null() {
        return Ok(false);
    }
    if name.is_empty() {
        if kind_of(elem) != Kind::Scalar {
            return Err(wrong_kind(Kind::Scalar, elem));
        }
        return Ok(text(elem) == value);
    }
    if !elem.is_map() {
        return Err(wrong_kind(Kind::Map, elem));
    }
    Ok(elem
        .entries()
        .iter()
        .any(|(k, v)| k == name && (value.is_empty() || text(v) == value)))
}

/// `ElementSetter`: replaces the elements matching `keys`/`values` with `element` (appended
/// when none matches), or removes them when `element` is `None`. Null and empty elements go
/// on the way.
fn element_setter(
    items: &mut Vec<Node>,
    element: Option<Node>,
    keys: &[&str],
    values: &[String],
) -> Result<(), String> {
    let keys: &[&str] = if keys.is_empty() { &[""] } else { keys };
    let mapping = !keys[0].is_empty() && values.first().is_some_and(|v| !v.is_empty());
    let mut out = Vec::with_capacity(items.len() + 1);
    let mut found_any = false;
    for elem in std::mem::take(items) {
        if elem.is_null() || is_empty_map(&elem) {
            continue;
        }
        if !elem.is_map() && mapping {
            out.push(elem);
            continue;
        }
        let mut matched = false;
        let mut found = true;
        for (j, key) in keys.iter().enumerate() {
            if let Some(value) = values.get(j) {
                matched = field_matches(&elem, key, value)?;
            }
            if !matched {
                found = false;
                break;
            }
        }
        if !found {
            if !values.is_empty() {
                out.push(elem);
            }
            continue;
        }
        found_any = true;
        if let Some(e) = &element {
            out.push(e.clone());
        }
    }
    if let Some(e) = element
        && !e.is_null()
        && !found_any
    {
        out.push(e);
    }
    *items = out;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::super::value::Loc;
    use super::*;
    use crate::ingest::yaml;
    use crate::model::{SourceFile, SourceId};
    use std::sync::Arc;

    fn read_in(text: &str, source: u32) -> Node {
        let file = SourceFile::new("t.yaml".into(), Arc::from(text));
        let parsed = yaml::parse(&file);
        let doc = &parsed.documents[0];
        let mut budget = super::super::value::MAX_OBJECT_NODES;
        Node::from_val(&doc.tree.val(doc.root), SourceId(source), &mut budget).unwrap()
    }

    /// Patches `base` with `patch` and compares with `want`, what `kubectl kustomize` (v5.5.0)
    /// printed for them (list order matters, map key order does not).
    fn check(base: &str, patch: &str, want: &str) -> Node {
        let mut target = read_in(base, 0);
        let outcome = apply(&mut target, &read_in(patch, 1)).unwrap();
        assert_eq!(outcome, Outcome::Patched);
        assert_eq!(target, read_in(want, 2), "got:\n{}", to_yaml(&target));
        target
    }

    fn apply_text(base: &str, patch: &str) -> (Node, Result<Outcome, String>) {
        let mut target = read_in(base, 0);
        let result = apply(&mut target, &read_in(patch, 1));
        (target, result)
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\n";

    #[test]
    fn top_level_delete_deletes_the_object() {
        let patch = format!("{DEPLOYMENT}$patch: delete\n");
        let (_, result) = apply_text(&format!("{DEPLOYMENT}spec:\n  replicas: 1\n"), &patch);
        assert_eq!(result, Ok(Outcome::Deleted));
    }

    #[test]
    fn top_level_replace_changes_nothing() {
        let base = format!("{DEPLOYMENT}spec:\n  replicas: 2\n");
        let patch = format!("{DEPLOYMENT}$patch: replace\nspec:\n  paused: true\n");
        let (target, result) = apply_text(&base, &patch);
        assert_eq!(result, Ok(Outcome::Patched));
        assert_eq!(target, read_in(&base, 0));
    }

    #[test]
    fn errors_as_kustomize_reports_them() {
        let base = format!(
            "{DEPLOYMENT}spec:\n  replicas: 3\n  template:\n    spec:\n      containers: [{{name: a}}]\n"
        );
        let cases = [
            (
                "spec:\n  replicas: {a: 1}\n",
                "wrong node kind: expected ScalarNode but got MappingNode",
            ),
            (
                "spec:\n  template:\n    $patch: foo\n",
                "unknown patch strategy 'foo'",
            ),
            (
                "spec:\n  template:\n    spec:\n      containers: [{$patch: bad}]\n",
                "unknown patch strategy 'bad'",
            ),
            (
                "spec:\n  template:\n    spec:\n      containers: {name: a}\n",
                "wrong node kind: expected SequenceNode but got MappingNode",
            ),
            (
                // Below a value the target lacks, directives are checked too.
                "spec:\n  extra:\n    sub:\n      $patch: foo\n",
                "unknown patch strategy 'foo'",
            ),
        ];
        for (patch, message) in cases {
            let (target, result) = apply_text(&base, &format!("{DEPLOYMENT}{patch}"));
            let err = result.unwrap_err();
            assert!(err.starts_with(message), "{err}");
            assert_eq!(target, read_in(&base, 0), "the target is left as it was");
        }
        let (_, result) = apply_text(&base, "- a\n");
        assert!(result.unwrap_err().contains("not a mapping"));
    }

    #[test]
    fn locations_follow_the_values() {
        let base = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n      - name: app\n        image: app:1\n      tolerations:\n      - key: a\n";
        let patch = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 5\n  template:\n    spec:\n      containers:\n      - name: new\n        image: new:1\n      - name: app\n        image: app:2\n      tolerations:\n      - key: b\n";
        let mut target = read_in(base, 0);
        assert_eq!(apply(&mut target, &read_in(patch, 1)), Ok(Outcome::Patched));
        let text_at = |loc: Option<Loc>| {
            let loc = loc.unwrap();
            let text = if loc.source == SourceId(0) {
                base
            } else {
                patch
            };
            (loc.source.0, &text[loc.span.start..loc.span.end])
        };
        // A replaced scalar: the patch's value, remembering the base's.
        let replicas = target.path(&["spec", "replicas"]).unwrap();
        assert_eq!(text_at(replicas.at), (1, "5"));
        assert_eq!(text_at(replicas.was), (0, "3"));
        // A merged map keeps the base's place.
        let spec = target.get("spec").unwrap();
        assert_eq!(spec.at.unwrap().source, SourceId(0));
        assert_eq!(spec.was, None);
        let containers = target
            .path(&["spec", "template", "spec", "containers"])
            .unwrap();
        let [new, app] = containers.items() else {
            panic!("{}", to_yaml(containers))
        };
        // An element from the patch.
        assert_eq!(new.at.unwrap().source, SourceId(1));
        assert_eq!(new.was, None);
        // A merged element keeps the base's place; its replaced field is the patch's.
        assert_eq!(app.at.unwrap().source, SourceId(0));
        let image = app.get("image").unwrap();
        assert_eq!(text_at(image.at), (1, "app:2"));
        assert_eq!(text_at(image.was), (0, "app:1"));
        // A list replaced wholesale.
        let tolerations = target
            .path(&["spec", "template", "spec", "tolerations"])
            .unwrap();
        assert_eq!(tolerations.at.unwrap().source, SourceId(1));
        assert_eq!(tolerations.was.unwrap().source, SourceId(0));
        assert_eq!(
            text_at(tolerations.items()[0].get("key").unwrap().at),
            (1, "b")
        );
    }

    #[test]
    fn empty_values_are_told_from_written_nulls() {
        let node = read_in("a:\nb: null\nc: ~\nd: # note\n", 0);
        let empty: Vec<bool> = ["a", "b", "c", "d"]
            .iter()
            .map(|k| is_empty_null(node.get(k).unwrap()))
            .collect();
        assert_eq!(empty, [true, false, false, true]);
    }

    /// Null elements go, and a patch element without the merge key removes every named target
    /// element; a scalar among keyed elements is an error.
    #[test]
    fn null_keyless_and_scalar_elements() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: a}, null, {name: b}]
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers: [{name: b, image: x}, ~]
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - image: x
        name: b
"#,
        );
        let base = format!(
            "{DEPLOYMENT}spec:\n  template:\n    spec:\n      containers: [x, {{name: b}}]\n"
        );
        let patch =
            format!("{DEPLOYMENT}spec:\n  template:\n    spec:\n      containers: [{{name: a}}]\n");
        let err = apply_text(&base, &patch).1.unwrap_err();
        assert!(
            err.starts_with("wrong node kind: expected MappingNode but got ScalarNode"),
            "{err}"
        );
    }

    /// Containers and env merge by name; the patch's elements come first, then the target's others.
    #[test]
    fn merges_containers_by_name_patch_elements_first() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  template:
    spec:
      containers:
      - name: app
        image: app:1
        env:
        - name: A
          value: "1"
      - name: sidecar
        image: side:1
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 5
  template:
    spec:
      containers:
      - name: app
        image: app:2
        env:
        - name: B
          value: "2"
      - name: extra
        image: extra:1
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 5
  template:
    spec:
      containers:
      - env:
        - name: B
          value: "2"
        - name: A
          value: "1"
        image: app:2
        name: app
      - image: extra:1
        name: extra
      - image: side:1
        name: sidecar
"#,
        );
    }

    /// `$patch: delete` removes an element; a `$patch: replace` element replaces the whole list.
    #[test]
    fn deletes_an_element_and_replaces_a_list() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: app
        image: app:1
      - name: sidecar
        image: side:1
      volumes:
      - name: a
        emptyDir: {}
      - name: b
        emptyDir: {}
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: sidecar
        $patch: delete
      volumes:
      - name: c
        emptyDir: {}
      - $patch: replace
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - image: app:1
        name: app
      volumes:
      - emptyDir: {}
        name: c
"#,
        );
    }

    /// Lists of scalars with the merge strategy merge by value; ownerReferences by uid, hostAliases by ip.
    #[test]
    fn merges_finalizers_owner_references_and_host_aliases() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  finalizers: [a, b]
  ownerReferences:
  - {uid: u1, name: x, kind: K, apiVersion: v1}
spec:
  template:
    spec:
      hostAliases:
      - ip: 10.0.0.1
        hostnames: [a]
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  finalizers: [c, a]
  ownerReferences:
  - {uid: u2, name: y, kind: K, apiVersion: v1}
spec:
  template:
    spec:
      hostAliases:
      - ip: 10.0.0.1
        hostnames: [b]
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  finalizers:
  - c
  - a
  - b
  name: web
  ownerReferences:
  - apiVersion: v1
    kind: K
    name: "y"
    uid: u2
  - apiVersion: v1
    kind: K
    name: x
    uid: u1
spec:
  template:
    spec:
      hostAliases:
      - hostnames:
        - b
        ip: 10.0.0.1
"#,
        );
    }

    /// A null deletes; an empty target value goes and a written `null`/`~` stays; nulls and directives in
    /// values the target lacks are resolved; `$patch: replace` on an element keeps the target's element.
    #[test]
    fn null_deletes_and_directives_resolve_in_new_values() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  annotations:
  labels: ~
  finalizers: [a, b]
spec:
  replicas: 3
  paused: null
  minReadySeconds:
  strategy:
    type: Recreate
  template:
    metadata:
      labels:
    spec:
      containers:
      - name: a
        image: a
        args:
        env:
        - name: X
      - name: b
        image: b
      - name: c
        image: c
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  finalizers: [c, a]
spec:
  replicas: null
  strategy: null
  newmap:
    a: 1
    b: null
    c: {d: null, e: 2}
  template:
    spec:
      containers:
      - name: a
        image: null
      - name: b
        $patch: delete
      - name: c
        $patch: replace
        image: c2
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  finalizers:
  - c
  - a
  - b
  labels: null
  name: web
spec:
  newmap:
    a: 1
    c:
      e: 2
  paused: null
  template:
    metadata: {}
    spec:
      containers:
      - env:
        - name: X
        name: a
      - image: c
        name: c
"#,
        );
    }

    /// tolerations have no merge key (replaced); topologySpreadConstraints and container ports merge on
    /// both their keys, so a patch port without `protocol` misses a target port that has one.
    #[test]
    fn tolerations_replaced_spread_constraints_and_ports_merged() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      tolerations:
      - {key: a, operator: Exists}
      - {key: b, operator: Exists}
      topologySpreadConstraints:
      - {topologyKey: zone, whenUnsatisfiable: DoNotSchedule, maxSkew: 1}
      - {topologyKey: host, whenUnsatisfiable: ScheduleAnyway, maxSkew: 1}
      containers:
      - name: a
        ports:
        - {containerPort: 80, protocol: TCP, name: http}
        - {containerPort: 53, protocol: UDP}
        - {containerPort: 53, protocol: TCP}
        - {containerPort: 90}
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      tolerations:
      - {key: c, operator: Exists}
      topologySpreadConstraints:
      - {topologyKey: zone, whenUnsatisfiable: DoNotSchedule, maxSkew: 2}
      - {topologyKey: host, whenUnsatisfiable: DoNotSchedule, maxSkew: 3}
      containers:
      - name: a
        ports:
        - {containerPort: 80, name: web}
        - {containerPort: 53, protocol: UDP, name: dns}
        - {containerPort: 90, protocol: TCP, name: x}
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - name: a
        ports:
        - containerPort: 80
          name: http
          protocol: TCP
        - containerPort: 53
          name: dns
          protocol: UDP
        - containerPort: 53
          protocol: TCP
        - containerPort: 90
      tolerations:
      - key: c
        operator: Exists
      topologySpreadConstraints:
      - maxSkew: 3
        topologyKey: host
        whenUnsatisfiable: DoNotSchedule
      - maxSkew: 2
        topologyKey: zone
        whenUnsatisfiable: DoNotSchedule
      - maxSkew: 1
        topologyKey: host
        whenUnsatisfiable: ScheduleAnyway
"#,
        );
    }

    /// Service ports merge on port and protocol; target ports are moved behind the patch's.
    #[test]
    fn service_ports_merge_on_port_and_protocol() {
        check(
            r#"
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports:
  - {port: 80, targetPort: 8080, name: http}
  - {port: 443, targetPort: 8443, name: https, protocol: TCP}
  - {port: 53, protocol: UDP, name: dns}
"#,
            r#"
apiVersion: v1
kind: Service
metadata: {name: s}
spec:
  ports:
  - {port: 80, targetPort: 9090}
  - {port: 443, targetPort: 9443}
  - {port: 8000, name: new}
"#,
            r#"
apiVersion: v1
kind: Service
metadata:
  name: s
spec:
  ports:
  - name: new
    port: 8000
  - name: http
    port: 80
    targetPort: 9090
  - name: https
    port: 443
    protocol: TCP
    targetPort: 8443
  - name: dns
    port: 53
    protocol: UDP
"#,
        );
    }

    /// A kind the schema does not know has its lists replaced, but an embedded object with a built-in
    /// apiVersion/kind merges by that kind's schema.
    #[test]
    fn custom_resource_lists_are_replaced_embedded_pods_merge() {
        check(
            r#"
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  finalizers: [a, b]
spec:
  items:
  - {name: a, v: 1}
  - {name: b, v: 2}
  sub:
    apiVersion: v1
    kind: Pod
    spec:
      containers:
      - {name: a, image: a}
      - {name: b, image: b}
  tmpl:
    spec:
      containers:
      - {name: a, image: a}
      - {name: b, image: b}
"#,
            r#"
apiVersion: example.com/v1
kind: Widget
metadata:
  name: w
  finalizers: [c]
spec:
  items:
  - {name: a, v: 3}
  sub:
    spec:
      containers:
      - {name: a, image: a2}
  tmpl:
    spec:
      containers:
      - {name: a, image: a2}
"#,
            r#"
apiVersion: example.com/v1
kind: Widget
metadata:
  finalizers:
  - c
  name: w
spec:
  items:
  - name: a
    v: 3
  sub:
    apiVersion: v1
    kind: Pod
    spec:
      containers:
      - image: a2
        name: a
      - image: b
        name: b
  tmpl:
    spec:
      containers:
      - image: a2
        name: a
"#,
        );
    }

    /// kyaml knows only `$patch`: `$retainKeys`, `$setElementOrder/…`, `$deleteFromPrimitiveList/…` stay.
    #[test]
    fn other_directives_are_plain_fields() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 1
  template:
    spec:
      containers:
      - name: a
        image: a:1
      - name: b
        image: b:1
      finalizers: [x]
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  $retainKeys: [type]
  strategy:
    $retainKeys: [type]
    type: Recreate
  template:
    spec:
      $setElementOrder/containers:
      - name: b
      - name: a
      containers:
      - name: a
        image: a:2
      $deleteFromPrimitiveList/finalizers: [x]
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  $retainKeys:
  - type
  replicas: 3
  strategy:
    $retainKeys:
    - type
    rollingUpdate:
      maxSurge: 1
    type: Recreate
  template:
    spec:
      $deleteFromPrimitiveList/finalizers:
      - x
      $setElementOrder/containers:
      - name: b
      - name: a
      containers:
      - image: a:2
        name: a
      - image: b:1
        name: b
      finalizers:
      - x
"#,
        );
    }

    /// A target element without the merge key wipes the merged elements, duplicate target elements
    /// collapse to the last, a list whose elements are all deleted stays empty, maps are replaced or
    /// deleted by `$patch`, affinity terms are replaced.
    #[test]
    fn keyless_targets_duplicates_and_emptied_lists() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy:
    type: RollingUpdate
    rollingUpdate: {maxSurge: 1}
  selector:
    matchLabels: {a: b}
  template:
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - topologyKey: zone
      imagePullSecrets:
      - name: s1
      - name: s1
        extra: dup
      - name: s2
      volumes:
      - {name: a, emptyDir: {}}
      containers:
      - name: a
        image: a
        env:
        - {name: X, value: x}
        - {name: Y, value: y}
      - image: noname
      - name: b
        image: b
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  strategy:
    $patch: replace
    type: Recreate
  selector:
    $patch: delete
  template:
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - topologyKey: host
      imagePullSecrets:
      - name: s1
        x: 1
      volumes:
      - {name: a, $patch: delete}
      containers:
      - name: c
        image: c
      - name: a
        env:
        - $patch: replace
        - {name: Z, value: z}
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  strategy:
    type: Recreate
  template:
    spec:
      affinity:
        podAntiAffinity:
          requiredDuringSchedulingIgnoredDuringExecution:
          - topologyKey: host
      containers:
      - image: noname
      imagePullSecrets:
      - extra: dup
        name: s1
      - name: s2
      volumes: []
"#,
        );
    }

    /// A list the target lacks is taken with its directive elements, which then wipe the named ones.
    #[test]
    fn directive_elements_in_a_list_the_target_lacks() {
        check(
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      containers:
      - name: a
        image: a
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  template:
    spec:
      volumes:
      - name: v1
        emptyDir: {}
      - name: v2
        emptyDir: {}
      - $patch: replace
      initContainers:
      - $patch: replace
      - name: i1
        image: i
      containers:
      - name: a
        volumeMounts:
        - {name: v1, mountPath: /x}
        - {name: v2, mountPath: /y, $patch: delete}
"#,
            r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  template:
    spec:
      containers:
      - image: a
        name: a
        volumeMounts:
        - mountPath: /x
          name: v1
      initContainers:
      - $patch: replace
      volumes:
      - $patch: replace
"#,
        );
    }

    /// autoscaling/v2 postdates the embedded schema: metrics and finalizers are replaced.
    #[test]
    fn hpa_v2_is_unknown_to_the_schema() {
        check(
            r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h, finalizers: [a]}
spec:
  minReplicas: 1
  metrics:
  - type: Resource
    resource: {name: cpu}
  - type: Resource
    resource: {name: memory}
"#,
            r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h, finalizers: [b]}
spec:
  minReplicas: 2
  metrics:
  - type: Resource
    resource: {name: cpu, target: {averageUtilization: 50}}
"#,
            r#"
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  finalizers:
  - b
  name: h
spec:
  metrics:
  - resource:
      name: cpu
      target:
        averageUtilization: 50
    type: Resource
  minReplicas: 2
"#,
        );
    }

    /// A CronJob's pod template is reached through jobTemplate.
    #[test]
    fn merges_cronjob_pod_templates() {
        check(
            r#"
apiVersion: batch/v1
kind: CronJob
metadata:
  name: job
spec:
  schedule: "* * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: a
            image: a:1
          - name: b
            image: b:1
"#,
            r#"
apiVersion: batch/v1
kind: CronJob
metadata:
  name: job
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: b
            image: b:2
"#,
            r#"
apiVersion: batch/v1
kind: CronJob
metadata:
  name: job
spec:
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - image: b:2
            name: b
          - image: a:1
            name: a
  schedule: '* * * * *'
"#,
        );
    }
}
