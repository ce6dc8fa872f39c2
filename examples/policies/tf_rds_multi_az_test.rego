package examples.tf_rds_multi_az_test

import data.examples.tf_rds_multi_az
import rego.v1

db(attrs, unknown) := object.union(attrs, {"spoflint": {
	"family": "terraform",
	"type": "aws_db_instance",
	"mode": "managed",
	"name": "aws_db_instance.orders",
	"unknown": unknown,
}})

test_multi_az_false_denied if {
	results := tf_rds_multi_az.deny with input as db({"engine": "postgres", "multi_az": false}, [])
	count(results) == 1
	some r in results
	r.path == ["multi_az"]
	contains(r.msg, "multi_az is false")
}

test_multi_az_omitted_denied if {
	some r in tf_rds_multi_az.deny with input as db({"engine": "postgres"}, [])
	contains(r.msg, "not set")
}

test_multi_az_null_in_plan_denied if {
	# A plan's JSON lists unset attributes as null, without them being unknown.
	count(tf_rds_multi_az.deny) == 1 with input as db({"multi_az": null}, [])
}

test_multi_az_true_allowed if {
	count(tf_rds_multi_az.deny) == 0 with input as db({"multi_az": true}, [])
}

test_unknown_value_ignored if {
	count(tf_rds_multi_az.deny) == 0 with input as db({"multi_az": null}, ["multi_az"])
}

test_read_replicas_ignored if {
	count(tf_rds_multi_az.deny) == 0 with input as db({"replicate_source_db": "orders"}, [])
	count(tf_rds_multi_az.deny) == 0 with input as db({"replicate_source_db": null}, ["replicate_source_db"])
}

test_plan_non_replica_checked if {
	count(tf_rds_multi_az.deny) == 1 with input as db({"replicate_source_db": null, "multi_az": false}, [])
}
