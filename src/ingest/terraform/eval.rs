//! Evaluation of Terraform modules: variables (defaults, tfvars, command line), locals,
//! `count`/`for_each`, conditionals, for expressions, splats, functions, local child modules
//! and provider configurations (so that every resource knows its region).
//!
//! Evaluation is lazy and memoised per module instance, in the order references demand, so
//! declarations may appear in any order and any file. Values that cannot be known before
//! apply (data sources, computed attributes such as `aws_subnet.a.id`) are
//! [`Value::Unknown`]; a computed attribute remembers which resource instance it belongs to,
//! which is how facts follow `aws_lb.subnets` to the subnets' zones. Every recursion is
//! bounded and every loop is paid for from a budget, so hostile input cannot hang the scan.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::PathBuf;
use std::rc::Rc;

use hcl_edit::expr::{
    BinaryOperator, Expression, ForExpr, ObjectKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::structure::{Attribute, Block, Body as HclBody};
use hcl_edit::template::{Directive, Element, Template};

use super::{CallDecl, Decl, ModuleDir, VarFile, funcs, header_span, span_of};
use crate::finding::InputIssue;
use crate::model::terraform::{
    Attr, Body, Mode, NestedBlock, Origin, Region, ResourceId, TfResource, Unknown, Value,
};
use crate::model::{SourceId, Span};

/// Most instances one `count`/`for_each` may create.
pub const MAX_INSTANCES: usize = 10_000;
/// Deepest chain of references (local → local → ...) and of nested module calls.
const MAX_DEPTH: u32 = 64;
/// Longest string one expression may build (a template, `format`, `join`, ...).
pub const MAX_STRING_BYTES: usize = funcs::MAX_STRING_BYTES;

/// What evaluation may spend: evaluation steps, bytes of strings and collections built (and
/// copied out of variables and locals), and resource plus module instances (nested `count`s
/// multiply).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Limits {
    pub steps: u64,
    pub bytes: u64,
    pub instances: u64,
}

/// What one root module (with every module it calls) may spend.
pub const ROOT_LIMITS: Limits = Limits {
    steps: 5_000_000,
    bytes: 64 << 20,
    instances: 50_000,
};

/// What the root modules of one scan may spend together.
pub const SCAN_LIMITS: Limits = Limits {
    steps: 50_000_000,
    bytes: 256 << 20,
    instances: 200_000,
};

/// Bytes charged for each resource instance besides its attribute values (address, names,
/// provider, region and the maps that hold them).
const INSTANCE_BYTES: u64 = 512;

/// One of the three [`Limits`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Spend {
    Steps,
    Bytes,
    Instances,
}

impl Limits {
    fn get(&self, kind: Spend) -> u64 {
        match kind {
            Spend::Steps => self.steps,
            Spend::Bytes => self.bytes,
            Spend::Instances => self.instances,
        }
    }

    fn get_mut(&mut self, kind: Spend) -> &mut u64 {
        match kind {
            Spend::Steps => &mut self.steps,
            Spend::Bytes => &mut self.bytes,
            Spend::Instances => &mut self.instances,
        }
    }

    /// What is left of `self` after `spent`.
    fn minus(&self, spent: &Limits) -> Limits {
        Limits {
            steps: self.steps.saturating_sub(spent.steps),
            bytes: self.bytes.saturating_sub(spent.bytes),
            instances: self.instances.saturating_sub(spent.instances),
        }
    }

    /// The smaller of `self` and `other`, limit by limit.
    fn min(&self, other: &Limits) -> Limits {
        Limits {
            steps: self.steps.min(other.steps),
            bytes: self.bytes.min(other.bytes),
            instances: self.instances.min(other.instances),
        }
    }

    fn add(&mut self, spent: &Limits) {
        self.steps += spent.steps;
        self.bytes += spent.bytes;
        self.instances += spent.instances;
    }

    /// The first kind of which nothing is left.
    fn exhausted(&self) -> Option<Spend> {
        [Spend::Steps, Spend::Bytes, Spend::Instances]
            .into_iter()
            .find(|&k| self.get(k) == 0)
    }
}

/// What a limit is about, for messages.
fn limit_text(kind: Spend, limit: u64) -> String {
    match kind {
        Spend::Steps => format!("more than {limit} evaluation steps"),
        Spend::Bytes => format!(
            "more than {} MiB of strings and collections built",
            limit >> 20
        ),
        Spend::Instances => format!(
            "more than {limit} resource and module instances (nested `count`/`for_each` multiply)"
        ),
    }
}

/// Values given on the command line, applied to every root module.
#[derive(Debug, Default)]
pub struct Inputs {
    /// Parsed `--var-file` files, in command-line order.
    pub var_files: Vec<(SourceId, VarFile)>,
    /// `--var name=value`, in command-line order, with the value parsed as an expression
    /// when it is one.
    pub vars: Vec<(String, String, Option<Expression>)>,
}

impl Inputs {
    /// Adds `--var name=value`.
    pub fn add_var(&mut self, name: &str, value: &str) {
        let parsed = hcl_edit::parser::parse_expr(value).ok();
        self.vars
            .push((name.to_string(), value.to_string(), parsed));
    }
}

#[derive(Clone)]
struct EvalError {
    source: SourceId,
    span: Span,
    message: String,
}

type R = Result<Value, EvalError>;
type RS = Result<Shared, EvalError>;

/// A value that named references share: reading `local.x[0]` copies element 0, not `x`.
type Shared = Rc<Value>;

#[derive(Clone)]
enum Slot {
    Busy,
    Done(Shared, Option<Origin>),
}

/// What an expression sees: its module instance and file, `count.index`, `each.key` /
/// `each.value` and the names bound by enclosing `for` expressions. Cloning it is cheap.
#[derive(Clone)]
struct Scope {
    inst: usize,
    source: SourceId,
    count: Option<Value>,
    each: Option<(Shared, Shared)>,
    binds: Vec<(String, Shared)>,
}

struct Link<'m> {
    parent: usize,
    call: &'m CallDecl,
    count: Option<Value>,
    each: Option<(Shared, Shared)>,
}

struct Inst<'m> {
    m: &'m ModuleDir,
    addr: String,
    depth: u32,
    link: Option<Link<'m>>,
    vars: HashMap<String, Slot>,
    locals: HashMap<String, Slot>,
    resources: HashMap<String, Slot>,
    calls: HashMap<String, Slot>,
    outputs: HashMap<String, Slot>,
    children: HashMap<String, Vec<usize>>,
    providers: HashMap<String, Region>,
    /// Under a module call whose `count`/`for_each` is unknown.
    uncertain: bool,
}

struct Ev<'m, 'o> {
    modules: &'m BTreeMap<PathBuf, ModuleDir>,
    insts: Vec<Inst<'m>>,
    out: &'o mut Vec<TfResource>,
    issues: &'o mut Vec<InputIssue>,
    seen: &'o mut HashSet<(SourceId, usize, String)>,
    remote: &'o mut HashSet<String>,
    /// What is left for this root module (its own limits, or less if the scan has less left).
    left: Limits,
    /// What this root module had at the start, and what it has spent.
    start: Limits,
    spent: Limits,
    /// Set when a limit is passed: the message, reported once; everything after fails.
    exhausted: Option<EvalError>,
    exhaustion_reported: bool,
    /// Inside the stand-in instance of an unknown `count`/`for_each`.
    speculative: u32,
    /// The reference depth of the innermost `try()` or `can()` being evaluated: in its own
    /// arguments (not in the variables, locals, resources and outputs they reach, which are
    /// evaluated once for every use) reading an attribute of null is an error, as in
    /// Terraform, so that the next argument is taken; elsewhere it stays unknown (lenient on
    /// code paths Terraform would not evaluate).
    trying: Option<u32>,
    depth: u32,
    root: String,
}

/// Evaluates every root module; resource instances are appended to `out` (their
/// [`ResourceId`]s are indices into it), problems to `issues`.
pub fn evaluate<'m>(
    modules: &'m BTreeMap<PathBuf, ModuleDir>,
    roots: &[PathBuf],
    inputs: &'m Inputs,
    out: &mut Vec<TfResource>,
    issues: &mut Vec<InputIssue>,
) {
    let mut seen = HashSet::new();
    let mut remote = HashSet::new();
    let mut scan_spent = Limits::default();
    for root in roots {
        let Some(m) = modules.get(root) else {
            continue;
        };
        let scan_left = SCAN_LIMITS.minus(&scan_spent);
        if let Some(kind) = scan_left.exhausted() {
            issues.push(InputIssue {
                rule: "INPUT004",
                source: m.first_source,
                span: Span::default(),
                message: format!(
                    "root module `{}` was not evaluated: the Terraform root modules of this scan together took {}",
                    m.display,
                    limit_text(kind, SCAN_LIMITS.get(kind))
                ),
                help: "scan fewer root modules at once (one `spoflint check` per directory), or exclude the module that takes so much".to_string(),
            });
            continue;
        }
        let left = ROOT_LIMITS.min(&scan_left);
        let (out_len, issues_len) = (out.len(), issues.len());
        let run = crate::guard::run(|| {
            crate::guard::failpoint("terraform", || &m.display);
            let mut ev = Ev {
                modules,
                insts: Vec::new(),
                out: &mut *out,
                issues: &mut *issues,
                seen: &mut seen,
                remote: &mut remote,
                left,
                start: left,
                spent: Limits::default(),
                exhausted: None,
                exhaustion_reported: false,
                speculative: 0,
                trying: None,
                depth: 0,
                root: m.display.clone(),
            };
            let inst = ev.root_instance(m, inputs);
            ev.force_all(inst);
            ev.spent
        });
        match run {
            Ok(spent) => scan_spent.add(&spent),
            // A bug is not a budget matter: nothing is charged.
            Err(panic) => {
                // What a root module yielded before a bug stopped it may be inconsistent:
                // the whole root is dropped, and the failure is reported.
                out.truncate(out_len);
                issues.truncate(issues_len);
                issues.push(crate::finding::internal_error(
                    m.first_source,
                    Span::default(),
                    &format!("evaluating root module `{}`", m.display),
                    &panic,
                    "its resources are not checked",
                ));
            }
        }
    }
}

/// A reference to a name the module does not declare: an error, unless a file of the module
/// did not parse (the name may be declared there), when the value is unknown instead.
fn undeclared(m: &ModuleDir, sc: &Scope, at: &impl hcl_edit::Span, message: String) -> RS {
    if m.broken {
        return Ok(Rc::new(Value::UNKNOWN));
    }
    Err(err(sc.source, at, message))
}

fn err(source: SourceId, node: &impl hcl_edit::Span, message: impl Into<String>) -> EvalError {
    EvalError {
        source,
        span: span_of(node),
        message: message.into(),
    }
}

/// Meta-arguments that are not attributes of the resource (`count` and `for_each` are kept,
/// so findings can point at them).
const META: &[&str] = &["provider", "providers", "depends_on", "source", "version"];

/// One instance of an expansion: `count.index`, `each.key`/`each.value`, address suffix.
type InstanceKey = (Option<Value>, Option<(Shared, Shared)>, String);

/// The instance keys of an expanded `count`/`for_each`.
enum Expansion {
    Single,
    Count(usize),
    Each(Vec<(String, Shared)>),
    /// `count`/`for_each` unknown before apply: one representative instance (key `[?]`),
    /// marked so that rules which count instances do not guess.
    Unknown,
}

/// The `count` or `for_each` argument of a block (its header when it has neither).
fn expansion_span(block: &Block, header: Span) -> Span {
    block
        .body
        .get_attribute("count")
        .or_else(|| block.body.get_attribute("for_each"))
        .map_or(header, span_of)
}

impl Expansion {
    /// How many instances it makes.
    fn len(&self) -> usize {
        match self {
            Expansion::Single | Expansion::Unknown => 1,
            Expansion::Count(n) => *n,
            Expansion::Each(items) => items.len(),
        }
    }

    fn keys(&self) -> Vec<InstanceKey> {
        match self {
            Expansion::Single => vec![(None, None, String::new())],
            Expansion::Count(n) => (0..*n)
                .map(|i| (Some(Value::Number(i as f64)), None, format!("[{i}]")))
                .collect(),
            Expansion::Each(items) => items
                .iter()
                .map(|(k, v)| {
                    (
                        None,
                        Some((Rc::new(Value::String(k.clone())), Rc::clone(v))),
                        format!("[{k:?}]"),
                    )
                })
                .collect(),
            Expansion::Unknown => vec![(
                Some(Value::UNKNOWN),
                Some((Rc::new(Value::UNKNOWN), Rc::new(Value::UNKNOWN))),
                "[?]".to_string(),
            )],
        }
    }

    /// Wraps one value per instance the way references see them.
    fn wrap(&self, values: Vec<Value>) -> Value {
        match self {
            Expansion::Single => values.into_iter().next().unwrap_or(Value::Null),
            Expansion::Unknown => Value::UNKNOWN,
            Expansion::Count(_) => Value::List(values),
            Expansion::Each(items) => {
                Value::Map(items.iter().map(|(k, _)| k.clone()).zip(values).collect())
            }
        }
    }
}

impl<'m, 'o> Ev<'m, 'o> {
    fn issue(&mut self, rule: &'static str, source: SourceId, span: Span, message: String) {
        if !self.seen.insert((source, span.start, message.clone())) {
            return;
        }
        let help = match rule {
            "INPUT005" => "spoflint never downloads modules; scan the module's code next to this one (a local path), or scan `terraform show -json` plan output".to_string(),
            "INPUT008" => "rules that count its instances say they cannot judge; give the number in a variable, or scan `terraform show -json` plan output, to have them judged".to_string(),
            _ => "the value is treated as unknown and rules that depend on it say so; fix the expression or give the value explicitly".to_string(),
        };
        self.issues.push(InputIssue {
            rule,
            source,
            span,
            message,
            help,
        });
    }

    fn report(&mut self, e: EvalError) {
        // Once a limit is passed every evaluation fails: the limit is what is reported, once.
        if let Some(limit) = self.exhausted.clone() {
            if !self.exhaustion_reported {
                self.exhaustion_reported = true;
                self.issue("INPUT004", limit.source, limit.span, limit.message);
            }
            return;
        }
        // A stand-in instance may not exist at all: its errors are not the user's.
        if self.speculative > 0 {
            return;
        }
        self.issue("INPUT004", e.source, e.span, e.message);
    }

    /// Evaluates and reports errors, giving unknown instead.
    fn value_or_unknown(&mut self, e: &'m Expression, sc: &Scope) -> Value {
        match self.eval(e, sc) {
            Ok(v) => v,
            Err(e) => {
                self.report(e);
                Value::UNKNOWN
            }
        }
    }

    fn scope(&self, inst: usize, source: SourceId) -> Scope {
        Scope {
            inst,
            source,
            count: None,
            each: None,
            binds: Vec::new(),
        }
    }

    // ---- instances -------------------------------------------------------------------------

    fn root_instance(&mut self, m: &'m ModuleDir, inputs: &'m Inputs) -> usize {
        let inst = self.new_inst(m, String::new(), 0, None);
        // Precedence: defaults < terraform.tfvars(.json) < *.auto.tfvars(.json) < --var-file
        // < --var.
        let files = m
            .tfvars
            .iter()
            .map(|d| (d.source, &d.item))
            .chain(inputs.var_files.iter().map(|(s, f)| (*s, f)));
        for (source, file) in files {
            let sc = self.scope(inst, source);
            let assignments: Vec<(&str, Value, Span)> = match file {
                VarFile::Hcl(body) => body
                    .attributes()
                    .filter(|a| m.variables.contains_key(a.key.as_str()))
                    .map(|a| {
                        (
                            a.key.as_str(),
                            self.value_or_unknown(&a.value, &sc),
                            span_of(a),
                        )
                    })
                    .collect(),
                VarFile::Json(values) => values
                    .iter()
                    .map(|(k, v, span)| (k.as_str(), v.clone(), *span))
                    .collect(),
            };
            for (name, v, span) in assignments {
                let Some(decl) = m.variables.get(name) else {
                    continue;
                };
                let v = self.typed(v, decl, &sc);
                let origin = Origin::reference(source, span, format!("var.{name}"));
                self.insts[inst]
                    .vars
                    .insert(name.to_string(), Slot::Done(Rc::new(v), Some(origin)));
            }
        }
        for (name, text, parsed) in &inputs.vars {
            let Some(decl) = m.variables.get(name) else {
                continue;
            };
            let sc = self.scope(inst, decl.source);
            let v = match parsed {
                Some(e) if !decl.is_string => self.eval(e, &sc).ok(),
                _ => None,
            }
            .unwrap_or_else(|| Value::String(text.clone()));
            let v = self.typed(v, decl, &sc);
            self.insts[inst]
                .vars
                .insert(name.clone(), Slot::Done(Rc::new(v), None));
        }
        self.configure_providers(inst);
        inst
    }

    fn new_inst(
        &mut self,
        m: &'m ModuleDir,
        addr: String,
        depth: u32,
        link: Option<Link<'m>>,
    ) -> usize {
        self.insts.push(Inst {
            m,
            addr,
            depth,
            link,
            vars: HashMap::new(),
            locals: HashMap::new(),
            resources: HashMap::new(),
            calls: HashMap::new(),
            outputs: HashMap::new(),
            children: HashMap::new(),
            providers: HashMap::new(),
            uncertain: false,
        });
        self.insts.len() - 1
    }

    /// Provider configurations visible in `inst`: inherited from the parent (default ones, or
    /// those passed with `providers = {...}`), then the module's own `provider` blocks.
    fn configure_providers(&mut self, inst: usize) {
        let m = self.insts[inst].m;
        if let Some(link) = &self.insts[inst].link {
            let parent = &self.insts[link.parent];
            let mut inherited: HashMap<String, Region> = parent
                .providers
                .iter()
                .filter(|(k, _)| !k.contains('.'))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect();
            if let Some(map) = link.call.block.body.get_attribute("providers")
                && let Expression::Object(obj) = &map.value
            {
                for (k, v) in obj.iter() {
                    let child_key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(e) => traversal_name(e).unwrap_or_default(),
                    };
                    if let Some(parent_key) = traversal_name(v.expr())
                        && let Some(region) = parent.providers.get(&parent_key)
                    {
                        inherited.insert(child_key, region.clone());
                    }
                }
            }
            self.insts[inst].providers = inherited;
        }
        for p in &m.providers {
            let name = p
                .item
                .labels
                .first()
                .map(|l| l.as_str().to_string())
                .unwrap_or_default();
            let key = match p.item.body.get_attribute("alias").map(|a| &a.value) {
                Some(Expression::String(alias)) => format!("{name}.{}", alias.value()),
                _ => name,
            };
            let mut region = match p.item.body.get_attribute("region") {
                Some(attr) => {
                    let sc = self.scope(inst, p.source);
                    let v = self.value_or_unknown(&attr.value, &sc);
                    let origin = self.origin_of(&attr.value, &sc, 0);
                    Region {
                        name: v.as_str().map(str::to_string),
                        at: Some((p.source, span_of(attr))),
                        origin,
                        zone: None,
                    }
                }
                None => Region::default(),
            };
            // The google provider's default zone, for zonal resources that name none.
            if let Some(attr) = p.item.body.get_attribute("zone") {
                let sc = self.scope(inst, p.source);
                let v = self.value_or_unknown(&attr.value, &sc);
                region.zone = v.as_str().map(|z| (z.to_string(), p.source, span_of(attr)));
            }
            self.insts[inst].providers.insert(key, region);
        }
    }

    /// Evaluates every resource and module call of `inst`, recursively.
    fn force_all(&mut self, inst: usize) {
        let m = self.insts[inst].m;
        // Terraform evaluates every local and output: so are their errors reported.
        for (name, decl) in &m.locals {
            let sc = self.scope(inst, decl.source);
            if let Err(e) = self.local(name, &sc, &decl.item) {
                self.report(e);
            }
        }
        for name in m.outputs.keys() {
            self.output(inst, name);
        }
        for r in &m.resources {
            let key = if r.data {
                format!("data.{}.{}", r.rtype, r.name)
            } else {
                format!("{}.{}", r.rtype, r.name)
            };
            let sc = self.scope(inst, r.source);
            if let Err(e) = self.resource(&key, &sc, &r.block) {
                self.report(e);
            }
        }
        for c in &m.calls {
            let sc = self.scope(inst, c.source);
            if let Err(e) = self.module_call(&c.name, &sc, &c.block) {
                self.report(e);
            }
            let children = self.insts[inst]
                .children
                .get(&c.name)
                .cloned()
                .unwrap_or_default();
            for child in children {
                self.force_all(child);
            }
        }
    }

    // ---- named values ----------------------------------------------------------------------

    fn enter(&mut self, source: SourceId, node: &impl hcl_edit::Span) -> Result<(), EvalError> {
        if self.depth >= MAX_DEPTH {
            return Err(err(
                source,
                node,
                format!("references nest deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        Ok(())
    }

    fn var(&mut self, name: &str, sc: &Scope, at: &impl hcl_edit::Span) -> RS {
        let inst = sc.inst;
        match self.insts[inst].vars.get(name) {
            Some(Slot::Done(v, _)) => return Ok(Rc::clone(v)),
            Some(Slot::Busy) => {
                return Err(err(sc.source, at, format!("var.{name} depends on itself")));
            }
            None => {}
        }
        let m = self.insts[inst].m;
        let Some(decl) = m.variables.get(name) else {
            return undeclared(
                m,
                sc,
                at,
                format!("reference to undeclared input variable `var.{name}`"),
            );
        };
        // Too deep: this reference fails, the variable stays unevaluated for shallower ones.
        self.enter(sc.source, at)?;
        self.insts[inst].vars.insert(name.to_string(), Slot::Busy);
        let mut arg = None;
        if let Some(link) = &self.insts[inst].link
            && let Some(attr) = link.call.block.body.get_attribute(name)
        {
            arg = Some((
                link.parent,
                link.call.source,
                link.count.clone(),
                link.each.clone(),
                attr,
            ));
        }
        let passed = match arg {
            Some((parent, source, count, each, attr)) => {
                let psc = Scope {
                    inst: parent,
                    source,
                    count,
                    each,
                    binds: Vec::new(),
                };
                let v = self.value_or_unknown(&attr.value, &psc);
                let origin = self
                    .origin_of(&attr.value, &psc, 0)
                    .or_else(|| Some(Origin::reference(source, span_of(attr), "")));
                Some((v, origin))
            }
            None => None,
        };
        // `nullable = false`: a null argument is no argument.
        let passed = passed.filter(|(v, _)| decl.nullable || *v != Value::Null);
        let (value, origin) = match passed {
            Some(p) => p,
            None => match &decl.default {
                Some(attr) => {
                    let dsc = self.scope(inst, decl.source);
                    let v = self.value_or_unknown(&attr.value, &dsc);
                    (v, Some(Origin::reference(decl.source, span_of(attr), "")))
                }
                // A root variable without a value: Terraform would ask for it.
                None => (Value::UNKNOWN, None),
            },
        };
        self.depth -= 1;
        let value = Rc::new(self.typed(value, decl, &self.scope(inst, decl.source)));
        self.insts[inst]
            .vars
            .insert(name.to_string(), Slot::Done(Rc::clone(&value), origin));
        Ok(value)
    }

    /// A variable's value under its declared type (see [`Self::conform`]).
    fn typed(&mut self, v: Value, decl: &'m super::VarDecl, sc: &Scope) -> Value {
        match &decl.type_expr {
            Some(t) => self.conform(v, t, sc),
            None => v,
        }
    }

    /// Applies a type constraint's `optional(...)` attributes: missing object attributes
    /// become their default, or null, as Terraform does.
    fn conform(&mut self, v: Value, t: &'m Expression, sc: &Scope) -> Value {
        let Expression::FuncCall(f) = strip_parens(t) else {
            return v;
        };
        let arg = |i: usize| f.args.iter().nth(i);
        match (f.name.name.as_str(), v) {
            ("optional", v) => match arg(0) {
                Some(inner) => self.conform(v, inner, sc),
                None => v,
            },
            ("object", Value::Map(mut m)) => {
                let Some(Expression::Object(fields)) = arg(0).map(strip_parens) else {
                    return Value::Map(m);
                };
                for (k, ft) in fields.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(e) => match traversal_name(e) {
                            Some(k) => k,
                            None => continue,
                        },
                    };
                    let ft = strip_parens(ft.expr());
                    let value = match m.remove(&key) {
                        Some(present) => present,
                        None => match ft {
                            Expression::FuncCall(o) if o.name.name.as_str() == "optional" => {
                                match o.args.iter().nth(1) {
                                    Some(d) => self.eval(d, sc).unwrap_or(Value::UNKNOWN),
                                    None => Value::Null,
                                }
                            }
                            _ => continue,
                        },
                    };
                    let value = self.conform(value, ft, sc);
                    m.insert(key, value);
                }
                Value::Map(m)
            }
            ("map", Value::Map(m)) => match arg(0) {
                Some(inner) => Value::Map(
                    m.into_iter()
                        .map(|(k, v)| (k, self.conform(v, inner, sc)))
                        .collect(),
                ),
                None => Value::Map(m),
            },
            ("list" | "set", Value::List(items)) => match arg(0) {
                Some(inner) => Value::List(
                    items
                        .into_iter()
                        .map(|v| self.conform(v, inner, sc))
                        .collect(),
                ),
                None => Value::List(items),
            },
            (_, v) => v,
        }
    }

    fn local(&mut self, name: &str, sc: &Scope, at: &impl hcl_edit::Span) -> RS {
        let inst = sc.inst;
        match self.insts[inst].locals.get(name) {
            Some(Slot::Done(v, _)) => return Ok(Rc::clone(v)),
            Some(Slot::Busy) => {
                return Err(err(
                    sc.source,
                    at,
                    format!("cycle: local.{name} depends on itself"),
                ));
            }
            None => {}
        }
        let m = self.insts[inst].m;
        let Some(decl) = m.locals.get(name) else {
            return undeclared(
                m,
                sc,
                at,
                format!("reference to undeclared local value `local.{name}`"),
            );
        };
        self.enter(sc.source, at)?;
        self.insts[inst].locals.insert(name.to_string(), Slot::Busy);
        let lsc = self.scope(inst, decl.source);
        let v = match self.eval(&decl.item.value, &lsc) {
            Ok(v) => v,
            Err(e) => {
                // A cycle is reported once, where it closes; the local itself becomes unknown.
                self.report(e);
                Value::UNKNOWN
            }
        };
        self.depth -= 1;
        let v = Rc::new(v);
        self.insts[inst]
            .locals
            .insert(name.to_string(), Slot::Done(Rc::clone(&v), None));
        Ok(v)
    }

    /// Evaluates `count`/`for_each` of a resource or module call.
    /// Reports a `count`/`for_each` that is unknown before apply (not for data sources: they
    /// create nothing to count).
    fn unknown_expansion(&mut self, sc: &Scope, at: Span, meta: &str, what: &str) -> Expansion {
        if !what.starts_with("data.") {
            self.issue(
                "INPUT008",
                sc.source,
                at,
                format!("`{meta}` of {what} is not known before apply, so its instances cannot be counted"),
            );
        }
        Expansion::Unknown
    }

    fn expansion(
        &mut self,
        body: &'m HclBody,
        sc: &Scope,
        what: &str,
    ) -> Result<Expansion, EvalError> {
        if let Some(count) = body.get_attribute("count") {
            let v = self.eval(&count.value, sc)?;
            if v.is_unknown() {
                return Ok(self.unknown_expansion(sc, span_of(count), "count", what));
            }
            let n = v.as_i64().filter(|n| *n >= 0).ok_or_else(|| {
                err(
                    sc.source,
                    count,
                    format!("`count` must be a non-negative whole number, got {v}"),
                )
            })?;
            if n as usize > MAX_INSTANCES {
                return Err(err(
                    sc.source,
                    count,
                    format!(
                        "`count` = {n} is more than the {MAX_INSTANCES} instances spoflint expands"
                    ),
                ));
            }
            return Ok(Expansion::Count(n as usize));
        }
        if let Some(each) = body.get_attribute("for_each") {
            let v = self.eval(&each.value, sc)?;
            let items: Vec<(String, Shared)> = match &v {
                Value::Map(m) => m
                    .iter()
                    .map(|(k, v)| (k.clone(), Rc::new(v.clone())))
                    .collect(),
                Value::List(items) if items.iter().all(|i| i.as_str().is_some()) => {
                    let mut keys: Vec<String> = items
                        .iter()
                        .filter_map(|i| i.as_str().map(str::to_string))
                        .collect();
                    keys.sort();
                    keys.dedup();
                    keys.into_iter()
                        .map(|k| (k.clone(), Rc::new(Value::String(k))))
                        .collect()
                }
                Value::Null => Vec::new(),
                v if v.has_unknown() => {
                    return Ok(self.unknown_expansion(sc, span_of(each), "for_each", what));
                }
                other => {
                    return Err(err(
                        sc.source,
                        each,
                        format!("`for_each` needs a map or a set of strings, got {other}"),
                    ));
                }
            };
            if items.len() > MAX_INSTANCES {
                return Err(err(
                    sc.source,
                    each,
                    format!(
                        "`for_each` over {} items is more than the {MAX_INSTANCES} instances spoflint expands",
                        items.len()
                    ),
                ));
            }
            return Ok(Expansion::Each(items));
        }
        Ok(Expansion::Single)
    }

    /// The value of resource `key` (`aws_lb.web` / `data.aws_region.current`), evaluating
    /// its instances on first use.
    fn resource(&mut self, key: &str, sc: &Scope, at: &impl hcl_edit::Span) -> RS {
        let inst = sc.inst;
        match self.insts[inst].resources.get(key) {
            Some(Slot::Done(v, _)) => return Ok(Rc::clone(v)),
            Some(Slot::Busy) => {
                return Err(err(sc.source, at, format!("cycle: {key} refers to itself")));
            }
            None => {}
        }
        let m = self.insts[inst].m;
        let Some(&idx) = m.resource_index.get(key) else {
            return undeclared(
                m,
                sc,
                at,
                format!("reference to undeclared resource `{key}`"),
            );
        };
        let decl = &m.resources[idx];
        self.enter(sc.source, at)?;
        self.insts[inst]
            .resources
            .insert(key.to_string(), Slot::Busy);
        let rsc = self.scope(inst, decl.source);
        let provider = match decl.block.body.get_attribute("provider") {
            Some(p) => traversal_name(&p.value).unwrap_or_default(),
            None => decl.rtype.split('_').next().unwrap_or_default().to_string(),
        };
        let region = self.insts[inst]
            .providers
            .get(&provider)
            .cloned()
            .unwrap_or_default();
        let expansion = self.expansion(&decl.block.body, &rsc, key).and_then(|exp| {
            if !decl.data {
                self.spend_instances(&exp, decl.source, expansion_span(&decl.block, decl.header))?;
            }
            Ok(exp)
        });
        let value = match expansion {
            Err(e) => {
                self.report(e);
                Value::UNKNOWN
            }
            Ok(exp) if decl.data => {
                let one = match decl.rtype.as_str() {
                    "aws_region" => match &region.name {
                        Some(r) => Value::Map(
                            ["name", "region", "id"]
                                .into_iter()
                                .map(|k| (k.to_string(), Value::String(r.clone())))
                                .collect(),
                        ),
                        None => Value::UNKNOWN,
                    },
                    _ => Value::UNKNOWN,
                };
                let n = exp.keys().len();
                exp.wrap(vec![one; n])
            }
            Ok(exp) => {
                let uncertain = matches!(exp, Expansion::Unknown) || self.insts[inst].uncertain;
                let mut ids = Vec::new();
                for (count, each, suffix) in exp.keys() {
                    let isc = Scope {
                        count,
                        each,
                        ..rsc.clone()
                    };
                    if uncertain {
                        self.speculative += 1;
                    }
                    let body = self.eval_body(&decl.block.body, &isc);
                    if uncertain {
                        self.speculative -= 1;
                    }
                    // AWS provider 6, Google Cloud and Azure resources name their region.
                    let region = match Region::own(&decl.rtype, &body, decl.source) {
                        Some(own) => Region {
                            zone: region.zone.clone(),
                            ..own
                        },
                        None => region.clone(),
                    };
                    let prefix = &self.insts[inst].addr;
                    let address = format!(
                        "{prefix}{}{}.{}{suffix}",
                        if prefix.is_empty() { "" } else { "." },
                        decl.rtype,
                        decl.name
                    );
                    self.out.push(TfResource {
                        source: decl.source,
                        header: decl.header,
                        address,
                        mode: Mode::Managed,
                        rtype: decl.rtype.clone(),
                        name: decl.name.clone(),
                        provider: provider.clone(),
                        region,
                        body,
                        root: self.root.clone(),
                        count_unknown: uncertain,
                        caller: self.root_call(inst),
                    });
                    ids.push(Value::Resource(ResourceId(self.out.len() as u32 - 1)));
                }
                exp.wrap(ids)
            }
        };
        self.depth -= 1;
        let value = Rc::new(value);
        self.insts[inst]
            .resources
            .insert(key.to_string(), Slot::Done(Rc::clone(&value), None));
        Ok(value)
    }

    /// The value of `module.<name>`: an object of its outputs (a list or map of them with
    /// `count`/`for_each`), instantiating the module on first use.
    fn module_call(&mut self, name: &str, sc: &Scope, at: &impl hcl_edit::Span) -> RS {
        let inst = sc.inst;
        match self.insts[inst].calls.get(name) {
            Some(Slot::Done(v, _)) => return Ok(Rc::clone(v)),
            Some(Slot::Busy) => {
                return Err(err(
                    sc.source,
                    at,
                    format!("cycle: module.{name} refers to itself"),
                ));
            }
            None => {}
        }
        let m = self.insts[inst].m;
        let Some(&idx) = m.call_index.get(name) else {
            return undeclared(
                m,
                sc,
                at,
                format!("reference to undeclared module `module.{name}`"),
            );
        };
        let call = &m.calls[idx];
        self.insts[inst].calls.insert(name.to_string(), Slot::Busy);
        // One level deeper, like the other memoised references (what a `try()` around
        // `module.x` reads is not its own argument).
        self.depth += 1;
        let value = Rc::new(self.instantiate(inst, call));
        self.depth -= 1;
        self.insts[inst]
            .calls
            .insert(name.to_string(), Slot::Done(Rc::clone(&value), None));
        Ok(value)
    }

    /// `module.<name>.<out>` of a call without `count` or `for_each`: Terraform evaluates each
    /// output on its own, so only `out` (and what it reads) is evaluated here. A resource may
    /// read one output of a module and feed another of its inputs (terraform-google-lb-http's
    /// examples: the URL map reads `backend_services`, the module takes the URL map), which
    /// evaluating every output at once would take for a cycle. `None` when the module is not a
    /// local one that can be instantiated (the whole call then reports why).
    fn output_of_single_call(&mut self, name: &str, out: &str, sc: &Scope) -> Option<Value> {
        let inst = sc.inst;
        if matches!(self.insts[inst].calls.get(name), Some(Slot::Done(..))) {
            return None;
        }
        let child = match self.insts[inst].children.get(name).map(Vec::as_slice) {
            Some([child]) => *child,
            Some(_) => return None,
            None => self.spawn_single(inst, name)?,
        };
        let child_m = self.insts[child].m;
        child_m
            .outputs
            .contains_key(out)
            .then(|| self.output(child, out))
    }

    /// Creates the instance of local module call `name` (without `count` or `for_each`) of
    /// `inst`, without evaluating its outputs; [`Self::instantiate`] then uses it.
    fn spawn_single(&mut self, inst: usize, name: &str) -> Option<usize> {
        let m = self.insts[inst].m;
        let call = &m.calls[*m.call_index.get(name)?];
        let body = &call.block.body;
        if body.get_attribute("count").is_some() || body.get_attribute("for_each").is_some() {
            return None;
        }
        let (src, _) = call.module_source.as_ref()?;
        let child = self.modules.get(&m.local_source(src)?)?;
        let depth = self.insts[inst].depth + 1;
        if depth > MAX_DEPTH / 4 || self.calls_itself(inst, child) {
            return None;
        }
        let prefix = &self.insts[inst].addr;
        let addr = format!(
            "{prefix}{}module.{name}",
            if prefix.is_empty() { "" } else { "." },
        );
        let link = Link {
            parent: inst,
            call,
            count: None,
            each: None,
        };
        let uncertain = self.insts[inst].uncertain;
        Some(self.add_child(child, addr, depth, link, uncertain))
    }

    /// Creates an instance of module `child` for call `link`, with its providers, and lists it
    /// among its parent's children.
    fn add_child(
        &mut self,
        child: &'m ModuleDir,
        addr: String,
        depth: u32,
        link: Link<'m>,
        uncertain: bool,
    ) -> usize {
        let (parent, name) = (link.parent, link.call.name.clone());
        let c = self.new_inst(child, addr, depth, Some(link));
        self.insts[c].uncertain = uncertain;
        self.configure_providers(c);
        self.insts[parent].children.entry(name).or_default().push(c);
        c
    }

    fn instantiate(&mut self, inst: usize, call: &'m CallDecl) -> Value {
        let m = self.insts[inst].m;
        let Some((src, src_span)) = &call.module_source else {
            self.issue(
                "INPUT005",
                call.source,
                call.header,
                format!("module `{}` has no literal `source`", call.name),
            );
            return Value::UNKNOWN;
        };
        let child = match m.local_source(src) {
            Some(dir) => match self.modules.get(&dir) {
                Some(child) => child,
                None => {
                    if self.remote.insert(src.clone()) {
                        self.issue(
                            "INPUT005",
                            call.source,
                            *src_span,
                            format!("module source `{src}` is outside the scanned paths (or holds no .tf files); its resources are not analysed"),
                        );
                    }
                    return Value::UNKNOWN;
                }
            },
            None => {
                if self.remote.insert(src.clone()) {
                    self.issue(
                        "INPUT005",
                        call.source,
                        *src_span,
                        format!("module source `{src}` is remote and is never downloaded; its resources are not analysed"),
                    );
                }
                return Value::UNKNOWN;
            }
        };
        let depth = self.insts[inst].depth + 1;
        if depth > MAX_DEPTH / 4 {
            self.issue(
                "INPUT004",
                call.source,
                call.header,
                format!(
                    "modules nest deeper than {} levels (a module that calls itself?)",
                    MAX_DEPTH / 4
                ),
            );
            return Value::UNKNOWN;
        }
        if self.calls_itself(inst, child) {
            self.issue(
                "INPUT004",
                call.source,
                call.header,
                format!(
                    "module `{}` calls `{src}`, which is already being instantiated above it (a module cycle, which Terraform rejects); it is not expanded",
                    call.name
                ),
            );
            return Value::UNKNOWN;
        }
        let sc = self.scope(inst, call.source);
        let exp = self
            .expansion(&call.block.body, &sc, &format!("module.{}", call.name))
            .and_then(|exp| {
                self.spend_instances(&exp, call.source, expansion_span(&call.block, call.header))?;
                Ok(exp)
            });
        let exp = match exp {
            Ok(exp) => exp,
            Err(e) => {
                self.report(e);
                return Value::UNKNOWN;
            }
        };
        let mut values = Vec::new();
        for (count, each, suffix) in exp.keys() {
            let prefix = &self.insts[inst].addr;
            let addr = format!(
                "{prefix}{}module.{}{suffix}",
                if prefix.is_empty() { "" } else { "." },
                call.name
            );
            let link = Link {
                parent: inst,
                call,
                count,
                each,
            };
            // An output read earlier may have created the (single) instance already.
            let spawned = match (&exp, self.insts[inst].children.get(&call.name)) {
                (Expansion::Single, Some(c)) => c.first().copied(),
                _ => None,
            };
            let child_inst = match spawned {
                Some(c) => c,
                None => {
                    let uncertain = matches!(exp, Expansion::Unknown) || self.insts[inst].uncertain;
                    self.add_child(child, addr, depth, link, uncertain)
                }
            };
            let mut outputs = BTreeMap::new();
            for name in child.outputs.keys() {
                let v = self.output(child_inst, name);
                outputs.insert(name.clone(), v);
            }
            values.push(Value::Map(outputs));
        }
        exp.wrap(values)
    }

    fn output(&mut self, inst: usize, name: &str) -> Value {
        match self.insts[inst].outputs.get(name) {
            Some(Slot::Done(v, _)) => return Value::clone(v),
            Some(Slot::Busy) => return Value::UNKNOWN,
            None => {}
        }
        let m = self.insts[inst].m;
        let Some(decl) = m.outputs.get(name) else {
            return Value::UNKNOWN;
        };
        self.insts[inst]
            .outputs
            .insert(name.to_string(), Slot::Busy);
        let sc = self.scope(inst, decl.source);
        let v = if self.depth >= MAX_DEPTH {
            Value::UNKNOWN
        } else {
            self.depth += 1;
            let v = self.value_or_unknown(&decl.item.value, &sc);
            self.depth -= 1;
            v
        };
        self.insts[inst]
            .outputs
            .insert(name.to_string(), Slot::Done(Rc::new(v.clone()), None));
        v
    }

    // ---- origins ---------------------------------------------------------------------------

    /// Where the value of `e` was written down: the tfvars line, the module argument or the
    /// default that set the variable or local it reads, through conditionals (the branch
    /// taken), function calls, lists, objects, operators and templates (the first operand
    /// that has an origin).
    fn origin_of(&mut self, e: &'m Expression, sc: &Scope, hops: u32) -> Option<Origin> {
        if hops > 16 {
            return None;
        }
        let inst = sc.inst;
        let e = strip_parens(e);
        let Expression::Traversal(t) = e else {
            return self.origin_within(e, sc, hops + 1);
        };
        let Expression::Variable(root) = &t.expr else {
            return self.origin_of(&t.expr, sc, hops + 1);
        };
        let Some(TraversalOperator::GetAttr(name)) = t.operators.first().map(|o| o.value()) else {
            return None;
        };
        let name = name.as_str();
        let via = format!("{}.{name}", root.as_str());
        let found = match root.as_str() {
            "var" => {
                // Make sure the variable is evaluated (which records its origin).
                let source = self.insts[inst].m.variables.get(name)?.source;
                let vsc = self.scope(inst, source);
                let _ = self.var(name, &vsc, t.as_ref());
                match self.insts[inst].vars.get(name) {
                    Some(Slot::Done(_, o)) => o.clone(),
                    _ => None,
                }
            }
            "local" => {
                let decl: &'m Decl<Attribute> = self.insts[inst].m.locals.get(name)?;
                let lsc = self.scope(inst, decl.source);
                self.origin_of(&decl.item.value, &lsc, hops + 1)
                    .or(Some(Origin::reference(
                        decl.source,
                        span_of(&decl.item),
                        "",
                    )))
            }
            _ => None,
        }?;
        // The innermost name that was set is the one the label names (`var.environment` on
        // its tfvars line, even when read through `local.is_prod`).
        if found.reference_name().is_some() {
            return Some(found);
        }
        Some(Origin {
            via: crate::model::provenance::Via::Reference(via),
            ..found
        })
    }

    /// [`Self::origin_of`] for an expression that is not a reference.
    fn origin_within(&mut self, e: &'m Expression, sc: &Scope, hops: u32) -> Option<Origin> {
        match e {
            Expression::Conditional(c) => match self.eval(&c.cond_expr, sc).ok()?.as_bool() {
                Some(true) => self.origin_of(&c.true_expr, sc, hops),
                Some(false) => self.origin_of(&c.false_expr, sc, hops),
                None => None,
            },
            Expression::FuncCall(f) => {
                let args: Vec<&'m Expression> = f.args.iter().collect();
                args.into_iter().find_map(|a| self.origin_of(a, sc, hops))
            }
            Expression::Array(items) => {
                let items: Vec<&'m Expression> = items.iter().collect();
                items.into_iter().find_map(|a| self.origin_of(a, sc, hops))
            }
            Expression::Object(obj) => {
                let values: Vec<&'m Expression> = obj.iter().map(|(_, v)| v.expr()).collect();
                values.into_iter().find_map(|a| self.origin_of(a, sc, hops))
            }
            Expression::BinaryOp(b) => self
                .origin_of(&b.lhs_expr, sc, hops)
                .or_else(|| self.origin_of(&b.rhs_expr, sc, hops)),
            Expression::UnaryOp(u) => self.origin_of(&u.expr, sc, hops),
            Expression::ForExpr(f) => self.origin_of(&f.intro.collection_expr, sc, hops),
            Expression::StringTemplate(t) => {
                let parts: Vec<&'m Expression> = t
                    .iter()
                    .filter_map(|el| match el {
                        hcl_edit::template::Element::Interpolation(i) => Some(&i.expr),
                        _ => None,
                    })
                    .collect();
                parts.into_iter().find_map(|a| self.origin_of(a, sc, hops))
            }
            _ => None,
        }
    }

    // ---- bodies ----------------------------------------------------------------------------

    fn eval_body(&mut self, body: &'m HclBody, sc: &Scope) -> Body {
        let mut out = Body::default();
        for attr in body.attributes() {
            let key = attr.key.as_str();
            if META.contains(&key) {
                continue;
            }
            let value = self.value_or_unknown(&attr.value, sc);
            // Setting an argument to null is the same as leaving it out.
            if value == Value::Null {
                continue;
            }
            let origin = self.origin_of(&attr.value, sc, 0);
            out.attrs.insert(
                key.to_string(),
                Attr {
                    value,
                    span: span_of(attr),
                    origin,
                },
            );
        }
        for block in body.blocks() {
            match block.ident.as_str() {
                "lifecycle" | "provisioner" | "connection" => {}
                "dynamic" => self.dynamic_block(block, sc, &mut out),
                kind => {
                    let inner = self.eval_body(&block.body, sc);
                    out.blocks.push(NestedBlock {
                        kind: kind.to_string(),
                        span: header_span(block),
                        body: inner,
                        unknown_count: false,
                    });
                }
            }
        }
        out
    }

    /// `dynamic "x" { for_each = ...; content { ... } }` → one `x` block per element.
    fn dynamic_block(&mut self, block: &'m Block, sc: &Scope, out: &mut Body) {
        let Some(kind) = block.labels.first().map(|l| l.as_str().to_string()) else {
            return;
        };
        let Some(content) = block.body.get_blocks("content").next() else {
            return;
        };
        let iterator = match block.body.get_attribute("iterator").map(|a| &a.value) {
            Some(Expression::Variable(v)) => v.as_str().to_string(),
            _ => kind.clone(),
        };
        let Some(each) = block.body.get_attribute("for_each") else {
            return;
        };
        let items: Vec<(Value, Value)> = match self.value_or_unknown(&each.value, sc) {
            Value::List(items) => items
                .into_iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v))
                .collect(),
            Value::Map(m) => m.into_iter().map(|(k, v)| (Value::String(k), v)).collect(),
            Value::Null => Vec::new(),
            _ => {
                // Unknown: the blocks cannot be counted. One block stands for them, its
                // content evaluated with an unknown element, so what it sets literally
                // (`evaluate_target_health = true`) is still known.
                let mut isc = sc.clone();
                let obj: BTreeMap<String, Value> = [
                    ("key".to_string(), Value::UNKNOWN),
                    ("value".to_string(), Value::UNKNOWN),
                ]
                .into();
                isc.binds.push((iterator, Rc::new(Value::Map(obj))));
                let body = self.eval_body(&content.body, &isc);
                out.blocks.push(NestedBlock {
                    kind,
                    span: header_span(block),
                    body,
                    unknown_count: true,
                });
                return;
            }
        };
        for (k, v) in items.into_iter().take(MAX_INSTANCES) {
            let mut isc = sc.clone();
            let obj: BTreeMap<String, Value> =
                [("key".to_string(), k), ("value".to_string(), v)].into();
            isc.binds.push((iterator.clone(), Rc::new(Value::Map(obj))));
            let body = self.eval_body(&content.body, &isc);
            out.blocks.push(NestedBlock {
                kind: kind.clone(),
                span: header_span(block),
                body,
                unknown_count: false,
            });
        }
    }

    // ---- expressions -----------------------------------------------------------------------

    /// Pays `n` of `kind` from the budget; passing a limit fails this and every later
    /// evaluation of the root module.
    fn spend(&mut self, kind: Spend, n: u64, source: SourceId, at: Span) -> Result<(), EvalError> {
        if let Some(e) = &self.exhausted {
            return Err(e.clone());
        }
        let left = self.left.get_mut(kind);
        if *left >= n {
            *left -= n;
            *self.spent.get_mut(kind) += n;
            return Ok(());
        }
        // The root's share was cut down when the scan had less left than a root may spend.
        let (whose, limit) = if self.start.get(kind) < ROOT_LIMITS.get(kind) {
            (
                "the Terraform root modules of this scan together take",
                SCAN_LIMITS.get(kind),
            )
        } else {
            (
                "this root module (with the modules it calls) takes",
                ROOT_LIMITS.get(kind),
            )
        };
        let e = EvalError {
            source,
            span: at,
            message: format!(
                "evaluation budget exhausted: {whose} {}; the rest of this root module is not evaluated",
                limit_text(kind, limit)
            ),
        };
        self.exhausted = Some(e.clone());
        Err(e)
    }

    fn burn(&mut self, sc: &Scope, at: &impl hcl_edit::Span, n: u64) -> Result<(), EvalError> {
        self.spend(Spend::Steps, n, sc.source, span_of(at))
    }

    /// Pays for the instances of an expansion (a resource's, or a module call's): one each, and
    /// their bookkeeping in bytes.
    fn spend_instances(
        &mut self,
        exp: &Expansion,
        source: SourceId,
        at: Span,
    ) -> Result<(), EvalError> {
        let n = exp.len() as u64;
        self.spend(Spend::Instances, n, source, at)?;
        self.spend(Spend::Bytes, n * INSTANCE_BYTES, source, at)
    }

    /// The root module's call that module instance `inst` descends from (none at the root).
    fn root_call(&self, inst: usize) -> Option<(SourceId, Span)> {
        let mut call = None;
        let mut at = self.insts[inst].link.as_ref();
        while let Some(link) = at {
            call = Some((link.call.source, link.call.header));
            at = self.insts[link.parent].link.as_ref();
        }
        call
    }

    /// Whether module instance `inst` or one of its ancestors is an instance of `module`.
    fn calls_itself(&self, inst: usize, module: &ModuleDir) -> bool {
        let mut at = Some(inst);
        while let Some(i) = at {
            if self.insts[i].m.dir == module.dir {
                return true;
            }
            at = self.insts[i].link.as_ref().map(|l| l.parent);
        }
        false
    }

    /// Pays for a new list or map of `n` elements whose elements are paid for already.
    fn spend_container(
        &mut self,
        sc: &Scope,
        at: &impl hcl_edit::Span,
        n: usize,
    ) -> Result<(), EvalError> {
        let slot = std::mem::size_of::<Value>() as u64;
        self.spend(Spend::Bytes, slot * (n as u64 + 1), sc.source, span_of(at))
    }

    /// Pays for a value built or copied: its size in bytes.
    fn charge(&mut self, sc: &Scope, at: &impl hcl_edit::Span, v: &Value) -> Result<(), EvalError> {
        self.spend(Spend::Bytes, v.weight(), sc.source, span_of(at))
    }

    fn eval(&mut self, e: &'m Expression, sc: &Scope) -> R {
        self.burn(sc, e, 1)?;
        match e {
            Expression::Null(_) => Ok(Value::Null),
            Expression::Bool(b) => Ok(Value::Bool(*b.value())),
            Expression::Number(n) => Ok(n.value().as_f64().map_or(Value::UNKNOWN, Value::Number)),
            Expression::String(s) => Ok(Value::String(s.value().clone())),
            Expression::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items.iter() {
                    out.push(self.eval(item, sc)?);
                }
                // The elements are paid for already: only the list itself is new.
                self.spend_container(sc, e, out.len())?;
                Ok(Value::List(out))
            }
            Expression::Object(obj) => {
                let mut out = BTreeMap::new();
                for (k, v) in obj.iter() {
                    let key = match k {
                        ObjectKey::Ident(i) => i.as_str().to_string(),
                        ObjectKey::Expression(Expression::Variable(i)) => i.as_str().to_string(),
                        ObjectKey::Expression(e) => match self.eval(e, sc)? {
                            Value::Unknown(_) => return Ok(Value::UNKNOWN),
                            k => funcs::to_string(&k)
                                .ok_or_else(|| err(sc.source, e, "object key must be a string"))?,
                        },
                    };
                    let v = self.eval(v.expr(), sc)?;
                    out.insert(key, v);
                }
                self.spend_container(sc, e, out.len())?;
                Ok(Value::Map(out))
            }
            Expression::StringTemplate(t) => self.template(t, sc, e),
            Expression::HeredocTemplate(h) => {
                let v = self.template(&h.template, sc, e)?;
                Ok(match (v, h.indent()) {
                    (Value::String(s), Some(n)) => Value::String(dedent(&s, n)),
                    (v, _) => v,
                })
            }
            Expression::Parenthesis(p) => self.eval(p.inner(), sc),
            Expression::Variable(v) => match sc.binds.iter().rev().find(|(n, _)| n == v.as_str()) {
                Some((_, val)) => {
                    let val = Value::clone(val);
                    self.charge(sc, e, &val)?;
                    Ok(val)
                }
                None => Err(err(sc.source, e, format!("unknown name `{}`", v.as_str()))),
            },
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr, sc)?;
                match cond {
                    Value::Unknown(_) => {
                        // Terraform reports no error from either branch when it cannot choose.
                        let a = self.eval(&c.true_expr, sc);
                        let b = self.eval(&c.false_expr, sc);
                        Ok(match (a, b) {
                            (Ok(a), Ok(b)) if a == b => a,
                            _ => Value::UNKNOWN,
                        })
                    }
                    v => match v.as_bool() {
                        Some(true) => self.eval(&c.true_expr, sc),
                        Some(false) => self.eval(&c.false_expr, sc),
                        None => Err(err(
                            sc.source,
                            &c.cond_expr,
                            format!("condition must be a bool, got {v}"),
                        )),
                    },
                }
            }
            Expression::FuncCall(f) => {
                let name = f.name.name.as_str();
                // `core::length(...)` is the built-in; a provider-defined function
                // (`provider::aws::arn_parse(...)`) runs in the provider: unknown here.
                if f.name.is_namespaced()
                    && !(f.name.namespace.len() == 1 && f.name.namespace[0].as_str() == "core")
                {
                    return Ok(Value::UNKNOWN);
                }
                match name {
                    "try" => {
                        let outer = self.trying.replace(self.depth);
                        let found = f.args.iter().find_map(|arg| self.eval(arg, sc).ok());
                        self.trying = outer;
                        found.ok_or_else(|| err(sc.source, e, "try(): every argument failed"))
                    }
                    "can" => {
                        let outer = self.trying.replace(self.depth);
                        let ok = f
                            .args
                            .iter()
                            .next()
                            .is_some_and(|a| self.eval(a, sc).is_ok());
                        self.trying = outer;
                        Ok(Value::Bool(ok))
                    }
                    _ => {
                        let mut args = Vec::with_capacity(f.args.len());
                        for arg in f.args.iter() {
                            args.push(self.eval(arg, sc)?);
                        }
                        if f.args.expand_final() {
                            match args.pop() {
                                Some(Value::List(items)) => args.extend(items),
                                Some(v) if v.is_unknown() => return Ok(Value::UNKNOWN),
                                _ => {
                                    return Err(err(
                                        sc.source,
                                        e,
                                        "`...` needs a list as the last argument",
                                    ));
                                }
                            }
                        }
                        let size: usize = args.iter().map(|a| a.elements().len()).sum();
                        self.burn(sc, e, size as u64)?;
                        let v = funcs::call(name, &args).map_err(|m| err(sc.source, e, m))?;
                        self.charge(sc, e, &v)?;
                        Ok(v)
                    }
                }
            }
            Expression::Traversal(t) => {
                let (root, rest) = self.traversal_root(&t.expr, &t.operators, sc, e)?;
                // Only what the traversal reaches is copied (and paid for).
                let value = self.apply_ops(&root, &t.operators[rest..], sc, e)?;
                self.charge(sc, e, &value)?;
                Ok(value)
            }
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr, sc)?;
                if v.is_unknown() {
                    return Ok(Value::UNKNOWN);
                }
                match u.operator.value() {
                    UnaryOperator::Neg => v
                        .as_f64()
                        .map(|n| Value::Number(-n))
                        .ok_or_else(|| err(sc.source, e, format!("cannot negate {v}"))),
                    UnaryOperator::Not => v
                        .as_bool()
                        .map(|b| Value::Bool(!b))
                        .ok_or_else(|| err(sc.source, e, format!("`!` needs a bool, got {v}"))),
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.eval(&b.lhs_expr, sc)?;
                let op = *b.operator.value();
                // `&&`/`||` decide on a known left side alone.
                match (op, l.as_bool()) {
                    (BinaryOperator::And, Some(false)) => return Ok(Value::Bool(false)),
                    (BinaryOperator::Or, Some(true)) => return Ok(Value::Bool(true)),
                    _ => {}
                }
                let r = self.eval(&b.rhs_expr, sc)?;
                binary(op, &l, &r).map_err(|m| err(sc.source, e, m))
            }
            Expression::ForExpr(f) => self.for_expr(f, sc),
        }
    }

    /// Resolves the first names of a traversal (`var.x`, `aws_lb.web`, `module.m`, ...);
    /// returns the value and how many operators it consumed.
    fn traversal_root(
        &mut self,
        root: &'m Expression,
        ops: &'m [hcl_edit::Decorated<TraversalOperator>],
        sc: &Scope,
        whole: &'m Expression,
    ) -> Result<(Shared, usize), EvalError> {
        let Expression::Variable(name) = root else {
            return Ok((Rc::new(self.eval(root, sc)?), 0));
        };
        let name = name.as_str();
        if let Some((_, v)) = sc.binds.iter().rev().find(|(n, _)| n == name) {
            return Ok((Rc::clone(v), 0));
        }
        let attr = |i: usize| match ops.get(i).map(|o| o.value()) {
            Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
            _ => None,
        };
        let need = |i: usize| {
            attr(i).ok_or_else(|| {
                err(
                    sc.source,
                    whole,
                    format!("`{name}` needs an attribute name"),
                )
            })
        };
        match name {
            "var" => Ok((self.var(need(0)?, sc, whole)?, 1)),
            "local" => Ok((self.local(need(0)?, sc, whole)?, 1)),
            "count" => match (&sc.count, need(0)?) {
                (Some(i), "index") => Ok((Rc::new(i.clone()), 1)),
                _ => Err(err(
                    sc.source,
                    whole,
                    "`count.index` is only available in a resource or module with `count`",
                )),
            },
            "each" => match (&sc.each, need(0)?) {
                (Some((k, _)), "key") => Ok((Rc::clone(k), 1)),
                (Some((_, v)), "value") => Ok((Rc::clone(v), 1)),
                _ => Err(err(
                    sc.source,
                    whole,
                    "`each.key`/`each.value` are only available in a resource or module with `for_each`",
                )),
            },
            "path" => {
                let m = self.insts[sc.inst].m;
                Ok((Rc::new(Value::String(m.display.clone())), 1))
            }
            "terraform" => Ok((Rc::new(Value::String("default".into())), 1)),
            "self" => Ok((Rc::new(Value::UNKNOWN), ops.len())),
            "module" => {
                let call = need(0)?;
                if let Some(out) = attr(1)
                    && let Some(v) = self.output_of_single_call(call, out, sc)
                {
                    return Ok((Rc::new(v), 2));
                }
                Ok((self.module_call(call, sc, whole)?, 1))
            }
            "data" => {
                let key = format!("data.{}.{}", need(0)?, need(1)?);
                Ok((self.resource(&key, sc, whole)?, 2))
            }
            // `resource.<type>.<name>` (Terraform 1.8) is `<type>.<name>`.
            "resource" => {
                let key = format!("{}.{}", need(0)?, need(1)?);
                Ok((self.resource(&key, sc, whole)?, 2))
            }
            // Ephemeral resources (Terraform 1.10) are opened during each plan and apply and
            // never stored: their values are never known before.
            "ephemeral" => {
                need(1)?;
                Ok((Rc::new(Value::UNKNOWN), 2))
            }
            rtype => {
                let key = format!("{rtype}.{}", need(0)?);
                Ok((self.resource(&key, sc, whole)?, 1))
            }
        }
    }

    /// Applies traversal operators (`.name`, `[i]`, splats) to `value`; only the part they
    /// reach is copied.
    fn apply_ops(
        &mut self,
        value: &Value,
        ops: &'m [hcl_edit::Decorated<TraversalOperator>],
        sc: &Scope,
        whole: &'m Expression,
    ) -> R {
        let mut cur = std::borrow::Cow::Borrowed(value);
        for (i, op) in ops.iter().enumerate() {
            let next = match op.value() {
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => {
                    let items: Vec<&Value> = match &*cur {
                        Value::List(items) => items.iter().collect(),
                        Value::Null => Vec::new(),
                        Value::Unknown(_) => return Ok(Value::UNKNOWN),
                        // A map is not a list: `values(x)[*]` is; a single object becomes [x].
                        other => vec![other],
                    };
                    let mut out = Vec::with_capacity(items.len());
                    for item in items {
                        out.push(self.apply_ops(item, &ops[i + 1..], sc, whole)?);
                    }
                    return Ok(Value::List(out));
                }
                TraversalOperator::GetAttr(a) => self.get_attr(&cur, a.as_str(), sc, whole)?,
                TraversalOperator::Index(idx) => {
                    let k = self.eval(idx, sc)?;
                    index(&cur, &k).map_err(|m| err(sc.source, whole, m))?
                }
                TraversalOperator::LegacyIndex(n) => index(&cur, &Value::Number(*n.value() as f64))
                    .map_err(|m| err(sc.source, whole, m))?,
            };
            cur = std::borrow::Cow::Owned(next);
        }
        Ok(cur.into_owned())
    }

    fn get_attr(&mut self, v: &Value, name: &str, sc: &Scope, whole: &Expression) -> R {
        match v {
            Value::Map(m) => m.get(name).cloned().ok_or_else(|| {
                err(
                    sc.source,
                    whole,
                    format!("object has no attribute `{name}`"),
                )
            }),
            Value::Resource(id) => {
                let r = &self.out[id.0 as usize];
                // Unset (or null) attributes may be computed by the provider: unknown. So is
                // one whose value is not known statically (`name = "db-${random_id.x.hex}"`),
                // but either way it is still this resource's (a replica's
                // `master_instance_name` names its primary).
                Ok(match r.body.value(name) {
                    Some(v)
                        if !matches!(name, "id" | "arn")
                            && *v != Value::Null
                            && !matches!(v, Value::Unknown(_)) =>
                    {
                        v.clone()
                    }
                    _ => Value::Unknown(Unknown::Attr(*id, name.to_string())),
                })
            }
            // `aws_eks_node_group.x.resources[0].autoscaling_groups`: still the node group's.
            Value::Unknown(Unknown::Attr(id, a)) => {
                Ok(Value::Unknown(Unknown::Attr(*id, a.clone())))
            }
            Value::Null if self.trying == Some(self.depth) => Err(err(
                sc.source,
                whole,
                format!("cannot read attribute `{name}` of null"),
            )),
            Value::Unknown(_) | Value::Null => Ok(Value::UNKNOWN),
            other => Err(err(
                sc.source,
                whole,
                format!("cannot read attribute `{name}` of a {}", other.type_name()),
            )),
        }
    }

    /// The value of template `t` (of expression `at`).
    fn template(&mut self, t: &'m Template, sc: &Scope, at: &'m Expression) -> R {
        // "${x}" is x itself, whatever its type.
        if let Some(Element::Interpolation(i)) = t.as_single_element() {
            return self.eval(&i.expr, sc);
        }
        let mut out = String::new();
        if !self.render(t, sc, at, &mut out)? {
            return Ok(Value::UNKNOWN);
        }
        let v = Value::String(out);
        self.charge(sc, at, &v)?;
        Ok(v)
    }

    /// Renders into `out`; `false` when some part is unknown. Fails rather than build a
    /// string longer than [`MAX_STRING_BYTES`].
    fn render(
        &mut self,
        t: &'m Template,
        sc: &Scope,
        at: &'m Expression,
        out: &mut String,
    ) -> Result<bool, EvalError> {
        for el in t.iter() {
            if out.len() > MAX_STRING_BYTES {
                return Err(err(
                    sc.source,
                    at,
                    format!("the template builds a string longer than {MAX_STRING_BYTES} bytes"),
                ));
            }
            match el {
                Element::Literal(s) => out.push_str(s.value()),
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr, sc)?;
                    if v.has_unknown() {
                        return Ok(false);
                    }
                    match funcs::to_string(&v) {
                        Some(s) if out.len() + s.len() > MAX_STRING_BYTES => {
                            return Err(err(
                                sc.source,
                                at,
                                format!(
                                    "the template builds a string longer than {MAX_STRING_BYTES} bytes"
                                ),
                            ));
                        }
                        Some(s) => out.push_str(&s),
                        None if v == Value::Null => {
                            return Err(err(sc.source, &i.expr, "cannot interpolate null"));
                        }
                        None => {
                            return Err(err(
                                sc.source,
                                &i.expr,
                                format!("cannot interpolate a {}", v.type_name()),
                            ));
                        }
                    }
                }
                Element::Directive(d) => match d.as_ref() {
                    Directive::If(d) => {
                        let c = self.eval(&d.if_expr.cond_expr, sc)?;
                        match c.as_bool() {
                            Some(true) => {
                                if !self.render(&d.if_expr.template, sc, at, out)? {
                                    return Ok(false);
                                }
                            }
                            Some(false) => {
                                if let Some(e) = &d.else_expr
                                    && !self.render(&e.template, sc, at, out)?
                                {
                                    return Ok(false);
                                }
                            }
                            None => return Ok(false),
                        }
                    }
                    Directive::For(d) => {
                        let f = &d.for_expr;
                        let coll = self.eval(&f.collection_expr, sc)?;
                        let Some(items) = iterate(&coll) else {
                            return Ok(false);
                        };
                        self.charge(sc, &f.collection_expr, &coll)?;
                        for (k, v) in items {
                            self.burn(sc, &f.collection_expr, 1)?;
                            let mut isc = sc.clone();
                            if let Some(kv) = &f.key_var {
                                isc.binds.push((kv.as_str().to_string(), k));
                            }
                            isc.binds.push((f.value_var.as_str().to_string(), v));
                            if !self.render(&f.template, &isc, at, out)? {
                                return Ok(false);
                            }
                        }
                    }
                },
            }
        }
        Ok(true)
    }

    fn for_expr(&mut self, f: &'m ForExpr, sc: &Scope) -> R {
        let coll = self.eval(&f.intro.collection_expr, sc)?;
        let Some(items) = iterate(&coll) else {
            return if coll.is_unknown() {
                Ok(Value::UNKNOWN)
            } else {
                Err(err(
                    sc.source,
                    &f.intro.collection_expr,
                    format!("cannot iterate over a {}", coll.type_name()),
                ))
            };
        };
        // The elements are copied into the iteration variables.
        self.charge(sc, &f.intro.collection_expr, &coll)?;
        let mut list = Vec::new();
        let mut map: BTreeMap<String, Value> = BTreeMap::new();
        for (k, v) in items {
            self.burn(sc, &f.intro.collection_expr, 1)?;
            let mut isc = sc.clone();
            if let Some(kv) = &f.intro.key_var {
                isc.binds.push((kv.as_str().to_string(), k));
            }
            isc.binds.push((f.intro.value_var.as_str().to_string(), v));
            if let Some(cond) = &f.cond {
                match self.eval(&cond.expr, &isc)?.as_bool() {
                    Some(true) => {}
                    Some(false) => continue,
                    None => return Ok(Value::UNKNOWN),
                }
            }
            let value = self.eval(&f.value_expr, &isc)?;
            match &f.key_expr {
                Some(ke) => {
                    let key = self.eval(ke, &isc)?;
                    if key.is_unknown() {
                        return Ok(Value::UNKNOWN);
                    }
                    let key = funcs::to_string(&key).ok_or_else(|| {
                        err(sc.source, ke, "a for expression's key must be a string")
                    })?;
                    if f.grouping {
                        match map.entry(key).or_insert_with(|| Value::List(Vec::new())) {
                            Value::List(items) => items.push(value),
                            _ => unreachable!("grouped values are lists"),
                        }
                    } else if map.insert(key.clone(), value).is_some() {
                        return Err(err(
                            sc.source,
                            ke,
                            format!(
                                "duplicate key {key:?} in a for expression (use `...` to group)"
                            ),
                        ));
                    }
                }
                None => list.push(value),
            }
        }
        Ok(if f.key_expr.is_some() {
            Value::Map(map)
        } else {
            Value::List(list)
        })
    }
}

/// `(k, v)` pairs of a list (index, element) or a map (key, value); `None` otherwise.
fn iterate(v: &Value) -> Option<Vec<(Shared, Shared)>> {
    match v {
        Value::List(items) => Some(
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Rc::new(Value::Number(i as f64)), Rc::new(v.clone())))
                .collect(),
        ),
        Value::Map(m) => Some(
            m.iter()
                .map(|(k, v)| (Rc::new(Value::String(k.clone())), Rc::new(v.clone())))
                .collect(),
        ),
        _ => None,
    }
}

fn index(v: &Value, k: &Value) -> Result<Value, String> {
    if k.is_unknown() {
        return Ok(Value::UNKNOWN);
    }
    match v {
        Value::List(items) => {
            let i = k
                .as_i64()
                .ok_or_else(|| format!("a list index must be a whole number, got {k}"))?;
            usize::try_from(i)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .ok_or_else(|| format!("index {i} is out of range for a list of {}", items.len()))
        }
        Value::Map(m) => {
            let key = funcs::to_string(k)
                .ok_or_else(|| format!("a map key must be a string, got {k}"))?;
            m.get(&key)
                .cloned()
                .ok_or_else(|| format!("no element with key {key:?}"))
        }
        // Part of a resource's computed attribute is still that resource's: the reference
        // stays (`aws_eks_node_group.x.resources[0]`).
        Value::Unknown(Unknown::Attr(id, a)) => Ok(Value::Unknown(Unknown::Attr(*id, a.clone()))),
        Value::Unknown(_) => Ok(Value::UNKNOWN),
        other => Err(format!("cannot index a {}", other.type_name())),
    }
}

/// `l == r` as cty decides it: unknown only when what is unknown could change the answer (a
/// known map with unknown values is still not null, and lists of different lengths differ).
fn equal(l: &Value, r: &Value) -> Option<bool> {
    match (l, r) {
        (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
        (Value::Null, Value::Null) => Some(true),
        (Value::Null, _) | (_, Value::Null) => Some(false),
        (Value::Number(a), Value::Number(b)) => Some(a == b),
        (Value::List(a), Value::List(b)) => {
            if a.len() != b.len() {
                return Some(false);
            }
            all_equal(a.iter().zip(b))
        }
        (Value::Map(a), Value::Map(b)) => {
            if a.len() != b.len() || a.keys().ne(b.keys()) {
                return Some(false);
            }
            all_equal(a.values().zip(b.values()))
        }
        _ => Some(l == r),
    }
}

/// Pairs all equal: false as soon as one known pair differs, unknown if any pair is unknown.
fn all_equal<'v>(pairs: impl Iterator<Item = (&'v Value, &'v Value)>) -> Option<bool> {
    let mut known = true;
    for (a, b) in pairs {
        match equal(a, b) {
            Some(false) => return Some(false),
            Some(true) => {}
            None => known = false,
        }
    }
    known.then_some(true)
}

fn binary(op: BinaryOperator, l: &Value, r: &Value) -> Result<Value, String> {
    use BinaryOperator::*;
    match op {
        Eq | NotEq => {
            Ok(equal(l, r).map_or(Value::UNKNOWN, |same| Value::Bool(same == (op == Eq))))
        }
        // A known side that decides alone: `unknown && false`, `unknown || true`.
        And if r.as_bool() == Some(false) => Ok(Value::Bool(false)),
        Or if r.as_bool() == Some(true) => Ok(Value::Bool(true)),
        _ if l.is_unknown() || r.is_unknown() => Ok(Value::UNKNOWN),
        And | Or => match (l.as_bool(), r.as_bool()) {
            (Some(a), Some(b)) => Ok(Value::Bool(if op == And { a && b } else { a || b })),
            _ => Err(format!("`{}` needs bools, got {l} and {r}", op.as_str())),
        },
        _ => {
            let (Some(a), Some(b)) = (l.as_f64(), r.as_f64()) else {
                return Err(format!("`{}` needs numbers, got {l} and {r}", op.as_str()));
            };
            Ok(match op {
                Plus => Value::Number(a + b),
                Minus => Value::Number(a - b),
                Mul => Value::Number(a * b),
                Div if b == 0.0 => return Err("division by zero".into()),
                Div => Value::Number(a / b),
                Mod if b == 0.0 => return Err("modulo by zero".into()),
                Mod => Value::Number(a % b),
                Less => Value::Bool(a < b),
                LessEq => Value::Bool(a <= b),
                Greater => Value::Bool(a > b),
                GreaterEq => Value::Bool(a >= b),
                Eq | NotEq | And | Or => unreachable!("handled above"),
            })
        }
    }
}

fn strip_parens(mut e: &Expression) -> &Expression {
    while let Expression::Parenthesis(p) = e {
        e = p.inner();
    }
    e
}

/// `aws.dr` / `aws` written as a traversal or bare name.
fn traversal_name(e: &Expression) -> Option<String> {
    match strip_parens(e) {
        Expression::Variable(v) => Some(v.as_str().to_string()),
        Expression::Traversal(t) => {
            let Expression::Variable(root) = &t.expr else {
                return None;
            };
            let mut name = root.as_str().to_string();
            for op in &t.operators {
                match op.value() {
                    TraversalOperator::GetAttr(a) => {
                        name.push('.');
                        name.push_str(a.as_str());
                    }
                    _ => return None,
                }
            }
            Some(name)
        }
        Expression::String(s) => Some(s.value().clone()),
        _ => None,
    }
}

/// Removes `n` leading spaces from every line (`<<-` heredocs).
fn dedent(s: &str, n: usize) -> String {
    s.split_inclusive('\n')
        .map(|line| {
            let strip = line.len() - line.trim_start_matches(' ').len();
            &line[strip.min(n)..]
        })
        .collect()
}
