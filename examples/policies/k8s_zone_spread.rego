# METADATA
# title: Replicated workloads spread their pods over zones
# description: |
#   The scheduler may place every replica of a workload in one availability zone, and then
#   losing that zone stops all of them. A topologySpreadConstraints entry (or a pod
#   anti-affinity term) on topology.kubernetes.io/zone that selects the workload's own pods
#   keeps the replicas apart. Spreading over nodes only (kubernetes.io/hostname) is not enough.
# custom:
#   id: EXAMPLE003
#   layer: compute
#   severity: warning
package examples.k8s_zone_spread

import rego.v1

kinds := {"Deployment", "StatefulSet"}

deny contains finding if {
	input.kind in kinds
	w := input.spoflint.workload
	is_number(w.replicas)
	w.replicas >= 2
	not w.zone_spread
	not pinned_to_one_zone(w) # EXAMPLE004 reports those: spreading cannot help
	finding := {
		"msg": sprintf("%s runs %v replicas with no zone spread%s: they may all land in one zone", [input.spoflint.name, w.replicas, host_note(w)]),
		"path": ["spec", "template", "spec", "topologySpreadConstraints"],
		"fix": "add a topologySpreadConstraints entry with topologyKey: topology.kubernetes.io/zone, maxSkew: 1 and a labelSelector matching the pod template's labels",
	}
}

pinned_to_one_zone(w) if {
	is_array(w.zones) # null: any zone of the cluster
	count(w.zones) == 1
}

host_note(w) := " (spread over nodes only)" if w.host_spread
else := ""
