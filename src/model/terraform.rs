//! Terraform resource instances, after evaluation (or as a plan states them).

use std::collections::BTreeMap;
use std::fmt;

use super::Label;
use super::source::{SourceId, Span};

pub use super::ResourceId;

/// An evaluated Terraform value.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    /// Lists, tuples and sets.
    List(Vec<Value>),
    /// Maps and objects (keys sorted, as Terraform iterates them).
    Map(BTreeMap<String, Value>),
    /// A whole resource instance (`aws_subnet.a`): its attributes are read through the model.
    Resource(ResourceId),
    /// A value that cannot be known before apply.
    Unknown(Unknown),
}

/// Why a value is unknown, and what it is known to be.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Unknown {
    /// Nothing is known (a data source, a variable without a value, ...).
    Opaque,
    /// A computed attribute of a known resource instance (`aws_subnet.a.id`).
    Attr(ResourceId, String),
}

impl Value {
    pub const UNKNOWN: Value = Value::Unknown(Unknown::Opaque);

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self {
            Value::Bool(b) => Some(*b),
            Value::String(s) if s == "true" => Some(true),
            Value::String(s) if s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    /// An integer (a number without fraction).
    pub fn as_i64(&self) -> Option<i64> {
        self.as_f64()
            .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            .map(|n| n as i64)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self, Value::Unknown(_))
    }

    /// True when the value or anything inside it is unknown.
    pub fn has_unknown(&self) -> bool {
        match self {
            Value::Unknown(_) => true,
            Value::List(items) => items.iter().any(Value::has_unknown),
            Value::Map(m) => m.values().any(Value::has_unknown),
            _ => false,
        }
    }

    /// The elements of a list, or of a map's values; a single value otherwise.
    pub fn elements(&self) -> Vec<&Value> {
        match self {
            Value::List(items) => items.iter().collect(),
            Value::Map(m) => m.values().collect(),
            Value::Null => Vec::new(),
            v => vec![v],
        }
    }

    /// The resource instances this value refers to (`aws_subnet.a`, `aws_subnet.a.id`, lists of
    /// them, ...), in order of appearance.
    pub fn references(&self) -> Vec<ResourceId> {
        let mut out = Vec::new();
        self.collect_references(&mut out);
        out
    }

    fn collect_references(&self, out: &mut Vec<ResourceId>) {
        match self {
            Value::Resource(id) | Value::Unknown(Unknown::Attr(id, _)) if !out.contains(id) => {
                out.push(*id)
            }
            Value::List(items) => items.iter().for_each(|v| v.collect_references(out)),
            Value::Map(m) => m.values().for_each(|v| v.collect_references(out)),
            _ => {}
        }
    }

    /// Terraform's name for the value's type, for messages.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "map",
            Value::Resource(_) => "resource",
            Value::Unknown(_) => "unknown",
        }
    }
}

impl Value {
    /// About how many bytes the value takes in memory: what evaluation budgets charge for
    /// building or copying it.
    pub fn weight(&self) -> u64 {
        const SLOT: u64 = std::mem::size_of::<Value>() as u64;
        match self {
            Value::String(s) => SLOT + s.len() as u64,
            Value::List(items) => SLOT + items.iter().map(Value::weight).sum::<u64>(),
            // A B-tree entry costs about a slot besides its key and value.
            Value::Map(m) => {
                SLOT + m
                    .iter()
                    .map(|(k, v)| SLOT + k.len() as u64 + v.weight())
                    .sum::<u64>()
            }
            Value::Unknown(Unknown::Attr(_, a)) => SLOT + a.len() as u64,
            _ => SLOT,
        }
    }

    /// HCL-like text of the value (`["a", 1]`, `{k = true}`); `false` when it was cut at
    /// `limit` bytes.
    pub fn write_hcl(&self, out: &mut String, limit: usize) -> bool {
        use std::fmt::Write;
        if out.len() > limit {
            return false;
        }
        match self {
            Value::Null => out.push_str("null"),
            Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Value::Number(n) => {
                let _ = if n.fract() == 0.0 && n.abs() < 1e15 {
                    write!(out, "{}", *n as i64)
                } else {
                    write!(out, "{n}")
                };
            }
            Value::String(s) => {
                let room = limit.saturating_sub(out.len()) + 1;
                if s.len() > room {
                    let cut = (0..=room)
                        .rev()
                        .find(|&i| s.is_char_boundary(i))
                        .unwrap_or(0);
                    let _ = write!(out, "{:?}", &s[..cut]);
                    out.pop();
                    return false;
                }
                let _ = write!(out, "{s:?}");
            }
            Value::List(items) => {
                out.push('[');
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if !v.write_hcl(out, limit) {
                        return false;
                    }
                }
                out.push(']');
            }
            Value::Map(m) => {
                out.push('{');
                for (i, (k, v)) in m.iter().enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    let _ = write!(out, "{k} = ");
                    if !v.write_hcl(out, limit) {
                        return false;
                    }
                }
                out.push('}');
            }
            Value::Resource(_) => out.push_str("(resource)"),
            Value::Unknown(_) => out.push_str("(known after apply)"),
        }
        out.len() <= limit
    }
}

/// Longest rendering of a value in a message.
const DISPLAY_BYTES: usize = 200;

impl fmt::Display for Value {
    /// HCL-like rendering, for messages: cut with `…` past a couple of hundred bytes.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        if !self.write_hcl(&mut s, DISPLAY_BYTES) {
            let cut = (0..=DISPLAY_BYTES.min(s.len()))
                .rev()
                .find(|&i| s.is_char_boundary(i))
                .unwrap_or(0);
            s.truncate(cut);
            s.push('…');
        }
        f.write_str(&s)
    }
}

pub use super::provenance::Origin;

/// An evaluated attribute.
#[derive(Clone, Debug)]
pub struct Attr {
    pub value: Value,
    /// The whole `key = value` line.
    pub span: Span,
    pub origin: Option<Origin>,
}

/// An evaluated block body: attributes and nested blocks (dynamic blocks expanded).
#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attrs: BTreeMap<String, Attr>,
    pub blocks: Vec<NestedBlock>,
}

#[derive(Clone, Debug)]
pub struct NestedBlock {
    pub kind: String,
    /// The block's header (`health_check {`).
    pub span: Span,
    pub body: Body,
    /// A `dynamic` block whose `for_each` is unknown: it stands for zero or more blocks like
    /// it (its attributes evaluated with an unknown iterator value).
    pub unknown_count: bool,
}

impl Body {
    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.attrs.get(name)
    }

    pub fn value(&self, name: &str) -> Option<&Value> {
        self.attrs.get(name).map(|a| &a.value)
    }

    pub fn blocks<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a NestedBlock> + 'a {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }

    pub fn block(&self, kind: &str) -> Option<&NestedBlock> {
        self.blocks.iter().find(|b| b.kind == kind)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Managed,
    Data,
}

/// Where a resource's provider configuration says it lives.
#[derive(Clone, Debug, Default)]
pub struct Region {
    /// `None` when unknown (no provider block, a region from a data source, ...).
    pub name: Option<String>,
    /// The `region = ...` attribute that set it, and its origin.
    pub at: Option<(SourceId, Span)>,
    pub origin: Option<Origin>,
    /// The provider's default zone (the google provider's `zone`), for zonal resources that
    /// name none, with the `zone = ...` attribute that set it.
    pub zone: Option<(String, SourceId, Span)>,
}

impl Region {
    /// The region a resource names for itself, overriding its provider's: a `region`
    /// argument (AWS provider 6, most Google Cloud resources), a Google Cloud `location` that
    /// is a region or a zone (`us-central1`, `us-central1-a`: its region; a dual- or
    /// multi-region such as `US` or `nam4` is not one region, and leaves the provider's), or
    /// an Azure `location` (`West Europe` and `westeurope` are one region). `None` when the
    /// resource names none.
    pub fn own(rtype: &str, body: &Body, source: SourceId) -> Option<Region> {
        let located = |attr: &Attr, name: Option<String>| Region {
            name,
            at: Some((source, attr.span)),
            origin: attr.origin.clone(),
            zone: None,
        };
        if let Some(attr) = body.attr("region").filter(|a| a.value != Value::Null) {
            return Some(located(attr, attr.value.as_str().map(str::to_string)));
        }
        let attr = body.attr("location").filter(|a| a.value != Value::Null)?;
        if rtype.starts_with("azurerm_") {
            let name = attr.value.as_str().map(azure_region);
            return Some(located(attr, name));
        }
        if rtype.starts_with("google_") {
            // Cloud Storage reads locations in any case (`US-CENTRAL1`, as the provider
            // stores them); region names are lowercase.
            return match attr.value.as_str() {
                Some(l) => google_region_of(&l.to_ascii_lowercase())
                    .map(|r| located(attr, Some(r.to_string()))),
                None => Some(located(attr, None)),
            };
        }
        None
    }
}

/// An Azure location as one name: `West Europe` and `westeurope` are one region.
pub fn azure_region(location: &str) -> String {
    location.replace(' ', "").to_ascii_lowercase()
}

/// The region of a Google Cloud location that is a region (`us-central1`) or a zone
/// (`us-central1-a`); `None` for anything else (`US`, `eur4`, `global`).
pub fn google_region_of(location: &str) -> Option<&str> {
    let parts: Vec<&str> = location.split('-').collect();
    let lower = |p: &str| !p.is_empty() && p.bytes().all(|b| b.is_ascii_lowercase());
    let region_part = |p: &str| {
        let digits = p.trim_start_matches(|c: char| c.is_ascii_lowercase());
        p.len() > digits.len() && !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    };
    match parts.as_slice() {
        [geo, area] if lower(geo) && region_part(area) => Some(location),
        [geo, area, zone] if lower(geo) && region_part(area) && zone.len() == 1 && lower(zone) => {
            Some(&location[..location.len() - 2])
        }
        _ => None,
    }
}

/// Whether a Google Cloud location is a zone (`us-central1-a`), not a region.
pub fn google_is_zone(location: &str) -> bool {
    google_region_of(location).is_some_and(|r| r.len() < location.len())
}

/// One resource instance.
#[derive(Clone, Debug)]
pub struct TfResource {
    pub source: SourceId,
    /// The block header (`resource "aws_lb" "web"`).
    pub header: Span,
    /// Full address: `module.app.aws_lb.web[0]`.
    pub address: String,
    pub mode: Mode,
    pub rtype: String,
    pub name: String,
    /// Provider configuration: `aws` or `aws.dr`.
    pub provider: String,
    pub region: Region,
    pub body: Body,
    /// The root module (directory or plan file) the instance belongs to.
    pub root: String,
    /// Stands for instances whose number is unknown (`count`/`for_each` known only after
    /// apply): rules that count instances must not count it as one.
    pub count_unknown: bool,
    /// For an instance inside a module: the root module's `module "x" {` block that leads to
    /// it, so findings in a module that several roots call say which caller they come from.
    pub caller: Option<(SourceId, Span)>,
}

impl TfResource {
    pub fn value(&self, name: &str) -> Option<&Value> {
        self.body.value(name)
    }

    pub fn attr(&self, name: &str) -> Option<&Attr> {
        self.body.attr(name)
    }

    pub fn header_label(&self, text: impl Into<String>) -> Label {
        Label::new(self.source, self.header, text)
    }

    /// A label on attribute `name`, or on the block header when it is absent.
    pub fn attr_label(&self, name: &str, text: impl Into<String>) -> Label {
        let span = self.attr(name).map_or(self.header, |a| a.span);
        Label::new(self.source, span, text)
    }

    /// A label on attribute `name` of the first `block`, else on that block, else on the header.
    pub fn nested_label(&self, block: &str, name: &str, text: impl Into<String>) -> Label {
        let span = match self.body.block(block) {
            Some(b) => b.body.attr(name).map_or(b.span, |a| a.span),
            None => self.header,
        };
        Label::new(self.source, span, text)
    }

    /// Attribute `name` of the first nested `block`.
    pub fn attr_in(&self, block: &str, name: &str) -> Option<&Attr> {
        self.body.block(block)?.body.attr(name)
    }

    /// The module instance the resource is in: `module.app[0].` (empty at the root).
    pub fn module_prefix(&self) -> &str {
        let decl = format!("{}.{}", self.rtype, self.name);
        self.address
            .rfind(&decl)
            .map_or("", |at| &self.address[..at])
    }

    /// The address without its instance key: `module.app.aws_instance.master`.
    pub fn declaration(&self) -> &str {
        let end = self.module_prefix().len() + self.rtype.len() + 1 + self.name.len();
        self.address.get(..end).unwrap_or(&self.address)
    }

    pub fn region_name(&self) -> Option<&str> {
        self.region.name.as_deref()
    }

    /// The region an argument of the resource names (`endpoint_group_region`,
    /// `destination { region }`), or its provider's region when the argument is absent or
    /// null; `None` when not known statically.
    pub fn region_or<'a>(&'a self, arg: Option<&'a Value>) -> Option<&'a str> {
        match arg {
            None | Some(Value::Null) => self.region_name(),
            Some(v) => v.as_str(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn google_locations() {
        assert_eq!(google_region_of("us-central1"), Some("us-central1"));
        assert_eq!(google_region_of("us-central1-a"), Some("us-central1"));
        assert_eq!(
            google_region_of("northamerica-northeast2-b"),
            Some("northamerica-northeast2")
        );
        for not_one_region in [
            "US",
            "EU",
            "nam4",
            "eur4",
            "global",
            "us",
            "asia-east",
            "us-central1-ab",
            "",
        ] {
            assert_eq!(google_region_of(not_one_region), None, "{not_one_region}");
        }
        assert!(google_is_zone("europe-west1-b"));
        assert!(!google_is_zone("europe-west1"));
    }

    #[test]
    fn resources_name_their_region() {
        let attr = |v: &str| Attr {
            value: Value::String(v.to_string()),
            span: Span::default(),
            origin: None,
        };
        let body = |k: &str, v: &str| Body {
            attrs: [(k.to_string(), attr(v))].into(),
            blocks: Vec::new(),
        };
        let src = SourceId(0);
        let name = |t: &str, b: &Body| Region::own(t, b, src).and_then(|r| r.name);
        assert_eq!(
            name("azurerm_redis_cache", &body("location", "West Europe")).as_deref(),
            Some("westeurope")
        );
        assert_eq!(
            name("google_container_cluster", &body("location", "us-east1-b")).as_deref(),
            Some("us-east1")
        );
        // A multi-region bucket is not in one region: the provider's stays.
        assert!(Region::own("google_storage_bucket", &body("location", "US"), src).is_none());
        assert!(Region::own("google_storage_bucket", &body("location", "NAM4"), src).is_none());
        assert_eq!(
            name("google_storage_bucket", &body("location", "EUROPE-WEST1")).as_deref(),
            Some("europe-west1")
        );
        assert_eq!(
            name("aws_s3_bucket", &body("region", "eu-west-1")).as_deref(),
            Some("eu-west-1")
        );
        assert!(Region::own("aws_s3_bucket", &body("location", "eu-west-1"), src).is_none());
    }
}
