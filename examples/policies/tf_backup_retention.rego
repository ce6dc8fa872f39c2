# METADATA
# title: Database backups are kept at least 7 days
# description: |
#   Automated backups and point-in-time recovery are the last line of defence against data
#   corruption and deletion, which replication copies faithfully. AWS keeps them 1 day by
#   default and 0 turns them off; a problem noticed after a weekend is then unrecoverable.
# custom:
#   id: EXAMPLE012
#   layer: data
#   severity: warning
package examples.tf_backup_retention

import rego.v1

min_days := 7

# Types with backup_retention_period; AWS's default when it is not set is 1 day.
types := {"aws_db_instance", "aws_rds_cluster", "aws_docdb_cluster", "aws_neptune_cluster"}

deny contains finding if {
	input.spoflint.type in types
	input.spoflint.mode == "managed"
	not is_replica
	days := retention
	is_number(days)
	days < min_days
	finding := {
		"msg": sprintf("%s keeps automated backups %v day(s)%s; at least %v are required", [input.spoflint.name, days, note, min_days]),
		"path": ["backup_retention_period"],
		"fix": sprintf("set backup_retention_period = %v or more", [min_days]),
	}
}

retention := input.backup_retention_period if input.backup_retention_period != null
else := 1 if not "backup_retention_period" in input.spoflint.unknown

note := " (backup_retention_period is not set: AWS's default)" if {
	object.get(input, "backup_retention_period", null) == null
} else := " (backups are off)" if {
	input.backup_retention_period == 0
} else := ""

# RDS read replicas keep no automated backups of their own by default; their source does.
is_replica if {
	input.spoflint.type == "aws_db_instance"
	is_string(input.replicate_source_db)
	input.replicate_source_db != ""
}

is_replica if {
	input.spoflint.type == "aws_db_instance"
	"replicate_source_db" in input.spoflint.unknown
}
