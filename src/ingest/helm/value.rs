//! Template values with Go semantics, each remembering where in a values file it was set.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::rc::Rc;
use std::sync::Arc;

use crate::model::{NodeKind, SourceId, Span, Val as YamlVal};

/// Where a value was set: the `key: value` line of a values file and its dotted path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Origin {
    pub source: SourceId,
    pub span: Span,
    /// `controller.replicaCount`
    pub path: String,
    /// The key is not set: `span` is then its parent's `key:` line (or empty for the root).
    pub missing: bool,
}

/// Built-in objects with methods (`.Files.Get`, `.Capabilities.APIVersions.Has`).
#[derive(Debug, Clone)]
pub enum Obj {
    /// The files of one chart, by path relative to the chart root.
    Files(Arc<BTreeMap<String, Arc<str>>>),
    /// `.Capabilities.APIVersions`
    ApiVersions(Arc<Vec<String>>),
}

/// A Go value as a template sees it.
#[derive(Debug, Clone, Default)]
pub enum V {
    #[default]
    Nil,
    Bool(bool),
    Int(i64),
    Float(f64),
    Str(Arc<str>),
    List(Rc<Vec<Value>>),
    /// Go maps iterate and serialise in key order, and are shared by reference: `set` on a
    /// dict changes it for every variable that holds it.
    Map(Map),
    Obj(Obj),
}

pub type Map = Rc<RefCell<BTreeMap<String, Value>>>;
type WeakMap = std::rc::Weak<RefCell<BTreeMap<String, Value>>>;

thread_local! {
    /// The one nil slice (`[]string(nil)`, what Go's `FindAllString` returns without a
    /// match): prints as `[]`, but serialises as `null`.
    static NIL_LIST: Rc<Vec<Value>> = Rc::new(Vec::new());
}

impl Value {
    /// A nil slice (see [`NIL_LIST`]).
    pub fn nil_list() -> Value {
        V::List(NIL_LIST.with(Rc::clone)).into()
    }
}

/// Whether `items` is the nil slice.
fn is_nil_list(items: &Rc<Vec<Value>>) -> bool {
    items.is_empty() && NIL_LIST.with(|n| Rc::ptr_eq(n, items))
}

/// How deep printing and serialising go (a dict can be `set` into itself).
pub const MAX_PRINT_DEPTH: usize = 100;
/// How many values one print or serialisation visits (shared substructures multiply).
pub const MAX_PRINT_NODES: usize = 1_000_000;

thread_local! {
    static PRINT_BUDGET: std::cell::Cell<usize> = const { std::cell::Cell::new(MAX_PRINT_NODES) };
}

/// Starts a print or serialisation: a fresh node budget.
fn reset_budget() {
    PRINT_BUDGET.with(|b| b.set(MAX_PRINT_NODES));
}

/// Takes one node from the budget; false once it is spent.
fn tick() -> bool {
    PRINT_BUDGET.with(|b| {
        let left = b.get();
        b.set(left.saturating_sub(1));
        left > 0
    })
}

/// A value and, when it came from a values file, where.
#[derive(Debug, Clone, Default)]
pub struct Value {
    pub v: V,
    pub origin: Option<Rc<Origin>>,
}

impl From<V> for Value {
    fn from(v: V) -> Self {
        Value { v, origin: None }
    }
}

impl From<&str> for Value {
    fn from(s: &str) -> Self {
        V::Str(Arc::from(s)).into()
    }
}

impl From<String> for Value {
    fn from(s: String) -> Self {
        V::Str(Arc::from(s)).into()
    }
}

impl From<bool> for Value {
    fn from(b: bool) -> Self {
        V::Bool(b).into()
    }
}

impl From<i64> for Value {
    fn from(i: i64) -> Self {
        V::Int(i).into()
    }
}

impl From<f64> for Value {
    fn from(f: f64) -> Self {
        V::Float(f).into()
    }
}

impl From<Vec<Value>> for Value {
    fn from(items: Vec<Value>) -> Self {
        V::List(Rc::new(items)).into()
    }
}

impl From<BTreeMap<String, Value>> for Value {
    fn from(map: BTreeMap<String, Value>) -> Self {
        V::Map(new_dict(map)).into()
    }
}

thread_local! {
    /// Every dict made on this thread since the oldest live [`CycleBreaker`]: a template can
    /// `set` a dict into itself, and such a cycle of `Rc`s would never be freed.
    static DICTS: RefCell<Vec<WeakMap>> = const { RefCell::new(Vec::new()) };
}

/// A dict, remembered so that a [`CycleBreaker`] can empty it.
fn new_dict(map: BTreeMap<String, Value>) -> Map {
    let dict = Rc::new(RefCell::new(map));
    DICTS.with(|d| {
        let mut d = d.borrow_mut();
        // Forget dicts already freed before the list grows past what is alive.
        if d.len() == d.capacity() && d.len() >= 1024 {
            d.retain(|w| w.strong_count() > 0);
        }
        d.push(Rc::downgrade(&dict));
    });
    dict
}

/// Frees, when dropped, the dicts made on this thread since it was made, even those a
/// template made into a cycle (`set $d "self" $d`): it empties every one still alive. Made
/// at the start of a chart's rendering, whose output holds no template values.
pub struct CycleBreaker {
    mark: usize,
}

impl CycleBreaker {
    pub fn new() -> CycleBreaker {
        DICTS.with(|d| {
            let mut d = d.borrow_mut();
            d.retain(|w| w.strong_count() > 0);
            CycleBreaker { mark: d.len() }
        })
    }
}

impl Default for CycleBreaker {
    fn default() -> Self {
        CycleBreaker::new()
    }
}

impl Drop for CycleBreaker {
    fn drop(&mut self) {
        let made: Vec<_> = DICTS.with(|d| {
            let mut d = d.borrow_mut();
            let mark = self.mark.min(d.len());
            d.drain(mark..).collect()
        });
        for dict in made.iter().filter_map(std::rc::Weak::upgrade) {
            // Taken out first: dropping the entries may free other dicts of the list.
            let entries = dict.try_borrow_mut().map(|mut m| std::mem::take(&mut *m));
            drop(entries);
        }
    }
}

impl Value {
    pub fn nil() -> Value {
        Value::default()
    }

    pub fn with_origin(mut self, origin: Option<Rc<Origin>>) -> Value {
        self.origin = origin;
        self
    }

    /// Go's truth: false, 0, nil, and empty strings, lists and maps are false.
    pub fn truthy(&self) -> bool {
        match &self.v {
            V::Nil => false,
            V::Bool(b) => *b,
            V::Int(i) => *i != 0,
            V::Float(f) => *f != 0.0,
            V::Str(s) => !s.is_empty(),
            V::List(l) => !l.is_empty(),
            V::Map(m) => m.try_borrow().is_ok_and(|m| !m.is_empty()),
            // Go's chart.Files is a map: empty is false.
            V::Obj(Obj::Files(f)) => !f.is_empty(),
            V::Obj(_) => true,
        }
    }

    pub fn is_nil(&self) -> bool {
        matches!(self.v, V::Nil)
    }

    pub fn as_str(&self) -> Option<&str> {
        match &self.v {
            V::Str(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match &self.v {
            V::List(l) => Some(l),
            _ => None,
        }
    }

    /// The shared map of a dict.
    pub fn as_map(&self) -> Option<&Map> {
        match &self.v {
            V::Map(m) => Some(m),
            _ => None,
        }
    }

    /// A copy of a dict's entries (empty for other values). Never panics.
    pub fn map_entries(&self) -> BTreeMap<String, Value> {
        match &self.v {
            V::Map(m) => m.try_borrow().map(|m| m.clone()).unwrap_or_default(),
            _ => BTreeMap::new(),
        }
    }

    /// One entry of a dict.
    pub fn map_get(&self, key: &str) -> Option<Value> {
        match &self.v {
            V::Map(m) => m.try_borrow().ok()?.get(key).cloned(),
            _ => None,
        }
    }

    /// Sets an entry of a dict in place (seen by every holder of the dict).
    pub fn map_set(&self, key: &str, value: Value) -> Result<(), String> {
        match &self.v {
            V::Map(m) => {
                m.try_borrow_mut()
                    .map_err(|_| "dict is being modified while it is read".to_string())?
                    .insert(key.to_string(), value);
                Ok(())
            }
            _ => Err(format!("cannot set a key on {}", self.type_name())),
        }
    }

    /// Removes an entry of a dict in place.
    pub fn map_remove(&self, key: &str) -> Result<(), String> {
        match &self.v {
            V::Map(m) => {
                m.try_borrow_mut()
                    .map_err(|_| "dict is being modified while it is read".to_string())?
                    .remove(key);
                Ok(())
            }
            _ => Err(format!("cannot unset a key on {}", self.type_name())),
        }
    }

    /// A new, empty dict.
    pub fn new_map() -> Value {
        BTreeMap::new().into()
    }

    /// Go's type name, as `typeOf` and error messages show it.
    pub fn type_name(&self) -> &'static str {
        match &self.v {
            V::Nil => "<nil>",
            V::Bool(_) => "bool",
            V::Int(_) => "int",
            V::Float(_) => "float64",
            V::Str(_) => "string",
            V::List(_) => "[]interface {}",
            V::Map(_) => "map[string]interface {}",
            V::Obj(Obj::Files(_)) => "chart.Files",
            V::Obj(Obj::ApiVersions(_)) => "chartutil.VersionSet",
        }
    }

    /// Go's `reflect.Kind` name, as `kindOf` and `kindIs` use it.
    pub fn kind_name(&self) -> &'static str {
        match &self.v {
            V::Nil => "invalid",
            V::Bool(_) => "bool",
            V::Int(_) => "int",
            V::Float(_) => "float64",
            V::Str(_) => "string",
            V::List(_) => "slice",
            V::Map(_) => "map",
            V::Obj(Obj::Files(_)) => "map",
            V::Obj(Obj::ApiVersions(_)) => "slice",
        }
    }

    /// `fmt.Sprint(v)`: what `{{ v }}` prints. Nil prints as the empty string (Helm
    /// replaces Go's `<no value>`).
    pub fn to_go_string(&self) -> String {
        let mut out = String::new();
        reset_budget();
        self.write_go(&mut out, true, 0);
        out
    }

    fn write_go(&self, out: &mut String, top: bool, depth: usize) {
        if depth > MAX_PRINT_DEPTH || !tick() {
            out.push_str("...");
            return;
        }
        match &self.v {
            V::Nil if top => {}
            V::Nil => out.push_str("<nil>"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Int(i) => {
                let _ = write!(out, "{i}");
            }
            V::Float(f) => out.push_str(&go_float(*f)),
            V::Str(s) => out.push_str(s),
            V::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    item.write_go(out, false, depth + 1);
                }
                out.push(']');
            }
            V::Map(_) => {
                out.push_str("map[");
                for (i, (k, v)) in self.map_entries().iter().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                    out.push(':');
                    v.write_go(out, false, depth + 1);
                }
                out.push(']');
            }
            V::Obj(Obj::Files(f)) => {
                out.push_str("map[");
                for (i, k) in f.keys().enumerate() {
                    if i > 0 {
                        out.push(' ');
                    }
                    out.push_str(k);
                }
                out.push(']');
            }
            V::Obj(Obj::ApiVersions(v)) => {
                let _ = write!(out, "[{}]", v.join(" "));
            }
        }
    }

    /// A number as f64, for arithmetic and comparisons across int and float.
    pub fn as_f64(&self) -> Option<f64> {
        match &self.v {
            V::Int(i) => Some(*i as f64),
            V::Float(f) => Some(*f),
            _ => None,
        }
    }

    /// Go's `encoding/json` (as Helm's `toJson`): map keys sorted, `<>&` escaped.
    pub fn to_json(&self) -> String {
        let mut out = String::new();
        reset_budget();
        self.write_json(&mut out, 0);
        out
    }

    fn write_json(&self, out: &mut String, depth: usize) {
        if depth > MAX_PRINT_DEPTH || !tick() {
            out.push_str("null");
            return;
        }
        match &self.v {
            V::Nil => out.push_str("null"),
            V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            V::Int(i) => {
                let _ = write!(out, "{i}");
            }
            V::Float(f) => out.push_str(&json_float(*f)),
            V::Str(s) => json_string(out, s),
            V::List(items) if is_nil_list(items) => out.push_str("null"),
            V::List(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_json(out, depth + 1);
                }
                out.push(']');
            }
            V::Map(_) => {
                out.push('{');
                for (i, (k, v)) in self.map_entries().iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    json_string(out, k);
                    out.push(':');
                    v.write_json(out, depth + 1);
                }
                out.push('}');
            }
            V::Obj(_) => out.push_str("{}"),
        }
    }

    /// Helm's `toYaml`: block style, keys sorted, no trailing newline.
    pub fn to_yaml(&self) -> String {
        let mut out = String::new();
        reset_budget();
        match &self.v {
            V::List(l) if !l.is_empty() => yaml_seq(&mut out, l, 0),
            V::Map(_) if self.truthy() => yaml_map(&mut out, &self.map_entries(), 0),
            _ => {
                yaml_scalar(&mut out, self, 0);
                out.push('\n');
            }
        }
        while out.ends_with('\n') {
            out.pop();
        }
        out
    }

    /// A value from a parsed YAML node. Numbers become float64, as Helm reads values through
    /// JSON. With `source`, every value remembers its `key: value` span and dotted path.
    pub fn from_yaml(node: YamlVal<'_>, source: Option<SourceId>, path: &str) -> Value {
        Self::from_yaml_depth(node, source, path, 0)
    }

    fn from_yaml_depth(
        node: YamlVal<'_>,
        source: Option<SourceId>,
        path: &str,
        depth: usize,
    ) -> Value {
        let origin = source.map(|source| {
            Rc::new(Origin {
                source,
                span: node.field_span(),
                path: path.to_string(),
                missing: false,
            })
        });
        let v = match node.kind() {
            NodeKind::Null | NodeKind::Alias(_) => V::Nil,
            NodeKind::Bool(b) => V::Bool(b),
            NodeKind::Int(i) => V::Float(i as f64),
            NodeKind::Float(f) => V::Float(f),
            NodeKind::Str(s) => V::Str(Arc::from(s)),
            _ if depth > 200 => V::Nil,
            NodeKind::Seq(_) => V::List(Rc::new(
                node.items()
                    .enumerate()
                    .map(|(i, item)| {
                        Self::from_yaml_depth(item, source, &format!("{path}[{i}]"), depth + 1)
                    })
                    .collect(),
            )),
            NodeKind::Map(_) => {
                // Helm reads values through JSON: every key becomes a string (`9000: x` is
                // "9000"), and a repeated key keeps its last value. Merge keys (`<<`) fill in
                // what the mapping does not set itself.
                let child = |k: &str, item| {
                    let p = if path.is_empty() {
                        k.to_string()
                    } else {
                        format!("{path}.{k}")
                    };
                    Self::from_yaml_depth(item, source, &p, depth + 1)
                };
                let mut map = BTreeMap::new();
                for (k, item) in node.entries() {
                    map.insert(k.to_string(), child(k, item));
                }
                for (k, item) in node.raw_entries() {
                    if let Some(k) = k.filter(|k| k != "<<") {
                        let v = child(&k, item);
                        map.insert(k, v);
                    }
                }
                V::Map(new_dict(map))
            }
        };
        Value { v, origin }
    }

    /// Go's `eq` for basic values: numbers compare across int and float, others by kind.
    pub fn go_eq(&self, other: &Value) -> Result<bool, String> {
        Ok(match (&self.v, &other.v) {
            (V::Nil, V::Nil) => true,
            (V::Bool(a), V::Bool(b)) => a == b,
            (V::Str(a), V::Str(b)) => a == b,
            (V::Int(a), V::Int(b)) => a == b,
            (V::Int(_) | V::Float(_), V::Int(_) | V::Float(_)) => self.as_f64() == other.as_f64(),
            (V::Nil, _) | (_, V::Nil) => false,
            (V::List(_) | V::Map(_) | V::Obj(_), _) | (_, V::List(_) | V::Map(_) | V::Obj(_)) => {
                return Err(format!(
                    "non-comparable types: {} and {}",
                    self.type_name(),
                    other.type_name()
                ));
            }
            _ => {
                return Err(format!(
                    "incompatible types for comparison: {} and {}",
                    self.type_name(),
                    other.type_name()
                ));
            }
        })
    }

    /// Go's ordering for `lt`/`le`/`gt`/`ge`: numbers and strings.
    pub fn go_cmp(&self, other: &Value) -> Result<std::cmp::Ordering, String> {
        match (&self.v, &other.v) {
            (V::Str(a), V::Str(b)) => Ok(a.cmp(b)),
            (V::Int(a), V::Int(b)) => Ok(a.cmp(b)),
            (V::Int(_) | V::Float(_), V::Int(_) | V::Float(_)) => self
                .as_f64()
                .zip(other.as_f64())
                .and_then(|(a, b)| a.partial_cmp(&b))
                .ok_or_else(|| "cannot compare NaN".to_string()),
            _ => Err(format!(
                "incompatible types for comparison: {} and {}",
                self.type_name(),
                other.type_name()
            )),
        }
    }
}

/// `fmt.Sprint(float64)`: `%g` with the shortest representation, in exponent form from 1e6
/// or below 1e-4 (Go prints a million read from values as `1e+06`).
pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 { "+Inf" } else { "-Inf" }.into();
    }
    if f == 0.0 {
        return if f.is_sign_negative() { "-0" } else { "0" }.into();
    }
    // Shortest round-trip digits and decimal exponent.
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((&sci, "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if !(-4..6).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        return format!("{mantissa}e{sign}{:02}", exp.abs());
    }
    let s = format!("{f}");
    s.strip_suffix(".0").map_or(s.clone(), str::to_string)
}

/// Go's `encoding/json` float formatting.
pub fn json_float(f: f64) -> String {
    if !f.is_finite() {
        return "null".into();
    }
    if f.fract() == 0.0 && f.abs() < 1e21 {
        return format!("{f:.0}");
    }
    let abs = f.abs();
    if !(1e-6..1e21).contains(&abs) {
        let sci = format!("{f:e}");
        let (m, e) = sci.split_once('e').unwrap_or((&sci, "0"));
        let e: i32 = e.parse().unwrap_or(0);
        // Go writes `1e-07` as `1e-7`, and keeps two digits after `e+`.
        return if e < 0 {
            format!("{m}e-{}", -e)
        } else {
            format!("{m}e+{e:02}")
        };
    }
    format!("{f}")
}

/// A string as Go's `encoding/json` writes it (Go 1.22 and later).
pub fn json_string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '<' => out.push_str("\\u003c"),
            '>' => out.push_str("\\u003e"),
            '&' => out.push_str("\\u0026"),
            '\u{2028}' => out.push_str("\\u2028"),
            '\u{2029}' => out.push_str("\\u2029"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}

fn indent(out: &mut String, n: usize) {
    out.extend(std::iter::repeat_n(' ', n));
}

/// Entries of a mapping, one per line at `ind`.
fn yaml_map(out: &mut String, m: &BTreeMap<String, Value>, ind: usize) {
    if ind > 2 * MAX_PRINT_DEPTH || !tick() {
        out.push_str("{}\n");
        return;
    }
    for (i, (k, v)) in m.iter().enumerate() {
        if i > 0 {
            indent(out, ind);
        }
        yaml_key(out, k);
        out.push(':');
        yaml_value_after_key(out, v, ind);
    }
}

fn yaml_value_after_key(out: &mut String, v: &Value, ind: usize) {
    match &v.v {
        V::Map(_) if v.truthy() => {
            out.push('\n');
            indent(out, ind + 2);
            yaml_map(out, &v.map_entries(), ind + 2);
        }
        V::List(l) if !l.is_empty() => {
            // go-yaml v2 does not indent a sequence under its key.
            out.push('\n');
            indent(out, ind);
            yaml_seq(out, l, ind);
        }
        _ => {
            out.push(' ');
            yaml_scalar(out, v, ind);
            out.push('\n');
        }
    }
}

fn yaml_seq(out: &mut String, l: &[Value], ind: usize) {
    if ind > 2 * MAX_PRINT_DEPTH || !tick() {
        out.push_str("[]\n");
        return;
    }
    for (i, item) in l.iter().enumerate() {
        if i > 0 {
            indent(out, ind);
        }
        out.push_str("- ");
        match &item.v {
            V::Map(_) if item.truthy() => yaml_map(out, &item.map_entries(), ind + 2),
            V::List(inner) if !inner.is_empty() => yaml_seq(out, inner, ind + 2),
            _ => {
                yaml_scalar(out, item, ind + 2);
                out.push('\n');
            }
        }
    }
}

fn yaml_key(out: &mut String, k: &str) {
    yaml_string(out, k, 0, false);
}

fn yaml_scalar(out: &mut String, v: &Value, ind: usize) {
    match &v.v {
        V::Nil => out.push_str("null"),
        V::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        V::Int(i) => {
            let _ = write!(out, "{i}");
        }
        V::Float(f) => out.push_str(&json_float(*f)),
        V::Str(s) => yaml_string(out, s, ind, true),
        V::List(items) if is_nil_list(items) => out.push_str("null"),
        V::List(_) => out.push_str("[]"),
        V::Map(_) | V::Obj(_) => out.push_str("{}"),
    }
}

/// Would a plain scalar with this text be read as something other than a string?
fn resolves_as_non_string(s: &str) -> bool {
    const WORDS: &[&str] = &[
        "", "~", "null", "Null", "NULL", "true", "True", "TRUE", "false", "False", "FALSE", "y",
        "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "on", "On", "ON", "off", "Off",
        "OFF", ".inf", ".Inf", ".INF", "-.inf", "+.inf", ".nan", ".NaN", ".NAN", "<<",
    ];
    if WORDS.contains(&s) || yaml11_timestamp(s) {
        return true;
    }
    let t = s.strip_prefix(['-', '+']).unwrap_or(s);
    let digits = |x: &str| !x.is_empty() && x.chars().all(|c| c.is_ascii_digit() || c == '_');
    // Integers: decimal, 0x/0o/0b, YAML 1.1 sexagesimal (`1:30`).
    let int = digits(t)
        || t.strip_prefix("0x")
            .is_some_and(|h| !h.is_empty() && h.chars().all(|c| c.is_ascii_hexdigit() || c == '_'))
        || t.strip_prefix("0o").is_some_and(digits)
        || t.strip_prefix("0b")
            .is_some_and(|b| !b.is_empty() && b.chars().all(|c| matches!(c, '0' | '1' | '_')))
        || (t.contains(':')
            && t.split(':')
                .all(|p| digits(p.split('.').next().unwrap_or("")))
            && t.starts_with(|c: char| c.is_ascii_digit())
            && t.split(':').count() > 1
            && t.split('.').count() <= 2);
    // Floats: `1.5`, `.5`, `1.`, `1e3`, `1.5e-3` (one dot, optional exponent).
    let (mantissa, exponent) = match t.find(['e', 'E']) {
        Some(i) => (&t[..i], Some(&t[i + 1..])),
        None => (t, None),
    };
    let exp_ok = exponent.is_none_or(|e| digits(e.strip_prefix(['-', '+']).unwrap_or(e)));
    let float = exp_ok
        && match mantissa.split_once('.') {
            Some((a, b)) => {
                (a.is_empty() || digits(a))
                    && (b.is_empty() || digits(b))
                    && !(a.is_empty() && b.is_empty())
            }
            None => exponent.is_some() && digits(mantissa),
        };
    int || float
}

/// go-yaml v2 quotes strings that YAML 1.1 would read as timestamps: `2006-1-2`, and that
/// followed by `T` or spaces and a time.
fn yaml11_timestamp(s: &str) -> bool {
    let b = s.as_bytes();
    let digits = |from: usize, min: usize, max: usize| -> Option<usize> {
        let n = b[from.min(b.len())..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .count();
        (min..=max).contains(&n).then_some(from + n)
    };
    let Some(i) = digits(0, 4, 4) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    let Some(i) = digits(i + 1, 1, 2) else {
        return false;
    };
    if b.get(i) != Some(&b'-') {
        return false;
    }
    let Some(i) = digits(i + 1, 1, 2) else {
        return false;
    };
    match b.get(i) {
        None => true,
        Some(b'T' | b't' | b' ' | b'\t') => {
            let rest = s[i + 1..].trim_start();
            rest.len() >= 4 && rest.as_bytes()[0].is_ascii_digit() && rest.contains(':')
        }
        _ => false,
    }
}

fn plain_allowed(s: &str) -> bool {
    let first = s.chars().next().unwrap_or(' ');
    let last = s.chars().last().unwrap_or(' ');
    if "-?:,[]{}#&*!|>'\"%@`".contains(first)
        && !(matches!(first, '-' | '?' | ':') && s.len() > 1 && !s[1..].starts_with(' '))
    {
        return false;
    }
    if first == ' ' || last == ' ' || last == ':' {
        return false;
    }
    !(s.contains(": ") || s.contains(" #") || s.chars().any(|c| c.is_control() || c == '\u{feff}'))
}

fn yaml_string(out: &mut String, s: &str, ind: usize, allow_block: bool) {
    if allow_block
        && s.contains('\n')
        && !s.chars().any(|c| c.is_control() && c != '\n')
        && !s.starts_with(' ')
    {
        let chomp = if s.ends_with("\n\n") {
            "+"
        } else if s.ends_with('\n') {
            ""
        } else {
            "-"
        };
        out.push('|');
        out.push_str(chomp);
        let body = s.strip_suffix('\n').unwrap_or(s);
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                indent(out, ind + 2);
                out.push_str(line);
            }
        }
        return;
    }
    if resolves_as_non_string(s) || s.chars().any(|c| c.is_control()) {
        out.push_str(&serde_json::to_string(s).unwrap_or_default());
    } else if plain_allowed(s) {
        out.push_str(s);
    } else {
        out.push('\'');
        out.push_str(&s.replace('\'', "''"));
        out.push('\'');
    }
}

#[cfg(test)]
mod cycle_tests {
    use super::*;

    #[test]
    fn a_dict_set_into_itself_is_freed_with_its_breaker() {
        let weak;
        {
            let _breaker = CycleBreaker::new();
            let d = Value::new_map();
            d.map_set("self", d.clone()).unwrap();
            let V::Map(m) = &d.v else { unreachable!() };
            weak = Rc::downgrade(m);
        }
        assert_eq!(weak.strong_count(), 0, "the cycle leaked");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map(entries: &[(&str, Value)]) -> Value {
        entries
            .iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect::<BTreeMap<_, _>>()
            .into()
    }

    #[test]
    fn go_printing() {
        assert_eq!(go_float(1.0), "1");
        assert_eq!(go_float(2.5), "2.5");
        assert_eq!(go_float(1e6), "1e+06");
        assert_eq!(go_float(1048576.0), "1.048576e+06");
        assert_eq!(go_float(123456.0), "123456");
        assert_eq!(
            Value::from(vec![Value::from("a"), Value::from(1i64)]).to_go_string(),
            "[a 1]"
        );
        assert_eq!(Value::nil().to_go_string(), "");
    }

    #[test]
    fn yaml_output_round_trips() {
        let v = map(&[
            (
                "b",
                Value::from(vec![map(&[
                    ("x", Value::from(1.0)),
                    ("y", Value::from("true")),
                ])]),
            ),
            ("a", Value::from("multi\nline\n")),
            ("c", Value::from("*")),
            ("d", map(&[])),
        ]);
        assert_eq!(
            v.to_yaml(),
            "a: |\n  multi\n  line\nb:\n- x: 1\n  \"y\": \"true\"\nc: '*'\nd: {}"
        );
        assert_eq!(Value::from(vec![]).to_yaml(), "[]");
        for ts in [
            "2020-10-24",
            "2020-1-2",
            "2020-10-24T10:00:00Z",
            "2001-12-14 21:59:43.10",
        ] {
            assert_eq!(Value::from(ts).to_yaml(), format!("\"{ts}\""));
        }
        assert_eq!(Value::from("2020-10-24x").to_yaml(), "2020-10-24x");
        assert_eq!(Value::from("8.2.1").to_yaml(), "8.2.1");
        assert_eq!(Value::nil().to_yaml(), "null");
    }

    #[test]
    fn shared_structures_print_in_bounded_time() {
        // 2^60 paths through one shared dict: printing stops at the node budget.
        let mut v = Value::from("leaf");
        for _ in 0..60 {
            v = map(&[("a", v.clone()), ("b", v)]);
        }
        assert!(v.to_go_string().len() < 100 * MAX_PRINT_NODES);
        assert!(v.to_json().len() < 100 * MAX_PRINT_NODES);
        assert!(v.to_yaml().len() < 400 * MAX_PRINT_NODES);
    }

    #[test]
    fn json_escapes_like_go() {
        let v = map(&[("k", Value::from("<a&b>")), ("n", Value::from(3.0))]);
        assert_eq!(v.to_json(), r#"{"k":"\u003ca\u0026b\u003e","n":3}"#);
    }
}
