# METADATA
# title: Ingress controllers run at least 2 replicas
# description: |
#   Every HTTP request for the cluster's Ingresses goes through the ingress controller. With a
#   single replica, a restart, a node drain or a crash takes down all of the cluster's sites
#   at once. DaemonSets run one pod per node and are not checked.
# custom:
#   id: EXAMPLE009
#   layer: network
#   severity: error
package examples.k8s_ingress_replicas

import rego.v1

min_replicas := 2

deny contains finding if {
	input.spoflint.family == "kubernetes"
	w := input.spoflint.workload
	w.role == "ingress-controller"
	is_number(w.replicas) # null for a DaemonSet
	w.replicas < min_replicas
	finding := {
		"msg": sprintf("ingress controller %s runs %v replica(s)%s: every Ingress of the cluster goes down with it", [input.spoflint.name, w.replicas, hpa_note(w)]),
		"path": path(w),
		"fix": sprintf("run at least %v replicas (3 over three zones), or run the controller as a DaemonSet", [min_replicas]),
	}
}

hpa_note(w) := sprintf(" (minReplicas of HorizontalPodAutoscaler %s)", [w.hpa.name]) if {
	w.replicas_from == "hpa"
} else := ""

path(w) := [] if w.replicas_from == "hpa"
else := ["spec", "replicas"] if input.kind != "Pod"
else := []
