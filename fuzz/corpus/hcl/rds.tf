resource "aws_db_instance" "db" {
  engine            = "postgres"
  instance_class    = "db.t3.micro"
  multi_az          = var.ha
  allocated_storage = 20
}

variable "ha" {
  type    = bool
  default = false
}

resource "aws_elasticache_replication_group" "cache" {
  replication_group_id       = "c"
  num_cache_clusters         = 1
  automatic_failover_enabled = false
}

resource "aws_lb" "nlb" {
  load_balancer_type               = "network"
  enable_cross_zone_load_balancing = false
  subnets                          = ["subnet-1"]
}
