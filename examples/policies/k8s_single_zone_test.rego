package examples.k8s_single_zone_test

import data.examples.k8s_single_zone
import rego.v1

deployment(pod_spec, zones) := {
	"kind": "Deployment",
	"spec": {"replicas": 3, "template": {"spec": pod_spec}},
	"spoflint": {
		"family": "kubernetes",
		"kind": "Deployment",
		"name": "Deployment prod/web",
		"workload": {"role": "application", "replicas": 3, "zones": zones},
	},
}

test_node_selector_zone_denied if {
	inp := deployment({"nodeSelector": {"kubernetes.io/os": "linux", "topology.kubernetes.io/zone": "eu-west-1a"}}, ["eu-west-1a"])
	results := k8s_single_zone.deny with input as inp
	count(results) == 1
	some r in results
	r.path == ["spec", "template", "spec", "nodeSelector", "topology.kubernetes.io/zone"]
	contains(r.msg, "eu-west-1a")
}

test_legacy_label_located if {
	inp := deployment({"nodeSelector": {"failure-domain.beta.kubernetes.io/zone": "us-east-1a"}}, ["us-east-1a"])
	some r in k8s_single_zone.deny with input as inp
	r.path[4] == "failure-domain.beta.kubernetes.io/zone"
}

test_affinity_located if {
	affinity := {"nodeAffinity": {"requiredDuringSchedulingIgnoredDuringExecution": {"nodeSelectorTerms": []}}}
	some r in k8s_single_zone.deny with input as deployment({"affinity": affinity}, ["eu-west-1b"])
	r.path == ["spec", "template", "spec", "affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"]
}

test_pod_spec_at_top_for_pods if {
	inp := {
		"kind": "Pod",
		"spec": {"nodeSelector": {"topology.kubernetes.io/zone": "eu-west-1a"}},
		"spoflint": {"family": "kubernetes", "kind": "Pod", "name": "Pod default/p", "workload": {"zones": ["eu-west-1a"]}},
	}
	some r in k8s_single_zone.deny with input as inp
	r.path == ["spec", "nodeSelector", "topology.kubernetes.io/zone"]
}

test_two_zones_allowed if {
	count(k8s_single_zone.deny) == 0 with input as deployment({}, ["eu-west-1a", "eu-west-1b"])
}

test_any_zone_allowed if {
	count(k8s_single_zone.deny) == 0 with input as deployment({}, null)
}

test_non_workload_ignored if {
	count(k8s_single_zone.deny) == 0 with input as {"kind": "Service", "spoflint": {"family": "kubernetes", "workload": null}}
}
