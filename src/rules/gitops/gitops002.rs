//! GITOPS002: every GitOps git source is on the same git host: when that host is down (or the
//! account is locked), nothing can be reconciled or rolled back.

use std::collections::BTreeSet;

use crate::finding::all_of;
use crate::model::{Resource, ResourceId, Val};
use crate::rules::prelude::*;

/// Most other sources shown as secondary labels.
const MAX_SHOWN: usize = 3;

/// The host of a git URL: `https://host/..`, `ssh://user@host:port/..`, `user@host:org/repo`.
pub fn git_host(url: &str) -> Option<String> {
    let url = url.trim();
    let rest = match url.split_once("://") {
        Some((_, rest)) => rest,
        None if url.contains('@') && url.contains(':') => url,
        None => return None,
    };
    let authority = rest.split('/').next()?;
    let host_port = authority.rsplit('@').next()?;
    let host = host_port.split(':').next()?;
    (!host.is_empty()).then(|| host.to_ascii_lowercase())
}

/// Git sources of one resource: Argo CD Applications/ApplicationSets (Helm chart sources
/// skipped) and Flux GitRepositories.
fn sources<'a>(r: &'a Resource) -> Vec<Val<'a>> {
    let root = r.root();
    let argo_spec = match (r.group(), r.kind.as_str()) {
        ("argoproj.io", "Application") => root.get("spec"),
        ("argoproj.io", "ApplicationSet") => root.path(&["spec", "template", "spec"]),
        ("source.toolkit.fluxcd.io", "GitRepository") => {
            return root.path(&["spec", "url"]).into_iter().collect();
        }
        _ => None,
    };
    let Some(spec) = argo_spec else {
        return Vec::new();
    };
    spec.get("source")
        .into_iter()
        .chain(spec.get("sources").into_iter().flat_map(|s| s.items()))
        .filter(|s| s.get("chart").is_none())
        .filter_map(|s| s.get("repoURL"))
        .collect()
}

pub fn check(cx: &mut RuleCx) {
    let min = params::Gitops002::of(cx).min_git_hosts;
    let model = cx.model;
    let found: Vec<(ResourceId, &Resource, Val<'_>, String)> = model
        .iter()
        .flat_map(|(id, r)| sources(r).into_iter().map(move |v| (id, r, v)))
        .filter_map(|(id, r, v)| {
            let host = git_host(v.as_str()?)?;
            Some((id, r, v, host))
        })
        .collect();
    let hosts: BTreeSet<&str> = found.iter().map(|(_, _, _, h)| h.as_str()).collect();
    let Some((id, first, v, host)) = found.first() else {
        return;
    };
    if hosts.len() as i64 >= min {
        return;
    }
    let finding = cx.report(
        Label::new(first.source, v.field_span(), format!("on {host}")),
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
        .on(*id);
    for (_, r, v, _) in found.iter().skip(1).take(MAX_SHOWN) {
        finding.also(Label::new(
            r.source,
            v.field_span(),
            format!("{} is on {host} too", r.display()),
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::git_host;

    #[test]
    fn hosts() {
        assert_eq!(
            git_host("https://github.com/org/repo.git").as_deref(),
            Some("github.com")
        );
        assert_eq!(
            git_host("ssh://git@gitlab.example.com:2222/org/r").as_deref(),
            Some("gitlab.example.com")
        );
        assert_eq!(
            git_host("git@GitHub.com:org/repo.git").as_deref(),
            Some("github.com")
        );
        assert_eq!(
            git_host("https://user:pw@bitbucket.org/x").as_deref(),
            Some("bitbucket.org")
        );
        assert_eq!(git_host("./local"), None);
    }
}
