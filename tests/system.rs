//! The system view on the reference architecture (`fixtures/system/reference`) and on
//! variants of it that each remove one redundancy: every variant must flip exactly the
//! scenario and the estimate it should, with its finding at the right line. Snapshots hold
//! the human, JSON and Markdown reports.

use std::path::{Path, PathBuf};

use spoflint::report::{self, Summary};
use spoflint::system::scenario::{Domain, Impact, Scenario};
use spoflint::system::{Health, Rpo};

const REFERENCE: &str = "fixtures/system/reference";

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let dest = to.join(p.file_name().unwrap());
        if p.is_dir() {
            copy_dir(&p, &dest);
        } else {
            std::fs::copy(&p, &dest).unwrap();
        }
    }
}

/// The reference with `edits` (file, old text, new text) applied, at a stable relative path
/// (reports name files by the path scanned).
fn variant(name: &str, edits: &[(&str, &str, &str)]) -> PathBuf {
    let dir = PathBuf::from("target/system-variants").join(name);
    let _ = std::fs::remove_dir_all(&dir);
    copy_dir(Path::new(REFERENCE), &dir);
    for (file, old, new) in edits {
        let path = dir.join(file);
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(text.contains(old), "{name}: {file} lacks {old:?}");
        std::fs::write(&path, text.replacen(old, new, 1)).unwrap();
    }
    dir
}

fn scan(dir: &Path) -> spoflint::Scan {
    let options = spoflint::ScanOptions {
        config: spoflint::config::load(&dir.join(".spoflint.yaml")).unwrap(),
        ..Default::default()
    };
    spoflint::scan_with(&[dir.to_path_buf()], &options).unwrap()
}

fn scenario<'a>(scan: &'a spoflint::Scan, spec: &str) -> &'a Scenario {
    let d = Domain::parse(spec).unwrap();
    scan.system
        .scenarios
        .iter()
        .find(|s| s.lost == [d.clone()])
        .unwrap_or_else(|| panic!("no scenario for {spec}"))
}

/// Rule ids with the file name and line of their primary location.
fn findings(scan: &spoflint::Scan) -> Vec<(String, String, usize)> {
    scan.open_findings()
        .map(|f| {
            let file = scan.model.sources.get(f.primary.source);
            let name = Path::new(&file.path)
                .file_name()
                .unwrap()
                .to_string_lossy()
                .to_string();
            (
                f.rule.to_string(),
                name,
                file.line_col(f.primary.span.start).line,
            )
        })
        .collect()
}

fn line_of(dir: &Path, file: &str, needle: &str) -> usize {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

fn human(scan: &spoflint::Scan) -> String {
    report::human::render(scan, &Summary::of(scan), false)
}

#[test]
fn the_reference_architecture_survives_what_it_promises() {
    let dir = PathBuf::from(REFERENCE);
    let scan = scan(&dir);
    assert_eq!(
        findings(&scan),
        vec![],
        "every layer passes, every target is met"
    );
    let summary = Summary::of(&scan);
    assert!(
        summary
            .layers
            .iter()
            .all(|l| l.status == report::LayerStatus::Pass),
        "{:?}",
        summary.layers
    );
    // A zone: no impact, automatic.
    for zone in ["zone:us-east-1a", "zone:us-east-1b", "zone:us-east-1c"] {
        let s = scenario(&scan, zone);
        assert_eq!(s.impact, Impact::NoImpact, "{zone}");
        assert!(!s.manual, "{zone}");
    }
    // The primary region: failover to the standby region, automatic, within 5 minutes, at
    // most 1 second of writes.
    let region = scenario(&scan, "region:us-east-1");
    assert_eq!(region.impact, Impact::ReducedCapacity);
    assert!(!region.manual);
    let rto = region.recovery.unwrap();
    assert!(rto < 300, "{rto}");
    // Route 53: 10 s × 3 failures, then the 60 s alias TTL.
    assert_eq!(rto, 90);
    assert_eq!(region.rpo, Some(Rpo::Seconds(1)));
    // A DNS provider: the other keeps answering.
    for p in ["provider:Route 53", "provider:Cloudflare"] {
        let s = scenario(&scan, p);
        assert_eq!(s.impact, Impact::ReducedCapacity, "{p}");
        assert_eq!(s.serving[0].1.health, Health::Reduced);
    }
    // A control plane: workloads keep serving, deployments wait.
    let cp = scenario(&scan, "control-plane:aws_eks_cluster.primary");
    assert_eq!(cp.impact, Impact::DeploymentsDelayed);
    assert_eq!(cp.serving[0].1.health, Health::Up);
    // A GitOps engine: deployments delayed only.
    let gitops = scenario(&scan, "gitops:argocd");
    assert_eq!(gitops.impact, Impact::DeploymentsDelayed);
    assert_eq!(gitops.serving[0].1.health, Health::Up);
    // The estimate.
    let e = &scan.system.estimate;
    assert!(e.availability.unwrap() >= 0.9999, "{:?}", e.availability);
    assert_eq!(e.rto, Some(90));
    assert_eq!(e.rpo, Some(Rpo::Seconds(1)));
}

#[test]
fn the_architecture_as_the_text_describes_it_does_not_survive_a_region() {
    // Both ALBs and the NLB in the primary region (Route 53's secondary record leads to the
    // second ALB there), and Cloudflare answering with one load balancer.
    let dir = variant(
        "text-architecture",
        &[
            (
                "main.tf",
                "    name                   = aws_lb.standby.dns_name\n    zone_id                = aws_lb.standby.zone_id",
                "    name                   = aws_lb.secondary.dns_name\n    zone_id                = aws_lb.secondary.zone_id",
            ),
            (
                "main.tf",
                "  default_pool_ids = [cloudflare_load_balancer_pool.primary.id]\n  fallback_pool_id = cloudflare_load_balancer_pool.standby.id",
                "  default_pool_ids = [cloudflare_load_balancer_pool.single.id]\n  fallback_pool_id = cloudflare_load_balancer_pool.single.id",
            ),
            (
                "main.tf",
                "resource \"cloudflare_load_balancer_pool\" \"standby\" {",
                "resource \"cloudflare_load_balancer_pool\" \"single\" {\n  account_id = \"0123456789abcdef\"\n  name       = \"single\"\n  monitor    = cloudflare_load_balancer_monitor.https.id\n  origins {\n    name    = \"alb-primary\"\n    address = aws_lb.primary.dns_name\n  }\n}\n\nresource \"cloudflare_load_balancer_pool\" \"standby\" {",
            ),
        ],
    );
    let scan = scan(&dir);
    // A region loss: no entry point in the standby region answers.
    let region = scenario(&scan, "region:us-east-1");
    assert_eq!(region.impact, Impact::ServingOutage);
    assert_eq!(region.recovery, None);
    let www = &region.serving[0].1;
    assert_eq!(www.health, Health::Down);
    // The ALB Cloudflare answers with is a single point of failure for the resolvers that
    // ask Cloudflare, although Route 53 would fail over.
    let alb = scenario(&scan, "component:aws_lb.primary");
    assert_eq!(alb.impact, Impact::ServingOutage);
    assert!(
        alb.serving[0]
            .1
            .notes
            .iter()
            .any(|n| n == "resolvers that ask Cloudflare get an answer that does not work"),
        "{:?}",
        alb.serving[0].1.notes
    );
    // SYSTEM004 at the first load balancer lost with the region.
    let got = findings(&scan);
    let lb = line_of(&dir, "main.tf", "resource \"aws_lb\" \"primary\"");
    assert!(
        got.contains(&("SYSTEM004".into(), "main.tf".into(), lb)),
        "{got:?}"
    );
    assert!(got.iter().any(|f| f.0 == "SYSTEM002"), "{got:?}");
    insta::assert_snapshot!("text_architecture_human", human(&scan));
}

#[test]
fn a_failover_record_without_a_health_check_never_fails_over() {
    let dir = variant(
        "no-health-check",
        &[
            (
                "main.tf",
                "  set_identifier  = \"primary\"\n  health_check_id = aws_route53_health_check.primary.id",
                "  set_identifier  = \"primary\"",
            ),
            (
                "main.tf",
                "    name                   = aws_route53_record.primary_pool[\"primary\"].fqdn\n    zone_id                = aws_route53_zone.main.zone_id\n    evaluate_target_health = true",
                "    name                   = aws_route53_record.primary_pool[\"primary\"].fqdn\n    zone_id                = aws_route53_zone.main.zone_id\n    evaluate_target_health = false",
            ),
        ],
    );
    let scan = scan(&dir);
    let region = scenario(&scan, "region:us-east-1");
    assert_eq!(region.impact, Impact::ServingOutage);
    assert!(
        region.serving[0]
            .1
            .notes
            .iter()
            .any(|n| n == "resolvers that ask Route 53 get an answer that does not work")
    );
    // Zones are still survived.
    assert_eq!(scenario(&scan, "zone:us-east-1a").impact, Impact::NoImpact);
    let got = findings(&scan);
    let record = line_of(
        &dir,
        "main.tf",
        "resource \"aws_route53_record\" \"www_primary\"",
    );
    assert!(
        got.iter().any(|f| f.0 == "DNS002" && f.2 > record),
        "{got:?}"
    );
    assert!(got.iter().any(|f| f.0 == "SYSTEM004"), "{got:?}");
}

#[test]
fn a_manual_database_failover_misses_the_rto() {
    let dir = variant(
        "manual-db-failover",
        &[(
            ".spoflint.yaml",
            "  automated_failover:\n    - aws_rds_global_cluster.main\n",
            "",
        )],
    );
    let scan = scan(&dir);
    let region = scenario(&scan, "region:us-east-1");
    // Down until a person promotes the standby region: 15 min response + 1 min failover.
    assert_eq!(region.impact, Impact::ServingOutage);
    assert!(region.manual);
    assert_eq!(region.recovery, Some(960));
    assert_eq!(scan.system.estimate.rto, Some(960));
    // The standby a person switches to adds nothing to the estimate.
    let e = scan.system.estimate.availability.unwrap();
    assert!(e < 0.9999, "{e}");
    let got = findings(&scan);
    let db = line_of(
        &dir,
        "main.tf",
        "resource \"aws_rds_global_cluster\" \"main\"",
    );
    assert!(
        got.contains(&("SYSTEM002".into(), "main.tf".into(), db)),
        "{got:?}"
    );
    assert!(
        got.iter().all(|f| f.0.starts_with("SYSTEM")),
        "only the targets flip: {got:?}"
    );
}

#[test]
fn a_node_group_in_one_zone_fails_over_to_the_standby_region() {
    let dir = variant(
        "single-zone-node-group",
        &[(
            "main.tf",
            "  node_group_name = \"web\"\n  node_role_arn   = \"arn:aws:iam::123456789012:role/node\"\n  subnet_ids      = aws_subnet.primary[*].id",
            "  node_group_name = \"web\"\n  node_role_arn   = \"arn:aws:iam::123456789012:role/node\"\n  subnet_ids      = [aws_subnet.primary[0].id]",
        )],
    );
    let scan = scan(&dir);
    let a = scenario(&scan, "zone:us-east-1a");
    assert_eq!(a.impact, Impact::ReducedCapacity);
    assert!(!a.manual);
    assert_eq!(a.recovery, Some(90));
    assert_eq!(scenario(&scan, "zone:us-east-1b").impact, Impact::NoImpact);
    let got = findings(&scan);
    let line = line_of(
        &dir,
        "main.tf",
        "subnet_ids      = [aws_subnet.primary[0].id]",
    );
    assert_eq!(got, vec![("COMPUTE008".into(), "main.tf".into(), line)]);
}

#[test]
fn one_dns_provider_is_not_survived() {
    let dir = variant("single-dns-provider", &[]);
    let main = dir.join("main.tf");
    let text = std::fs::read_to_string(&main).unwrap();
    let cut = text.find("# ---- DNS: Cloudflare").unwrap();
    std::fs::write(&main, &text[..cut]).unwrap();
    let scan = scan(&dir);
    let p = scenario(&scan, "provider:Route 53");
    assert_eq!(p.impact, Impact::ServingOutage);
    assert_eq!(p.recovery, None);
    let got = findings(&scan);
    let rules: Vec<&str> = got.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(rules, vec!["SYSTEM002", "DNS001"], "{got:?}");
}

#[test]
fn reports_of_the_reference() {
    let scan = scan(Path::new(REFERENCE));
    let summary = Summary::of(&scan);
    insta::assert_snapshot!("reference_human", human(&scan));
    insta::assert_snapshot!("reference_json", report::json::render(&scan, &summary));
    insta::assert_snapshot!(
        "reference_markdown",
        report::markdown::render(&scan, &summary)
    );
}

#[test]
fn simulate_losses_together() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args([
            "simulate",
            REFERENCE,
            "--config",
            "fixtures/system/reference/.spoflint.yaml",
            "--lose",
            "region:us-east-1",
            "--lose",
            "provider:cloudflare",
        ])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("Losing region us-east-1 + provider cloudflare: reduced capacity\n"),
        "{text}"
    );
    insta::assert_snapshot!("simulate_region_and_cloudflare", text);
    // Without --lose: the failure domains.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args(["simulate", REFERENCE, "--no-config"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for d in [
        "zone:us-east-1a",
        "region:us-west-2",
        "provider:Cloudflare",
        "gitops:flux",
    ] {
        assert!(text.contains(&format!("  {d}\n")), "{d}: {text}");
    }
    // A domain that is not the system's says so, and changes nothing.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args([
            "simulate",
            REFERENCE,
            "--no-config",
            "--lose",
            "zone:eu-west-1a",
        ])
        .output()
        .unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("zone:eu-west-1a is not a failure domain"),
        "{stderr}"
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_spoflint"))
        .args(["simulate", REFERENCE, "--lose", "planet:earth"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn pods_of_a_lost_zone_come_back_after_eviction() {
    let dir = tempfile::tempdir().unwrap();
    let manifest = |toleration: &str| {
        format!(
            "apiVersion: v1
kind: Service
metadata:
  name: web
  namespace: shop
spec:
  type: LoadBalancer
  selector:
    app: web
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  namespace: shop
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:{toleration}
      containers:
        - name: web
          image: ghcr.io/example/web:1.0
"
        )
    };
    let run = |text: &str| {
        std::fs::write(dir.path().join("web.yaml"), text).unwrap();
        let scan = spoflint::scan(&[dir.path().to_path_buf()]).unwrap();
        let s = scenario(&scan, "zone:any").clone();
        (s.impact, s.manual, s.recovery)
    };
    // The node monitor grace period (50 s), then the default 300 s toleration.
    assert_eq!(
        run(&manifest("")),
        (Impact::ServingOutage, false, Some(350))
    );
    let fast = "
      tolerations:
        - key: node.kubernetes.io/unreachable
          operator: Exists
          effect: NoExecute
          tolerationSeconds: 30";
    assert_eq!(
        run(&manifest(fast)),
        (Impact::ServingOutage, false, Some(80))
    );
    // Three replicas spread over zones: no outage.
    let spread = manifest(
        "
      topologySpreadConstraints:
        - maxSkew: 1
          topologyKey: topology.kubernetes.io/zone
          whenUnsatisfiable: DoNotSchedule
          labelSelector:
            matchLabels:
              app: web",
    )
    .replace("replicas: 1", "replicas: 3");
    assert_eq!(run(&spread).0, Impact::NoImpact);
}
