//! DATA005: a primary database with no replica (or global cluster member, or failover group
//! partner) in another region: RDS instances and Aurora clusters, Cloud SQL instances,
//! PostgreSQL and MySQL flexible servers, Azure SQL servers.

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let (model, facts) = (cx.model, cx.facts);
    for id in facts.tf.of_types(&[aws::RDS_CLUSTER, aws::DB_INSTANCE]) {
        let r = model.tf(id);
        let replica_attr = if r.rtype == aws::RDS_CLUSTER {
            "replication_source_identifier"
        } else {
            "replicate_source_db"
        };
        // Replicas are the answer, not the question.
        if r.value(replica_attr).is_some_and(|v| *v != Value::Null) {
            continue;
        }
        if r.rtype == aws::DB_INSTANCE
            && r.value("engine")
                .and_then(Value::as_str)
                .is_some_and(|e| e.starts_with("aurora"))
        {
            continue;
        }
        let help = if r.rtype == aws::RDS_CLUSTER {
            "make it the primary of an aws_rds_global_cluster with a secondary cluster in another region (a provider alias), or add a cross-region replica cluster"
        } else {
            "add an aws_db_instance in another region (a provider alias) with replicate_source_db = this instance's arn"
        };
        cx.needs_second_region(
            id,
            |region| {
                format!(
                    "{} has no replica outside {region}: a regional outage leaves the data unreachable (or lost back to the last snapshot copied elsewhere)",
                    r.address
                )
            },
            help,
        );
    }
    let others = [
        (
            google::SQL_DATABASE_INSTANCE,
            "add a google_sql_database_instance in another region with master_instance_name = this instance's name (a cross-region read replica, which can be promoted)",
        ),
        (
            azure::POSTGRESQL_FLEXIBLE_SERVER,
            "add an azurerm_postgresql_flexible_server in another location with create_mode = \"Replica\" and source_server_id = this server's id (a geo read replica, which can be promoted)",
        ),
        (
            azure::MYSQL_FLEXIBLE_SERVER,
            "add an azurerm_mysql_flexible_server in another location with create_mode = \"Replica\" and source_server_id = this server's id (a geo read replica, which can be promoted)",
        ),
        (
            azure::MSSQL_SERVER,
            "add an azurerm_mssql_server in another location and an azurerm_mssql_failover_group with server_id = this server's id, partner_server { id = the other server's id } and the databases to copy",
        ),
    ];
    for (rtype, help) in others {
        for &id in facts.tf.of_type(rtype) {
            let r = model.tf(id);
            match facts.tf.is_copy(model, id) {
                // A replica or failover partner is the copy; its primary is judged.
                Some(true) => continue,
                Some(false) => {}
                None => {
                    let at = r.attr_label("create_mode", "");
                    cx.cannot_judge(
                        at,
                        &r.address,
                        "its `create_mode` is not known statically, so whether it is a replica is not known",
                    )
                    .help("give create_mode a value that can be known (a literal, variable default or tfvars), or scan a plan")
                    .on(id);
                    continue;
                }
            }
            cx.needs_second_region(
                id,
                |region| {
                    format!(
                        "{} has no {} outside {region}: a regional outage leaves the data unreachable (or lost back to the last backup kept elsewhere)",
                        r.address,
                        if rtype == azure::MSSQL_SERVER {
                            "failover group partner"
                        } else {
                            "replica"
                        }
                    )
                },
                help,
            );
        }
    }
}
