//! DATA018: a managed database of Google Cloud or Azure whose data is served from one zone,
//! with no standby in another zone to fail over to: a Cloud SQL instance that is not
//! `REGIONAL`, an AlloyDB primary instance that is `ZONAL`, a PostgreSQL or MySQL flexible
//! server without zone-redundant high availability, an Azure SQL database (or the elastic pool
//! it is in) that is not zone redundant. Replicas and secondaries are not judged: they are the
//! copies, and their primary is.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    cloud_sql(cx);
    alloydb(cx);
    flexible_servers(cx);
    azure_sql(cx);
}

/// `google_sql_database_instance`: `settings { availability_type }`, `ZONAL` by default.
fn cloud_sql(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::SQL_DATABASE_INSTANCE) {
        let r = model.tf(id);
        // A read replica (`master_instance_name`) is a copy; its primary is judged.
        if facts.tf.is_copy(model, id) == Some(true) {
            continue;
        }
        if r.body.block("settings").is_none()
            && let Some(clone) = r.body.block("clone")
        {
            cx.cannot_judge(
                Label::new(r.source, clone.span, ""),
                &r.address,
                "it is a clone with no `settings` block: its availability type is not written here",
            )
            .help("give the clone a settings block with availability_type = \"REGIONAL\"")
            .on(id);
            continue;
        }
        let Some(attr) = cx.known_attr(id, Some("settings"), "availability_type") else {
            continue;
        };
        let why = match attr.map(|a| (a, a.value.as_str())) {
            Some((_, Some("REGIONAL"))) => continue,
            Some((a, Some("ZONAL"))) => shown("availability_type", a),
            None => "`settings.availability_type` is not set: the provider's default is ZONAL"
                .to_string(),
            Some((a, _)) => {
                cx.cannot_judge(
                    Label::new(r.source, a.span, ""),
                    &r.address,
                    format!(
                        "{} is neither REGIONAL nor ZONAL",
                        shown("availability_type", a)
                    ),
                )
                .on(id);
                continue;
            }
        };
        cx.report(
            r.nested_label("settings", "availability_type", "single-zone instance"),
            format!(
                "{} runs in one zone ({why}): a zone outage or the instance's failure makes the database unavailable, with no standby to fail over to",
                r.address
            ),
        )
        .help("set settings { availability_type = \"REGIONAL\" } for a standby in another zone of the region with automatic failover (it needs backups on, with point-in-time recovery for PostgreSQL or binary logging for MySQL)")
        .on(id);
    }
}

/// `google_alloydb_instance` of type `PRIMARY`: `availability_type`, `REGIONAL` by default.
fn alloydb(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(google::ALLOYDB_INSTANCE) {
        let r = model.tf(id);
        // Read pool nodes and a secondary cluster's instance are not the primary.
        let kind = r.value("instance_type");
        if kind.is_some_and(|k| !k.has_unknown() && k.as_str() != Some("PRIMARY")) {
            continue;
        }
        let Some(attr) = cx.known_attr(id, None, "availability_type") else {
            continue;
        };
        let Some(a) = attr.filter(|a| a.value.as_str() == Some("ZONAL")) else {
            continue;
        };
        let Some(Some(_)) = cx.known_attr(id, None, "instance_type") else {
            continue;
        };
        cx.report(
            r.attr_label("availability_type", "zonal primary"),
            format!(
                "{} is a primary instance in one zone ({}): a zone outage or the instance's failure stops every write to the cluster, with no standby to fail over to",
                r.address,
                shown("availability_type", a)
            ),
        )
        .help("remove availability_type (it defaults to REGIONAL) or set availability_type = \"REGIONAL\": a standby node in another zone takes over automatically")
        .on(id);
    }
}

/// `azurerm_postgresql_flexible_server` and `azurerm_mysql_flexible_server`:
/// `high_availability { mode = "ZoneRedundant" }`.
fn flexible_servers(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for id in facts.tf.of_types(&[
        azure::POSTGRESQL_FLEXIBLE_SERVER,
        azure::MYSQL_FLEXIBLE_SERVER,
    ]) {
        let r = model.tf(id);
        let copy = facts.tf.is_copy(model, id);
        if copy == Some(true) {
            continue;
        }
        let ha = r.body.block("high_availability");
        if ha.is_some_and(|b| b.unknown_count) {
            let b = ha.expect("checked");
            cx.cannot_judge(
                Label::new(r.source, b.span, ""),
                &r.address,
                "its high_availability block is dynamic over a value that is not known statically",
            )
            .on(id);
            continue;
        }
        let (label, message, help) = match ha {
            None => (
                r.header_label("no high_availability block"),
                format!(
                    "{} has no high_availability block: one server in one zone holds the data, so a zone outage or the server's failure makes the database unavailable, with no standby to fail over to",
                    r.address
                ),
                "add high_availability { mode = \"ZoneRedundant\" }: a standby server in another zone, kept in sync, takes over automatically (General Purpose or Memory Optimized SKUs)",
            ),
            Some(_) => {
                let Some(mode) = cx.known_attr(id, Some("high_availability"), "mode") else {
                    continue;
                };
                match mode.map(|m| (m, m.value.as_str())) {
                    Some((_, Some("ZoneRedundant"))) => continue,
                    Some((m, Some("SameZone"))) => (
                        r.nested_label("high_availability", "mode", "standby in the same zone"),
                        format!(
                            "{} keeps its standby in the primary's zone ({}): it survives the server's failure, not a zone outage, which takes both",
                            r.address,
                            shown("mode", m)
                        ),
                        "set high_availability { mode = \"ZoneRedundant\" } (in a region with availability zones): the standby then runs in another zone",
                    ),
                    _ => {
                        cx.cannot_judge(
                            r.nested_label("high_availability", "mode", ""),
                            &r.address,
                            "its high_availability mode is neither ZoneRedundant nor SameZone",
                        )
                        .on(id);
                        continue;
                    }
                }
            }
        };
        if copy.is_none() {
            cx.cannot_judge(
                r.attr_label("create_mode", ""),
                &r.address,
                "its `create_mode` is not known statically, so whether it is a replica (which needs no standby) is not known",
            )
            .help("give create_mode a value that can be known (a literal, variable default or tfvars), or scan a plan")
            .on(id);
            continue;
        }
        cx.report(label, message).help(help).on(id);
    }
}

/// `azurerm_mssql_database` (`zone_redundant`) and, for the databases in an elastic pool, the
/// `azurerm_mssql_elasticpool` (`zone_redundant`): Azure keeps a database's replicas in one
/// datacenter unless it is zone redundant.
fn azure_sql(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(azure::MSSQL_DATABASE) {
        let r = model.tf(id);
        // A geo-secondary is a copy; its primary database is judged.
        let mode = r.value("create_mode");
        if matches!(
            mode.and_then(Value::as_str),
            Some("Secondary" | "OnlineSecondary")
        ) {
            continue;
        }
        if let Some(pool) = r.attr("elastic_pool_id").filter(|a| a.value != Value::Null) {
            // Judged with its pool, when the scan has it.
            let in_scan = pool
                .value
                .references()
                .iter()
                .any(|&p| model.tf(p).rtype == azure::MSSQL_ELASTICPOOL);
            if !in_scan {
                cx.cannot_judge(
                    Label::new(r.source, pool.span, ""),
                    &r.address,
                    "it is in an elastic pool that is not in the scan, and the pool's zone_redundant decides",
                )
                .help("declare the azurerm_mssql_elasticpool in the scanned code (or scan a plan) so its zone_redundant can be read")
                .on(id);
            }
            continue;
        }
        let Some(why) = not_zone_redundant(cx, id) else {
            continue;
        };
        if mode.is_some_and(Value::has_unknown) {
            let a = r.attr("create_mode").expect("has a value");
            cx.unknown_value(id, "create_mode", a);
            continue;
        }
        cx.report(
            r.attr_label("zone_redundant", "not zone redundant"),
            format!(
                "{} keeps its replicas in one zone ({why}): a zone outage makes the database unavailable until the zone recovers or it is restored elsewhere",
                r.address
            ),
        )
        .help("set zone_redundant = true (Premium, Business Critical and Hyperscale databases, and General Purpose in some regions): its replicas then run in several zones of the region")
        .on(id);
    }
    for &id in facts.tf.of_type(azure::MSSQL_ELASTICPOOL) {
        let r = model.tf(id);
        let Some(why) = not_zone_redundant(cx, id) else {
            continue;
        };
        let databases = facts
            .tf
            .referrers(model, id, azure::MSSQL_DATABASE, "elastic_pool_id");
        let holds = if databases.is_empty() {
            "every database placed in it".to_string()
        } else {
            databases
                .iter()
                .map(|&d| model.tf(d).address.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let f = cx
            .report(
                r.attr_label("zone_redundant", "not zone redundant"),
                format!(
                    "{} keeps its replicas in one zone ({why}): a zone outage makes {holds} unavailable",
                    r.address
                ),
            )
            .help("set zone_redundant = true on the pool (a Premium or Business Critical SKU): the databases in it then run in several zones of the region")
            .on(id);
        // The instances of one `count`/`for_each` declaration share one label.
        let mut labels: Vec<(Label, Vec<&str>)> = Vec::new();
        for d in databases {
            let d = model.tf(d);
            let at = d.attr_label("elastic_pool_id", "");
            match labels
                .iter_mut()
                .find(|(l, _)| l.source == at.source && l.span == at.span)
            {
                Some((_, names)) => names.push(&d.address),
                None => labels.push((at, vec![&d.address])),
            }
        }
        for (at, names) in labels {
            let verb = if names.len() == 1 { "is" } else { "are" };
            f.also(Label::new(
                at.source,
                at.span,
                format!("{} {verb} in the pool", names.join(", ")),
            ));
        }
    }
}

/// Why an Azure SQL database or elastic pool is not zone redundant (its `zone_redundant`, or
/// its absence); `None` when it is, or when the value is not known statically (said as info).
fn not_zone_redundant(cx: &mut RuleCx, id: ResourceId) -> Option<String> {
    match cx.known_attr(id, None, "zone_redundant")? {
        Some(a) if a.value.as_bool() == Some(true) => None,
        Some(a) => Some(shown("zone_redundant", a)),
        None => Some(
            "`zone_redundant` is not set: Azure keeps its replicas in one datacenter".to_string(),
        ),
    }
}
