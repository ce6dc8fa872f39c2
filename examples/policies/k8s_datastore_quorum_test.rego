package examples.k8s_datastore_quorum_test

import data.examples.k8s_datastore_quorum
import rego.v1

statefulset(role, replicas) := {
	"kind": "StatefulSet",
	"spec": {"replicas": replicas},
	"spoflint": {
		"family": "kubernetes",
		"kind": "StatefulSet",
		"name": "StatefulSet db/postgres",
		"workload": {"role": role, "replicas": replicas, "replicas_from": "field"},
	},
}

test_single_member_denied if {
	results := k8s_datastore_quorum.deny with input as statefulset("data-store", 1)
	count(results) == 1
	some r in results
	r.path == ["spec", "replicas"]
	contains(r.msg, "loses the quorum")
}

test_even_members_denied if {
	some r in k8s_datastore_quorum.deny with input as statefulset("data-store", 4)
	contains(r.msg, "even member count")
}

test_odd_members_allowed if {
	count(k8s_datastore_quorum.deny) == 0 with input as statefulset("data-store", 3)
	count(k8s_datastore_quorum.deny) == 0 with input as statefulset("data-store", 5)
}

test_applications_ignored if {
	count(k8s_datastore_quorum.deny) == 0 with input as statefulset("application", 2)
}

test_unknown_replicas_ignored if {
	count(k8s_datastore_quorum.deny) == 0 with input as statefulset("data-store", null)
}
