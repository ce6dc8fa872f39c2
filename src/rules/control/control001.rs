//! CONTROL001: a self-managed etcd cluster with fewer than `min_members` members cannot keep
//! quorum when one member fails.

use crate::facts::{ControlComponent, Facts, Workload};
use crate::finding::{Label, count};
use crate::model::{Model, Span};
use crate::rules::prelude::*;

/// The etcd member count and where it is stated: the `--initial-cluster` flag when an etcd
/// instance has one (it is the authoritative member list), else the number of instances.
pub fn members(model: &Model, etcd: &[&Workload]) -> Option<(i64, Label)> {
    for w in etcd {
        for c in &w.containers {
            let mut args = c.argv.iter();
            while let Some((arg, span)) = args.next() {
                let (list, at): (String, Span) =
                    if let Some(v) = arg.strip_prefix("--initial-cluster=") {
                        (v.to_string(), *span)
                    } else if arg == "--initial-cluster" {
                        match args.next() {
                            Some((v, s)) => (v.clone(), span.join(*s)),
                            None => continue,
                        }
                    } else {
                        continue;
                    };
                let n = list.split(',').filter(|m| !m.trim().is_empty()).count() as i64;
                let source = model.resource(w.res).source;
                return Some((
                    n,
                    Label::new(source, at, format!("{} listed", count(n, "member"))),
                ));
            }
        }
    }
    let n = Facts::instance_count(etcd)?;
    let first = model.resource(etcd.first()?.res);
    Some((
        n,
        first.header_label(format!("{} found", count(n, "etcd instance"))),
    ))
}

pub fn check(cx: &mut RuleCx) {
    let min = params::Control001::of(cx).min_members;
    let etcd = cx.facts.control_plane(ControlComponent::Etcd);
    let Some((n, label)) = members(cx.model, &etcd) else {
        return;
    };
    if n >= min {
        return;
    }
    let res = etcd[0].res;
    cx.report(
        label,
        format!(
            "etcd has {}: losing one member loses quorum, and the whole control plane stops accepting writes",
            count(n, "member")
        ),
    )
    .help(format!(
        "run an odd number of at least {min} etcd members (3 or 5), one per availability zone, and list them all in --initial-cluster"
    ))
    .on(res);
}
