//! CICD003: only one CI system can deploy, and no GitOps engine can apply on its own: an
//! incident of that CI service (or its runners, or its account) stops every deployment,
//! including the fix for the incident.

use crate::rules::prelude::*;

/// Most other deploy jobs shown as secondary labels.
const MAX_SHOWN: usize = 3;

pub fn check(cx: &mut RuleCx) {
    let min = params::Cicd003::of(cx).min_deploy_paths;
    let (model, facts) = (cx.model, cx.facts);
    let Some(first) = facts.ci.deploy_jobs.first() else {
        return;
    };
    let mut systems: Vec<_> = facts
        .ci
        .deploy_jobs
        .iter()
        .map(|d| model.job(d.res).system)
        .collect();
    systems.sort();
    systems.dedup();
    let paths = systems.len() + facts.gitops_engines.len();
    if paths as i64 >= min {
        return;
    }
    let job = model.job(first.res);
    let system = job.system.name();
    let n = facts.ci.deploy_jobs.len();
    let finding = cx.report(
        Label::new(job.source, job.header, format!("deploys through {system}")),
        format!(
            "{system} is the only way the scanned system can deploy ({}, no other CI system and no GitOps engine): an outage of {system}, of its runners or of the account stops every deployment and rollback",
            count(n as i64, "deploy job")
        ),
    );
    finding
        .help(format!(
            "keep a second deploy path that does not depend on {system}: a GitOps engine (Argo CD, Flux) that applies from git on its own, or a pipeline on another CI system able to deploy the same targets; at least {min} paths are expected"
        ))
        .also(first.why.clone())
        .on(first.res);
    for d in facts.ci.deploy_jobs.iter().skip(1).take(MAX_SHOWN) {
        let j = model.job(d.res);
        finding.also(Label::new(
            j.source,
            j.header,
            format!("{} deploys through {system} too", j.display()),
        ));
    }
}
