# METADATA
# title: Load balancers span at least 2 availability zones
# description: |
#   A load balancer (or application gateway, backend service, transit attachment) placed in
#   one availability zone goes down with that zone, taking every backend behind it offline.
#   Judged from the zones spoflint placed it in: only when it can span at most one zone, so
#   subnets known only after apply do not cause a finding.
# custom:
#   id: EXAMPLE013
#   layer: network
#   severity: error
package examples.tf_lb_zones

import rego.v1

# The attributes that place each kind of entry point, in the order they are looked for.
placement := ["subnet_mapping", "subnets", "subnet_ids", "availability_zones", "zones"]

deny contains finding if {
	input.spoflint.family == "terraform"
	input.spoflint.layer == "network"
	z := input.spoflint.zones # null for resources that are not placed in zones
	is_number(z.at_most) # null: unbounded (a list not known statically)
	z.at_most < 2
	z.at_least >= 1
	finding := {
		"msg": sprintf("%s is in %s: losing that zone takes it down", [input.spoflint.name, where(z)]),
		"path": path,
		"fix": "place it in subnets (or zones) of at least two availability zones",
	}
}

where(z) := sprintf("availability zone %s only", [z.known[0]]) if count(z.known) == 1
else := "a single availability zone"

path := [attrs[0]] if {
	attrs := [a | some a in placement; a in object.keys(input)]
	count(attrs) > 0
} else := []
