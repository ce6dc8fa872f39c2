package examples.tf_lb_zones_test

import data.examples.tf_lb_zones
import rego.v1

lb(attrs, zones) := object.union(attrs, {"spoflint": {
	"family": "terraform",
	"type": "aws_lb",
	"layer": "network",
	"name": "aws_lb.web",
	"zones": zones,
}})

test_one_zone_denied if {
	results := tf_lb_zones.deny with input as lb({"subnets": ["subnet-a"]}, {"known": ["us-east-1a"], "unknown": 0, "at_least": 1, "at_most": 1})
	count(results) == 1
	some r in results
	r.path == ["subnets"]
	contains(r.msg, "us-east-1a only")
}

test_one_unknown_subnet_denied if {
	some r in tf_lb_zones.deny with input as lb({"subnet_mapping": [{"subnet_id": null}]}, {"known": [], "unknown": 1, "at_least": 1, "at_most": 1})
	r.path == ["subnet_mapping"]
	contains(r.msg, "a single availability zone")
}

test_two_zones_allowed if {
	count(tf_lb_zones.deny) == 0 with input as lb({}, {"known": ["us-east-1a", "us-east-1b"], "unknown": 0, "at_least": 2, "at_most": 2})
}

test_maybe_two_zones_allowed if {
	# Two subnets whose zones are known only after apply: not judged.
	count(tf_lb_zones.deny) == 0 with input as lb({}, {"known": [], "unknown": 2, "at_least": 1, "at_most": 2})
	count(tf_lb_zones.deny) == 0 with input as lb({}, {"known": [], "unknown": 1, "at_least": 1, "at_most": null})
}

test_unplaced_resources_ignored if {
	count(tf_lb_zones.deny) == 0 with input as lb({}, null)
}

test_other_layers_ignored if {
	inp := json.patch(lb({}, {"known": ["us-east-1a"], "unknown": 0, "at_least": 1, "at_most": 1}), [{"op": "replace", "path": "/spoflint/layer", "value": "compute"}])
	count(tf_lb_zones.deny) == 0 with input as inp
}
