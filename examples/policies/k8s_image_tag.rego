# METADATA
# title: Container images are pinned to a tag or digest
# description: |
#   An image without a tag, or tagged :latest, is resolved again whenever a pod starts: after a
#   node failure or a rollout the replacement pods may run a different build than the others,
#   and one bad push reaches every replica as they restart. Pin a version tag or a digest.
# custom:
#   id: EXAMPLE007
#   layer: compute
#   severity: warning
package examples.k8s_image_tag

import rego.v1

# Where each kind keeps its pod spec.
pod_spec_paths := {
	"Pod": ["spec"],
	"Deployment": ["spec", "template", "spec"],
	"StatefulSet": ["spec", "template", "spec"],
	"DaemonSet": ["spec", "template", "spec"],
	"ReplicaSet": ["spec", "template", "spec"],
	"Job": ["spec", "template", "spec"],
	"CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
}

deny contains finding if {
	# A quick look at the images spoflint lists (undefined for other kinds) before walking
	# the containers for the field to report.
	any_unpinned
	spec_path := pod_spec_paths[input.kind]
	input.spoflint.family == "kubernetes"
	some field in ["initContainers", "containers"]
	containers := object.get(input, array.concat(spec_path, [field]), [])
	is_array(containers)
	some i, container in containers
	image := container.image
	is_string(image)
	problem := unpinned(image)
	finding := {
		"msg": sprintf("container %v of %s runs image %s, which %s", [container.name, input.spoflint.name, image, problem]),
		"path": array.concat(spec_path, [field, i, "image"]),
		"fix": "pin a version tag (nginx:1.27.2) or a digest (nginx@sha256:...)",
	}
}

# spoflint lists the images of the containers (not the init containers) of Deployments,
# StatefulSets, ReplicaSets, DaemonSets and Pods.
any_unpinned if {
	some image in input.spoflint.workload.images
	is_string(image)
	not pinned(image)
}

any_unpinned if input.kind in {"Job", "CronJob"} # no workload facts: walk their containers

any_unpinned if input.spec.template.spec.initContainers

any_unpinned if input.spec.initContainers # a Pod's

# Most images are pinned: this is the quick test, done for every image.
pinned(image) if contains(image, "@")

pinned(image) if {
	not endswith(image, ":latest")
	tagged(image)
}

pinned(image) if not resolved(image) # an unrendered template: not judged

# Why an image reference is not pinned; undefined when it is.
unpinned(image) := "uses the mutable :latest tag" if {
	not pinned(image)
	endswith(image, ":latest")
} else := "has no tag (it means :latest)" if {
	not pinned(image)
}

# A tag is a `:` in the last path segment (a `:` before it is a registry port).
tagged(image) if {
	segments := split(image, "/")
	contains(segments[count(segments) - 1], ":")
}

resolved(image) if {
	image != ""
	not contains(image, "{{")
	not contains(image, "${")
}
