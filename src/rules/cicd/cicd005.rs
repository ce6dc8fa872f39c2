//! CICD005: images pulled from Docker Hub with no mirror, when the scan also uses other
//! registries (when Docker Hub is the only one, CICD004 reports it): Docker Hub limits pulls
//! per address and account, so a scale-out or a node replacement can fail to pull.

use crate::rules::prelude::*;

/// Most other image uses shown as secondary labels.
const MAX_SHOWN: usize = 3;

const DOCKER_HUB: &str = "docker.io";

pub fn check(cx: &mut RuleCx) {
    let (model, ci) = (cx.model, &cx.facts.ci);
    if !cx.facts.delivery_in_scan() {
        return;
    }
    if ci.images.iter().all(|i| i.host == DOCKER_HUB) || ci.mirror_of(DOCKER_HUB).is_some() {
        return;
    }
    let hub: Vec<_> = ci.images.iter().filter(|i| i.host == DOCKER_HUB).collect();
    let Some(first) = hub.first() else {
        return;
    };
    let n = hub.len();
    let finding = cx.report(
        Label::new(first.label.source, first.label.span, "from Docker Hub"),
        format!(
            "{} pulled from Docker Hub with no mirror: Docker Hub limits pulls per address and per account, so a scale-out, a node replacement or a burst of pipelines can fail with `toomanyrequests`",
            if n == 1 {
                format!("`{}` is", first.image)
            } else {
                format!("{n} image references (`{}`, ...) are", first.image)
            }
        ),
    );
    finding
        .help("pull Docker Hub images through a cache and reference them there (an ECR pull-through cache rule, a Harbor proxy project), run a mirror on the nodes (Spegel, kube-image-keeper, a containerd mirror), or copy them to your own registry; if such a mirror is configured outside the scanned files, name docker.io in `cicd.mirrored_registries` in .spoflint.yaml")
        .on(first.res);
    for i in hub
        .iter()
        .skip(1)
        .filter(|i| i.res != first.res)
        .take(MAX_SHOWN)
    {
        finding.also(Label::new(
            i.label.source,
            i.label.span,
            format!(
                "{} pulls `{}` from Docker Hub too",
                model.get(i.res).display(),
                i.image
            ),
        ));
    }
}
