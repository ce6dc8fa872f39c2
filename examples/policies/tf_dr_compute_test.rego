package examples.tf_dr_compute_test

import data.examples.tf_dr_compute
import rego.v1

resource(id, type, layer, region, regions) := {
	"family": "terraform",
	"id": id,
	"name": trim_prefix(id, "tf:"),
	"type": type,
	"mode": "managed",
	"layer": layer,
	"region": region,
	"regions": regions,
}

db := resource("tf:aws_rds_global_cluster.orders", "aws_rds_global_cluster", "data", "us-east-1", ["us-east-1", "us-west-2"])

east_cluster := resource("tf:aws_eks_cluster.east", "aws_eks_cluster", "control", "us-east-1", ["us-east-1"])

west_group := resource("tf:aws_autoscaling_group.west", "aws_autoscaling_group", "compute", "us-west-2", ["us-west-2"])

model(rs) := {"resources": {r.id: r | some r in rs}}

test_recovery_region_without_compute_denied if {
	results := tf_dr_compute.deny with input as {"spoflint": db} with data.spoflint as model([db, east_cluster])
	count(results) == 1
	some r in results
	contains(r.msg, "has a copy in us-west-2")
}

test_recovery_region_with_compute_allowed if {
	count(tf_dr_compute.deny) == 0 with input as {"spoflint": db} with data.spoflint as model([db, east_cluster, west_group])
}

test_compute_not_in_scan_ignored if {
	count(tf_dr_compute.deny) == 0 with input as {"spoflint": db} with data.spoflint as model([db, west_group])
	count(tf_dr_compute.deny) == 0 with input as {"spoflint": db} with data.spoflint as model([db])
}

test_archive_buckets_ignored if {
	bucket := resource("tf:aws_s3_bucket.docs", "aws_s3_bucket", "data", "us-east-1", ["us-east-1", "us-west-2"])
	count(tf_dr_compute.deny) == 0 with input as {"spoflint": bucket} with data.spoflint as model([bucket, east_cluster])
}

test_single_region_data_ignored if {
	single := resource("tf:aws_db_instance.orders", "aws_db_instance", "data", "us-east-1", ["us-east-1"])
	count(tf_dr_compute.deny) == 0 with input as {"spoflint": single} with data.spoflint as model([single, east_cluster])
}
