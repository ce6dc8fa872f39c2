package examples.tf_approved_regions_test

import data.examples.tf_approved_regions
import rego.v1

resource(attrs, layer, region, regions) := object.union(attrs, {"spoflint": {
	"family": "terraform",
	"name": "aws_dynamodb_table.orders",
	"type": "aws_dynamodb_table",
	"mode": "managed",
	"layer": layer,
	"region": region,
	"regions": regions,
}})

test_unapproved_region_denied if {
	results := tf_approved_regions.deny with input as resource({}, "data", "ap-south-1", ["ap-south-1"])
	count(results) == 1
	some r in results
	contains(r.msg, "is in ap-south-1")
	r.path == []
}

test_region_attribute_located if {
	some r in tf_approved_regions.deny with input as resource({"region": "ca-central-1"}, "data", "ca-central-1", ["ca-central-1"])
	r.path == ["region"]
}

test_replica_region_denied if {
	results := tf_approved_regions.deny with input as resource({}, "data", "eu-west-1", ["eu-west-1", "ap-southeast-2"])
	count(results) == 1
	some r in results
	contains(r.msg, "has a copy in ap-southeast-2")
}

test_approved_regions_allowed if {
	count(tf_approved_regions.deny) == 0 with input as resource({}, "data", "us-east-1", ["us-east-1", "us-west-2"])
}

test_unknown_region_ignored if {
	count(tf_approved_regions.deny) == 0 with input as resource({}, "data", null, [])
}

test_other_layers_ignored if {
	count(tf_approved_regions.deny) == 0 with input as resource({}, "compute", "ap-south-1", ["ap-south-1"])
}
