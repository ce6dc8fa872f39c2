//! The rule engine and catalogue.
//!
//! Each rule is one file `src/rules/<layer>/<id>.rs` exposing `pub fn check(cx: &mut RuleCx)`,
//! and one document `rules/<layer>/<ID>.md` whose front matter holds its metadata (layer,
//! severity, title, parameters with defaults). `build.rs` registers both; nothing else lists rules.

use std::collections::HashMap;
use std::sync::{Arc, OnceLock};

use rayon::prelude::*;

use crate::facts::{Facts, Role, Workload};
use crate::finding::{Finding, Label, Layer, Severity};
use crate::ingest::InputIssue;
use crate::ingest::yaml;
use crate::model::{Model, SourceFile};

/// A rule's `check` function, registered by `build.rs`.
pub struct RuleImpl {
    pub id: &'static str,
    pub layer_dir: &'static str,
    pub check: fn(&mut RuleCx<'_>),
}

include!(concat!(env!("OUT_DIR"), "/rule_registry.rs"));

pub mod examples;
pub mod origins;

/// Prelude for rule files.
pub mod prelude {
    pub use super::{RuleCx, params};
    pub use crate::facts::groups::{self, Family, Floor};
    pub use crate::facts::providers::{ResourceType, aws, azure, cloudflare, google};
    pub use crate::facts::terraform::{TfFacts, Zones, shown};
    pub use crate::facts::{Role, Workload, WorkloadKind};
    pub use crate::finding::{Label, Missing, Want, all_of, count};
    pub use crate::model::ResourceId;
    pub use crate::model::terraform::{TfResource, Value};
    pub use crate::system::settings::show_duration;
}

#[derive(Debug, Clone)]
pub struct Param {
    pub name: String,
    pub default: i64,
    pub description: String,
}

/// A rule's metadata and documentation, from its `rules/<layer>/<ID>.md`.
#[derive(Debug, Clone)]
pub struct RuleMeta {
    pub id: &'static str,
    pub layer: Layer,
    pub severity: Severity,
    pub title: String,
    pub parameters: Vec<Param>,
    /// The rule asks for a copy in a second region (front matter `protects: region`): it is
    /// left out when the configuration says the system is meant to survive a zone, not a
    /// region (`expect: zone`).
    pub cross_region: bool,
    /// The document without its front matter (markdown).
    pub body: &'static str,
    /// Path of the document inside the `rules/` directory; for a user policy, its file.
    pub doc_path: &'static str,
    /// A user policy (Rego), not a built-in rule.
    pub policy: bool,
}

impl RuleMeta {
    /// A finding of this rule at `primary`, at the rule's severity, with nothing else set.
    pub fn finding(&'static self, primary: Label, message: impl Into<String>) -> Finding {
        Finding {
            rule: self.id,
            layer: self.layer,
            severity: self.severity,
            title: self.title.as_str(),
            message: message.into(),
            help: String::new(),
            primary,
            secondary: Vec::new(),
            resource: None,
            want: None,
            absent: None,
            suppressed: None,
        }
    }
}

/// Parses a rule document's front matter.
pub fn parse_doc(path: &'static str, text: &'static str) -> Result<RuleMeta, String> {
    let err = |m: &str| format!("rules/{path}: {m}");
    let rest = text
        .strip_prefix("---\n")
        .ok_or_else(|| err("missing `---` front matter"))?;
    let end = rest
        .find("\n---\n")
        .ok_or_else(|| err("unterminated front matter"))?;
    let (front, body) = (&rest[..end + 1], rest[end + 5..].trim_start_matches('\n'));
    let file = SourceFile::new(path.to_string(), Arc::from(front));
    let parsed = yaml::parse(&file);
    if let Some(e) = parsed.error {
        return Err(err(&e.message));
    }
    let doc = parsed
        .documents
        .first()
        .ok_or_else(|| err("empty front matter"))?;
    let root = doc.tree.val(doc.root);
    let text_of = |k: &str| {
        root.get(k)
            .and_then(|v| v.scalar_text())
            .ok_or_else(|| err(&format!("front matter lacks `{k}`")))
    };
    let id: &'static str = path
        .rsplit('/')
        .next()
        .and_then(|f| f.strip_suffix(".md"))
        .unwrap_or("");
    if text_of("id")? != id {
        return Err(err("front matter `id` does not match the file name"));
    }
    let layer_name = text_of("layer")?;
    let layer =
        Layer::parse(&layer_name).ok_or_else(|| err(&format!("unknown layer `{layer_name}`")))?;
    if !path.starts_with(&format!("{layer_name}/")) {
        return Err(err("layer does not match the directory"));
    }
    let sev = text_of("severity")?;
    let severity =
        Severity::parse(&sev).ok_or_else(|| err(&format!("unknown severity `{sev}`")))?;
    let mut parameters = Vec::new();
    if let Some(params) = root.get("parameters") {
        for (name, p) in params.entries() {
            let default = p
                .get("default")
                .and_then(|d| d.as_i64())
                .ok_or_else(|| err(&format!("parameter `{name}` needs an integer `default`")))?;
            parameters.push(Param {
                name: name.to_string(),
                default,
                description: p
                    .get("description")
                    .and_then(|d| d.scalar_text())
                    .unwrap_or_default(),
            });
        }
    }
    let cross_region = match root
        .get("protects")
        .and_then(|v| v.scalar_text())
        .as_deref()
    {
        None | Some("zone") => false,
        Some("region") => true,
        Some(other) => return Err(err(&format!("unknown `protects: {other}` (zone, region)"))),
    };
    Ok(RuleMeta {
        id,
        layer,
        severity,
        title: text_of("title")?,
        parameters,
        cross_region,
        body,
        doc_path: path,
        policy: false,
    })
}

/// The rule catalogue: every documented rule, in id order.
pub struct Catalog {
    pub rules: Vec<RuleMeta>,
}

impl Catalog {
    pub fn get(&self, id: &str) -> Option<&RuleMeta> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }
}

static CATALOG: OnceLock<Result<Catalog, String>> = OnceLock::new();

/// The catalogue embedded in the binary, parsed once.
pub fn catalog() -> Result<&'static Catalog, String> {
    CATALOG
        .get_or_init(|| {
            let mut rules = RULE_DOCS
                .iter()
                .map(|(path, text)| parse_doc(path, text))
                .collect::<Result<Vec<_>, _>>()?;
            rules.sort_by(|a, b| (a.layer, a.id).cmp(&(b.layer, b.id)));
            Ok(Catalog { rules })
        })
        .as_ref()
        .map_err(Clone::clone)
}

/// What a rule's `check` sees, and where its findings go.
pub struct RuleCx<'a> {
    pub model: &'a Model,
    pub facts: &'a Facts,
    pub system: &'a crate::system::System,
    pub input: &'a [InputIssue],
    meta: &'static RuleMeta,
    findings: Vec<Finding>,
    /// Parameter values set by the configuration: (rule id, parameter) → value.
    overrides: &'a HashMap<(String, String), i64>,
}

impl<'a> RuleCx<'a> {
    /// A parameter's value as the configuration sets it, if it does. Rules read their
    /// parameters through the generated `params::<Id>::of(cx)`, which falls back to the
    /// documented default.
    fn configured(&self, name: &str) -> Option<i64> {
        self.overrides
            .get(&(self.meta.id.to_string(), name.to_string()))
            .copied()
    }

    /// Reports a finding at `primary`; chain `.help(..)`, `.also(..)`, `.on(..)` on the result.
    pub fn report(&mut self, primary: Label, message: impl Into<String>) -> &mut Finding {
        self.findings.push(self.meta.finding(primary, message));
        self.findings.last_mut().expect("just pushed")
    }
}

impl Finding {
    pub fn help(&mut self, help: impl Into<String>) -> &mut Self {
        self.help = help.into();
        self
    }

    pub fn also(&mut self, label: Label) -> &mut Self {
        if !self.labels(&label) {
            self.secondary.push(label);
        }
        self
    }

    /// [`Self::also`], but first among the secondary labels.
    pub fn also_first(&mut self, label: Label) -> &mut Self {
        if !self.labels(&label) {
            self.secondary.insert(0, label);
        }
        self
    }

    /// Whether a label of the finding already points where `label` does.
    fn labels(&self, label: &Label) -> bool {
        let same_place = |l: &Label| l.source == label.source && l.span == label.span;
        same_place(&self.primary) || self.secondary.iter().any(same_place)
    }

    /// What the offending value should be: fix texts that name a value to change (a Helm
    /// chart's value) use it.
    pub fn wants(&mut self, want: crate::finding::Want) -> &mut Self {
        self.want = Some(want);
        self
    }

    /// What is missing, for fix texts that name the Helm value that left it out.
    pub fn absent(&mut self, what: crate::finding::Missing) -> &mut Self {
        self.absent = Some(what);
        self
    }

    pub fn on(&mut self, resource: crate::model::ResourceId) -> &mut Self {
        self.resource = Some(resource);
        self
    }

    /// Lowers the finding to info: the rule cannot judge (a value is unknown).
    pub fn info(&mut self) -> &mut Self {
        self.severity = Severity::Info;
        self
    }
}

/// What [`run`] found: the findings, and the rules that failed (a panic, with its message).
#[derive(Default)]
pub struct RunOutput {
    pub findings: Vec<Finding>,
    pub failed: Vec<(&'static str, String)>,
}

/// Runs every rule over the model and facts (only the input rules with `input_only`, when the
/// facts could not be derived). A rule that panics loses its own findings only.
pub fn run(
    model: &Model,
    facts: &Facts,
    system: &crate::system::System,
    input: &[InputIssue],
    overrides: &HashMap<(String, String), i64>,
    input_only: bool,
) -> Result<RunOutput, String> {
    let catalog = catalog()?;
    let ran = RULE_IMPLS
        .par_iter()
        .filter(|imp| !input_only || imp.layer_dir == "input")
        .map(
            |imp| -> Result<Result<Vec<Finding>, (&'static str, String)>, String> {
                let meta = catalog.get(imp.id).ok_or_else(|| {
                    format!(
                        "rule {} has no document rules/{}/{}.md",
                        imp.id, imp.layer_dir, imp.id
                    )
                })?;
                let mut cx = RuleCx {
                    model,
                    facts,
                    system,
                    input,
                    meta,
                    findings: Vec::new(),
                    overrides,
                };
                Ok(crate::guard::run(|| {
                    crate::guard::failpoint("rule", || imp.id);
                    (imp.check)(&mut cx)
                })
                .map(|()| cx.findings)
                .map_err(|panic| (imp.id, panic)))
            },
        )
        .collect::<Result<Vec<_>, _>>()?;
    let mut out = RunOutput::default();
    for r in ran {
        match r {
            Ok(findings) => out.findings.extend(findings),
            Err(failure) => out.failed.push(failure),
        }
    }
    for f in &mut out.findings {
        label_caller(f, model);
    }
    Finding::sort(&mut out.findings, model);
    Ok(out)
}

/// A finding on a resource inside a Terraform module gets a label on the root module's call
/// that leads to it: a module that several roots call is judged once per caller, and each
/// finding says which caller it is.
pub fn label_caller(f: &mut Finding, model: &Model) {
    let Some(id) = f.resource else { return };
    let Some(r) = model.get(id).as_terraform() else {
        return;
    };
    if let Some((source, span)) = r.caller {
        let module = r.module_prefix().trim_end_matches('.');
        let call = module.split(".module.").next().unwrap_or(module);
        f.also(Label::new(source, span, format!("{call} is called here")));
    }
}

/// A rule's documentation as `spoflint explain` prints it: a header with its metadata and
/// parameters, then the document body.
pub fn render_doc(r: &RuleMeta) -> String {
    let mut s = format!(
        "{}  layer: {}  severity: {}{}\n",
        r.id,
        r.layer.as_str(),
        r.severity.as_str(),
        if r.cross_region {
            "  protects: region (left out with `expect: zone`)"
        } else {
            ""
        }
    );
    if !r.parameters.is_empty() {
        s.push_str("parameters:\n");
        for p in &r.parameters {
            s.push_str(&format!(
                "  {} = {}  {}\n",
                p.name, p.default, p.description
            ));
        }
    }
    s.push('\n');
    s.push_str(r.body);
    if !s.ends_with('\n') {
        s.push('\n');
    }
    s
}

impl<'a> RuleCx<'a> {
    /// Replicated workloads (Deployments, StatefulSets, ReplicaSets) whose role passes `role`
    /// and whose effective replica count is below `min`, with that count. Those whose count
    /// cannot be known statically are reported here, as info: never guess.
    pub fn under_replicated(
        &mut self,
        min: i64,
        role: impl Fn(&Role) -> bool,
    ) -> Vec<(&'a Workload, i64)> {
        let facts = self.facts;
        let mut out = Vec::new();
        for w in facts.workloads.iter() {
            if !w.kind.is_replicated() || !role(&w.role) {
                continue;
            }
            match w.replicas {
                None => self.unknown_replicas(w),
                Some(n) if n < min => out.push((w, n)),
                Some(_) => {}
            }
        }
        out
    }

    /// Reports a finding about a workload's replica count, at the field that sets it (the
    /// HPA's `minReplicas`, `spec.replicas`, or the resource when absent), with the workload's
    /// `kind:` line as a secondary label.
    pub fn report_replicas(&mut self, w: &Workload, message: impl Into<String>) -> &mut Finding {
        let model = self.model;
        let r = model.resource(w.res);
        let label = self.facts.replicas_label(model, w);
        self.report(label, message)
            .also(r.header_label(format!("{} {}", r.kind, r.name)))
            .on(w.res)
    }

    /// Says (as info) that this rule cannot judge a workload because its replica count is not
    /// known statically (e.g. `replicas: ${REPLICAS}` awaiting envsubst).
    fn unknown_replicas(&mut self, w: &Workload) {
        let model = self.model;
        let r = model.resource(w.res);
        let label = self.facts.replicas_label(model, w);
        self.cannot_judge(
            label,
            &r.display(),
            "its replica count is not an integer that can be known statically",
        )
        .help("render the manifest first (e.g. envsubst, kustomize build) and scan the result")
        .on(w.res);
    }

    /// Reports the input problems found during ingestion under this rule's id.
    pub fn report_input_issues(&mut self) {
        let input = self.input;
        for issue in input.iter().filter(|i| i.rule == self.meta.id) {
            self.report(
                Label::new(issue.source, issue.span, ""),
                issue.message.clone(),
            )
            .help(issue.help.clone());
        }
    }
}

/// Helpers for the system rules: where a component is written, where a target is set.
impl<'a> RuleCx<'a> {
    /// A label on the resource of a system component (`None` for a provider's service).
    pub fn component_label(
        &self,
        c: crate::system::CompId,
        text: impl Into<String>,
    ) -> Option<Label> {
        let res = self.system.components[c].res?;
        let e = self.model.get(res);
        Some(Label::new(e.source(), e.header(), text))
    }

    /// A label on the configuration line that sets target `i` (0 availability, 1 RTO, 2 RPO).
    pub fn target_label(&self, i: usize, text: impl Into<String>) -> Option<Label> {
        let source = self.system.config_source?;
        let span = self.system.settings.targets.at.get(i).copied().flatten()?;
        Some(Label::new(source, span, text))
    }
}

/// Helpers for rules over Terraform resources, and for "cannot judge" info findings.
impl<'a> RuleCx<'a> {
    /// Judges the zones of every resource of `types` (see [`crate::facts::terraform::TfFacts::placement`]):
    /// `describe` gets each resource whose known zones are in `floor..min` and returns the
    /// message and help. Resources whose zones are partly unknown, and which could reach `min`,
    /// are reported as info: never guess.
    pub fn zones_below(
        &mut self,
        types: &[crate::facts::providers::ResourceType],
        floor: usize,
        min: usize,
        describe: impl Fn(
            &crate::model::TfResource,
            &crate::facts::terraform::Zones,
        ) -> (String, String),
    ) {
        let facts = self.facts;
        for id in facts.tf.of_types(types) {
            let Some(p) = facts.tf.placement(id) else {
                continue;
            };
            if p.zones.at_least() >= floor {
                self.zones_short(id, &p.zones, p.label.clone(), min, &describe);
            }
        }
    }

    /// Judges the zones of every group of machines ([`crate::facts::groups::GROUPS`]) that runs
    /// machines of its own, as [`Self::zones_below`] does (`describe` also gets the group's
    /// family). With `floor` 0 (the rule that judges groups in one zone) it also says, as info,
    /// which groups it cannot place: a GKE cluster that may or may not keep its default node
    /// pool, and a Google Cloud or Azure group without a location or zone that can be known.
    pub fn group_zones_below(
        &mut self,
        floor: usize,
        min: usize,
        describe: impl Fn(
            &crate::model::TfResource,
            crate::facts::groups::Family,
            &crate::facts::terraform::Zones,
        ) -> (String, String),
    ) {
        use crate::facts::groups::{Family, GROUPS, Runs, runs_machines};
        let (model, facts) = (self.model, self.facts);
        for id in facts.tf.of_types(GROUPS) {
            let r = model.tf(id);
            let Some(family) = Family::of(&r.rtype) else {
                continue;
            };
            match runs_machines(r) {
                Runs::No => continue,
                Runs::Unknown(label, why) => {
                    if floor == 0 {
                        self.cannot_judge(label, &r.address, why)
                            .help("give it a value that can be known (a literal, a variable default or tfvars), or scan a plan")
                            .on(id);
                    }
                    continue;
                }
                Runs::Yes => {}
            }
            // Zonal groups that serve one backend service together with groups in other
            // zones are judged through that service (NETWORK004).
            if family == Family::ZonalMig
                && facts
                    .tf
                    .placed_through(id)
                    .iter()
                    .any(|p| p.zones.at_least() >= min)
            {
                continue;
            }
            match facts.tf.placement(id) {
                Some(p) if p.zones.at_least() >= floor => {
                    self.zones_short(id, &p.zones, p.label.clone(), min, |r, z| {
                        describe(r, family, z)
                    });
                }
                Some(_) => {}
                None if floor == 0 && family != Family::Aws => {
                    self.cannot_judge(
                        r.header_label(""),
                        &r.address,
                        "its zones are not known statically: it names no location or zone (nor a cluster of the scan that does)",
                    )
                    .help("set its location or zone (a literal, a variable default or tfvars), or scan a plan")
                    .on(id);
                }
                None => {}
            }
        }
    }

    /// Judges Terraform instance `id`, whose subnets (listed at `label`) reach `zones`: when it
    /// spans fewer than `min` zones, reports `describe`'s message and help at `label`, with a
    /// label on each subnet's zone and on the resource, and returns the finding; when its
    /// zones are partly unknown and could reach `min`, says so as info (never guess).
    pub fn zones_short(
        &mut self,
        id: crate::model::ResourceId,
        zones: &crate::facts::terraform::Zones,
        label: Label,
        min: usize,
        describe: impl Fn(
            &crate::model::TfResource,
            &crate::facts::terraform::Zones,
        ) -> (String, String),
    ) -> Option<&mut Finding> {
        let (model, facts) = (self.model, self.facts);
        let r = model.tf(id);
        // Entries whose zone is unknown each add at most one zone: a list of one subnet is in
        // one zone whatever its id.
        if zones.at_least() >= min {
            return None;
        }
        if zones.at_most().is_none_or(|most| most >= min) {
            let (why, help) = match (zones.listed, zones.open) {
                _ if zones.location_unknown => (
                    "its location is not known statically (a zone puts it in that zone, a region in zones the provider picks)".to_string(),
                    "give `location` a value that can be known (a literal, a variable default or tfvars), or scan a plan (`terraform show -json`)",
                ),
                (false, true) => (
                    "its subnet list is not known statically (a data source, a variable without a value, or a module that is not read)".to_string(),
                    "declare the subnets as aws_subnet resources in the scanned code, or scan a plan (`terraform show -json`)",
                ),
                (false, false) => (
                    format!(
                        "the zone of {} is not known statically (subnet ids from a data source, literal ids or computed values)",
                        crate::finding::count(zones.unknown as i64, "subnet")
                    ),
                    "declare the subnets as aws_subnet resources in the scanned code, or scan a plan (`terraform show -json`)",
                ),
                (true, true) => (
                    "its zone list is not known statically (a data source, a variable without a value, or a module that is not read)".to_string(),
                    "give the zones values that can be known (literals, variable defaults or tfvars), or scan a plan (`terraform show -json`)",
                ),
                (true, false) => (
                    format!(
                        "{} of its zones or its location {} not known statically",
                        zones.unknown,
                        if zones.unknown == 1 { "is" } else { "are" }
                    ),
                    "give the zones values that can be known (literals, variable defaults or tfvars), or scan a plan (`terraform show -json`)",
                ),
            };
            self.cannot_judge(label, &r.address, why).help(help).on(id);
            return None;
        }
        let (message, help) = describe(r, zones);
        let labels = facts.tf.zone_labels(model, zones);
        let f = self.report(label, message).help(help).on(id);
        for l in labels {
            f.also(l);
        }
        f.also(r.header_label(r.address.clone()));
        Some(f)
    }

    /// Reports Terraform instance `id` when it is present in fewer than two regions (its own
    /// and its replicas'; see [`crate::facts::terraform::TfFacts::regions_of`]), with
    /// `message(region)`; as info when its region is unknown.
    pub fn needs_second_region(
        &mut self,
        id: crate::model::ResourceId,
        message: impl FnOnce(&str) -> String,
        help: &str,
    ) {
        let (model, facts) = (self.model, self.facts);
        let r = model.tf(id);
        let presence = facts.tf.regions_of(model, id);
        if presence.regions.len() >= 2 {
            return;
        }
        let Some(region) = r.region_name() else {
            self.cannot_judge(
                r.header_label(""),
                &r.address,
                "the region of its provider is not known statically",
            )
            .help("set the provider's region explicitly (a literal, a variable default or tfvars)")
            .on(id);
            return;
        };
        if let Some(&maybe) = presence.maybe.first() {
            let m = model.tf(maybe);
            self.cannot_judge(
                r.header_label(""),
                &r.address,
                format!(
                    "whether {} (in {}) is a replica of it is not known statically",
                    m.address,
                    m.region_name().unwrap_or("an unknown region")
                ),
            )
            .also(m.header_label(m.address.clone()))
            .help("give the replica's create_mode a value that can be known (a literal, variable default or tfvars), or scan a plan")
            .on(id);
            return;
        }
        if presence.unknown > 0 {
            self.cannot_judge(
                r.header_label(""),
                &r.address,
                "the region of one of its replicas is not known statically",
            )
            .help("give the replica's provider (or replica block) an explicit region")
            .on(id);
            return;
        }
        let f = self
            .report(r.header_label(r.address.clone()), message(region))
            .help(help)
            .on(id);
        for l in crate::facts::terraform::region_labels(r) {
            f.also(l);
        }
    }

    /// Attribute `name` of Terraform instance `id` (of its first nested `block`, when given)
    /// when its value is known: `Some(None)` when it is absent or null (the provider's default
    /// applies). `None` when its value is not known statically, after saying so as info.
    pub fn known_attr(
        &mut self,
        id: crate::model::ResourceId,
        block: Option<&str>,
        name: &str,
    ) -> Option<Option<&'a crate::model::terraform::Attr>> {
        let r = self.model.tf(id);
        let attr = match block {
            Some(b) => r.attr_in(b, name),
            None => r.attr(name),
        };
        match attr {
            Some(a) if a.value.has_unknown() => {
                self.unknown_value(id, name, a);
                None
            }
            Some(a) if a.value == crate::model::terraform::Value::Null => Some(None),
            a => Some(a),
        }
    }

    /// Says, as info, that this rule cannot judge Terraform instance `id` because attribute
    /// `name` (`attr`) has a value that is not known statically; points at the attribute.
    pub fn unknown_value(
        &mut self,
        id: crate::model::ResourceId,
        name: &str,
        attr: &crate::model::terraform::Attr,
    ) -> &mut Finding {
        let r = self.model.tf(id);
        let why = format!(
            "{} is not known statically",
            crate::facts::terraform::shown(name, attr)
        );
        self.cannot_judge(Label::new(r.source, attr.span, ""), &r.address, why)
            .help(format!(
                "give {name} a value that can be known (a literal, variable default or tfvars), or scan a plan"
            ))
            .on(id)
    }

    /// The `member` instances that join cluster `id` through their attribute `attr`
    /// (`aws_rds_cluster_instance.cluster_identifier`), when their number is known for a
    /// verdict against `min`; `None` after saying, as info, why it is not: members whose
    /// number is unknown, or, with fewer than `min` linked, members whose cluster is unknown.
    pub fn cluster_members(
        &mut self,
        id: crate::model::ResourceId,
        member: crate::facts::providers::ResourceType,
        attr: &str,
        min: usize,
    ) -> Option<Vec<crate::model::ResourceId>> {
        let (model, facts) = (self.model, self.facts);
        let r = model.tf(id);
        let members = facts.tf.referrers(model, id, member, attr);
        let unlinked = facts.tf.maybe_referrers(model, id, member, attr);
        if members.len() < min
            && let Some(&first) = unlinked.first()
        {
            let inst = model.tf(first);
            self.cannot_judge(
                inst.attr_label(attr, ""),
                &r.address,
                format!("the cluster of {} is not known statically", inst.address),
            )
            .also(r.header_label(r.address.clone()))
            .on(id);
            return None;
        }
        if members.iter().any(|i| model.tf(*i).count_unknown) {
            self.cannot_judge(
                r.header_label(""),
                &r.address,
                "the number of its cluster instances is not known statically",
            )
            .help("give the instances' count or for_each a value that can be known, or scan a plan")
            .on(id);
            return None;
        }
        Some(members)
    }

    /// Says, as info, that this rule cannot judge `subject` (how findings name the resource) because
    /// `why` (a value that is not known statically); chain `.on(..)` and `.help(..)`.
    pub fn cannot_judge(
        &mut self,
        at: Label,
        subject: &str,
        why: impl std::fmt::Display,
    ) -> &mut Finding {
        let rule = self.meta.id;
        self.report(at, format!("{rule} cannot judge {subject}: {why}"))
            .info()
    }
}
