//! Evaluating the policies over every resource of a scan.
//!
//! Each package's rules that give findings are compiled once to regorus' virtual machine (the
//! interpreter runs the few it cannot compile, such as rules using `with`), then run for each
//! resource on every core. An evaluation is bounded in instructions and time; a package that
//! exceeds a bound or fails is reported once (INPUT010, at the policy, naming the resource)
//! and not evaluated further.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use rayon::prelude::*;
use regorus::Value as Rv;
use regorus::utils::limits::ExecutionTimerConfig;

use super::input::Index;
use super::{Package, Policies, Problem, Set};
use crate::facts::Facts;
use crate::finding::{Finding, Label, Severity};
use crate::model::{Entry, Model, ResourceId, SourceId, Span};
use crate::rules::RuleMeta;

/// Most virtual-machine instructions one evaluation of a rule for one resource may take.
pub const MAX_INSTRUCTIONS: usize = 20_000_000;
/// Longest one evaluation of a rule for one resource may take.
pub const TIME_LIMIT: Duration = Duration::from_secs(2);
/// Most memory the policies may allocate beyond what the process holds when they start (a
/// builtin such as `numbers.range(1, 1e9)` builds its whole result in one instruction). The
/// allocator counts it: regorus' build of mimalloc, the global allocator of every program
/// linking spoflint.
pub const MEMORY_LIMIT: u64 = 2 << 30;

/// The memory bound of the policies while it lives: [`MEMORY_LIMIT`] beyond what the process
/// holds when it is set.
pub struct MemoryBound;

impl MemoryBound {
    pub fn set() -> MemoryBound {
        let held = mimalloc::global_allocation_stats_snapshot().allocated;
        regorus::set_global_memory_limit(Some(held.saturating_add(MEMORY_LIMIT)));
        MemoryBound
    }
}

impl Drop for MemoryBound {
    fn drop(&mut self) {
        regorus::set_global_memory_limit(None);
    }
}

/// The time bound of every evaluation.
pub fn timer() -> ExecutionTimerConfig {
    ExecutionTimerConfig {
        limit: TIME_LIMIT,
        check_interval: NonZeroU32::new(256).unwrap_or(NonZeroU32::MIN),
    }
}

/// How a package runs: compiled to the virtual machine, or in the interpreter.
enum Exec {
    Vm(regorus::CompiledPolicy, Arc<regorus::rvm::program::Program>),
    Interpreter,
}

struct Prepared<'p> {
    package: &'p Package,
    /// Its entry points (`data.pkg.deny`) and sets.
    entries: Vec<(String, String, Set)>,
    exec: Exec,
    /// Set once it failed or ran out of its bounds: not evaluated any more.
    stopped: AtomicBool,
}

/// One engine per worker: a virtual machine per compiled package, the interpreter for the
/// others.
struct Worker {
    vms: Vec<Option<regorus::rvm::vm::RegoVM>>,
    engine: regorus::Engine,
}

fn compile(engine: &regorus::Engine, entries: &[(String, String, Set)]) -> Exec {
    let mut engine = engine.clone();
    let Some((first, _, _)) = entries.first() else {
        return Exec::Interpreter;
    };
    let first: regorus::Rc<str> = regorus::Rc::from(first.as_str());
    let Ok(compiled) = engine.compile_with_entrypoint(&first) else {
        return Exec::Interpreter;
    };
    let names: Vec<&str> = entries.iter().map(|(e, _, _)| e.as_str()).collect();
    match regorus::languages::rego::compiler::Compiler::compile_from_policy(&compiled, &names) {
        Ok(program) => Exec::Vm(compiled, program),
        Err(_) => Exec::Interpreter,
    }
}

/// An INPUT010 finding for a problem with a policy file (`sources`: the files' source ids).
pub fn problem_finding(
    meta: &'static RuleMeta,
    policies: &Policies,
    sources: &[SourceId],
    model: &Model,
    p: &Problem,
    resource: Option<ResourceId>,
) -> Finding {
    let source = sources[p.file];
    let file = model.sources.get(source);
    let span = if p.line == 0 {
        Span::default()
    } else {
        let start = file.offset_of(p.line as usize, p.col.saturating_sub(1) as usize);
        let line = file.line_range(file.line_index(start));
        let end = file.text[start..line.end]
            .trim_end()
            .len()
            .max(1)
            .min(line.end - start);
        Span::new(start, start + end)
    };
    let mut f = meta.finding(Label::new(source, span, ""), p.message.clone());
    f.help = match resource {
        Some(_) => {
            "fix the policy (or raise nothing it cannot bound); the rest of the scan went on"
                .to_string()
        }
        None => format!(
            "fix the policy file {}; the other policies and the rest of the scan went on",
            policies.files[p.file].path
        ),
    };
    if let Some(id) = resource {
        let e = model.get(id);
        f.also(Label::new(
            e.source(),
            e.header(),
            "while evaluating this resource",
        ));
        f.resource = Some(id);
    }
    f
}

/// Runs every package over every resource. Returns the findings, and the problems met while
/// evaluating (a failure or a bound exceeded, each with the resource it happened on).
pub fn run(
    policies: &Policies,
    model: &Model,
    facts: &Facts,
) -> (Vec<Finding>, Vec<(Problem, ResourceId)>) {
    let Some(engine) = policies.engine.as_ref() else {
        return (Vec::new(), Vec::new());
    };
    if policies.packages.is_empty() || model.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let index = Index::new(model, facts);
    let data = if policies.uses_model {
        let mut d = serde_json::Map::new();
        d.insert("spoflint".into(), index.model_data());
        Rv::from(serde_json::Value::Object(d))
    } else {
        Rv::new_object()
    };
    // The memory bound is process-wide: set while the policies are compiled (which evaluates
    // constant expressions) and run, lifted after.
    let _bound = MemoryBound::set();
    let mut engine = engine.clone();
    if policies.uses_model {
        // Data only a policy put in it before: none (policy files add none).
        let _ = engine.add_data(data.clone());
    }
    engine.set_execution_timer_config(timer());
    let prepared: Vec<Prepared<'_>> = policies
        .packages
        .iter()
        .map(|package| {
            let entries: Vec<(String, String, Set)> = package
                .entries
                .iter()
                .map(|(name, set)| (format!("{}.{name}", package.path), name.clone(), *set))
                .collect();
            Prepared {
                exec: compile(&engine, &entries),
                package,
                entries,
                stopped: AtomicBool::new(false),
            }
        })
        .collect();
    let ids: Vec<ResourceId> = model.entries().map(|(id, _)| id).collect();
    let per_resource: Vec<Evaluated> = ids
        .par_iter()
        .map_init(
            || Worker {
                vms: prepared
                    .iter()
                    .map(|p| match &p.exec {
                        Exec::Vm(compiled, program) => {
                            let mut vm =
                                regorus::rvm::vm::RegoVM::new_with_policy(compiled.clone());
                            vm.load_program(program.clone());
                            vm.set_max_instructions(MAX_INSTRUCTIONS);
                            vm.set_execution_timer_config(Some(timer()));
                            vm.set_data(data.clone()).ok()?;
                            Some(vm)
                        }
                        Exec::Interpreter => None,
                    })
                    .collect(),
                engine: engine.clone(),
            },
            |worker, &id| evaluate(worker, &prepared, &index, model, id),
        )
        .collect();
    let mut findings = Vec::new();
    let mut problems: Vec<(Problem, ResourceId, usize)> = Vec::new();
    for (f, p) in per_resource {
        findings.extend(f);
        problems.extend(p);
    }
    // One problem per package: the first resource it happened on.
    problems.sort_by_key(|(_, id, k)| (*k, *id));
    problems.dedup_by_key(|(_, _, k)| *k);
    (
        findings,
        problems.into_iter().map(|(p, id, _)| (p, id)).collect(),
    )
}

/// The findings of one resource, and the problems met (with the resource and the package's
/// index).
type Evaluated = (Vec<Finding>, Vec<(Problem, ResourceId, usize)>);

fn evaluate(
    worker: &mut Worker,
    prepared: &[Prepared<'_>],
    index: &Index<'_>,
    model: &Model,
    id: ResourceId,
) -> Evaluated {
    let mut findings = Vec::new();
    let mut problems = Vec::new();
    if prepared.iter().all(|p| p.stopped.load(Ordering::Relaxed)) {
        return (findings, problems);
    }
    // The facts first: with them, the guards tell which packages may report, and the input
    // is built only for a resource some package evaluates.
    let facts = index.facts_of(id);
    let run: Vec<bool> = prepared
        .iter()
        .map(|p| {
            !p.stopped.load(Ordering::Relaxed)
                && p.package
                    .guards
                    .may_report(|path| index.string_at(id, &facts, path))
        })
        .collect();
    if !run.contains(&true) {
        return (findings, problems);
    }
    let input = index.rego_input(id, facts);
    for (k, p) in prepared.iter().enumerate() {
        if !run[k] {
            continue;
        }
        let mut vm = worker.vms[k].as_mut();
        let mut interpreter_input = false;
        if let Some(vm) = vm.as_deref_mut() {
            vm.set_input(input.clone());
        }
        // conftest's exceptions first: the `deny_<name>` rules they name are skipped.
        let mut excepted: Vec<String> = Vec::new();
        let ordered = p
            .entries
            .iter()
            .filter(|e| e.2 == Set::Exception)
            .chain(p.entries.iter().filter(|e| e.2 != Set::Exception));
        for (entry, name, set) in ordered {
            if let Some((_, suffix)) = name.split_once('_')
                && excepted.iter().any(|x| x == suffix)
            {
                continue;
            }
            let result = match vm.as_deref_mut() {
                Some(vm) => vm
                    .execute_entry_point_by_name(entry)
                    .map_err(|e| e.to_string()),
                None => {
                    if !interpreter_input {
                        worker.engine.set_input(input.clone());
                        interpreter_input = true;
                    }
                    worker
                        .engine
                        .eval_rule(entry.clone())
                        .map_err(|e| e.to_string())
                }
            };
            match result {
                Ok(value) if *set == Set::Exception => excepted.extend(exceptions(&value)),
                Ok(value) => {
                    results(&value, p.package, name, *set, model, id, &mut findings);
                }
                Err(error) => {
                    p.stopped.store(true, Ordering::Relaxed);
                    let (line, col, message) = super::located(&error);
                    let (file, line, col) = if line == 0 {
                        (p.package.file, p.package.line, 1)
                    } else {
                        (p.package.file, line, col)
                    };
                    problems.push((
                        Problem {
                            file,
                            line,
                            col,
                            message: format!(
                                "policy {} stopped on {}: {}; it was not evaluated on the other resources",
                                p.package.rule.id,
                                model.get(id).display(),
                                bound_message(&message)
                            ),
                        },
                        id,
                        k,
                    ));
                    break;
                }
            }
        }
    }
    (findings, problems)
}

/// The rule names an `exception` rule gives: a set of lists of names (conftest's
/// `exception contains rules if { rules := ["run_as_root"] }`) or of names.
fn exceptions(value: &Rv) -> Vec<String> {
    let mut out = Vec::new();
    let items: Vec<&Rv> = match value {
        Rv::Set(s) => s.iter().collect(),
        Rv::Array(a) => a.iter().collect(),
        _ => Vec::new(),
    };
    for item in items {
        match item {
            Rv::String(s) => out.push(s.to_string()),
            Rv::Array(a) => out.extend(a.iter().filter_map(|x| match x {
                Rv::String(s) => Some(s.to_string()),
                _ => None,
            })),
            Rv::Set(a) => out.extend(a.iter().filter_map(|x| match x {
                Rv::String(s) => Some(s.to_string()),
                _ => None,
            })),
            _ => {}
        }
    }
    out
}

/// A plainer message for the bounds' errors.
fn bound_message(message: &str) -> String {
    let lower = message.to_ascii_lowercase();
    if lower.contains("instruction") && lower.contains("limit") {
        format!("it ran more than {MAX_INSTRUCTIONS} instructions for one resource ({message})")
    } else if lower.contains("memory limit") {
        format!(
            "it allocated more than {} GiB ({message})",
            MEMORY_LIMIT >> 30
        )
    } else if lower.contains("time limit") || lower.contains("exceeded") && lower.contains("time") {
        format!(
            "it ran longer than {} s for one resource ({message})",
            TIME_LIMIT.as_secs()
        )
    } else {
        message.to_string()
    }
}

/// Turns the value of one rule into findings: a set or array of messages or of objects with
/// `msg` (and `path`, `fix`, `id`), a single message or object.
fn results(
    value: &Rv,
    package: &Package,
    name: &str,
    set: Set,
    model: &Model,
    id: ResourceId,
    out: &mut Vec<Finding>,
) {
    let items: Vec<&Rv> = match value {
        Rv::Undefined | Rv::Null | Rv::Bool(false) => return,
        Rv::Set(s) => s.iter().collect(),
        Rv::Array(a) => a.iter().collect(),
        v => vec![v],
    };
    let only = |s: Set| {
        package
            .entries
            .iter()
            .all(|(_, e)| *e == s || *e == Set::Exception)
    };
    for item in items {
        let (msg, path, fix, named) = match item {
            Rv::String(s) => (s.to_string(), None, None, None),
            Rv::Object(o) => {
                let get = |k: &str| o.get(&Rv::from(k));
                let text = |v: Option<&Rv>| match v {
                    Some(Rv::String(s)) => Some(s.to_string()),
                    _ => None,
                };
                let msg =
                    text(get("msg")).unwrap_or_else(|| item.to_json_str().unwrap_or_default());
                (msg, get("path").cloned(), text(get("fix")), text(get("id")))
            }
            Rv::Bool(true) => (format!("{name} holds for this resource"), None, None, None),
            v => (v.to_json_str().unwrap_or_default(), None, None, None),
        };
        let meta = named
            .as_deref()
            .and_then(|n| {
                package
                    .declared
                    .iter()
                    .find(|m| m.id.eq_ignore_ascii_case(n))
                    .copied()
            })
            .or_else(|| package.by_entry.get(name).copied())
            .unwrap_or(package.rule);
        let severity = match set {
            Set::Deny => meta.severity,
            _ if only(set) => meta.severity,
            Set::Warn => Severity::Warning,
            Set::Info | Set::Exception => Severity::Info,
        };
        let mut f = meta.finding(label(model, id, path.as_ref()), msg);
        f.severity = severity;
        if let Some(fix) = fix {
            f.help = fix;
        }
        let e = model.get(id);
        if f.primary.span != e.header() || f.primary.source != e.source() {
            f.also(Label::new(e.source(), e.header(), e.display()));
        }
        f.resource = Some(id);
        out.push(f);
    }
}

/// One step of a field path.
#[derive(Debug, PartialEq)]
enum Step {
    Key(String),
    Index(usize),
}

/// A result's `path`: a list of keys and indexes, or a string
/// (`spec.template.spec.containers[0].image`, `spec.containers.0.image`).
fn steps(path: &Rv) -> Vec<Step> {
    match path {
        Rv::Array(a) => a
            .iter()
            .filter_map(|s| match s {
                Rv::String(k) => Some(Step::Key(k.to_string())),
                Rv::Number(n) => n.as_u64().map(|i| Step::Index(i as usize)),
                _ => None,
            })
            .collect(),
        Rv::String(s) => {
            let mut out = Vec::new();
            let mut key = String::new();
            let mut chars = s.chars().peekable();
            let flush = |key: &mut String, out: &mut Vec<Step>| {
                if !key.is_empty() {
                    out.push(Step::Key(std::mem::take(key)));
                }
            };
            while let Some(c) = chars.next() {
                match c {
                    '.' => flush(&mut key, &mut out),
                    '[' => {
                        flush(&mut key, &mut out);
                        let mut inner = String::new();
                        if let Some(q) = chars.next_if(|c| *c == '"' || *c == '\'') {
                            for c in chars.by_ref() {
                                if c == q {
                                    break;
                                }
                                inner.push(c);
                            }
                            for c in chars.by_ref() {
                                if c == ']' {
                                    break;
                                }
                            }
                            out.push(Step::Key(inner));
                        } else {
                            for c in chars.by_ref() {
                                if c == ']' {
                                    break;
                                }
                                inner.push(c);
                            }
                            match inner.parse::<usize>() {
                                Ok(i) => out.push(Step::Index(i)),
                                Err(_) => out.push(Step::Key(inner)),
                            }
                        }
                    }
                    c => key.push(c),
                }
            }
            flush(&mut key, &mut out);
            out
        }
        _ => Vec::new(),
    }
}

/// The label a result points at: the deepest field of its `path` that exists, else the
/// resource's header.
fn label(model: &Model, id: ResourceId, path: Option<&Rv>) -> Label {
    let e = model.get(id);
    let header = Label::new(e.source(), e.header(), "");
    let Some(path) = path else { return header };
    let steps = steps(path);
    match e {
        Entry::Kubernetes(r) => {
            let mut cur = r.root();
            let mut span = None;
            for s in &steps {
                let next = match s {
                    Step::Key(k) => cur.get(k).or_else(|| {
                        let i: usize = k.parse().ok()?;
                        cur.items().nth(i)
                    }),
                    Step::Index(i) => cur.items().nth(*i),
                };
                match next {
                    Some(v) => {
                        span = Some(v.field_span());
                        cur = v;
                    }
                    None => break,
                }
            }
            span.map_or(header, |s| Label::new(r.source, s, ""))
        }
        Entry::Terraform(r) => {
            let mut body = &r.body;
            let mut span = None;
            let mut i = 0;
            while let Some(Step::Key(k)) = steps.get(i) {
                if let Some(a) = body.attr(k) {
                    span = Some(a.span);
                    break;
                }
                let nth = match steps.get(i + 1) {
                    Some(Step::Index(n)) => {
                        i += 1;
                        *n
                    }
                    _ => 0,
                };
                match body.blocks(k).nth(nth) {
                    Some(b) => {
                        span = Some(b.span);
                        body = &b.body;
                    }
                    None => break,
                }
                i += 1;
            }
            span.map_or(header, |s| Label::new(r.source, s, ""))
        }
        Entry::Job(_) => header,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_read_as_lists_and_strings() {
        let s = steps(&Rv::from("spec.template.spec.containers[0].image"));
        assert_eq!(
            s,
            vec![
                Step::Key("spec".into()),
                Step::Key("template".into()),
                Step::Key("spec".into()),
                Step::Key("containers".into()),
                Step::Index(0),
                Step::Key("image".into()),
            ]
        );
        let l = steps(&Rv::from(vec![Rv::from("spec"), Rv::from(2i64)]));
        assert_eq!(l, vec![Step::Key("spec".into()), Step::Index(2)]);
        assert_eq!(
            steps(&Rv::from("metadata.labels[\"app.kubernetes.io/name\"]")),
            vec![
                Step::Key("metadata".into()),
                Step::Key("labels".into()),
                Step::Key("app.kubernetes.io/name".into())
            ]
        );
    }
}
