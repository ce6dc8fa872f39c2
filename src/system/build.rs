//! Builds the system from the model and the facts: components, then dependencies (evidence
//! and declarations), then the three paths.
//!
//! Evidence only: a DNS record's target, a listener's target group, an attachment naming an
//! auto scaling group, a reference from a database to its KMS key, a Service's selector, the
//! configuration's `system.depends_on`. What a path needs and the scan does not show is an
//! [`Expr::Unknown`] with the reason.
//!
//! The mapping of resource types to components is AWS's (plus DNS providers, Kubernetes and
//! the delivery path); another cloud adds its types here.

use std::collections::{BTreeMap, BTreeSet};

use super::eval::Switch;
use super::figures::Figures;
use super::scenario;
use super::settings::{Reference, SystemSettings};
use super::{
    CompId, CompKind, Component, Copy, Expr, Failover, Name, Place, Root, Rpo, System, Unresolved,
    Zones,
};
use crate::facts::providers::{ResourceType, aws, cloudflare};
use crate::facts::terraform::{DnsRecord, TfFacts};
use crate::facts::{Engine, Facts, Role, Workload, WorkloadKind};
use crate::model::terraform::{Body, Value};
use crate::model::{Entry, FastMap, Model, ResourceId};

/// How deep DNS aliases and dependencies are followed.
const MAX_DEPTH: usize = 8;

/// The figure key of a DNS provider's availability.
fn dns_figure(provider: &str) -> Option<&'static str> {
    Some(match provider {
        "Route 53" => "route53",
        "Cloudflare" => "cloudflare_dns",
        "Google Cloud DNS" => "google_dns",
        "Azure DNS" => "azure_dns",
        "NS1" => "ns1_dns",
        _ => return None,
    })
}

const LBS: &[ResourceType] = &[aws::LB, aws::ALB, aws::ELB];
const GROUPS: &[ResourceType] = &[
    aws::AUTOSCALING_GROUP,
    aws::EKS_NODE_GROUP,
    aws::INSTANCE,
    aws::ECS_SERVICE,
    aws::LAMBDA_FUNCTION,
];
const TARGET_GROUPS: &[ResourceType] = &[aws::LB_TARGET_GROUP, aws::ALB_TARGET_GROUP];

/// Whether a DNS record can send users to a service: not a mail, text, name server or
/// certificate authority record (an unknown type may).
fn serves_traffic(r: &crate::model::TfResource) -> bool {
    const NOT_SERVING: &[&str] = &[
        "MX", "TXT", "NS", "SOA", "SRV", "CAA", "PTR", "SPF", "DS", "TLSA", "SSHFP", "NAPTR",
    ];
    match r.value("type").and_then(Value::as_str) {
        Some(t) => !NOT_SERVING.contains(&t.to_ascii_uppercase().as_str()),
        None => true,
    }
}

/// Every resource a body refers to, in its attributes and nested blocks.
fn refs_deep(body: &Body, out: &mut Vec<ResourceId>) {
    for a in body.attrs.values() {
        for r in a.value.references() {
            if !out.contains(&r) {
                out.push(r);
            }
        }
    }
    for b in &body.blocks {
        refs_deep(&b.body, out);
    }
}

fn is(model: &Model, id: ResourceId, types: &[ResourceType]) -> bool {
    let t = &model.tf(id).rtype;
    types.iter().any(|x| t == x)
}

fn num(v: Option<&Value>) -> Option<u64> {
    v.and_then(Value::as_f64)
        .filter(|n| *n >= 0.0)
        .map(|n| n as u64)
}

struct Builder<'a> {
    model: &'a Model,
    facts: &'a Facts,
    tf: &'a TfFacts,
    sys: System,
    by_res: FastMap<ResourceId, CompId>,
    by_key: FastMap<String, CompId>,
    /// Backends (compute components) of each entry point, from evidence or declarations.
    backends: FastMap<CompId, Vec<CompId>>,
    /// Health-check detection (seconds) of the target groups leading to each backend set.
    backend_detect: FastMap<CompId, u64>,
    records: FastMap<ResourceId, &'a DnsRecord>,
    /// What each (provider, name) answers, once computed ([`Builder::answer_for`]).
    answers: FastMap<(String, String), Expr>,
    /// The (provider, name) pairs whose aliases are being followed.
    following: Vec<(String, String)>,
}

/// A stateful component's copies, availability figure and failovers.
struct Store {
    kind: CompKind,
    copies: Vec<Copy>,
    figure: &'static str,
    zone_failover: Option<Failover>,
    region_failover: Option<Failover>,
}

/// Builds the system view of a scan.
pub fn build(
    model: &Model,
    facts: &Facts,
    settings: &SystemSettings,
    expect_region: bool,
) -> System {
    let mut b = Builder {
        model,
        facts,
        tf: &facts.tf,
        sys: System {
            figures: Figures::with(settings),
            settings: settings.clone(),
            expect_region,
            ..System::default()
        },
        by_res: FastMap::default(),
        by_key: FastMap::default(),
        backends: FastMap::default(),
        backend_detect: FastMap::default(),
        records: facts.tf.dns_records.iter().map(|r| (r.res, r)).collect(),
        answers: FastMap::default(),
        following: Vec::new(),
    };
    b.stores();
    for id in b.tf.of_types(LBS).collect::<Vec<_>>() {
        b.entry(id);
    }
    for id in b.tf.of_type(aws::EKS_CLUSTER).to_vec() {
        let c = b.cluster(id);
        b.sys.control.push(c);
    }
    b.self_managed_control_plane();
    b.declared();
    b.evidence_deps();
    b.roots();
    b.deploy();
    let mut sys = b.sys;
    sys.scenarios = scenario::all(&sys);
    sys.estimate = scenario::estimate(&sys);
    sys
}

impl<'a> Builder<'a> {
    fn add(&mut self, c: Component) -> CompId {
        if let Some(&i) = self.by_key.get(&c.key) {
            return i;
        }
        let res = c.res;
        self.by_key.insert(c.key.clone(), self.sys.components.len());
        self.sys.components.push(c);
        let id = self.sys.components.len() - 1;
        if let Some(r) = res {
            self.by_res.insert(r, id);
        }
        id
    }

    fn secs(&self, key: &str) -> u64 {
        self.sys.figures.secs(key)
    }

    fn region(&self, id: ResourceId) -> Option<String> {
        self.model.tf(id).region_name().map(str::to_string)
    }

    /// The zones a placed resource (load balancer, group) spans, from the placement facts.
    fn placed_zones(&self, id: ResourceId) -> Zones {
        let r = self.model.tf(id);
        if let Some(p) = self.tf.placement(id) {
            return Zones::Named {
                zones: p.zones.known.clone(),
                unknown: p.zones.unknown + usize::from(p.zones.open && p.zones.unknown == 0),
            };
        }
        // An instance: its zone, or its subnet's.
        if let Some(z) = r.value("availability_zone").and_then(Value::as_str) {
            return Zones::Named {
                zones: [z.to_string()].into(),
                unknown: 0,
            };
        }
        if let Some(s) = r.value("subnet_id") {
            let z = self
                .tf
                .subnet_zones(self.model, &Value::List(vec![s.clone()]));
            return Zones::Named {
                zones: z.known,
                unknown: z.unknown,
            };
        }
        Zones::Named {
            zones: BTreeSet::new(),
            unknown: 1,
        }
    }

    /// A Terraform resource's component key: its address.
    fn key(&self, id: ResourceId) -> String {
        self.model.tf(id).address.clone()
    }

    fn copy(&self, id: ResourceId, zones: Zones, standby: bool) -> Copy {
        Copy {
            region: self.region(id),
            zones,
            standby,
        }
    }

    fn manual(&self, automatic: bool, seconds: u64) -> u64 {
        if automatic {
            seconds
        } else {
            seconds + self.secs("manual_response")
        }
    }

    /// Whether the configuration says the failover of `key` is automated.
    fn automated(&self, key: &str, decl: &str) -> bool {
        self.sys
            .settings
            .automated_failover
            .iter()
            .any(|r| r.text == key || r.text == decl)
    }

    /// How the component of resource `id` fails over to another region: by itself, or when
    /// the configuration declares it automated, else by a person (after `response_time`).
    fn region_failover(
        &self,
        id: ResourceId,
        automatic_by_itself: bool,
        seconds: u64,
        rpo: Rpo,
        how: &str,
    ) -> Failover {
        let r = self.model.tf(id);
        let automatic = automatic_by_itself || self.automated(&r.address, r.declaration());
        Failover {
            automatic,
            seconds: self.manual(automatic, seconds),
            rpo,
            how: if automatic && !automatic_by_itself {
                format!("{how} (automated, as the configuration declares)")
            } else if automatic {
                how.to_string()
            } else {
                format!("{how}: a person has to start it")
            },
        }
    }

    // ---- data stores, keys and secrets ----

    /// Adds the stateful component of resource `id`; `members` (member clusters, replicas)
    /// are resources of the same component.
    fn add_store(&mut self, id: ResourceId, store: Store, members: Vec<ResourceId>) -> CompId {
        let mut c = Component::new(
            self.key(id),
            store.kind,
            Some(id),
            Place::Copies(store.copies),
        );
        c.stateful = true;
        c.figure = Some(store.figure);
        c.zone_failover = store.zone_failover;
        c.region_failover = store.region_failover;
        let cid = self.add(c);
        for m in members {
            self.by_res.insert(m, cid);
        }
        cid
    }

    /// An Aurora global database (its member clusters) or cluster (then the clusters
    /// replicating it): its copies, figure and zone failover, judged on the first `writers`
    /// clusters (those that may be the writer).
    fn aurora(
        &self,
        clusters: &[ResourceId],
        writers: usize,
    ) -> (Vec<Copy>, &'static str, Option<Failover>) {
        // Every cluster but the first is a standby. In a global database which one writes is
        // not known statically, so the loss of any member's region is a failover.
        let copies = clusters
            .iter()
            .enumerate()
            .map(|(i, &m)| self.copy(m, self.aurora_zones(m), i > 0))
            .collect();
        let zone_ok = clusters
            .iter()
            .take(writers)
            .all(|&m| self.aurora_zone_failover(m));
        let figure = if zone_ok {
            "aws_aurora_multi_az"
        } else {
            "aws_aurora_single_az"
        };
        (copies, figure, zone_ok.then(|| self.aurora_failover()))
    }

    fn stores(&mut self) {
        let (model, tf) = (self.model, self.tf);
        let not_null = |v: Option<&Value>| v.is_some_and(|v| *v != Value::Null);
        // Aurora global databases: one component over their member clusters.
        let mut in_global: BTreeSet<ResourceId> = BTreeSet::new();
        for g in tf.of_type(aws::RDS_GLOBAL_CLUSTER).to_vec() {
            let mut members = tf.referrers(model, g, aws::RDS_CLUSTER, "global_cluster_identifier");
            members.extend(
                model
                    .tf(g)
                    .value("source_db_cluster_identifier")
                    .map(Value::references)
                    .unwrap_or_default(),
            );
            members.sort();
            members.dedup();
            in_global.extend(members.iter().copied());
            let (copies, figure, zone_failover) = self.aurora(&members, members.len());
            let region_failover = (members.len() >= 2).then(|| {
                self.region_failover(
                    g,
                    false,
                    self.secs("aurora_global_failover"),
                    Rpo::Seconds(self.secs("aurora_global_lag")),
                    "a secondary region of the global database is promoted",
                )
            });
            let store = Store {
                kind: CompKind::DataStore,
                copies,
                figure,
                zone_failover,
                region_failover,
            };
            self.add_store(g, store, members);
        }
        for id in tf.of_type(aws::RDS_CLUSTER).to_vec() {
            if in_global.contains(&id)
                || not_null(model.tf(id).value("replication_source_identifier"))
            {
                continue;
            }
            let replicas =
                tf.referrers(model, id, aws::RDS_CLUSTER, "replication_source_identifier");
            let clusters: Vec<ResourceId> = std::iter::once(id)
                .chain(replicas.iter().copied())
                .collect();
            let (copies, figure, zone_failover) = self.aurora(&clusters, 1);
            let region_failover = (!replicas.is_empty()).then(|| {
                self.region_failover(
                    id,
                    false,
                    self.secs("rds_replica_promotion"),
                    Rpo::Seconds(self.secs("rds_replica_lag")),
                    "the cross-region replica cluster is promoted",
                )
            });
            let store = Store {
                kind: CompKind::DataStore,
                copies,
                figure,
                zone_failover,
                region_failover,
            };
            self.add_store(id, store, replicas);
        }
        for id in tf.of_type(aws::DB_INSTANCE).to_vec() {
            let r = model.tf(id);
            let aurora = r
                .value("engine")
                .and_then(Value::as_str)
                .is_some_and(|e| e.starts_with("aurora"));
            if aurora || not_null(r.value("replicate_source_db")) {
                continue;
            }
            let multi_az = r.value("multi_az").and_then(Value::as_bool) == Some(true);
            let zones = match (
                multi_az,
                r.value("availability_zone").and_then(Value::as_str),
            ) {
                (true, _) => Zones::Spread { copies: 2 },
                (false, Some(z)) => Zones::Named {
                    zones: [z.to_string()].into(),
                    unknown: 0,
                },
                (false, None) => Zones::Unplaced { copies: 1 },
            };
            let mut copies = vec![self.copy(id, zones, false)];
            // Read replicas in another region are standbys; those in its own add nothing a
            // region loss leaves.
            let replicas = tf.referrers(model, id, aws::DB_INSTANCE, "replicate_source_db");
            let home = self.region(id);
            let far: Vec<ResourceId> = replicas
                .iter()
                .copied()
                .filter(|&x| self.region(x) != home || home.is_none())
                .collect();
            for &rep in &far {
                copies.push(self.copy(rep, Zones::Unplaced { copies: 1 }, true));
            }
            let region_failover = (!far.is_empty()).then(|| {
                self.region_failover(
                    id,
                    false,
                    self.secs("rds_replica_promotion"),
                    Rpo::Seconds(self.secs("rds_replica_lag")),
                    "the cross-region read replica is promoted",
                )
            });
            let store = Store {
                kind: CompKind::DataStore,
                copies,
                figure: if multi_az {
                    "aws_rds_multi_az"
                } else {
                    "aws_rds_single_az"
                },
                zone_failover: multi_az.then(|| Failover {
                    automatic: true,
                    seconds: self.secs("rds_multi_az_failover"),
                    rpo: Rpo::Zero,
                    how: "RDS fails over to the standby in another zone".into(),
                }),
                region_failover,
            };
            self.add_store(id, store, replicas);
        }
        for id in tf.of_type(aws::ELASTICACHE_REPLICATION_GROUP).to_vec() {
            if self.by_res.contains_key(&id) {
                continue;
            }
            let r = model.tf(id);
            let auto = r
                .value("automatic_failover_enabled")
                .and_then(Value::as_bool)
                == Some(true);
            let nodes = num(r.value("num_cache_clusters"))
                .or_else(|| num(r.value("replicas_per_node_group")).map(|n| n + 1))
                .unwrap_or(1) as i64;
            let failover = auto && nodes >= 2;
            let zones = if failover {
                Zones::Spread { copies: nodes }
            } else {
                Zones::Unplaced { copies: nodes }
            };
            let mut copies = vec![self.copy(id, zones, false)];
            let others = tf.counterparts(model, id);
            for &o in &others {
                copies.push(self.copy(o, Zones::Unplaced { copies: 1 }, true));
            }
            let region_failover = (!others.is_empty()).then(|| {
                self.region_failover(
                    id,
                    false,
                    self.secs("elasticache_failover"),
                    Rpo::Seconds(self.secs("elasticache_global_lag")),
                    "a secondary cluster of the global datastore is promoted",
                )
            });
            let store = Store {
                kind: CompKind::DataStore,
                copies,
                figure: if auto {
                    "aws_elasticache_multi_az"
                } else {
                    "aws_elasticache_single_az"
                },
                zone_failover: failover.then(|| Failover {
                    automatic: true,
                    seconds: self.secs("elasticache_failover"),
                    rpo: Rpo::Seconds(self.secs("elasticache_replica_lag")),
                    how: "ElastiCache promotes a replica in another zone".into(),
                }),
                region_failover,
            };
            self.add_store(id, store, others);
        }
        for id in tf.of_type(aws::ELASTICACHE_CLUSTER).to_vec() {
            let r = model.tf(id);
            if not_null(r.value("replication_group_id")) {
                continue;
            }
            let nodes = num(r.value("num_cache_nodes")).unwrap_or(1) as i64;
            let zones = match r.value("preferred_availability_zones") {
                Some(v) if !v.is_unknown() => {
                    let z = TfFacts::listed_zones(v);
                    Zones::Named {
                        zones: z.known,
                        unknown: z.unknown,
                    }
                }
                _ => match r.value("availability_zone").and_then(Value::as_str) {
                    Some(z) => Zones::Named {
                        zones: [z.to_string()].into(),
                        unknown: 0,
                    },
                    None => Zones::Unplaced { copies: nodes },
                },
            };
            let store = Store {
                kind: CompKind::DataStore,
                copies: vec![self.copy(id, zones, false)],
                figure: "aws_elasticache_single_az",
                zone_failover: None,
                region_failover: None,
            };
            self.add_store(id, store, Vec::new());
        }
        for id in tf.of_type(aws::S3_BUCKET).to_vec() {
            if self.by_res.contains_key(&id) {
                continue;
            }
            let dests = tf.replication_destinations(model, id);
            let mut copies = vec![self.copy(id, Zones::Managed, false)];
            for &d in &dests {
                copies.push(self.copy(d, Zones::Managed, true));
            }
            let rpo = if self.s3_rtc(id) {
                Rpo::Seconds(self.secs("s3_rtc"))
            } else {
                Rpo::Unbounded
            };
            // Once a person decides, switching clients takes no more.
            let region_failover = (!dests.is_empty()).then(|| {
                self.region_failover(id, false, 0, rpo, "clients switch to the replica bucket")
            });
            let store = Store {
                kind: CompKind::DataStore,
                copies,
                figure: "aws_s3",
                zone_failover: None,
                region_failover,
            };
            self.add_store(id, store, dests);
        }
        // Copies in every region that all serve: DynamoDB global tables, multi-region KMS keys,
        // replicated secrets.
        for (rtype, kind, one, many, lag, how) in [
            (
                aws::DYNAMODB_TABLE,
                CompKind::DataStore,
                "aws_dynamodb",
                "aws_dynamodb_global",
                Some("dynamodb_global_lag"),
                "the replicas in other regions keep serving reads and writes",
            ),
            (
                aws::KMS_KEY,
                CompKind::Key,
                "aws_kms",
                "aws_kms",
                None,
                "its replicas in other regions keep serving",
            ),
            (
                aws::SECRETSMANAGER_SECRET,
                CompKind::Secret,
                "aws_secretsmanager",
                "aws_secretsmanager",
                None,
                "its replicas in other regions keep serving",
            ),
        ] {
            for id in tf.of_type(rtype).to_vec() {
                // Its region and its replicas' (inline blocks and replica resources), each
                // region once.
                let presence = tf.regions_of(model, id);
                let copies: Vec<Copy> = presence
                    .regions
                    .iter()
                    .map(|r| Some(r.clone()))
                    .chain((0..presence.unknown).map(|_| None))
                    .map(|region| Copy {
                        region,
                        zones: Zones::Managed,
                        standby: false,
                    })
                    .collect();
                let multi = copies.len() >= 2;
                let store = Store {
                    kind,
                    copies,
                    figure: if multi { many } else { one },
                    zone_failover: None,
                    region_failover: multi.then(|| Failover {
                        automatic: true,
                        seconds: 0,
                        rpo: lag.map_or(Rpo::Zero, |k| Rpo::Seconds(self.secs(k))),
                        how: how.into(),
                    }),
                };
                let replicas = tf.counterparts(model, id);
                self.add_store(id, store, replicas);
            }
        }
    }

    /// Whether an S3 bucket's replication has Replication Time Control on.
    fn s3_rtc(&self, bucket: ResourceId) -> bool {
        let (model, tf) = (self.model, self.tf);
        let on = |body: &Body| {
            body.blocks("rule").chain(body.blocks("rules")).any(|rule| {
                rule.body.blocks("destination").any(|d| {
                    d.body
                        .blocks("replication_time")
                        .any(|t| t.body.value("status").and_then(Value::as_str) == Some("Enabled"))
                })
            })
        };
        tf.referrers(
            model,
            bucket,
            aws::S3_BUCKET_REPLICATION_CONFIGURATION,
            "bucket",
        )
        .into_iter()
        .any(|cfg| on(&model.tf(cfg).body))
    }

    /// The zones of an Aurora cluster's instances (named when every instance names its zone).
    fn aurora_zones(&self, cluster: ResourceId) -> Zones {
        let (model, tf) = (self.model, self.tf);
        let instances = tf.referrers(
            model,
            cluster,
            aws::RDS_CLUSTER_INSTANCE,
            "cluster_identifier",
        );
        let named: Option<BTreeSet<String>> = instances
            .iter()
            .map(|&i| {
                model
                    .tf(i)
                    .value("availability_zone")
                    .and_then(Value::as_str)
                    .map(str::to_string)
            })
            .collect();
        match named {
            Some(z) if !z.is_empty() => Zones::Named {
                zones: z,
                unknown: 0,
            },
            _ => Zones::Spread {
                copies: instances.len() as i64,
            },
        }
    }

    /// Whether an Aurora cluster fails over by itself when its writer's zone is lost: two or
    /// more instances (a known count) that are not all in one zone.
    fn aurora_zone_failover(&self, cluster: ResourceId) -> bool {
        let (model, tf) = (self.model, self.tf);
        let instances = tf.referrers(
            model,
            cluster,
            aws::RDS_CLUSTER_INSTANCE,
            "cluster_identifier",
        );
        let known = !instances.iter().any(|i| model.tf(*i).count_unknown);
        let zones = self.aurora_zones(cluster);
        let spread = match &zones {
            Zones::Named { zones, .. } => zones.len() >= 2,
            _ => true,
        };
        let pinned = model
            .tf(cluster)
            .value("availability_zones")
            .map(TfFacts::listed_zones)
            .is_some_and(|z| z.unknown == 0 && z.count() < 2);
        known && instances.len() >= 2 && spread && !pinned
    }

    fn aurora_failover(&self) -> Failover {
        Failover {
            automatic: true,
            seconds: self.secs("aurora_failover"),
            rpo: Rpo::Zero,
            how: "Aurora promotes a reader in another zone".into(),
        }
    }

    // ---- entry points and compute ----

    /// Seconds a target group's health check takes to see a target down.
    fn tg_detect(&self, tg: Option<ResourceId>) -> u64 {
        let hc = tg.and_then(|t| self.model.tf(t).body.block("health_check"));
        let interval = hc
            .and_then(|h| num(h.body.value("interval")))
            .unwrap_or(self.secs("target_health_check_interval"));
        let threshold = hc
            .and_then(|h| num(h.body.value("unhealthy_threshold")))
            .unwrap_or(self.secs("target_unhealthy_threshold"));
        interval * threshold
    }

    fn entry(&mut self, id: ResourceId) -> CompId {
        if let Some(&c) = self.by_res.get(&id) {
            return c;
        }
        let (model, tf) = (self.model, self.tf);
        let mut c = Component::new(
            self.key(id),
            CompKind::EntryPoint,
            Some(id),
            Place::Copies(vec![self.copy(id, self.placed_zones(id), false)]),
        );
        c.figure = Some("aws_elb");
        // Clients keep the address of a lost node for the TTL of the load balancer's name.
        c.detect = self.secs("alias_ttl");
        // Listeners and their rules → target groups → what is attached to them.
        let mut tgs: Vec<ResourceId> = Vec::new();
        let mut listeners = Vec::new();
        for lt in [aws::LB_LISTENER, aws::ALB_LISTENER] {
            listeners.extend(tf.referrers(model, id, lt, "load_balancer_arn"));
        }
        for &l in &listeners.clone() {
            for rt in [aws::LB_LISTENER_RULE, aws::ALB_LISTENER_RULE] {
                listeners.extend(tf.referrers(model, l, rt, "listener_arn"));
            }
        }
        for l in listeners {
            let mut refs = Vec::new();
            refs_deep(&model.tf(l).body, &mut refs);
            tgs.extend(refs.into_iter().filter(|&r| is(model, r, TARGET_GROUPS)));
        }
        tgs.sort();
        tgs.dedup();
        let me = self.add(c);
        let mut groups: Vec<CompId> = Vec::new();
        for &tg in &tgs {
            for g in self.attached(tg) {
                let gc = self.group(g);
                // The target group's health check takes a lost instance out.
                let detect = self.tg_detect(Some(tg));
                self.backend_detect.insert(gc, detect);
                let c = &mut self.sys.components[gc];
                c.detect = c.detect.min(detect);
                if !groups.contains(&gc) {
                    groups.push(gc);
                }
            }
        }
        // A classic ELB: its instances, and groups naming it.
        if model.tf(id).rtype == aws::ELB {
            let mut found: Vec<ResourceId> = model
                .tf(id)
                .value("instances")
                .map(Value::references)
                .unwrap_or_default();
            found.extend(tf.referrers(model, id, aws::AUTOSCALING_GROUP, "load_balancers"));
            found.extend(
                tf.referrers(model, id, aws::AUTOSCALING_ATTACHMENT, "elb")
                    .into_iter()
                    .flat_map(|a| self.attachment_groups(a)),
            );
            for g in found.into_iter().filter(|&g| is(model, g, GROUPS)) {
                let gc = self.group(g);
                if !groups.contains(&gc) {
                    groups.push(gc);
                }
            }
        }
        self.backends.insert(me, groups);
        me
    }

    /// The groups, instances, functions and services attached to a target group.
    fn attached(&self, tg: ResourceId) -> Vec<ResourceId> {
        let (model, tf) = (self.model, self.tf);
        let (registrars, attachments) = tf.target_group_registrars(model, tg);
        let mut out = Vec::new();
        for r in registrars {
            if model.tf(r).rtype == aws::AUTOSCALING_ATTACHMENT {
                out.extend(self.attachment_groups(r));
            } else {
                out.push(r);
            }
        }
        for a in attachments {
            out.extend(
                model
                    .tf(a)
                    .value("target_id")
                    .map(Value::references)
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|&g| is(model, g, GROUPS)),
            );
        }
        out.sort();
        out.dedup();
        out
    }

    /// The group an `aws_autoscaling_attachment` names (an ASG, or a node group's ASG).
    fn attachment_groups(&self, a: ResourceId) -> Vec<ResourceId> {
        let model = self.model;
        model
            .tf(a)
            .value("autoscaling_group_name")
            .map(Value::references)
            .unwrap_or_default()
            .into_iter()
            .filter(|&g| is(model, g, GROUPS))
            .collect()
    }

    fn group(&mut self, id: ResourceId) -> CompId {
        if let Some(&c) = self.by_res.get(&id) {
            return c;
        }
        let r = self.model.tf(id);
        if r.rtype == aws::LAMBDA_FUNCTION {
            return self.function(id);
        }
        let zones = self.placed_zones(id);
        let multi = matches!(&zones, Zones::Named { zones, .. } if zones.len() >= 2);
        let mut c = Component::new(
            self.key(id),
            CompKind::Compute,
            Some(id),
            Place::Copies(vec![self.copy(id, zones, false)]),
        );
        let ecs = self.model.tf(id).rtype == aws::ECS_SERVICE;
        c.figure = Some(match (ecs, multi) {
            (false, true) => "aws_ec2_multi_az",
            (false, false) => "aws_ec2_single_az",
            (true, true) => "aws_ecs_multi_az",
            (true, false) => "aws_ecs_single_az",
        });
        c.detect = self.tg_detect(None);
        self.add(c)
    }

    /// A Lambda function behind a target group: Lambda runs it in every zone of the region,
    /// or, attached to a VPC, in the zones of its subnets.
    fn function(&mut self, id: ResourceId) -> CompId {
        let in_vpc = self
            .tf
            .placement(id)
            .is_some_and(|p| p.zones.open || !p.zones.known.is_empty() || p.zones.unknown > 0);
        let zones = if in_vpc {
            self.placed_zones(id)
        } else {
            Zones::Managed
        };
        let mut c = Component::new(
            self.key(id),
            CompKind::Compute,
            Some(id),
            Place::Copies(vec![self.copy(id, zones, false)]),
        );
        c.figure = Some("aws_lambda");
        self.add(c)
    }

    fn cluster(&mut self, id: ResourceId) -> CompId {
        let mut c = Component::new(
            self.key(id),
            CompKind::ControlPlane,
            Some(id),
            Place::Copies(vec![self.copy(id, Zones::Managed, false)]),
        );
        c.figure = Some("aws_eks");
        self.add(c)
    }

    /// A self-managed Kubernetes control plane (static pods or workloads running
    /// kube-apiserver and etcd), as one component.
    fn self_managed_control_plane(&mut self) {
        use crate::facts::ControlComponent;
        let api = self.facts.control_plane(ControlComponent::ApiServer);
        if api.is_empty() {
            return;
        }
        let members = self
            .facts
            .etcd_members
            .as_ref()
            .map(|(n, _)| *n)
            .or_else(|| Facts::instance_count(&api))
            .unwrap_or(1);
        let c = Component::new(
            "kubernetes control plane (self-managed)".into(),
            CompKind::ControlPlane,
            Some(api[0].res),
            Place::Copies(vec![Copy {
                region: None,
                zones: Zones::Unplaced { copies: members },
                standby: false,
            }]),
        );
        let id = self.add(c);
        self.sys.control.push(id);
    }

    /// A Kubernetes object's component key: `Kind/namespace/name` (`Kind/name` without a
    /// namespace); a second copy of the same object (another environment's directory) adds
    /// its file, so each copy is a component of its own.
    fn kubernetes_key(&self, res: ResourceId) -> String {
        let r = self.model.resource(res);
        let key = if r.namespace.is_empty() {
            format!("{}/{}", r.kind, r.name)
        } else {
            format!("{}/{}/{}", r.kind, r.namespace, r.name)
        };
        match self.by_key.get(&key) {
            Some(&c) if self.sys.components[c].res != Some(res) => {
                format!("{key} ({})", self.model.sources.get(r.source).path)
            }
            _ => key,
        }
    }

    /// Seconds a pod stays bound to an unreachable node before it is evicted: its
    /// `node.kubernetes.io/unreachable` toleration's `tolerationSeconds`, else the 300 s
    /// Kubernetes adds.
    fn eviction_after(&self, r: &crate::model::Resource, kind: WorkloadKind) -> u64 {
        crate::facts::pod_spec(r, kind)
            .and_then(|s| s.get("tolerations"))
            .into_iter()
            .flat_map(|t| t.items())
            .find(|t| {
                t.get("key").and_then(|k| k.as_str()) == Some("node.kubernetes.io/unreachable")
            })
            .and_then(|t| t.get("tolerationSeconds"))
            .and_then(|v| v.as_i64())
            .and_then(|n| u64::try_from(n).ok())
            .unwrap_or(self.secs("pod_eviction_toleration"))
    }

    /// A Kubernetes workload as a component (when a declaration names it).
    fn workload(&mut self, w: &Workload) -> CompId {
        if let Some(&c) = self.by_res.get(&w.res) {
            return c;
        }
        // 0: a replica count not known statically (a DaemonSet's, a template's).
        let n = w.replicas.unwrap_or(0);
        let zones = match w.placement.single_zone() {
            Some(z) => Zones::Named {
                zones: [z.to_string()].into(),
                unknown: 0,
            },
            None if w.placement.zone_spread && n >= 2 => Zones::Spread { copies: n },
            None => Zones::Unplaced { copies: n },
        };
        let spread = matches!(zones, Zones::Spread { .. });
        let stateful = matches!(w.role, Role::DataStore(_));
        let key = self.kubernetes_key(w.res);
        let mut c = Component::new(
            key,
            if stateful {
                CompKind::DataStore
            } else {
                CompKind::Compute
            },
            Some(w.res),
            Place::Copies(vec![Copy {
                region: None,
                zones,
                standby: false,
            }]),
        );
        c.stateful = stateful;
        c.figure = Some(if spread { "pods_spread" } else { "pods_single" });
        c.detect = self.secs("node_monitor_grace_period");
        // Pods of a lost zone's nodes are evicted and recreated elsewhere, unless they are
        // pinned to that zone or keep their data there (a StatefulSet's volumes are zonal).
        let pinned = w.placement.single_zone().is_some();
        if !pinned && w.kind != crate::facts::WorkloadKind::StatefulSet && w.kind.is_replicated() {
            let r = self.model.resource(w.res);
            c.reschedule =
                Some(self.secs("node_monitor_grace_period") + self.eviction_after(r, w.kind));
        }
        self.add(c)
    }

    // ---- dependencies ----

    /// The component a configuration reference names: a component key, a Terraform address
    /// or declaration, or a Kubernetes `Kind/name` / `Kind/namespace/name`.
    fn resolve(&mut self, reference: &Reference) -> Result<CompId, String> {
        let text = reference.text.trim();
        if let Some(&c) = self.by_key.get(text) {
            return Ok(c);
        }
        let model = self.model;
        let tf_match = model
            .tf_iter()
            .find(|(_, r)| r.address == text || r.declaration() == text)
            .map(|(id, _)| id);
        if let Some(id) = tf_match {
            if let Some(&c) = self.by_res.get(&id) {
                return Ok(c);
            }
            if is(model, id, GROUPS) {
                return Ok(self.group(id));
            }
            if is(model, id, LBS) {
                return Ok(self.entry(id));
            }
            return Err(format!(
                "{text} is a {} that the system view does not model yet",
                model.tf(id).rtype
            ));
        }
        let parts: Vec<&str> = text.split('/').collect();
        let (kind, ns, name) = match parts.as_slice() {
            [k, n] => (*k, None, *n),
            [k, ns, n] => (*k, Some(*ns), *n),
            _ => return Err(format!("nothing in the scan is named {text}")),
        };
        let facts = self.facts;
        let w = facts.workloads.iter().find(|w| {
            let r = model.resource(w.res);
            r.kind == kind && r.name == name && ns.is_none_or(|n| r.namespace == n)
        });
        match w {
            Some(w) => Ok(self.workload(w)),
            None => Err(format!("nothing in the scan is named {text}")),
        }
    }

    fn declared(&mut self) {
        let decls = self.sys.settings.depends_on.clone();
        for (from, tos) in decls {
            let from_c = match self.resolve(&from) {
                Ok(c) => c,
                Err(why) => {
                    self.sys.unresolved.push(Unresolved {
                        reference: from,
                        why,
                    });
                    continue;
                }
            };
            for to in tos {
                match self.resolve(&to) {
                    Ok(c) if c == from_c => {}
                    Ok(c) => {
                        let (from_kind, to_kind) = (
                            self.sys.components[from_c].kind,
                            self.sys.components[c].kind,
                        );
                        if from_kind == CompKind::EntryPoint && to_kind == CompKind::Compute {
                            let list = self.backends.entry(from_c).or_default();
                            if !list.contains(&c) {
                                list.push(c);
                            }
                        } else {
                            self.dep(
                                from_c,
                                c,
                                "declared in the configuration (system.depends_on)".into(),
                            );
                        }
                    }
                    Err(why) => self.sys.unresolved.push(Unresolved { reference: to, why }),
                }
            }
        }
        for r in self.sys.settings.automated_failover.clone() {
            if let Err(why) = self.resolve(&r) {
                self.sys.unresolved.push(Unresolved { reference: r, why });
            }
        }
    }

    fn dep(&mut self, from: CompId, to: CompId, why: String) {
        let c = &mut self.sys.components[from];
        if from != to && !c.deps.contains(&to) {
            c.deps.push(to);
            c.dep_evidence.push(why);
        }
    }

    /// Dependencies the Terraform references show: a component (or a member of it) that refers,
    /// directly or through resources that are not components (launch templates, policies),
    /// to a data store, key or secret.
    fn evidence_deps(&mut self) {
        let model = self.model;
        let mut edges: Vec<(CompId, CompId, String)> = Vec::new();
        let owned: Vec<(ResourceId, CompId)> = self.by_res.iter().map(|(r, c)| (*r, *c)).collect();
        for (res, from) in owned {
            let Entry::Terraform(_) = model.get(res) else {
                continue;
            };
            let mut seen = vec![res];
            let mut frontier = vec![res];
            for _ in 0..3 {
                let mut next = Vec::new();
                for r in frontier {
                    let mut refs = Vec::new();
                    refs_deep(&model.tf(r).body, &mut refs);
                    for t in refs {
                        if seen.contains(&t) {
                            continue;
                        }
                        seen.push(t);
                        match self.by_res.get(&t) {
                            Some(&to) if to != from => {
                                if self.sys.components[to].stateful {
                                    edges.push((
                                        from,
                                        to,
                                        format!(
                                            "{} refers to {}",
                                            model.tf(res).address,
                                            model.tf(t).address
                                        ),
                                    ));
                                }
                            }
                            Some(_) => {}
                            None => next.push(t),
                        }
                    }
                }
                frontier = next;
            }
        }
        edges.sort_by_key(|e| (e.0, e.1));
        for (from, to, why) in edges {
            self.dep(from, to, why);
        }
    }

    /// A component with what it needs: `All(c, deps...)`.
    fn with_deps(&self, c: CompId, depth: usize, seen: &mut Vec<CompId>) -> Expr {
        let deps = &self.sys.components[c].deps;
        if deps.is_empty() || depth >= MAX_DEPTH || seen.contains(&c) {
            return Expr::Comp(c);
        }
        seen.push(c);
        let mut parts = vec![Expr::Comp(c)];
        for &d in deps {
            parts.push(self.with_deps(d, depth + 1, seen));
        }
        seen.pop();
        Expr::All(parts)
    }

    /// An entry point's path: itself, what it needs, and its backends.
    fn entry_path(&self, e: CompId) -> Expr {
        let mut parts = vec![self.with_deps(e, 0, &mut Vec::new())];
        let groups = self.backends.get(&e).cloned().unwrap_or_default();
        if groups.is_empty() {
            let why = format!(
                "what {} forwards to is not in the scan (declare it under system.depends_on)",
                self.sys.components[e].key
            );
            // Its targets are in its own region, when that is known.
            let region = self.sys.components[e]
                .res
                .and_then(|r| match self.model.get(r) {
                    Entry::Terraform(t) => t.region_name().map(str::to_string),
                    _ => None,
                });
            parts.push(match region {
                Some(r) => Expr::UnknownIn(why, r),
                None => Expr::Unknown(why),
            });
        } else {
            let detect = groups
                .iter()
                .filter_map(|g| self.backend_detect.get(g))
                .max()
                .copied()
                .unwrap_or(self.sys.components[e].detect);
            let paths: Vec<Expr> = groups
                .iter()
                .map(|&g| self.with_deps(g, 0, &mut Vec::new()))
                .collect();
            parts.push(Expr::Any(paths, Switch::Balanced { detect }));
        }
        Expr::All(parts)
    }

    // ---- serving roots ----

    fn dns_provider(&mut self, provider: &'static str) -> CompId {
        let mut c = Component::new(
            format!("dns:{provider}"),
            CompKind::DnsProvider,
            None,
            Place::Global,
        );
        c.provider = Some(provider.to_string());
        c.figure = dns_figure(provider);
        self.add(c)
    }

    fn roots(&mut self) {
        let model = self.model;
        // Public names → per provider, its records.
        let mut names: BTreeMap<String, BTreeMap<&'static str, Vec<&'a DnsRecord>>> =
            BTreeMap::new();
        for rec in &self.tf.dns_records {
            if rec.private != Some(false)
                || model.tf(rec.res).mode != crate::model::terraform::Mode::Managed
                || !serves_traffic(model.tf(rec.res))
            {
                continue;
            }
            if let Some(fqdn) = &rec.fqdn {
                names
                    .entry(fqdn.clone())
                    .or_default()
                    .entry(rec.kind.provider)
                    .or_default()
                    .push(rec);
            }
        }
        let mut lb_names: BTreeMap<String, Vec<ResourceId>> = BTreeMap::new();
        for lb in self.tf.of_type(cloudflare::LOAD_BALANCER).to_vec() {
            if let Some(fqdn) = self.cloudflare_lb_fqdn(lb) {
                lb_names.entry(fqdn.clone()).or_default().push(lb);
                names
                    .entry(fqdn)
                    .or_default()
                    .entry("Cloudflare")
                    .or_default();
            }
        }
        // Names other records alias to are parts of those names' answers (a weighted set
        // behind a failover record), not entry points of their own.
        let mut aliased: BTreeSet<String> = BTreeSet::new();
        for rec in &self.tf.dns_records {
            let r = model.tf(rec.res);
            for (block, attr) in rec.kind.targets {
                let v = match block {
                    Some(b) => r.body.block(b).and_then(|x| x.body.value(attr)),
                    None => r.value(attr),
                };
                for t in v.map(Value::references).unwrap_or_default() {
                    if let Some(f) = self.records.get(&t).and_then(|x| x.fqdn.clone())
                        && rec.fqdn.as_ref() != Some(&f)
                    {
                        aliased.insert(f);
                    }
                }
            }
        }
        names.retain(|fqdn, _| !aliased.contains(fqdn));
        // The providers hosting each name's zone.
        let mut hosts: BTreeMap<String, BTreeSet<&'static str>> = BTreeMap::new();
        for rec in &self.tf.dns_records {
            if let (Some(fqdn), Some(domain)) = (&rec.fqdn, &rec.domain) {
                for z in self.tf.dns_domains.get(domain).into_iter().flatten() {
                    hosts.entry(fqdn.clone()).or_default().insert(z.provider);
                }
            }
        }
        let mut reached: Vec<CompId> = Vec::new();
        for (fqdn, providers) in names {
            let also: Vec<&'static str> = hosts
                .get(&fqdn)
                .into_iter()
                .flatten()
                .filter(|p| !providers.contains_key(*p))
                .copied()
                .collect();
            let also_hosted: Vec<CompId> = also.into_iter().map(|p| self.dns_provider(p)).collect();
            let mut answers = Vec::new();
            for (provider, recs) in providers {
                let p = self.dns_provider(provider);
                let mut parts = Vec::new();
                if provider == "Cloudflare" {
                    for &lb in lb_names.get(&fqdn).into_iter().flatten() {
                        parts.push(self.cloudflare_lb(lb));
                    }
                }
                if !recs.is_empty() {
                    parts.push(self.answer_for(provider, &fqdn, 0));
                }
                let answer = if parts.len() == 1 {
                    parts.remove(0)
                } else {
                    Expr::All(parts)
                };
                answer.components(&mut reached);
                answers.push((p, answer));
            }
            self.sys.roots.push(Root::Name(Name {
                fqdn,
                answers,
                also_hosted,
            }));
        }
        self.kubernetes_roots();
        // Entry points no public name leads to: roots of their own, when internet-facing.
        for id in self.tf.of_types(LBS).collect::<Vec<_>>() {
            let Some(&c) = self.by_res.get(&id) else {
                continue;
            };
            if reached.contains(&c)
                || self.model.tf(id).value("internal").and_then(Value::as_bool) == Some(true)
            {
                continue;
            }
            let path = self.entry_path(c);
            let title = self.sys.components[c].key.clone();
            self.sys.roots.push(Root::Entry(title, path));
        }
    }

    /// What `provider` answers for `fqdn` when a record aliases it (or a CNAME names it):
    /// computed once per name, and a name that leads back to itself is a loop, not followed.
    fn answer_for(&mut self, provider: &str, fqdn: &str, depth: usize) -> Expr {
        let key = (provider.to_string(), fqdn.to_string());
        if let Some(e) = self.answers.get(&key) {
            return e.clone();
        }
        if self.following.contains(&key) {
            return Expr::Unknown(format!("the DNS aliases of {fqdn} lead back to it"));
        }
        let recs: Vec<&'a DnsRecord> = self
            .tf
            .dns_records
            .iter()
            .filter(|x| x.fqdn.as_deref() == Some(fqdn) && x.kind.provider == provider)
            .collect();
        self.following.push(key.clone());
        let e = self.answer(&recs, depth);
        self.following.pop();
        self.answers.insert(key, e.clone());
        e
    }

    /// What a provider answers for one name, from its records there.
    fn answer(&mut self, recs: &[&'a DnsRecord], depth: usize) -> Expr {
        let model = self.model;
        if depth >= MAX_DEPTH {
            return Expr::Unknown("DNS aliases nested too deep to follow".into());
        }
        let mut primary = Vec::new();
        let mut secondary = Vec::new();
        let mut shared = Vec::new();
        let mut plain = Vec::new();
        for rec in recs {
            let r = model.tf(rec.res);
            if let Some(policy) = r.body.block("failover_routing_policy") {
                match policy.body.value("type").and_then(Value::as_str) {
                    Some("PRIMARY") => primary.push(*rec),
                    Some("SECONDARY") => secondary.push(*rec),
                    _ => {
                        return Expr::Unknown(format!(
                            "the failover type of {} is not known statically",
                            r.address
                        ));
                    }
                }
            } else if [
                "weighted_routing_policy",
                "latency_routing_policy",
                "geolocation_routing_policy",
                "geoproximity_routing_policy",
                "cidr_routing_policy",
            ]
            .iter()
            .any(|b| r.body.block(b).is_some())
                || r.value("multivalue_answer_routing_policy")
                    .and_then(Value::as_bool)
                    == Some(true)
            {
                shared.push(*rec);
            } else {
                plain.push(*rec);
            }
        }
        let mut parts = Vec::new();
        if !primary.is_empty() || !secondary.is_empty() {
            let p = self.checked_set(&primary, depth);
            let s = self.checked_set(&secondary, depth);
            let checked = primary.iter().all(|r| self.health_checked(r) == Some(true));
            let unknown_check = primary.iter().any(|r| self.health_checked(r).is_none());
            let detect = primary
                .iter()
                .map(|r| self.record_detect(r))
                .max()
                .unwrap_or(0);
            let ttl = primary
                .iter()
                .map(|r| self.record_ttl(r))
                .max()
                .unwrap_or(0);
            parts.push(match (primary.is_empty(), secondary.is_empty()) {
                (true, _) => s,
                (false, true) => p,
                _ if unknown_check => Expr::Unknown(format!(
                    "whether Route 53 checks the health of {} is not known statically",
                    model.tf(primary[0].res).address
                )),
                // Without a health check, Route 53 takes the primary as healthy and always
                // answers with it.
                _ if !checked => p,
                _ => Expr::Any(
                    vec![p, s],
                    Switch::Failover {
                        detect,
                        then: ttl,
                        automatic: true,
                    },
                ),
            });
        }
        if !shared.is_empty() {
            parts.push(self.checked_set(&shared, depth));
        }
        for rec in plain {
            let t = self.target(rec, depth);
            if !parts.contains(&t) {
                parts.push(t);
            }
        }
        match parts.len() {
            0 => Expr::Unknown("no record answers for this name".into()),
            1 => parts.remove(0),
            _ => Expr::All(parts),
        }
    }

    /// Records answered together: those whose health is checked are alternatives, the others
    /// are always answered (each must work).
    fn checked_set(&mut self, recs: &[&'a DnsRecord], depth: usize) -> Expr {
        let mut checked = Vec::new();
        let mut always = Vec::new();
        let mut detect = 0;
        for rec in recs {
            let t = self.target(rec, depth);
            match self.health_checked(rec) {
                // Records answering with the same path (weighted records to one name) are
                // one alternative.
                Some(true) => {
                    detect = detect.max(self.record_detect(rec) + self.record_ttl(rec));
                    if !checked.contains(&t) {
                        checked.push(t);
                    }
                }
                Some(false) if !always.contains(&t) => always.push(t),
                Some(false) => {}
                None => always.push(Expr::Unknown(format!(
                    "whether Route 53 checks the health of {} is not known statically",
                    self.model.tf(rec.res).address
                ))),
            }
        }
        let mut parts = always;
        match checked.len() {
            0 => {}
            1 => parts.push(checked.remove(0)),
            _ => parts.push(Expr::Any(checked, Switch::Balanced { detect })),
        }
        if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::All(parts)
        }
    }

    fn health_checked(&self, rec: &DnsRecord) -> Option<bool> {
        let r = self.model.tf(rec.res);
        if r.rtype == aws::ROUTE53_RECORD {
            crate::facts::terraform::record_health_checked(self.model, r)
        } else {
            Some(false)
        }
    }

    /// Seconds Route 53 takes to see a record's target down: its health check's interval ×
    /// failure threshold, or the target group's when the alias evaluates target health.
    fn record_detect(&self, rec: &DnsRecord) -> u64 {
        let model = self.model;
        let r = model.tf(rec.res);
        let check = r
            .value("health_check_id")
            .map(Value::references)
            .unwrap_or_default()
            .into_iter()
            .find(|c| model.tf(*c).rtype == aws::ROUTE53_HEALTH_CHECK);
        match check {
            Some(c) => {
                let hc = model.tf(c);
                num(hc.value("request_interval"))
                    .unwrap_or(self.secs("route53_health_check_interval"))
                    * num(hc.value("failure_threshold"))
                        .unwrap_or(self.secs("route53_failure_threshold"))
            }
            None => self.tg_detect(None),
        }
    }

    fn record_ttl(&self, rec: &DnsRecord) -> u64 {
        let r = self.model.tf(rec.res);
        num(r.value("ttl")).unwrap_or(self.secs("alias_ttl"))
    }

    /// The path one record answers with.
    fn target(&mut self, rec: &DnsRecord, depth: usize) -> Expr {
        let model = self.model;
        let r = model.tf(rec.res);
        let value = rec
            .kind
            .targets
            .iter()
            .find_map(|(block, attr)| match block {
                Some(b) => r.body.block(b).and_then(|x| x.body.value(attr)),
                None => r.value(attr),
            });
        let Some(value) = value else {
            return Expr::Unknown(format!(
                "what {} answers with is not known statically",
                r.address
            ));
        };
        let refs = value.references();
        if refs.is_empty() {
            // A CNAME (or alias) naming another record of the provider by its name.
            let names: Vec<String> = match value {
                Value::List(_) => value
                    .elements()
                    .into_iter()
                    .filter_map(Value::as_str)
                    .collect::<Vec<_>>(),
                _ => value.as_str().into_iter().collect::<Vec<_>>(),
            }
            .into_iter()
            .map(crate::facts::terraform::normalize_domain)
            .collect();
            let provider = rec.kind.provider;
            if let [name] = names.as_slice()
                && rec.fqdn.as_ref() != Some(name)
                && self
                    .tf
                    .dns_records
                    .iter()
                    .any(|x| x.kind.provider == provider && x.fqdn.as_ref() == Some(name))
            {
                return self.answer_for(provider, name, depth + 1);
            }
            let shown = value
                .as_str()
                .map_or_else(|| value.to_string(), str::to_string);
            return Expr::Unknown(format!(
                "{} answers with {shown}, which is not in the scan",
                r.address
            ));
        }
        let mut parts = Vec::new();
        for t in refs {
            parts.push(self.target_of(t, rec.kind.provider, depth));
        }
        if parts.len() == 1 {
            parts.remove(0)
        } else {
            Expr::All(parts)
        }
    }

    /// The path of a resource a DNS answer names: a load balancer, another record.
    fn target_of(&mut self, t: ResourceId, provider: &str, depth: usize) -> Expr {
        let model = self.model;
        if is(model, t, LBS) {
            let e = self.entry(t);
            return self.entry_path(e);
        }
        if let Some(&target) = self.records.get(&t)
            && let Some(fqdn) = &target.fqdn
        {
            return self.answer_for(provider, fqdn, depth + 1);
        }
        Expr::Unknown(format!(
            "a DNS answer leads to {}, which the system view does not model yet",
            model.tf(t).address
        ))
    }

    fn cloudflare_lb_fqdn(&self, lb: ResourceId) -> Option<String> {
        let model = self.model;
        let r = model.tf(lb);
        let name = r
            .value("name")?
            .as_str()?
            .trim_end_matches('.')
            .to_ascii_lowercase();
        let zone = r.value("zone_id")?.references().first().copied();
        let domain = zone.and_then(|z| {
            let zr = model.tf(z);
            zr.value("zone")
                .or_else(|| zr.value("name"))
                .and_then(Value::as_str)
                .map(|d| d.trim_end_matches('.').to_ascii_lowercase())
        });
        match domain {
            Some(d) if name == d || name.ends_with(&format!(".{d}")) => Some(name),
            Some(d) if name == "@" => Some(d),
            Some(d) => Some(format!("{name}.{d}")),
            None if name.contains('.') => Some(name),
            None => None,
        }
    }

    /// A Cloudflare load balancer's answer: its pools in order (default pools, then the
    /// fallback), failing over when monitors see a pool down.
    fn cloudflare_lb(&mut self, lb: ResourceId) -> Expr {
        let model = self.model;
        let r = model.tf(lb);
        let mut pools: Vec<ResourceId> = r
            .value("default_pool_ids")
            .map(Value::references)
            .unwrap_or_default();
        for p in r
            .value("fallback_pool_id")
            .map(Value::references)
            .unwrap_or_default()
        {
            if !pools.contains(&p) {
                pools.push(p);
            }
        }
        if pools.is_empty() {
            return Expr::Unknown(format!("the pools of {} are not in the scan", r.address));
        }
        let mut c = Component::new(self.key(lb), CompKind::EntryPoint, Some(lb), Place::Global);
        c.provider = Some("Cloudflare".into());
        c.figure = Some("cloudflare_load_balancing");
        let me = self.add(c);
        let mut alternatives = Vec::new();
        let mut monitored = true;
        let mut detect = 0;
        for p in pools {
            let pool = model.tf(p);
            let monitor = pool
                .value("monitor")
                .map(Value::references)
                .unwrap_or_default()
                .first()
                .copied();
            match monitor {
                Some(m) => {
                    let mr = model.tf(m);
                    let interval = num(mr.value("interval"))
                        .unwrap_or(self.secs("cloudflare_monitor_interval"));
                    let retries =
                        num(mr.value("retries")).unwrap_or(self.secs("cloudflare_monitor_retries"));
                    detect = detect.max(interval * (retries + 1));
                }
                None => monitored = false,
            }
            let mut origins = Vec::new();
            for o in pool.body.blocks("origins") {
                if o.body.value("enabled").and_then(Value::as_bool) == Some(false) {
                    continue;
                }
                let refs = o
                    .body
                    .value("address")
                    .map(Value::references)
                    .unwrap_or_default();
                match refs.first() {
                    Some(&t) => origins.push(self.target_of(t, "Cloudflare", 0)),
                    None => origins.push(Expr::Unknown(format!(
                        "an origin of {} is an address that is not in the scan",
                        pool.address
                    ))),
                }
            }
            alternatives.push(match origins.len() {
                0 => Expr::Unknown(format!("{} has no origin", pool.address)),
                1 => origins.remove(0),
                _ if monitor.is_some() => Expr::Any(origins, Switch::Balanced { detect }),
                _ => Expr::All(origins),
            });
        }
        let path = if !monitored {
            // Without monitors, Cloudflare keeps answering with the first pool.
            alternatives.remove(0)
        } else if alternatives.len() == 1 {
            alternatives.remove(0)
        } else {
            Expr::Any(
                alternatives,
                Switch::Failover {
                    detect,
                    then: num(r.value("ttl")).unwrap_or(30),
                    automatic: true,
                },
            )
        };
        Expr::All(vec![Expr::Comp(me), path])
    }

    // ---- Kubernetes serving paths ----

    /// What a Service sends traffic to: its selected workloads, load-balanced (Kubernetes takes
    /// the pods of a lost node out of the endpoints after the node monitor grace period).
    fn service_backends(&mut self, svc: ResourceId) -> Expr {
        let (model, facts) = (self.model, self.facts);
        let r = model.resource(svc);
        let selector = r
            .root()
            .path(&["spec", "selector"])
            .map(|s| crate::facts::Selector::from_map(&s));
        let Some(selector) = selector.filter(|s| !s.is_empty()) else {
            return Expr::Unknown(format!(
                "Service {}/{} has no selector: its endpoints are not in the scan",
                r.namespace, r.name
            ));
        };
        let workloads = facts.selected_by(model, r, &selector);
        if workloads.is_empty() {
            return Expr::Unknown(format!(
                "no workload of the scan has the pods Service {}/{} selects",
                r.namespace, r.name
            ));
        }
        let mut comps = Vec::new();
        for w in workloads {
            comps.push(self.workload(w));
        }
        let paths: Vec<Expr> = comps
            .iter()
            .map(|&c| self.with_deps(c, 0, &mut Vec::new()))
            .collect();
        if paths.len() == 1 {
            paths.into_iter().next().unwrap_or(Expr::All(Vec::new()))
        } else {
            Expr::Any(
                paths,
                Switch::Balanced {
                    detect: self.secs("node_monitor_grace_period"),
                },
            )
        }
    }

    /// A cloud load balancer Kubernetes creates (for a LoadBalancer Service or an ingress
    /// controller): the cloud provider places it in every zone the cluster has subnets for.
    fn kubernetes_entry(&mut self, res: ResourceId, key: String) -> CompId {
        let mut c = Component::new(
            key,
            CompKind::EntryPoint,
            Some(res),
            Place::Copies(vec![Copy {
                region: None,
                zones: Zones::Managed,
                standby: false,
            }]),
        );
        c.figure = Some("cloud_load_balancer");
        c.detect = self.secs("alias_ttl");
        self.add(c)
    }

    /// Roots for Kubernetes entry points: LoadBalancer Services and Ingresses, through the
    /// workloads they reach, with the data stores those name in their environment.
    fn kubernetes_roots(&mut self) {
        let (model, facts) = (self.model, self.facts);
        self.workload_deps();
        let k8s: Vec<(ResourceId, bool)> = model
            .iter()
            .filter_map(|(id, r)| {
                if crate::facts::load_balancer_type(r).is_some() {
                    Some((id, true))
                } else if crate::facts::is_ingress(r) {
                    Some((id, false))
                } else {
                    None
                }
            })
            .collect();
        // Services by namespace and name (the first copy, as the model orders them).
        let mut services: BTreeMap<(&str, &str), ResourceId> = BTreeMap::new();
        for (id, r) in model.iter() {
            if r.kind == "Service" && r.group().is_empty() {
                services
                    .entry((r.namespace.as_str(), r.name.as_str()))
                    .or_insert(id);
            }
        }
        let controllers: Vec<&Workload> = facts
            .workloads
            .iter()
            .filter(|w| w.role == Role::IngressController)
            .collect();
        for (id, is_service) in k8s {
            let r = model.resource(id);
            let key = self.kubernetes_key(id);
            let path = if is_service {
                let entry = self.kubernetes_entry(id, key.clone());
                Expr::All(vec![Expr::Comp(entry), self.service_backends(id)])
            } else {
                // The ingress controller's pods (behind its own load balancer, which is not
                // the Ingress's), then each backend Service.
                let mut parts = Vec::new();
                if controllers.is_empty() {
                    parts.push(Expr::Unknown(
                        "the ingress controller is not in the scan".to_string(),
                    ));
                } else {
                    let ctl: Vec<Expr> = controllers
                        .iter()
                        .map(|w| Expr::Comp(self.workload(w)))
                        .collect();
                    parts.push(if ctl.len() == 1 {
                        ctl.into_iter().next().unwrap_or(Expr::All(Vec::new()))
                    } else {
                        Expr::Any(
                            ctl,
                            Switch::Balanced {
                                detect: self.secs("node_monitor_grace_period"),
                            },
                        )
                    });
                }
                let mut names: Vec<String> = Vec::new();
                let spec = r.root().get("spec");
                let mut backend = |b: Option<crate::model::Val<'_>>| {
                    if let Some(n) = b
                        .and_then(|b| {
                            b.path(&["service", "name"])
                                .or_else(|| b.get("serviceName"))
                        })
                        .and_then(|n| n.as_str())
                        && !names.iter().any(|x| x == n)
                    {
                        names.push(n.to_string());
                    }
                };
                backend(spec.and_then(|s| s.get("defaultBackend").or_else(|| s.get("backend"))));
                for rule in spec
                    .and_then(|s| s.get("rules"))
                    .into_iter()
                    .flat_map(|x| x.items())
                {
                    for p in rule
                        .path(&["http", "paths"])
                        .into_iter()
                        .flat_map(|x| x.items())
                    {
                        backend(p.get("backend"));
                    }
                }
                if names.is_empty() {
                    parts.push(Expr::Unknown(format!(
                        "Ingress {}/{} names no backend Service",
                        r.namespace, r.name
                    )));
                }
                for n in names {
                    match services.get(&(r.namespace.as_str(), n.as_str())).copied() {
                        Some(svc) => parts.push(self.service_backends(svc)),
                        None => parts.push(Expr::Unknown(format!(
                            "Service {}/{n} is not in the scan",
                            r.namespace
                        ))),
                    }
                }
                Expr::All(parts)
            };
            self.sys.roots.push(Root::Entry(key, path));
        }
    }

    /// Data stores a workload names in its environment: a value that is (or holds as a host) the
    /// name of a Service selecting a data store StatefulSet (`postgres`, `postgres.db`,
    /// `postgres.db.svc.cluster.local:5432`, `redis://redis:6379/0`).
    fn workload_deps(&mut self) {
        let (model, facts) = (self.model, self.facts);
        let stores: Vec<&Workload> = facts
            .workloads
            .iter()
            .filter(|w| matches!(w.role, Role::DataStore(_)))
            .collect();
        if stores.is_empty() {
            return;
        }
        // Services selecting a data store: (namespace, name) → the store workloads.
        let mut by_name: BTreeMap<(String, String), Vec<&Workload>> = BTreeMap::new();
        for (_, r) in model.iter() {
            if r.kind != "Service" || !r.group().is_empty() {
                continue;
            }
            let Some(sel) = r.root().path(&["spec", "selector"]) else {
                continue;
            };
            let selected = facts.selected_by(model, r, &crate::facts::Selector::from_map(&sel));
            let data: Vec<&Workload> = selected
                .into_iter()
                .filter(|w| matches!(w.role, Role::DataStore(_)))
                .collect();
            if !data.is_empty() {
                by_name.insert((r.namespace.clone(), r.name.clone()), data);
            }
        }
        if by_name.is_empty() {
            return;
        }
        let mut edges: Vec<(&Workload, &Workload, String)> = Vec::new();
        for w in &facts.workloads {
            if matches!(w.role, Role::DataStore(_)) {
                continue;
            }
            let r = model.resource(w.res);
            let Some(spec) = crate::facts::pod_spec(r, w.kind) else {
                continue;
            };
            let envs = spec
                .get("containers")
                .into_iter()
                .flat_map(|c| c.items())
                .flat_map(|c| c.get("env").into_iter().flat_map(|e| e.items()));
            for e in envs {
                let Some(value) = e.get("value").and_then(|v| v.as_str()) else {
                    continue;
                };
                let host = value
                    .split_once("://")
                    .map_or(value, |(_, rest)| rest)
                    .rsplit('@')
                    .next()
                    .unwrap_or(value);
                let host = host.split(['/', ':', '?']).next().unwrap_or(host);
                let mut parts = host.split('.');
                let name = parts.next().unwrap_or("");
                let ns = parts.next().unwrap_or(&r.namespace);
                let rest: Vec<&str> = parts.collect();
                // `name`, `name.ns`, `name.ns.svc`, `name.ns.svc.cluster.local` only.
                if !(rest.is_empty() || rest[0] == "svc") || name.is_empty() {
                    continue;
                }
                if let Some(targets) = by_name.get(&(ns.to_string(), name.to_string())) {
                    let env_name = e.get("name").and_then(|n| n.as_str()).unwrap_or("env");
                    for t in targets {
                        edges.push((w, t, format!("{} sets {env_name} to {value}", r.display())));
                    }
                }
            }
        }
        for (from, to, why) in edges {
            let f = self.workload(from);
            let t = self.workload(to);
            self.dep(f, t, why);
        }
    }

    // ---- deploy path ----

    fn deploy(&mut self) {
        let (model, facts) = (self.model, self.facts);
        if facts.gitops_engines.is_empty() && facts.ci.deploy_jobs.is_empty() {
            return;
        }
        let mut routes = Vec::new();
        // Registries: every host images come from, unless mirrored.
        let hosts: BTreeSet<String> = facts.ci.images.iter().map(|i| i.host.clone()).collect();
        let mut registries = Vec::new();
        for h in hosts {
            if facts.ci.mirror_of(&h).is_some() {
                continue;
            }
            let mut c = Component::new(
                format!("registry:{h}"),
                CompKind::Registry,
                None,
                Place::Global,
            );
            c.provider = Some(h.clone());
            registries.push(Expr::Comp(self.add(c)));
        }
        let git = |b: &mut Builder<'a>, host: &str| {
            let mut c = Component::new(
                format!("git:{host}"),
                CompKind::GitHost,
                None,
                Place::Global,
            );
            c.provider = Some(host.to_string());
            b.add(c)
        };
        for (&engine, ids) in &facts.gitops_engines {
            let key = match engine {
                Engine::ArgoCd => "gitops:argocd",
                Engine::Flux => "gitops:flux",
            };
            let pods: Vec<&Workload> = facts
                .workloads
                .iter()
                .filter(|w| matches!(&w.role, Role::GitOps { engine: e, .. } if *e == engine))
                .collect();
            // The engine serves while each of its components has a pod: its weakest one.
            let zones = if pods.is_empty() {
                Zones::Unplaced { copies: 1 }
            } else if pods
                .iter()
                .all(|w| w.placement.zone_spread && w.replicas.is_some_and(|n| n >= 2))
            {
                Zones::Spread {
                    copies: pods.iter().filter_map(|w| w.replicas).min().unwrap_or(2),
                }
            } else {
                let n = pods
                    .iter()
                    .filter(|w| w.kind != WorkloadKind::Pod)
                    .filter_map(|w| w.replicas)
                    .min()
                    .unwrap_or(1);
                Zones::Unplaced { copies: n }
            };
            let c = Component::new(
                key.into(),
                CompKind::GitOps,
                ids.first().copied(),
                Place::Copies(vec![Copy {
                    region: None,
                    zones,
                    standby: false,
                }]),
            );
            let me = self.add(c);
            let hosts: BTreeSet<&str> = facts
                .git_sources
                .iter()
                .filter(|s| {
                    let r = model.resource(s.res);
                    match engine {
                        Engine::ArgoCd => r.group() == "argoproj.io",
                        Engine::Flux => r.group().ends_with(".toolkit.fluxcd.io"),
                    }
                })
                .map(|s| s.host.as_str())
                .collect();
            let sources = if hosts.is_empty() {
                Expr::Unknown(format!(
                    "the git sources of {} are not in the scan",
                    engine.as_str()
                ))
            } else {
                let alts: Vec<Expr> = hosts.iter().map(|h| Expr::Comp(git(self, h))).collect();
                if alts.len() == 1 {
                    alts.into_iter().next().unwrap_or(Expr::All(Vec::new()))
                } else {
                    Expr::Any(
                        alts,
                        Switch::Failover {
                            detect: 0,
                            then: 0,
                            automatic: false,
                        },
                    )
                }
            };
            let mut parts = vec![Expr::Comp(me), sources];
            parts.extend(registries.iter().cloned());
            routes.push(Expr::All(parts));
        }
        let deploying: BTreeSet<crate::model::pipeline::CiSystem> = facts
            .ci
            .deploy_jobs
            .iter()
            .map(|d| model.job(d.res).system)
            .collect();
        for system in deploying {
            let mut c = Component::new(
                format!("ci:{}", system.key()),
                CompKind::CiSystem,
                None,
                Place::Global,
            );
            c.provider = system.git_host().map(str::to_string);
            let me = self.add(c);
            let mut parts = vec![Expr::Comp(me)];
            if let Some(h) = system.git_host() {
                parts.push(Expr::Comp(git(self, h)));
            }
            parts.extend(registries.iter().cloned());
            routes.push(Expr::All(parts));
        }
        self.sys.deploy = match routes.len() {
            0 => None,
            1 => routes.pop(),
            _ => Some(Expr::Any(
                routes,
                Switch::Failover {
                    detect: 0,
                    then: 0,
                    automatic: false,
                },
            )),
        };
    }
}
