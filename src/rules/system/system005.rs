//! SYSTEM005: a name in the configuration's `system:` section (`depends_on`,
//! `automated_failover`) that matches nothing in the scan.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let sys = cx.system;
    let Some(source) = sys.config_source else {
        return;
    };
    for u in &sys.unresolved {
        cx.report(
            Label::new(source, u.reference.span, "names nothing in the scan"),
            format!("`{}` in system: {}; the declaration is not used", u.reference.text, u.why),
        )
        .help("use a component's key as the report shows it: a Terraform address (aws_eks_node_group.web), or a Kubernetes Kind/namespace/name (Deployment/shop/api)");
    }
}
