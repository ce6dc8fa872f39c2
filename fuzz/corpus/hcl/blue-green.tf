# expect: none — for_each creates blue and green LBs, records for_each over them, alias each.value.dns_name

provider "aws" {
  region = "us-east-1"
}

locals {
  azs = ["us-east-1a", "us-east-1b"]
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "public" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone = local.azs[count.index]
}

resource "aws_lb" "web" {
  for_each = toset(["blue", "green"])
  name     = "web-${each.key}"
  subnets  = aws_subnet.public[*].id
}

resource "aws_route53_record" "www" {
  for_each       = aws_lb.web
  zone_id        = "Z0123456789ABCDEFGHIJ"
  name           = "www.example.com"
  type           = "A"
  set_identifier = each.key

  weighted_routing_policy {
    weight = each.key == "blue" ? 100 : 0
  }

  alias {
    name                   = each.value.dns_name
    zone_id                = each.value.zone_id
    evaluate_target_health = true
  }
}
