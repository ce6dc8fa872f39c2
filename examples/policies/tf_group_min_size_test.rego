package examples.tf_group_min_size_test

import data.examples.tf_group_min_size
import rego.v1

resource(type, attrs) := object.union(attrs, {"spoflint": {
	"family": "terraform",
	"type": type,
	"mode": "managed",
	"name": sprintf("%s.web", [type]),
}})

test_asg_min_one_denied if {
	results := tf_group_min_size.deny with input as resource("aws_autoscaling_group", {"min_size": 1, "max_size": 4})
	count(results) == 1
	some r in results
	r.path == ["min_size"]
}

test_asg_min_zero_denied if {
	count(tf_group_min_size.deny) == 1 with input as resource("aws_autoscaling_group", {"min_size": 0})
}

test_asg_min_two_allowed if {
	count(tf_group_min_size.deny) == 0 with input as resource("aws_autoscaling_group", {"min_size": 2})
}

test_asg_unknown_ignored if {
	count(tf_group_min_size.deny) == 0 with input as resource("aws_autoscaling_group", {"min_size": null})
}

test_node_group_block_located if {
	inp := resource("aws_eks_node_group", {"scaling_config": [{"desired_size": 2, "max_size": 4, "min_size": 1}]})
	some r in tf_group_min_size.deny with input as inp
	r.path == ["scaling_config", 0, "min_size"]
}

test_node_group_min_three_allowed if {
	inp := resource("aws_eks_node_group", {"scaling_config": [{"desired_size": 3, "max_size": 9, "min_size": 3}]})
	count(tf_group_min_size.deny) == 0 with input as inp
}

test_node_group_unknown_block_ignored if {
	count(tf_group_min_size.deny) == 0 with input as resource("aws_eks_node_group", {"scaling_config": null})
	count(tf_group_min_size.deny) == 0 with input as resource("aws_eks_node_group", {"scaling_config": [{"min_size": null}]})
}
