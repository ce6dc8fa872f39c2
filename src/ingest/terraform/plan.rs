//! Terraform plan JSON (`terraform show -json plan.out`): fully resolved values, read with the
//! span-keeping YAML parser (JSON is YAML) so findings point into the plan file.
//!
//! Values unknown at plan time are absent from `planned_values`; where the configuration
//! section names the resources such an attribute refers to (`aws_lb.subnets` →
//! `aws_subnet.a.id`), the attribute becomes a reference to those instances, as it does when
//! spoflint evaluates the `.tf` files itself.

use std::collections::{BTreeMap, HashMap};

use crate::model::SourceId;
use crate::model::terraform::{
    Attr, Body, Mode, NestedBlock, Region, ResourceId, TfResource, Unknown, Value,
};
use crate::model::tree::{NodeKind, Val};

/// `true` when `text` (the start of a `.json` file) looks like Terraform's JSON output.
pub fn looks_like_plan(text: &str) -> bool {
    let head = &text[..text.len().min(4096)];
    head.contains("\"format_version\"") && head.contains("\"terraform_version\"")
}

/// Configuration facts about one resource block, by module path + address.
struct ConfigRes<'a> {
    provider_key: String,
    expressions: Option<Val<'a>>,
}

/// Reads the resource instances of a plan. `base` is the [`ResourceId`] its first instance gets.
pub fn resources(root: Val<'_>, source: SourceId, display: &str, base: u32) -> Vec<TfResource> {
    let mut config = HashMap::new();
    if let Some(m) = root.path(&["configuration", "root_module"]) {
        collect_config(m, "", &mut config);
    }
    let variables: BTreeMap<String, String> = root
        .get("variables")
        .map(|vars| {
            vars.entries()
                .into_iter()
                .filter_map(|(k, v)| Some((k.to_string(), v.get("value")?.as_str()?.to_string())))
                .collect()
        })
        .unwrap_or_default();
    let providers = root.path(&["configuration", "provider_config"]);
    let region_of = |key: &str| -> Region {
        let Some(p) = providers.and_then(|p| p.get(key)) else {
            return Region::default();
        };
        let Some(region) = p.path(&["expressions", "region"]) else {
            return Region::default();
        };
        let name = region
            .get("constant_value")
            .and_then(|v| v.as_str().map(str::to_string))
            .or_else(|| {
                let var = region
                    .get("references")?
                    .items()
                    .find_map(|r| r.as_str()?.strip_prefix("var.").map(str::to_string))?;
                variables.get(&var).cloned()
            });
        // A plan's zonal resources carry their zone already.
        Region {
            name,
            at: Some((source, region.field_span())),
            origin: None,
            zone: None,
        }
    };

    let mut out: Vec<TfResource> = Vec::new();
    let mut modules = Vec::new();
    if let Some(m) = root.path(&["planned_values", "root_module"]) {
        walk_modules(m, &mut modules);
    }
    // Resource instances by module path + resource address (without index), for references.
    let mut by_key: HashMap<(String, String), Vec<ResourceId>> = HashMap::new();
    let mut pending = Vec::new();
    for (module, res) in modules {
        let Some(address) = res.get("address").and_then(|a| a.as_str()) else {
            continue;
        };
        if res.get("mode").and_then(|m| m.as_str()) == Some("data") {
            continue;
        }
        let (Some(rtype), Some(name)) = (
            res.get("type").and_then(|t| t.as_str()),
            res.get("name").and_then(|t| t.as_str()),
        ) else {
            continue;
        };
        let key = format!("{rtype}.{name}");
        let cfg = config.get(&(config_path(&module), key.clone()));
        let provider_key = cfg.map_or_else(
            || rtype.split('_').next().unwrap_or_default().to_string(),
            |c| c.provider_key.clone(),
        );
        let body = res.get("values").map(body_of).unwrap_or_default();
        let header = res.get("address").map_or(res.span(), |a| a.field_span());
        let id = ResourceId(base + out.len() as u32);
        by_key.entry((module.clone(), key)).or_default().push(id);
        pending.push((module, cfg.and_then(|c| c.expressions)));
        out.push(TfResource {
            source,
            header,
            address: address.to_string(),
            mode: Mode::Managed,
            rtype: rtype.to_string(),
            name: name.to_string(),
            provider: provider_key
                .rsplit(':')
                .next()
                .unwrap_or_default()
                .to_string(),
            region: Region::own(rtype, &body, source).unwrap_or_else(|| region_of(&provider_key)),
            body,
            root: display.to_string(),
            count_unknown: false,
            caller: None,
        });
    }
    // Attributes unknown at plan time: references named by the configuration.
    for (i, (module, expressions)) in pending.into_iter().enumerate() {
        let Some(exprs) = expressions else { continue };
        for (attr, e) in exprs.entries() {
            if out[i].body.attrs.contains_key(attr) {
                continue;
            }
            let Some(refs) = e.get("references") else {
                continue;
            };
            let mut targets = Vec::new();
            for r in refs.items().filter_map(|r| r.as_str()) {
                let mut parts = r.split('.');
                let (Some(t), Some(n)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let n = n.split('[').next().unwrap_or(n);
                if let Some(ids) = by_key.get(&(module.clone(), format!("{t}.{n}"))) {
                    for id in ids {
                        let v = Value::Unknown(Unknown::Attr(*id, "id".to_string()));
                        if !targets.contains(&v) {
                            targets.push(v);
                        }
                    }
                }
            }
            if targets.is_empty() {
                continue;
            }
            out[i].body.attrs.insert(
                attr.to_string(),
                Attr {
                    value: Value::List(targets),
                    span: e.field_span(),
                    origin: None,
                },
            );
        }
    }
    out
}

/// `module.a.module.b` of planned values → `a.b` keys of the configuration's `module_calls`.
fn config_path(module: &str) -> String {
    module
        .split('.')
        .collect::<Vec<_>>()
        .chunks(2)
        .filter_map(|c| c.get(1))
        .map(|n| n.split('[').next().unwrap_or(n))
        .collect::<Vec<_>>()
        .join(".")
}

fn collect_config<'a>(m: Val<'a>, path: &str, out: &mut HashMap<(String, String), ConfigRes<'a>>) {
    if let Some(resources) = m.get("resources") {
        for r in resources.items() {
            let Some(address) = r.get("address").and_then(|a| a.as_str()) else {
                continue;
            };
            let provider_key = r
                .get("provider_config_key")
                .and_then(|k| k.as_str())
                .unwrap_or_default()
                .to_string();
            out.insert(
                (path.to_string(), address.to_string()),
                ConfigRes {
                    provider_key,
                    expressions: r.get("expressions"),
                },
            );
        }
    }
    if let Some(calls) = m.get("module_calls") {
        for (name, call) in calls.entries() {
            if let Some(child) = call.get("module") {
                let child_path = if path.is_empty() {
                    name.to_string()
                } else {
                    format!("{path}.{name}")
                };
                collect_config(child, &child_path, out);
            }
        }
    }
}

/// Every resource of a planned module and its children, with the module's address.
fn walk_modules<'a>(m: Val<'a>, out: &mut Vec<(String, Val<'a>)>) {
    let address = m
        .get("address")
        .and_then(|a| a.as_str())
        .unwrap_or_default()
        .to_string();
    if let Some(resources) = m.get("resources") {
        for r in resources.items() {
            out.push((address.clone(), r));
        }
    }
    if let Some(children) = m.get("child_modules") {
        for c in children.items() {
            walk_modules(c, out);
        }
    }
}

/// Plan values → attributes and nested blocks (lists of objects are blocks).
fn body_of(values: Val<'_>) -> Body {
    let mut body = Body::default();
    for (k, v) in values.entries() {
        let is_blocks = matches!(v.kind(), NodeKind::Seq(items) if items.len() > 0)
            && v.items().all(|i| i.is_map());
        if is_blocks {
            for item in v.items() {
                body.blocks.push(NestedBlock {
                    kind: k.to_string(),
                    span: v.key_span().unwrap_or(item.span()),
                    body: body_of(item),
                    unknown_count: false,
                });
            }
        } else {
            body.attrs.insert(
                k.to_string(),
                Attr {
                    value: value_of(v, 0),
                    span: v.field_span(),
                    origin: None,
                },
            );
        }
    }
    body
}

pub(crate) fn value_of(v: Val<'_>, depth: usize) -> Value {
    if depth > 64 {
        return Value::UNKNOWN;
    }
    match v.kind() {
        NodeKind::Null => Value::Null,
        NodeKind::Bool(b) => Value::Bool(b),
        NodeKind::Int(i) => Value::Number(i as f64),
        NodeKind::Float(f) => Value::Number(f),
        NodeKind::Str(s) => Value::String(s.to_string()),
        NodeKind::Seq(_) => Value::List(v.items().map(|i| value_of(i, depth + 1)).collect()),
        NodeKind::Map(_) => Value::Map(
            v.entries()
                .into_iter()
                .map(|(k, v)| (k.to_string(), value_of(v, depth + 1)))
                .collect(),
        ),
        NodeKind::Alias(_) => Value::UNKNOWN,
    }
}
