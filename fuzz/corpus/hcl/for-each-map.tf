# expect: COMPUTE009 — subnets for_each over a zone => cidr map with two zones; subnet_ids from a for expression

provider "aws" {
  region = "eu-west-1"
}

variable "private_subnets" {
  type = map(string)
  default = {
    "eu-west-1a" = "10.0.1.0/24"
    "eu-west-1b" = "10.0.2.0/24"
  }
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  for_each          = var.private_subnets
  vpc_id            = aws_vpc.main.id
  cidr_block        = each.value
  availability_zone = each.key
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = "prod"
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = [for s in aws_subnet.private : s.id]

  scaling_config {
    desired_size = 2
    min_size     = 2
    max_size     = 6
  }
}
