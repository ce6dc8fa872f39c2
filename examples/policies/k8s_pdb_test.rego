package examples.k8s_pdb_test

import data.examples.k8s_pdb
import rego.v1

workload(kind, replicas, pdbs) := {
	"kind": kind,
	"metadata": {"name": "web", "namespace": "prod"},
	"spoflint": {
		"family": "kubernetes",
		"kind": kind,
		"name": sprintf("%s prod/web", [kind]),
		"namespace": "prod",
		"workload": {"role": "application", "replicas": replicas, "replicas_from": "field", "pdbs": pdbs},
	},
}

pdb(min, max) := {"name": "web", "min_available": min, "max_unavailable": max}

test_missing_pdb_denied if {
	results := k8s_pdb.deny with input as workload("Deployment", 3, [])
	count(results) == 1
	some r in results
	contains(r.msg, "no PodDisruptionBudget")
}

test_single_replica_needs_no_pdb if {
	count(k8s_pdb.deny) == 0 with input as workload("Deployment", 1, [])
}

test_max_unavailable_one_allowed if {
	count(k8s_pdb.deny) == 0 with input as workload("StatefulSet", 3, [pdb(null, 1)])
}

test_max_unavailable_zero_denied if {
	count(k8s_pdb.deny) == 1 with input as workload("Deployment", 3, [pdb(null, 0)])
	count(k8s_pdb.deny) == 1 with input as workload("Deployment", 3, [pdb(null, "0%")])
}

test_min_available_equal_to_replicas_denied if {
	results := k8s_pdb.deny with input as workload("Deployment", 3, [pdb(3, null)])
	some r in results
	contains(r.msg, "minAvailable 3 with 3 replicas")
}

test_min_available_below_replicas_allowed if {
	count(k8s_pdb.deny) == 0 with input as workload("Deployment", 3, [pdb(2, null)])
}

test_min_available_percent_rounds_up if {
	count(k8s_pdb.deny) == 1 with input as workload("Deployment", 3, [pdb("80%", null)])
	count(k8s_pdb.deny) == 0 with input as workload("Deployment", 3, [pdb("50%", null)])
	count(k8s_pdb.deny) == 1 with input as workload("Deployment", 3, [pdb("100%", null)])
}

test_unknown_replicas_only_literal_blocks if {
	count(k8s_pdb.deny) == 0 with input as workload("Deployment", null, [pdb(2, null)])
	count(k8s_pdb.deny) == 1 with input as workload("Deployment", null, [pdb(null, 0)])
}

test_other_kinds_ignored if {
	count(k8s_pdb.deny) == 0 with input as workload("DaemonSet", 3, [])
}

test_malformed_percentage_ignored if {
	count(k8s_pdb.deny) == 0 with input as workload("Deployment", 3, [pdb("lots%", null)])
}
