//! Helm rendering semantics: Go template behaviour, values coalescing, dependencies,
//! `.Files`, bounds, and findings mapped back to templates and values files.

use std::path::{Path, PathBuf};

use spoflint::ScanOptions;

mod common;
use spoflint::ingest::helm::{HelmOptions, SetArg};

/// Writes `files` (path, content) under a fresh temporary directory.
fn chart(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), files);
    dir
}

const CHART: (&str, &str) = ("Chart.yaml", "apiVersion: v2\nname: app\nversion: 1.0.0\n");

fn render_with(dir: &Path, helm: HelmOptions) -> (String, Vec<String>) {
    let options = ScanOptions {
        helm,
        ..ScanOptions::default()
    };
    let r = spoflint::render(&[dir.to_path_buf()], &options).unwrap();
    // These tests look at template semantics, not at whether the output is a manifest.
    let problems = r
        .problems
        .into_iter()
        .filter(|p| !p.contains("renders invalid YAML"))
        .collect();
    let text = r
        .manifests
        .iter()
        .map(|(name, text)| format!("# {name}\n{text}"))
        .collect::<Vec<_>>()
        .join("");
    (text, problems)
}

fn render(dir: &Path) -> (String, Vec<String>) {
    render_with(dir, HelmOptions::default())
}

/// The single template `templates/t.yaml` rendered with `values`.
fn one(template: &str, values: &str) -> String {
    let dir = chart(&[
        CHART,
        ("values.yaml", values),
        ("templates/t.yaml", template),
    ]);
    let (text, problems) = render(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    text.trim_start_matches("# app/templates/t.yaml\n")
        .to_string()
}

#[test]
fn go_template_semantics() {
    // Trimming, variables and their scope, range over sorted map keys, break/continue,
    // else-if chains, and/or short-circuit.
    let t = r#"{{- $x := "outer" -}}
{{- range $k, $v := .Values.m }}{{ if eq $k "skip" }}{{ continue }}{{ end }}{{ $k }}={{ $v }};{{ if eq $k "c" }}{{ break }}{{ end }}{{ end }}
{{ if false }}a{{ else if .Values.enabled }}b{{ else }}c{{ end }}
{{ with .Values.nested }}{{ $x := "inner" }}{{ .x }}-{{ $x }}{{ end }}-{{ $x }}
{{ or .Values.missing "fallback" }} {{ and 1 0 }} {{ len .Values.list }} {{ index .Values.list 1 }}
{{ .Values.big }} {{ .Values.small }} {{ 3 }}{{/* a comment */}}"#;
    let values = "m: {b: 2, a: 1, skip: 0, c: 3, d: 4}\nenabled: true\nnested: {x: 7}\nlist: [p, q]\nbig: 1000000\nsmall: 2\n";
    assert_eq!(
        one(t, values),
        "a=1;b=2;c=3;\nb\n7-inner-outer\nfallback 0 2 q\n1e+06 2 3"
    );
}

#[test]
fn include_define_tpl_and_helpers() {
    let dir = chart(&[
        CHART,
        (
            "values.yaml",
            "labels: {team: core}\ngreeting: 'hello {{ .Release.Name }}'\n",
        ),
        (
            "templates/_helpers.tpl",
            "{{- define \"app.labels\" -}}\napp: {{ .Chart.Name }}\n{{- range $k, $v := .Values.labels }}\n{{ $k }}: {{ $v }}\n{{- end }}\n{{- end -}}\n",
        ),
        (
            "templates/cm.yaml",
            "kind: ConfigMap\nmetadata:\n  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\ndata:\n  greeting: {{ tpl .Values.greeting . | quote }}\n  ns: {{ .Release.Namespace }}\n",
        ),
    ]);
    let (text, problems) = render(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        text,
        "# app/templates/cm.yaml\nkind: ConfigMap\nmetadata:\n  labels:\n    app: app\n    team: core\ndata:\n  greeting: \"hello release-name\"\n  ns: default\n"
    );
}

#[test]
fn errors_name_the_chart_template_and_line() {
    let dir = chart(&[
        CHART,
        ("values.yaml", "db: {}\n"),
        (
            "templates/a.yaml",
            "kind: ConfigMap\ndata:\n  host: {{ required \"db.host is required\" .Values.db.host }}\n",
        ),
        ("templates/b.yaml", "kind: ConfigMap\nmetadata: {name: b}\n"),
        ("templates/c.yaml", "x: {{ .Values.db.host.port }}\n"),
        ("templates/d.yaml", "{{ if .Values.x }}never closed\n"),
    ]);
    let (text, problems) = render(dir.path());
    // The good template still renders.
    assert!(text.contains("metadata: {name: b}"), "{text}");
    let joined = problems.join("\n");
    assert!(
        joined.contains("templates/a.yaml:3:") && joined.contains("db.host is required"),
        "{joined}"
    );
    assert!(
        joined.contains("templates/c.yaml:1:") && joined.contains("nil pointer evaluating"),
        "{joined}"
    );
    assert!(
        joined.contains("templates/d.yaml:1:1: invalid Go template: {{if}} without {{end}}"),
        "{joined}"
    );
}

#[test]
fn values_coalesce_like_helm() {
    // Chart defaults < user file < later user file < --set < --set-string; null deletes;
    // maps merge deeply.
    let dir = chart(&[
        CHART,
        (
            "values.yaml",
            "a: {p: 1, q: 2, r: 3}\nb: default\nc: keep\n",
        ),
        (
            "templates/t.yaml",
            "{{ toJson .Values.a }} {{ .Values.b }} {{ .Values.c }} {{ add .Values.n 1 }} {{ .Values.s }}",
        ),
    ]);
    let user = chart(&[
        ("one.yaml", "a: {p: 10, r: null}\nb: one\n"),
        ("two.yaml", "b: two\n"),
    ]);
    let helm = HelmOptions {
        values_files: vec![user.path().join("one.yaml"), user.path().join("two.yaml")],
        set: vec![
            SetArg {
                assignment: "a.q=20,n=5".into(),
                string: false,
            },
            SetArg {
                assignment: "s=007".into(),
                string: true,
            },
        ],
        ..HelmOptions::default()
    };
    let (text, problems) = render_with(dir.path(), helm);
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        text.ends_with(r#"{"p":10,"q":20} two keep 6 007"#),
        "{text}"
    );
}

/// A parent with a directory subchart (tags) and an archived one (condition), globals and
/// subchart value overrides.
fn parent_with_subcharts(extra_values: &str) -> tempfile::TempDir {
    let dir = chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n- name: cache\n  version: 0.1.0\n  condition: cache.enabled\n- name: metrics\n  version: 0.1.0\n  tags: [monitoring]\n",
        ),
        (
            "values.yaml",
            &format!(
                "global: {{zone: z1}}\ncache: {{replicas: 1}}\ntags: {{monitoring: false}}\n{extra_values}"
            ),
        ),
        (
            "templates/p.yaml",
            "parent-sees: {{ .Values.cache.replicas }}\n",
        ),
        (
            "charts/metrics/Chart.yaml",
            "apiVersion: v2\nname: metrics\nversion: 0.1.0\n",
        ),
        ("charts/metrics/templates/m.yaml", "metrics: on\n"),
    ]);
    // The cache subchart, packaged as `helm package` does.
    let tgz = dir.path().join("charts/cache-0.1.0.tgz");
    let file = std::fs::File::create(&tgz).unwrap();
    let gz = flate2::write::GzEncoder::new(file, flate2::Compression::default());
    let mut tar = tar::Builder::new(gz);
    for (name, content) in [
        (
            "cache/Chart.yaml",
            "apiVersion: v2\nname: cache\nversion: 0.1.0\n",
        ),
        (
            "cache/values.yaml",
            "replicas: 3\nenabled: true\nglobal: {zone: own, extra: e}\n",
        ),
        (
            "cache/templates/s.yaml",
            "replicas: {{ .Values.replicas }} zone: {{ .Values.global.zone }} extra: {{ .Values.global.extra }} name: {{ .Chart.Name }} tpl: {{ .Template.Name }}\n",
        ),
    ] {
        let mut header = tar::Header::new_gnu();
        header.set_size(content.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        tar.append_data(&mut header, name, content.as_bytes())
            .unwrap();
    }
    tar.into_inner().unwrap().finish().unwrap();
    dir
}

#[test]
fn subcharts_conditions_tags_and_globals() {
    let dir = parent_with_subcharts("");
    let (text, problems) = render(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        text.contains(
            "replicas: 1 zone: z1 extra: e name: cache tpl: parent/charts/cache/templates/s.yaml"
        ),
        "{text}"
    );
    assert!(text.contains("parent-sees: 1"), "{text}");
    assert!(
        !text.contains("metrics: on"),
        "tag monitoring=false disables: {text}"
    );

    let dir = parent_with_subcharts("");
    let helm = HelmOptions {
        set: vec![SetArg {
            assignment: "cache.enabled=false,tags.monitoring=true".into(),
            string: false,
        }],
        ..HelmOptions::default()
    };
    let (text, _) = render_with(dir.path(), helm);
    assert!(!text.contains("replicas: 1 zone"), "{text}");
    assert!(text.contains("metrics: on"), "{text}");
}

#[test]
fn files_never_leave_the_chart() {
    let dir = chart(&[
        CHART,
        ("config/app.properties", "a=1\n"),
        ("config/other.txt", "b\n"),
        (
            "templates/t.yaml",
            "{{ .Files.Get \"config/app.properties\" | trim }}|{{ .Files.Get \"../../../../etc/passwd\" }}|{{ .Files.Get \"/etc/passwd\" }}|{{ (.Files.Glob \"config/*.properties\").AsConfig | trim }}|{{ .Capabilities.APIVersions.Has \"policy/v1\" }}|{{ .Capabilities.APIVersions.Has \"monitoring.coreos.com/v1\" }}|{{ semverCompare \">=1.21-0\" .Capabilities.KubeVersion.GitVersion }}",
        ),
    ]);
    let (text, problems) = render(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        text.ends_with("a=1|||app.properties: |\n  a=1|true|false|true"),
        "{text}"
    );
}

#[test]
fn runaway_templates_are_bounded() {
    let dir = chart(&[
        CHART,
        (
            "templates/_loop.tpl",
            "{{- define \"loop\" -}}x{{ include \"loop\" . }}{{- end -}}",
        ),
        ("templates/a.yaml", "{{ include \"loop\" . }}"),
        (
            "templates/b.yaml",
            "{{ range until 100000 }}{{ range until 100000 }}x{{ end }}{{ end }}",
        ),
        ("templates/ok.yaml", "kind: ConfigMap\n"),
    ]);
    let (text, problems) = render(dir.path());
    let joined = problems.join("\n");
    assert!(joined.contains("nest deeper than"), "{joined}");
    assert!(!joined.contains("the chart's templates"), "{joined}");
    assert!(
        joined.contains("steps") || joined.contains("bytes") || joined.contains("pieces"),
        "{joined}"
    );
    assert!(text.contains("kind: ConfigMap"));

    // Each template stays under its own bound; together they pass the chart's.
    let big = "# {{ repeat 10000000 \"x\" }}{{ repeat 5000000 \"y\" }}\n";
    let mut files = vec![CHART];
    let names: Vec<String> = (0..6).map(|i| format!("templates/big{i}.yaml")).collect();
    files.extend(names.iter().map(|n| (n.as_str(), big)));
    let dir = chart(&files);
    let (_, problems) = render(dir.path());
    assert_eq!(problems.len(), 2, "{problems:?}");
    assert!(
        problems
            .iter()
            .all(|p| p.contains("the chart's templates output more than")),
        "{problems:?}"
    );
}

#[test]
fn output_pieces_and_rendered_nodes_are_bounded() {
    // A loop printing one piece per iteration stops at the template's bound of pieces, and the
    // chart's other templates are still rendered.
    let dir = chart(&[
        CHART,
        (
            "templates/pieces.yaml",
            "{{ range until 500000 }}{{ . }},{{ end }}",
        ),
        ("templates/ok.yaml", "kind: ConfigMap\n"),
    ]);
    let (text, problems) = render(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("the template prints more than 250000 pieces of output")),
        "{problems:?}"
    );
    assert!(text.contains("kind: ConfigMap"));

    // A function call pays for the size of its arguments: hashing a 1 MB string in a loop of
    // 99,999 stops at the template's steps instead of running for minutes.
    let dir = chart(&[
        CHART,
        (
            "templates/hash.yaml",
            "{{ $s := repeat 1000000 \"a\" }}{{ range until 99999 }}{{ len $s }}{{ end }}",
        ),
    ]);
    let (_, problems) = render(dir.path());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("template execution exceeded 5000000 steps")),
        "{problems:?}"
    );

    // Dicts built in a loop, each `set` into itself (a cycle only the chart's end frees):
    // bounded by what the template's function calls may build.
    let dir = chart(&[
        CHART,
        (
            "templates/cycles.yaml",
            "{{ range until 200000 }}{{ $d := dict }}{{ $_ := set $d \"self\" $d }}{{ end }}",
        ),
    ]);
    let (_, problems) = render(dir.path());
    assert!(
        problems.iter().any(|p| p.contains(
            "the template's function calls build more than 1000000 list items, dict entries and string cells"
        )),
        "{problems:?}"
    );

    // Three documents of 900,000 nodes each: the chart's bound of 2,000,000 YAML nodes stops
    // the third, and says so once.
    let dir = chart(&[
        CHART,
        (
            "templates/nodes.yaml",
            "{{ range until 3 }}---\n- [{{ repeat 900000 \"0,\" }}0]\n{{ end }}",
        ),
    ]);
    let scan = scan_chart(dir.path(), HelmOptions::default());
    let input: Vec<&str> = scan
        .findings
        .iter()
        .filter(|f| f.rule == "INPUT003")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(input.len(), 1, "{input:?}");
    assert!(
        input[0].contains("renders more than 2000000 YAML nodes"),
        "{input:?}"
    );
}

#[test]
fn charts_stop_rendering_once_the_scan_budget_is_spent() {
    let dir = chart(&[CHART, ("templates/ok.yaml", "kind: ConfigMap\n")]);
    let scan = spoflint::ingest::helm::exec::ScanBudget::default();
    let user = spoflint::ingest::helm::UserValues::default();
    let fresh =
        spoflint::ingest::helm::render_chart(dir.path(), &user, &HelmOptions::default(), &scan);
    assert!(fresh.issues.is_empty());
    scan.spend(spoflint::ingest::helm::exec::MAX_SCAN_STEPS + 1, 0);
    let out =
        spoflint::ingest::helm::render_chart(dir.path(), &user, &HelmOptions::default(), &scan);
    assert!(out.resources.is_empty());
    assert_eq!(out.issues.len(), 1);
    assert!(
        out.issues[0].3.contains(
            "was not rendered: the charts of this scan together took more than 200000000 execution steps"
        ),
        "{:?}",
        out.issues[0]
    );
}

/// The messages of the INPUT findings of a scan.
fn input_messages(scan: &spoflint::Scan) -> Vec<String> {
    scan.findings
        .iter()
        .filter(|f| f.rule.starts_with("INPUT"))
        .map(|f| {
            format!(
                "{} {}: {}",
                f.rule,
                scan.model.sources.get(f.primary.source).path,
                f.message
            )
        })
        .collect()
}

#[test]
fn chart_files_that_are_not_read_are_reported_with_what_they_cost() {
    let big = format!("# {}\n", "x".repeat(5 << 20));
    let deployment = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec: {replicas: {{ .Values.replicas }}}\n";
    // A template too large to read: reported, and the chart's other templates are rendered.
    let dir = chart(&[
        CHART,
        ("values.yaml", "replicas: 1\n"),
        ("templates/big.yaml", &big),
        ("templates/web.yaml", deployment),
        ("templates/latin1.yaml", "# caf\u{e9}\n"),
        ("charts/notachart/README.md", "no Chart.yaml here\n"),
    ]);
    std::fs::write(dir.path().join("templates/latin1.yaml"), b"# caf\xe9\n").unwrap();
    let scan = scan_chart(dir.path(), HelmOptions::default());
    let input = input_messages(&scan);
    for text in [
        "`templates/big.yaml` of chart",
        "larger than the 4 MiB a chart file may be",
        "`templates/latin1.yaml` of chart",
        "not valid UTF-8; that template is not rendered",
        "`charts/notachart` of chart `app` has no Chart.yaml",
    ] {
        assert!(input.iter().any(|m| m.contains(text)), "{text}: {input:?}");
    }
    assert!(scan.findings.iter().any(|f| f.rule == "COMPUTE001"));

    // A values file too large to read: the chart is not rendered (every value would be
    // wrong), so no "1 replica" finding comes from its missing defaults.
    let dir = chart(&[
        CHART,
        ("values.yaml", &format!("replicas: 3\n{big}")),
        ("templates/web.yaml", deployment),
    ]);
    let scan = scan_chart(dir.path(), HelmOptions::default());
    let input = input_messages(&scan);
    assert!(
        input.iter().any(
            |m| m.contains("`values.yaml` of chart") && m.contains("the chart is not rendered")
        ),
        "{input:?}"
    );
    assert!(!scan.findings.iter().any(|f| f.rule == "COMPUTE001"));
    assert!(scan.model.iter().next().is_none());

    // Subcharts nested deeper than the bound: reported at the chart that holds them.
    let mut files: Vec<(String, String)> = vec![(CHART.0.to_string(), CHART.1.to_string())];
    let mut at = String::new();
    for depth in 0..12 {
        at.push_str(&format!("charts/c{depth}/"));
        files.push((
            format!("{at}Chart.yaml"),
            format!("apiVersion: v2\nname: c{depth}\nversion: 1.0.0\n"),
        ));
    }
    let refs: Vec<(&str, &str)> = files
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let dir = chart(&refs);
    let scan = scan_chart(dir.path(), HelmOptions::default());
    let input = input_messages(&scan);
    assert!(
        input.iter().any(|m| m
            .contains("subcharts nested deeper than 10 levels; they are not rendered: charts/c10")),
        "{input:?}"
    );
}

fn scan_chart(dir: &Path, helm: HelmOptions) -> spoflint::Scan {
    let options = ScanOptions {
        helm,
        ..ScanOptions::default()
    };
    spoflint::scan_with(&[PathBuf::from(dir)], &options).unwrap()
}

const DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: {{ .Release.Name }}-web
  labels:
    {{- include \"labels\" . | nindent 4 }}
spec:
  replicas: {{ .Values.replicaCount }}
  selector:
    matchLabels:
      {{- include \"labels\" . | nindent 6 }}
  template:
    metadata:
      labels:
        {{- include \"labels\" . | nindent 8 }}
    spec:
      containers:
        - name: web
          image: nginx
";

#[test]
fn findings_point_at_the_template_and_the_value_that_set_it() {
    let dir = chart(&[
        CHART,
        ("values.yaml", "# defaults\nreplicaCount: 1\n"),
        (
            "templates/_helpers.tpl",
            "{{- define \"labels\" -}}\napp: web\n{{- end }}",
        ),
        ("templates/deployment.yaml", DEPLOYMENT),
    ]);
    let scan = scan_chart(dir.path(), HelmOptions::default());
    let f = scan
        .findings
        .iter()
        .find(|f| f.rule == "COMPUTE001")
        .expect("COMPUTE001");
    let sources = &scan.model.sources;
    let primary = sources.get(f.primary.source);
    assert!(primary.path.ends_with("templates/deployment.yaml"));
    assert_eq!(
        &primary.text[f.primary.span.start..f.primary.span.end],
        "replicas: {{ .Values.replicaCount }}"
    );
    let value = f
        .secondary
        .iter()
        .find(|l| sources.get(l.source).path.ends_with("values.yaml"))
        .expect("a label on values.yaml");
    assert_eq!(
        &sources.get(value.source).text[value.span.start..value.span.end],
        "replicaCount: 1"
    );
    assert!(
        f.help.starts_with("set `replicaCount` >= 2 in "),
        "{}",
        f.help
    );

    // --set wins, and is what the trace then names.
    let helm = HelmOptions {
        set: vec![SetArg {
            assignment: "replicaCount=2".into(),
            string: false,
        }],
        ..HelmOptions::default()
    };
    let scan = scan_chart(dir.path(), helm);
    assert!(!scan.findings.iter().any(|f| f.rule == "COMPUTE001"));
    let f = scan
        .findings
        .iter()
        .find(|f| f.rule == "COMPUTE002")
        .expect("COMPUTE002 for 2 replicas");
    assert!(f.help.contains("on the command line"), "{}", f.help);
}

/// The rendered manifests of every fixture chart, so rendering regressions show in review.
#[test]
fn rendered_fixture_charts() {
    let mut cases: Vec<PathBuf> = std::fs::read_dir("fixtures/helm")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    cases.sort();
    assert!(cases.len() >= 7, "fixture charts went missing: {cases:?}");
    for case in cases {
        let (text, problems) = render(&case);
        assert!(problems.is_empty(), "{}: {problems:?}", case.display());
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        insta::assert_snapshot!(format!("rendered__{name}"), text);
    }
}

/// Cases where real charts showed a difference from Helm (each checked against Helm's engine).
#[test]
fn helm_compatibility_details() {
    let t = r#"has: {{ $.Capabilities.APIVersions.Has "apps/v1" }}
get: {{ $f := .Files }}{{ $f.Get "files/a.txt" | trim }}
emptyGlob: {{ if .Files.Glob "nothing/*" }}yes{{ else }}no{{ end }} {{ (.Files.Glob "nothing/*").AsConfig }}
keys: {{ keys .Values.tcp | sortAlpha | toJson }}
dup: {{ .Values.dup }}
bools: {{ toJson .Values.flags }}
"#;
    let values = "tcp:\n  9000: a\n  1.5: b\n  true: c\ndup: 1\ndup: 2\nflags: {a: yes, b: off, c: \"no\"}\n";
    let dir = chart(&[
        CHART,
        ("values.yaml", values),
        ("files/a.txt", "hello\n"),
        ("templates/t.yaml", t),
    ]);
    let (text, problems) = render(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert_eq!(
        text,
        "# app/templates/t.yaml\nhas: true\nget: hello\nemptyGlob: no {}\nkeys: [\"1.5\",\"9000\",\"true\"]\ndup: 2\nbools: {\"a\":true,\"b\":false,\"c\":\"no\"}\n"
    );
}

#[test]
fn aliases_and_subcharts_scope() {
    let dir = chart(&[
        (
            "Chart.yaml",
            "apiVersion: v2\nname: parent\nversion: 1.0.0\ndependencies:\n- name: sub\n  version: 0.1.0\n  alias: first\n- name: sub\n  version: 0.1.0\n  alias: second\n",
        ),
        ("values.yaml", "second: {x: two}\n"),
        (
            "templates/p.yaml",
            "subcharts: {{ keys .Subcharts | sortAlpha | join \",\" }} {{ (index .Subcharts \"second\").Values.x }} {{ (index .Subcharts \"first\").Chart.Name }}\n",
        ),
        (
            "charts/sub/Chart.yaml",
            "apiVersion: v2\nname: sub\nversion: 0.1.0\n",
        ),
        ("charts/sub/values.yaml", "x: default\n"),
        (
            "charts/sub/templates/s.yaml",
            "{{ .Chart.Name }}: {{ .Values.x }} {{ .Template.Name }}\n",
        ),
    ]);
    let (text, problems) = render(dir.path());
    assert!(problems.is_empty(), "{problems:?}");
    assert!(
        text.contains("first: default parent/charts/first/templates/s.yaml"),
        "{text}"
    );
    assert!(
        text.contains("second: two parent/charts/second/templates/s.yaml"),
        "{text}"
    );
    assert!(text.contains("subcharts: first,second two first"), "{text}");
}
