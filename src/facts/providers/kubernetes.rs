//! The Terraform kubernetes provider: the Kubernetes objects it creates are not judged yet.

use super::Provider;
use crate::finding::Layer;

pub static PROVIDER: Provider = Provider {
    name: "kubernetes",
    kinds: &[],
    subnets: &[],
    dns_zones: &[],
    global_groups: &[],
    not_judged: &[
        ("kubernetes_deployment", Layer::Compute),
        ("kubernetes_deployment_v1", Layer::Compute),
        ("kubernetes_stateful_set", Layer::Compute),
        ("kubernetes_stateful_set_v1", Layer::Compute),
        ("kubernetes_daemonset", Layer::Compute),
        ("kubernetes_daemon_set_v1", Layer::Compute),
        ("kubernetes_replication_controller", Layer::Compute),
        ("kubernetes_replication_controller_v1", Layer::Compute),
        ("kubernetes_pod", Layer::Compute),
        ("kubernetes_pod_v1", Layer::Compute),
        ("kubernetes_ingress", Layer::Network),
        ("kubernetes_ingress_v1", Layer::Network),
    ],
};
