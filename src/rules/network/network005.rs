//! NETWORK005: a DNS name whose records, together, point at fewer than `min_load_balancers`
//! load balancers: that one load balancer is the entry point's single point of failure.
//!
//! A name is judged across DNS providers: the records of every public zone whose domain is
//! known are taken together by fully qualified name (a Route 53 failover pair and a Cloudflare
//! record for `app.example.com` are one entry point). A record whose zone is private, or not
//! known well enough to say which public name it is, is judged with the records of its own
//! zone only, as before.

use std::collections::BTreeMap;

use crate::facts::terraform::DnsRecord;
use crate::rules::prelude::*;

const LOAD_BALANCERS: &[ResourceType] = &[aws::LB, aws::ALB, aws::ELB];

/// (root module, zone, name): the zone is `None` for a public name, taken across providers.
type Key = (String, Option<String>, String);

struct Target<'a> {
    rec: &'a DnsRecord,
    label: Label,
    lbs: Vec<ResourceId>,
}

pub fn check(cx: &mut RuleCx) {
    let min = params::Network005::of(cx).min_load_balancers as usize;
    let (model, facts) = (cx.model, cx.facts);
    let lbs_in = |v: &Value| -> Vec<ResourceId> {
        v.references()
            .into_iter()
            .filter(|id| LOAD_BALANCERS.iter().any(|t| model.tf(*id).rtype == *t))
            .collect()
    };
    let mut names: BTreeMap<Key, Vec<Target>> = BTreeMap::new();
    for rec in &facts.tf.dns_records {
        let r = model.tf(rec.res);
        let target = rec
            .kind
            .targets
            .iter()
            .find_map(|&(block, attr)| match block {
                Some(b) => r.attr_in(b, attr),
                None => r.attr(attr),
            });
        let Some(target) = target else { continue };
        let lbs = lbs_in(&target.value);
        if lbs.is_empty() {
            continue;
        }
        let key = match (rec.private, &rec.fqdn, &rec.zone_key, &rec.name) {
            (Some(false), Some(fqdn), _, _) => (r.root.clone(), None, fqdn.clone()),
            (_, fqdn, Some(zone), Some(name)) => (
                r.root.clone(),
                Some(zone.clone()),
                fqdn.clone().unwrap_or_else(|| name.clone()),
            ),
            _ => continue,
        };
        names.entry(key).or_default().push(Target {
            rec,
            label: Label::new(r.source, target.span, "targets this load balancer"),
            lbs,
        });
    }
    for ((root, zone, name), records) in &names {
        let mut distinct: Vec<ResourceId> = records.iter().flat_map(|t| t.lbs.clone()).collect();
        if zone.is_none() {
            // Aliases to other records and other providers' load balancing (Cloudflare pools)
            // lead to more load balancers: the system view follows them.
            distinct.extend(cx.system.load_balancers_of(name));
        }
        distinct.sort();
        distinct.dedup();
        if distinct.len() >= min {
            continue;
        }
        // A record of the same root whose public name is not known may be this name too, and
        // add a load balancer: the name cannot be judged.
        let maybe = zone
            .is_none()
            .then(|| {
                names
                    .iter()
                    .filter(|((r, z, _), _)| r == root && z.is_some())
                    .flat_map(|(_, ts)| ts)
                    .find(|t| may_be(t.rec, name) && t.lbs.iter().any(|lb| !distinct.contains(lb)))
            })
            .flatten();
        if let Some(other) = maybe {
            let o = model.tf(other.rec.res);
            for t in records {
                cx.cannot_judge(
                    t.label.clone(),
                    &format!("entry point `{name}`"),
                    format!(
                        "{} ({}) may serve it too and targets another load balancer, but its zone is not known statically",
                        o.address, other.rec.kind.provider
                    ),
                )
                .also(other.label.clone())
                .on(t.rec.res);
            }
            continue;
        }
        let lb = model.tf(distinct[0]);
        for t in records {
            cx.report(
                t.label.clone(),
                format!(
                    "entry point `{name}` is served by {} load balancer ({}): if it fails, or its region does, the name resolves to nothing that answers",
                    if distinct.len() == 1 { "a single" } else { "too few" },
                    lb.address
                ),
            )
            .help(format!(
                "add records for `{name}` that point at a second load balancer (e.g. failover PRIMARY/SECONDARY, or weighted records across {min} load balancers in different regions)"
            ))
            .also(lb.header_label(lb.address.clone()))
            .on(t.rec.res);
        }
    }
}

/// Whether a record whose public name is not known may be `fqdn`: it is not in a zone known
/// to be private, and its full name is `fqdn`, or its name may be `fqdn` relative to an
/// unknown zone (`app` in a zone that may be `example.com`; the apex of any zone).
fn may_be(rec: &DnsRecord, fqdn: &str) -> bool {
    if rec.private == Some(true) {
        return false;
    }
    match (&rec.fqdn, &rec.name) {
        (Some(f), _) => f == fqdn,
        (None, Some(n)) => n.is_empty() || n == fqdn || fqdn.starts_with(&format!("{n}.")),
        (None, None) => false,
    }
}
