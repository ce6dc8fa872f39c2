use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use spoflint::finding::Severity;
use spoflint::report::{self, Summary};
use spoflint::rules;

// The global allocator is mimalloc (parsing allocates many small strings from two threads;
// mimalloc makes a scan about a third faster than the system allocator), in the build regorus
// declares global: it counts the bytes allocated, which bounds the memory of user policies.

/// Finds single points of failure in infrastructure manifests.
#[derive(Parser)]
#[command(name = "spoflint", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scan files and directories for single points of failure.
    Check(CheckArgs),
    /// List the rule catalogue (with the user policies of the configuration and `--policy`).
    Rules {
        #[arg(long, value_enum, default_value_t = Format::Human)]
        format: Format,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// List the resources a scan understood: Terraform instances (address, provider, region)
    /// and Kubernetes objects, with where they are defined.
    Resources(ResourcesArgs),
    /// Write a commented default configuration file (.spoflint.yaml).
    Init {
        /// Where to write it.
        #[arg(default_value = ".spoflint.yaml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
    /// Record the current findings in a baseline file, so that `check --baseline` reports
    /// only new ones.
    Baseline(BaselineArgs),
    /// Build kustomizations and render Helm charts in-process (like `kubectl kustomize` and
    /// `helm template`) and print the manifests.
    Render(RenderArgs),
    /// Print what losing failure domains together does to the system: which public names
    /// still answer, whether data stays available, how failover happens and how long it
    /// takes (e.g. `--lose zone:us-west-2a --lose provider:github.com`). Without `--lose`,
    /// lists the failure domains of the scanned system.
    Simulate(SimulateArgs),
    /// Print the figures the availability estimate is made of (availability per kind of
    /// component, detection and recovery times), each with its source.
    Figures,
    /// Print a rule's documentation.
    Explain {
        /// Rule id, e.g. COMPUTE001 (case-insensitive).
        id: String,
        #[command(flatten)]
        config: ConfigArgs,
        #[command(flatten)]
        policy: PolicyArgs,
    },
    /// User policies (Rego): test them, print what they see.
    #[command(subcommand)]
    Policy(PolicyCommand),
}

#[derive(Subcommand)]
enum PolicyCommand {
    /// Run the `test_*` rules of the policies and their `_test.rego` files, as `opa test`
    /// does; exits with 1 when a test fails or a policy does not load.
    Test {
        /// Policy files and directories.
        #[arg(required = true)]
        paths: Vec<std::path::PathBuf>,
        /// Print every test, with its time, not only the failures.
        #[arg(long, short = 'v')]
        verbose: bool,
    },
    /// Print the input a policy sees for each resource of a scan (one JSON document per
    /// line), and `data.spoflint` with `--data`.
    Input {
        /// Print `data.spoflint` (the whole model) instead.
        #[arg(long)]
        data: bool,
        #[command(flatten)]
        inputs: Box<ScanInputs>,
    },
    /// Print the documentation of `input.spoflint` and `data.spoflint` (markdown).
    Schema,
}

/// User policies to load besides the configuration's `policies:`.
#[derive(clap::Args, Default)]
struct PolicyArgs {
    /// Rego policy file or directory (its `.rego` files, `_test.rego` ones aside); repeatable.
    #[arg(long = "policy", value_name = "PATH")]
    policies: Vec<PathBuf>,
}

#[derive(clap::Args)]
struct CheckArgs {
    /// Output format: human, json, sarif, junit, github, markdown. Repeatable; `FORMAT=FILE`
    /// writes that format to a file (e.g. `--format human --format sarif=out.sarif`).
    #[arg(long = "format", value_name = "FORMAT[=FILE]", value_parser = parse_output, default_value = "human")]
    formats: Vec<Output>,
    /// Write the output (of the format given without `=FILE`) to this file instead of stdout.
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Report only findings in files changed since --base (git), or in the files given as
    /// paths; the whole repository is still scanned for cross-file reasoning.
    #[arg(long)]
    changed_only: bool,
    /// Git revision --changed-only compares with (its merge base with HEAD) [default: HEAD,
    /// i.e. uncommitted changes].
    #[arg(long, value_name = "REF", requires = "changed_only")]
    base: Option<String>,
    /// When to colour human output (NO_COLOR is honoured by `auto`).
    #[arg(long, value_enum, default_value_t = Color::Auto)]
    color: Color,
    /// Show every finding in full in the human output, instead of grouping the findings of
    /// one rule that fire for the same reason on 4 or more resources.
    #[arg(long)]
    no_group: bool,
    /// Exit with 1 when a finding is at or above this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    /// Report only findings that the baseline file (from `spoflint baseline`) does not hold.
    #[arg(long, value_name = "FILE")]
    baseline: Option<PathBuf>,
    #[command(flatten)]
    inputs: ScanInputs,
}

#[derive(clap::Args)]
struct BaselineArgs {
    /// Where to write the baseline.
    #[arg(
        long,
        short = 'o',
        value_name = "FILE",
        default_value = ".spoflint-baseline.json"
    )]
    output: PathBuf,
    #[command(flatten)]
    inputs: ScanInputs,
}

#[derive(clap::Args)]
struct SimulateArgs {
    /// A failure domain to lose: zone:NAME (zone:any), region:NAME, provider:NAME (a DNS
    /// provider, git host or registry), ci:NAME, gitops:NAME, control-plane:COMPONENT,
    /// component:COMPONENT. Repeatable: the losses happen together.
    #[arg(long = "lose", value_name = "KIND:NAME")]
    lose: Vec<String>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[command(flatten)]
    inputs: ScanInputs,
}

#[derive(clap::Args)]
struct ResourcesArgs {
    #[command(flatten)]
    inputs: ScanInputs,
}

/// What a scan reads: the paths, and the configuration, Terraform and Helm inputs.
#[derive(clap::Args)]
struct ScanInputs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    terraform: TerraformArgs,
    #[command(flatten)]
    helm: HelmArgs,
    #[command(flatten)]
    config: ConfigArgs,
    #[command(flatten)]
    policy: PolicyArgs,
    #[command(flatten)]
    targets: TargetArgs,
}

impl ScanInputs {
    fn options(&self) -> Result<spoflint::ScanOptions, String> {
        let mut options = scan_options(
            &self.paths,
            &self.config,
            &self.terraform,
            &self.helm,
            &self.policy,
        )?;
        let t = &mut options.config.system.targets;
        if let Some(a) = self.targets.availability {
            t.availability = Some(a);
        }
        if let Some(r) = self.targets.rto {
            t.rto = Some(r);
        }
        if let Some(r) = self.targets.rpo {
            t.rpo = Some(r);
        }
        Ok(options)
    }
}

/// Targets given on the command line (they win over the configuration's `targets:`).
#[derive(clap::Args, Default)]
#[command(next_help_heading = "System targets")]
struct TargetArgs {
    /// Availability the serving path must reach, in percent (e.g. 99.99).
    #[arg(long = "target-availability", value_name = "PERCENT", value_parser = spoflint::system::settings::parse_percent)]
    availability: Option<f64>,
    /// Longest recovery time allowed for a failure the system must survive (e.g. 5m).
    #[arg(long = "target-rto", value_name = "DURATION", value_parser = spoflint::system::settings::parse_duration)]
    rto: Option<u64>,
    /// Most data a failure the system must survive may lose (e.g. 1m).
    #[arg(long = "target-rpo", value_name = "DURATION", value_parser = spoflint::system::settings::parse_duration)]
    rpo: Option<u64>,
}

#[derive(clap::Args)]
struct RenderArgs {
    /// Chart or kustomization directories (or directories holding them) to render.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    #[command(flatten)]
    helm: HelmArgs,
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(clap::Args)]
#[command(next_help_heading = "Helm")]
struct HelmArgs {
    /// Helm values file applied to every chart (repeatable; later files win).
    #[arg(long = "values", short = 'f', value_name = "FILE")]
    values: Vec<PathBuf>,
    /// Helm value `KEY=VALUE` (Helm's --set syntax; repeatable; applied after --values).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    set: Vec<String>,
    /// Helm value `KEY=VALUE` kept as a string.
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    set_string: Vec<String>,
    /// Kubernetes version charts see in .Capabilities.KubeVersion [default: v1.31.0].
    #[arg(long = "kube-version", value_name = "VERSION")]
    kube_version: Option<String>,
    /// Extra API versions for .Capabilities.APIVersions, e.g. monitoring.coreos.com/v1
    /// (repeatable).
    #[arg(long = "api-versions", value_name = "GROUP/VERSION")]
    api_versions: Vec<String>,
    /// .Release.Name charts are rendered with [default: release-name].
    #[arg(long = "release-name", value_name = "NAME")]
    release_name: Option<String>,
    /// .Release.Namespace charts are rendered with [default: default].
    #[arg(long = "namespace", value_name = "NAMESPACE")]
    namespace: Option<String>,
}

#[derive(clap::Args, Default)]
#[command(next_help_heading = "Configuration")]
struct ConfigArgs {
    /// Configuration file (default: the nearest .spoflint.yaml in or above the first path).
    #[arg(long, value_name = "FILE", overrides_with = "no_config")]
    config: Option<PathBuf>,
    /// Ignore any configuration file (of `--config` and `--no-config`, the last one given
    /// wins).
    #[arg(long, overrides_with = "config")]
    no_config: bool,
}

impl HelmArgs {
    /// Helm options: the configuration's, then these flags (which win).
    fn options(&self, config: &spoflint::config::Config) -> spoflint::ingest::helm::HelmOptions {
        use spoflint::ingest::helm::SetArg;
        let typed = |a: &String| SetArg {
            assignment: a.clone(),
            string: false,
        };
        // clap keeps each flag's values in order; --set-string ones go last (Helm applies
        // --set, then --set-string).
        let set = config
            .helm_set
            .iter()
            .map(typed)
            .chain(self.set.iter().map(typed))
            .chain(self.set_string.iter().map(|a| SetArg {
                assignment: a.clone(),
                string: true,
            }))
            .collect();
        let pick = |flag: &Option<String>, conf: &Option<String>| {
            flag.clone().or_else(|| conf.clone()).unwrap_or_default()
        };
        spoflint::ingest::helm::HelmOptions {
            values_files: config
                .helm_values
                .iter()
                .chain(&self.values)
                .cloned()
                .collect(),
            set,
            kube_version: pick(&self.kube_version, &config.kube_version),
            api_versions: config
                .api_versions
                .iter()
                .chain(&self.api_versions)
                .cloned()
                .collect(),
            release_name: pick(&self.release_name, &config.release_name),
            namespace: pick(&self.namespace, &config.namespace),
            charts: config.charts.clone(),
        }
    }
}

#[derive(clap::Args, Default)]
struct TerraformArgs {
    /// Terraform variable file applied to every root module (repeatable, in order).
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Terraform variable `NAME=VALUE` applied to every root module (repeatable).
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got `{s}`")),
    }
}

/// The configuration a command uses: `--config`, else the nearest `.spoflint.yaml` in or
/// above the first of `paths` (none with `--no-config`).
fn configuration(
    paths: &[PathBuf],
    config: &ConfigArgs,
) -> Result<spoflint::config::Config, String> {
    let path = if config.no_config {
        None
    } else {
        match &config.config {
            Some(p) => {
                spoflint::check_option_file("--config", p)?;
                Some(p.clone())
            }
            None => paths
                .first()
                .filter(|p| p.as_os_str() != "-")
                .and_then(|p| spoflint::config::find(p)),
        }
    };
    match path {
        Some(p) => spoflint::config::load(&p).map_err(|e| format!("invalid configuration: {e}")),
        None => Ok(spoflint::config::Config::default()),
    }
}

/// The user policies of the configuration's `policies:` and of `--policy`, loaded; the ids the
/// configuration's `rules:` gives that no built-in rule has must be theirs.
fn policies(
    config: &spoflint::config::Config,
    flags: &PolicyArgs,
) -> Result<std::sync::Arc<spoflint::policy::Policies>, String> {
    let paths = spoflint::policy::paths(&config.policies, &flags.policies);
    let policies = spoflint::policy::load(&paths, false)?;
    let ids: Vec<&str> = policies.rules.iter().map(|r| r.id).collect();
    config
        .check_policy_rules(&ids)
        .map_err(|e| format!("invalid configuration: {e}"))?;
    Ok(std::sync::Arc::new(policies))
}

/// Scan options: the configuration file (found, given, or none), then the flags.
fn scan_options(
    paths: &[PathBuf],
    config: &ConfigArgs,
    terraform: &TerraformArgs,
    helm: &HelmArgs,
    policy: &PolicyArgs,
) -> Result<spoflint::ScanOptions, String> {
    let config = configuration(paths, config)?;
    let policies = policies(&config, policy)?;
    Ok(spoflint::ScanOptions {
        policies,
        var_files: config
            .var_files
            .iter()
            .chain(&terraform.var_files)
            .cloned()
            .collect(),
        vars: config.vars.iter().chain(&terraform.vars).cloned().collect(),
        helm: helm.options(&config),
        config,
    })
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
}

/// A report format and where it goes.
#[derive(Clone, Debug)]
struct Output {
    format: ReportFormat,
    file: Option<PathBuf>,
}

#[derive(Clone, Copy, Debug, PartialEq, ValueEnum)]
enum ReportFormat {
    Human,
    Json,
    Sarif,
    Junit,
    Github,
    Markdown,
}

fn parse_output(s: &str) -> Result<Output, String> {
    let (name, file) = match s.split_once('=') {
        Some((n, f)) if !f.is_empty() => (n, Some(PathBuf::from(f))),
        Some(_) => return Err(format!("`{s}`: a file name must follow `=`")),
        None => (s, None),
    };
    let format = ReportFormat::from_str(name, true).map_err(|_| {
        format!("unknown format `{name}` (human, json, sarif, junit, github, markdown)")
    })?;
    Ok(Output { format, file })
}

#[derive(Clone, Copy, ValueEnum)]
enum Color {
    Auto,
    Always,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

fn use_color(choice: Color) -> bool {
    match choice {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => {
            std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    }
}

/// Writes one report to `path` (standard output without one) as it is made: a large scan's
/// report is never held whole in memory. `Ok(false)` when a bug stopped it (said on stderr;
/// a human report falls back to one line per finding, another format's partial file is
/// removed), `Err` with the exit code when the destination cannot be written.
fn write_report(
    format: ReportFormat,
    path: Option<&PathBuf>,
    (colour, group): (bool, bool),
    scan: &spoflint::Scan,
    summary: &Summary,
) -> Result<bool, ExitCode> {
    let open = || -> Result<Box<dyn Write>, ExitCode> {
        Ok(match path {
            Some(p) => match std::fs::File::create(p) {
                Ok(f) => Box::new(std::io::BufWriter::new(f)),
                Err(e) => return Err(fail(&format!("{}: {e}", p.display()))),
            },
            None => Box::new(std::io::BufWriter::new(std::io::stdout().lock())),
        })
    };
    let finish = |written: std::io::Result<()>| match written {
        Ok(()) => Ok(()),
        // A closed pipe (`spoflint check | head`) is not an error worth a message.
        Err(e) if path.is_none() && e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        Err(e) => Err(match path {
            Some(p) => fail(&format!("{}: {e}", p.display())),
            None => fail(&format!("cannot write output: {e}")),
        }),
    };
    let name = format!("{format:?}").to_lowercase();
    let mut sink = open()?;
    let written = spoflint::guard::run(|| {
        spoflint::guard::failpoint("report", || &name);
        let text = |text: String, sink: &mut dyn Write| sink.write_all(text.as_bytes());
        match format {
            ReportFormat::Human => {
                report::human::write_with(scan, summary, colour, group, &mut sink)
            }
            ReportFormat::Json => report::json::write(scan, summary, &mut sink),
            ReportFormat::Sarif => report::sarif::write(scan, summary, &mut sink),
            ReportFormat::Junit => text(report::junit::render(scan, summary), &mut sink),
            ReportFormat::Github => text(report::github::render(scan, summary), &mut sink),
            ReportFormat::Markdown => text(report::markdown::render(scan, summary), &mut sink),
        }
        .and_then(|()| sink.flush())
    });
    let panic = match written {
        Ok(written) => return finish(written).map(|()| true),
        Err(panic) => panic,
    };
    drop(sink);
    eprintln!(
        "spoflint: internal error while writing the {name} report: {}; this is a bug in spoflint, please report it",
        spoflint::report::terminal_safe(&panic)
    );
    match format {
        // The findings still reach the user, one line each (a file is written anew).
        ReportFormat::Human => {
            let mut sink = open()?;
            let plain = report::human::render_plain(scan, summary);
            finish(sink.write_all(plain.as_bytes()).and_then(|()| sink.flush()))?;
        }
        _ => {
            if let Some(p) = path {
                let _ = std::fs::remove_file(p);
            }
        }
    }
    Ok(false)
}

fn print(text: &str) -> ExitCode {
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        Ok(()) => ExitCode::SUCCESS,
        // A closed pipe (`spoflint check | head`) is not an error worth a message.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(e) => fail(&format!("cannot write output: {e}")),
    }
}

/// A usage error: the message (which may quote a file or a flag) goes to stderr made safe for
/// a terminal; exit status 2.
fn fail(message: &str) -> ExitCode {
    eprintln!("spoflint: error: {}", report::terminal_safe(message));
    ExitCode::from(2)
}

/// Largest baseline file read.
const BASELINE_MAX_BYTES: u64 = 64 << 20;

fn check(args: &CheckArgs) -> ExitCode {
    let options = match args.inputs.options() {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    // --changed-only scans the whole repository and reports on the changed files only.
    let (paths, scope) = if args.changed_only {
        match changed_scope(&args.inputs.paths, args.base.as_deref()) {
            Ok(scope) => (vec![repository_root()], Some(scope)),
            Err(e) => return fail(&e),
        }
    } else {
        (args.inputs.paths.clone(), None)
    };
    let mut scan = match spoflint::scan_with(&paths, &options) {
        Ok(s) => s,
        Err(e) => return fail(&e),
    };
    if let Some(path) = &args.baseline {
        let applied =
            spoflint::read_option_file("--baseline", path, BASELINE_MAX_BYTES).and_then(|text| {
                scan.apply_baseline(&text)
                    .map_err(|e| format!("--baseline {}: {e}", path.display()))
            });
        if let Err(e) = applied {
            return fail(&e);
        }
    }
    if let Some(scope) = &scope {
        scan.retain_in(scope);
    }
    let summary = Summary::of(&scan);
    let to_stdout: Vec<&Output> = args.formats.iter().filter(|o| o.file.is_none()).collect();
    if to_stdout.len() > 1 {
        return fail(
            "only one --format can go to standard output; give the others a file: --format sarif=out.sarif",
        );
    }
    // A bug in one report format costs that format only; the scan still fails.
    let mut report_failed = false;
    for out in &args.formats {
        let path = out.file.as_ref().or(args.output.as_ref());
        let colour = path.is_none() && use_color(args.color);
        match write_report(out.format, path, (colour, !args.no_group), &scan, &summary) {
            Ok(true) => {}
            Ok(false) => report_failed = true,
            Err(code) => return code,
        }
    }
    let failing = args
        .fail_on
        .threshold()
        .is_some_and(|t| scan.open_findings().any(|f| f.severity >= t));
    // An internal error leaves the scan incomplete: never a pass, whatever --fail-on says.
    if failing || scan.internal_errors > 0 || report_failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The repository `--changed-only` scans: git's top level (as `.` when it is the current
/// directory), or the current directory outside git.
fn repository_root() -> PathBuf {
    let top = git(&["rev-parse", "--show-toplevel"])
        .ok()
        .map(|t| PathBuf::from(t.trim()));
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    match top {
        Some(t) if t.canonicalize().ok() != cwd => t,
        _ => PathBuf::from("."),
    }
}

/// Runs git for `--changed-only` and returns its output. Hooks, fsmonitor and external diff
/// drivers are off, so nothing from the repository is executed.
fn git(args: &[&str]) -> Result<String, String> {
    let out = std::process::Command::new("git")
        .args([
            "-c",
            "core.fsmonitor=false",
            "-c",
            "core.hooksPath=/dev/null",
            "-c",
            "diff.external=",
        ])
        .args(args)
        .output()
        .map_err(|e| format!("--changed-only needs git: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "--changed-only: git {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// The files `--changed-only` reports on: the file paths given, or else what git says changed
/// since `base` (its merge base with HEAD), committed or not.
fn changed_scope(paths: &[PathBuf], base: Option<&str>) -> Result<Vec<PathBuf>, String> {
    let files: Vec<PathBuf> = paths.iter().filter(|p| p.is_file()).cloned().collect();
    if !files.is_empty() {
        return Ok(files);
    }
    let top = git(&["rev-parse", "--show-toplevel"])?;
    let top = PathBuf::from(top.trim());
    let since = match base {
        Some(b) => git(&["merge-base", b, "HEAD"])?.trim().to_string(),
        None => "HEAD".to_string(),
    };
    let mut out: Vec<PathBuf> = git(&[
        "diff",
        "--name-only",
        "--no-ext-diff",
        "--no-textconv",
        &since,
        "--",
    ])?
    .lines()
    .map(|l| top.join(l))
    .collect();
    // New files not yet added are changes too.
    out.extend(
        git(&["ls-files", "--others", "--exclude-standard", "--full-name"])?
            .lines()
            .map(|l| top.join(l)),
    );
    Ok(out)
}

/// The catalogue a command shows: the built-in rules and the user policies of the
/// configuration (found from the current directory) and of `--policy`.
fn full_catalog(
    config: &ConfigArgs,
    policy: &PolicyArgs,
) -> Result<Vec<&'static rules::RuleMeta>, String> {
    let config = configuration(&[PathBuf::from(".")], config)?;
    policies(&config, policy)?.catalog()
}

fn list_rules(format: Format, config: &ConfigArgs, policy: &PolicyArgs) -> ExitCode {
    let catalog = match full_catalog(config, policy) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    let text = match format {
        Format::Human => {
            let mut s = format!("{:<12} {:<9} {:<8} TITLE\n", "ID", "LAYER", "SEVERITY");
            for r in &catalog {
                s.push_str(&format!(
                    "{:<12} {:<9} {:<8} {}\n",
                    r.id,
                    r.layer.as_str(),
                    r.severity.as_str(),
                    r.title
                ));
            }
            s
        }
        Format::Json => {
            let rules: Vec<_> = catalog
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "layer": r.layer.as_str(),
                        "severity": r.severity.as_str(),
                        "title": r.title,
                        "policy": r.policy.then_some(r.doc_path),
                        "parameters": r.parameters.iter().map(|p| serde_json::json!({
                            "name": p.name, "default": p.default, "description": p.description,
                        })).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&rules).unwrap_or_default();
            s.push('\n');
            s
        }
    };
    print(&text)
}

fn explain(id: &str, config: &ConfigArgs, policy: &PolicyArgs) -> ExitCode {
    let catalog = match full_catalog(config, policy) {
        Ok(c) => c,
        Err(e) => return fail(&e),
    };
    match catalog.iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        Some(r) => print(&rules::render_doc(r)),
        None => fail(&format!(
            "unknown rule `{id}`; `spoflint rules` lists the catalogue"
        )),
    }
}

/// Writes the default configuration.
fn init(path: &std::path::Path, force: bool) -> ExitCode {
    if path.exists() && !force {
        return fail(&format!(
            "{} exists; use --force to overwrite it",
            path.display()
        ));
    }
    let text = match spoflint::config::default_text() {
        Ok(t) => t,
        Err(e) => return fail(&e),
    };
    if let Err(e) = std::fs::write(path, text) {
        return fail(&format!("{}: {e}", path.display()));
    }
    eprintln!("spoflint: wrote {}", path.display());
    ExitCode::SUCCESS
}

/// Writes the baseline file.
fn write_baseline(args: &BaselineArgs) -> ExitCode {
    let scan = match scan_inputs(&args.inputs) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let text = scan.baseline();
    if let Err(e) = std::fs::write(&args.output, text) {
        return fail(&format!("{}: {e}", args.output.display()));
    }
    eprintln!(
        "spoflint: wrote {} finding(s) to {}",
        scan.open_findings().count(),
        args.output.display()
    );
    ExitCode::SUCCESS
}

/// Prints rendered manifests as `helm template` does; problems go to stderr (exit 1).
fn render_charts(args: &RenderArgs) -> ExitCode {
    let options = match scan_options(
        &args.paths,
        &args.config,
        &TerraformArgs::default(),
        &args.helm,
        &PolicyArgs::default(),
    ) {
        Ok(o) => o,
        Err(e) => return fail(&e),
    };
    let rendered = match spoflint::render(&args.paths, &options) {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let mut text = String::new();
    for (name, manifest) in &rendered.manifests {
        if manifest.trim().is_empty() {
            continue;
        }
        text.push_str(&format!(
            "---\n# Source: {name}\n{}\n",
            manifest.trim_matches('\n')
        ));
    }
    let printed = print(&text);
    for p in &rendered.problems {
        eprintln!("spoflint: {}", report::terminal_safe_line(p));
    }
    if printed != ExitCode::SUCCESS {
        return printed;
    }
    if rendered.problems.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}

fn list_resources(args: &ResourcesArgs) -> ExitCode {
    let scan = match scan_inputs(&args.inputs) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let sources = &scan.model.sources;
    // File, then line number (not the text `path:line`, which puts line 10 before line 4).
    let at = |source, span: spoflint::model::Span| {
        // An object a kustomization built is shown where its `kind:` is written.
        let label = spoflint::model::Label::new(source, span, "");
        let (source, span) = match scan.model.built.locate(&label) {
            Some((moved, _)) => (moved.source, moved.span),
            None => (source, span),
        };
        let file = sources.get(source);
        (file.path.clone(), file.line_col(span.start).line)
    };
    let mut rows: Vec<((String, usize), String, String)> = scan
        .model
        .entries()
        .map(|(_, e)| (at(e.source(), e.header()), e.display(), e.detail()))
        .collect();
    rows.sort();
    let mut text = String::new();
    for ((path, line), what, detail) in rows {
        let [path, what, detail] =
            [path, what, detail].map(|t| report::terminal_safe_line(&t).into_owned());
        text.push_str(&format!("{path}:{line}  {what}  {detail}\n"));
    }
    print(&text)
}

fn main() -> ExitCode {
    spoflint::guard::install_hook();
    let cli = Cli::parse();
    match &cli.command {
        Command::Check(args) => check(args),
        Command::Rules {
            format,
            config,
            policy,
        } => list_rules(*format, config, policy),
        Command::Explain { id, config, policy } => explain(id, config, policy),
        Command::Policy(command) => policy_command(command),
        Command::Resources(args) => list_resources(args),
        Command::Render(args) => render_charts(args),
        Command::Baseline(args) => write_baseline(args),
        Command::Init { path, force } => init(path, *force),
        Command::Simulate(args) => simulate(args),
        Command::Figures => figures(),
    }
}

/// Scans what `inputs` name (configuration, Terraform and Helm inputs, targets); `Err` is the
/// exit code of a usage error, already reported.
fn scan_inputs(inputs: &ScanInputs) -> Result<spoflint::Scan, ExitCode> {
    let options = inputs.options().map_err(|e| fail(&e))?;
    spoflint::scan_with(&inputs.paths, &options).map_err(|e| fail(&e))
}

fn simulate(args: &SimulateArgs) -> ExitCode {
    use spoflint::system::scenario::{self, Domain};
    let mut lost = Vec::new();
    for spec in &args.lose {
        match Domain::parse(spec) {
            Ok(d) => lost.push(d),
            Err(e) => return fail(&format!("--lose {e}")),
        }
    }
    let scan = match scan_inputs(&args.inputs) {
        Ok(s) => s,
        Err(code) => return code,
    };
    let sys = &scan.system;
    let known = scenario::domains(sys);
    if lost.is_empty() {
        let text = match args.format {
            Format::Json => {
                let specs: Vec<String> = known.iter().map(Domain::spec).collect();
                serde_json::to_string_pretty(&specs).unwrap_or_default() + "\n"
            }
            Format::Human => {
                let mut t =
                    String::from("Failure domains of the scanned system (use with --lose):\n");
                for d in &known {
                    t.push_str(&format!("  {}\n", report::terminal_safe_line(&d.spec())));
                }
                if known.is_empty() {
                    t.push_str("  none: the scan holds no serving, control or deploy path\n");
                }
                t
            }
        };
        return print(&text);
    }
    for d in &lost {
        let names_something = known.iter().any(|k| k.same(d))
            || matches!(d, Domain::Component(k) if sys.find(k).is_some())
            || matches!(d, Domain::AnyZone);
        if !names_something {
            eprintln!(
                "spoflint: {} is not a failure domain of the scanned system: losing it changes nothing here",
                report::terminal_safe_line(&d.spec())
            );
        }
    }
    let s = scenario::run(sys, &lost);
    let text = match args.format {
        Format::Json => report::system::simulation_json(sys, &s),
        Format::Human => report::system::simulation_text(sys, &s),
    };
    print(&text)
}

fn figures() -> ExitCode {
    let f = spoflint::system::figures::shipped();
    let mut t = String::from("Availability (monthly uptime of one copy), percent\n");
    for (k, fig) in &f.availability {
        t.push_str(&format!(
            "  {k:<28} {:>8}  {}\n      source: {}\n",
            fig.value, fig.what, fig.source
        ));
    }
    t.push_str("\nTimes (seconds, or counts where said)\n");
    for (k, fig) in &f.seconds {
        t.push_str(&format!(
            "  {k:<28} {:>8}  {}\n      source: {}\n",
            fig.value, fig.what, fig.source
        ));
    }
    t.push_str("\nOverride any of them in .spoflint.yaml: system.figures (availability), system.seconds (times), system.response_time.\n");
    print(&t)
}

fn policy_command(command: &PolicyCommand) -> ExitCode {
    use spoflint::policy;
    match command {
        PolicyCommand::Test { paths, verbose } => {
            let policies = match policy::load(paths, true) {
                Ok(p) => p,
                Err(e) => return fail(&e),
            };
            let mut out = String::new();
            for p in &policies.problems {
                out.push_str(&format!(
                    "{}:{}:{}: {}\n",
                    policies.files[p.file].path, p.line, p.col, p.message
                ));
            }
            let results = policy::test::run(&policies);
            out.push_str(&policy::test::report(&results, *verbose));
            let code = print(&report::terminal_safe(&out));
            let failed = !policies.problems.is_empty()
                || results
                    .iter()
                    .any(|r| r.outcome != policy::test::Outcome::Pass);
            if failed { ExitCode::from(1) } else { code }
        }
        PolicyCommand::Schema => print(&policy::input::schema_markdown()),
        PolicyCommand::Input { data, inputs } => {
            let scan = match scan_inputs(inputs) {
                Ok(s) => s,
                Err(code) => return code,
            };
            let index = policy::input::Index::new(&scan.model, &scan.facts);
            let mut out = String::new();
            if *data {
                out = serde_json::to_string_pretty(&index.model_data()).unwrap_or_default();
                out.push('\n');
            } else {
                for (id, _) in scan.model.entries() {
                    out.push_str(&serde_json::to_string(&index.input_of(id)).unwrap_or_default());
                    out.push('\n');
                }
            }
            print(&out)
        }
    }
}
