//! `targets:` and `system:` in `.spoflint.yaml`: the availability, RTO and RPO the system must
//! reach, dependencies the files do not show, failovers the user has automated, and overrides
//! of the shipped figures.

use std::collections::BTreeMap;
use std::sync::Arc;

use crate::model::Span;

/// A name in the configuration that refers to a component (`aws_lb.web`,
/// `Deployment/shop/api`), with where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Reference {
    pub text: String,
    pub span: Span,
}

/// What the system must reach (`targets:`, or `--target-*` flags).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Targets {
    /// Percent (`99.99`).
    pub availability: Option<f64>,
    /// Seconds.
    pub rto: Option<u64>,
    /// Seconds.
    pub rpo: Option<u64>,
    /// Where the configuration sets each (availability, rto, rpo); `None` for a flag.
    pub at: [Option<Span>; 3],
}

impl Targets {
    pub fn is_empty(&self) -> bool {
        self.availability.is_none() && self.rto.is_none() && self.rpo.is_none()
    }
}

/// The `system:` section.
#[derive(Debug, Clone, Default)]
pub struct SystemSettings {
    pub targets: Targets,
    /// Declared dependencies: a component and what it needs.
    pub depends_on: Vec<(Reference, Vec<Reference>)>,
    /// Components whose cross-region failover the user has automated (a runbook run by
    /// alarms, Route 53 Application Recovery Controller, ...).
    pub automated_failover: Vec<Reference>,
    /// Seconds for a person to start a failover that is not automatic.
    pub response_time: Option<u64>,
    /// Availability overrides (percent) by figure key.
    pub figures: BTreeMap<String, f64>,
    /// Time overrides (seconds) by figure key.
    pub seconds: BTreeMap<String, u64>,
    /// The configuration file (display path, text), so findings can point into it.
    pub file: Option<(String, Arc<str>)>,
}

impl SystemSettings {
    /// Whether the configuration says anything findings may point at (a component it names,
    /// a target).
    pub fn has_references(&self) -> bool {
        !self.depends_on.is_empty()
            || !self.automated_failover.is_empty()
            || self.targets.at.iter().any(Option::is_some)
    }
}

/// Parses a duration: `90` or `90s`, `5m`, `1h`, `1d`, or a combination (`1m30s`).
pub fn parse_duration(text: &str) -> Result<u64, String> {
    let t = text.trim();
    if let Ok(n) = t.parse::<u64>() {
        return Ok(n);
    }
    let bad = || format!("`{text}` is not a duration (e.g. 90s, 5m, 1h, 1m30s)");
    let mut total: u64 = 0;
    let mut digits = String::new();
    for c in t.chars() {
        if c.is_ascii_digit() {
            digits.push(c);
            continue;
        }
        let unit = match c {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86400,
            _ => return Err(bad()),
        };
        let n: u64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    if !digits.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

/// `90 s`, `5 min`, `1 h 30 min`: a duration for people.
pub fn show_duration(secs: u64) -> String {
    if secs < 60 {
        return format!("{secs} s");
    }
    if secs < 3600 {
        let (m, s) = (secs / 60, secs % 60);
        return if s == 0 {
            format!("{m} min")
        } else {
            format!("{m} min {s} s")
        };
    }
    let (h, m) = (secs / 3600, (secs % 3600) / 60);
    if m == 0 {
        format!("{h} h")
    } else {
        format!("{h} h {m} min")
    }
}

/// `99.99%`: an availability (a fraction), rounded down to four decimals (never up to a
/// better figure).
pub fn show_percent(a: f64) -> String {
    // The epsilon keeps 0.9999 (stored as 0.99989999...) at 99.99%.
    let p = (a * 1_000_000.0 + 1e-6).floor() / 10_000.0;
    let s = format!("{p:.4}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    format!("{s}%")
}

/// Parses an availability target: `99.99` or `99.99%`, between 0 and 100.
pub fn parse_percent(text: &str) -> Result<f64, String> {
    let t = text.trim().trim_end_matches('%').trim();
    match t.parse::<f64>() {
        Ok(p) if (0.0..=100.0).contains(&p) => Ok(p),
        _ => Err(format!(
            "`{text}` is not a percentage between 0 and 100 (e.g. 99.99)"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("90"), Ok(90));
        assert_eq!(parse_duration("90s"), Ok(90));
        assert_eq!(parse_duration("5m"), Ok(300));
        assert_eq!(parse_duration("1m30s"), Ok(90));
        assert_eq!(parse_duration("2h"), Ok(7200));
        assert!(parse_duration("5 minutes").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5").is_ok());
        assert!(parse_duration("99999999999999999999d").is_err());
        assert_eq!(show_duration(45), "45 s");
        assert_eq!(show_duration(300), "5 min");
        assert_eq!(show_duration(330), "5 min 30 s");
        assert_eq!(show_duration(5400), "1 h 30 min");
        assert_eq!(parse_percent("99.99%"), Ok(99.99));
        assert!(parse_percent("101").is_err());
        assert_eq!(show_percent(0.9999), "99.99%");
        assert_eq!(show_percent(0.99999999), "99.9999%");
        assert_eq!(show_percent(1.0), "100%");
        assert_eq!(show_percent(0.995), "99.5%");
    }
}
