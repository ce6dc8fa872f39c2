# METADATA
# title: Data stays in approved regions
# description: |
#   Data stores, and every copy of them (cross-region replicas, replication destinations,
#   global table members), must live in the regions the organisation has approved for its
#   data and its disaster-recovery plan. Edit the allow list below to match yours. A region
#   spoflint cannot know statically is not judged.
# custom:
#   id: EXAMPLE010
#   layer: data
#   severity: error
package examples.tf_approved_regions

import rego.v1

approved := {
	# AWS
	"us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1",
	# Google Cloud
	"us-central1", "us-east1", "europe-west1", "europe-west4",
	# Azure
	"eastus", "westus2", "westeurope", "northeurope",
}

deny contains finding if {
	input.spoflint.family == "terraform"
	input.spoflint.layer == "data"
	input.spoflint.mode == "managed"
	some region in input.spoflint.regions # its own region and its copies'
	not region in approved
	finding := {
		"msg": sprintf("%s %s %s, which is not an approved region", [input.spoflint.name, verb(region), region]),
		"path": path(region),
		"fix": sprintf("move it to one of: %s", [concat(", ", sort(approved))]),
	}
}

verb(region) := "is in" if region == input.spoflint.region
else := "has a copy in"

# The attribute that sets its own region, when written on the resource (else its header).
path(region) := [attrs[0]] if {
	region == input.spoflint.region
	attrs := [a | some a in ["region", "location"]; a in object.keys(input)]
	count(attrs) > 0
} else := []
