//! DATA020: storage whose copies in its region are all in one zone: an Azure storage account
//! replicated locally (`LRS`, or `GRS`/`RAGRS`, whose primary region keeps LRS copies), a
//! Filestore instance of a zonal tier.

use crate::rules::prelude::*;

/// Filestore tiers whose instance lives in one zone: Basic HDD and SSD (`STANDARD` and
/// `PREMIUM` are their older names) and Zonal (`HIGH_SCALE_SSD` is its older name).
const FILESTORE_ZONAL: &[&str] = &[
    "BASIC_HDD",
    "BASIC_SSD",
    "STANDARD",
    "PREMIUM",
    "HIGH_SCALE_SSD",
    "ZONAL",
];
/// Filestore tiers whose instance spans the zones of its region.
const FILESTORE_REGIONAL: &[&str] = &["REGIONAL", "ENTERPRISE"];

pub fn check(cx: &mut RuleCx) {
    storage_accounts(cx);
    filestore(cx);
}

fn storage_accounts(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(azure::STORAGE_ACCOUNT) {
        let r = model.tf(id);
        let Some(attr) = cx.known_attr(id, None, "account_replication_type") else {
            continue;
        };
        let Some((a, kind)) = attr.and_then(|a| Some((a, a.value.as_str()?))) else {
            cx.cannot_judge(
                r.attr_label("account_replication_type", ""),
                &r.address,
                "its `account_replication_type` is not set",
            )
            .on(id);
            continue;
        };
        let premium = r.value("account_tier").and_then(Value::as_str) == Some("Premium");
        let (message, help) = match kind {
            "ZRS" | "GZRS" | "RAGZRS" => continue,
            "LRS" => (
                format!(
                    "{} keeps its three copies in one datacenter ({}): a zone outage makes the account unavailable, and a disaster in that datacenter can lose it",
                    r.address,
                    shown("account_replication_type", a)
                ),
                if premium {
                    "use account_replication_type = \"ZRS\" (Premium block blob and file share accounts support it): a copy in each of three zones of the region"
                } else {
                    "use account_replication_type = \"ZRS\" (a copy in each of three zones of the region), or \"GZRS\" to add a copy in another region"
                },
            ),
            "GRS" | "RAGRS" => (
                format!(
                    "{} keeps its copies in the primary region in one datacenter ({}): a zone outage there makes the account unavailable for writes{}, and the copy in the secondary region takes over only through an account failover, which is not automatic, takes time and loses the writes not yet copied",
                    r.address,
                    shown("account_replication_type", a),
                    if kind == "RAGRS" {
                        " (reads can go to the secondary endpoint)"
                    } else {
                        " and reads"
                    }
                ),
                "use account_replication_type = \"GZRS\" (or \"RAGZRS\"): the primary region's copies in three zones, with the copy in another region kept",
            ),
            _ => {
                cx.cannot_judge(
                    Label::new(r.source, a.span, ""),
                    &r.address,
                    format!(
                        "{} is none of LRS, ZRS, GRS, RAGRS, GZRS and RAGZRS",
                        shown("account_replication_type", a)
                    ),
                )
                .on(id);
                continue;
            }
        };
        cx.report(
            r.attr_label("account_replication_type", "copies in one zone"),
            message,
        )
        .help(help)
        .on(id);
    }
}

fn filestore(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::FILESTORE_INSTANCE) {
        let r = model.tf(id);
        let Some(Some(tier)) = cx.known_attr(id, None, "tier") else {
            continue;
        };
        let name = tier.value.as_str().unwrap_or_default();
        if FILESTORE_REGIONAL.contains(&name) {
            continue;
        }
        if !FILESTORE_ZONAL.contains(&name) {
            cx.cannot_judge(
                Label::new(r.source, tier.span, ""),
                &r.address,
                format!("{} is not a Filestore tier it knows", shown("tier", tier)),
            )
            .on(id);
            continue;
        }
        let zone = ["location", "zone"]
            .iter()
            .find_map(|a| r.value(a).and_then(Value::as_str))
            .map(|z| format!(" ({z})"))
            .unwrap_or_default();
        cx.report(
            r.attr_label("tier", "zonal tier"),
            format!(
                "{} is a zonal Filestore instance ({}): its file shares live in one zone{zone}, so a zone outage makes them unavailable to every client",
                r.address,
                shown("tier", tier)
            ),
        )
        .help("use tier = \"REGIONAL\" (or \"ENTERPRISE\") with a region as location: the instance then keeps serving through a zone outage")
        .on(id);
    }
}
