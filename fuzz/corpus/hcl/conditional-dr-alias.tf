# expect: none — ASG in aws.dr (us-west-2); var.single_az is false so the conditional keeps all three subnets

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "dr"
  region = "us-west-2"
}

variable "single_az" {
  type    = bool
  default = false
}

locals {
  dr_azs = ["us-west-2a", "us-west-2b", "us-west-2c"]
}

resource "aws_vpc" "dr" {
  provider   = aws.dr
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "dr_private" {
  provider          = aws.dr
  count             = length(local.dr_azs)
  vpc_id            = aws_vpc.dr.id
  cidr_block        = cidrsubnet("10.1.0.0/16", 8, count.index)
  availability_zone = local.dr_azs[count.index]
}

resource "aws_autoscaling_group" "web_dr" {
  provider            = aws.dr
  name                = "web-dr"
  min_size            = 3
  max_size            = 6
  vpc_zone_identifier = var.single_az ? [aws_subnet.dr_private[0].id] : aws_subnet.dr_private[*].id

  launch_template {
    name    = "web"
    version = "$Latest"
  }
}
