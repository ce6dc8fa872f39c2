//! Executes parsed templates with Go `text/template` semantics, recording where every byte of
//! the output came from.
//!
//! Output of the template being rendered maps back to it byte for byte where it is literal
//! text, and to the `{{ ... }}` action that printed it otherwise (with the values-file origin
//! of the printed value, when it came from one). Output of `include`d or `template`d
//! definitions maps to the calling action in the rendered file.

use std::collections::HashMap;
use std::rc::Rc;

use super::funcs;
use super::template::{Arg, Command, Node, Pipeline};
use super::value::{Obj, Origin, V, Value};

/// Bounds on one template's execution.
pub const MAX_CALL_DEPTH: usize = 100;
pub const MAX_OUTPUT_BYTES: usize = 16 * 1024 * 1024;
pub const MAX_STEPS: u64 = 5_000_000;
/// Bounds on one chart (all its templates and subcharts together).
pub const MAX_CHART_STEPS: u64 = 50_000_000;
pub const MAX_CHART_OUTPUT_BYTES: usize = 64 * 1024 * 1024;
/// Most pieces (runs of literal text, printed values) the output of one template, and of a
/// chart's templates together, is made of: each is remembered (about 50 bytes) to map findings
/// back into the templates.
pub const MAX_SEGS: usize = 250_000;
pub const MAX_CHART_SEGS: usize = 1_000_000;
/// Most value cells (list items, dict entries, 64 bytes of string) the function calls of one
/// template, and of a chart's templates together, may build. A dict a template `set`s into
/// itself is only freed with the chart, so this bounds memory as well as work.
pub const MAX_CELLS: u64 = 1_000_000;
pub const MAX_CHART_CELLS: u64 = 4_000_000;

/// Bounds on all the charts of one scan together: what a chart may spend is bounded above, and
/// so is what many of them may spend together.
pub const MAX_SCAN_STEPS: u64 = 200_000_000;
pub const MAX_SCAN_OUTPUT_BYTES: u64 = 256 << 20;
/// YAML nodes the rendered manifests of one chart, and of all charts together, may hold.
pub const MAX_CHART_NODES: u64 = 2_000_000;
pub const MAX_SCAN_NODES: u64 = 8_000_000;

/// What the charts of one scan have spent together; shared by the threads that render them.
/// Each template is paid for when it finishes (a template is bounded on its own), and none
/// starts once a bound is passed.
#[derive(Debug, Default)]
pub struct ScanBudget {
    steps: std::sync::atomic::AtomicU64,
    bytes: std::sync::atomic::AtomicU64,
    nodes: std::sync::atomic::AtomicU64,
}

impl ScanBudget {
    /// Adds what one template took.
    pub fn spend(&self, steps: u64, bytes: u64) {
        use std::sync::atomic::Ordering::Relaxed;
        self.steps.fetch_add(steps, Relaxed);
        self.bytes.fetch_add(bytes, Relaxed);
    }

    /// How many more nodes the rendered manifests of the scan may hold.
    pub fn nodes_left(&self) -> u64 {
        MAX_SCAN_NODES.saturating_sub(self.nodes.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Adds the nodes of parsed manifests.
    pub fn spend_nodes(&self, n: u64) {
        self.nodes
            .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
    }

    /// Which bound the charts of the scan have passed, if any.
    pub fn exhausted(&self) -> Option<String> {
        use std::sync::atomic::Ordering::Relaxed;
        if self.steps.load(Relaxed) > MAX_SCAN_STEPS {
            Some(format!("more than {MAX_SCAN_STEPS} execution steps"))
        } else if self.bytes.load(Relaxed) > MAX_SCAN_OUTPUT_BYTES {
            Some(format!(
                "more than {} MiB of output",
                MAX_SCAN_OUTPUT_BYTES >> 20
            ))
        } else {
            None
        }
    }
}

/// A named template (`define`) and the file it was defined in.
#[derive(Debug, Clone)]
pub struct Define {
    pub body: Rc<Vec<Node>>,
    pub file: usize,
}

/// Where a run of output bytes came from, in the file being rendered.
#[derive(Debug, Clone)]
pub enum Seg {
    /// Literal template text: output `[out, out+len)` is template `[src, src+len)`.
    Literal { out: usize, src: usize, len: usize },
    /// Printed by the action at template `[src_start, src_end)`.
    Action {
        out_start: usize,
        out_end: usize,
        src_start: usize,
        src_end: usize,
        origin: Option<Rc<Origin>>,
    },
}

/// An execution error: message, and the file index and byte offset it happened at.
#[derive(Debug, Clone)]
pub struct ExecError {
    pub file: usize,
    pub at: usize,
    pub message: String,
}

/// A condition that was false in the rendered file, with the value that made it so.
#[derive(Debug, Clone)]
pub struct FalseCondition {
    pub at: usize,
    pub origin: Rc<Origin>,
}

/// Everything the executor needs besides the template: named templates, and a parser for
/// `tpl`.
pub struct Env<'a> {
    pub defines: &'a HashMap<String, Define>,
    /// File index `tpl` reports its errors against (the rendered file).
    pub parse: &'a dyn Fn(&str) -> Result<super::template::Parsed, String>,
    /// Steps and output bytes the chart's templates have used so far.
    pub chart_steps: std::cell::Cell<u64>,
    pub chart_bytes: std::cell::Cell<usize>,
    /// Output pieces ([`Seg`]s) the chart's templates have recorded so far.
    pub chart_segs: std::cell::Cell<usize>,
    /// Value cells the chart's templates have built so far (see [`MAX_CHART_CELLS`]).
    pub chart_cells: std::cell::Cell<u64>,
}

enum Flow {
    Normal,
    Break,
    Continue,
}

pub struct Exec<'a> {
    env: &'a Env<'a>,
    out: String,
    /// Bytes output by this run so far (kept when the output is taken).
    pub written: usize,
    pub segs: Vec<Seg>,
    pub false_conditions: Vec<FalseCondition>,
    vars: Vec<(String, Value)>,
    /// Nesting of `template`/`include`/`tpl` calls; 0 while in the rendered file itself.
    call_depth: usize,
    file: usize,
    steps: u64,
    /// Value cells built by this run's function calls.
    cells: u64,
    /// `tpl` bodies live until the end of the run.
    tpl_defines: HashMap<String, Define>,
}

type R<T> = Result<T, ExecError>;

impl<'a> Exec<'a> {
    pub fn new(env: &'a Env<'a>, file: usize) -> Self {
        Exec {
            env,
            out: String::new(),
            written: 0,
            segs: Vec::new(),
            false_conditions: Vec::new(),
            vars: Vec::new(),
            call_depth: 0,
            file,
            steps: 0,
            cells: 0,
            tpl_defines: HashMap::new(),
        }
    }

    /// Runs `body` with `data` as `.` and `$`; returns the output.
    pub fn run(&mut self, body: &[Node], data: Value) -> R<String> {
        self.vars.push(("$".into(), data.clone()));
        self.list(body, &data)?;
        Ok(std::mem::take(&mut self.out))
    }

    fn err<T>(&self, at: usize, message: impl Into<String>) -> R<T> {
        Err(ExecError {
            file: self.file,
            at,
            message: message.into(),
        })
    }

    fn step(&mut self, at: usize) -> R<()> {
        self.steps_n(at, 1)
    }

    /// Takes `n` steps: a function call pays for the size of its arguments too, as the work
    /// it does (a hash, a search, a copy) grows with them.
    fn steps_n(&mut self, at: usize, n: u64) -> R<()> {
        self.steps += n;
        if self.steps > MAX_STEPS {
            return self.err(
                at,
                format!("template execution exceeded {MAX_STEPS} steps; aborted"),
            );
        }
        let chart = self.env.chart_steps.get() + n;
        self.env.chart_steps.set(chart);
        if chart > MAX_CHART_STEPS {
            return self.err(
                at,
                format!(
                    "the chart's templates exceeded {MAX_CHART_STEPS} execution steps; aborted"
                ),
            );
        }
        Ok(())
    }

    fn write(&mut self, at: usize, s: &str) -> R<()> {
        if self.out.len() + s.len() > MAX_OUTPUT_BYTES {
            return self.err(
                at,
                format!("template output exceeds {MAX_OUTPUT_BYTES} bytes; aborted"),
            );
        }
        let chart = self.env.chart_bytes.get() + s.len();
        self.env.chart_bytes.set(chart);
        if chart > MAX_CHART_OUTPUT_BYTES {
            return self.err(
                at,
                format!(
                    "the chart's templates output more than {MAX_CHART_OUTPUT_BYTES} bytes; aborted"
                ),
            );
        }
        self.out.push_str(s);
        self.written += s.len();
        Ok(())
    }

    /// Execution steps taken so far.
    pub fn steps(&self) -> u64 {
        self.steps
    }

    fn list(&mut self, nodes: &[Node], dot: &Value) -> R<Flow> {
        for node in nodes {
            match self.node(node, dot)? {
                Flow::Normal => {}
                flow => return Ok(flow),
            }
        }
        Ok(Flow::Normal)
    }

    fn node(&mut self, node: &Node, dot: &Value) -> R<Flow> {
        match node {
            Node::Text(text, at) => {
                self.step(*at)?;
                let out = self.out.len();
                self.write(*at, text)?;
                if self.call_depth == 0 && !text.is_empty() {
                    self.seg(*at)?;
                    self.segs.push(Seg::Literal {
                        out,
                        src: *at,
                        len: text.len(),
                    });
                }
            }
            Node::Action(pipe, start, end) => {
                let out_start = self.out.len();
                let v = self.pipeline(pipe, dot)?;
                if pipe.vars.is_empty() {
                    let text = v.to_go_string();
                    self.write(*start, &text)?;
                }
                self.action_seg(out_start, *start, *end, v.origin)?;
            }
            Node::If {
                cond,
                then,
                otherwise,
            } => {
                let mark = self.vars.len();
                let v = self.pipeline(cond, dot)?;
                let flow = if v.truthy() {
                    self.list(then, dot)?
                } else {
                    self.note_false(cond.at, &v);
                    self.list(otherwise, dot)?
                };
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::With {
                pipe,
                body,
                otherwise,
            } => {
                let mark = self.vars.len();
                let v = self.pipeline(pipe, dot)?;
                let flow = if v.truthy() {
                    self.list(body, &v)?
                } else {
                    self.note_false(pipe.at, &v);
                    self.list(otherwise, dot)?
                };
                self.vars.truncate(mark);
                return Ok(flow);
            }
            Node::Range {
                pipe,
                body,
                otherwise,
            } => {
                let mark = self.vars.len();
                let decl = Pipeline {
                    vars: Vec::new(),
                    ..pipe.clone()
                };
                let v = self.pipeline(&decl, dot)?;
                let items: Vec<(Value, Value)> = match &v.v {
                    V::List(l) => l
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (Value::from(i as i64), x.clone()))
                        .collect(),
                    V::Map(_) => v
                        .map_entries()
                        .into_iter()
                        .map(|(k, x)| (Value::from(k), x))
                        .collect(),
                    V::Int(n) => (0..(*n).clamp(0, 1_000_000))
                        .map(|i| (Value::from(i), Value::from(i)))
                        .collect(),
                    V::Nil => Vec::new(),
                    V::Obj(Obj::Files(files)) => files
                        .iter()
                        .map(|(k, x)| (Value::from(k.as_str()), Value::from(&**x)))
                        .collect(),
                    V::Obj(Obj::ApiVersions(l)) => l
                        .iter()
                        .enumerate()
                        .map(|(i, x)| (Value::from(i as i64), Value::from(x.as_str())))
                        .collect(),
                    _ => {
                        return self.err(
                            pipe.at,
                            format!("range can't iterate over {}", v.to_go_string()),
                        );
                    }
                };
                if items.is_empty() {
                    self.note_false(pipe.at, &v);
                    let flow = self.list(otherwise, dot)?;
                    self.vars.truncate(mark);
                    return Ok(flow);
                }
                for (key, item) in items {
                    self.step(pipe.at)?;
                    self.vars.truncate(mark);
                    match pipe.vars.as_slice() {
                        [] => {}
                        [one] => self.declare(one, item.clone(), pipe.assign, pipe.at)?,
                        [k, e, ..] => {
                            self.declare(k, key, pipe.assign, pipe.at)?;
                            self.declare(e, item.clone(), pipe.assign, pipe.at)?;
                        }
                    }
                    match self.list(body, &item)? {
                        Flow::Break => break,
                        Flow::Continue | Flow::Normal => {}
                    }
                }
                self.vars.truncate(mark);
            }
            Node::Template { name, pipe, at } => {
                let out_start = self.out.len();
                let data = match pipe {
                    Some(p) => self.pipeline(p, dot)?,
                    None => Value::nil(),
                };
                let text = self.call_template(name, data, *at)?;
                self.write(*at, &text)?;
                let end = pipe.as_ref().map_or(*at, |p| p.at);
                self.action_seg(out_start, *at, end.max(*at), None)?;
            }
            Node::Break(_) => return Ok(Flow::Break),
            Node::Continue(_) => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    /// Pays for a value a function built: its cells (a dict pays for a whole B-tree node
    /// even when small). `set`/`unset` change a dict in place and pay for one entry.
    fn build(&mut self, at: usize, name: &str, v: &Value) -> R<()> {
        let cells = match (&v.v, name) {
            (_, "set" | "unset") => 1,
            (V::Str(s), _) => s.len() as u64 / 64 + 1,
            (V::List(items), _) => items.len() as u64 + 1,
            (V::Map(m), _) => m.try_borrow().map_or(1, |m| m.len()).max(11) as u64 + 1,
            _ => 1,
        };
        self.cells += cells;
        let chart = self.env.chart_cells.get() + cells;
        self.env.chart_cells.set(chart);
        if self.cells > MAX_CELLS {
            return self.err(
                at,
                format!(
                    "the template's function calls build more than {MAX_CELLS} list items, dict entries and string cells; aborted"
                ),
            );
        }
        if chart > MAX_CHART_CELLS {
            return self.err(
                at,
                format!(
                    "the chart's templates build more than {MAX_CHART_CELLS} list items, dict entries and string cells; aborted"
                ),
            );
        }
        Ok(())
    }

    /// Counts one more output piece against the template's and the chart's bounds.
    fn seg(&mut self, at: usize) -> R<()> {
        if self.segs.len() >= MAX_SEGS {
            return self.err(
                at,
                format!("the template prints more than {MAX_SEGS} pieces of output; aborted"),
            );
        }
        let n = self.env.chart_segs.get() + 1;
        self.env.chart_segs.set(n);
        if n > MAX_CHART_SEGS {
            return self.err(
                at,
                format!(
                    "the chart's templates print more than {MAX_CHART_SEGS} pieces of output; aborted"
                ),
            );
        }
        Ok(())
    }

    fn action_seg(
        &mut self,
        out_start: usize,
        start: usize,
        end: usize,
        origin: Option<Rc<Origin>>,
    ) -> R<()> {
        if self.call_depth == 0 && self.out.len() > out_start {
            self.seg(start)?;
            self.segs.push(Seg::Action {
                out_start,
                out_end: self.out.len(),
                src_start: start,
                src_end: end,
                origin,
            });
        }
        Ok(())
    }

    fn note_false(&mut self, at: usize, v: &Value) {
        if self.call_depth == 0
            && let Some(origin) = &v.origin
        {
            self.false_conditions.push(FalseCondition {
                at,
                origin: Rc::clone(origin),
            });
        }
    }

    fn declare(&mut self, name: &str, v: Value, assign: bool, at: usize) -> R<()> {
        if assign {
            match self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = v,
                None => return self.err(at, format!("undefined variable: {name}")),
            }
        } else {
            self.vars.push((name.to_string(), v));
        }
        Ok(())
    }

    /// Executes a named template with `data`; returns its output.
    fn call_template(&mut self, name: &str, data: Value, at: usize) -> R<String> {
        let Some(def) = self
            .tpl_defines
            .get(name)
            .or_else(|| self.env.defines.get(name))
            .cloned()
        else {
            return self.err(at, format!("no template {name:?} associated with template"));
        };
        if self.call_depth >= MAX_CALL_DEPTH {
            return self.err(
                at,
                format!("template {name:?} calls nest deeper than {MAX_CALL_DEPTH} (recursion?)"),
            );
        }
        let saved_out = std::mem::take(&mut self.out);
        let saved_vars = std::mem::replace(&mut self.vars, vec![("$".into(), data.clone())]);
        let saved_file = std::mem::replace(&mut self.file, def.file);
        self.call_depth += 1;
        let result = self.list(&def.body, &data);
        self.call_depth -= 1;
        self.file = saved_file;
        self.vars = saved_vars;
        let text = std::mem::replace(&mut self.out, saved_out);
        result?;
        Ok(text)
    }

    fn pipeline(&mut self, pipe: &Pipeline, dot: &Value) -> R<Value> {
        self.step(pipe.at)?;
        let mut last: Option<Value> = None;
        for cmd in &pipe.cmds {
            last = Some(self.command(cmd, dot, last)?);
        }
        let v = last.unwrap_or_default();
        for name in &pipe.vars {
            self.declare(name, v.clone(), pipe.assign, pipe.at)?;
        }
        Ok(v)
    }

    fn command(&mut self, cmd: &Command, dot: &Value, piped: Option<Value>) -> R<Value> {
        let first = &cmd.args[0];
        match first {
            Arg::Ident(name) => self.call(name, &cmd.args[1..], dot, piped, cmd.at),
            // A method call: `.Files.Get "x"`, `$.Capabilities.APIVersions.Has "v1"`,
            // `(.Files.Glob "a/*").AsConfig`.
            Arg::Field(chain) if cmd.args.len() > 1 || piped.is_some() => {
                let Some((last, init)) = chain.split_last() else {
                    return self.err(cmd.at, "empty field chain");
                };
                let receiver = self.fields(dot.clone(), init, cmd.at)?;
                self.method_call(&receiver, last, cmd, dot, piped)
            }
            Arg::Variable(name, chain)
                if !chain.is_empty() && (cmd.args.len() > 1 || piped.is_some()) =>
            {
                let Some((last, init)) = chain.split_last() else {
                    return self.err(cmd.at, "empty field chain");
                };
                let receiver =
                    self.arg(&Arg::Variable(name.clone(), init.to_vec()), dot, cmd.at)?;
                self.method_call(&receiver, last, cmd, dot, piped)
            }
            Arg::Sub(pipe, chain)
                if !chain.is_empty() && (cmd.args.len() > 1 || piped.is_some()) =>
            {
                let Some((last, init)) = chain.split_last() else {
                    return self.err(cmd.at, "empty field chain");
                };
                let v = self.pipeline(pipe, dot)?;
                let receiver = self.fields(v, init, cmd.at)?;
                self.method_call(&receiver, last, cmd, dot, piped)
            }
            Arg::Nil => self.err(cmd.at, "nil is not a command"),
            _ => {
                if cmd.args.len() > 1 || piped.is_some() {
                    return self.err(cmd.at, "can't give argument to non-function");
                }
                self.arg(first, dot, cmd.at)
            }
        }
    }

    /// `receiver.name args... piped`.
    fn method_call(
        &mut self,
        receiver: &Value,
        name: &str,
        cmd: &Command,
        dot: &Value,
        piped: Option<Value>,
    ) -> R<Value> {
        let mut args = Vec::new();
        for a in &cmd.args[1..] {
            args.push(self.arg(a, dot, cmd.at)?);
        }
        args.extend(piped);
        self.method(receiver, name, &args, cmd.at)
    }

    fn arg(&mut self, arg: &Arg, dot: &Value, at: usize) -> R<Value> {
        Ok(match arg {
            Arg::Dot => dot.clone(),
            Arg::Field(chain) => self.fields(dot.clone(), chain, at)?,
            Arg::Variable(name, chain) => {
                let Some((_, v)) = self.vars.iter().rev().find(|(n, _)| n == name) else {
                    return self.err(at, format!("undefined variable: {name}"));
                };
                let v = v.clone();
                self.fields(v, chain, at)?
            }
            Arg::Ident(name) => self.call(name, &[], dot, None, at)?,
            Arg::Bool(b) => Value::from(*b),
            Arg::Nil => Value::nil(),
            Arg::Number(n) => number(n).ok_or_else(|| ExecError {
                file: self.file,
                at,
                message: format!("bad number syntax: {n:?}"),
            })?,
            Arg::Str(s) => Value::from(s.as_str()),
            Arg::Char(c) => Value::from(*c as i64),
            Arg::Sub(pipe, chain) => {
                let v = self.pipeline(pipe, dot)?;
                self.fields(v, chain, at)?
            }
        })
    }

    fn fields(&mut self, mut v: Value, chain: &[String], at: usize) -> R<Value> {
        for (i, name) in chain.iter().enumerate() {
            v = match &v.v {
                V::Map(_) => match v.map_get(name) {
                    Some(x) => x,
                    None => missing(&v, name),
                },
                // Go: a nil the chain started from reads as nil; a nil met inside the chain
                // (a missing map key) is an error.
                V::Nil if i == 0 => return Ok(Value::nil()),
                V::Nil => {
                    return self.err(
                        at,
                        format!(
                            "nil pointer evaluating interface {{}}.{name} (`{}` is not set)",
                            chain[..i].join(".")
                        ),
                    );
                }
                V::Obj(_) => self.method(&v, name, &[], at)?,
                _ => {
                    return self.err(
                        at,
                        format!("can't evaluate field {name} in type {}", v.type_name()),
                    );
                }
            };
        }
        Ok(v)
    }

    fn method(&mut self, receiver: &Value, name: &str, args: &[Value], at: usize) -> R<Value> {
        let arg = |i: usize| args.get(i).map(|a| a.to_go_string()).unwrap_or_default();
        match (&receiver.v, name) {
            (V::Obj(Obj::Files(files)), _) => {
                let r = super::files::method(files, name, args);
                r.map_err(|m| ExecError {
                    file: self.file,
                    at,
                    message: m,
                })
            }
            (V::Obj(Obj::ApiVersions(list)), "Has") => Ok(Value::from(list.contains(&arg(0)))),
            (V::Map(_), _) if args.is_empty() => Ok(receiver.map_get(name).unwrap_or_default()),
            (V::Map(_), _) => self.err(at, format!("{name} is not a method but has arguments")),
            _ => self.err(
                at,
                format!(
                    "can't evaluate field {name} in type {}",
                    receiver.type_name()
                ),
            ),
        }
    }

    fn call(
        &mut self,
        name: &str,
        args: &[Arg],
        dot: &Value,
        piped: Option<Value>,
        at: usize,
    ) -> R<Value> {
        self.step(at)?;
        match name {
            "and" | "or" => {
                if args.is_empty() && piped.is_none() {
                    return self.err(
                        at,
                        format!("wrong number of args for {name}: want at least 1 got 0"),
                    );
                }
                let mut last = Value::nil();
                for a in args {
                    last = self.arg(a, dot, at)?;
                    if last.truthy() == (name == "or") {
                        return Ok(last);
                    }
                }
                return Ok(piped.unwrap_or(last));
            }
            _ => {}
        }
        let mut vals = Vec::with_capacity(args.len() + 1);
        for a in args {
            vals.push(self.arg(a, dot, at)?);
        }
        vals.extend(piped);
        // Matching a regular expression costs more per byte than other work: a step each.
        let per_byte = if name.contains("egex") { 64 } else { 1 };
        self.steps_n(
            at,
            vals.iter().map(work).sum::<u64>().saturating_mul(per_byte),
        )?;
        let fail = |this: &Self, m: String| this.err(at, format!("error calling {name}: {m}"));
        match name {
            "include" => {
                let (Some(n), data) = (vals.first(), vals.get(1).cloned().unwrap_or_default())
                else {
                    return fail(self, "wrong number of args: want 2".into());
                };
                let n = n.to_go_string();
                let text = self.call_template(&n, data, at)?;
                Ok(Value::from(text))
            }
            "tpl" => {
                let (Some(t), Some(data)) = (vals.first(), vals.get(1)) else {
                    return fail(self, "wrong number of args: want 2".into());
                };
                let src = t.to_go_string();
                let parsed = (self.env.parse)(&src).map_err(|m| ExecError {
                    file: self.file,
                    at,
                    message: format!("error calling tpl: {m}"),
                })?;
                for (n, body) in parsed.defines {
                    self.tpl_defines.insert(
                        n,
                        Define {
                            body: Rc::new(body),
                            file: self.file,
                        },
                    );
                }
                let key = format!("\u{0}tpl:{}", self.tpl_defines.len());
                self.tpl_defines.insert(
                    key.clone(),
                    Define {
                        body: Rc::new(parsed.body),
                        file: self.file,
                    },
                );
                let text = self.call_template(&key, data.clone(), at);
                self.tpl_defines.remove(&key);
                let text = text.map_err(|e| ExecError {
                    message: format!("error calling tpl: {}", e.message),
                    file: self.file,
                    at,
                })?;
                Ok(Value::from(text).with_origin(t.origin.clone()))
            }
            "required" => {
                let (Some(msg), v) = (vals.first(), vals.get(1).cloned().unwrap_or_default())
                else {
                    return fail(self, "wrong number of args: want 2".into());
                };
                let empty = v.is_nil() || v.as_str() == Some("");
                if empty {
                    return self.err(at, msg.to_go_string());
                }
                Ok(v)
            }
            "fail" => self.err(
                at,
                vals.first().map(|v| v.to_go_string()).unwrap_or_default(),
            ),
            // As in `helm template`: nothing is looked up.
            "lookup" => Ok(Value::new_map()),
            "call" => fail(
                self,
                "calling functions held in values is not supported".into(),
            ),
            _ => match funcs::call(name, &vals) {
                Some(Ok(mut v)) => {
                    self.build(at, name, &v)?;
                    if v.origin.is_none() {
                        v.origin = vals.iter().rev().find_map(|a| a.origin.clone());
                    }
                    Ok(v)
                }
                Some(Err(m)) => fail(self, m),
                None => self.err(at, format!("function {name:?} not defined")),
            },
        }
    }
}

/// Steps a function call pays for an argument besides its own: a step per 64 bytes of a
/// string, per item of a list or entry of a dict (about what a step of work costs).
fn work(v: &Value) -> u64 {
    match &v.v {
        V::Str(s) => s.len() as u64 / 64,
        V::List(items) => items.len() as u64,
        V::Map(m) => m.try_borrow().map_or(0, |m| m.len()) as u64,
        _ => 0,
    }
}

/// A missing key reads as nil; under a map from a values file it remembers where the key
/// would go (so an unset value can still be traced to its parent).
fn missing(parent: &Value, name: &str) -> Value {
    let origin = parent.origin.as_ref().map(|o| {
        Rc::new(Origin {
            source: o.source,
            // A key missing at the top of the values points at the file's start.
            span: if o.path.is_empty() {
                crate::model::Span::default()
            } else {
                o.span
            },
            path: if o.path.is_empty() {
                name.to_string()
            } else {
                format!("{}.{name}", o.path)
            },
            missing: true,
        })
    });
    Value::nil().with_origin(origin)
}

/// A Go number literal: int (decimal, hex, octal, binary, `_` separators) or float.
fn number(s: &str) -> Option<Value> {
    let clean: String = s.chars().filter(|&c| c != '_').collect();
    let (neg, body) = match clean.strip_prefix('-') {
        Some(b) => (true, b),
        None => (false, clean.strip_prefix('+').unwrap_or(&clean)),
    };
    let lower = body.to_ascii_lowercase();
    let int = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()
    } else if lower.len() > 1 && lower.starts_with('0') && lower.chars().all(|c| c.is_ascii_digit())
    {
        i64::from_str_radix(&lower[1..], 8).ok()
    } else {
        lower.parse::<i64>().ok()
    };
    if let Some(i) = int {
        return Some(Value::from(if neg { -i } else { i }));
    }
    let f: f64 = lower.parse().ok()?;
    Some(Value::from(if neg { -f } else { f }))
}
