//! DNS001: a public DNS zone whose domain is served by fewer than `min_providers` providers
//! (e.g. Route 53 only): the provider's outage takes every name in the domain down.
//!
//! A provider serves a domain when the scan manages a public zone for it there, or records
//! known to be in it there (see [`Evidence`]).

use std::collections::{BTreeMap, BTreeSet};

use crate::facts::providers::{RecordName, RecordZone};
use crate::facts::terraform::{DnsRecord, DnsZone};
use crate::rules::prelude::*;

/// What a DNS record whose zone is not a zone resource of the scan says about one domain.
#[derive(Debug, PartialEq)]
enum Evidence {
    /// Its provider serves the domain publicly.
    Serves,
    /// It may be in a zone of the domain, but that is not known statically (its zone is
    /// unknown and its name may be relative to it, or its zone may be private, or the record
    /// may not exist).
    Maybe(&'static str),
    /// It is not in the domain.
    Other,
}

/// The evidence a record gives for `domain`. A name is taken as fully qualified when it is the
/// domain of a zone of the scan or ends in one (the longest such domain is its own).
fn evidence(
    rec: &DnsRecord,
    domains: &BTreeMap<String, Vec<DnsZone>>,
    domain: &str,
    count_unknown: bool,
) -> Evidence {
    let in_domain = |n: &str, d: &str| n == d || n.ends_with(&format!(".{d}"));
    let own = match (&rec.domain, rec.kind.name) {
        // `zone_name = "example.com"`: the zone's domain itself.
        (Some(d), _) => Some(d.as_str()),
        (None, RecordName::Relative) => None,
        (None, _) => rec.fqdn.as_deref().or(rec.name.as_deref()).and_then(|n| {
            domains
                .keys()
                .filter(|d| in_domain(n, d))
                .max_by_key(|d| d.len())
                .map(String::as_str)
        }),
    };
    match own {
        Some(d) if d != domain => Evidence::Other,
        Some(_) if rec.private != Some(false) => {
            Evidence::Maybe("its zone is not known statically and may be private")
        }
        Some(_) if count_unknown => {
            Evidence::Maybe("its count is not known statically, so there may be none")
        }
        Some(_) => Evidence::Serves,
        // Google's and NS1's names are always fully qualified: in no domain of the scan.
        None if rec.domain.is_none() && rec.fqdn.is_some() => Evidence::Other,
        None => {
            Evidence::Maybe("its zone is not known statically and its name may be relative to it")
        }
    }
}

/// Says for each of `zones` that the rule cannot judge it, and why (with a label on `also`).
fn cannot_judge_zones(
    cx: &mut RuleCx,
    zones: &[crate::facts::terraform::DnsZone],
    why: &str,
    also: Option<Label>,
) {
    let model = cx.model;
    for z in zones {
        let r = model.tf(z.res);
        let f = cx.cannot_judge(r.header_label(""), &r.address, why);
        if let Some(l) = &also {
            f.also(l.clone());
        }
        f.on(z.res);
    }
}

pub fn check(cx: &mut RuleCx) {
    let min = params::Dns001::of(cx).min_providers as usize;
    let (model, facts) = (cx.model, cx.facts);
    for z in &facts.tf.dns_unknown {
        let r = model.tf(z.res);
        cx.cannot_judge(
            r.header_label(""),
            &r.address,
            "its domain name is not known statically",
        )
        .on(z.res);
    }
    for (domain, zones) in &facts.tf.dns_domains {
        let mut providers: BTreeSet<&str> = zones.iter().map(|z| z.provider).collect();
        // Records of another provider whose zone is not a zone resource of the scan.
        let records: Vec<(&DnsRecord, Evidence)> = facts
            .tf
            .dns_records
            .iter()
            .filter(|rec| rec.zone_res.is_none() && !providers.contains(rec.kind.provider))
            .map(|rec| {
                let r = model.tf(rec.res);
                let e = evidence(rec, &facts.tf.dns_domains, domain, r.count_unknown);
                (rec, e)
            })
            .collect();
        providers.extend(
            records
                .iter()
                .filter(|(_, e)| *e == Evidence::Serves)
                .map(|(rec, _)| rec.kind.provider),
        );
        if providers.len() >= min {
            continue;
        }
        // A zone of another provider whose domain is unknown may be this domain's twin.
        if let Some(twin) = facts
            .tf
            .dns_unknown
            .iter()
            .find(|u| !providers.contains(u.provider))
        {
            let t = model.tf(twin.res);
            let why = format!(
                "{} ({}) may serve `{domain}` too: its domain is not known statically",
                t.address, twin.provider
            );
            cannot_judge_zones(cx, zones, &why, None);
            continue;
        }
        // A record of another provider that may be in a zone of this domain.
        if let Some((rec, why)) = records.iter().find_map(|(rec, e)| match e {
            Evidence::Maybe(why) if !providers.contains(rec.kind.provider) => Some((rec, why)),
            _ => None,
        }) {
            let o = model.tf(rec.res);
            let zone_attr = match rec.kind.zone {
                RecordZone::Zone { attr, .. } | RecordZone::Domain(attr) => attr,
            };
            let why = format!(
                "{} ({}, name `{}`) may serve `{domain}` too: {why}",
                o.address,
                rec.kind.provider,
                rec.shown_name()
            );
            let zone = o.attr_label(zone_attr, format!("zone of {}", o.address));
            cannot_judge_zones(cx, zones, &why, Some(zone));
            continue;
        }
        let list = providers.iter().copied().collect::<Vec<_>>().join(", ");
        for z in zones {
            let r = model.tf(z.res);
            let f = cx
                .report(
                    r.header_label(format!("{domain} on {}", z.provider)),
                    format!(
                        "DNS for `{domain}` is served only by {list}: an outage or DDoS of that provider makes every name in the domain unresolvable",
                        ),
                )
                .help(format!(
                    "serve `{domain}` from {min} providers: e.g. a cloudflare_zone (or NS1) next to the Route 53 zone, records kept in sync, both sets of name servers at the registrar"
                ))
                .on(z.res);
            for other in zones.iter().filter(|o| o.res != z.res) {
                let o = model.tf(other.res);
                f.also(o.header_label(format!("also {}", other.provider)));
            }
        }
    }
}
