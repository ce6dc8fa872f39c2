//! The Terraform kubernetes provider. The objects it creates (`kubernetes_deployment`,
//! `kubernetes_manifest`, ...) are judged as the Kubernetes manifests they make (see
//! `ingest::terraform::kubernetes`); only the types listed here are not.

use super::Provider;
use crate::finding::Layer;

pub static PROVIDER: Provider = Provider {
    name: "kubernetes",
    kinds: &[],
    subnets: &[],
    dns_zones: &[],
    dns_records: &[],
    global_groups: &[],
    not_judged: &[
        ("kubernetes_replication_controller", Layer::Compute),
        ("kubernetes_replication_controller_v1", Layer::Compute),
    ],
};
