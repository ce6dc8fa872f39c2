# METADATA
# title: Data-store StatefulSets run an odd number of replicas, at least 3
# description: |
#   Replicated databases and consensus systems (etcd, ZooKeeper, Kafka controllers, Postgres
#   with Patroni, ...) need a majority of their members to accept writes. One or two members
#   cannot lose any, and an even count tolerates no more failures than the odd count below it.
# custom:
#   id: EXAMPLE006
#   layer: data
#   severity: error
package examples.k8s_datastore_quorum

import rego.v1

deny contains finding if {
	input.kind == "StatefulSet"
	w := input.spoflint.workload
	w.role == "data-store"
	is_number(w.replicas)
	problem := quorum_problem(w.replicas)
	finding := {
		"msg": sprintf("data store %s runs %v replica(s): %s", [input.spoflint.name, w.replicas, problem]),
		"path": path(w),
		"fix": "run 3 (or 5) replicas, spread over zones",
	}
}

quorum_problem(n) := "losing one member loses the quorum or the data" if {
	n < 3
} else := "an even member count survives no more failures than one member fewer" if {
	n % 2 == 0
}

path(w) := [] if w.replicas_from == "hpa"
else := ["spec", "replicas"]
