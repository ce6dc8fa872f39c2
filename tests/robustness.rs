//! Mutated and truncated copies of every fixture are scanned and rendered: whatever the bytes,
//! the scan must neither panic nor skip a file, and every span must stay inside its file.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use spoflint::report::{self, Summary};

fn yaml_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            yaml_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
            out.push(path);
        }
    }
}

/// Every finding's spans (main and related) lie inside their file, on character boundaries.
fn assert_spans_valid(scan: &spoflint::Scan) {
    for f in &scan.findings {
        for l in std::iter::once(&f.primary).chain(&f.secondary) {
            let text = &scan.model.sources.get(l.source).text;
            assert!(
                l.span.start <= l.span.end && l.span.end <= text.len(),
                "{f:?}"
            );
            assert!(text.is_char_boundary(l.span.start) && text.is_char_boundary(l.span.end));
        }
    }
}

/// A small deterministic generator (no dependency needed for a fixed mutation schedule).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> usize {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (self.0 >> 33) as usize
    }
}

const SPLICES: &[&[u8]] = &[
    b":",
    b"- ",
    b"[",
    b"]",
    b"{",
    b"}",
    b"&a ",
    b"*a",
    b"<<: *a\n",
    b"\"",
    b"'",
    b"\n",
    b"\t",
    b"  ",
    b"\xc3\xa9",
    b"\xff",
    b"\x00",
    b"---\n",
    b"? ",
    b"!!int ",
    b"|\n",
    b"#",
];

#[test]
fn mutated_fixtures_never_panic() {
    let mut files = Vec::new();
    yaml_files(Path::new("fixtures/k8s"), &mut files);
    files.sort();
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Lcg(0x5eed);
    let mut written = 0;
    for (i, file) in files.iter().enumerate() {
        let bytes = std::fs::read(file).unwrap();
        for cut in 1..4 {
            let at = bytes.len() * cut / 4;
            std::fs::write(dir.path().join(format!("{i}-cut{cut}.yaml")), &bytes[..at]).unwrap();
            written += 1;
        }
        for m in 0..5 {
            let mut b = bytes.clone();
            for _ in 0..1 + m {
                let at = rng.next() % (b.len() + 1);
                let splice = SPLICES[rng.next() % SPLICES.len()];
                if rng.next().is_multiple_of(2) && at < b.len() {
                    b.remove(at);
                }
                b.splice(at..at, splice.iter().copied());
            }
            std::fs::write(dir.path().join(format!("{i}-mut{m}.yaml")), &b).unwrap();
            written += 1;
        }
    }
    let scan = spoflint::scan(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(scan.files, written);
    let summary = Summary::of(&scan);
    let human = report::human::render(&scan, &summary, true);
    let json = report::json::render(&scan, &summary);
    assert!(human.contains("Zero-SPOF validation"));
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    assert_spans_valid(&scan);
    let with_resources: BTreeSet<_> = scan.model.iter().map(|(_, r)| r.source).collect();
    let parse_errors = scan
        .findings
        .iter()
        .filter(|f| f.rule == "INPUT001")
        .count();
    assert!(
        parse_errors > 100,
        "mutations should break many files: {parse_errors}"
    );
    assert!(
        with_resources.len() > 100,
        "and leave many readable: {}",
        with_resources.len()
    );
}

const HCL_SPLICES: &[&[u8]] = &[
    b"{",
    b"}",
    b"[",
    b"]",
    b"(",
    b")",
    b"\"",
    b"${",
    b"%{ if true }",
    b"=",
    b"\n",
    b".",
    b"[*]",
    b"count = 3\n",
    b"for_each = var.x\n",
    b"local.a",
    b"var.nope",
    b"? 1 : ",
    b"...",
    b"<<EOF\n",
    b"#",
    b"\xc3\xa9",
    b"\xff",
    b"\x00",
];

/// The same for Terraform: every module case is copied with its `.tf` files truncated or
/// mutated, then everything is scanned at once.
#[test]
fn mutated_terraform_never_panics() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Lcg(0x7e77);
    let mut cases = 0;
    let mut stack = vec![PathBuf::from("fixtures/terraform")];
    let mut modules = Vec::new();
    while let Some(d) = stack.pop() {
        let mut entries: Vec<PathBuf> = std::fs::read_dir(&d)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        entries.sort();
        if entries
            .iter()
            .any(|p| p.extension().is_some_and(|e| e == "tf"))
        {
            modules.push(d.clone());
        }
        stack.extend(entries.into_iter().filter(|p| p.is_dir()));
    }
    modules.sort();
    for (i, module) in modules.iter().enumerate() {
        for variant in 0..3 {
            let out = dir.path().join(format!("{i}-{variant}"));
            std::fs::create_dir_all(&out).unwrap();
            for entry in std::fs::read_dir(module).unwrap() {
                let path = entry.unwrap().path();
                if !path.is_file() {
                    continue;
                }
                let mut b = std::fs::read(&path).unwrap();
                if path.extension().is_some_and(|e| e == "tf" || e == "tfvars") {
                    if variant == 0 {
                        b.truncate(b.len() * (1 + rng.next() % 3) / 4);
                    } else {
                        for _ in 0..variant {
                            let at = rng.next() % (b.len() + 1);
                            let splice = HCL_SPLICES[rng.next() % HCL_SPLICES.len()];
                            if rng.next().is_multiple_of(2) && at < b.len() {
                                b.remove(at);
                            }
                            b.splice(at..at, splice.iter().copied());
                        }
                    }
                }
                std::fs::write(out.join(path.file_name().unwrap()), &b).unwrap();
            }
            cases += 1;
        }
    }
    assert!(cases > 300, "{cases}");
    let scan = spoflint::scan(&[dir.path().to_path_buf()]).unwrap();
    let summary = Summary::of(&scan);
    report::human::render(&scan, &summary, false);
    let json = report::json::render(&scan, &summary);
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    assert_spans_valid(&scan);
    let broken = scan
        .findings
        .iter()
        .filter(|f| f.rule == "INPUT001")
        .count();
    assert!(broken > 50, "mutations should break many files: {broken}");
    assert!(
        scan.model.tf_iter().count() > 100,
        "{}",
        scan.model.tf_iter().count()
    );
}

const TEMPLATE_SPLICES: &[&[u8]] = &[
    b"{{",
    b"}}",
    b"{{- ",
    b" -}}",
    b"{{ end }}",
    b"{{ if .Values.x }}",
    b"{{ range .Values }}",
    b"{{ with $ }}",
    b"{{ define \"d\" }}{{ include \"d\" . }}{{ end }}",
    b"{{ include \"nope\" . }}",
    b"{{ template \"d\" . }}",
    b"{{ $x := .Values }}{{ $x.a.b.c }}",
    b"| nindent 400",
    b"| toYaml",
    b"(",
    b")",
    b"\"",
    b"`",
    b".Values.",
    b"\n",
    b"  ",
    b"\xc3\xa9",
    b"\xff",
    b"\x00",
    b"{{/*",
];

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let path = entry.unwrap().path();
        let dest = to.join(path.file_name().unwrap());
        if path.is_dir() {
            copy_tree(&path, &dest);
        } else {
            std::fs::copy(&path, &dest).unwrap();
        }
    }
}

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

/// The same for Helm: every fixture chart is copied with its templates and values truncated
/// or spliced with template syntax, then everything is scanned at once.
#[test]
fn mutated_helm_charts_never_panic() {
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Lcg(0x4e1);
    let mut charts: Vec<PathBuf> = std::fs::read_dir("fixtures/helm")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.join("Chart.yaml").is_file())
        .collect();
    charts.sort();
    let mut cases = 0;
    for (i, chart) in charts.iter().enumerate() {
        for variant in 0..24 {
            let out = dir.path().join(format!("{i}-{variant}"));
            copy_tree(chart, &out);
            let mut files = Vec::new();
            files_under(&out, &mut files);
            files.sort();
            let editable: Vec<&PathBuf> = files
                .iter()
                .filter(|p| {
                    p.extension()
                        .is_some_and(|e| e == "yaml" || e == "tpl" || e == "txt")
                })
                .collect();
            for _ in 0..1 + variant % 3 {
                let target = editable[rng.next() % editable.len()];
                let mut b = std::fs::read(target).unwrap();
                if variant % 4 == 0 {
                    b.truncate(b.len() * (1 + rng.next() % 3) / 4);
                } else {
                    let at = rng.next() % (b.len() + 1);
                    let splice = TEMPLATE_SPLICES[rng.next() % TEMPLATE_SPLICES.len()];
                    if rng.next().is_multiple_of(2) && at < b.len() {
                        b.remove(at);
                    }
                    b.splice(at..at, splice.iter().copied());
                }
                std::fs::write(target, &b).unwrap();
            }
            cases += 1;
        }
    }
    assert!(cases >= 150, "{cases}");
    let scan = spoflint::scan(&[dir.path().to_path_buf()]).unwrap();
    let summary = Summary::of(&scan);
    report::human::render(&scan, &summary, false);
    let json = report::json::render(&scan, &summary);
    assert!(serde_json::from_str::<serde_json::Value>(&json).is_ok());
    assert_spans_valid(&scan);
    let broken = scan
        .findings
        .iter()
        .filter(|f| f.rule == "INPUT001" || f.rule == "INPUT003")
        .count();
    assert!(broken > 40, "mutations should break many charts: {broken}");
    assert!(
        scan.model.iter().count() > 300,
        "and leave many renderable: {}",
        scan.model.iter().count()
    );
}

/// The same for Kustomize: every case is copied several times with one of its files (a
/// kustomization, a base, a patch, a generator source, a chart template) truncated or mutated,
/// and all copies are scanned and rendered at once.
#[test]
fn mutated_kustomizations_never_panic() {
    fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                all_files(&path, out);
            } else {
                out.push(path);
            }
        }
    }
    let dir = tempfile::tempdir().unwrap();
    let mut rng = Lcg(0xc0de);
    let mut copies = 0;
    let mut cases: Vec<PathBuf> = std::fs::read_dir("fixtures/kustomize")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    for case in &cases {
        let mut files = Vec::new();
        all_files(case, &mut files);
        files.sort();
        for (f, victim) in files.iter().enumerate() {
            for variant in 0..4 {
                let copy = dir.path().join(format!(
                    "{}-{f}-{variant}",
                    case.file_name().unwrap().to_string_lossy()
                ));
                for file in &files {
                    let to = copy.join(file.strip_prefix(case).unwrap());
                    std::fs::create_dir_all(to.parent().unwrap()).unwrap();
                    let mut bytes = std::fs::read(file).unwrap();
                    if file == victim {
                        if variant == 0 {
                            bytes.truncate(bytes.len() / 2);
                        } else {
                            for _ in 0..variant * 2 {
                                let at = rng.next() % (bytes.len() + 1);
                                let splice = SPLICES[rng.next() % SPLICES.len()];
                                if rng.next().is_multiple_of(2) && at < bytes.len() {
                                    bytes.remove(at);
                                }
                                bytes.splice(at..at, splice.iter().copied());
                            }
                        }
                    }
                    std::fs::write(to, bytes).unwrap();
                }
                copies += 1;
            }
        }
    }
    assert!(copies > 100, "{copies}");
    let scan = spoflint::scan(&[dir.path().to_path_buf()]).unwrap();
    assert_eq!(
        scan.internal_errors,
        0,
        "{:?}",
        scan.findings
            .iter()
            .filter(|f| f.rule == "INPUT007")
            .collect::<Vec<_>>()
    );
    let summary = Summary::of(&scan);
    let human = report::human::render(&scan, &summary, true);
    assert!(human.contains("Zero-SPOF validation"));
    assert_spans_valid(&scan);
    let built = scan
        .model
        .iter()
        .filter(|(_, r)| r.built_by.is_some())
        .count();
    assert!(built > 100, "most copies still build: {built}");
    let rendered = spoflint::render(&[dir.path().to_path_buf()], &Default::default()).unwrap();
    assert!(rendered.manifests.len() > 100);
}
