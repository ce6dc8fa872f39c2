package examples.tf_dns_providers_test

import data.examples.tf_dns_providers
import rego.v1

zone(type, attrs) := object.union(attrs, {"spoflint": {
	"family": "terraform",
	"type": type,
	"mode": "managed",
	"name": sprintf("%s.public", [type]),
}})

model := {"dns": {
	"example.com": ["Cloudflare", "Route 53"],
	"example.net": ["Route 53"],
}}

test_single_provider_denied if {
	results := tf_dns_providers.deny with input as zone("aws_route53_zone", {"name": "example.net"}) with data.spoflint as model
	count(results) == 1
	some r in results
	contains(r.msg, "served by Route 53 only")
}

test_two_providers_allowed if {
	count(tf_dns_providers.deny) == 0 with input as zone("aws_route53_zone", {"name": "example.com"}) with data.spoflint as model
	count(tf_dns_providers.deny) == 0 with input as zone("cloudflare_zone", {"zone": "example.com"}) with data.spoflint as model
}

test_domain_normalized if {
	count(tf_dns_providers.deny) == 1 with input as zone("google_dns_managed_zone", {"dns_name": "Example.NET.", "visibility": "public"}) with data.spoflint as model
}

test_cloudflare_v5_name if {
	count(tf_dns_providers.deny) == 1 with input as zone("cloudflare_zone", {"name": "example.net"}) with data.spoflint as model
}

test_private_zones_ignored if {
	count(tf_dns_providers.deny) == 0 with input as zone("aws_route53_zone", {"name": "example.net", "vpc": [{"vpc_id": null}]}) with data.spoflint as model
	count(tf_dns_providers.deny) == 0 with input as zone("google_dns_managed_zone", {"dns_name": "example.net.", "visibility": "private"}) with data.spoflint as model
}

test_unknown_or_unlisted_domain_ignored if {
	count(tf_dns_providers.deny) == 0 with input as zone("cloudflare_zone", {"zone": null}) with data.spoflint as model
	count(tf_dns_providers.deny) == 0 with input as zone("aws_route53_zone", {"name": "internal.example"}) with data.spoflint as model
}

test_records_ignored if {
	count(tf_dns_providers.deny) == 0 with input as zone("aws_route53_record", {"name": "example.net"}) with data.spoflint as model
}
