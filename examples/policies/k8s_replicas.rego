# METADATA
# title: Application Deployments run at least 3 replicas
# description: |
#   With fewer than 3 replicas, losing one pod, node or zone takes away half or all of an
#   application's capacity. The count checked is spoflint's effective one: the minReplicas of
#   the HorizontalPodAutoscaler that scales the Deployment, else spec.replicas (default 1).
#   Leader-elected controllers (one active replica, the others standing by) are not checked.
# custom:
#   id: EXAMPLE001
#   layer: compute
#   severity: error
package examples.k8s_replicas

import rego.v1

min_replicas := 3

deny contains finding if {
	input.kind == "Deployment"
	w := input.spoflint.workload
	w.role == "application"
	not w.leader_election
	is_number(w.replicas) # null when not known statically (an unrendered template value)
	w.replicas < min_replicas
	finding := {
		"msg": sprintf("%s runs %v replica(s) (%s); application Deployments need at least %v", [input.spoflint.name, w.replicas, source(w), min_replicas]),
		"path": path(w),
		"fix": fix(w),
	}
}

# Where the replica count comes from, for the message.
source(w) := sprintf("minReplicas of HorizontalPodAutoscaler %s", [w.hpa.name]) if {
	w.replicas_from == "hpa"
} else := "spec.replicas is not set and defaults to 1" if {
	w.replicas_from == "default"
} else := "spec.replicas"

# The HPA is another object: point at the Deployment's header then.
path(w) := [] if w.replicas_from == "hpa"
else := ["spec", "replicas"]

fix(w) := sprintf("raise minReplicas of HorizontalPodAutoscaler %s to %v or more", [w.hpa.name, min_replicas]) if {
	w.replicas_from == "hpa"
} else := sprintf("set spec.replicas to %v or more (one replica per availability zone)", [min_replicas])
