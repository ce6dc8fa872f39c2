//! Terraform: `.tf` files parsed with hcl-edit (keeping spans), grouped into modules (the `.tf`
//! files of one directory) and evaluated the way `terraform plan` would, far enough to know
//! how many of a thing exist and in which region and zones: see [`eval`].

pub mod azapi;
mod eval;
pub mod funcs;
pub mod kubernetes;
pub mod plan;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use hcl_edit::expr::Expression;
use hcl_edit::structure::{Attribute, Block, Body, Structure};

use crate::discover::normalize;
use crate::model::{SourceFile, SourceId, Span};

pub use eval::{Inputs, evaluate};

/// A span from hcl-edit's byte range (empty when the node has none).
fn span_of(node: &impl hcl_edit::Span) -> Span {
    node.span()
        .map_or(Span::default(), |r| Span::new(r.start, r.end))
}

/// A block's header: from its identifier to the end of its last label.
fn header_span(block: &Block) -> Span {
    let start = span_of(&block.ident);
    let end = block.labels.last().map_or(start, span_of);
    Span::new(start.start, end.end.max(start.end))
}

/// Parses one `.tf` or `.tfvars` file.
///
/// A key repeated in an object constructor (`{ port = 80, port = 81 }`) is valid Terraform: the
/// last one wins. hcl-edit rejects it, so each repeated key is renamed in a copy of the text to
/// a placeholder of the same length (spans stay true), the copy is parsed again, and the
/// placeholders are folded back into their key, later values replacing earlier ones.
pub fn parse(file: &SourceFile) -> Result<Body, (Span, String)> {
    let mut text: Option<String> = None;
    let mut renamed: Vec<(String, String)> = Vec::new();
    loop {
        let src = text.as_deref().unwrap_or(&file.text);
        match hcl_edit::parser::parse_body(src) {
            Ok(mut body) => {
                if !renamed.is_empty() {
                    dup_keys::fold(&mut body, &renamed);
                }
                return Ok(body);
            }
            Err(e) => {
                let at = e.location().offset().min(src.len());
                if e.message().contains("redefined object key")
                    && renamed.len() < dup_keys::MAX
                    && (renamed.len() + 1) * src.len() <= dup_keys::MAX_BYTES
                    && let Some((key, placeholder)) = dup_keys::rename(src, at, &renamed)
                {
                    let src = text.get_or_insert_with(|| file.text.to_string());
                    src.replace_range(at + key.start..at + key.end, &placeholder);
                    renamed.push((placeholder, file.text[at + key.start..at + key.end].into()));
                    continue;
                }
                return Err(syntax_error(&file.text, at, e.message()));
            }
        }
    }
}

/// A parse error at byte `at`, spanning one character.
fn syntax_error(text: &str, at: usize, message: &str) -> (Span, String) {
    let at = (0..=at.min(text.len()))
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let end = text[at..]
        .char_indices()
        .nth(1)
        .map_or(text.len(), |(i, _)| at + i);
    (
        Span::new(at, end),
        format!("invalid HCL: {}", message.replace('\n', " ")),
    )
}

/// Repeated object keys (see [`parse`]).
mod dup_keys {
    use std::ops::Range;

    use hcl_edit::expr::{Expression, Object, ObjectKey};
    use hcl_edit::structure::Body;
    use hcl_edit::visit_mut::{VisitMut, visit_object_mut};
    use hcl_edit::{Decorated, Ident};

    /// Most repeated keys one file may have (each costs a parse of the file)...
    pub const MAX: usize = 256;
    /// ... and most bytes those parses may read in all.
    pub const MAX_BYTES: usize = 64 << 20;

    fn is_ident_byte(b: u8) -> bool {
        b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b >= 0x80
    }

    /// Whether `word` occurs in `text` as a whole identifier.
    fn has_word(text: &str, word: &str) -> bool {
        let bytes = text.as_bytes();
        text.match_indices(word).any(|(i, _)| {
            let before = i.checked_sub(1).map(|j| bytes[j]);
            let after = bytes.get(i + word.len()).copied();
            !before.is_some_and(is_ident_byte) && !after.is_some_and(is_ident_byte)
        })
    }

    /// The repeated key at `at` (an identifier, or a plain quoted string: the range of its
    /// text relative to `at`) and a placeholder of the same length found nowhere in `text`.
    pub fn rename(
        text: &str,
        at: usize,
        taken: &[(String, String)],
    ) -> Option<(Range<usize>, String)> {
        let rest = text.get(at..)?;
        let key = match rest.as_bytes().first()? {
            b'"' => {
                let len = rest[1..].find('"')?;
                let inner = &rest[1..1 + len];
                if inner.is_empty() || inner.contains(['\\', '$', '%', '\n']) {
                    return None;
                }
                1..1 + len
            }
            b if b.is_ascii_alphabetic() || *b == b'_' => {
                0..rest
                    .bytes()
                    .position(|b| !is_ident_byte(b))
                    .unwrap_or(rest.len())
            }
            _ => return None,
        };
        let len = key.len();
        if !rest[key.clone()].is_ascii() {
            return None;
        }
        const FIRST: &[u8] = b"_QZXJKVqzxjkvWYwyGHgh";
        const REST: &[u8] = b"_0123456789QZXJKVqzxjkv";
        // Candidates in a fixed order: the first of FIRST, then counting in REST.
        let mut n = 0u64;
        while n < 50_000 {
            let mut k = n;
            let mut cand = Vec::with_capacity(len);
            cand.push(FIRST[(k % FIRST.len() as u64) as usize]);
            k /= FIRST.len() as u64;
            for _ in 1..len {
                cand.push(REST[(k % REST.len() as u64) as usize]);
                k /= REST.len() as u64;
            }
            n += 1;
            if k > 0 {
                // Every candidate of this length has been tried.
                break;
            }
            let cand = String::from_utf8(cand).ok()?;
            if !has_word(text, &cand) && !taken.iter().any(|(p, _)| *p == cand) {
                return Some((key, cand));
            }
        }
        None
    }

    /// Folds each placeholder back into the key it stands for, in source order.
    pub fn fold(body: &mut Body, renamed: &[(String, String)]) {
        struct Fold<'a>(&'a [(String, String)]);
        impl VisitMut for Fold<'_> {
            fn visit_object_mut(&mut self, node: &mut Object) {
                visit_object_mut(self, node);
                let found: Vec<(ObjectKey, &str)> = node
                    .iter()
                    .filter_map(|(k, _)| {
                        let name = match k {
                            ObjectKey::Ident(i) => i.as_str(),
                            ObjectKey::Expression(Expression::String(s)) => s.value().as_str(),
                            ObjectKey::Expression(_) => return None,
                        };
                        let (_, orig) = self.0.iter().find(|(p, _)| p == name)?;
                        Some((k.clone(), orig.as_str()))
                    })
                    .collect();
                for (placeholder, orig) in found {
                    let Some((_, value)) = node.remove_entry(&placeholder) else {
                        continue;
                    };
                    let key = match placeholder {
                        ObjectKey::Ident(_) => ObjectKey::Ident(Decorated::new(Ident::new(orig))),
                        ObjectKey::Expression(_) => {
                            ObjectKey::Expression(Expression::String(Decorated::new(orig.into())))
                        }
                    };
                    // An earlier entry with this key is replaced: the last one wins.
                    node.insert(key, value);
                }
            }
        }
        Fold(renamed).visit_body_mut(body);
    }
}

/// A variable definitions file: HCL (`.tfvars`) or JSON (`.tfvars.json`, values already
/// read, each with the span of its `"name": value` entry).
#[derive(Debug)]
pub enum VarFile {
    Hcl(Body),
    Json(Vec<(String, crate::model::terraform::Value, Span)>),
}

impl VarFile {
    /// Reads a `.tfvars.json` file's top-level object.
    pub fn from_json(root: crate::model::Val<'_>) -> VarFile {
        VarFile::Json(
            root.entries()
                .into_iter()
                .map(|(k, v)| (k.to_string(), plan::value_of(v, 0), v.field_span()))
                .collect(),
        )
    }
}

/// A declaration and the file it is in.
#[derive(Debug)]
pub struct Decl<T> {
    pub source: SourceId,
    pub item: T,
}

#[derive(Debug)]
pub struct VarDecl {
    pub source: SourceId,
    pub header: Span,
    pub default: Option<Attribute>,
    /// `type = string`: command-line values are taken verbatim.
    pub is_string: bool,
    /// The type constraint, for `optional(...)` object attributes.
    pub type_expr: Option<Expression>,
    /// `nullable = false`: a null argument means the default.
    pub nullable: bool,
}

#[derive(Debug)]
pub struct ResDecl {
    pub source: SourceId,
    pub data: bool,
    pub rtype: String,
    pub name: String,
    pub header: Span,
    pub block: Block,
}

#[derive(Debug)]
pub struct CallDecl {
    pub source: SourceId,
    pub name: String,
    pub header: Span,
    /// The `source = "..."` string, when it is a literal.
    pub module_source: Option<(String, Span)>,
    pub block: Block,
}

/// The declarations of one module directory.
#[derive(Debug, Default)]
pub struct ModuleDir {
    pub dir: PathBuf,
    pub display: String,
    /// The module's first `.tf` file, where problems with the module as a whole are shown.
    pub first_source: SourceId,
    pub variables: BTreeMap<String, VarDecl>,
    pub locals: BTreeMap<String, Decl<Attribute>>,
    pub resources: Vec<ResDecl>,
    /// `aws_lb.web` / `data.aws_region.current` → index in `resources`.
    pub resource_index: HashMap<String, usize>,
    pub calls: Vec<CallDecl>,
    pub call_index: HashMap<String, usize>,
    pub outputs: BTreeMap<String, Decl<Attribute>>,
    pub providers: Vec<Decl<Block>>,
    /// `terraform.tfvars`, `terraform.tfvars.json`, then `*.auto.tfvars(.json)` in name order:
    /// used when the module is a root.
    pub tfvars: Vec<Decl<VarFile>>,
    /// A `.tf` file of the module did not parse: what it declared is missing, so a reference
    /// to an undeclared name is unknown rather than a second problem to report.
    pub broken: bool,
}

impl ModuleDir {
    /// Adds a parsed `.tf` file's declarations.
    pub fn add_tf(&mut self, source: SourceId, body: Body) {
        for structure in body {
            let Structure::Block(block) = structure else {
                continue;
            };
            let labels: Vec<String> = block
                .labels
                .iter()
                .map(|l| l.as_str().to_string())
                .collect();
            let header = header_span(&block);
            match (block.ident.as_str(), labels.as_slice()) {
                ("variable", [name]) => {
                    let default = block.body.get_attribute("default").cloned();
                    let is_string = block.body.get_attribute("type").is_some_and(
                        |t| matches!(&t.value, Expression::Variable(v) if v.as_str() == "string"),
                    );
                    let type_expr = block.body.get_attribute("type").map(|t| t.value.clone());
                    let nullable = block
                        .body
                        .get_attribute("nullable")
                        .is_none_or(|n| n.value.as_bool() != Some(false));
                    self.variables.insert(
                        name.clone(),
                        VarDecl {
                            source,
                            header,
                            default,
                            is_string,
                            type_expr,
                            nullable,
                        },
                    );
                }
                ("locals", []) => {
                    for attr in block.body.into_attributes() {
                        self.locals
                            .insert(attr.key.as_str().to_string(), Decl { source, item: attr });
                    }
                }
                ("resource" | "data", [rtype, name]) => {
                    let data = block.ident.as_str() == "data";
                    let key = if data {
                        format!("data.{rtype}.{name}")
                    } else {
                        format!("{rtype}.{name}")
                    };
                    self.resource_index.insert(key, self.resources.len());
                    self.resources.push(ResDecl {
                        source,
                        data,
                        rtype: rtype.clone(),
                        name: name.clone(),
                        header,
                        block,
                    });
                }
                ("module", [name]) => {
                    let module_source =
                        block
                            .body
                            .get_attribute("source")
                            .and_then(|a| match &a.value {
                                Expression::String(s) => Some((s.value().clone(), span_of(a))),
                                _ => None,
                            });
                    self.call_index.insert(name.clone(), self.calls.len());
                    self.calls.push(CallDecl {
                        source,
                        name: name.clone(),
                        header,
                        module_source,
                        block,
                    });
                }
                ("output", [name]) => {
                    if let Some(value) = block.body.get_attribute("value") {
                        self.outputs.insert(
                            name.clone(),
                            Decl {
                                source,
                                item: value.clone(),
                            },
                        );
                    }
                }
                ("provider", [_]) => self.providers.push(Decl {
                    source,
                    item: block,
                }),
                _ => {}
            }
        }
    }

    /// The local directory a module call's source names, if it is a local path.
    pub fn local_source(&self, source: &str) -> Option<PathBuf> {
        (source.starts_with("./") || source.starts_with("../") || source == "." || source == "..")
            .then(|| normalize(&self.dir.join(source)))
    }
}

/// Directories holding `.tf` files that no other scanned module calls as a local module.
pub fn root_modules(modules: &BTreeMap<PathBuf, ModuleDir>) -> Vec<PathBuf> {
    let called: std::collections::HashSet<PathBuf> = modules
        .values()
        .flat_map(|m| {
            m.calls.iter().filter_map(|c| {
                let (src, _) = c.module_source.as_ref()?;
                m.local_source(src).filter(|d| d != &m.dir)
            })
        })
        .collect();
    modules
        .keys()
        .filter(|d| !called.contains(*d))
        .cloned()
        .collect()
}

/// The Terraform files of a scan, grouped into module directories, ready to evaluate.
#[derive(Default)]
pub struct Collected {
    modules: BTreeMap<PathBuf, ModuleDir>,
    /// `terraform.tfvars(.json)` / `*.auto.tfvars(.json)` files, by directory.
    tfvars: Vec<(PathBuf, String, SourceId, VarFile)>,
}

/// The module directory of a file: the key local module sources resolve to.
fn module_dir(path: &Path) -> PathBuf {
    // A file at the top of a `.` scan is in `.`, the directory `sub/..` resolves to.
    normalize(path.parent().unwrap_or(Path::new("")))
}

/// Stack for evaluation: references may chain (bounded) through nested expressions.
const EVAL_STACK_BYTES: usize = 64 * 1024 * 1024;

impl Collected {
    /// Adds a `.tf` file to its module.
    pub fn add_tf(&mut self, path: &Path, source: SourceId, body: Body) {
        self.module(path, source).add_tf(source, body);
    }

    /// Marks the module of a `.tf` file that did not parse (its INPUT001 says why).
    pub fn add_broken(&mut self, path: &Path, source: SourceId) {
        self.module(path, source).broken = true;
    }

    fn module(&mut self, path: &Path, source: SourceId) -> &mut ModuleDir {
        let dir = module_dir(path);
        self.modules
            .entry(dir.clone())
            .or_insert_with(|| ModuleDir {
                display: match crate::discover::display_path(&dir) {
                    d if d.is_empty() => ".".to_string(),
                    d => d,
                },
                dir,
                // Files come in path order: the first one names the module.
                first_source: source,
                ..ModuleDir::default()
            })
    }

    /// Adds a variable definitions file; only those Terraform loads by itself are kept
    /// (others apply when named with `--var-file`).
    pub fn add_var_file(&mut self, path: &Path, source: SourceId, file: VarFile) {
        let dir = module_dir(path);
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let auto = name.ends_with(".auto.tfvars") || name.ends_with(".auto.tfvars.json");
        if auto || name == "terraform.tfvars" || name == "terraform.tfvars.json" {
            self.tfvars.push((dir, name, source, file));
        }
    }

    /// Evaluates every root module (a directory no other scanned module calls).
    pub fn evaluate(
        mut self,
        inputs: &Inputs,
        out: &mut Vec<crate::model::Entry>,
        issues: &mut Vec<crate::finding::InputIssue>,
    ) {
        if self.modules.is_empty() {
            return;
        }
        // terraform.tfvars, terraform.tfvars.json, then the auto files in name order.
        let rank = |name: &str| match name {
            "terraform.tfvars" => 0,
            "terraform.tfvars.json" => 1,
            _ => 2,
        };
        self.tfvars
            .sort_by(|a, b| (&a.0, rank(&a.1), &a.1).cmp(&(&b.0, rank(&b.1), &b.1)));
        for (dir, _, source, body) in self.tfvars.drain(..) {
            if let Some(m) = self.modules.get_mut(&dir) {
                m.tfvars.push(Decl { source, item: body });
            }
        }
        let roots = root_modules(&self.modules);
        let modules = &self.modules;
        std::thread::scope(|s| {
            let worker = std::thread::Builder::new()
                .stack_size(EVAL_STACK_BYTES)
                .spawn_scoped(s, || {
                    let (mut o, mut i) = (Vec::new(), Vec::new());
                    evaluate(modules, &roots, inputs, &mut o, &mut i);
                    (o, i)
                });
            if let Ok((o, i)) = worker
                .map(|w| w.join())
                .and_then(|r| r.map_err(|_| std::io::Error::other("evaluation thread panicked")))
            {
                let base = out.len() as u32;
                out.extend(
                    o.into_iter()
                        .map(|r| crate::model::Entry::Terraform(Box::new(shift_ids(r, base)))),
                );
                issues.extend(i);
            }
        });
    }
}

/// Evaluated ids count from 0; plans may have taken the first ids.
fn shift_ids(mut r: crate::model::TfResource, base: u32) -> crate::model::TfResource {
    if base == 0 {
        return r;
    }
    fn shift_body(b: &mut crate::model::terraform::Body, base: u32) {
        for a in b.attrs.values_mut() {
            shift_value(&mut a.value, base);
        }
        for nb in &mut b.blocks {
            shift_body(&mut nb.body, base);
        }
    }
    fn shift_value(v: &mut crate::model::terraform::Value, base: u32) {
        use crate::model::terraform::{Unknown, Value};
        match v {
            Value::Resource(id) | Value::Unknown(Unknown::Attr(id, _)) => id.0 += base,
            Value::List(items) => items.iter_mut().for_each(|i| shift_value(i, base)),
            Value::Map(m) => m.values_mut().for_each(|i| shift_value(i, base)),
            _ => {}
        }
    }
    shift_body(&mut r.body, base);
    r
}
