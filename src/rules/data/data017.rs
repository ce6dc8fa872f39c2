//! DATA017: an AWS Backup plan that keeps every copy in its own region, while it backs up
//! stateful resources that have no replica in another region either.

use crate::facts::providers::{self};
use crate::finding::Layer;
use crate::rules::prelude::*;

/// The region of a backup vault named by `v`: the vault resource's provider region, or the
/// region field of a literal ARN. `None` when not known statically.
fn vault_region(model: &crate::model::Model, v: &Value) -> Option<String> {
    if let Some(&id) = v.references().first() {
        return model.tf(id).region_name().map(str::to_string);
    }
    let arn = v.as_str()?;
    let region = arn.split(':').nth(3)?;
    (arn.starts_with("arn:") && !region.is_empty()).then(|| region.to_string())
}

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &sel in facts.tf.of_type(aws::BACKUP_SELECTION) {
        let s = model.tf(sel);
        let Some(plan_id) = s
            .value("plan_id")
            .and_then(|v| v.references().first().copied())
        else {
            continue;
        };
        let plan = model.tf(plan_id);
        if plan.rtype != aws::BACKUP_PLAN {
            continue;
        }
        let Some(resources) = s.attr("resources") else {
            continue;
        };
        // The stateful resources selected that have no copy outside their own region.
        let lonely: Vec<ResourceId> = resources
            .value
            .references()
            .into_iter()
            .filter(|&id| {
                let r = model.tf(id);
                providers::kind(&r.rtype)
                    .is_some_and(|k| k.paired && k.layer == Some(Layer::Data))
                    && facts.tf.regions_of(model, id).regions.len() < 2
                    && facts.tf.regions_of(model, id).unknown == 0
                    // RDS replicates its own automated backups to another region.
                    && facts
                        .tf
                        .referrers(
                            model,
                            id,
                            aws::DB_INSTANCE_AUTOMATED_BACKUPS_REPLICATION,
                            "source_db_instance_arn",
                        )
                        .is_empty()
            })
            .collect();
        if lonely.is_empty() {
            continue;
        }
        let Some(region) = plan.region_name() else {
            cx.cannot_judge(
                plan.header_label(""),
                &plan.address,
                "the region of its provider is not known statically",
            )
            .on(plan_id);
            continue;
        };
        let rules: Vec<_> = plan.body.blocks("rule").collect();
        if rules.iter().any(|r| r.unknown_count) {
            cx.cannot_judge(
                plan.header_label(""),
                &plan.address,
                "its rules come from a dynamic block over a value that is not known statically",
            )
            .on(plan_id);
            continue;
        }
        let mut unknown = None;
        let mut elsewhere = false;
        for r in &rules {
            for c in r.body.blocks("copy_action") {
                if c.unknown_count {
                    unknown = Some(c.span);
                    continue;
                }
                match c
                    .body
                    .value("destination_vault_arn")
                    .map(|v| vault_region(model, v))
                {
                    Some(Some(dest)) if dest != region => elsewhere = true,
                    Some(Some(_)) => {}
                    Some(None) => {
                        unknown = Some(
                            c.body
                                .attr("destination_vault_arn")
                                .map_or(c.span, |a| a.span),
                        )
                    }
                    None => {}
                }
            }
        }
        if elsewhere {
            continue;
        }
        if let Some(span) = unknown {
            cx.cannot_judge(
                Label::new(plan.source, span, ""),
                &plan.address,
                "the region of a copy_action's destination vault is not known statically",
            )
            .on(plan_id);
            continue;
        }
        let names: Vec<String> = lonely
            .iter()
            .map(|&id| model.tf(id).address.clone())
            .collect();
        let f = cx
            .report(
                Label::new(s.source, resources.span, "selected here"),
                format!(
                    "{} keeps every backup of {} in {region}, and {} no replica in another region: a regional outage leaves no copy of {} data to restore elsewhere",
                    plan.address,
                    names.join(", "),
                    if names.len() == 1 { "it has" } else { "they have" },
                    if names.len() == 1 { "its" } else { "their" },
                ),
            )
            .help("add a copy_action to each rule of the plan with destination_vault_arn = a vault in another region (a provider alias), or replicate the resources themselves to another region")
            .on(plan_id);
        f.also(plan.header_label(plan.address.clone()));
        for &id in &lonely {
            let r = model.tf(id);
            f.also(r.header_label(r.address.clone()));
        }
    }
}
