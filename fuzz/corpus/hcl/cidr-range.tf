variable "cidr" {
  type    = string
  default = "10.0.0.0/16"
}

variable "azs" {
  type    = list(string)
  default = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
}

locals {
  subnets = [for i in range(length(var.azs)) : cidrsubnet(var.cidr, 8, i)]
  v6      = cidrsubnet("fd00:fd12:3456:7890::/56", 16, 162)
  odd     = [for i in range(1, 10, 2) : i if i % 3 != 0]
  neg     = range(5, 0, -1)
  byaz    = { for i, az in var.azs : az => cidrsubnet(var.cidr, 4, i)... }
  nested  = [for a in var.azs : [for b in range(2) : "${a}-${b}"]]
  splat   = aws_subnet.private[*].availability_zone
}

resource "aws_subnet" "private" {
  count             = length(var.azs)
  cidr_block        = local.subnets[count.index]
  availability_zone = element(var.azs, count.index)
}

resource "aws_autoscaling_group" "asg" {
  min_size            = 1
  max_size            = 3
  desired_capacity    = 2
  vpc_zone_identifier = aws_subnet.private[*].id
}
