//! GITOPS002: every GitOps git source is on the same git host: when that host is down (or the
//! account is locked), nothing can be reconciled or rolled back.

use std::collections::BTreeSet;

use crate::finding::all_of;
use crate::rules::prelude::*;

/// Most other sources shown as secondary labels.
const MAX_SHOWN: usize = 3;

pub fn check(cx: &mut RuleCx) {
    let min = params::Gitops002::of(cx).min_git_hosts;
    let (model, found) = (cx.model, &cx.facts.git_sources);
    let mut hosts: BTreeSet<&str> = found.iter().map(|s| s.host.as_str()).collect();
    let Some(first) = found.first() else {
        return;
    };
    // A pipeline that can deploy from another git host is a second path.
    hosts.extend(cx.facts.ci.deploy_git_hosts(model));
    if hosts.len() as i64 >= min {
        return;
    }
    let host = &first.host;
    let finding = cx.report(
        Label::new(
            model.resource(first.res).source,
            first.span,
            format!("on {host}"),
        ),
        format!(
            "{} {} on {host}: an outage of {host} stops every deployment and rollback",
            all_of(found.len(), "GitOps git source", "GitOps git sources"),
            if found.len() == 1 { "is" } else { "are" }
        ),
    );
    finding
        .help(format!(
            "mirror the repositories to a second git host (e.g. GitHub and GitLab) and point a standby source at the mirror; at least {min} hosts are expected"
        ))
        .on(first.res);
    for s in found.iter().skip(1).take(MAX_SHOWN) {
        let r = model.resource(s.res);
        finding.also(Label::new(
            r.source,
            s.span,
            format!("{} is on {host} too", r.display()),
        ));
    }
}
