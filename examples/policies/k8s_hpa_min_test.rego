package examples.k8s_hpa_min_test

import data.examples.k8s_hpa_min
import rego.v1

hpa(spec) := {
	"apiVersion": "autoscaling/v2",
	"kind": "HorizontalPodAutoscaler",
	"spec": object.union({"scaleTargetRef": {"kind": "Deployment", "name": "web"}, "maxReplicas": 10}, spec),
	"spoflint": {"family": "kubernetes", "kind": "HorizontalPodAutoscaler", "name": "HorizontalPodAutoscaler prod/web", "workload": null},
}

test_min_one_denied if {
	results := k8s_hpa_min.deny with input as hpa({"minReplicas": 1})
	count(results) == 1
	some r in results
	r.path == ["spec", "minReplicas"]
	contains(r.msg, "Deployment web scale down to 1")
}

test_omitted_min_defaults_to_one if {
	some r in k8s_hpa_min.deny with input as hpa({})
	contains(r.msg, "defaults to 1")
}

test_min_two_allowed if {
	count(k8s_hpa_min.deny) == 0 with input as hpa({"minReplicas": 2})
}

test_unrendered_value_ignored if {
	count(k8s_hpa_min.deny) == 0 with input as hpa({"minReplicas": "{{ .Values.min }}"})
}

test_other_autoscalers_ignored if {
	inp := object.union(hpa({"minReplicas": 1}), {"apiVersion": "actions.summerwind.dev/v1alpha1"})
	count(k8s_hpa_min.deny) == 0 with input as inp
}

test_malformed_target_named_generically if {
	some r in k8s_hpa_min.deny with input as hpa({"minReplicas": 1, "scaleTargetRef": "web"})
	contains(r.msg, "lets its target scale down")
}

test_null_spec if {
	inp := json.patch(hpa({}), [{"op": "replace", "path": "/spec", "value": null}])
	some r in k8s_hpa_min.deny with input as inp
	contains(r.msg, "defaults to 1")
}
