//! References that follow renamed objects: when a prefix, a suffix or a content hash renames
//! an object, the fields of other objects that name it (an HPA's `scaleTargetRef`, a pod's
//! ConfigMap volume, a RoleBinding's `roleRef`, ...) are renamed with it, as kustomize's name
//! reference transformer does at the root.

use super::build::{Id, Obj};
use super::value::{Node, V};

/// Pod specs, by the kind that holds one.
const POD_SPECS: &[(&str, &str)] = &[
    ("Pod", "spec"),
    ("PodTemplate", "template/spec"),
    ("Deployment", "spec/template/spec"),
    ("ReplicaSet", "spec/template/spec"),
    ("ReplicationController", "spec/template/spec"),
    ("DaemonSet", "spec/template/spec"),
    ("StatefulSet", "spec/template/spec"),
    ("Job", "spec/template/spec"),
    ("CronJob", "spec/jobTemplate/spec/template/spec"),
];

/// (kind referred to, its group, field under a pod spec).
const POD_REFS: &[(&str, &str, &str)] = &[
    ("ConfigMap", "", "volumes/configMap/name"),
    (
        "ConfigMap",
        "",
        "containers/env/valueFrom/configMapKeyRef/name",
    ),
    (
        "ConfigMap",
        "",
        "initContainers/env/valueFrom/configMapKeyRef/name",
    ),
    ("ConfigMap", "", "containers/envFrom/configMapRef/name"),
    ("ConfigMap", "", "initContainers/envFrom/configMapRef/name"),
    ("ConfigMap", "", "volumes/projected/sources/configMap/name"),
    ("Secret", "", "volumes/secret/secretName"),
    ("Secret", "", "containers/env/valueFrom/secretKeyRef/name"),
    (
        "Secret",
        "",
        "initContainers/env/valueFrom/secretKeyRef/name",
    ),
    ("Secret", "", "containers/envFrom/secretRef/name"),
    ("Secret", "", "initContainers/envFrom/secretRef/name"),
    ("Secret", "", "imagePullSecrets/name"),
    ("Secret", "", "volumes/projected/sources/secret/name"),
    ("ServiceAccount", "", "serviceAccountName"),
    (
        "PersistentVolumeClaim",
        "",
        "volumes/persistentVolumeClaim/claimName",
    ),
    ("PriorityClass", "scheduling.k8s.io", "priorityClassName"),
];

/// (kind referred to, its group, referring kind, its group, field).
const OTHER_REFS: &[(&str, &str, &str, &str, &str)] = &[
    (
        "Deployment",
        "",
        "HorizontalPodAutoscaler",
        "",
        "spec/scaleTargetRef/name",
    ),
    (
        "ReplicationController",
        "",
        "HorizontalPodAutoscaler",
        "",
        "spec/scaleTargetRef/name",
    ),
    (
        "ReplicaSet",
        "",
        "HorizontalPodAutoscaler",
        "",
        "spec/scaleTargetRef/name",
    ),
    (
        "StatefulSet",
        "",
        "HorizontalPodAutoscaler",
        "",
        "spec/scaleTargetRef/name",
    ),
    ("Service", "", "StatefulSet", "apps", "spec/serviceName"),
    (
        "Service",
        "",
        "Ingress",
        "",
        "spec/rules/http/paths/backend/serviceName",
    ),
    ("Service", "", "Ingress", "", "spec/backend/serviceName"),
    (
        "Service",
        "",
        "Ingress",
        "",
        "spec/rules/http/paths/backend/service/name",
    ),
    (
        "Service",
        "",
        "Ingress",
        "",
        "spec/defaultBackend/service/name",
    ),
    ("Secret", "", "Ingress", "", "spec/tls/secretName"),
    ("Secret", "", "ServiceAccount", "", "imagePullSecrets/name"),
    (
        "Role",
        "rbac.authorization.k8s.io",
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "roleRef/name",
    ),
    (
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "roleRef/name",
    ),
    (
        "ClusterRole",
        "rbac.authorization.k8s.io",
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "roleRef/name",
    ),
    (
        "ServiceAccount",
        "",
        "RoleBinding",
        "rbac.authorization.k8s.io",
        "subjects/name",
    ),
    (
        "ServiceAccount",
        "",
        "ClusterRoleBinding",
        "rbac.authorization.k8s.io",
        "subjects/name",
    ),
    (
        "PersistentVolume",
        "",
        "PersistentVolumeClaim",
        "",
        "spec/volumeName",
    ),
    (
        "StorageClass",
        "storage.k8s.io",
        "PersistentVolume",
        "",
        "spec/storageClassName",
    ),
    (
        "StorageClass",
        "storage.k8s.io",
        "PersistentVolumeClaim",
        "",
        "spec/storageClassName",
    ),
    (
        "StorageClass",
        "storage.k8s.io",
        "StatefulSet",
        "",
        "spec/volumeClaimTemplates/spec/storageClassName",
    ),
    (
        "IngressClass",
        "networking.k8s.io",
        "Ingress",
        "",
        "spec/ingressClassName",
    ),
    (
        "Service",
        "",
        "APIService",
        "apiregistration.k8s.io",
        "spec/service/name",
    ),
    (
        "Service",
        "",
        "ValidatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "webhooks/clientConfig/service/name",
    ),
    (
        "Service",
        "",
        "MutatingWebhookConfiguration",
        "admissionregistration.k8s.io",
        "webhooks/clientConfig/service/name",
    ),
    (
        "ValidatingAdmissionPolicy",
        "admissionregistration.k8s.io",
        "ValidatingAdmissionPolicyBinding",
        "admissionregistration.k8s.io",
        "spec/policyName",
    ),
];

/// Renames references to renamed objects in `objects`.
pub fn fix(objects: &mut [Obj]) {
    // Every object's identities, looked up while the referrers change.
    let ids: Vec<(Id, Vec<Id>)> = objects.iter().map(|o| (o.id(), o.prev.clone())).collect();
    for obj in objects.iter_mut() {
        let me = obj.id();
        let mut refs: Vec<(&str, &str, String)> = Vec::new();
        if let Some((_, prefix)) = POD_SPECS.iter().find(|(k, _)| *k == me.kind) {
            for (kind, group, field) in POD_REFS {
                refs.push((kind, group, format!("{prefix}/{field}")));
            }
        }
        for (kind, group, by, by_group, field) in OTHER_REFS {
            if *by == me.kind && (by_group.is_empty() || *by_group == me.group) && !field.is_empty()
            {
                refs.push((kind, group, field.to_string()));
            }
        }
        for (kind, group, field) in refs {
            let path: Vec<&str> = field.split('/').collect();
            rename(&mut obj.node, &path, &mut |parent, key| {
                let Some(value) = parent.get(key).and_then(Node::as_str).map(str::to_string) else {
                    return;
                };
                // A sibling `kind` (roleRef, scaleTargetRef, subjects) must name the kind.
                if let Some(k) = parent.str_at(&["kind"])
                    && k != kind
                {
                    return;
                }
                let candidates: Vec<&Id> = ids
                    .iter()
                    .filter(|(cur, prev)| {
                        cur.kind == kind
                            && (group.is_empty() || cur.group == group)
                            // Kustomize looks only at earlier names: an object never renamed
                            // (or moved) is never a referral.
                            && prev.iter().any(|p| p.name == value)
                    })
                    .map(|(cur, _)| cur)
                    .collect();
                // A subject names its service account, a webhook its service, by name and
                // namespace: both follow it.
                if field.ends_with("subjects/name") || field.ends_with("clientConfig/service/name")
                {
                    subject(parent, &value, &candidates, &ids);
                    return;
                }
                let ns = |id: &Id| {
                    if id.namespace.is_empty() {
                        "default".to_string()
                    } else {
                        id.namespace.clone()
                    }
                };
                // Candidates in the referrer's namespace (cluster-scoped ones and service
                // accounts wherever they are), as kustomize sieves them.
                let referrer_cluster = super::transform::cluster_scoped(&me);
                let chosen: Vec<&&Id> = candidates
                    .iter()
                    .filter(|c| {
                        referrer_cluster
                            || super::transform::cluster_scoped(c)
                            || c.kind == "ServiceAccount"
                            || ns(c) == ns(&me)
                    })
                    .collect();
                let Some(first) = chosen.first() else { return };
                if chosen.iter().any(|c| c.name != first.name) || first.name == value {
                    return;
                }
                let new = first.name.clone();
                if let Some(v) = parent.get_mut(key) {
                    v.v = V::Str(new);
                }
            });
        }
    }
}

/// A RoleBinding subject (`{kind: ServiceAccount, name, namespace}`) follows its service
/// account: candidates in the namespace it names (originally, else now), or any when it names
/// none; when they are one account, the subject takes its name and, if it has one, namespace.
fn subject(parent: &mut Node, value: &str, candidates: &[&Id], ids: &[(Id, Vec<Id>)]) {
    // Namespaces compare as kustomize groups them: none is `default`.
    let effective = |ns: &str| if ns.is_empty() { "default" } else { ns }.to_string();
    let original = |c: &Id| {
        effective(
            &ids.iter()
                .find(|(cur, _)| cur == c)
                .and_then(|(_, prev)| prev.first())
                .map_or(c.namespace.clone(), |p| p.namespace.clone()),
        )
    };
    let chosen: Vec<&Id> = match parent.str_at(&["namespace"]) {
        None => candidates.to_vec(),
        Some(ns) => {
            let by_original: Vec<&Id> = candidates
                .iter()
                .copied()
                .filter(|c| original(c) == ns)
                .collect();
            if by_original.is_empty() {
                candidates
                    .iter()
                    .copied()
                    .filter(|c| effective(&c.namespace) == ns)
                    .collect()
            } else {
                by_original
            }
        }
    };
    let Some(first) = chosen.first() else { return };
    if chosen
        .iter()
        .any(|c| c.name != first.name || c.namespace != first.namespace)
    {
        return;
    }
    if first.name == value && first.namespace.is_empty() {
        return;
    }
    if let Some(v) = parent.get_mut("name") {
        v.v = V::Str(first.name.clone());
    }
    if !first.namespace.is_empty() {
        let at = parent.get("name").and_then(|n| n.at);
        match parent.get_mut("namespace") {
            Some(ns) => ns.v = V::Str(first.namespace.clone()),
            None => parent.set("namespace", Node::str(first.namespace.clone(), at)),
        }
    }
}

/// Calls `f` on the mapping holding the last segment of `path`, iterating lists on the way.
fn rename(node: &mut Node, path: &[&str], f: &mut dyn FnMut(&mut Node, &str)) {
    if let V::Seq(items) = &mut node.v {
        for item in items {
            rename(item, path, f);
        }
        return;
    }
    match path {
        [] => {}
        [last] => {
            if node.is_map() {
                f(node, last);
            }
        }
        [first, rest @ ..] => {
            if let Some(child) = node.get_mut(first) {
                rename(child, rest, f);
            }
        }
    }
}
