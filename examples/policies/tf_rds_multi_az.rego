# METADATA
# title: RDS instances run Multi-AZ
# description: |
#   A single-AZ RDS instance has no standby: an instance failure or a zone outage makes the
#   database unavailable until it is rebuilt from backups. multi_az = true keeps a synchronous
#   standby in a second zone with automatic failover. Read replicas are not checked, nor a
#   value known only after apply.
# custom:
#   id: EXAMPLE011
#   layer: data
#   severity: error
package examples.tf_rds_multi_az

import rego.v1

deny contains finding if {
	input.spoflint.type == "aws_db_instance"
	input.spoflint.mode == "managed"
	not is_replica
	multi_az == false
	finding := {
		"msg": sprintf("%s runs in one availability zone (multi_az is %s)", [input.spoflint.name, shown]),
		"path": ["multi_az"],
		"fix": "set multi_az = true",
	}
}

# The value of multi_az: false when unset; undefined when known only after apply (unknown
# values are null in input and listed in input.spoflint.unknown).
multi_az := input.multi_az if input.multi_az != null
else := false if not "multi_az" in input.spoflint.unknown

shown := "false" if "multi_az" in object.keys(input)
else := "not set, so false"

# A read replica follows its source's settings; its source may be unknown until apply.
is_replica if {
	is_string(input.replicate_source_db)
	input.replicate_source_db != ""
}

is_replica if "replicate_source_db" in input.spoflint.unknown
