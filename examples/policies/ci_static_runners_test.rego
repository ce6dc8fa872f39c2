package examples.ci_static_runners_test

import data.examples.ci_static_runners
import rego.v1

job(deploys, runs_on) := {
	"name": "deploy",
	"pipeline": ".gitlab-ci.yml",
	"runs_on": runs_on,
	"environment": "production",
	"manual": true,
	"spoflint": {"family": "pipeline", "system": "gitlab-ci", "name": "job `deploy`", "deploys": deploys},
}

test_expression_reported if {
	results := ci_static_runners.info with input as job(true, null)
	count(results) == 1
}

test_static_labels_allowed if {
	count(ci_static_runners.info) == 0 with input as job(true, [["self-hosted", "linux"]])
}

test_default_runners_allowed if {
	count(ci_static_runners.info) == 0 with input as job(true, [])
}

test_non_deploy_jobs_ignored if {
	count(ci_static_runners.info) == 0 with input as job(false, null)
}

test_kubernetes_objects_ignored if {
	count(ci_static_runners.info) == 0 with input as {"kind": "Deployment", "spoflint": {"family": "kubernetes"}}
}
