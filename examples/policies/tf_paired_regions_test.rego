package examples.tf_paired_regions_test

import data.examples.tf_paired_regions
import rego.v1

facts(id, regions, replicas) := {
	"family": "terraform",
	"id": id,
	"name": trim_prefix(id, "tf:"),
	"type": "aws_db_instance",
	"mode": "managed",
	"layer": "data",
	"paired": true,
	"region": regions[0],
	"regions": regions,
	"replicas": replicas,
}

primary := facts("tf:aws_db_instance.primary", ["us-east-1", "us-west-2"], ["tf:aws_db_instance.dr"])

replica := facts("tf:aws_db_instance.dr", ["us-west-2"], [])

single := facts("tf:aws_db_instance.orders", ["us-east-1"], [])

model := {"resources": {f.id: f | some f in [primary, replica, single]}}

test_single_region_denied if {
	results := tf_paired_regions.deny with input as {"spoflint": single} with data.spoflint as model
	count(results) == 1
	some r in results
	contains(r.msg, "no copy outside us-east-1")
}

test_primary_with_replica_allowed if {
	count(tf_paired_regions.deny) == 0 with input as {"spoflint": primary} with data.spoflint as model
}

test_replica_itself_allowed if {
	count(tf_paired_regions.deny) == 0 with input as {"spoflint": replica} with data.spoflint as model
}

test_unpaired_types_ignored if {
	count(tf_paired_regions.deny) == 0 with input as {"spoflint": object.union(single, {"paired": false})} with data.spoflint as model
}

test_non_terraform_resources_in_model_ignored if {
	k8s := {"family": "kubernetes", "id": "k8s:v1/Service/default/web", "workload": null}
	m := {"resources": {f.id: f | some f in [single, k8s]}}
	count(tf_paired_regions.deny) == 1 with input as {"spoflint": single} with data.spoflint as m
}
