//! CONTROL002: an etcd cluster with an even number of members: 4 members tolerate one failure,
//! exactly like 3, but need a larger quorum and split evenly across two zones.

use crate::facts::ControlComponent;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let etcd = cx.facts.control_plane(ControlComponent::Etcd);
    let Some((n, label)) = cx.facts.etcd_members.clone() else {
        return;
    };
    // Two members (or fewer) is CONTROL001's case.
    if n <= 2 || n % 2 == 1 {
        return;
    }
    let res = etcd[0].res;
    cx.report(
        label,
        format!(
            "etcd has {n} members, an even number: it tolerates {} failure(s), no more than {} members would, and a zone split can leave no side with quorum",
            (n - 1) / 2,
            n - 1
        ),
    )
    .help(format!("run {} or {} members instead", n - 1, n + 1))
    .on(res);
}
