//! DATA007: an S3 bucket that does not replicate to a bucket in another region.

use std::collections::HashSet;

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    let buckets = facts.tf.of_type(aws::S3_BUCKET);
    // Replication destinations are the copies, not the originals.
    let destinations: HashSet<ResourceId> = buckets
        .iter()
        .flat_map(|&b| facts.tf.replication_destinations(model, b))
        .collect();
    for &id in buckets {
        if destinations.contains(&id) {
            continue;
        }
        let r = model.tf(id);
        let same_region: Vec<ResourceId> = facts.tf.replication_destinations(model, id);
        cx.needs_second_region(
            id,
            |region| {
                if same_region.is_empty() {
                    format!(
                        "{} is not replicated to another region: a regional outage makes its objects unavailable, and nothing protects against losing them",
                        r.address
                    )
                } else {
                    format!(
                        "{} replicates only within {region} ({}): a regional outage takes the copies with it",
                        r.address,
                        same_region
                            .iter()
                            .map(|d| model.tf(*d).address.as_str())
                            .collect::<Vec<_>>()
                            .join(", ")
                    )
                }
            },
            "add an aws_s3_bucket_replication_configuration whose destination bucket is created with a provider in another region (versioning on both)",
        );
    }
}
