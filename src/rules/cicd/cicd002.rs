//! CICD002: a deploy job that can only run on self-hosted runners whose pool runs fewer than
//! `min_runners` at once: when that runner is busy or down, nothing can deploy.

use crate::facts::cicd::RunnerPool;
use crate::finding::count;
use crate::model::pipeline::{CiSystem, Job, Runner, RunnerSet};
use crate::rules::prelude::*;

/// GitHub-hosted runner labels (standard and larger runners of the standard images).
const GITHUB_HOSTED: &str = r"^(ubuntu-(latest|slim|\d\d\.\d\d)(-arm)?|windows-(latest|\d{4}|11-arm)|macos-(latest|\d+)(-large|-xlarge|-intel)?)$";

/// [`GITHUB_HOSTED`] compiled, once per process.
static HOSTED: std::sync::LazyLock<regex::Regex> =
    std::sync::LazyLock::new(|| regex::Regex::new(GITHUB_HOSTED).expect("a valid pattern"));

pub fn check(cx: &mut RuleCx) {
    let min = params::Cicd002::of(cx).min_runners;
    let (model, facts) = (cx.model, cx.facts);
    let hosted = &*HOSTED;
    for deploy in &facts.ci.deploy_jobs {
        let job = model.job(deploy.res);
        let sets = match &job.runner {
            Runner::Default => continue,
            Runner::Unknown(at) => {
                cx.cannot_judge(
                    at.label("runner selection"),
                    &format!("deploy {}", job.display()),
                    format!("{}; which runners it needs is not known", at.value),
                )
                .also(deploy.why.clone())
                .on(deploy.res);
                continue;
            }
            Runner::Labels(sets) => sets,
        };
        for set in sets {
            if is_hosted(job.system, set, hosted) {
                continue;
            }
            let pools: Vec<&RunnerPool> = facts
                .runner_pools
                .iter()
                .filter(|p| p.select.accepts(job.system, &set.labels) == Some(true))
                .collect();
            if pools.is_empty() {
                let unknown = facts
                    .runner_pools
                    .iter()
                    .find(|p| p.select.accepts(job.system, &set.labels).is_none());
                let why = match unknown {
                    Some(p) => format!(
                        "it needs runners with {}, and the labels of {} are not known statically",
                        labels(job, set),
                        model.get(p.res).display()
                    ),
                    None if set
                        .labels
                        .iter()
                        .any(|l| l.eq_ignore_ascii_case("self-hosted"))
                        || job.system == CiSystem::GitLabCi =>
                    {
                        format!(
                            "it needs self-hosted runners with {}, and no runner pool with them is in the scan, so how many there are is not known",
                            labels(job, set)
                        )
                    }
                    None => format!(
                        "it needs runners with {}, which is not a GitHub-hosted runner label, and no runner pool (such as a runner scale set of that name) is in the scan, so how many there are is not known",
                        labels(job, set)
                    ),
                };
                cx.cannot_judge(
                    set_label(set, "runner selection"),
                    &format!("deploy {}", job.display()),
                    why,
                )
                .also(deploy.why.clone())
                .on(deploy.res);
                break;
            }
            let capacity = pools
                .iter()
                .fold(0i64, |sum, p| sum.saturating_add(p.capacity));
            if capacity >= min {
                continue;
            }
            let names: Vec<String> = pools.iter().map(|p| model.get(p.res).display()).collect();
            let finding = cx.report(
                set_label(set, format!("runs only on {}", names.join(", "))),
                format!(
                    "deploy {} ({}) can only run on {}, which can run {} at once: when {} busy or down, nothing can deploy",
                    job.display(),
                    job.system.name(),
                    names.join(" and "),
                    count(capacity, "runner"),
                    if capacity == 1 { "it is" } else { "they are" },
                ),
            );
            finding
                .help(format!(
                    "let the pool run at least {min} runners (replicas, maxReplicas, maxRunners), or let the job also run on another pool or on hosted runners"
                ))
                .also(deploy.why.clone())
                .on(deploy.res);
            for p in &pools {
                finding.also(p.label.clone());
            }
            break;
        }
    }
}

/// Whether a runner set is a hosted runner: a GitHub-hosted label alone (no `self-hosted`,
/// no group), or GitLab's hosted runners (`saas-*` tags).
fn is_hosted(system: CiSystem, set: &RunnerSet, hosted: &regex::Regex) -> bool {
    match system {
        CiSystem::GitHubActions => {
            set.group.is_none()
                && !set.labels.is_empty()
                && set
                    .labels
                    .iter()
                    .all(|l| hosted.is_match(&l.to_ascii_lowercase()))
        }
        CiSystem::GitLabCi => set.labels.iter().all(|t| t.starts_with("saas-")),
    }
}

fn labels(job: &Job, set: &RunnerSet) -> String {
    let what = match job.system {
        CiSystem::GitHubActions => "labels",
        CiSystem::GitLabCi => "tags",
    };
    let list: Vec<String> = set.labels.iter().map(|l| format!("`{l}`")).collect();
    match &set.group {
        Some(g) => format!("{what} {} in runner group `{g}`", list.join(", ")),
        None => format!("{what} {}", list.join(", ")),
    }
}

fn set_label(set: &RunnerSet, text: impl Into<String>) -> Label {
    Label::new(set.source, set.span, text)
}
