//! Entry points for the `cargo fuzz` targets in `fuzz/` and for the regression tests of what
//! they found. Each takes arbitrary bytes and drives one part of the pipeline without the
//! per-unit panic guards a scan has, so that a fuzzer sees every panic.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::facts::Facts;
use crate::ingest::helm::{exec, template, value};
use crate::ingest::{pipeline as ci, terraform, yaml};
use crate::model::{Model, SourceFile, SourceId};

fn text(data: &[u8]) -> String {
    String::from_utf8_lossy(data).into_owned()
}

/// Parses `data` as YAML (both schemas) and reads the Kubernetes objects in it.
pub fn yaml(data: &[u8]) {
    let file = SourceFile::new("fuzz.yaml".into(), Arc::from(text(data)));
    let parsed = yaml::parse(&file);
    let resources = crate::ingest::kubernetes::resources(&parsed.documents, SourceId(0));
    for r in &resources {
        let _ = r.display();
    }
    let _ = yaml::parse_yaml11(&file);
}

/// Parses the bytes before the first NUL as a Go template and runs it with the YAML after
/// it (Helm's YAML 1.1 reading) as `.Values`.
pub fn go_template(data: &[u8]) {
    let (tpl, values) = match data.iter().position(|&b| b == 0) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (data, &b""[..]),
    };
    let Ok(parsed) = template::parse(&text(tpl)) else {
        return;
    };
    let _cycles = value::CycleBreaker::new();
    let values_file = SourceFile::new("values.yaml".into(), Arc::from(text(values)));
    let values = yaml::parse_yaml11(&values_file)
        .documents
        .first()
        .map(|d| value::Value::from_yaml(d.tree.val(d.root), Some(SourceId(1)), ""))
        .filter(|v| v.as_map().is_some())
        .unwrap_or_else(value::Value::new_map);
    let mut defines = std::collections::HashMap::new();
    for (name, body) in &parsed.defines {
        defines.insert(
            name.clone(),
            exec::Define {
                body: std::rc::Rc::new(body.clone()),
                file: 0,
            },
        );
    }
    let parse = |src: &str| template::parse(src).map_err(|e| e.message);
    let env = exec::Env {
        defines: &defines,
        parse: &parse,
        chart_steps: Default::default(),
        chart_bytes: Default::default(),
        chart_segs: Default::default(),
        chart_cells: Default::default(),
    };
    let data = value::Value::new_map();
    let _ = data.map_set("Values", values);
    let mut run = exec::Exec::new(&env, 0);
    if let Ok(out) = run.run(&parsed.body, data) {
        // Rendered output is parsed as manifests next.
        let file = SourceFile::new("rendered.yaml".into(), Arc::from(out));
        let _ = yaml::parse(&file);
    }
}

/// Parses `data` as one `.tf` file, evaluates it as a root module, derives facts and runs
/// every rule on what it declares.
pub fn hcl(data: &[u8]) {
    let file = SourceFile::new("main.tf".into(), Arc::from(text(data)));
    let Ok(body) = terraform::parse(&file) else {
        return;
    };
    let mut collected = terraform::Collected::default();
    collected.add_tf(Path::new("fuzz/main.tf"), SourceId(0), body);
    let mut model = Model::default();
    model.sources.add(file);
    let mut issues = Vec::new();
    collected.evaluate(
        &terraform::Inputs::default(),
        &mut model.entries,
        &mut issues,
    );
    let facts = Facts::derive(&model);
    let system = crate::system::build::build(&model, &facts, &Default::default(), true);
    let _ = crate::rules::run(&model, &facts, &system, &issues, &Default::default(), false);
}

/// Reads `data` as Terraform plan JSON and runs every rule on its resources.
pub fn plan(data: &[u8]) {
    let file = SourceFile::new("plan.json".into(), Arc::from(text(data)));
    let parsed = yaml::parse(&file);
    let mut model = Model::default();
    let source = model.sources.add(file);
    for doc in &parsed.documents {
        let base = model.len() as u32;
        let found = terraform::plan::resources(doc.tree.val(doc.root), source, "plan.json", base);
        model.entries.extend(
            found
                .into_iter()
                .map(|r| crate::model::Entry::Terraform(Box::new(r))),
        );
    }
    let facts = Facts::derive(&model);
    let system = crate::system::build::build(&model, &facts, &Default::default(), true);
    let _ = crate::rules::run(&model, &facts, &system, &[], &Default::default(), false);
}

/// The kind of file [`reports`] writes its input to, chosen by the first byte.
const REPORT_FILES: &[&str] = &[
    "deploy.yaml",
    "main.tf",
    "chart/templates/t.yaml",
    "plan.json",
];

/// Writes the bytes after the first to a file (a manifest, a `.tf` file, a chart template or a
/// plan, by the first byte), scans it and renders the findings in every report format.
pub fn reports(data: &[u8]) {
    let Some((&which, rest)) = data.split_first() else {
        return;
    };
    let dir = scratch_dir();
    let _ = std::fs::remove_dir_all(&dir);
    let name = REPORT_FILES[which as usize % REPORT_FILES.len()];
    let path = dir.join(name);
    let _ = std::fs::create_dir_all(path.parent().unwrap_or(&dir));
    if name.starts_with("chart/") {
        let _ = std::fs::write(
            dir.join("chart/Chart.yaml"),
            "apiVersion: v2\nname: chart\nversion: 1.0.0\n",
        );
        let _ = std::fs::write(dir.join("chart/values.yaml"), "replicaCount: 1\n");
    }
    if std::fs::write(&path, rest).is_err() {
        return;
    }
    let Ok(scan) = crate::scan(&[dir]) else {
        return;
    };
    let summary = crate::report::Summary::of(&scan);
    let _ = crate::report::human::render(&scan, &summary, false);
    let _ = crate::report::human::render(&scan, &summary, true);
    let _ = crate::report::json::render(&scan, &summary);
    let _ = crate::report::sarif::render(&scan, &summary);
    let _ = crate::report::junit::render(&scan, &summary);
    let _ = crate::report::github::render(&scan, &summary);
    let _ = crate::report::markdown::render(&scan, &summary);
    let _ = scan.baseline();
}

/// A directory of this process's own for [`reports`].
fn scratch_dir() -> PathBuf {
    std::env::temp_dir().join(format!("spoflint-fuzz-{}", std::process::id()))
}

/// Parses `data` as one Helm `--set` argument (typed) and as a `--set-string` one.
pub fn helm_set(data: &[u8]) {
    let s = text(data);
    let _ = crate::ingest::helm::strvals::parse(&s, None);
    let _ = crate::ingest::helm::strvals::parse_string(&s, None);
}

/// Reads the bytes before the first NUL as a GitHub Actions workflow, with those after it as
/// a second workflow of the repository (`uses: ./.github/workflows/called.yml`); then,
/// separately, as a `.gitlab-ci.yml` with the rest as `ci/include.yml` (a local include,
/// `extends` and `!reference` target, or child pipeline). Each time, facts are derived and
/// every rule is run on the jobs read. Nothing is written to disk.
pub fn pipeline(data: &[u8]) {
    let (first, second) = match data.iter().position(|&b| b == 0) {
        Some(i) => (text(&data[..i]), text(&data[i + 1..])),
        None => (text(data), String::new()),
    };
    for (main, other) in [
        (
            "repo/.github/workflows/x.yml",
            "repo/.github/workflows/called.yml",
        ),
        ("repo/.gitlab-ci.yml", "repo/ci/include.yml"),
    ] {
        let mut model = Model::default();
        let issues = ci::read_texts(&mut model, &[(main, &first), (other, &second)]);
        let facts = Facts::derive(&model);
        let system = crate::system::build::build(&model, &facts, &Default::default(), true);
        let _ = crate::rules::run(&model, &facts, &system, &issues, &Default::default(), false);
    }
}

/// Reads the bytes as up to four files split at NUL bytes: an overlay's `kustomization.yaml`,
/// a base's `kustomization.yaml`, a resource file and a patch file of the overlay
/// (`fuzz/app/{kustomization,deployment,patch}.yaml`, `fuzz/base/kustomization.yaml`), builds
/// every root as a scan would and writes its output. Files the kustomizations name beyond
/// these are missing (nothing is read from disk: the scan root does not exist).
pub fn kustomize(data: &[u8]) {
    use crate::ingest::kustomize;
    use std::collections::HashSet;
    let parts: Vec<String> = data.splitn(4, |&b| b == 0).map(text).collect();
    let names = [
        "fuzz/app/kustomization.yaml",
        "fuzz/base/kustomization.yaml",
        "fuzz/app/deployment.yaml",
        "fuzz/app/patch.yaml",
    ];
    let mut model = Model::default();
    let mut yaml: crate::model::FastMap<PathBuf, (SourceId, Vec<yaml::Document>)> =
        Default::default();
    for (name, part) in names.iter().zip(&parts) {
        let file = SourceFile::new(name.to_string(), Arc::from(part.as_str()));
        let parsed = yaml::parse(&file);
        let id = model.sources.add(file);
        yaml.insert(PathBuf::from(name), (id, parsed.documents));
    }
    let dirs: HashSet<PathBuf> = ["fuzz", "fuzz/app", "fuzz/base"]
        .into_iter()
        .map(PathBuf::from)
        .collect();
    let roots = [PathBuf::from("fuzz-root-that-does-not-exist")];
    let charts = HashSet::new();
    let files = kustomize::Files {
        yaml: &yaml,
        dirs: &dirs,
        roots: &roots,
        chart_dirs: &charts,
    };
    let plan = kustomize::plan(&files, &Default::default());
    // Without the scan's guard: a panic is the fuzzer's to see.
    for root in &plan.roots {
        let mut out = kustomize::build_root(root, &files);
        out.relocate(model.sources.len() as u32);
    }
}
