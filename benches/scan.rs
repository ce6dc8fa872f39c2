//! Scan throughput over a generated corpus of 10,000 Kubernetes manifests (about 5,000 files,
//! many of them multi-document), the shape of a large monorepo's deploy/ tree.
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
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
