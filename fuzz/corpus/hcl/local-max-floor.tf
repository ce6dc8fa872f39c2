# expect: none — min_size = local.min_nodes = max(var.min_nodes, 2) with var.min_nodes = 1: evaluates to 2

provider "aws" {
  region = "us-east-1"
}

locals {
  azs = ["us-east-1a", "us-east-1b", "us-east-1c"]
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  count             = length(local.azs)
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone = local.azs[count.index]
}

variable "min_nodes" {
  type    = number
  default = 1
}

locals {
  min_nodes = max(var.min_nodes, 2)
}

resource "aws_eks_node_group" "workers" {
  cluster_name    = "prod"
  node_group_name = "workers"
  node_role_arn   = "arn:aws:iam::123456789012:role/eks-node"
  subnet_ids      = aws_subnet.private[*].id

  scaling_config {
    desired_size = 3
    min_size     = local.min_nodes
    max_size     = 6
  }
}
