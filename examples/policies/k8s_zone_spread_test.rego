package examples.k8s_zone_spread_test

import data.examples.k8s_zone_spread
import rego.v1

workload(kind, replicas, spread, zones) := {
	"kind": kind,
	"spoflint": {
		"family": "kubernetes",
		"kind": kind,
		"name": sprintf("%s prod/web", [kind]),
		"workload": {
			"role": "application", "replicas": replicas, "zones": zones,
			"zone_spread": spread, "host_spread": false,
		},
	},
}

test_unspread_replicas_denied if {
	results := k8s_zone_spread.deny with input as workload("Deployment", 3, false, null)
	count(results) == 1
	some r in results
	r.path[3] == "topologySpreadConstraints"
}

test_host_spread_only_mentioned if {
	inp := json.patch(workload("StatefulSet", 3, false, null), [{"op": "replace", "path": "/spoflint/workload/host_spread", "value": true}])
	some r in k8s_zone_spread.deny with input as inp
	contains(r.msg, "spread over nodes only")
}

test_zone_spread_allowed if {
	count(k8s_zone_spread.deny) == 0 with input as workload("Deployment", 3, true, null)
}

test_single_replica_ignored if {
	count(k8s_zone_spread.deny) == 0 with input as workload("Deployment", 1, false, null)
}

test_pinned_to_one_zone_left_to_example004 if {
	count(k8s_zone_spread.deny) == 0 with input as workload("Deployment", 3, false, ["eu-west-1a"])
}

test_several_allowed_zones_still_need_spread if {
	count(k8s_zone_spread.deny) == 1 with input as workload("Deployment", 3, false, ["eu-west-1a", "eu-west-1b"])
}

test_daemonset_ignored if {
	count(k8s_zone_spread.deny) == 0 with input as workload("DaemonSet", null, false, null)
}
