variable "env" {
  default = "prod"
}

variable "ports" {
  type    = map(number)
  default = { http = 80, https = 443 }
}

locals {
  name   = "app-${var.env}-${upper(substr(var.env, 0, 1))}"
  banner = "%{ if var.env == "prod" }live%{ else }test%{ endif }"
  list   = "%{ for k, v in var.ports }${k}=${v};%{ endfor }"
  strip  = <<-EOT
    hello ${local.name}
    %{~ for p in [1, 2] ~}
    port ${p}
    %{~ endfor ~}
  EOT
  esc    = "$${not_interp} %%{ not_directive }"
}

resource "aws_security_group" "sg" {
  name = local.name

  dynamic "ingress" {
    for_each = var.ports
    iterator = port
    content {
      from_port = port.value
      to_port   = port.value
      protocol  = "tcp"
    }
  }

  lifecycle {
    create_before_destroy = true
  }
}

module "child" {
  source = "./modules/child"
  count  = var.env == "prod" ? 2 : 1
  name   = "${local.name}-${count.index}"
}

data "aws_availability_zones" "available" {
  state = "available"
}

resource "aws_instance" "web" {
  for_each          = toset(slice(data.aws_availability_zones.available.names, 0, 2))
  ami               = "ami-123"
  instance_type     = "t3.micro"
  availability_zone = each.key
  tags              = merge({ Name = "web-${each.key}" }, { Role = "master" })
}
