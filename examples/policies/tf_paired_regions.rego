# METADATA
# title: Regional data stores have a copy in a second region
# description: |
#   For the data stores spoflint expects to be paired across regions (databases, buckets,
#   tables, ...), a copy in a second region is what lets the service come back after a
#   regional outage. A resource that is itself the copy of another is not reported: this
#   policy looks through data.spoflint.resources for the primaries that list it as a replica.
# custom:
#   id: EXAMPLE014
#   layer: data
#   severity: warning
package examples.tf_paired_regions

import rego.v1

deny contains finding if {
	input.spoflint.family == "terraform"
	input.spoflint.paired
	input.spoflint.layer == "data"
	input.spoflint.mode == "managed"
	count(input.spoflint.regions) < 2
	# Only now, for the few resources left, look at the rest of the model.
	not is_copy
	finding := {
		"msg": sprintf("%s has no copy outside %s: a regional outage loses access to its data", [input.spoflint.name, where]),
		"fix": "add a cross-region replica, replication configuration or global table member in a second region",
	}
}

where := input.spoflint.region if is_string(input.spoflint.region)
else := "its region"

# Some other resource lists this one among the resources holding a copy of it.
is_copy if {
	some other in data.spoflint.resources
	input.spoflint.id in object.get(other, "replicas", [])
}
