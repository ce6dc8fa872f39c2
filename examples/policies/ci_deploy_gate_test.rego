package examples.ci_deploy_gate_test

import data.examples.ci_deploy_gate
import rego.v1

job(deploys, manual, environment) := {
	"name": "deploy",
	"pipeline": "Release",
	"runs_on": [["ubuntu-latest"]],
	"environment": environment,
	"manual": manual,
	"steps": [{"run": "helm upgrade --install shop ./chart"}],
	"spoflint": {"family": "pipeline", "system": "github-actions", "name": "job `deploy`", "deploys": deploys},
}

test_ungated_deploy_denied if {
	results := ci_deploy_gate.deny with input as job(true, false, null)
	count(results) == 1
	some r in results
	contains(r.msg, "job `deploy` deploys with no environment")
	contains(r.fix, "environment")
}

test_environment_allowed if {
	count(ci_deploy_gate.deny) == 0 with input as job(true, false, "production")
}

test_manual_allowed if {
	count(ci_deploy_gate.deny) == 0 with input as job(true, true, null)
}

test_non_deploy_jobs_ignored if {
	count(ci_deploy_gate.deny) == 0 with input as job(false, false, null)
}
