locals {
  big   = range(100000)
  many  = [for i in range(300) : [for j in range(300) : i * j]]
  cycle = local.cycle
  a0    = local.a1
  a1    = local.a0
  s0    = "ab"
  s1    = "${local.s0}${local.s0}"
  s2    = "${local.s1}${local.s1}"
}

resource "aws_instance" "bad_each" {
  for_each      = 42
  count         = 1000000
  ami           = "ami-123"
  instance_type = "t3.micro"
}
