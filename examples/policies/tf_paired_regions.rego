# METADATA
# title: Databases and buckets keep a copy in a second region
# description: |
#   A copy in a second region (a cross-region read replica, a global database or table, a
#   bucket replication destination, a failover group) is what lets a service come back after
#   a regional outage. Checked on the types whose copies spoflint follows. A resource that is
#   itself the copy of a resource in another region is not reported: the policy looks
#   through data.spoflint.resources for a resource that lists it among its replicas.
# custom:
#   id: EXAMPLE014
#   layer: data
#   severity: warning
package examples.tf_paired_regions

import rego.v1

# Data stores whose copies in other regions spoflint follows into input.spoflint.regions.
types := {
	"aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_s3_bucket",
	"azurerm_cosmosdb_account", "azurerm_mssql_server", "azurerm_mysql_flexible_server",
	"azurerm_postgresql_flexible_server", "google_sql_database_instance", "google_alloydb_cluster",
}

deny contains finding if {
	input.spoflint.type in types
	input.spoflint.mode == "managed"
	count(input.spoflint.regions) < 2
	is_string(input.spoflint.region) # not judged when its region is not known statically
	not copy_by_attribute
	# Only now, for the few resources left, look through the rest of the model.
	not copy_in_model
	finding := {
		"msg": sprintf("%s has no copy outside %s: a regional outage makes its data unavailable", [input.spoflint.name, input.spoflint.region]),
		"fix": "add a cross-region replica (or global table/cluster member, or bucket replication rule) in a second region",
	}
}

# Copies that say so themselves.
copy_by_attribute if given("replicate_source_db") # RDS read replica
copy_by_attribute if given("replication_source_identifier") # Aurora replica cluster
copy_by_attribute if given("master_instance_name") # Cloud SQL replica
copy_by_attribute if given("source_server_id") # Azure flexible server replica
copy_by_attribute if input.cluster_type == "SECONDARY" # AlloyDB secondary

# An attribute that is set, possibly to a value known only after apply (null in input then;
# a plan's JSON lists unset attributes as null too, but not as unknown).
given(attr) if {
	is_string(input[attr])
	input[attr] != ""
}

given(attr) if attr in input.spoflint.unknown

# A resource of the scan in another region lists this one among those holding a copy of it
# (failover partners list each other: in one region, neither has a copy outside it).
copy_in_model if {
	id := input.spoflint.id
	some other in data.spoflint.resources
	other.replicas[_] == id
	other.region != input.spoflint.region
}
