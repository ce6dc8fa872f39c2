//! CONTROL001: a self-managed etcd cluster with fewer than `min_members` members cannot keep
//! quorum when one member fails.

use crate::facts::ControlComponent;
use crate::finding::count;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let min = params::Control001::of(cx).min_members;
    let etcd = cx.facts.control_plane(ControlComponent::Etcd);
    let Some((n, label)) = cx.facts.etcd_members.clone() else {
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
