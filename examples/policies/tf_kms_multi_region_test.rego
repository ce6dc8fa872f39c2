package examples.tf_kms_multi_region_test

import data.examples.tf_kms_multi_region
import rego.v1

key(attrs, regions, unknown) := object.union(attrs, {"spoflint": {
	"family": "terraform",
	"type": "aws_kms_key",
	"mode": "managed",
	"name": "aws_kms_key.data",
	"region": "us-east-1",
	"regions": regions,
	"replicas": [],
	"unknown": unknown,
}})

with_replica(k) := json.patch(k, [{"op": "replace", "path": "/spoflint/replicas", "value": ["tf:aws_kms_replica_key.dr"]}])

test_single_region_key_denied if {
	results := tf_kms_multi_region.deny with input as key({"enable_key_rotation": true}, ["us-east-1"], [])
	count(results) == 1
	some r in results
	r.path == ["multi_region"]
	contains(r.msg, "single-Region key")
}

test_multi_region_false_denied if {
	count(tf_kms_multi_region.deny) == 1 with input as key({"multi_region": false}, ["us-east-1"], [])
}

test_multi_region_without_replica_denied if {
	some r in tf_kms_multi_region.deny with input as key({"multi_region": true}, ["us-east-1"], [])
	contains(r.msg, "no replica key")
}

test_replicated_key_allowed if {
	count(tf_kms_multi_region.deny) == 0 with input as key({"multi_region": true}, ["us-east-1", "us-west-2"], [])
}

test_unknown_ignored if {
	count(tf_kms_multi_region.deny) == 0 with input as key({"multi_region": null}, ["us-east-1"], ["multi_region"])
}

test_replica_keys_ignored if {
	inp := json.patch(key({}, ["us-west-2"], []), [{"op": "replace", "path": "/spoflint/type", "value": "aws_kms_replica_key"}])
	count(tf_kms_multi_region.deny) == 0 with input as inp
}

test_replica_in_same_region_denied if {
	inp := with_replica(key({"multi_region": true}, ["us-east-1"], []))
	model := {"resources": {"tf:aws_kms_replica_key.dr": {"region": "us-east-1"}}}
	count(tf_kms_multi_region.deny) == 1 with input as inp with data.spoflint as model
}

test_replica_in_unknown_region_ignored if {
	inp := with_replica(key({"multi_region": true}, ["us-east-1"], []))
	model := {"resources": {"tf:aws_kms_replica_key.dr": {"region": null}}}
	count(tf_kms_multi_region.deny) == 0 with input as inp with data.spoflint as model
}
