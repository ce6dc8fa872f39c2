//! SYSTEM003: a data store (or key, or secret) can lose more data than `targets.rpo` in a
//! failure the system is meant to survive: asynchronous replication with a longer lag, or no
//! copy outside the lost domain.

use crate::rules::prelude::*;
use crate::system::Rpo;

pub fn check(cx: &mut RuleCx) {
    let sys = cx.system;
    let Some(target) = sys.settings.targets.rpo else {
        return;
    };
    for (c, comp) in sys.components.iter().enumerate() {
        if !comp.stateful {
            continue;
        }
        // The worst loss over the scenarios the system is meant to survive.
        let mut worst: Option<(Rpo, String)> = None;
        for s in sys.scenarios.iter().filter(|s| s.expected) {
            for (name, o) in &s.data {
                if *name != comp.key {
                    continue;
                }
                let Some(r) = &o.rpo else { continue };
                let over = match r {
                    Rpo::Zero => false,
                    Rpo::Seconds(x) => *x > target,
                    Rpo::Unbounded => true,
                };
                if over && worst.as_ref().is_none_or(|(w, _)| r > w) {
                    let lost = s.lost_title();
                    worst = Some((r.clone(), lost));
                }
            }
        }
        let Some((rpo, lost)) = worst else { continue };
        let message = match &rpo {
            // A copy elsewhere whose lag has no bound (S3 replication without Replication
            // Time Control).
            Rpo::Unbounded if comp.region_failover.is_some() => format!(
                "{} replicates to another region with no bound on how far the copy lags: losing {lost} can lose any amount of recent writes, above the {} RPO target",
                comp.key,
                show_duration(target)
            ),
            Rpo::Unbounded => format!(
                "{} has no copy outside {lost} that it can fail over to: losing it loses the data written since the last backup kept elsewhere, above the {} RPO target",
                comp.key,
                show_duration(target)
            ),
            _ => format!(
                "{} can lose up to {rpo} of writes when {lost} is lost (asynchronous replication), above the {} RPO target",
                comp.key,
                show_duration(target)
            ),
        };
        let help = match &rpo {
            Rpo::Unbounded => {
                "replicate it to another region (Aurora global database, a cross-region replica, S3 replication with Replication Time Control, DynamoDB global tables)"
            }
            _ => {
                "use replication with a shorter lag (Aurora global database: about 1 s; S3 Replication Time Control: 15 min), or a synchronous copy"
            }
        };
        let Some(primary) = cx.component_label(c, format!("can lose {rpo} of data")) else {
            continue;
        };
        let target_label = cx.target_label(2, "RPO target set here");
        let f = cx.report(primary, message).help(help);
        if let Some(l) = target_label {
            f.also(l);
        }
        if let Some(r) = comp.res {
            f.on(r);
        }
    }
}
