# METADATA
# title: Serving workloads have a readiness probe
# description: |
#   Replicas only protect a service if broken ones stop receiving traffic. Without a
#   readinessProbe, a pod is sent requests as soon as its containers start, and keeps getting
#   them while it hangs or has lost its dependencies. Checked on application and ingress
#   controller workloads whose containers expose a port; one probe in the pod is enough.
# custom:
#   id: EXAMPLE008
#   layer: compute
#   severity: warning
package examples.k8s_readiness

import rego.v1

kinds := {"Deployment", "StatefulSet", "DaemonSet"}

roles := {"application", "ingress-controller"}

deny contains finding if {
	input.kind in kinds
	input.spoflint.workload.role in roles
	containers := object.get(input, ["spec", "template", "spec", "containers"], [])
	is_array(containers)
	not any_probe(containers)
	# The first container that serves on a port (workers and consumers serve none).
	serving := [i | some i, c in containers; has_ports(c)]
	count(serving) > 0
	i := serving[0]
	finding := {
		"msg": sprintf("%s serves on a port but none of its containers has a readinessProbe: pods that hang keep receiving traffic", [input.spoflint.name]),
		"path": ["spec", "template", "spec", "containers", i],
		"fix": "add a readinessProbe (httpGet, grpc or tcpSocket) to the container that serves",
	}
}

any_probe(containers) if {
	some c in containers
	is_object(c.readinessProbe)
}

has_ports(c) if {
	is_array(c.ports)
	count(c.ports) > 0
}
