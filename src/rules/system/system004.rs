//! SYSTEM004: a failure the system is meant to survive (a zone, a region with `expect:
//! region`, a DNS provider) takes a public name down although the name has several load
//! balancers: its redundant copies share the failure domain, or a DNS provider answers with
//! only the copies that fail.

use crate::rules::prelude::*;
use crate::system::scenario::Domain;
use crate::system::{CompKind, Root};

pub fn check(cx: &mut RuleCx) {
    let sys = cx.system;
    for s in &sys.scenarios {
        let infrastructure = s.lost.iter().all(|d| {
            matches!(
                d,
                Domain::Zone(_) | Domain::AnyZone | Domain::Region(_) | Domain::Provider(_)
            )
        });
        if !s.expected || !infrastructure {
            continue;
        }
        let lost = s.lost_title();
        for (root, (name, o)) in sys.roots.iter().zip(&s.serving) {
            let Root::Name(n) = root else { continue };
            if o.health != crate::system::Health::Down {
                continue;
            }
            // Every DNS provider of the name lost: DNS001's finding.
            let providers_up = n
                .answers
                .iter()
                .filter(|(p, _)| !s.lost.iter().any(|d| d.takes_whole(sys.comp(*p)).is_some()))
                .count();
            if providers_up == 0 {
                continue;
            }
            // A name with one load balancer is NETWORK005's finding.
            let lbs = sys.load_balancers_of(name);
            if lbs.len() < 2 {
                continue;
            }
            let down: Vec<usize> = o
                .down
                .iter()
                .copied()
                .filter(|&c| sys.comp(c).kind == CompKind::EntryPoint)
                .collect();
            let first = down.first().copied().or(o.down.first().copied());
            let Some(primary) =
                first.and_then(|c| cx.component_label(c, format!("lost with {lost}")))
            else {
                continue;
            };
            // With several providers, one that answers with only lost copies is the cause.
            let dead_answer = o
                .notes
                .iter()
                .find(|x| x.starts_with("resolvers that ask"))
                .filter(|_| n.answers.len() >= 2);
            let message = match dead_answer {
                Some(why) => format!(
                    "losing {lost} takes {name} down although it has {} load balancers: {why}",
                    lbs.len()
                ),
                None => format!(
                    "losing {lost} takes {name} down although it has {} load balancers: every one it can fail over to is in the lost domain",
                    lbs.len()
                ),
            };
            let help = if dead_answer.is_some() {
                format!(
                    "let every DNS provider of {name} answer with the same alternatives, each behind a health check (a failover or weighted record, a load balancer pool with a monitor)"
                )
            } else {
                format!(
                    "put an entry point for {name} outside {lost} (another zone or region) and let the DNS records fail over to it by health check"
                )
            };
            let others: Vec<Label> = down
                .iter()
                .skip(1)
                .filter_map(|&c| cx.component_label(c, format!("also lost with {lost}")))
                .collect();
            let f = cx.report(primary, message).help(help);
            for l in others {
                f.also(l);
            }
            if let Some(r) = first.and_then(|c| sys.comp(c).res) {
                f.on(r);
            }
        }
    }
}
