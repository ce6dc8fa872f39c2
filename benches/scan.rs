//! Scan throughput over generated corpora:
//! - 10,000 Kubernetes manifests (about 5,000 files, many of them multi-document), the shape
//!   of a large monorepo's deploy/ tree;
//! - 400 Terraform root modules (one per service and environment) that call two local modules,
//!   with tfvars, count/for_each, a second-region provider alias and cross-resource references:
//!   about 2,000 files and 4,800 resource instances.
//!
//! `cargo bench` prints the time of one full scan (discover → parse → facts → rules).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};

const MANIFESTS: usize = 10_000;

// The same allocator as the binary, so the figure is what users get.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn app(i: usize, replicas: usize) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{ns}
  labels: {{app: app-{i}, tier: web}}
spec:
  replicas: {replicas}
  selector:
    matchLabels: {{app: app-{i}}}
  template:
    metadata:
      labels: {{app: app-{i}, tier: web}}
    spec:
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels: {{app: app-{i}}}
      containers:
        - name: app
          image: registry.example.com/app-{i}:1.{i}
          args: [\"--port=8080\", \"--log-level=info\"]
          ports: [{{containerPort: 8080}}]
          resources:
            requests: {{cpu: 100m, memory: 128Mi}}
",
        ns = i % 50
    )
}

fn pdb(i: usize) -> String {
    format!(
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app-{i}
  namespace: team-{ns}
spec:
  maxUnavailable: 1
  selector:
    matchLabels: {{app: app-{i}}}
",
        ns = i % 50
    )
}

fn hpa(i: usize) -> String {
    format!(
        "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
  namespace: team-{ns}
spec:
  scaleTargetRef: {{apiVersion: apps/v1, kind: Deployment, name: app-{i}}}
  minReplicas: {min}
  maxReplicas: 10
",
        ns = i % 50,
        min = 1 + i % 4
    )
}

fn service(i: usize) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{ns}
spec:
  type: {ty}
  selector: {{app: app-{i}}}
  ports: [{{port: 80, targetPort: 8080}}]
",
        ns = i % 50,
        ty = if i.is_multiple_of(10) {
            "LoadBalancer"
        } else {
            "ClusterIP"
        }
    )
}

/// Writes the corpus: per app, a deployment file and a multi-document file with its
/// Service, PDB and (for most) HPA, until `MANIFESTS` objects exist.
fn generate(root: &Path) -> usize {
    let mut written = 0;
    let mut i = 0;
    while written < MANIFESTS {
        let dir = root
            .join(format!("team-{}", i % 50))
            .join(format!("app-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("deployment.yaml"), app(i, 1 + i % 4)).unwrap();
        let mut extra = String::new();
        let docs = [service(i), pdb(i), hpa(i)];
        let n = if i.is_multiple_of(3) { 2 } else { 3 };
        for d in &docs[..n] {
            write!(extra, "---\n{d}").unwrap();
        }
        std::fs::write(dir.join("extras.yaml"), extra).unwrap();
        written += 1 + n;
        i += 1;
    }
    written
}

const TF_ROOTS: usize = 400;

/// Local modules shared by every root: a network (subnets over the zones by for_each) and a
/// service (ALB, target group, ASG over those subnets).
fn tf_modules(root: &Path) {
    let net = root.join("modules/network");
    std::fs::create_dir_all(&net).unwrap();
    std::fs::write(
        net.join("main.tf"),
        r#"variable "cidr" {}
variable "azs" { type = list(string) }
variable "name" {}
locals {
  subnets = { for i, az in var.azs : az => cidrsubnet(var.cidr, 8, i) }
}
resource "aws_vpc" "this" {
  cidr_block = var.cidr
  tags       = { Name = var.name }
}
resource "aws_subnet" "private" {
  for_each          = local.subnets
  vpc_id            = aws_vpc.this.id
  cidr_block        = each.value
  availability_zone = each.key
  tags              = merge({ Name = "${var.name}-${each.key}" }, { tier = "private" })
}
output "subnet_ids" { value = [for s in aws_subnet.private : s.id] }
"#,
    )
    .unwrap();
    let svc = root.join("modules/service");
    std::fs::create_dir_all(&svc).unwrap();
    std::fs::write(
        svc.join("main.tf"),
        r#"variable "name" {}
variable "subnet_ids" { type = list(string) }
variable "min_size" { default = 3 }
resource "aws_lb" "this" {
  name               = var.name
  load_balancer_type = "application"
  subnets            = var.subnet_ids
}
resource "aws_lb_target_group" "this" {
  name     = var.name
  port     = 8080
  protocol = "HTTP"
  health_check {
    path = "/healthz"
  }
}
resource "aws_autoscaling_group" "this" {
  name                = var.name
  min_size            = var.min_size
  max_size            = var.min_size * 3
  desired_capacity    = var.min_size
  vpc_zone_identifier = var.subnet_ids
  target_group_arns   = [aws_lb_target_group.this.arn]
}
output "lb_dns" { value = aws_lb.this.dns_name }
"#,
    )
    .unwrap();
}

fn tf_root(i: usize) -> String {
    format!(
        r#"provider "aws" {{
  region = var.region
}}
provider "aws" {{
  alias  = "dr"
  region = "us-west-2"
}}
variable "region" {{ default = "us-east-1" }}
variable "azs" {{ default = ["us-east-1a", "us-east-1b"] }}
variable "multi_az" {{ default = true }}
module "network" {{
  source = "../../modules/network"
  name   = "svc-{i}"
  cidr   = "10.{octet}.0.0/16"
  azs    = var.azs
}}
module "service" {{
  source     = "../../modules/service"
  name       = "svc-{i}"
  subnet_ids = module.network.subnet_ids
  min_size   = {min}
}}
resource "aws_db_instance" "db" {{
  count                   = {dbs}
  identifier              = "svc-{i}-${{count.index}}"
  engine                  = "postgres"
  instance_class          = "db.r6g.large"
  multi_az                = var.multi_az
  backup_retention_period = 7
}}
resource "aws_s3_bucket" "data" {{
  bucket = "svc-{i}-data"
}}
resource "aws_kms_key" "data" {{
  multi_region = true
}}
resource "aws_kms_replica_key" "data" {{
  provider        = aws.dr
  primary_key_arn = aws_kms_key.data.arn
}}
resource "aws_route53_record" "www" {{
  zone_id = "Z123"
  name    = "svc-{i}.example.com"
  type    = "A"
  alias {{
    name                   = module.service.lb_dns
    zone_id                = "Z456"
    evaluate_target_health = true
  }}
}}
"#,
        octet = i % 250,
        min = 1 + i % 3,
        dbs = 1 + i % 2,
    )
}

/// Writes the Terraform corpus; returns the number of files.
fn generate_terraform(root: &Path) -> usize {
    tf_modules(root);
    let mut files = 2;
    for i in 0..TF_ROOTS {
        let dir = root.join(format!("env-{}", i % 4)).join(format!("svc-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("main.tf"), tf_root(i)).unwrap();
        let zones = if i % 5 == 0 {
            r#"["us-east-1a"]"#
        } else {
            r#"["us-east-1a", "us-east-1b", "us-east-1c"]"#
        };
        std::fs::write(
            dir.join("terraform.tfvars"),
            format!("azs = {zones}\nmulti_az = {}\n", i % 7 != 0),
        )
        .unwrap();
        // Real roots spread their resources over several files.
        for part in ["outputs", "versions", "backend"] {
            std::fs::write(
                dir.join(format!("{part}.tf")),
                format!("# {part} of svc-{i}\nlocals {{\n  {part}_note = \"svc-{i}\"\n}}\n"),
            )
            .unwrap();
            files += 1;
        }
        files += 2;
    }
    files
}

fn bench(c: &mut Criterion) {
    let dir = tempfile::tempdir().unwrap();
    let manifests = generate(dir.path());
    let paths = [PathBuf::from(dir.path())];
    let scan = spoflint::scan(&paths).unwrap();
    assert_eq!(scan.model.resources.len(), manifests);
    eprintln!(
        "corpus: {} files, {} manifests, {} findings",
        scan.files,
        manifests,
        scan.findings.len()
    );
    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
    group.bench_function("10k_manifests", |b| {
        b.iter(|| spoflint::scan(&paths).unwrap())
    });
    let tf_dir = tempfile::tempdir().unwrap();
    let tf_files = generate_terraform(tf_dir.path());
    let tf_paths = [PathBuf::from(tf_dir.path())];
    let scan = spoflint::scan(&tf_paths).unwrap();
    assert_eq!(scan.files, tf_files);
    assert!(
        scan.findings
            .iter()
            .all(|f| f.rule != "INPUT004" && f.rule != "INPUT001")
    );
    eprintln!(
        "terraform corpus: {} files, {} resource instances, {} findings",
        scan.files,
        scan.model.terraform.len(),
        scan.findings.len()
    );
    group.bench_function("400_terraform_roots", |b| {
        b.iter(|| spoflint::scan(&tf_paths).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
