# METADATA
# title: Deploy jobs are gated by an environment or a manual start
# description: |
#   A deploy job with neither a deployment environment nor a manual start ships every change
#   that reaches it straight to its target, with no protection rule, required reviewer or
#   person to stop a bad release before it reaches all replicas. Declare an environment (its
#   protection rules then apply) or make the job manual.
# custom:
#   id: EXAMPLE019
#   layer: cicd
#   severity: error
package examples.ci_deploy_gate

import rego.v1

deny contains finding if {
	input.spoflint.family == "pipeline"
	input.spoflint.deploys
	not input.manual
	input.environment == null
	finding := {
		"msg": sprintf("%s deploys with no environment and no manual start: every change that reaches it goes straight out", [input.spoflint.name]),
		"fix": fix,
	}
}

fix := "add `environment: production` (with protection rules) to the job" if {
	input.spoflint.system == "github-actions"
} else := "add `environment: production` to the job, or `when: manual`"
