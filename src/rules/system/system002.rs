//! SYSTEM002: a failure the system is meant to survive (a zone, a region with `expect:
//! region`, a DNS provider, a CI system, a GitOps engine, a control plane) takes longer to
//! recover from than `targets.rto`, or is not recovered from at all.

use std::collections::BTreeMap;

use crate::rules::prelude::*;
use crate::system::CompId;

pub fn check(cx: &mut RuleCx) {
    let sys = cx.system;
    let Some(target) = sys.settings.targets.rto else {
        return;
    };
    // One finding per weakest component, naming every scenario it slows.
    let mut by_comp: BTreeMap<Option<CompId>, Vec<usize>> = BTreeMap::new();
    for (i, s) in sys.scenarios.iter().enumerate() {
        if !s.expected || s.serving.is_empty() {
            continue;
        }
        if s.recovery.is_none_or(|r| r > target) {
            by_comp.entry(s.weakest).or_default().push(i);
        }
    }
    for (comp, scenarios) in by_comp {
        let describe = |i: &usize| {
            let s = &sys.scenarios[*i];
            let lost = s.lost_title();
            match s.recovery {
                None => format!(
                    "losing {lost} is not recovered from until it is back ({})",
                    s.impact.as_str()
                ),
                Some(r) => format!(
                    "losing {lost} takes {} to recover{}",
                    show_duration(r),
                    if s.manual {
                        " (a person has to act)"
                    } else {
                        ""
                    }
                ),
            }
        };
        let what: Vec<String> = scenarios.iter().map(describe).collect();
        let key = comp.map(|c| sys.comp(c).key.clone());
        let message = format!(
            "{}, above the {} RTO target{}",
            what.join("; "),
            show_duration(target),
            key.as_ref()
                .map_or_else(String::new, |k| format!(": {k} sets the pace")),
        );
        let manual = scenarios.iter().any(|i| sys.scenarios[*i].manual);
        let help = if scenarios
            .iter()
            .any(|i| sys.scenarios[*i].recovery.is_none())
        {
            "give the component a copy outside the lost domain that takes over by itself (see the failure scenarios in the report, or `spoflint simulate --lose ...`)".to_string()
        } else if manual {
            "automate the failover (and say so under system.automated_failover in .spoflint.yaml), or shorten system.response_time if your on-call acts faster".to_string()
        } else {
            "shorten detection: lower health check intervals and failure thresholds, and DNS TTLs on the failover records".to_string()
        };
        let primary = comp
            .and_then(|c| cx.component_label(c, "recovers slowest"))
            .or_else(|| cx.target_label(1, "RTO target"));
        let Some(primary) = primary else { continue };
        let target_label = cx.target_label(1, "RTO target set here");
        let f = cx.report(primary, message).help(help);
        if let Some(l) = target_label {
            f.also(l);
        }
        if let Some(r) = comp.and_then(|c| sys.comp(c).res) {
            f.on(r);
        }
    }
}
