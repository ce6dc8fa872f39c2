package examples.k8s_ingress_replicas_test

import data.examples.k8s_ingress_replicas
import rego.v1

controller(kind, replicas, from) := {
	"kind": kind,
	"spoflint": {
		"family": "kubernetes",
		"kind": kind,
		"name": sprintf("%s ingress-nginx/ingress-nginx-controller", [kind]),
		"workload": {"role": "ingress-controller", "replicas": replicas, "replicas_from": from, "hpa": {"name": "ingress-nginx-controller", "min": replicas, "max": 5}},
	},
}

test_single_replica_denied if {
	results := k8s_ingress_replicas.deny with input as controller("Deployment", 1, "field")
	count(results) == 1
	some r in results
	r.path == ["spec", "replicas"]
}

test_hpa_min_one_denied if {
	some r in k8s_ingress_replicas.deny with input as controller("Deployment", 1, "hpa")
	contains(r.msg, "minReplicas of HorizontalPodAutoscaler ingress-nginx-controller")
	r.path == []
}

test_two_replicas_allowed if {
	count(k8s_ingress_replicas.deny) == 0 with input as controller("Deployment", 2, "field")
}

test_daemonset_allowed if {
	count(k8s_ingress_replicas.deny) == 0 with input as controller("DaemonSet", null, "fixed")
}

test_applications_ignored if {
	inp := json.patch(controller("Deployment", 1, "field"), [{"op": "replace", "path": "/spoflint/workload/role", "value": "application"}])
	count(k8s_ingress_replicas.deny) == 0 with input as inp
}
