# METADATA
# title: Public domains are served by at least 2 DNS providers
# description: |
#   When the only DNS provider of a domain has an outage (or the account is locked), every
#   name under it stops resolving, however redundant the services behind them are. Serve
#   each public domain from two providers (Route 53 and Cloudflare, NS1, Cloud DNS, ...).
#   Judged on each public zone, with the providers spoflint found for its domain in
#   data.spoflint.dns across the whole scan; private zones are not checked. That map holds the
#   providers of zone resources: records written into a zone managed outside the scan, and
#   zones whose domain is known only after apply, do not count.
# custom:
#   id: EXAMPLE017
#   layer: dns
#   severity: warning
package examples.tf_dns_providers

import rego.v1

# The attributes that may hold the domain, for each public zone type.
domain_attributes := {
	"aws_route53_zone": ["name"],
	"cloudflare_zone": ["zone", "name"], # provider v4, v5
	"google_dns_managed_zone": ["dns_name"],
	"azurerm_dns_zone": ["name"],
}

deny contains finding if {
	attrs := domain_attributes[input.spoflint.type]
	input.spoflint.mode == "managed"
	not private
	names := [name | some a in attrs; name := input[a]; is_string(name)]
	count(names) > 0 # none when the domain is not known statically
	domain := normalized(names[0])
	providers := data.spoflint.dns[domain]
	count(providers) < 2
	finding := {
		"msg": sprintf("%s: domain %s is served by %s only; its outage takes down every name under it", [input.spoflint.name, domain, concat(", ", providers)]),
		"fix": "serve the domain from a second DNS provider too (a secondary zone, or records kept in sync by Terraform) and list both providers' name servers at the registrar",
	}
}

# `Example.COM.` is `example.com`.
normalized(name) := trim_suffix(lower(name), ".")

# A Route 53 zone attached to VPCs, a Cloud DNS zone with private visibility.
private if {
	input.spoflint.type == "aws_route53_zone"
	is_array(input.vpc)
	count(input.vpc) > 0
}

private if {
	input.spoflint.type == "google_dns_managed_zone"
	input.visibility == "private"
}
