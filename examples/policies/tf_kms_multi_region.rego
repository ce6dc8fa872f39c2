# METADATA
# title: KMS keys are multi-Region keys with a replica
# description: |
#   Data encrypted with a single-Region KMS key can only be decrypted in that region: its
#   cross-region copies are useless when the region is down, and a single-Region key cannot
#   be made multi-Region later. Create keys with multi_region = true and replicate them with
#   aws_kms_replica_key to the recovery region. A replica key whose region is not known
#   statically is given the benefit of the doubt (looked up in data.spoflint.resources).
# custom:
#   id: EXAMPLE015
#   layer: security
#   severity: warning
package examples.tf_kms_multi_region

import rego.v1

deny contains finding if {
	input.spoflint.type == "aws_kms_key"
	input.spoflint.mode == "managed"
	multi_region == false
	finding := {
		"msg": sprintf("%s is a single-Region key: data it encrypts cannot be decrypted in another region", [input.spoflint.name]),
		"path": ["multi_region"],
		"fix": "create the key with multi_region = true (this replaces the key) and add an aws_kms_replica_key in the recovery region",
	}
}

deny contains finding if {
	input.spoflint.type == "aws_kms_key"
	input.spoflint.mode == "managed"
	multi_region == true
	count(input.spoflint.regions) < 2
	not replica_region_unknown
	finding := {
		"msg": sprintf("multi-Region key %s has no replica key in another region", [input.spoflint.name]),
		"fix": "add an aws_kms_replica_key with a provider of the recovery region",
	}
}

# false when unset; undefined when known only after apply.
multi_region := input.multi_region if input.multi_region != null
else := false if not "multi_region" in input.spoflint.unknown

# A replica key whose region spoflint could not tell (a provider alias from a variable, ...).
replica_region_unknown if {
	some id in input.spoflint.replicas
	not is_string(data.spoflint.resources[id].region)
}
