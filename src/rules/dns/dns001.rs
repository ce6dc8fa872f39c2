//! DNS001: a public DNS zone whose domain is served by fewer than `min_providers` providers
//! (e.g. Route 53 only): the provider's outage takes every name in the domain down.

use std::collections::BTreeSet;

use crate::rules::prelude::*;

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
        let providers: BTreeSet<&str> = zones.iter().map(|z| z.provider).collect();
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
            for z in zones {
                let r = model.tf(z.res);
                cx.cannot_judge(
                    r.header_label(""),
                    &r.address,
                    format!(
                        "{} ({}) may serve `{domain}` too: its domain is not known statically",
                        t.address, twin.provider
                    ),
                )
                .on(z.res);
            }
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
