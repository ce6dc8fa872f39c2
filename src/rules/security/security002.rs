//! SECURITY002: a KMS key that is not multi-Region, or has no replica key in another region
//! (AWS), or a Cloud KMS key ring in a single region (Google Cloud): data encrypted with it
//! cannot be decrypted elsewhere when its region is down.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    google_key_rings(cx);
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

/// Cloud KMS keys live where their key ring is, and cannot be copied: a key ring in one region
/// ties every key in it to that region. A multi-region (`us`, `europe`), dual-region (`nam4`)
/// or `global` location is served from several regions.
fn google_key_rings(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::KMS_KEY_RING) {
        let r = model.tf(id);
        let Some(Some(attr)) = cx.known_attr(id, None, "location") else {
            continue;
        };
        let Some(location) = attr.value.as_str() else {
            continue;
        };
        let Some(region) = crate::model::terraform::google_region_of(location) else {
            continue;
        };
        let keys = facts
            .tf
            .referrers(model, id, google::KMS_CRYPTO_KEY, "key_ring");
        let held = match keys.len() {
            0 => "keys created in it, and everything encrypted with them,".to_string(),
            1 => format!(
                "its key {}, and everything encrypted with it,",
                model.tf(keys[0]).address
            ),
            n => format!("its {n} keys, and everything encrypted with them,"),
        };
        cx.report(
            r.attr_label("location", "single-region key ring"),
            format!(
                "{} is in {region} only (`location = {location:?}`): Cloud KMS keys cannot be copied to another region, so {held} are unusable while {region} is down",
                r.address
            ),
        )
        .help("for keys that protect data replicated across regions, create the key ring in a multi-region (\"us\", \"europe\", \"asia\"), dual-region (\"nam4\", \"eur4\") or \"global\" location (a new key ring: the location cannot change)")
        .on(id);
    }
}
