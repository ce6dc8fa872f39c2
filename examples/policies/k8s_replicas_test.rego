package examples.k8s_replicas_test

import data.examples.k8s_replicas
import rego.v1

deployment(role, replicas, from, hpa) := {
	"apiVersion": "apps/v1",
	"kind": "Deployment",
	"metadata": {"name": "web", "namespace": "prod"},
	"spec": {"replicas": replicas},
	"spoflint": {
		"family": "kubernetes",
		"kind": "Deployment",
		"name": "Deployment prod/web",
		"workload": {"role": role, "replicas": replicas, "replicas_from": from, "hpa": hpa, "pdbs": []},
	},
}

test_two_replicas_denied if {
	results := k8s_replicas.deny with input as deployment("application", 2, "field", null)
	count(results) == 1
	some r in results
	r.path == ["spec", "replicas"]
	contains(r.msg, "runs 2 replica(s)")
}

test_three_replicas_allowed if {
	count(k8s_replicas.deny) == 0 with input as deployment("application", 3, "field", null)
}

test_hpa_min_counts if {
	results := k8s_replicas.deny with input as deployment("application", 2, "hpa", {"name": "web", "min": 2, "max": 10})
	some r in results
	r.path == []
	contains(r.msg, "HorizontalPodAutoscaler web")
}

test_default_replicas_denied if {
	count(k8s_replicas.deny) == 1 with input as deployment("application", 1, "default", null)
}

test_other_roles_ignored if {
	count(k8s_replicas.deny) == 0 with input as deployment("data-store", 1, "field", null)
}

test_unknown_replicas_ignored if {
	count(k8s_replicas.deny) == 0 with input as deployment("application", null, "field", null)
}

test_statefulset_ignored if {
	count(k8s_replicas.deny) == 0 with input as object.union(deployment("application", 1, "field", null), {"kind": "StatefulSet"})
}

test_leader_elected_controllers_ignored if {
	inp := json.patch(deployment("application", 2, "field", null), [{"op": "add", "path": "/spoflint/workload/leader_election", "value": true}])
	count(k8s_replicas.deny) == 0 with input as inp
}
