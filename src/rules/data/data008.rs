//! DATA008: a DynamoDB table without a replica in another region (global tables).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::DYNAMODB_TABLE) {
        let r = model.tf(id);
        cx.needs_second_region(
            id,
            |region| {
                format!(
                    "{} lives only in {region}: without a replica in another region a regional outage makes the table unavailable",
                    r.address
                )
            },
            "add a `replica { region_name = \"<other region>\" }` block (global table; needs streams enabled)",
        );
    }
}
