# METADATA
# title: Deploy jobs name their runners statically
# description: |
#   When a deploy job picks its runners with an expression (`runs-on: ${{ matrix.runner }}`,
#   GitLab `tags: [$RUNNER]`), nobody can tell from the code which runner pool a release
#   depends on, nor check that the pool has more than one runner. Name the labels (or tags)
#   in the job so the pool can be reviewed.
# custom:
#   id: EXAMPLE020
#   layer: cicd
#   severity: info
package examples.ci_static_runners

import rego.v1

info contains finding if {
	input.spoflint.family == "pipeline"
	input.spoflint.deploys
	input.runs_on == null # an expression; [] means the CI system's default runners
	finding := {
		"msg": sprintf("%s deploys on runners chosen by an expression: the runner pool a release depends on cannot be checked", [input.spoflint.name]),
		"fix": "list the runner labels (runs-on) or tags in the job itself",
	}
}
