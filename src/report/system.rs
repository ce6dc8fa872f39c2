//! The system view in reports: the failure scenarios, the availability / RTO / RPO estimate
//! and the targets, in one shape that the human, Markdown and JSON reports render.

use serde::Serialize;

use crate::system::eval::Health;
use crate::system::scenario::{Impact, Scenario};
use crate::system::settings::show_duration;
pub use crate::system::settings::show_percent as percent;
use crate::system::{Rpo, System};

/// Whether reports show the system view: the scan has a serving path, or targets are set.
pub fn shown(sys: &System) -> bool {
    !sys.roots.is_empty() || !sys.settings.targets.is_empty()
}

fn or_dash(v: Option<String>) -> String {
    v.unwrap_or_else(|| "-".to_string())
}

/// One scenario as a table row.
#[derive(Debug, Clone, Serialize)]
pub struct Line {
    pub lost: String,
    pub impact: &'static str,
    pub expected: bool,
    /// `up`, or the roots that are not, with their state.
    pub serving: String,
    /// `automatic`, `needs a person`, `none` (not recovered until the domain is back) or `-`.
    pub failover: &'static str,
    pub detection: String,
    pub rto: String,
    pub rpo: String,
    pub notes: Vec<String>,
}

fn serving_text(s: &Scenario) -> String {
    if s.serving.is_empty() {
        return "-".to_string();
    }
    let off: Vec<String> = s
        .serving
        .iter()
        .filter(|(_, o)| o.health != Health::Up)
        .map(|(name, o)| format!("{name} {}", o.health.as_str()))
        .collect();
    if off.is_empty() {
        return "up".to_string();
    }
    if off.len() <= 2 {
        return off.join(", ");
    }
    // Many roots: counts by state, the full list is in the notes and the JSON.
    let mut counts: Vec<String> = Vec::new();
    for h in [Health::Down, Health::Unknown, Health::Reduced] {
        let n = s.serving.iter().filter(|(_, o)| o.health == h).count();
        if n > 0 {
            counts.push(format!("{n} {}", h.as_str()));
        }
    }
    format!("{} of {}", counts.join(", "), s.serving.len())
}

pub fn line(s: &Scenario) -> Line {
    let failover = match (s.impact, s.recovery) {
        (Impact::Unknown, _) => "unknown",
        (_, None) => "none",
        (_, Some(_)) if s.manual => "needs a person",
        (Impact::NoImpact | Impact::DeploymentsDelayed, Some(0)) => "-",
        _ => "automatic",
    };
    let mut notes: Vec<String> = Vec::new();
    for (_, o) in s.serving.iter().chain(&s.data) {
        for n in &o.notes {
            if !notes.contains(n) {
                notes.push(n.clone());
            }
        }
    }
    if let Some(d) = &s.deploy
        && (d.health != Health::Up || d.manual || !d.down.is_empty())
    {
        for n in &d.notes {
            let n = format!("deploy path: {n}");
            if !notes.contains(&n) {
                notes.push(n);
            }
        }
    }
    for (name, o) in &s.control {
        if !o.health.alive() {
            notes.push(format!(
                "{name} is down: workloads keep serving, deployments and self-healing wait"
            ));
        }
    }
    Line {
        lost: s.lost_title(),
        impact: s.impact.as_str(),
        expected: s.expected,
        serving: serving_text(s),
        failover,
        detection: if s.detection > 0 {
            show_duration(s.detection)
        } else {
            "-".to_string()
        },
        rto: match s.recovery {
            Some(0) => "-".to_string(),
            Some(r) => show_duration(r),
            None => "until restored".to_string(),
        },
        rpo: or_dash(s.rpo.as_ref().map(Rpo::to_string)),
        notes,
    }
}

/// The estimate table's rows: (component, availability, RTO, RPO).
pub fn estimate_rows(sys: &System) -> Vec<[String; 4]> {
    let e = &sys.estimate;
    let mut rows: Vec<[String; 4]> = e
        .rows
        .iter()
        .map(|r| {
            [
                r.component.clone(),
                or_dash(r.availability.map(percent)),
                or_dash(r.rto.filter(|s| *s > 0).map(show_duration)),
                or_dash(r.rpo.as_ref().map(Rpo::to_string)),
            ]
        })
        .collect();
    for r in &e.roots {
        rows.push([
            r.root.clone(),
            r.availability
                .map_or_else(|| "unknown".to_string(), percent),
            String::new(),
            String::new(),
        ]);
    }
    rows.push([
        "overall".to_string(),
        e.availability
            .map_or_else(|| "unknown".to_string(), percent),
        match (e.rto, e.rto_scenario) {
            (Some(0), _) => "-".to_string(),
            (Some(r), _) => show_duration(r),
            (None, Some(_)) => "not survived".to_string(),
            (None, None) => "-".to_string(),
        },
        or_dash(e.rpo.as_ref().map(Rpo::to_string)),
    ]);
    rows
}

/// Why each root whose availability is unknown cannot be estimated (its first reason).
pub fn not_estimated(sys: &System) -> Vec<(String, String)> {
    sys.estimate
        .roots
        .iter()
        .filter(|r| r.availability.is_none())
        .map(|r| {
            let why = r.unknown.first().cloned().unwrap_or_else(|| {
                "a component on its path has no availability figure".to_string()
            });
            (r.root.clone(), why)
        })
        .collect()
}

/// `availability 99.99% ✓ (estimate 99.9999%)`: each target with whether it is met.
pub fn targets(sys: &System) -> Vec<(String, Option<bool>)> {
    let t = &sys.settings.targets;
    let e = &sys.estimate;
    let mut out = Vec::new();
    if let Some(target) = t.availability {
        let met = e.availability.map(|a| a * 100.0 + 1e-9 >= target);
        out.push((
            format!(
                "availability {} (estimate {})",
                percent(target / 100.0),
                e.availability.map_or_else(|| "unknown".into(), percent)
            ),
            met,
        ));
    }
    if let Some(target) = t.rto {
        let met = match (e.rto, e.rto_scenario) {
            (Some(r), _) => Some(r <= target),
            (None, Some(_)) => Some(false),
            (None, None) => None,
        };
        out.push((
            format!(
                "RTO {} (estimate {})",
                show_duration(target),
                match (e.rto, e.rto_scenario) {
                    (Some(r), _) => show_duration(r),
                    (None, Some(i)) => format!("not survived: {}", sys.scenarios[i].lost_title()),
                    (None, None) => "unknown".into(),
                }
            ),
            met,
        ));
    }
    if let Some(target) = t.rpo {
        let met = e.rpo.as_ref().map(|r| match r {
            Rpo::Zero => true,
            Rpo::Seconds(s) => *s <= target,
            Rpo::Unbounded => false,
        });
        out.push((
            format!(
                "RPO {} (estimate {})",
                show_duration(target),
                e.rpo
                    .as_ref()
                    .map_or_else(|| "0".to_string(), Rpo::to_string)
            ),
            met.or(Some(true)),
        ));
    }
    out
}

/// The rows of a table, each padded to the widest cell of its column (by characters).
pub fn aligned<const N: usize>(rows: &[[String; N]]) -> Vec<String> {
    let widths = widths(rows);
    rows.iter()
        .map(|r| {
            let cells: Vec<&str> = r.iter().map(String::as_str).collect();
            row(&cells, &widths)
        })
        .collect()
}

/// Pads `cells` to `widths` (by characters).
fn row(cells: &[&str], widths: &[usize]) -> String {
    let mut out = String::new();
    for (i, (c, w)) in cells.iter().zip(widths).enumerate() {
        out.push_str(c);
        if i + 1 < cells.len() {
            let n = c.chars().count();
            out.push_str(&" ".repeat(w.saturating_sub(n) + 2));
        }
    }
    out.trim_end().to_string()
}

/// Column widths for rows of cells.
fn widths<const N: usize>(rows: &[[String; N]]) -> Vec<usize> {
    (0..N)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect()
}

/// `spoflint simulate`: one scenario in full.
pub fn simulation_text(sys: &System, s: &Scenario) -> String {
    use super::terminal_safe_line as safe;
    let l = line(s);
    let mut out = format!("Losing {}: {}\n", safe(&l.lost), l.impact);
    out.push_str(&format!(
        "  failover: {}   detection: {}   RTO: {}   RPO: {}\n",
        l.failover, l.detection, l.rto, l.rpo
    ));
    if !s.serving.is_empty() {
        out.push_str("\nServing\n");
    }
    for (name, o) in &s.serving {
        out.push_str(&format!("  {}: {}\n", safe(name), o.health.as_str()));
        for n in &o.notes {
            out.push_str(&format!("      {}\n", safe(n)));
        }
    }
    if !s.data.is_empty() {
        out.push_str("\nData\n");
        for (name, o) in &s.data {
            let rpo = match &o.rpo {
                None => String::new(),
                Some(Rpo::Zero) => ", loses no data".to_string(),
                Some(r) => format!(", may lose {r}"),
            };
            out.push_str(&format!("  {}: {}{rpo}\n", safe(name), o.health.as_str()));
            for n in &o.notes {
                out.push_str(&format!("      {}\n", safe(n)));
            }
        }
    }
    if !s.control.is_empty() {
        out.push_str("\nControl planes\n");
        for (name, o) in &s.control {
            out.push_str(&format!("  {}: {}\n", safe(name), o.health.as_str()));
        }
    }
    if let Some(d) = &s.deploy {
        out.push_str(&format!(
            "\nDeployments: {}\n",
            if !d.health.alive() {
                "blocked until the lost domain is back"
            } else if d.manual || !d.down.is_empty() {
                "delayed"
            } else {
                "unaffected"
            }
        ));
        for n in &d.notes {
            out.push_str(&format!("      {}\n", safe(n)));
        }
    }
    if sys.is_empty() {
        out.push_str("\nThe scan holds no serving, control or deploy path.\n");
    }
    out.push_str("\nEstimates from the figures `spoflint figures` lists.\n");
    out
}

/// `spoflint simulate --format json`.
pub fn simulation_json(_sys: &System, s: &Scenario) -> String {
    let mut out = serde_json::to_string_pretty(&scenario_json(s)).unwrap_or_default();
    out.push('\n');
    out
}

// ---- JSON ----

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
pub struct JsonSystem<'a> {
    scenarios: Vec<JsonScenario<'a>>,
    estimate: &'a crate::system::scenario::Estimate,
    targets: JsonTargets,
    /// Configuration references that name nothing in the scan.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unresolved: Vec<String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonTargets {
    availability: Option<f64>,
    rto: Option<u64>,
    rpo: Option<u64>,
    met: Vec<JsonTarget>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonTarget {
    target: String,
    met: Option<bool>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonScenario<'a> {
    lost: Vec<String>,
    impact: Impact,
    expected: bool,
    manual: bool,
    detection: u64,
    recovery: Option<u64>,
    rpo: &'a Option<Rpo>,
    serving: Vec<JsonOutcome<'a>>,
    deploy: Option<JsonOutcome<'a>>,
    control: Vec<JsonOutcome<'a>>,
    data: Vec<JsonOutcome<'a>>,
    unknown: &'a [String],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonOutcome<'a> {
    name: &'a str,
    health: Health,
    recovery: u64,
    manual: bool,
    /// Serves nothing until it recovers by itself.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    interrupted: bool,
    rpo: &'a Option<Rpo>,
    notes: &'a [String],
}

fn outcome<'a>(name: &'a str, o: &'a crate::system::Outcome) -> JsonOutcome<'a> {
    JsonOutcome {
        name,
        health: o.health,
        recovery: o.recovery,
        manual: o.manual,
        interrupted: o.interrupted,
        rpo: &o.rpo,
        notes: &o.notes,
    }
}

fn scenario_json(s: &Scenario) -> JsonScenario<'_> {
    JsonScenario {
        lost: s.lost.iter().map(|d| d.spec()).collect(),
        impact: s.impact,
        expected: s.expected,
        manual: s.manual,
        detection: s.detection,
        recovery: s.recovery,
        rpo: &s.rpo,
        serving: s.serving.iter().map(|(n, o)| outcome(n, o)).collect(),
        deploy: s.deploy.as_ref().map(|o| outcome("deploy", o)),
        control: s.control.iter().map(|(n, o)| outcome(n, o)).collect(),
        data: s.data.iter().map(|(n, o)| outcome(n, o)).collect(),
        unknown: &s.unknown,
    }
}

/// The report's `system` object (`None` when there is no system view to show).
pub fn json(sys: &System) -> Option<JsonSystem<'_>> {
    if !shown(sys) {
        return None;
    }
    let t = &sys.settings.targets;
    Some(JsonSystem {
        scenarios: sys.scenarios.iter().map(scenario_json).collect(),
        estimate: &sys.estimate,
        targets: JsonTargets {
            availability: t.availability,
            rto: t.rto,
            rpo: t.rpo,
            met: targets(sys)
                .into_iter()
                .map(|(target, met)| JsonTarget { target, met })
                .collect(),
        },
        unresolved: sys
            .unresolved
            .iter()
            .map(|u| format!("{}: {}", u.reference.text, u.why))
            .collect(),
    })
}
