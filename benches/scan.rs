//! Scan throughput over generated corpora:
//! - 10,000 Kubernetes manifests (about 5,500 files, 12.7 MB, many of them multi-document),
//!   the shape of a large monorepo's deploy/ tree: Deployments as charts write them (block
//!   style, probes, env, a sidecar) with their Services, PDBs and HPAs, in 50 namespaces;
//! - 400 Terraform root modules (one per service and environment) that call two local modules,
//!   with tfvars, count/for_each, a second-region provider alias and cross-resource references:
//!   about 2,000 files and 4,800 resource instances;
//! - 200 Helm charts, each with a vendored library subchart (helpers via `include`), values
//!   with overrides for the subchart, `range`/`with`/`toYaml`/checksum includes: rendered
//!   in-process, then scanned;
//! - 2,000 CI pipeline files (2.6 MB, about 6,000 jobs) in 400 repositories: GitHub Actions workflows
//!   (`repo-N/.github/workflows/*.yml`, four to seven per repository: a CI matrix over OS and
//!   runner labels with service containers, a reusable deploy workflow with `environment`
//!   on self-hosted runners, a release calling it by `uses: ./.github/workflows/deploy.yml`,
//!   Terraform on a runner group, a nightly matrix with `include`, multi-line kubectl, helm
//!   and terraform scripts), and every fourth repository a GitLab CI configuration
//!   (`.gitlab-ci.yml` with `default:` and four local includes under `ci/`: hidden jobs,
//!   `extends`, anchors and `<<:` merges, `!reference`, `tags`, environments, manual rules;
//!   one in ten with 30 regional deploy jobs), the included files counted; beside them a few
//!   runner pools (ARC RunnerDeployments, a scale set, a GitLab runner Deployment).
//!
//! - the same Kubernetes corpus at 100,000 manifests (monorepo scale, 127 MB), in the same
//!   50 namespaces and over 5,000 (`SPOFLINT_BENCH_SMALL=1` skips both), and a parse-only
//!   pass over each 50-namespace corpus, the floor a scan compares with.
//!
//! `cargo bench` prints the time of one full scan (discover → parse → facts → rules).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use criterion::{Criterion, criterion_group, criterion_main};

const MANIFESTS: usize = 10_000;

// The allocator is the binary's (mimalloc, declared global by regorus), so the figure is what
// users get.

/// Namespaces the manifests are spread over.
const NAMESPACES: usize = 50;

/// A Deployment as a real service's chart or kustomize build writes it: block style,
/// recommended labels, probes, env from secrets, a sidecar. With the Service, PDB and HPA
/// below, 10,000 manifests take about 12.7 MB, the size of the corpus the issue measured.
fn app(i: usize, ns: usize, replicas: usize) -> String {
    format!(
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: app-{i}
  namespace: team-{ns}
  labels:
    app.kubernetes.io/name: app-{i}
    app.kubernetes.io/part-of: shop
    app.kubernetes.io/managed-by: spoflint-bench
    app.kubernetes.io/version: 1.{i}.0
    tier: web
  annotations:
    deployment.kubernetes.io/revision: \"3\"
    kubernetes.io/change-cause: deploy 1.{i}.0 by ci
    owner: team-{ns}@example.com
spec:
  replicas: {replicas}
  revisionHistoryLimit: 5
  strategy:
    type: RollingUpdate
    rollingUpdate:
      maxSurge: 25%
      maxUnavailable: 0
  selector:
    matchLabels:
      app.kubernetes.io/name: app-{i}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: app-{i}
        tier: web
      annotations:
        prometheus.io/scrape: \"true\"
        prometheus.io/port: \"9090\"
    spec:
      serviceAccountName: app-{i}
      terminationGracePeriodSeconds: 30
      priorityClassName: business-critical
      affinity:
        podAntiAffinity:
          preferredDuringSchedulingIgnoredDuringExecution:
            - weight: 100
              podAffinityTerm:
                topologyKey: kubernetes.io/hostname
                labelSelector:
                  matchLabels:
                    app.kubernetes.io/name: app-{i}
      securityContext:
        runAsNonRoot: true
        fsGroup: 2000
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: ScheduleAnyway
          labelSelector:
            matchLabels:
              app.kubernetes.io/name: app-{i}
      containers:
        - name: app
          image: registry.example.com/team-{ns}/app-{i}:1.{i}.0
          imagePullPolicy: IfNotPresent
          args:
            - --port=8080
            - --log-level=info
          ports:
            - name: http
              containerPort: 8080
              protocol: TCP
            - name: metrics
              containerPort: 9090
          env:
            - name: SERVICE_NAME
              value: app-{i}
            - name: LOG_FORMAT
              value: json
            - name: OTEL_EXPORTER_OTLP_ENDPOINT
              value: http://otel-collector.observability:4317
            - name: POD_NAMESPACE
              valueFrom:
                fieldRef:
                  fieldPath: metadata.namespace
            - name: DATABASE_URL
              valueFrom:
                secretKeyRef:
                  name: app-{i}-db
                  key: url
          readinessProbe:
            httpGet:
              path: /ready
              port: http
            periodSeconds: 5
          livenessProbe:
            httpGet:
              path: /healthz
              port: http
            initialDelaySeconds: 10
          startupProbe:
            httpGet:
              path: /healthz
              port: http
            failureThreshold: 30
            periodSeconds: 2
          lifecycle:
            preStop:
              exec:
                command: [\"sh\", \"-c\", \"sleep 5\"]
          resources:
            requests:
              cpu: 100m
              memory: 128Mi
            limits:
              memory: 256Mi
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: true
          volumeMounts:
            - name: tmp
              mountPath: /tmp
        - name: log-shipper
          image: registry.example.com/platform/log-shipper:2.4.1
          args:
            - --input=/var/log/app
            - --output=https://logs.example.com/ingest
          resources:
            requests:
              cpu: 10m
              memory: 32Mi
            limits:
              memory: 64Mi
          volumeMounts:
            - name: logs
              mountPath: /var/log/app
              readOnly: true
      volumes:
        - name: tmp
          emptyDir: {{}}
        - name: logs
          emptyDir: {{}}
"
    )
}

fn pdb(i: usize, ns: usize) -> String {
    format!(
        "apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: app-{i}
  namespace: team-{ns}
  labels:
    app.kubernetes.io/name: app-{i}
spec:
  maxUnavailable: 1
  selector:
    matchLabels:
      app.kubernetes.io/name: app-{i}
"
    )
}

fn hpa(i: usize, ns: usize) -> String {
    format!(
        "apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: app-{i}
  namespace: team-{ns}
  labels:
    app.kubernetes.io/name: app-{i}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: app-{i}
  minReplicas: {min}
  maxReplicas: 10
  metrics:
    - type: Resource
      resource:
        name: cpu
        target:
          type: Utilization
          averageUtilization: 70
",
        min = 1 + i % 4
    )
}

fn service(i: usize, ns: usize) -> String {
    format!(
        "apiVersion: v1
kind: Service
metadata:
  name: app-{i}
  namespace: team-{ns}
  labels:
    app.kubernetes.io/name: app-{i}
spec:
  type: {ty}
  selector:
    app.kubernetes.io/name: app-{i}
  ports:
    - name: http
      port: 80
      targetPort: http
      protocol: TCP
",
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
    generate_n(root, MANIFESTS, NAMESPACES)
}

/// The same corpus with `manifests` objects over `namespaces` namespaces.
fn generate_n(root: &Path, manifests: usize, namespaces: usize) -> usize {
    let mut written = 0;
    let mut i = 0;
    while written < manifests {
        let ns = i % namespaces;
        let dir = root.join(format!("team-{ns}")).join(format!("app-{i}"));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("deployment.yaml"), app(i, ns, 1 + i % 4)).unwrap();
        let mut extra = String::new();
        let docs = [service(i, ns), pdb(i, ns), hpa(i, ns)];
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

/// The kinds issue 16 added (ECS, Lambda, EFS, MSK, OpenSearch, DocumentDB, MQ, FSx,
/// CloudFront, Transit Gateway, Resolver, VPN, Global Accelerator), over the root's subnets.
fn tf_services(i: usize) -> String {
    format!(
        r#"resource "aws_ecs_service" "api" {{
  name            = "svc-{i}-api"
  cluster         = "main"
  task_definition = "svc-{i}-api:1"
  desired_count   = {tasks}
  network_configuration {{
    subnets = module.network.subnet_ids
  }}
}}
resource "aws_appautoscaling_target" "api" {{
  service_namespace  = "ecs"
  scalable_dimension = "ecs:service:DesiredCount"
  resource_id        = "service/main/${{aws_ecs_service.api.name}}"
  min_capacity       = {tasks}
  max_capacity       = 10
}}
resource "aws_lambda_function" "worker" {{
  function_name = "svc-{i}-worker"
  role          = "arn:aws:iam::123456789012:role/worker"
  runtime       = "python3.12"
  handler       = "app.handler"
  vpc_config {{
    subnet_ids         = module.network.subnet_ids
    security_group_ids = []
  }}
}}
resource "aws_efs_file_system" "shared" {{
  creation_token = "svc-{i}"
}}
resource "aws_efs_mount_target" "shared" {{
  count          = length(var.azs)
  file_system_id = aws_efs_file_system.shared.id
  subnet_id      = module.network.subnet_ids[count.index]
}}
resource "aws_msk_configuration" "events" {{
  name              = "svc-{i}"
  server_properties = <<PROPERTIES
default.replication.factor = {rf}
min.insync.replicas = 2
PROPERTIES
}}
resource "aws_msk_cluster" "events" {{
  cluster_name           = "svc-{i}"
  number_of_broker_nodes = 3
  broker_node_group_info {{
    instance_type  = "kafka.m5.large"
    client_subnets = module.network.subnet_ids
  }}
  configuration_info {{
    arn      = aws_msk_configuration.events.arn
    revision = 1
  }}
}}
resource "aws_opensearch_domain" "search" {{
  domain_name = "svc-{i}"
  cluster_config {{
    instance_count         = {tasks}
    zone_awareness_enabled = var.multi_az
  }}
}}
resource "aws_docdb_cluster" "catalog" {{
  cluster_identifier = "svc-{i}"
}}
resource "aws_docdb_cluster_instance" "catalog" {{
  count              = {tasks}
  cluster_identifier = aws_docdb_cluster.catalog.id
  instance_class     = "db.r6g.large"
}}
resource "aws_mq_broker" "orders" {{
  broker_name     = "svc-{i}"
  deployment_mode = var.multi_az ? "ACTIVE_STANDBY_MULTI_AZ" : "SINGLE_INSTANCE"
}}
resource "aws_fsx_windows_file_system" "shares" {{
  subnet_ids      = module.network.subnet_ids
  deployment_type = var.multi_az ? "MULTI_AZ_1" : "SINGLE_AZ_2"
}}
resource "aws_cloudfront_distribution" "site" {{
  enabled = true
  origin {{
    origin_id   = "lb"
    domain_name = module.service.lb_dns
  }}
  origin {{
    origin_id   = "bucket"
    domain_name = aws_s3_bucket.data.bucket_regional_domain_name
  }}
  default_cache_behavior {{
    target_origin_id = "lb"
  }}
}}
resource "aws_ec2_transit_gateway_vpc_attachment" "hub" {{
  transit_gateway_id = "tgw-0123456789abcdef0"
  vpc_id             = "vpc-0a1b2c3d4e5f67890"
  subnet_ids         = module.network.subnet_ids
}}
resource "aws_route53_resolver_endpoint" "inbound" {{
  direction          = "INBOUND"
  security_group_ids = []
  dynamic "ip_address" {{
    for_each = module.network.subnet_ids
    content {{
      subnet_id = ip_address.value
    }}
  }}
}}
resource "aws_vpn_connection" "office" {{
  transit_gateway_id  = "tgw-0123456789abcdef0"
  customer_gateway_id = "cgw-0123456789abcdef{cgw}"
  type                = "ipsec.1"
}}
resource "aws_globalaccelerator_listener" "web" {{
  accelerator_arn = "arn:aws:globalaccelerator::123456789012:accelerator/svc-{i}"
  protocol        = "TCP"
}}
resource "aws_globalaccelerator_endpoint_group" "web" {{
  listener_arn = aws_globalaccelerator_listener.web.id
}}
"#,
        tasks = 1 + i % 3,
        rf = 2 + i % 2,
        cgw = i % 2,
    )
}

/// Google Cloud resources of root `i` (even roots): a GKE cluster and node pool, a regional
/// and a zonal MIG behind a backend service, Cloud SQL with a replica, Memorystore, a bucket,
/// Filestore, a KMS key ring and a secret.
fn tf_google(i: usize) -> String {
    format!(
        r#"provider "google" {{
  project = "corp-{i}"
  region  = var.gcp_region
}}
variable "gcp_region" {{
  type    = string
  default = "{region}"
}}
resource "google_container_cluster" "main" {{
  name                     = "main-{i}"
  location                 = {cluster_location}
  remove_default_node_pool = true
  initial_node_count       = 1
}}
resource "google_container_node_pool" "apps" {{
  name       = "apps"
  cluster    = google_container_cluster.main.id
  node_count = {nodes}
  autoscaling {{
    min_node_count = 1
    max_node_count = 5
  }}
}}
resource "google_compute_region_instance_group_manager" "web" {{
  name               = "web-{i}"
  region             = var.gcp_region
  base_instance_name = "web"
  target_size        = 3
  version {{
    instance_template = "projects/corp-{i}/global/instanceTemplates/web"
  }}
}}
resource "google_compute_instance_group_manager" "batch" {{
  name               = "batch-{i}"
  zone               = "${{var.gcp_region}}-b"
  base_instance_name = "batch"
  target_size        = 1
  version {{
    instance_template = "projects/corp-{i}/global/instanceTemplates/batch"
  }}
}}
resource "google_compute_backend_service" "web" {{
  name = "web-{i}"
  backend {{
    group = google_compute_region_instance_group_manager.web.instance_group
  }}
  backend {{
    group = google_compute_instance_group_manager.batch.instance_group
  }}
}}
resource "google_sql_database_instance" "db" {{
  name             = "db-{i}"
  database_version = "POSTGRES_16"
  region           = var.gcp_region
  settings {{
    tier              = "db-custom-2-7680"
    availability_type = "{availability}"
  }}
}}
resource "google_sql_database_instance" "db_replica" {{
  count                = {replicas}
  name                 = "db-{i}-replica"
  database_version     = "POSTGRES_16"
  region               = "us-west1"
  master_instance_name = google_sql_database_instance.db.name
  settings {{
    tier = "db-custom-2-7680"
  }}
}}
resource "google_redis_instance" "cache" {{
  name           = "cache-{i}"
  memory_size_gb = 1
  tier           = "{redis_tier}"
}}
resource "google_storage_bucket" "assets" {{
  name     = "corp-{i}-assets"
  location = "{bucket_location}"
}}
resource "google_filestore_instance" "share" {{
  name     = "share-{i}"
  location = "${{var.gcp_region}}-b"
  tier     = "BASIC_HDD"
  file_shares {{
    name        = "share"
    capacity_gb = 1024
  }}
  networks {{
    network = "default"
    modes   = ["MODE_IPV4"]
  }}
}}
resource "google_kms_key_ring" "data" {{
  name     = "data-{i}"
  location = var.gcp_region
}}
resource "google_kms_crypto_key" "data" {{
  name     = "data"
  key_ring = google_kms_key_ring.data.id
}}
resource "google_secret_manager_secret" "db" {{
  secret_id = "db-{i}"
  replication {{
    auto {{}}
  }}
}}
"#,
        region = ["us-central1", "europe-west1", "asia-east1"][i % 3],
        cluster_location = if i.is_multiple_of(4) {
            r#""${var.gcp_region}-a""#
        } else {
            "var.gcp_region"
        },
        nodes = 1 + i % 3,
        availability = if i.is_multiple_of(3) {
            "ZONAL"
        } else {
            "REGIONAL"
        },
        replicas = i % 2,
        redis_tier = if i.is_multiple_of(5) {
            "BASIC"
        } else {
            "STANDARD_HA"
        },
        bucket_location = if i.is_multiple_of(2) {
            "US"
        } else {
            "US-CENTRAL1"
        },
    )
}

/// Azure resources of root `i` (odd roots): AKS with a node pool, a scale set, a load
/// balancer, a Traffic Manager profile, a PostgreSQL flexible server, Cosmos DB, Redis and a
/// storage account.
fn tf_azure(i: usize) -> String {
    format!(
        r#"variable "location" {{
  type    = string
  default = "{location}"
}}
resource "azurerm_kubernetes_cluster" "main" {{
  name                = "main-{i}"
  location            = var.location
  resource_group_name = "rg-{i}"
  dns_prefix          = "main-{i}"
  sku_tier            = "{sku_tier}"
  default_node_pool {{
    name       = "system"
    vm_size    = "Standard_D4s_v5"
    node_count = 3
    zones      = {zones}
  }}
}}
resource "azurerm_kubernetes_cluster_node_pool" "apps" {{
  name                  = "apps"
  kubernetes_cluster_id = azurerm_kubernetes_cluster.main.id
  vm_size               = "Standard_D4s_v5"
  node_count            = {nodes}
}}
resource "azurerm_linux_virtual_machine_scale_set" "web" {{
  name                = "web-{i}"
  location            = var.location
  resource_group_name = "rg-{i}"
  sku                 = "Standard_D2s_v5"
  instances           = 3
  admin_username      = "ops"
  zones               = {zones}
}}
resource "azurerm_public_ip" "web" {{
  name                = "web-{i}"
  location            = var.location
  resource_group_name = "rg-{i}"
  allocation_method   = "Static"
  sku                 = "Standard"
  zones               = {zones}
}}
resource "azurerm_lb" "web" {{
  name                = "web-{i}"
  location            = var.location
  resource_group_name = "rg-{i}"
  sku                 = "Standard"
  frontend_ip_configuration {{
    name                 = "public"
    public_ip_address_id = azurerm_public_ip.web.id
  }}
}}
resource "azurerm_traffic_manager_profile" "web" {{
  name                   = "web-{i}"
  resource_group_name    = "rg-{i}"
  traffic_routing_method = "Priority"
  dns_config {{
    relative_name = "web-{i}"
    ttl           = 60
  }}
  monitor_config {{
    protocol = "HTTPS"
    port     = 443
    path     = "/healthz"
  }}
}}
resource "azurerm_traffic_manager_external_endpoint" "web" {{
  count      = {endpoints}
  name       = "web-${{count.index}}"
  profile_id = azurerm_traffic_manager_profile.web.id
  target     = "web-${{count.index}}.example.com"
  priority   = count.index + 1
}}
resource "azurerm_postgresql_flexible_server" "db" {{
  name                = "db-{i}"
  location            = var.location
  resource_group_name = "rg-{i}"
  sku_name            = "GP_Standard_D2s_v3"
  version             = "16"
  zone                = "1"
  high_availability {{
    mode                      = "{ha}"
    standby_availability_zone = "2"
  }}
}}
resource "azurerm_cosmosdb_account" "events" {{
  name                = "events-{i}"
  location            = var.location
  resource_group_name = "rg-{i}"
  offer_type          = "Standard"
  consistency_policy {{
    consistency_level = "Session"
  }}
  geo_location {{
    location          = var.location
    failover_priority = 0
    zone_redundant    = true
  }}
  geo_location {{
    location          = "North Europe"
    failover_priority = 1
  }}
}}
resource "azurerm_redis_cache" "cache" {{
  name                = "cache-{i}"
  location            = var.location
  resource_group_name = "rg-{i}"
  capacity            = 1
  family              = "C"
  sku_name            = "{redis_sku}"
}}
resource "azurerm_storage_account" "data" {{
  name                     = "corpdata{i}"
  location                 = var.location
  resource_group_name      = "rg-{i}"
  account_tier             = "Standard"
  account_replication_type = "{replication}"
}}
"#,
        location = ["westeurope", "East US 2", "swedencentral"][i % 3],
        sku_tier = if i % 4 == 1 { "Free" } else { "Standard" },
        zones = if i % 5 == 1 {
            r#"["1"]"#
        } else {
            r#"["1", "2", "3"]"#
        },
        nodes = 1 + i % 3,
        endpoints = 1 + (i / 2) % 2,
        ha = if i.is_multiple_of(3) {
            "SameZone"
        } else {
            "ZoneRedundant"
        },
        redis_sku = if i % 7 == 1 { "Basic" } else { "Standard" },
        replication = ["LRS", "ZRS", "GZRS"][i % 3],
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
        std::fs::write(dir.join("services.tf"), tf_services(i)).unwrap();
        // Half the roots also hold Google Cloud resources, the other half Azure ones.
        if i % 2 == 0 {
            std::fs::write(dir.join("google.tf"), tf_google(i)).unwrap();
        } else {
            std::fs::write(dir.join("azure.tf"), tf_azure(i)).unwrap();
        }
        files += 2;
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

const CHARTS: usize = 200;

const LIB_HELPERS: &str = r#"{{- define "lib.fullname" -}}
{{- if .Values.fullnameOverride }}{{ .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}{{ printf "%s-%s" .Release.Name .Chart.Name | trunc 63 | trimSuffix "-" }}{{ end }}
{{- end -}}
{{- define "lib.labels" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
helm.sh/chart: {{ printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" }}
{{- with .Values.commonLabels }}
{{ toYaml . }}
{{- end }}
{{- end -}}
{{- define "lib.selector" -}}
app.kubernetes.io/name: {{ .Chart.Name }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end -}}
"#;

const DEPLOYMENT_TPL: &str = r#"apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ include "lib.fullname" . }}
  labels:
    {{- include "lib.labels" . | nindent 4 }}
spec:
  {{- if not .Values.autoscaling.enabled }}
  replicas: {{ .Values.replicaCount }}
  {{- end }}
  selector:
    matchLabels:
      {{- include "lib.selector" . | nindent 6 }}
  template:
    metadata:
      annotations:
        checksum/config: {{ include (print $.Template.BasePath "/configmap.yaml") . | sha256sum }}
      labels:
        {{- include "lib.selector" . | nindent 8 }}
    spec:
      {{- with .Values.topologySpreadConstraints }}
      topologySpreadConstraints:
        {{- toYaml . | nindent 8 }}
      {{- end }}
      containers:
        - name: app
          image: "{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}"
          env:
            {{- range $k, $v := .Values.env }}
            - name: {{ $k | upper }}
              value: {{ $v | quote }}
            {{- end }}
          resources:
            {{- toYaml .Values.resources | nindent 12 }}
"#;

const OTHER_TPLS: &[(&str, &str)] = &[
    (
        "service.yaml",
        r#"apiVersion: v1
kind: Service
metadata:
  name: {{ include "lib.fullname" . }}
  labels:
    {{- include "lib.labels" . | nindent 4 }}
spec:
  type: {{ .Values.service.type }}
  ports:
    - port: {{ .Values.service.port }}
  selector:
    {{- include "lib.selector" . | nindent 4 }}
"#,
    ),
    (
        "pdb.yaml",
        r#"{{- if .Values.podDisruptionBudget.enabled }}
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: {{ include "lib.fullname" . }}
spec:
  maxUnavailable: {{ .Values.podDisruptionBudget.maxUnavailable }}
  selector:
    matchLabels:
      {{- include "lib.selector" . | nindent 6 }}
{{- end }}
"#,
    ),
    (
        "hpa.yaml",
        r#"{{- if .Values.autoscaling.enabled }}
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata:
  name: {{ include "lib.fullname" . }}
spec:
  scaleTargetRef:
    apiVersion: apps/v1
    kind: Deployment
    name: {{ include "lib.fullname" . }}
  minReplicas: {{ .Values.autoscaling.minReplicas }}
  maxReplicas: {{ .Values.autoscaling.maxReplicas }}
{{- end }}
"#,
    ),
    (
        "configmap.yaml",
        r#"apiVersion: v1
kind: ConfigMap
metadata:
  name: {{ include "lib.fullname" . }}
data:
  {{- range $k, $v := .Values.config }}
  {{ $k }}: {{ tpl (toString $v) $ | quote }}
  {{- end }}
"#,
    ),
];

/// Writes the Helm corpus; returns the number of charts.
fn generate_helm(root: &Path) -> usize {
    for i in 0..CHARTS {
        let dir = root.join(format!("chart-{i}"));
        std::fs::create_dir_all(dir.join("templates")).unwrap();
        std::fs::create_dir_all(dir.join("charts/lib/templates")).unwrap();
        std::fs::write(
            dir.join("Chart.yaml"),
            format!("apiVersion: v2\nname: svc-{i}\nversion: 1.{i}.0\nappVersion: \"2.0\"\ndependencies:\n  - name: lib\n    version: 0.1.0\n    repository: file://charts/lib\n"),
        )
        .unwrap();
        std::fs::write(
            dir.join("charts/lib/Chart.yaml"),
            "apiVersion: v2\nname: lib\ntype: library\nversion: 0.1.0\n",
        )
        .unwrap();
        std::fs::write(dir.join("charts/lib/templates/_helpers.tpl"), LIB_HELPERS).unwrap();
        let autoscaling = i % 3 == 0;
        let mut values = format!(
            "replicaCount: {}\nimage:\n  repository: registry.example.com/svc-{i}\n  tag: \"\"\nautoscaling:\n  enabled: {autoscaling}\n  minReplicas: 3\n  maxReplicas: 10\npodDisruptionBudget:\n  enabled: {}\n  maxUnavailable: 1\nservice:\n  type: ClusterIP\n  port: 80\ncommonLabels:\n  team: team-{}\nresources:\n  limits:\n    cpu: 500m\n    memory: 256Mi\n",
            1 + i % 4,
            i % 5 != 0,
            i % 9
        );
        values.push_str("topologySpreadConstraints:\n  - maxSkew: 1\n    topologyKey: topology.kubernetes.io/zone\n    whenUnsatisfiable: DoNotSchedule\n");
        values.push_str("env:\n");
        for e in 0..8 {
            let _ = writeln!(values, "  var_{e}: value-{e}-{i}");
        }
        values.push_str("config:\n");
        for e in 0..6 {
            let _ = writeln!(values, "  key{e}: \"{{{{ .Release.Name }}}}-{e}\"");
        }
        std::fs::write(dir.join("values.yaml"), values).unwrap();
        std::fs::write(dir.join("templates/deployment.yaml"), DEPLOYMENT_TPL).unwrap();
        for (name, text) in OTHER_TPLS {
            std::fs::write(dir.join("templates").join(name), text).unwrap();
        }
        std::fs::write(
            dir.join("templates/NOTES.txt"),
            "Installed {{ .Release.Name }}.\n",
        )
        .unwrap();
    }
    CHARTS
}

const PIPELINE_FILES: usize = 2_000;

/// Operating systems and GitHub-hosted images a CI matrix runs over.
const HOSTED: &[&str] = &[
    "ubuntu-22.04",
    "ubuntu-24.04",
    "windows-2022",
    "macos-14",
    "ubuntu-latest",
];

/// A repository's CI workflow: lint, a test matrix over OS and language versions with
/// service containers, a build over a matrix of runner label sets, a container job.
fn gha_ci(r: usize) -> String {
    let oses = 2 + r % 3;
    let os_list = HOSTED[..oses].join(", ");
    format!(
        r#"name: ci
on:
  push:
    branches: [main, "release/**"]
  pull_request:
    paths-ignore: ["docs/**", "*.md"]
concurrency:
  group: ci-${{{{ github.ref }}}}
  cancel-in-progress: true
permissions:
  contents: read
  packages: write
env:
  REGISTRY: ghcr.io
  IMAGE: ghcr.io/example/svc-{r}
jobs:
  lint:
    runs-on: ubuntu-latest
    timeout-minutes: 10
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: 20
          cache: npm
      - run: npm ci
      - run: npm run lint -- --max-warnings 0
  test:
    needs: lint
    strategy:
      fail-fast: false
      matrix:
        os: [{os_list}]
        node: [18, 20, 22]
        exclude:
          - os: windows-2022
            node: 18
    runs-on: ${{{{ matrix.os }}}}
    services:
      postgres:
        image: postgres:16.{pg}
        env:
          POSTGRES_PASSWORD: postgres
        ports: ["5432:5432"]
        options: >-
          --health-cmd pg_isready
          --health-interval 10s
      redis:
        image: redis:7-alpine
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${{{{ matrix.node }}}}
      - name: test
        run: |
          npm ci
          npm test -- --coverage --shard=${{{{ strategy.job-index }}}}/${{{{ strategy.job-total }}}}
          npx nyc report --reporter=lcov
      - uses: actions/upload-artifact@v4
        with:
          name: coverage-${{{{ matrix.os }}}}-${{{{ matrix.node }}}}
          path: coverage/
  build:
    needs: test
    strategy:
      matrix:
        runner:
          - [self-hosted, linux, x64, build]
          - [self-hosted, linux, arm64, build]
        include:
          - runner: ubuntu-latest
    runs-on: ${{{{ matrix.runner }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: docker/setup-buildx-action@v3
      - uses: docker/login-action@v3
        with:
          registry: ghcr.io
          username: ${{{{ github.actor }}}}
          password: ${{{{ secrets.GITHUB_TOKEN }}}}
      - name: build and push
        run: |
          set -euo pipefail
          tag="${{{{ github.sha }}}}"
          docker buildx build --platform linux/amd64,linux/arm64 \
            --cache-from type=gha --cache-to type=gha,mode=max \
            -t "$IMAGE:$tag" --push .
          echo "image=$IMAGE:$tag" >> "$GITHUB_OUTPUT"
  integration:
    needs: build
    runs-on: [self-hosted, linux, x64, build]
    container:
      image: ghcr.io/example/ci-runner:2024.{m}
      credentials:
        username: ${{{{ github.actor }}}}
        password: ${{{{ secrets.GITHUB_TOKEN }}}}
    services:
      api:
        image: ghcr.io/example/svc-{r}:${{{{ github.sha }}}}
      db: mysql:8.4
    steps:
      - uses: actions/checkout@v4
      - run: make integration-test SERVICE_URL=http://api:8080
"#,
        pg = r % 5,
        m = 1 + r % 12,
    )
}

/// A reusable deploy workflow (`workflow_call`): kubectl and helm against the environment's
/// cluster, on self-hosted deploy runners.
fn gha_deploy(r: usize, team: usize) -> String {
    format!(
        r#"name: deploy
on:
  workflow_call:
    inputs:
      environment:
        type: string
        required: true
      image-tag:
        type: string
        required: true
    secrets:
      KUBECONFIG_B64:
        required: true
jobs:
  deploy:
    runs-on: [self-hosted, linux, deploy, team-{team}]
    environment:
      name: production
      url: https://svc-{r}.example.com
    timeout-minutes: 30
    steps:
      - uses: actions/checkout@v4
      - uses: azure/setup-kubectl@v4
        with:
          version: v1.30.2
      - uses: azure/setup-helm@v4
      - name: kubeconfig
        run: |
          mkdir -p ~/.kube
          echo "${{{{ secrets.KUBECONFIG_B64 }}}}" | base64 -d > ~/.kube/config
          kubectl config use-context ${{{{ inputs.environment }}}}
      - name: deploy
        run: |
          set -euo pipefail
          kubectl apply -f deploy/namespace.yaml
          helm upgrade --install svc-{r} ./charts/svc-{r} \
            --namespace team-{team} --create-namespace \
            --set image.tag=${{{{ inputs.image-tag }}}} \
            -f deploy/values-${{{{ inputs.environment }}}}.yaml \
            --wait --timeout 10m
          kubectl rollout status deployment/svc-{r} -n team-{team} --timeout=5m
      - name: smoke test
        run: curl -fsS https://svc-{r}.example.com/healthz
"#
    )
}

/// A release workflow: builds the image, then calls the local deploy workflow for staging and
/// production (`uses: ./.github/workflows/deploy.yml`).
fn gha_release(r: usize) -> String {
    format!(
        r#"name: release
on:
  push:
    tags: ["v*"]
  workflow_dispatch:
jobs:
  image:
    runs-on: ubuntu-latest
    outputs:
      tag: ${{{{ steps.meta.outputs.version }}}}
    steps:
      - uses: actions/checkout@v4
      - id: meta
        uses: docker/metadata-action@v5
        with:
          images: ghcr.io/example/svc-{r}
      - uses: docker/build-push-action@v6
        with:
          push: true
          tags: ${{{{ steps.meta.outputs.tags }}}}
  staging:
    needs: image
    uses: ./.github/workflows/deploy.yml
    with:
      environment: staging
      image-tag: ${{{{ needs.image.outputs.tag }}}}
    secrets: inherit
  production:
    needs: staging
    uses: ./.github/workflows/deploy.yml
    with:
      environment: production
      image-tag: ${{{{ needs.image.outputs.tag }}}}
    secrets: inherit
  notify:
    needs: production
    runs-on: ubuntu-latest
    steps:
      - uses: slackapi/slack-github-action@v1.27.0
        with:
          channel-id: deploys
          slack-message: "svc-{r} ${{{{ github.ref_name }}}} is live"
"#
    )
}

/// Terraform plan on pull requests, apply on main, on a runner group of self-hosted runners.
fn gha_infra(r: usize) -> String {
    format!(
        r#"name: infra
on:
  push:
    branches: [main]
    paths: ["infra/**"]
  pull_request:
    paths: ["infra/**"]
jobs:
  plan:
    runs-on:
      group: infra-runners
      labels: [self-hosted, terraform]
    container: hashicorp/terraform:1.9.{v}
    defaults:
      run:
        working-directory: infra
    steps:
      - uses: actions/checkout@v4
      - run: |
          terraform init -input=false -backend-config=bucket=tf-state-{r}
          terraform validate
          terraform plan -input=false -out=tfplan
  apply:
    if: github.ref == 'refs/heads/main'
    needs: plan
    runs-on:
      group: infra-runners
      labels: [self-hosted, terraform]
    environment: infra-production
    container:
      image: hashicorp/terraform:1.9.{v}
    steps:
      - uses: actions/checkout@v4
      - working-directory: infra
        run: |
          terraform init -input=false -backend-config=bucket=tf-state-{r}
          terraform apply -input=false -auto-approve
"#,
        v = r % 8
    )
}

/// A nightly end-to-end run over a matrix of runner labels written with `include`.
fn gha_nightly(r: usize) -> String {
    format!(
        r#"name: nightly
on:
  schedule:
    - cron: "{min} 3 * * *"
jobs:
  e2e:
    strategy:
      matrix:
        suite: [api, ui, load]
        include:
          - suite: api
            runner: ubuntu-22.04
          - suite: ui
            runner: windows-2022
          - suite: load
            runner: perf-{p}
    runs-on: ${{{{ matrix.runner }}}}
    steps:
      - uses: actions/checkout@v4
      - run: ./scripts/e2e.sh ${{{{ matrix.suite }}}} --target https://staging.svc-{r}.example.com
  cleanup:
    needs: e2e
    runs-on: [self-hosted, linux, deploy]
    steps:
      - run: |
          kubectl delete namespace e2e-svc-{r} --ignore-not-found
          kubectl get pods -A --field-selector=status.phase=Failed
"#,
        min = r % 60,
        p = r % 3,
    )
}

/// Housekeeping: CodeQL and a dependency review, actions only.
fn gha_security() -> &'static str {
    r#"name: security
on:
  pull_request:
  schedule:
    - cron: "0 6 * * 1"
permissions:
  security-events: write
jobs:
  codeql:
    runs-on: ubuntu-latest
    strategy:
      matrix:
        language: [javascript, go]
    steps:
      - uses: actions/checkout@v4
      - uses: github/codeql-action/init@v3
        with:
          languages: ${{ matrix.language }}
      - uses: github/codeql-action/analyze@v3
  dependency-review:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/dependency-review-action@v4
"#
}

/// The documentation site: built in a container, published to Pages.
fn gha_docs(r: usize) -> String {
    format!(
        r#"name: docs
on:
  push:
    branches: [main]
    paths: ["docs/**"]
jobs:
  build:
    runs-on: ubuntu-latest
    container: python:3.12-slim
    steps:
      - uses: actions/checkout@v4
      - run: |
          pip install mkdocs-material==9.5.{r}
          mkdocs build --strict
      - uses: actions/upload-pages-artifact@v3
        with:
          path: site
  publish:
    needs: build
    runs-on: ubuntu-latest
    environment: github-pages
    steps:
      - uses: actions/deploy-pages@v4
"#,
        r = r % 40
    )
}

/// A GitLab CI configuration: `default:`, local includes, a few jobs of its own.
fn gitlab_main(r: usize, team: usize) -> String {
    format!(
        r#"stages: [build, test, deploy]
include:
  - local: ci/templates.yml
  - local: /ci/build.yml
  - local: ci/test.yml
  - local: ci/deploy.yml
variables:
  DOCKER_DRIVER: overlay2
  SERVICE: svc-{r}
default:
  image: registry.gitlab.com/example/ci-tools:2024.{m}
  tags: [docker, team-{team}]
  retry: 1
  before_script:
    - echo "pipeline $CI_PIPELINE_ID for $SERVICE"
workflow:
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
    - if: $CI_COMMIT_TAG
lint:
  stage: build
  script:
    - make lint
  rules:
    - if: $CI_PIPELINE_SOURCE == "merge_request_event"
pages:
  stage: deploy
  image: python:3.12-slim
  script:
    - pip install mkdocs-material
    - mkdocs build --strict -d public
  artifacts:
    paths: [public]
"#,
        m = 1 + r % 12
    )
}

/// Hidden jobs and anchors the other files extend and reference.
fn gitlab_templates(r: usize, team: usize) -> String {
    format!(
        r#".kube-context: &kube-context
  before_script:
    - kubectl config use-context example/agents:$KUBE_AGENT
    - kubectl version --client
.helm-deploy:
  script:
    - |
      helm upgrade --install svc-{r} ./chart \
        --namespace team-{team} --create-namespace \
        --set image.tag=$CI_COMMIT_SHORT_SHA \
        -f chart/values-$CI_ENVIRONMENT_NAME.yaml --wait
    - kubectl rollout status deployment/svc-{r} -n team-{team}
.terraform:
  image: registry.gitlab.com/example/terraform-images:1.9
  script:
    - terraform -chdir=infra init -input=false
    - terraform -chdir=infra apply -input=false -auto-approve
.deploy:
  <<: *kube-context
  stage: deploy
  image: registry.gitlab.com/example/kubectl:1.30
  tags: [k8s-deploy]
  resource_group: $CI_ENVIRONMENT_NAME
  script:
    - !reference [.helm-deploy, script]
.build-base:
  stage: build
  image: docker:27
  services:
    - name: docker:27-dind
      alias: docker
  variables:
    DOCKER_TLS_CERTDIR: "/certs"
"#
    )
}

fn gitlab_build(r: usize) -> String {
    let mut s = String::new();
    for c in ["api", "worker", "migrations"] {
        let _ = write!(
            s,
            r#"build-{c}:
  extends: .build-base
  script:
    - docker login -u $CI_REGISTRY_USER -p $CI_REGISTRY_PASSWORD $CI_REGISTRY
    - docker build -t $CI_REGISTRY_IMAGE/{c}:$CI_COMMIT_SHORT_SHA -f {c}/Dockerfile .
    - docker push $CI_REGISTRY_IMAGE/{c}:$CI_COMMIT_SHORT_SHA
  rules:
    - changes: ["{c}/**/*", "lib/**/*"]
"#
        );
    }
    let _ = write!(
        s,
        r#"build-chart:
  stage: build
  image: alpine/helm:3.15.{v}
  script:
    - helm lint chart
    - helm package chart --version 1.{r}.0
"#,
        v = r % 4
    );
    s
}

fn gitlab_test(r: usize) -> String {
    format!(
        r#".test-base: &test-base
  stage: test
  image: node:20-bookworm
  services:
    - postgres:16
    - name: redis:7-alpine
      alias: cache
  variables:
    POSTGRES_PASSWORD: postgres
  cache:
    key: $CI_COMMIT_REF_SLUG
    paths: [node_modules/]
unit:
  <<: *test-base
  script:
    - npm ci
    - npm test -- --coverage
  coverage: '/Lines\s*:\s*(\d+\.?\d*)%/'
integration:
  <<: *test-base
  parallel:
    matrix:
      - SUITE: [api, worker]
  script:
    - npm ci
    - npm run test:integration -- --suite $SUITE
e2e:
  stage: test
  extends: .kube-context-e2e
  tags: [e2e, team-{t}]
  script:
    - ./scripts/e2e.sh https://review-svc-{r}.example.com
.kube-context-e2e:
  before_script:
    - kubectl config use-context example/agents:review
"#,
        t = r % 7
    )
}

fn gitlab_deploy(r: usize, regions: usize) -> String {
    let mut s = format!(
        r#".prod-rules:
  rules:
    - if: $CI_COMMIT_BRANCH == $CI_DEFAULT_BRANCH
      when: manual
deploy-review:
  extends: .deploy
  environment:
    name: review/$CI_COMMIT_REF_SLUG
    url: https://review-svc-{r}.example.com
    on_stop: stop-review
  rules:
    - if: $CI_MERGE_REQUEST_IID
stop-review:
  extends: .deploy
  script:
    - helm uninstall svc-{r} -n review-$CI_COMMIT_REF_SLUG
  environment:
    name: review/$CI_COMMIT_REF_SLUG
    action: stop
  rules:
    - if: $CI_MERGE_REQUEST_IID
      when: manual
deploy-staging:
  extends: .deploy
  environment:
    name: staging
    url: https://staging.svc-{r}.example.com
"#
    );
    // Larger services deploy to several regions, each a job.
    for g in 0..regions {
        let _ = write!(
            s,
            r#"deploy-production-{g}:
  extends: [.deploy, .prod-rules]
  variables:
    KUBE_AGENT: prod-{g}
  environment:
    name: production/region-{g}
    url: https://svc-{r}.example.com
"#
        );
    }
    let _ = write!(
        s,
        r#"infra-apply:
  stage: deploy
  extends: .terraform
  tags: [terraform]
  environment:
    name: production
    action: prepare
  script:
    - !reference [.terraform, script]
    - terraform -chdir=infra output -json > outputs.json
  rules:
    - when: manual
"#
    );
    s
}

/// Runner pools the workflows' labels and tags select: ARC RunnerDeployments (one with its
/// autoscaler), a runner scale set and GitLab runners as Deployments.
fn runner_pools(root: &Path) -> usize {
    let dir = root.join("platform/runners");
    std::fs::create_dir_all(&dir).unwrap();
    let mut files = 0;
    for (name, labels, replicas) in [
        ("build", "[build]", 4),
        ("deploy", "[deploy]", 1),
        ("terraform", "[terraform]", 2),
    ] {
        std::fs::write(
            dir.join(format!("{name}.yaml")),
            format!(
                "apiVersion: actions.summerwind.dev/v1alpha1
kind: RunnerDeployment
metadata:
  name: {name}-runners
  namespace: actions-runner-system
spec:
  replicas: {replicas}
  template:
    spec:
      organization: example
      labels: {labels}
"
            ),
        )
        .unwrap();
        files += 1;
    }
    std::fs::write(
        dir.join("gitlab-runner.yaml"),
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: gitlab-runner
  namespace: gitlab-runner
spec:
  replicas: 1
  selector:
    matchLabels:
      app: gitlab-runner
  template:
    metadata:
      labels:
        app: gitlab-runner
    spec:
      containers:
        - name: gitlab-runner
          image: registry.gitlab.com/gitlab-org/gitlab-runner:alpine-v17.5.0
          env:
            - name: RUNNER_TAG_LIST
              value: \"k8s-deploy, docker\"
            - name: RUNNER_RUN_UNTAGGED
              value: \"false\"
",
    )
    .unwrap();
    std::fs::write(
        dir.join("scale-set.yaml"),
        "apiVersion: actions.github.com/v1alpha1
kind: AutoscalingRunnerSet
metadata:
  name: perf-0
  namespace: arc-runners
spec:
  githubConfigUrl: https://github.com/example
  runnerScaleSetName: perf-0
  minRunners: 0
  maxRunners: 1
",
    )
    .unwrap();
    files + 2
}

/// Writes the pipeline corpus: repositories of GitHub Actions workflows (four to seven each),
/// every fourth a GitLab CI configuration with four included files instead, until `files`
/// pipeline files exist (the last repository takes what is left), and the runner pools
/// beside them. Returns (pipeline files, runner pool files).
fn generate_pipelines(root: &Path, files: usize) -> (usize, usize) {
    let mut written = 0;
    let mut r = 0;
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    while written < files {
        let repo = root.join(format!("repo-{r}"));
        let team = r % 7;
        let left = files - written;
        if r % 4 == 3 && left >= 5 {
            write(repo.join(".gitlab-ci.yml"), &gitlab_main(r, team));
            write(repo.join("ci/templates.yml"), &gitlab_templates(r, team));
            write(repo.join("ci/build.yml"), &gitlab_build(r));
            write(repo.join("ci/test.yml"), &gitlab_test(r));
            // One service in ten deploys to many regions: a pipeline of 40-odd jobs.
            let regions = if r % 10 == 7 { 30 } else { 1 + r % 3 };
            write(repo.join("ci/deploy.yml"), &gitlab_deploy(r, regions));
            written += 5;
        } else {
            let workflows: [(&str, String); 7] = [
                ("ci", gha_ci(r)),
                ("deploy", gha_deploy(r, team)),
                ("release", gha_release(r)),
                ("infra", gha_infra(r)),
                ("nightly", gha_nightly(r)),
                ("security", gha_security().to_string()),
                ("docs", gha_docs(r)),
            ];
            let n = (4 + r % 4).min(left);
            let wf = repo.join(".github/workflows");
            for (name, text) in &workflows[..n] {
                write(wf.join(format!("{name}.yml")), text);
            }
            written += n;
        }
        r += 1;
    }
    (written, runner_pools(root))
}

/// The floor a scan is measured against: every YAML file under `root` read and run through
/// saphyr-parser's event parser (no tree, no resources), on all cores as the scan does.
/// Kustomize bases and the overlays built over them.
const KUSTOMIZE_BASES: usize = 50;
const KUSTOMIZE_OVERLAYS: usize = 500;

/// 50 bases (a Deployment, its Service, HPA and PDB, a ConfigMap generator) and 500 overlays,
/// 10 per base: each with a namespace, a name prefix, labels, an image, a replicas entry, a
/// strategic merge patch, a JSON patch and, every other one, a component adding a
/// NetworkPolicy. Returns the number of roots.
fn generate_kustomize(root: &Path) -> usize {
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        root.join("components/netpol/kustomization.yaml"),
        "apiVersion: kustomize.config.k8s.io/v1alpha1\nkind: Component\nresources:\n  - netpol.yaml\n",
    );
    write(
        root.join("components/netpol/netpol.yaml"),
        "apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\nspec:\n  podSelector: {}\n  policyTypes: [Ingress]\n",
    );
    for b in 0..KUSTOMIZE_BASES {
        let base = root.join(format!("bases/app{b}"));
        let mut app = app(b, 0, 2);
        app.push_str("---\n");
        app.push_str(&service(b, 0));
        app.push_str("---\n");
        app.push_str(&hpa(b, 0));
        app.push_str("---\n");
        app.push_str(&pdb(b, 0));
        write(base.join("app.yaml"), &app);
        write(
            base.join("kustomization.yaml"),
            &format!(
                "resources:\n  - app.yaml\nconfigMapGenerator:\n  - name: app-{b}-config\n    literals:\n      - LOG_LEVEL=info\n      - BASE={b}\n"
            ),
        );
    }
    for o in 0..KUSTOMIZE_OVERLAYS {
        let b = o % KUSTOMIZE_BASES;
        let dir = root.join(format!("overlays/env{o}"));
        let component = if o % 2 == 0 {
            "components:\n  - ../../components/netpol\n"
        } else {
            ""
        };
        write(
            dir.join("kustomization.yaml"),
            &format!(
                "apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nnamespace: env{o}\nnamePrefix: e{o}-\nlabels:\n  - pairs:\n      env: env{o}\n    includeSelectors: false\nresources:\n  - ../../bases/app{b}\n{component}images:\n  - name: registry.example.com/team-0/app-{b}\n    newTag: v{o}\nreplicas:\n  - name: app-{b}\n    count: {}\npatches:\n  - path: resources.yaml\n  - target:\n      kind: Deployment\n    patch: |-\n      - op: add\n        path: /spec/template/metadata/annotations\n        value:\n          overlay: env{o}\n",
                2 + o % 3
            ),
        );
        write(
            dir.join("resources.yaml"),
            &format!(
                "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{b}\n  namespace: team-0\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          resources:\n            limits:\n              memory: {}Mi\n",
                256 + o
            ),
        );
    }
    KUSTOMIZE_OVERLAYS
}

fn parse_only(root: &Path) -> usize {
    use rayon::prelude::*;
    files(root)
        .par_iter()
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap();
            saphyr_parser::Parser::new_from_str(&text)
                .try_fold(0, |events, e| e.map(|_| events + 1))
                .unwrap()
        })
        .sum()
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        match p.is_dir() {
            true => out.extend(files(&p)),
            false => out.push(p),
        }
    }
    out
}

/// Bytes of all files under `root`.
fn corpus_bytes(root: &Path) -> u64 {
    files(root)
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum()
}

/// Peak resident memory, in bytes, of the `spoflint` binary checking `root` (JSON report),
/// as the kernel counts it for the finished process.
#[cfg(target_os = "linux")]
#[expect(
    clippy::zombie_processes,
    reason = "the child is reaped by wait4, which also returns its rusage"
)]
fn peak_rss(root: &Path) -> u64 {
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args(["check", "--fail-on", "never", "--format", "json"])
        .arg(root)
        .stdout(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let mut status = 0;
    // SAFETY: `usage` is a plain C struct the call fills in; the pid is our own child's.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let pid = unsafe { libc::wait4(child.id() as libc::pid_t, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as libc::pid_t, "wait4 failed");
    assert!(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0);
    // Linux reports kilobytes.
    usage.ru_maxrss as u64 * 1024
}

#[cfg(not(target_os = "linux"))]
fn memory(_name: &str, _root: &Path, _limit: f64) {}

/// Prints the peak memory of a scan of `root` against the input's size, and holds it to the
/// goal: at most `limit` times the input.
#[cfg(target_os = "linux")]
fn memory(name: &str, root: &Path, limit: f64) {
    let (rss, input) = (peak_rss(root), corpus_bytes(root));
    let ratio = rss as f64 / input as f64;
    eprintln!(
        "{name}: peak RSS {} MB for {} MB of input ({ratio:.1}x)",
        rss >> 20,
        input >> 20
    );
    assert!(
        ratio <= limit,
        "{name}: peak memory {ratio:.1}x the input (goal: {limit}x)"
    );
}

/// A corpus must scan without input problems, or the benchmark measures error paths.
fn assert_no_input_problem(scan: &spoflint::Scan) {
    let problems: Vec<_> = scan
        .findings
        .iter()
        .filter(|f| f.rule.starts_with("INPUT"))
        .map(|f| &f.message)
        .collect();
    assert!(problems.is_empty(), "{problems:?}");
}

fn bench(c: &mut Criterion) {
    // `SPOFLINT_BENCH_CORPUS=DIR cargo bench --bench scan` only writes the corpora to
    // DIR/{k8s,k8s-100k,k8s-100k-5000ns,terraform,helm,kustomize,pipelines} (to profile a binary on
    // them, say) and measures nothing; with SPOFLINT_BENCH_SMALL=1, not the 100k ones.
    if let Some(dir) = std::env::var_os("SPOFLINT_BENCH_CORPUS") {
        let dir = PathBuf::from(dir);
        let small = std::env::var_os("SPOFLINT_BENCH_SMALL").is_some();
        for (sub, write) in [
            ("k8s", generate as fn(&std::path::Path) -> usize),
            ("k8s-100k", |p: &std::path::Path| {
                generate_n(p, 10 * MANIFESTS, NAMESPACES)
            }),
            ("k8s-100k-5000ns", |p: &std::path::Path| {
                generate_n(p, 10 * MANIFESTS, 100 * NAMESPACES)
            }),
            ("terraform", generate_terraform),
            ("helm", generate_helm),
            ("kustomize", generate_kustomize),
            ("pipelines", |p: &std::path::Path| {
                generate_pipelines(p, PIPELINE_FILES).0
            }),
        ] {
            if small && sub.starts_with("k8s-100k") {
                continue;
            }
            std::fs::create_dir_all(dir.join(sub)).unwrap();
            write(&dir.join(sub));
        }
        eprintln!("corpora written to {}", dir.display());
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let manifests = generate(dir.path());
    let paths = [PathBuf::from(dir.path())];
    let scan = spoflint::scan(&paths).unwrap();
    assert_eq!(scan.model.iter().count(), manifests);
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
    group.bench_function("10k_parse_only", |b| b.iter(|| parse_only(dir.path())));
    // The 20 example policies (examples/policies) over the same corpus: what user policies
    // cost on top of the built-in rules.
    let policies = std::sync::Arc::new(
        spoflint::policy::load(
            &[PathBuf::from(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/examples/policies"
            ))],
            false,
        )
        .unwrap(),
    );
    assert!(policies.problems.is_empty(), "{:?}", policies.problems);
    assert_eq!(policies.rules.len(), 20);
    let with_policies = spoflint::ScanOptions {
        policies,
        ..Default::default()
    };
    let scanned = spoflint::scan_with(&paths, &with_policies).unwrap();
    assert!(!scanned.findings.iter().any(|f| f.rule == "INPUT010"));
    eprintln!(
        "policies: {} findings of the 20 example policies",
        scanned
            .findings
            .iter()
            .filter(|f| f.rule.starts_with("EXAMPLE"))
            .count()
    );
    drop(scanned);
    group.bench_function("10k_manifests_20_policies", |b| {
        b.iter(|| spoflint::scan_with(&paths, &with_policies).unwrap())
    });
    group.bench_function("10k_system_view", |b| {
        b.iter(|| {
            spoflint::system::build::build(&scan.model, &scan.facts, &Default::default(), true)
        })
    });
    drop(group);
    // The monorepo-scale corpus: ten times the manifests, in the same 50 namespaces, then
    // spread over 5,000 (a step quadratic in one namespace's objects shows as a gap between
    // the two). Skipped with SPOFLINT_BENCH_SMALL=1 (they take a few minutes).
    if std::env::var_os("SPOFLINT_BENCH_SMALL").is_none() {
        let big: Vec<(&str, usize, tempfile::TempDir, usize)> =
            [("100k", NAMESPACES), ("100k_5000ns", 100 * NAMESPACES)]
                .into_iter()
                .map(|(name, namespaces)| {
                    let dir = tempfile::tempdir().unwrap();
                    let manifests = generate_n(dir.path(), 10 * MANIFESTS, namespaces);
                    (name, namespaces, dir, manifests)
                })
                .collect();
        // Peak memory first: Linux counts in a child's peak its parent's at the moment the
        // child was started (exec keeps the larger), so this process must not have scanned a
        // large corpus itself yet.
        for (name, _, dir, _) in &big {
            memory(&format!("{name} manifests"), dir.path(), 4.0);
        }
        for (name, namespaces, dir, manifests) in &big {
            let big_paths = [PathBuf::from(dir.path())];
            let scan = spoflint::scan(&big_paths).unwrap();
            assert_eq!(scan.model.iter().count(), *manifests);
            drop(scan);
            let mut group = c.benchmark_group("scan");
            group.sample_size(10);
            group.bench_function(format!("{name}_manifests"), |b| {
                b.iter(|| spoflint::scan(&big_paths).unwrap())
            });
            if *namespaces == NAMESPACES {
                group.bench_function("100k_parse_only", |b| b.iter(|| parse_only(dir.path())));
            }
            group.finish();
        }
    }
    let mut group = c.benchmark_group("scan");
    group.sample_size(10);
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
    // The kinds issue 16 added are judged on the corpus, not only parsed.
    for rule in [
        "DATA010",
        "DATA011",
        "DATA012",
        "DATA013",
        "DATA015",
        "DATA016",
        "COMPUTE014",
        "NETWORK011",
        "NETWORK012",
    ] {
        assert!(
            scan.findings.iter().any(|f| f.rule == rule),
            "{rule} fires on the Terraform corpus"
        );
    }
    eprintln!(
        "terraform corpus: {} files, {} resource instances, {} findings",
        scan.files,
        scan.model.tf_iter().count(),
        scan.findings.len()
    );
    group.bench_function("400_terraform_roots", |b| {
        b.iter(|| spoflint::scan(&tf_paths).unwrap())
    });
    // The system view alone (components, paths, every scenario, the estimate) over the same
    // scan's model and facts: what it adds to the scan above.
    let tf_scan = spoflint::scan(&tf_paths).unwrap();
    assert!(
        !tf_scan.system.roots.is_empty() && !tf_scan.system.scenarios.is_empty(),
        "the Terraform corpus has serving paths"
    );
    group.bench_function("400_terraform_roots_system_view", |b| {
        b.iter(|| {
            spoflint::system::build::build(
                &tf_scan.model,
                &tf_scan.facts,
                &Default::default(),
                true,
            )
        })
    });
    let helm_dir = tempfile::tempdir().unwrap();
    let charts = generate_helm(helm_dir.path());
    let helm_paths = [PathBuf::from(helm_dir.path())];
    let scan = spoflint::scan(&helm_paths).unwrap();
    assert_no_input_problem(&scan);
    eprintln!(
        "helm corpus: {charts} charts, {} files, {} rendered resources, {} findings",
        scan.files,
        scan.model.iter().count(),
        scan.findings.len()
    );
    group.bench_function("200_helm_charts", |b| {
        b.iter(|| spoflint::scan(&helm_paths).unwrap())
    });
    let k_dir = tempfile::tempdir().unwrap();
    let roots = generate_kustomize(k_dir.path());
    let k_paths = [PathBuf::from(k_dir.path())];
    let scan = spoflint::scan(&k_paths).unwrap();
    assert_no_input_problem(&scan);
    let built = scan
        .model
        .iter()
        .filter(|(_, r)| r.built_by.is_some())
        .count();
    assert_eq!(built, roots * 5 + roots / 2, "objects built");
    eprintln!(
        "kustomize corpus: {roots} overlays over {KUSTOMIZE_BASES} bases, {} files, {built} objects built, {} findings",
        scan.files,
        scan.findings.len()
    );
    group.bench_function("500_kustomize_overlays", |b| {
        b.iter(|| spoflint::scan(&k_paths).unwrap())
    });
    let ci_dir = tempfile::tempdir().unwrap();
    let (ci_files, pool_files) = generate_pipelines(ci_dir.path(), PIPELINE_FILES);
    assert_eq!(ci_files, PIPELINE_FILES);
    let ci_paths = [PathBuf::from(ci_dir.path())];
    let scan = spoflint::scan(&ci_paths).unwrap();
    assert_eq!(scan.files, ci_files + pool_files);
    assert_no_input_problem(&scan);
    let jobs = scan.model.jobs().count();
    let rules: std::collections::BTreeSet<&str> = scan.findings.iter().map(|f| f.rule).collect();
    // Both CI systems deploy, so CICD003 (one CI system as the only deploy path) stays silent.
    assert!(
        rules.contains("CICD002") && rules.contains("CICD005") && !rules.contains("CICD003"),
        "{rules:?}"
    );
    eprintln!(
        "pipeline corpus: {ci_files} pipeline files and {pool_files} runner pool files, {:.1} MB, {jobs} jobs, {} findings",
        corpus_bytes(ci_dir.path()) as f64 / 1e6,
        scan.findings.len()
    );
    group.bench_function("2000_pipeline_files", |b| {
        b.iter(|| spoflint::scan(&ci_paths).unwrap())
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
