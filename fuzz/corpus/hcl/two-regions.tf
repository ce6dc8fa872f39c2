# expect: none — primary cluster over three for_each subnets (zipmap/range), DR cluster in us-west-2 over two zones

provider "aws" {
  region = "us-east-1"
}

resource "aws_vpc" "main" {
  cidr_block = "10.0.0.0/16"
}

resource "aws_subnet" "private" {
  for_each          = zipmap(["us-east-1a", "us-east-1b", "us-east-1c"], range(3))
  vpc_id            = aws_vpc.main.id
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, each.value)
  availability_zone = each.key
}

resource "aws_eks_cluster" "prod" {
  name     = "prod"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {
    subnet_ids = [for s in aws_subnet.private : s.id]
  }
}

provider "aws" {
  alias  = "dr"
  region = "us-west-2"
}

resource "aws_vpc" "dr" {
  provider   = aws.dr
  cidr_block = "10.1.0.0/16"
}

resource "aws_subnet" "dr_private" {
  provider          = aws.dr
  count             = 2
  vpc_id            = aws_vpc.dr.id
  cidr_block        = cidrsubnet("10.1.0.0/16", 8, count.index)
  availability_zone = ["us-west-2a", "us-west-2b"][count.index]
}

resource "aws_eks_cluster" "dr" {
  provider = aws.dr
  name     = "prod-dr"
  role_arn = "arn:aws:iam::123456789012:role/eks-cluster"

  vpc_config {
    subnet_ids = aws_subnet.dr_private[*].id
  }
}
