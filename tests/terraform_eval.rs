//! Terraform evaluation semantics, checked on small modules written to a temporary directory:
//! variable precedence, count/for_each addresses, local modules and their outputs, provider
//! regions, expressions and functions, and unknown values that must stay unknown.

use std::path::PathBuf;

use spoflint::model::terraform::{Unknown, Value};
use spoflint::{Scan, ScanOptions};

mod common;
use common::write;

fn scan(files: &[(&str, &str)], options: ScanOptions) -> (tempfile::TempDir, Scan) {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), files);
    let scan = spoflint::scan_with(&[dir.path().to_path_buf()], &options).unwrap();
    (dir, scan)
}

fn value<'a>(scan: &'a Scan, address: &str, attr: &str) -> &'a Value {
    let r = scan
        .model
        .tf_iter()
        .map(|(_, r)| r)
        .find(|r| r.address == address)
        .unwrap_or_else(|| {
            let all: Vec<_> = scan.model.tf_iter().map(|(_, r)| &r.address).collect();
            panic!("no {address} in {all:?}")
        });
    r.value(attr)
        .unwrap_or_else(|| panic!("{address} has no {attr}: {:?}", r.body.attrs.keys()))
}

fn s(v: &str) -> Value {
    Value::String(v.to_string())
}

fn input_findings(scan: &Scan) -> Vec<String> {
    scan.findings
        .iter()
        .filter(|f| f.rule.starts_with("INPUT"))
        .map(|f| format!("{}: {}", f.rule, f.message))
        .collect()
}

fn assert_no_input_findings(scan: &Scan) {
    let input = input_findings(scan);
    assert!(input.is_empty(), "{input:?}");
}

const VARS: &str = r#"
variable "a" { default = "default" }
variable "b" { default = "default" }
variable "c" { default = "default" }
variable "d" { default = "default" }
variable "n" {
  type    = number
  default = 1
}
resource "aws_sqs_queue" "q" {
  name = "${var.a}-${var.b}-${var.c}-${var.d}"
  tags = { n = var.n + 1 }
}
"#;

#[test]
fn variable_precedence_defaults_tfvars_auto_var_file_cli() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("root/main.tf", VARS),
            (
                "root/terraform.tfvars",
                "a = \"tfvars\"\nb = \"tfvars\"\nc = \"tfvars\"\n",
            ),
            ("root/x.auto.tfvars", "b = \"auto\"\nc = \"auto\"\n"),
            ("prod.tfvars", "c = \"file\"\nn = 41\n"),
        ],
    );
    let options = ScanOptions {
        var_files: vec![dir.path().join("prod.tfvars")],
        vars: vec![("d".into(), "cli".into())],
        ..ScanOptions::default()
    };
    let scan = spoflint::scan_with(&[dir.path().join("root")], &options).unwrap();
    assert_eq!(
        value(&scan, "aws_sqs_queue.q", "name"),
        &s("tfvars-auto-file-cli")
    );
    let Value::Map(tags) = value(&scan, "aws_sqs_queue.q", "tags") else {
        panic!()
    };
    assert_eq!(tags["n"], Value::Number(42.0));
}

#[test]
fn count_for_each_and_splats_give_terraform_addresses() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
variable "azs" { default = ["us-east-1a", "us-east-1b", "us-east-1c"] }
resource "aws_subnet" "private" {
  count             = length(var.azs)
  vpc_id            = "vpc-1"
  cidr_block        = cidrsubnet("10.0.0.0/16", 8, count.index)
  availability_zone = var.azs[count.index]
}
resource "aws_subnet" "public" {
  for_each          = toset(var.azs)
  vpc_id            = "vpc-1"
  cidr_block        = "10.1.0.0/24"
  availability_zone = each.key
}
resource "aws_lb" "web" {
  subnets = aws_subnet.private[*].id
  tags    = { n = length([for s in aws_subnet.public : s.availability_zone if s.availability_zone != "us-east-1a"]) }
}
"#,
        )],
        ScanOptions::default(),
    );
    assert_eq!(
        value(&scan, "aws_subnet.private[2]", "cidr_block"),
        &s("10.0.2.0/24")
    );
    assert_eq!(
        value(
            &scan,
            "aws_subnet.public[\"us-east-1b\"]",
            "availability_zone"
        ),
        &s("us-east-1b")
    );
    // Computed ids stay unknown but remember their subnet.
    let Value::List(subnets) = value(&scan, "aws_lb.web", "subnets") else {
        panic!()
    };
    assert_eq!(subnets.len(), 3);
    let Value::Unknown(Unknown::Attr(id, attr)) = &subnets[1] else {
        panic!("{subnets:?}")
    };
    assert_eq!(attr, "id");
    assert_eq!(scan.model.tf(*id).address, "aws_subnet.private[1]");
    let Value::Map(tags) = value(&scan, "aws_lb.web", "tags") else {
        panic!()
    };
    assert_eq!(tags["n"], Value::Number(2.0));
    assert_no_input_findings(&scan);
}

#[test]
fn local_modules_get_inputs_outputs_and_passed_providers() {
    let (_d, scan) = scan(
        &[
            (
                "main.tf",
                r#"
provider "aws" { region = var.region }
provider "aws" {
  alias  = "dr"
  region = "us-west-2"
}
variable "region" { default = "us-east-1" }
module "east" {
  source = "./modules/net"
  name   = "east"
}
module "west" {
  source    = "./modules/net"
  name      = "west"
  providers = { aws = aws.dr }
}
resource "aws_sqs_queue" "q" {
  name = join(",", concat(module.east.zones, module.west.zones))
}
"#,
            ),
            (
                "modules/net/main.tf",
                r#"
variable "name" {}
data "aws_region" "here" {}
resource "aws_subnet" "a" {
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.0.0/24"
  availability_zone = "${data.aws_region.here.name}a"
  tags              = { Name = var.name }
}
output "zones" { value = [aws_subnet.a.availability_zone] }
"#,
            ),
        ],
        ScanOptions::default(),
    );
    assert_eq!(
        value(&scan, "aws_sqs_queue.q", "name"),
        &s("us-east-1a,us-west-2a")
    );
    let west = scan
        .model
        .tf_iter()
        .map(|(_, r)| r)
        .find(|r| r.address == "module.west.aws_subnet.a")
        .unwrap();
    assert_eq!(west.region_name(), Some("us-west-2"));
    assert_eq!(west.provider, "aws");
    assert_eq!(
        value(&scan, "module.east.aws_subnet.a", "tags"),
        &Value::Map([("Name".to_string(), s("east"))].into())
    );
}

#[test]
fn expressions_and_functions() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
locals {
  env     = "prod"
  none    = null
  of_none = local.none.type
  sizes   = { prod = 3, dev = 1 }
  merged  = merge({ a = 1 }, { b = 2 }, { a = 3 })
  flat    = flatten([["a"], ["b", "c"]])
  grouped = { for k, v in { x = "1", y = "1", z = "2" } : v => k... }
}
resource "aws_sqs_queue" "q" {
  name = format("%s-%03d", local.env, lookup(local.sizes, local.env, 0))
  tags = {
    cond    = local.env == "prod" ? "yes" : "no"
    merged  = jsonencode(local.merged)
    flat    = join("", local.flat)
    zip     = zipmap(["k"], ["v"])["k"]
    tried   = try(local.sizes.missing, "fallback")
    can     = can(local.sizes.missing)
    on_null = try(local.none.type, "fallback")
    can_nul = can(local.none.type)
    via_loc = try(local.of_none, "fallback")
    max     = max(1, 5, 3)
    grouped = length(local.grouped["1"])
    coal    = coalesce("", "c")
  }
  dynamic "redrive" {
    for_each = ["one", "two"]
    content {
      name = redrive.value
    }
  }
}
"#,
        )],
        ScanOptions::default(),
    );
    assert_eq!(value(&scan, "aws_sqs_queue.q", "name"), &s("prod-003"));
    let Value::Map(t) = value(&scan, "aws_sqs_queue.q", "tags") else {
        panic!()
    };
    assert_eq!(t["cond"], s("yes"));
    assert_eq!(t["flat"], s("abc"));
    assert_eq!(t["zip"], s("v"));
    assert_eq!(t["tried"], s("fallback"));
    assert_eq!(t["can"], Value::Bool(false));
    // Reading an attribute of null fails in Terraform: try() takes the next argument.
    assert_eq!(t["on_null"], s("fallback"));
    assert_eq!(t["can_nul"], Value::Bool(false));
    // A local is evaluated once for every use, not as try()'s own argument: it stays
    // lenient (unknown, no finding) wherever it is first read.
    assert!(t["via_loc"].is_unknown());
    assert_eq!(t["max"], Value::Number(5.0));
    assert_eq!(t["grouped"], Value::Number(2.0));
    assert_eq!(t["coal"], s("c"));
    // jsonencode is not evaluated: unknown, and not an error.
    assert!(t["merged"].is_unknown());
    let q = scan
        .model
        .tf_iter()
        .map(|(_, r)| r)
        .find(|r| r.address == "aws_sqs_queue.q")
        .unwrap();
    let names: Vec<_> = q
        .body
        .blocks("redrive")
        .map(|b| b.body.value("name").unwrap().clone())
        .collect();
    assert_eq!(names, vec![s("one"), s("two")]);
    assert_no_input_findings(&scan);
}

#[test]
fn unknowns_stay_unknown_and_errors_are_located() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
data "aws_availability_zones" "all" {}
variable "no_value" {}
resource "aws_subnet" "a" {
  count             = length(data.aws_availability_zones.all.names)
  vpc_id            = "vpc-1"
  cidr_block        = "10.0.0.0/24"
  availability_zone = data.aws_availability_zones.all.names[count.index]
}
resource "aws_sqs_queue" "q" {
  name = var.no_value
  tags = { bad = nosuch(1) }
}
"#,
        )],
        ScanOptions::default(),
    );
    assert!(value(&scan, "aws_sqs_queue.q", "name").is_unknown());
    let rep = scan
        .model
        .tf_iter()
        .map(|(_, r)| r)
        .find(|r| r.address == "aws_subnet.a[?]")
        .expect("one representative instance");
    assert!(rep.count_unknown);
    let input = input_findings(&scan);
    assert!(
        input
            .iter()
            .any(|m| m.contains("`count` of aws_subnet.a is not known")),
        "{input:?}"
    );
    assert!(
        input
            .iter()
            .any(|m| m.contains("unknown function `nosuch`")),
        "{input:?}"
    );
    // Located at the expression.
    let f = scan
        .findings
        .iter()
        .find(|f| f.message.contains("nosuch"))
        .unwrap();
    let text = &scan.model.sources.get(f.primary.source).text;
    assert_eq!(&text[f.primary.span.start..f.primary.span.end], "nosuch(1)");
}

#[test]
fn remote_modules_are_reported_once_and_never_fetched() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
module "a" { source = "terraform-aws-modules/vpc/aws" }
module "b" { source = "terraform-aws-modules/vpc/aws" }
module "c" { source = "../outside" }
"#,
        )],
        ScanOptions::default(),
    );
    let input = input_findings(&scan);
    assert_eq!(input.len(), 2, "{input:?}");
    assert!(input.iter().any(|m| m.contains("remote")));
    assert!(
        input
            .iter()
            .any(|m| m.contains("outside the scanned paths"))
    );
}

#[test]
fn plan_json_is_read_with_locations() {
    let plan = PathBuf::from("fixtures/terraform/plan-json");
    if !plan.exists() {
        return;
    }
    let scan = spoflint::scan(&[plan]).unwrap();
    assert!(scan.model.tf_iter().next().is_some());
    assert!(
        scan.model
            .tf_iter()
            .map(|(_, r)| r)
            .all(|r| r.region_name() == Some("us-east-1"))
    );
    assert!(scan.findings.iter().any(|f| f.rule == "DATA003"));
}

#[test]
fn json_files_are_read_only_when_they_are_plans() {
    let plan = std::fs::read_to_string("fixtures/terraform/plan-json/plan.json").unwrap();
    let big = format!(
        "{{\"name\": \"x\", \"padding\": \"{}\"}}",
        "a".repeat(100_000)
    );
    let (_d, scan) = scan(
        &[
            ("package.json", big.as_str()),
            ("broken.json", "{ not json"),
            ("infra/plan.json", plan.as_str()),
        ],
        ScanOptions::default(),
    );
    assert_eq!(scan.files, 1);
    assert!(scan.findings.iter().all(|f| f.rule != "INPUT001"));
    assert!(scan.model.tf_iter().next().is_some());
}

#[test]
fn tfvars_json_files_are_loaded_in_terraform_order() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        &[
            ("root/main.tf", VARS),
            ("root/terraform.tfvars", "a = \"tfvars\"\nb = \"tfvars\"\n"),
            (
                "root/terraform.tfvars.json",
                r#"{"b": "json", "c": "json", "n": 6}"#,
            ),
            ("root/z.auto.tfvars.json", r#"{"c": "auto-json"}"#),
            ("custom.vars", "d = \"custom\"\n"),
        ],
    );
    let options = ScanOptions {
        var_files: vec![dir.path().join("custom.vars")],
        ..ScanOptions::default()
    };
    let scan = spoflint::scan_with(&[dir.path().join("root")], &options).unwrap();
    assert_eq!(
        value(&scan, "aws_sqs_queue.q", "name"),
        &s("tfvars-json-auto-json-custom")
    );
    let Value::Map(tags) = value(&scan, "aws_sqs_queue.q", "tags") else {
        panic!()
    };
    assert_eq!(tags["n"], Value::Number(7.0));
    assert_no_input_findings(&scan);
}

#[test]
fn null_module_arguments_follow_nullable() {
    let (_d, scan) = scan(
        &[
            (
                "main.tf",
                r#"
module "m" {
  source   = "./m"
  strict   = null
  loose    = null
}
"#,
            ),
            (
                "m/main.tf",
                r#"
variable "strict" {
  type     = bool
  default  = true
  nullable = false
}
variable "loose" {
  type    = bool
  default = true
}
resource "aws_sqs_queue" "q" {
  name = var.strict && var.loose == null ? "default-and-null" : "other"
}
"#,
            ),
        ],
        ScanOptions::default(),
    );
    assert_eq!(
        value(&scan, "module.m.aws_sqs_queue.q", "name"),
        &s("default-and-null")
    );
    assert_no_input_findings(&scan);
}

#[test]
fn format_takes_any_width_and_precision_without_panicking() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
resource "aws_sqs_queue" "q" {
  name  = format("%.65536f", 1.5)
  tags  = { w = format("%70000d", 7), short = format("%8.3f|%-4s|%04d", 3.14159, "ab", 42) }
}
"#,
        )],
        ScanOptions::default(),
    );
    assert_no_input_findings(&scan);
    let Value::String(name) = value(&scan, "aws_sqs_queue.q", "name") else {
        panic!("not a string")
    };
    assert_eq!(name.len(), 2 + 65536);
    assert!(name.starts_with("1.5000") && name.ends_with("000"));
    let Value::Map(tags) = value(&scan, "aws_sqs_queue.q", "tags") else {
        panic!("not a map")
    };
    assert_eq!(tags["w"].as_str().map(str::len), Some(70000));
    assert_eq!(tags["short"], s("   3.142|ab  |0042"));
}

#[test]
fn strings_longer_than_the_limit_are_refused_where_they_are_built() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
locals {
  mib   = format("%1048576s", "x")
  wide  = format("%99999999999d", 1)
  joined = join(local.mib, range(20))
  replaced = replace("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "a", local.mib)
}
resource "aws_sqs_queue" "q" {
  name = "q"
}
"#,
        )],
        ScanOptions::default(),
    );
    let input = input_findings(&scan);
    for text in [
        "format(): the result would be",
        "join(): the result would be",
        "replace(): the result would be",
    ] {
        assert!(input.iter().any(|f| f.contains(text)), "{text}: {input:?}");
    }
    // Each failure is local: the resource is still evaluated.
    assert_eq!(value(&scan, "aws_sqs_queue.q", "name"), &s("q"));
}

#[test]
fn string_doubling_stops_at_the_byte_budget() {
    let mut tf = String::from("locals {\n  s0 = \"xxxxxxxxxxxxxxxx\"\n");
    for i in 1..40 {
        tf.push_str(&format!(
            "  s{i} = \"${{local.s{}}}${{local.s{}}}\"\n",
            i - 1,
            i - 1
        ));
    }
    tf.push_str("}\n");
    let (_d, scan) = scan(
        &[
            ("bomb/main.tf", &tf),
            (
                "good/main.tf",
                "resource \"aws_db_instance\" \"db\" {\n  multi_az = false\n}\n",
            ),
        ],
        ScanOptions::default(),
    );
    let input = input_findings(&scan);
    assert!(
        input
            .iter()
            .any(|f| f.contains("MiB of strings and collections built")),
        "{input:?}"
    );
    // The root module beside it is evaluated and judged.
    assert!(scan.findings.iter().any(|f| f.rule == "DATA003"));
}

#[test]
fn nested_module_counts_are_bounded_together() {
    let (_d, scan) = scan(
        &[
            (
                "main.tf",
                "module \"a\" {\n  source = \"./m1\"\n  count  = 10000\n}\n",
            ),
            (
                "m1/main.tf",
                "module \"b\" {\n  source = \"../m2\"\n  count  = 10000\n}\n",
            ),
            ("m2/main.tf", "resource \"aws_sqs_queue\" \"q\" {}\n"),
        ],
        ScanOptions::default(),
    );
    let input = input_findings(&scan);
    assert!(
        input.iter().any(|f| f.contains(
            "more than 50000 resource and module instances (nested `count`/`for_each` multiply)"
        )),
        "{input:?}"
    );
    assert!(scan.model.tf_iter().count() <= 50_000);
}

#[test]
fn a_module_that_calls_itself_is_instantiated_once() {
    let (_d, scan) = scan(
        &[
            ("main.tf", "module \"m\" {\n  source = \"./m\"\n}\n"),
            (
                "m/main.tf",
                "module \"again\" {\n  source = \"../m\"\n}\nresource \"aws_sqs_queue\" \"q\" {}\n",
            ),
        ],
        ScanOptions::default(),
    );
    let addresses: Vec<&str> = scan
        .model
        .tf_iter()
        .map(|(_, r)| r)
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(addresses, ["module.m.aws_sqs_queue.q"]);
    let input = input_findings(&scan);
    assert_eq!(input.len(), 1, "{input:?}");
    assert!(input[0].contains("a module cycle"), "{input:?}");
}

#[test]
fn repeated_calls_on_a_big_string_are_bounded() {
    // Searching an 8 MB string 100,000 times would scan 800 GB: each call copies the string
    // out of the local, which the byte budget pays for, so it stops after a few.
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
locals {
  big  = format("%8388608s", "x")
  hits = [for i in range(100000) : strcontains(local.big, "z")]
}
"#,
        )],
        ScanOptions::default(),
    );
    let input = input_findings(&scan);
    assert!(
        input
            .iter()
            .any(|f| f.contains("more than 64 MiB of strings and collections built")),
        "{input:?}"
    );
}

/// One resource block, two module instances, two origins: each instance's finding points at
/// the argument of its own module call (provenance is per resource where a span is shared).
#[test]
fn each_module_instance_shows_its_own_origin() {
    let (_dir, scan) = scan(
        &[
            (
                "main.tf",
                "module \"blue\" {\n  source   = \"./asg\"\n  min_size = 1\n}\n\nmodule \"green\" {\n  source   = \"./asg\"\n  min_size = 0\n}\n",
            ),
            (
                "asg/main.tf",
                "variable \"min_size\" {}\n\nresource \"aws_autoscaling_group\" \"this\" {\n  min_size            = var.min_size\n  max_size            = 4\n  availability_zones  = [\"us-east-1a\", \"us-east-1b\"]\n}\n",
            ),
        ],
        ScanOptions::default(),
    );
    let mut origins: Vec<(String, usize)> = scan
        .findings
        .iter()
        .filter(|f| f.rule == "COMPUTE010")
        .map(|f| {
            let r = scan.model.tf(f.resource.unwrap());
            let origin = f
                .secondary
                .iter()
                .find(|l| l.text == "var.min_size set here")
                .expect("the origin label");
            let file = scan.model.sources.get(origin.source);
            (r.address.clone(), file.line_col(origin.span.start).line)
        })
        .collect();
    origins.sort();
    assert_eq!(
        origins,
        [
            ("module.blue.aws_autoscaling_group.this".to_string(), 3),
            ("module.green.aws_autoscaling_group.this".to_string(), 8),
        ]
    );
}

#[test]
fn repeated_object_keys_are_valid_and_the_last_one_wins() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
resource "aws_lb_target_group" "tg" {
  tags = {
    port    = "80"
    "name"  = "first"
    port    = "81"
    nested  = { a = 1, a = 2, b = 3, a = 4 }
    "name"  = "last"
    z       = "z"
    z       = "zz"
  }
}
output "x" { value = aws_lb_target_group.tg.tags }
"#,
        )],
        ScanOptions::default(),
    );
    assert_no_input_findings(&scan);
    let Value::Map(tags) = value(&scan, "aws_lb_target_group.tg", "tags") else {
        panic!("tags is a map")
    };
    assert_eq!(tags["port"], s("81"));
    assert_eq!(tags["name"], s("last"));
    assert_eq!(tags["z"], s("zz"));
    let Value::Map(nested) = &tags["nested"] else {
        panic!("nested is a map")
    };
    assert_eq!(nested["a"], Value::Number(4.0));
    assert_eq!(nested.len(), 2);
    // Attributes (not object keys) may not repeat: Terraform rejects that too.
    let (_d, again) = self::scan(
        &[(
            "main.tf",
            "resource \"aws_sqs_queue\" \"q\" {\n  name = \"a\"\n  name = \"b\"\n}\n",
        )],
        ScanOptions::default(),
    );
    let input = input_findings(&again);
    assert!(
        input.iter().any(|m| m.contains("redefined attribute")),
        "{input:?}"
    );
}

#[test]
fn a_file_that_does_not_parse_does_not_cascade_into_its_references() {
    let (_d, scan) = scan(
        &[
            (
                "main.tf",
                "module \"alb\" {\n  source = \"./alb\"\n  name = \n}\nlocals { x = 1 }\n",
            ),
            (
                "outputs.tf",
                "output \"a\" { value = module.alb.arn }\noutput \"b\" { value = module.alb.dns }\noutput \"c\" { value = local.x }\noutput \"d\" { value = var.v }\n",
            ),
            ("alb/main.tf", "output \"arn\" { value = \"x\" }\n"),
        ],
        ScanOptions::default(),
    );
    let input = input_findings(&scan);
    assert_eq!(input.len(), 1, "{input:?}");
    assert!(input[0].starts_with("INPUT001: invalid HCL"), "{input:?}");
}

#[test]
fn unknowns_only_affect_what_they_reach() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
data "aws_ami" "x" {}
variable "groups" {
  default = { a = { target = "i-1" } }
}
locals {
  groups  = { for k, v in var.groups : k => merge(v, { ami = data.aws_ami.x.id }) }
  enabled = true
}
resource "aws_lb_target_group" "tg" {
  # A known map with unknown values is not null: the keys are known.
  for_each = local.enabled && local.groups != null ? local.groups : {}
  name     = each.key
}
resource "aws_sqs_queue" "q" {
  count = nonsensitive(sensitive(2))
  name  = data.aws_ami.x.id == "x" ? local.groups.a.missing : "fine"
  # unknown && false is false; unknown || true is true.
  tags  = {
    and  = tostring(data.aws_ami.x.id == "a" && false)
    or   = tostring(data.aws_ami.x.id == "a" || true)
    core = core::length([1, 2])
    prov = provider::aws::arn_parse("arn:aws:iam::1:role/x")
    diff = tostring([1, data.aws_ami.x.id] == [1, 2, 3])
  }
}
"#,
        )],
        ScanOptions::default(),
    );
    assert_no_input_findings(&scan);
    assert_eq!(
        value(&scan, "aws_lb_target_group.tg[\"a\"]", "name"),
        &s("a")
    );
    assert!(value(&scan, "aws_sqs_queue.q[1]", "name").is_unknown());
    let Value::Map(tags) = value(&scan, "aws_sqs_queue.q[0]", "tags") else {
        panic!("tags is a map")
    };
    assert_eq!(tags["and"], s("false"));
    assert_eq!(tags["or"], s("true"));
    assert_eq!(tags["core"], Value::Number(2.0));
    assert!(tags["prov"].is_unknown());
    assert_eq!(tags["diff"], s("false"));
}

#[test]
fn findings_in_a_module_called_by_several_roots_name_their_caller() {
    let module = "variable \"subnets\" {}\nvariable \"internal\" { default = false }\nresource \"aws_lb\" \"this\" {\n  name    = \"web\"\n  subnets = var.internal ? slice(var.subnets, 0, 1) : concat(var.subnets, [])\n}\n";
    let (_dir, scan) = scan(
        &[
            ("modules/alb/main.tf", module),
            (
                "a/main.tf",
                "module \"alb\" {\n  source  = \"../modules/alb\"\n  subnets = [\"subnet-1\"]\n}\n",
            ),
            (
                "b/main.tf",
                "module \"alb\" {\n  source   = \"../modules/alb\"\n  internal = true\n  subnets  = [\"subnet-1\", \"subnet-2\"]\n}\n",
            ),
        ],
        ScanOptions::default(),
    );
    let summary = spoflint::report::Summary::of(&scan);
    let json = spoflint::report::json::render(&scan, &summary);
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let found: Vec<&serde_json::Value> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "NETWORK004")
        .collect();
    assert_eq!(found.len(), 2, "{json}");
    assert_ne!(found[0], found[1], "two callers' findings are identical");
    for f in &found {
        let related: Vec<String> = f["related"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| {
                format!(
                    "{}:{}",
                    l["file"].as_str().unwrap(),
                    l["message"].as_str().unwrap()
                )
            })
            .collect();
        assert!(
            related.iter().any(
                |l| l.ends_with("main.tf:module.alb is called here") && !l.contains("modules/")
            ),
            "{related:?}"
        );
        // The argument that set the subnets, through the conditional and concat().
        assert!(
            related.iter().any(|l| l.ends_with("var.subnets set here")),
            "{related:?}"
        );
    }
}

/// An output read while its module is being instantiated: Terraform evaluates each output on
/// its own, so a resource that reads one output and feeds another input is not a cycle
/// (terraform-google-lb-http's examples: the URL map reads `backend_services`, the module
/// takes the URL map).
#[test]
fn module_outputs_are_evaluated_one_by_one() {
    let (_d, scan) = scan(
        &[
            (
                "main.tf",
                r#"
module "lb" {
  source  = "./modules/lb"
  url_map = aws_sqs_queue.map.name
}
resource "aws_sqs_queue" "map" {
  name = "map-${module.lb.backend}"
}
resource "aws_sqs_queue" "out" {
  name = module.lb.proxy
}
"#,
            ),
            (
                "modules/lb/main.tf",
                r#"
variable "url_map" {}
resource "aws_sqs_queue" "backend" { name = "backend" }
resource "aws_sqs_queue" "proxy" { name = "proxy-${var.url_map}" }
output "backend" { value = aws_sqs_queue.backend.name }
output "proxy" { value = aws_sqs_queue.proxy.name }
"#,
            ),
        ],
        ScanOptions::default(),
    );
    assert_no_input_findings(&scan);
    assert_eq!(value(&scan, "aws_sqs_queue.map", "name"), &s("map-backend"));
    assert_eq!(
        value(&scan, "aws_sqs_queue.out", "name"),
        &s("proxy-map-backend")
    );
    assert_eq!(
        value(&scan, "module.lb.aws_sqs_queue.proxy", "name"),
        &s("proxy-map-backend")
    );
}

/// `resource.<type>.<name>` (Terraform 1.8) names a resource; `ephemeral.<type>.<name>`
/// (Terraform 1.10) is an ephemeral resource, whose values are never known statically.
#[test]
fn resource_prefix_and_ephemeral_resources() {
    let (_d, scan) = scan(
        &[(
            "main.tf",
            r#"
resource "aws_sqs_queue" "a" { name = "a" }
ephemeral "random_password" "db" { length = 16 }
resource "aws_sqs_queue" "b" {
  name = "${resource.aws_sqs_queue.a.name}-b"
  tags = { secret = ephemeral.random_password.db.result }
}
"#,
        )],
        ScanOptions::default(),
    );
    assert_no_input_findings(&scan);
    assert_eq!(value(&scan, "aws_sqs_queue.b", "name"), &s("a-b"));
    assert!(value(&scan, "aws_sqs_queue.b", "tags").has_unknown());
}

/// The copies a database has, as the provider tables link them: a replica's condition
/// (`create_mode = "Replica"`; a restored server names its source too), a replica link in a
/// nested block (AlloyDB's `secondary_config`), and a failover group's partner.
#[test]
fn copies_follow_replica_conditions_nested_links_and_partners() {
    let main = r#"
variable "mode" {}

resource "azurerm_postgresql_flexible_server" "primary" {
  name     = "orders"
  location = "West Europe"
}
resource "azurerm_postgresql_flexible_server" "restored" {
  name             = "orders-restored"
  location         = "North Europe"
  create_mode      = "PointInTimeRestore"
  source_server_id = azurerm_postgresql_flexible_server.primary.id
}
resource "azurerm_postgresql_flexible_server" "replica" {
  name             = "orders-replica"
  location         = "swedencentral"
  create_mode      = "Replica"
  source_server_id = azurerm_postgresql_flexible_server.primary.id
}
resource "azurerm_postgresql_flexible_server" "maybe" {
  name             = "orders-maybe"
  location         = "uksouth"
  create_mode      = var.mode
  source_server_id = azurerm_postgresql_flexible_server.primary.id
}

resource "google_alloydb_cluster" "primary" {
  cluster_id = "orders"
  location   = "us-central1"
}
resource "google_alloydb_cluster" "secondary" {
  cluster_id   = "orders-dr"
  location     = "us-east1"
  cluster_type = "SECONDARY"
  secondary_config {
    primary_cluster_name = google_alloydb_cluster.primary.name
  }
}

resource "azurerm_mssql_server" "primary" {
  name     = "orders-sql"
  location = "westeurope"
}
resource "azurerm_mssql_server" "secondary" {
  name     = "orders-sql-dr"
  location = "northeurope"
}
resource "azurerm_mssql_failover_group" "orders" {
  name      = "orders"
  server_id = azurerm_mssql_server.primary.id
  partner_server {
    id = azurerm_mssql_server.secondary.id
  }
  read_write_endpoint_failover_policy {
    mode          = "Automatic"
    grace_minutes = 60
  }
}
"#;
    let (_dir, scan) = scan(&[("main.tf", main)], ScanOptions::default());
    let id = |address: &str| {
        scan.model
            .tf_iter()
            .find(|(_, r)| r.address == address)
            .map(|(id, _)| id)
            .unwrap_or_else(|| panic!("no {address}"))
    };
    let tf = &scan.facts.tf;
    let addresses = |ids: Vec<spoflint::model::ResourceId>| -> Vec<String> {
        ids.iter()
            .map(|&i| scan.model.tf(i).address.clone())
            .collect()
    };
    let pg = id("azurerm_postgresql_flexible_server.primary");
    assert_eq!(
        addresses(tf.counterparts(&scan.model, pg)),
        ["azurerm_postgresql_flexible_server.replica"]
    );
    let presence = tf.regions_of(&scan.model, pg);
    assert_eq!(
        presence.regions.iter().collect::<Vec<_>>(),
        ["swedencentral", "westeurope"]
    );
    // The server whose create_mode is unknown may be a replica: its region is unknown.
    assert_eq!(presence.unknown, 1);
    assert_eq!(tf.is_copy(&scan.model, pg), Some(false));
    assert_eq!(
        tf.is_copy(
            &scan.model,
            id("azurerm_postgresql_flexible_server.replica")
        ),
        Some(true)
    );
    assert_eq!(
        tf.is_copy(
            &scan.model,
            id("azurerm_postgresql_flexible_server.restored")
        ),
        Some(false)
    );
    assert_eq!(
        tf.is_copy(&scan.model, id("azurerm_postgresql_flexible_server.maybe")),
        None
    );

    let alloy = id("google_alloydb_cluster.primary");
    assert_eq!(
        addresses(tf.counterparts(&scan.model, alloy)),
        ["google_alloydb_cluster.secondary"]
    );
    assert_eq!(
        tf.is_copy(&scan.model, id("google_alloydb_cluster.secondary")),
        Some(true)
    );
    assert_eq!(tf.is_copy(&scan.model, alloy), Some(false));

    let sql = id("azurerm_mssql_server.primary");
    let dr = id("azurerm_mssql_server.secondary");
    assert_eq!(
        addresses(tf.counterparts(&scan.model, sql)),
        ["azurerm_mssql_server.secondary"]
    );
    assert_eq!(
        addresses(tf.counterparts(&scan.model, dr)),
        ["azurerm_mssql_server.primary"]
    );
    assert_eq!(tf.is_copy(&scan.model, dr), Some(true));
    assert_eq!(tf.is_copy(&scan.model, sql), Some(false));
    assert_eq!(
        tf.regions_of(&scan.model, sql)
            .regions
            .iter()
            .collect::<Vec<_>>(),
        ["northeurope", "westeurope"]
    );
}
