//! GitOps facts: the git sources that Argo CD and Flux reconcile from, and their hosts.

use crate::model::{Model, Resource, ResourceId, Span, Val};

/// One git source of a GitOps resource.
#[derive(Clone, Debug)]
pub struct GitSource {
    pub res: ResourceId,
    /// The URL field (`repoURL`, `url`).
    pub span: Span,
    /// Lower-case host of the URL.
    pub host: String,
}

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

/// Git URL fields of one resource: Argo CD Applications/ApplicationSets (Helm chart sources
/// skipped) and Flux GitRepositories.
fn url_fields<'a>(r: &'a Resource) -> Vec<Val<'a>> {
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

/// Every git source whose URL names a host, in model order.
pub fn git_sources(model: &Model) -> Vec<GitSource> {
    model
        .iter()
        .flat_map(|(id, r)| url_fields(r).into_iter().map(move |v| (id, v)))
        .filter_map(|(res, v)| {
            Some(GitSource {
                res,
                span: v.field_span(),
                host: git_host(v.as_str()?)?,
            })
        })
        .collect()
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
