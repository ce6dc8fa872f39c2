//! Where a Kubernetes workload's pods can run: the zones its pod template allows (a zone
//! `nodeSelector`, required node affinity on a zone key) and whether it spreads its pods over
//! zones (or hosts). Later questions such as "what runs in us-west-2a" read this.

use std::collections::BTreeSet;

use super::Selector;
use crate::model::{Labels, Span, Val};

pub const ZONE_KEYS: &[&str] = &[
    "topology.kubernetes.io/zone",
    "failure-domain.beta.kubernetes.io/zone",
];
pub const HOSTNAME_KEY: &str = "kubernetes.io/hostname";

/// The placement of a workload's pods.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct PodPlacement {
    /// The zones the pods may run in; `None` when the pod template does not restrict zones
    /// (any zone of the cluster).
    pub zones: Option<BTreeSet<String>>,
    /// Where the zones are restricted: the first zone value of the `nodeSelector`, else of the
    /// required node affinity, with which of the two it is.
    pub restricted_at: Option<(Span, Restriction)>,
    /// A zone `topologySpreadConstraints` entry, or a zone `podAntiAffinity` term, selects
    /// the pods' own labels.
    pub zone_spread: bool,
    /// A `kubernetes.io/hostname` spread constraint or anti-affinity term that selects the
    /// pods' own labels (its `topologyKey`): the pods spread over nodes, which says nothing
    /// of zones.
    pub host_spread: Option<Span>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Restriction {
    NodeSelector,
    NodeAffinity,
}

impl Restriction {
    pub fn as_str(self) -> &'static str {
        match self {
            Restriction::NodeSelector => "nodeSelector",
            Restriction::NodeAffinity => "required node affinity",
        }
    }
}

impl PodPlacement {
    /// Whether the pods can be scheduled in `zone`.
    pub fn can_run_in(&self, zone: &str) -> bool {
        self.zones.as_ref().is_none_or(|z| z.contains(zone))
    }

    /// The one zone the pods are confined to, if the template allows exactly one.
    pub fn single_zone(&self) -> Option<&str> {
        let zones = self.zones.as_ref()?;
        (zones.len() == 1).then(|| zones.first().map(String::as_str))?
    }
}

/// The placement of pods with `labels` and the pod spec `spec` (`None`: no pod spec).
pub fn pod_placement(spec: Option<Val<'_>>, labels: &Labels) -> PodPlacement {
    let Some(spec) = spec else {
        return PodPlacement::default();
    };
    let (zone_spread, host_spread) = spread_terms(&spec, labels);
    let mut placement = PodPlacement {
        zone_spread,
        host_spread,
        ..PodPlacement::default()
    };
    // nodeSelector: every key must match, so a zone key confines the pods to its value.
    if let Some((_, v)) = spec.get("nodeSelector").and_then(|ns| {
        ns.entries()
            .into_iter()
            .find(|(k, _)| ZONE_KEYS.contains(k))
    }) {
        placement.zones = Some(BTreeSet::from([v.scalar_text().unwrap_or_default()]));
        placement.restricted_at = Some((v.field_span(), Restriction::NodeSelector));
    }
    if let Some((zones, at)) = affinity_zones(&spec) {
        placement.zones = Some(match placement.zones.take() {
            Some(selected) => selected.intersection(&zones).cloned().collect(),
            None => zones,
        });
        placement
            .restricted_at
            .get_or_insert((at, Restriction::NodeAffinity));
    }
    placement
}

/// The zones required node affinity allows, when it restricts them: its `nodeSelectorTerms`
/// are alternatives (a node matching any term will do), the `matchExpressions` of a term all
/// apply. A term without an `In` on a zone key allows every zone, and so then does the
/// affinity. With the span of the first zone value that restricts.
fn affinity_zones(spec: &Val<'_>) -> Option<(BTreeSet<String>, Span)> {
    let terms = spec.path(&[
        "affinity",
        "nodeAffinity",
        "requiredDuringSchedulingIgnoredDuringExecution",
        "nodeSelectorTerms",
    ])?;
    let mut allowed = BTreeSet::new();
    let mut at = None;
    let mut any_term = false;
    for term in terms.items() {
        any_term = true;
        let exprs = term
            .get("matchExpressions")
            .into_iter()
            .flat_map(|exprs| exprs.items());
        let term_zones = match required_zones(exprs, ZONE_KEYS) {
            // A value that is not a plain string: the zones are not known.
            Err(NotKnown) => return None,
            Ok(None) => None,
            Ok(Some(req)) => {
                if let Some(first) = req.at {
                    at.get_or_insert(first);
                }
                Some(req.zones)
            }
        };
        allowed.extend(term_zones?);
    }
    (any_term).then_some((allowed, at?))
}

/// A zone requirement whose values are not all plain strings.
#[derive(Debug, PartialEq, Eq)]
pub struct NotKnown;

/// The zones node selector requirements allow, and the first value that restricts them.
#[derive(Debug)]
pub struct ZoneRequirement {
    pub zones: BTreeSet<String>,
    pub at: Option<Span>,
}

/// What node selector requirements that all apply (a term's `matchExpressions`, a Karpenter
/// NodePool's `requirements`) allow on the zone keys `keys`: the intersection of the values
/// of their `In` requirements, with the span of the first value that restricts. `Ok(None)`
/// when none restricts those keys (any zone).
pub fn required_zones<'a>(
    requirements: impl IntoIterator<Item = Val<'a>>,
    keys: &[&str],
) -> Result<Option<ZoneRequirement>, NotKnown> {
    let mut allowed: Option<BTreeSet<String>> = None;
    let mut at = None;
    for e in requirements {
        let key = e.get("key").and_then(|k| k.as_str());
        let op = e.get("operator").and_then(|o| o.as_str());
        if !key.is_some_and(|k| keys.contains(&k)) || op != Some("In") {
            continue;
        }
        let values: Vec<Val<'_>> = e
            .get("values")
            .into_iter()
            .flat_map(|v| v.items())
            .collect();
        let zones: Vec<String> = values.iter().filter_map(|v| v.scalar_text()).collect();
        if values.len() != zones.len() {
            return Err(NotKnown);
        }
        if let Some(first) = values.first() {
            at.get_or_insert(first.span());
        }
        let zones: BTreeSet<String> = zones.into_iter().collect();
        allowed = Some(match allowed {
            Some(z) => z.intersection(&zones).cloned().collect(),
            None => zones,
        });
    }
    Ok(allowed.map(|zones| ZoneRequirement { zones, at }))
}

/// Whether a spread constraint or pod anti-affinity term (required or preferred) of the pod
/// spec spreads the pods (it selects their own labels) over a zone key, and the `topologyKey`
/// of the first that spreads them over `kubernetes.io/hostname`. One pass over the terms; a
/// term's selector is only read when its key is one of these.
fn spread_terms(spec: &Val<'_>, labels: &Labels) -> (bool, Option<Span>) {
    let spread = spec
        .get("topologySpreadConstraints")
        .into_iter()
        .flat_map(|l| l.items());
    let anti = spec.path(&["affinity", "podAntiAffinity"]);
    let required = anti
        .and_then(|a| a.get("requiredDuringSchedulingIgnoredDuringExecution"))
        .into_iter()
        .flat_map(|l| l.items());
    let preferred = anti
        .and_then(|a| a.get("preferredDuringSchedulingIgnoredDuringExecution"))
        .into_iter()
        .flat_map(|l| l.items())
        .filter_map(|p| p.get("podAffinityTerm"));
    let (mut zone, mut host) = (false, None);
    for term in spread.chain(required).chain(preferred) {
        let Some(key) = term.get("topologyKey") else {
            continue;
        };
        let is_zone = key.as_str().is_some_and(|k| ZONE_KEYS.contains(&k));
        let is_host = key.as_str() == Some(HOSTNAME_KEY) && host.is_none();
        if !(is_zone && !zone || is_host) {
            continue;
        }
        let selects_self = term
            .get("labelSelector")
            .is_some_and(|s| Selector::from_label_selector(&s).matches(labels));
        if !selects_self {
            continue;
        }
        if is_zone {
            zone = true;
        } else {
            host = Some(key.field_span());
        }
        if zone && host.is_some() {
            break;
        }
    }
    (zone, host)
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::ingest::yaml;
    use crate::model::SourceFile;

    fn placement(spec: &str) -> PodPlacement {
        let file = SourceFile::new("p.yaml".into(), Arc::from(spec));
        let parsed = yaml::parse(&file);
        let doc = &parsed.documents[0];
        let labels = crate::model::Labels::from_iter([("app", "web")]);
        pod_placement(Some(doc.tree.val(doc.root)), &labels)
    }

    fn zones(p: &PodPlacement) -> Option<Vec<&str>> {
        p.zones
            .as_ref()
            .map(|z| z.iter().map(String::as_str).collect())
    }

    const AFFINITY: &str = "affinity:\n  nodeAffinity:\n    requiredDuringSchedulingIgnoredDuringExecution:\n      nodeSelectorTerms:\n";

    #[test]
    fn unrestricted_pods_run_anywhere() {
        let p = placement("containers: []\n");
        assert_eq!(zones(&p), None);
        assert!(p.can_run_in("us-west-2a") && p.single_zone().is_none());
        assert!(!p.zone_spread);
    }

    #[test]
    fn node_selector_and_affinity_narrow_the_zones() {
        let p =
            placement("nodeSelector:\n  topology.kubernetes.io/zone: us-west-2a\n  disk: ssd\n");
        assert_eq!(zones(&p), Some(vec!["us-west-2a"]));
        assert_eq!(p.single_zone(), Some("us-west-2a"));
        assert_eq!(
            p.restricted_at.map(|r| r.1),
            Some(Restriction::NodeSelector)
        );
        assert!(p.can_run_in("us-west-2a") && !p.can_run_in("us-west-2b"));

        // Terms are alternatives: their zones add up.
        let p = placement(&format!(
            "{AFFINITY}        - matchExpressions:\n            - {{key: topology.kubernetes.io/zone, operator: In, values: [a]}}\n        - matchExpressions:\n            - {{key: failure-domain.beta.kubernetes.io/zone, operator: In, values: [b, c]}}\n"
        ));
        assert_eq!(zones(&p), Some(vec!["a", "b", "c"]));
        assert_eq!(
            p.restricted_at.map(|r| r.1),
            Some(Restriction::NodeAffinity)
        );

        // The expressions of one term all apply.
        let p = placement(&format!(
            "{AFFINITY}        - matchExpressions:\n            - {{key: topology.kubernetes.io/zone, operator: In, values: [a, b]}}\n            - {{key: topology.kubernetes.io/zone, operator: In, values: [b, c]}}\n"
        ));
        assert_eq!(p.single_zone(), Some("b"));

        // A nodeSelector and the affinity both apply.
        let p = placement(&format!(
            "nodeSelector:\n  topology.kubernetes.io/zone: a\n{AFFINITY}        - matchExpressions:\n            - {{key: topology.kubernetes.io/zone, operator: In, values: [a, b]}}\n"
        ));
        assert_eq!(p.single_zone(), Some("a"));
        assert_eq!(
            p.restricted_at.map(|r| r.1),
            Some(Restriction::NodeSelector)
        );
    }

    #[test]
    fn terms_that_do_not_restrict_zones_allow_all() {
        for term in [
            "            - {key: topology.kubernetes.io/zone, operator: NotIn, values: [a]}\n",
            "            - {key: kubernetes.io/arch, operator: In, values: [arm64]}\n",
            "            - {key: topology.kubernetes.io/zone, operator: In, values: [\"${ZONE}\", {x: 1}]}\n",
        ] {
            let p = placement(&format!(
                "{AFFINITY}        - matchExpressions:\n            - {{key: topology.kubernetes.io/zone, operator: In, values: [a]}}\n        - matchExpressions:\n{term}"
            ));
            assert_eq!(zones(&p), None, "{term}");
        }
    }

    #[test]
    fn spread_over_zones_or_hosts() {
        let spread = "topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n    whenUnsatisfiable: ScheduleAnyway\n    labelSelector:\n      matchLabels:\n        app: web\n";
        assert!(placement(spread).zone_spread);
        assert!(!placement(&spread.replace("app: web", "app: other")).zone_spread);
        let anti = "affinity:\n  podAntiAffinity:\n    preferredDuringSchedulingIgnoredDuringExecution:\n      - weight: 100\n        podAffinityTerm:\n          topologyKey: kubernetes.io/hostname\n          labelSelector:\n            matchLabels:\n              app: web\n";
        // Over nodes, not zones.
        let p = placement(anti);
        assert!(!p.zone_spread && p.host_spread.is_some());
        let p = placement(&anti.replace("kubernetes.io/hostname", "topology.kubernetes.io/zone"));
        assert!(p.zone_spread && p.host_spread.is_none());
        let p = placement(&spread.replace("topology.kubernetes.io/zone", "kubernetes.io/hostname"));
        assert!(!p.zone_spread && p.host_spread.is_some());
    }
}
