//! CICD004: every container image of the scan comes from one registry, with no mirror: when
//! that registry fails or refuses pulls, no new pod can start and no pipeline can run.

use std::collections::BTreeSet;

use crate::rules::prelude::*;

/// Most other image uses shown as secondary labels.
const MAX_SHOWN: usize = 3;

pub fn check(cx: &mut RuleCx) {
    let min = params::Cicd004::of(cx).min_registries;
    let (model, ci) = (cx.model, &cx.facts.ci);
    if !cx.facts.delivery_in_scan() {
        return;
    }
    let Some(first) = ci.images.first() else {
        return;
    };
    let hosts: BTreeSet<&str> = ci.images.iter().map(|i| i.host.as_str()).collect();
    if hosts.len() as i64 >= min || hosts.iter().any(|h| ci.mirror_of(h).is_some()) {
        return;
    }
    let host = &first.host;
    if let Some((res, unknown)) = ci.unknown_images.first() {
        let at = model.sources.get(unknown.source);
        let written = at
            .text
            .get(unknown.span.start..unknown.span.end)
            .unwrap_or_default()
            .trim();
        cx.cannot_judge(
            Label::new(first.label.source, first.label.span, format!("from {host}")),
            "the registries the images come from",
            format!(
                "every image reference known statically comes from {host}, but {} {} not known statically (`{written}` in {}) and may come from another registry",
                count(ci.unknown_images.len() as i64, "other reference"),
                if ci.unknown_images.len() == 1 { "is" } else { "are" },
                model.get(*res).display()
            ),
        )
        .also(Label::new(unknown.source, unknown.span, "not known statically"))
        .on(first.res);
        return;
    }
    let hub = if host == "docker.io" {
        " (Docker Hub, whose pulls are also rate-limited)"
    } else {
        ""
    };
    let n = ci.images.len();
    let finding = cx.report(
        Label::new(first.label.source, first.label.span, format!("from {host}")),
        format!(
            "{} of the scan {} from {host}{hub}, and no mirror is configured: when {host} is down or refuses pulls, no new pod can start (scale-out, a node or zone failure) and no pipeline can run",
            all_of(n, "container image reference", "container image references"),
            if n == 1 { "comes" } else { "come" }
        ),
    );
    finding
        .help(format!(
            "run a mirror that serves the images when the registry fails (Spegel, kube-image-keeper, a containerd registry mirror), or copy the images to a second registry; if a mirror is configured outside the scanned files, name {host} in `cicd.mirrored_registries` in .spoflint.yaml"
        ))
        .on(first.res);
    let mut shown = 0;
    for i in ci.images.iter().skip(1) {
        if shown == MAX_SHOWN {
            break;
        }
        if i.res == first.res {
            continue;
        }
        shown += 1;
        finding.also(Label::new(
            i.label.source,
            i.label.span,
            format!("{} pulls from {host} too", model.get(i.res).display()),
        ));
    }
}
