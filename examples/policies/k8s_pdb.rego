# METADATA
# title: Replicated workloads have a PodDisruptionBudget that allows evictions
# description: |
#   Without a PodDisruptionBudget, a node drain or cluster upgrade may evict every replica of a
#   workload at once. A budget that allows no eviction at all (maxUnavailable 0, or a
#   minAvailable as high as the replica count) blocks those drains instead, so upgrades hang
#   until someone deletes it. Checked with the budgets spoflint matched to the workload's pods.
# custom:
#   id: EXAMPLE002
#   layer: compute
#   severity: warning
package examples.k8s_pdb

import rego.v1

kinds := {"Deployment", "StatefulSet"}

deny contains finding if {
	input.kind in kinds
	w := input.spoflint.workload
	is_number(w.replicas)
	w.replicas >= 2
	count(w.pdbs) == 0
	finding := {
		"msg": sprintf("%s runs %v replicas but no PodDisruptionBudget selects its pods: a node drain may evict all of them at once", [input.spoflint.name, w.replicas]),
		"fix": sprintf("add a PodDisruptionBudget in namespace %s with maxUnavailable: 1 and the workload's pod labels as selector", [input.spoflint.namespace]),
	}
}

deny contains finding if {
	input.kind in kinds
	w := input.spoflint.workload
	some pdb in w.pdbs
	why := blocking(pdb, w.replicas)
	finding := {
		"msg": sprintf("PodDisruptionBudget %s allows no voluntary eviction of %s (%s): node drains and upgrades will hang", [pdb.name, input.spoflint.name, why]),
		"fix": "use maxUnavailable: 1, or a minAvailable below the replica count",
	}
}

# Why a budget allows no eviction of a workload of n replicas (n may be null: unknown).
# Kubernetes rounds a percentage of minAvailable up, so 80% of 3 pods is 3.
blocking(pdb, n) := sprintf("maxUnavailable is %v", [pdb.max_unavailable]) if {
	pdb.max_unavailable in {0, "0%"}
} else := "minAvailable is 100%" if {
	pdb.min_available == "100%"
} else := sprintf("minAvailable %v with %v replicas", [pdb.min_available, n]) if {
	is_number(pdb.min_available)
	is_number(n)
	n >= 1
	pdb.min_available >= n
} else := sprintf("minAvailable %s of %v replicas rounds up to all of them", [pdb.min_available, n]) if {
	is_string(pdb.min_available)
	regex.match(`^[0-9]+%$`, pdb.min_available)
	is_number(n)
	n >= 1
	ceil((to_number(trim_suffix(pdb.min_available, "%")) * n) / 100) >= n
}
