//! SECURITY002: a KMS key that is not multi-Region, or has no replica key in another region:
//! data encrypted with it cannot be decrypted elsewhere when its region is down.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::KMS_KEY) {
        let r = model.tf(id);
        let attr = r.attr("multi_region");
        match attr.map(|a| a.value.as_bool()) {
            Some(Some(true)) => cx.needs_second_region(
                id,
                |region| {
                    format!(
                        "{} is multi-Region but has no aws_kms_replica_key outside {region}: ciphertext made with it cannot be decrypted when {region} is down",
                        r.address
                    )
                },
                "add an aws_kms_replica_key with primary_key_arn = this key's arn, created through a provider in another region",
            ),
            Some(None) => {
                let a = attr.expect("matched Some");
                cx.unknown_value(id, "multi_region", a);
            }
            _ => {
                let why = match attr {
                    Some(a) => shown("multi_region", a),
                    None => "`multi_region` is not set (defaults to false)".to_string(),
                };
                cx.report(
                    r.attr_label("multi_region", "single-region key"),
                    format!(
                        "{} is a single-region key ({why}): it cannot be replicated, so everything encrypted with it is tied to one region",
                        r.address
                    ),
                )
                .help("create the key with multi_region = true (a new key: this cannot be changed in place) and add an aws_kms_replica_key in another region")
                .on(id);
            }
        }
    }
}
