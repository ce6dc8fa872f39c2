//! CONTROL005: kube-scheduler or kube-controller-manager with leader election disabled:
//! several instances then act at once, and a single one cannot be made redundant.

use crate::facts::{ControlComponent, Role};
use crate::model::Span;
use crate::rules::prelude::*;

fn is_false(v: &str) -> bool {
    matches!(v, "false" | "False" | "FALSE" | "f" | "F" | "0")
}

pub fn check(cx: &mut RuleCx) {
    let model = cx.model;
    for w in &cx.facts.workloads {
        let Role::ControlPlane(
            c @ (ControlComponent::Scheduler | ControlComponent::ControllerManager),
        ) = w.role
        else {
            continue;
        };
        let r = model.resource(w.res);
        for container in &w.containers {
            let mut found: Option<Span> = None;
            let mut args = container.argv.iter().peekable();
            while let Some((arg, span)) = args.next() {
                if let Some(v) = arg.strip_prefix("--leader-elect=") {
                    if is_false(v) {
                        found = Some(*span);
                    }
                } else if arg == "--leader-elect"
                    && let Some((v, s)) = args.peek()
                    && is_false(v)
                {
                    found = Some(span.join(*s));
                }
            }
            if let Some(span) = found {
                cx.report(
                    Label::new(r.source, span, "leader election disabled"),
                    format!(
                        "{} in {} runs with leader election disabled: a second instance cannot stand by safely, so this one is a single point of failure",
                        c.as_str(),
                        r.display()
                    ),
                )
                .help("remove the flag or set --leader-elect=true, and run an instance on every control-plane node")
                .on(w.res);
            }
        }
    }
}
