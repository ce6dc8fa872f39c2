package examples.k8s_readiness_test

import data.examples.k8s_readiness
import rego.v1

workload(kind, role, containers) := {
	"kind": kind,
	"spec": {"template": {"spec": {"containers": containers}}},
	"spoflint": {"family": "kubernetes", "kind": kind, "name": sprintf("%s prod/web", [kind]), "workload": {"role": role}},
}

app := {"name": "app", "image": "acme/web:1.0", "ports": [{"containerPort": 8080}]}

sidecar := {"name": "logs", "image": "fluent/fluent-bit:3.0"}

probe := {"readinessProbe": {"httpGet": {"path": "/ready", "port": 8080}}}

test_no_probe_denied if {
	results := k8s_readiness.deny with input as workload("Deployment", "application", [sidecar, app])
	count(results) == 1
	some r in results
	r.path == ["spec", "template", "spec", "containers", 1]
}

test_probe_allowed if {
	count(k8s_readiness.deny) == 0 with input as workload("Deployment", "application", [object.union(app, probe), sidecar])
}

test_worker_without_ports_ignored if {
	count(k8s_readiness.deny) == 0 with input as workload("Deployment", "application", [sidecar])
}

test_ingress_controller_checked if {
	count(k8s_readiness.deny) == 1 with input as workload("DaemonSet", "ingress-controller", [app])
}

test_other_roles_ignored if {
	count(k8s_readiness.deny) == 0 with input as workload("StatefulSet", "data-store", [app])
	count(k8s_readiness.deny) == 0 with input as workload("Pod", "application", [app])
}

test_malformed_ignored if {
	count(k8s_readiness.deny) == 0 with input as workload("Deployment", "application", ["app", {"ports": 8080}])
	inp := {"kind": "Deployment", "spec": "oops", "spoflint": {"workload": {"role": "application"}}}
	count(k8s_readiness.deny) == 0 with input as inp
}
