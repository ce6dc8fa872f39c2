//! SECURITY003: a Secrets Manager secret without a replica in another region.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::SECRETSMANAGER_SECRET) {
        let r = model.tf(id);
        cx.needs_second_region(
            id,
            |region| {
                format!(
                    "{} exists only in {region}: services failing over to another region cannot read it",
                    r.address
                )
            },
            "add a `replica { region = \"<other region>\" }` block",
        );
    }
}
