# METADATA
# title: HorizontalPodAutoscalers keep at least 2 replicas
# description: |
#   An autoscaler with minReplicas 1 (the default when the field is omitted) scales its
#   workload down to a single pod whenever load is low, whatever spec.replicas says: that pod
#   is then a single point of failure until the next scale-up.
# custom:
#   id: EXAMPLE005
#   layer: compute
#   severity: warning
package examples.k8s_hpa_min

import rego.v1

min_replicas := 2

api_versions := {"autoscaling/v1", "autoscaling/v2", "autoscaling/v2beta1", "autoscaling/v2beta2"}

deny contains finding if {
	input.kind == "HorizontalPodAutoscaler"
	input.apiVersion in api_versions
	min := object.get(input, ["spec", "minReplicas"], 1) # Kubernetes' default
	is_number(min)
	min < min_replicas
	finding := {
		"msg": sprintf("%s lets %s scale down to %v replica(s)%s", [input.spoflint.name, target, min, default_note]),
		"path": ["spec", "minReplicas"],
		"fix": sprintf("set spec.minReplicas to %v or more", [min_replicas]),
	}
}

target := sprintf("%s %s", [ref.kind, ref.name]) if {
	ref := input.spec.scaleTargetRef
	is_string(ref.kind)
	is_string(ref.name)
} else := "its target"

default_note := " (minReplicas is not set and defaults to 1)" if {
	object.get(input, ["spec", "minReplicas"], null) == null
} else := ""
