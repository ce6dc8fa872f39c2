package examples.tf_paired_regions_test

import data.examples.tf_paired_regions
import rego.v1

facts(id, type, regions, replicas) := {
	"family": "terraform",
	"id": id,
	"name": trim_prefix(id, "tf:"),
	"type": type,
	"mode": "managed",
	"layer": "data",
	"paired": true,
	"region": regions[0],
	"regions": regions,
	"replicas": replicas,
	"unknown": [],
}

primary := facts("tf:aws_s3_bucket.docs", "aws_s3_bucket", ["us-east-1", "us-west-2"], ["tf:aws_s3_bucket.docs_dr"])

destination := facts("tf:aws_s3_bucket.docs_dr", "aws_s3_bucket", ["us-west-2"], [])

single := facts("tf:aws_db_instance.orders", "aws_db_instance", ["us-east-1"], [])

model := {"resources": {f.id: f | some f in [primary, destination, single]}}

test_single_region_denied if {
	results := tf_paired_regions.deny with input as {"spoflint": single} with data.spoflint as model
	count(results) == 1
	some r in results
	contains(r.msg, "no copy outside us-east-1")
}

test_plan_json_nulls_are_not_replicas if {
	# A plan lists unset attributes as null, without them being unknown.
	inp := {"replicate_source_db": null, "multi_az": true, "spoflint": single}
	count(tf_paired_regions.deny) == 1 with input as inp with data.spoflint as model
}

test_primary_with_copy_allowed if {
	count(tf_paired_regions.deny) == 0 with input as {"spoflint": primary} with data.spoflint as model
}

test_copy_found_in_model_allowed if {
	count(tf_paired_regions.deny) == 0 with input as {"spoflint": destination} with data.spoflint as model
}

test_copy_by_attribute_allowed if {
	replica := facts("tf:aws_db_instance.reader", "aws_db_instance", ["us-west-2"], [])
	count(tf_paired_regions.deny) == 0 with input as {"replicate_source_db": "arn:aws:rds:us-east-1:1:db:orders", "spoflint": replica} with data.spoflint as model
	unknown_source := object.union(replica, {"unknown": ["replicate_source_db"]})
	count(tf_paired_regions.deny) == 0 with input as {"replicate_source_db": null, "spoflint": unknown_source} with data.spoflint as model
	sql := facts("tf:google_sql_database_instance.replica", "google_sql_database_instance", ["europe-west4"], [])
	count(tf_paired_regions.deny) == 0 with input as {"master_instance_name": "main", "spoflint": sql} with data.spoflint as model
}

test_unknown_region_ignored if {
	count(tf_paired_regions.deny) == 0 with input as {"spoflint": object.union(single, {"region": null, "regions": []})} with data.spoflint as model
}

test_unmodelled_types_ignored if {
	# Geo-redundancy built into the service (a GRS account, a multi-region bucket) is not in
	# input.spoflint.regions: such types are left to other rules.
	account := facts("tf:azurerm_storage_account.logs", "azurerm_storage_account", ["westeurope"], [])
	count(tf_paired_regions.deny) == 0 with input as {"account_replication_type": "GRS", "spoflint": account} with data.spoflint as model
}

test_non_terraform_resources_in_model_ignored if {
	k8s := {"family": "kubernetes", "id": "k8s:v1/Service/default/web", "workload": null}
	m := {"resources": {f.id: f | some f in [single, k8s]}}
	count(tf_paired_regions.deny) == 1 with input as {"spoflint": single} with data.spoflint as m
}

test_failover_partners_in_one_region_denied if {
	a := facts("tf:azurerm_mssql_server.primary", "azurerm_mssql_server", ["westeurope"], ["tf:azurerm_mssql_server.secondary"])
	b := facts("tf:azurerm_mssql_server.secondary", "azurerm_mssql_server", ["westeurope"], ["tf:azurerm_mssql_server.primary"])
	m := {"resources": {a.id: a, b.id: b}}
	count(tf_paired_regions.deny) == 1 with input as {"spoflint": a} with data.spoflint as m
	count(tf_paired_regions.deny) == 1 with input as {"spoflint": b} with data.spoflint as m
}
