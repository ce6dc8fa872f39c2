package examples.tf_backup_retention_test

import data.examples.tf_backup_retention
import rego.v1

resource(type, attrs, unknown) := object.union(attrs, {"spoflint": {
	"family": "terraform",
	"type": type,
	"mode": "managed",
	"name": sprintf("%s.main", [type]),
	"unknown": unknown,
}})

test_zero_days_denied if {
	results := tf_backup_retention.deny with input as resource("aws_db_instance", {"backup_retention_period": 0}, [])
	count(results) == 1
	some r in results
	r.path == ["backup_retention_period"]
	contains(r.msg, "backups are off")
}

test_unset_means_one_day if {
	some r in tf_backup_retention.deny with input as resource("aws_rds_cluster", {}, [])
	contains(r.msg, "1 day(s)")
	contains(r.msg, "not set")
}

test_seven_days_allowed if {
	count(tf_backup_retention.deny) == 0 with input as resource("aws_rds_cluster", {"backup_retention_period": 7}, [])
	count(tf_backup_retention.deny) == 0 with input as resource("aws_docdb_cluster", {"backup_retention_period": 35}, [])
}

test_unknown_ignored if {
	count(tf_backup_retention.deny) == 0 with input as resource("aws_db_instance", {"backup_retention_period": null}, ["backup_retention_period"])
}

test_read_replica_ignored if {
	count(tf_backup_retention.deny) == 0 with input as resource("aws_db_instance", {"replicate_source_db": null}, ["replicate_source_db"])
}

test_other_types_ignored if {
	count(tf_backup_retention.deny) == 0 with input as resource("aws_dynamodb_table", {}, [])
}
