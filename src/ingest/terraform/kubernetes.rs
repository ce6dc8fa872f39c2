//! Kubernetes objects that the Terraform kubernetes provider creates (`kubernetes_deployment`,
//! `kubernetes_manifest`, ...), made into the same Kubernetes objects a YAML manifest gives,
//! so the Kubernetes rules judge them. Every field points at the Terraform attribute or block
//! that wrote it, and origins (tfvars, module arguments) follow.

use std::sync::Arc;

use crate::model::terraform::{Body, NestedBlock, Value};
use crate::model::tree::TreeBuilder;
use crate::model::{Resource, Span, TfResource};

/// The object a resource type describes: (`apiVersion`, `kind`); `None` for `kubernetes_manifest`,
/// which names its own.
fn object_type(rtype: &str) -> Option<Option<(&'static str, &'static str)>> {
    let base = rtype
        .strip_suffix("_v1")
        .or_else(|| rtype.strip_suffix("_v2"))
        .or_else(|| rtype.strip_suffix("_v2beta2"))
        .unwrap_or(rtype);
    Some(Some(match base {
        "kubernetes_manifest" => return Some(None),
        "kubernetes_deployment" => ("apps/v1", "Deployment"),
        "kubernetes_stateful_set" => ("apps/v1", "StatefulSet"),
        "kubernetes_daemonset" | "kubernetes_daemon_set" => ("apps/v1", "DaemonSet"),
        "kubernetes_pod" => ("v1", "Pod"),
        "kubernetes_service" => ("v1", "Service"),
        "kubernetes_pod_disruption_budget" => ("policy/v1", "PodDisruptionBudget"),
        "kubernetes_horizontal_pod_autoscaler" => ("autoscaling/v2", "HorizontalPodAutoscaler"),
        "kubernetes_ingress" => ("networking.k8s.io/v1", "Ingress"),
        _ => return None,
    }))
}

/// Blocks that repeat, by their Terraform name: the Kubernetes list field they make.
const LISTS: &[(&str, &str)] = &[
    ("container", "containers"),
    ("init_container", "initContainers"),
    ("volume", "volumes"),
    ("volume_mount", "volumeMounts"),
    ("port", "ports"),
    ("env", "env"),
    ("env_from", "envFrom"),
    ("toleration", "tolerations"),
    ("topology_spread_constraint", "topologySpreadConstraints"),
    ("match_expressions", "matchExpressions"),
    ("node_selector_term", "nodeSelectorTerms"),
    ("image_pull_secrets", "imagePullSecrets"),
    ("host_aliases", "hostAliases"),
    ("volume_claim_template", "volumeClaimTemplates"),
    ("metric", "metrics"),
    ("rule", "rules"),
    ("path", "paths"),
    ("tls", "tls"),
    (
        "preferred_during_scheduling_ignored_during_execution",
        "preferredDuringSchedulingIgnoredDuringExecution",
    ),
];

/// `min_replicas` → `minReplicas`.
fn camel(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Fields Kubernetes reads as integers that the provider may hold as strings (`"3"`).
const INT_FIELDS: &[&str] = &[
    "replicas",
    "minReplicas",
    "maxReplicas",
    "minAvailable",
    "maxUnavailable",
];

/// The object's tree, built over the Terraform file's text (where the spans of the fields
/// inside an object written as an HCL expression, `manifest = { spec = { replicas = 1 } }`,
/// are found).
struct Build {
    tree: TreeBuilder,
}

/// Where `key = ...` (or `"key": ...`) is written in `text` within `within`, from `from` on:
/// the span from the key to the end of its value (the matching bracket of an object or a
/// list, else the end of the line).
fn field_span(text: &str, within: Span, from: usize, key: &str) -> Option<Span> {
    let hay = text.get(from.max(within.start)..within.end)?;
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-';
    for (i, _) in hay.match_indices(key) {
        let start = from.max(within.start) + i;
        let bytes = text.as_bytes();
        let quoted = start > 0 && bytes[start - 1] == b'"';
        let before_ok = start == 0 || !is_word(bytes[start - 1]);
        let mut j = start + key.len();
        if quoted {
            if bytes.get(j) != Some(&b'"') {
                continue;
            }
            j += 1;
        } else if bytes.get(j).is_some_and(|&b| is_word(b)) {
            continue;
        }
        if !before_ok {
            continue;
        }
        while bytes.get(j).is_some_and(|b| *b == b' ' || *b == b'\t') {
            j += 1;
        }
        if j >= within.end || !matches!(bytes.get(j), Some(b'=' | b':')) {
            continue;
        }
        j += 1;
        while bytes.get(j).is_some_and(|b| *b == b' ' || *b == b'\t') {
            j += 1;
        }
        if j >= within.end {
            return None;
        }
        let key_start = if quoted { start - 1 } else { start };
        let end = match bytes.get(j) {
            Some(b'{' | b'[') => {
                // The matching bracket, skipping strings.
                let mut depth = 0usize;
                let mut in_str = false;
                let mut k = j;
                let mut end = within.end;
                while k < within.end {
                    match bytes[k] {
                        b'\\' if in_str => k += 1,
                        b'"' => in_str = !in_str,
                        b'{' | b'[' if !in_str => depth += 1,
                        b'}' | b']' if !in_str => {
                            depth -= 1;
                            if depth == 0 {
                                end = k + 1;
                                break;
                            }
                        }
                        _ => {}
                    }
                    k += 1;
                }
                end
            }
            Some(b'"') => {
                // To the closing quote.
                let mut k = j + 1;
                while k < within.end && bytes[k] != b'"' {
                    k += if bytes[k] == b'\\' { 2 } else { 1 };
                }
                (k + 1).min(within.end)
            }
            _ => {
                // To the end of the value: a separator, a closing bracket or the line's end.
                let stop = text[j..within.end]
                    .find([',', '}', ']', '\n', '#'])
                    .map_or(within.end, |e| j + e);
                j + text[j..stop].trim_end().len()
            }
        };
        return Some(Span::new(key_start, end.min(within.end)));
    }
    None
}

impl Build {
    fn key(&mut self, k: &str, span: Span) {
        self.tree.push_str(k, span);
    }

    /// A value as written in Terraform (map keys kept as they are: labels are labels).
    fn value(&mut self, v: &Value, span: Span, int_field: bool) {
        match v {
            Value::Null => {
                self.tree.push_null(span);
            }
            Value::Unknown(_) | Value::Resource(_) => {
                // Unknown: a plain string no rule reads as a count or a name it trusts.
                self.tree.push_str("${unknown}", span);
            }
            Value::Bool(b) => {
                self.tree.push_bool(*b, span);
            }
            Value::Number(n) if n.fract() == 0.0 && n.abs() < 9.0e15 => {
                self.tree.push_int(*n as i64, span);
            }
            Value::Number(n) => {
                self.tree.push_float(*n, span);
            }
            Value::String(s) => match s.parse::<i64>() {
                Ok(i) if int_field => {
                    self.tree.push_int(i, span);
                }
                _ => {
                    self.tree.push_str(s, span);
                }
            },
            Value::List(items) => {
                let id = self.tree.open_seq(span);
                for item in items {
                    self.value(item, span, false);
                }
                self.tree.close(id, items.len(), span.end);
            }
            Value::Map(m) => {
                let id = self.tree.open_map(span);
                for (k, item) in m {
                    // Each field at its own `key = value`, when it can be found.
                    let at = field_span(self.tree.text(), span, span.start, k).unwrap_or(span);
                    self.key(k, at);
                    self.value(item, at, INT_FIELDS.contains(&k.as_str()));
                }
                self.tree.close(id, m.len(), span.end);
            }
        }
    }

    /// A block body as a mapping: attributes renamed to camelCase, repeated blocks gathered
    /// into their list field, single blocks nested. `in_node_affinity`: Kubernetes' node
    /// affinity `required...` is one object, pod (anti-)affinity's is a list of terms.
    fn body(&mut self, body: &Body, span: Span, node_affinity: bool) {
        let id = self.tree.open_map(span);
        let mut count = 0;
        for (name, attr) in &body.attrs {
            let key = camel(name);
            self.key(&key, attr.span);
            self.value(&attr.value, attr.span, INT_FIELDS.contains(&key.as_str()));
            count += 1;
        }
        // Blocks in order of first appearance, each kind once.
        let mut kinds: Vec<&str> = Vec::new();
        for b in &body.blocks {
            if !kinds.contains(&b.kind.as_str()) {
                kinds.push(&b.kind);
            }
        }
        for kind in kinds {
            let blocks: Vec<&NestedBlock> = body.blocks.iter().filter(|b| b.kind == kind).collect();
            let list = LISTS
                .iter()
                .find(|(tf, _)| *tf == kind)
                .map(|(_, k)| *k)
                .or_else(|| {
                    (kind == "required_during_scheduling_ignored_during_execution"
                        && !node_affinity)
                        .then_some("requiredDuringSchedulingIgnoredDuringExecution")
                });
            let first = blocks[0].span;
            let inner_node_affinity = kind == "node_affinity";
            match list {
                Some(key) => {
                    self.key(key, first);
                    let seq = self.tree.open_seq(first);
                    for b in &blocks {
                        self.body(&b.body, b.span, inner_node_affinity);
                    }
                    self.tree.close(
                        seq,
                        blocks.len(),
                        blocks.last().map_or(first.end, |b| b.span.end),
                    );
                }
                None => {
                    self.key(&camel(kind), first);
                    self.body(&blocks[0].body, first, inner_node_affinity);
                }
            }
            count += 1;
        }
        self.tree.close(id, count, span.end);
    }
}

/// The Kubernetes object a Terraform kubernetes provider resource creates, if it is one the
/// rules judge.
pub fn object(r: &TfResource, text: Arc<str>) -> Option<Resource> {
    let typed = object_type(&r.rtype)?;
    let mut b = Build {
        tree: TreeBuilder::new(text),
    };
    let root;
    let (api_version, kind) = match typed {
        Some((api_version, kind)) => {
            // { apiVersion, kind, metadata, spec } from the blocks.
            root = b.tree.open_map(r.header);
            b.key("apiVersion", r.header);
            b.tree.push_str(api_version, r.header);
            b.key("kind", r.header);
            b.tree.push_str(kind, r.header);
            let mut count = 2;
            for block in ["metadata", "spec"] {
                if let Some(nb) = r.body.block(block) {
                    b.key(block, nb.span);
                    b.body(&nb.body, nb.span, false);
                    count += 1;
                }
            }
            b.tree.close(root, count, r.header.end);
            (api_version.to_string(), kind.to_string())
        }
        None => {
            // kubernetes_manifest: `manifest` is the object itself.
            let attr = r.attr("manifest")?;
            let Value::Map(m) = &attr.value else {
                return None;
            };
            let api_version = m.get("apiVersion")?.as_str()?.to_string();
            let kind = m.get("kind")?.as_str()?.to_string();
            root = b.tree.open_map(attr.span);
            for (k, v) in m {
                b.key(k, attr.span);
                b.value(v, attr.span, false);
            }
            b.tree.close(root, m.len(), attr.span.end);
            (api_version, kind)
        }
    };
    let tree = Arc::new(b.tree.finish());
    let v = tree.val(root);
    let meta = v.get("metadata");
    let text = |key: &str| {
        meta.and_then(|m| m.get(key))
            .and_then(|x| x.as_str().map(str::to_string))
            .filter(|s| !s.is_empty() && s != "${unknown}")
    };
    let name = text("name")
        .or_else(|| text("generateName").map(|g| format!("{g}*")))
        .unwrap_or_else(|| r.address.clone());
    let namespace = text("namespace").unwrap_or_else(|| "default".to_string());
    let labels = meta
        .and_then(|m| m.get("labels"))
        .map(|l| l.string_map())
        .unwrap_or_default();
    Some(Resource {
        source: r.source,
        tree: Arc::clone(&tree),
        node: root,
        api_version,
        kind,
        name,
        namespace,
        labels,
        header: r.header,
        built_by: None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_field_spans() {
        assert_eq!(
            camel("required_during_scheduling_ignored_during_execution"),
            "requiredDuringSchedulingIgnoredDuringExecution"
        );
        assert_eq!(camel("replicas"), "replicas");
        let text = "m = {\n  spec = {\n    template = { replicas = 9 }\n    replicas = 2,\n    \"name\": \"x\"\n    list = [1, [2]]\n  }\n}\n";
        let all = Span::new(0, text.len());
        let spec = field_span(text, all, 0, "spec").unwrap();
        assert!(
            text[spec.start..spec.end].starts_with("spec = {")
                && text[spec.start..spec.end].ends_with('}')
        );
        // Inside `spec`, the first `replicas` is the nested one: the search is per object.
        let template = field_span(text, spec, spec.start + 4, "template").unwrap();
        assert_eq!(
            &text[template.start..template.end],
            "template = { replicas = 9 }"
        );
        let r = field_span(text, template, template.start + 8, "replicas").unwrap();
        assert_eq!(&text[r.start..r.end], "replicas = 9");
        let two = field_span(text, spec, template.end, "replicas").unwrap();
        assert_eq!(&text[two.start..two.end], "replicas = 2");
        let name = field_span(text, spec, spec.start, "name").unwrap();
        assert_eq!(&text[name.start..name.end], "\"name\": \"x\"");
        let list = field_span(text, spec, spec.start, "list").unwrap();
        assert_eq!(&text[list.start..list.end], "list = [1, [2]]");
        assert!(field_span(text, spec, spec.start, "nope").is_none());
        // A key at the very end of the object, with nothing after it, is not a field.
        let cut = Span::new(0, text.find("spec =").unwrap() + "spec =".len());
        assert!(field_span(text, cut, 0, "spec").is_none());
        assert!(object_type("kubernetes_deployment_v1").is_some());
        assert!(object_type("kubernetes_config_map").is_none());
    }
}
