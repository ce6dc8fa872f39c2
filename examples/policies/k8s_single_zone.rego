# METADATA
# title: Workloads are not pinned to a single zone
# description: |
#   A zone nodeSelector or a required node affinity that allows one zone only puts every pod
#   of the workload there, whatever its replica count: losing that zone stops all of them, and
#   the pods cannot be rescheduled elsewhere.
# custom:
#   id: EXAMPLE004
#   layer: compute
#   severity: error
package examples.k8s_single_zone

import rego.v1

zone_labels := ["topology.kubernetes.io/zone", "failure-domain.beta.kubernetes.io/zone"]

deny contains finding if {
	input.spoflint.family == "kubernetes"
	zones := input.spoflint.workload.zones
	is_array(zones) # null: any zone of the cluster
	count(zones) == 1
	finding := {
		"msg": sprintf("%s is pinned to zone %v: losing that zone stops every replica", [input.spoflint.name, zones[0]]),
		"path": pin_path,
		"fix": "allow at least two zones (operator In with several values), or drop the zone constraint and spread the pods with topologySpreadConstraints",
	}
}

# The pod spec inside the object, and its path.
pod_spec_path := ["spec"] if input.kind == "Pod"
else := ["spec", "template", "spec"]

pod_spec := object.get(input, pod_spec_path, {})

# The field that pins the pods: a zone label of the nodeSelector, else the required node
# affinity.
pin_path := array.concat(pod_spec_path, ["nodeSelector", keys[0]]) if {
	keys := [k | some k in zone_labels; object.get(pod_spec, ["nodeSelector", k], null) != null]
	count(keys) > 0
} else := array.concat(pod_spec_path, ["affinity", "nodeAffinity", "requiredDuringSchedulingIgnoredDuringExecution"])
