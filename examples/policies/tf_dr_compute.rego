# METADATA
# title: Recovery regions of replicated data also run compute
# description: |
#   A database replicated to a second region only helps if the application can run there
#   when the primary region fails. When the scan places compute (instances, groups, clusters,
#   serverless functions) in the data's primary region but none in a region holding a copy,
#   the failover has nothing to fail over to. Cross-resource: reads data.spoflint.resources.
# custom:
#   id: EXAMPLE018
#   layer: data
#   severity: warning
package examples.tf_dr_compute

import rego.v1

# Data kept as a backup or archive copy, where no failover is expected.
archive_types := {"aws_s3_bucket", "aws_backup_vault", "google_storage_bucket", "azurerm_storage_account"}

deny contains finding if {
	input.spoflint.family == "terraform"
	input.spoflint.layer == "data"
	count(input.spoflint.regions) > 1
	not input.spoflint.type in archive_types
	primary := input.spoflint.region
	# Only now, for the few replicated data stores, look at the rest of the model.
	compute_regions[primary] # else the compute is not managed in this scan
	some region in input.spoflint.regions
	not compute_regions[region]
	finding := {
		"msg": sprintf("%s has a copy in %s, but no compute of the scan runs there (it runs in %s): failing over leaves nothing to serve the data", [input.spoflint.name, region, primary]),
		"fix": sprintf("deploy the application's compute (a cluster or scaling group, even scaled down) to %s", [region]),
	}
}

# The regions where the scan runs compute: instances, groups, functions, Kubernetes clusters.
compute_regions contains region if {
	some r in data.spoflint.resources
	r.family == "terraform"
	r.layer in {"compute", "control"}
	region := r.region
	is_string(region)
}
