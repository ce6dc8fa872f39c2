package examples.k8s_image_tag_test

import data.examples.k8s_image_tag
import rego.v1

deployment(images) := {
	"kind": "Deployment",
	"spec": {"template": {"spec": {"containers": [{"name": sprintf("c%d", [i]), "image": img} | some i, img in images]}}},
	"spoflint": {"family": "kubernetes", "kind": "Deployment", "name": "Deployment prod/web", "workload": {"images": images}},
}

test_latest_denied if {
	results := k8s_image_tag.deny with input as deployment(["nginx:1.27", "redis:latest"])
	count(results) == 1
	some r in results
	r.path == ["spec", "template", "spec", "containers", 1, "image"]
	contains(r.msg, ":latest")
}

test_untagged_denied if {
	some r in k8s_image_tag.deny with input as deployment(["ghcr.io/acme/api"])
	contains(r.msg, "has no tag")
}

test_registry_port_is_not_a_tag if {
	count(k8s_image_tag.deny) == 1 with input as deployment(["registry.local:5000/acme/api"])
	count(k8s_image_tag.deny) == 0 with input as deployment(["registry.local:5000/acme/api:2.1.0"])
}

test_digest_allowed if {
	count(k8s_image_tag.deny) == 0 with input as deployment(["nginx@sha256:0123456789abcdef", "nginx:latest@sha256:0123456789abcdef"])
}

test_cronjob_and_init_containers if {
	inp := {
		"kind": "CronJob",
		"spec": {"jobTemplate": {"spec": {"template": {"spec": {
			"initContainers": [{"name": "migrate", "image": "flyway/flyway"}],
			"containers": [{"name": "job", "image": "acme/report:3.2"}],
		}}}}},
		"spoflint": {"family": "kubernetes", "kind": "CronJob", "name": "CronJob prod/report", "workload": null},
	}
	results := k8s_image_tag.deny with input as inp
	count(results) == 1
	some r in results
	r.path == ["spec", "jobTemplate", "spec", "template", "spec", "initContainers", 0, "image"]
}

test_unrendered_and_malformed_ignored if {
	count(k8s_image_tag.deny) == 0 with input as deployment(["{{ .Values.image }}", 42])
	inp := json.patch(deployment([]), [{"op": "replace", "path": "/spec/template/spec/containers", "value": "not-a-list"}])
	count(k8s_image_tag.deny) == 0 with input as inp
}

test_other_kinds_ignored if {
	count(k8s_image_tag.deny) == 0 with input as {"kind": "ConfigMap", "spoflint": {"family": "kubernetes"}}
}

test_init_containers_of_deployments if {
	inp := json.patch(deployment(["acme/api:1.0"]), [{"op": "add", "path": "/spec/template/spec/initContainers", "value": [{"name": "wait", "image": "busybox"}]}])
	some r in k8s_image_tag.deny with input as inp
	r.path == ["spec", "template", "spec", "initContainers", 0, "image"]
}
