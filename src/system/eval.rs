//! What lost failure domains do to a component and to a path, and availability composed
//! along a path.

use std::collections::BTreeSet;

use serde::Serialize;

use super::scenario::Domain;
use super::{CompId, Component, Copy, Failover, Name, Place, Rpo, System, Zones};
use crate::finding::count;

/// How traffic moves between alternatives.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Switch {
    /// Traffic is shared; a lost alternative is taken out after `detect` seconds (health
    /// checks).
    Balanced { detect: u64 },
    /// The first alternative serves; the next takes over when the first has been seen down
    /// (`detect` seconds) and clients have moved (`then` seconds more: a DNS TTL), by itself
    /// or when a person switches.
    Failover {
        detect: u64,
        then: u64,
        automatic: bool,
    },
}

/// A path: components in series (`All`), alternatives (`Any`), or a part not known.
#[derive(Clone, Debug, PartialEq)]
pub enum Expr {
    Comp(CompId),
    All(Vec<Expr>),
    Any(Vec<Expr>, Switch),
    /// What the path needs here is not in the scan (the reason says what).
    Unknown(String),
    /// Like [`Expr::Unknown`], for a part that must be in this region (a load balancer's
    /// targets are in its own): only the loss of that region or of one of its zones makes it
    /// unknown.
    UnknownIn(String, String),
}

/// The state of a component or path after a failure: worst last.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Health {
    /// Serves, as redundant as before.
    Up,
    /// Serves, with redundancy lost (one copy or alternative left).
    Reduced,
    /// Cannot be known statically.
    Unknown,
    Down,
}

impl Health {
    pub fn alive(self) -> bool {
        matches!(self, Health::Up | Health::Reduced)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Health::Up => "up",
            Health::Reduced => "reduced",
            Health::Unknown => "unknown",
            Health::Down => "down",
        }
    }
}

/// What a failure does to a component or path.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Outcome {
    pub health: Health,
    /// What happened, in order, for reports.
    pub notes: Vec<String>,
    /// Seconds until the failure is seen (health checks) and traffic starts to move.
    pub detection: u64,
    /// Seconds until it serves again (health checks, failovers, a person's response).
    pub recovery: u64,
    /// A person has to act for it to recover.
    pub manual: bool,
    /// It serves nothing until it recovers by itself (pods recreated in another zone).
    pub interrupted: bool,
    /// Data the failure can cost, when a stateful component was hit.
    pub rpo: Option<Rpo>,
    /// Components found down.
    #[serde(skip)]
    pub down: Vec<CompId>,
    /// Stateful components that failed over to a copy elsewhere.
    #[serde(skip)]
    pub failed_over: Vec<CompId>,
}

impl Outcome {
    pub fn up() -> Outcome {
        Outcome {
            health: Health::Up,
            notes: Vec::new(),
            detection: 0,
            recovery: 0,
            manual: false,
            interrupted: false,
            rpo: None,
            down: Vec::new(),
            failed_over: Vec::new(),
        }
    }

    fn with(health: Health, note: String) -> Outcome {
        Outcome {
            health,
            notes: vec![note],
            ..Outcome::up()
        }
    }

    /// Recovery through failover `f` of the component `key`.
    fn fail_over(&mut self, key: &str, f: &Failover) {
        self.recovery = f.seconds;
        self.manual = !f.automatic;
        self.rpo = Some(f.rpo.clone());
        self.notes.push(format!("{key}: {}", f.how));
    }

    /// Adds `other` in series: the worse health, the longer recovery, every note.
    fn and(&mut self, other: Outcome) {
        self.health = self.health.max(other.health);
        self.detection = self.detection.max(other.detection);
        self.recovery = self.recovery.max(other.recovery);
        self.manual |= other.manual;
        self.interrupted |= other.interrupted;
        self.rpo = worst_rpo(self.rpo.take(), other.rpo);
        for n in other.notes {
            if !self.notes.contains(&n) {
                self.notes.push(n);
            }
        }
        merge(&mut self.down, other.down);
        merge(&mut self.failed_over, other.failed_over);
    }
}

fn merge(into: &mut Vec<CompId>, from: Vec<CompId>) {
    for c in from {
        if !into.contains(&c) {
            into.push(c);
        }
    }
}

fn worst_rpo(a: Option<Rpo>, b: Option<Rpo>) -> Option<Rpo> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.max(b)),
        (a, b) => a.or(b),
    }
}

/// The failure domains lost together.
#[derive(Clone, Copy, Debug)]
pub struct Lost<'a> {
    pub domains: &'a [Domain],
}

impl<'a> Lost<'a> {
    fn zones(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.domains.iter().filter_map(|d| match d {
            Domain::Zone(z) => Some(z.as_str()),
            _ => None,
        })
    }

    /// Whether a zone or region is lost.
    fn placement(&self) -> bool {
        self.domains
            .iter()
            .any(|d| matches!(d, Domain::Zone(_) | Domain::AnyZone | Domain::Region(_)))
    }

    /// Whether region `r`, or a zone that may be in it, is lost.
    fn touches_region(&self, r: &str) -> bool {
        self.domains.iter().any(|d| match d {
            Domain::Region(x) => x == r,
            Domain::Zone(z) => z.starts_with(r),
            Domain::AnyZone => true,
            _ => false,
        })
    }

    fn any_zone(&self) -> bool {
        self.domains.contains(&Domain::AnyZone)
    }

    fn regions(&self) -> impl Iterator<Item = &'a str> + 'a {
        self.domains.iter().filter_map(|d| match d {
            Domain::Region(r) => Some(r.as_str()),
            _ => None,
        })
    }

    /// Why `c` is lost whole (its provider, itself, its CI system, ...), if it is.
    fn takes_whole(&self, c: &Component) -> Option<String> {
        self.domains.iter().find_map(|d| d.takes_whole(c))
    }
}

/// The state of one copy after the loss.
enum CopyState {
    /// Alive; `reduced`: one zone of several left; `touched`: it lost some of its zones.
    Alive {
        reduced: bool,
        touched: bool,
    },
    Dead,
    Unknown(String),
}

fn copy_state(c: &Component, copy: &Copy, lost: Lost<'_>) -> CopyState {
    for r in lost.regions() {
        match &copy.region {
            Some(cr) if cr == r => return CopyState::Dead,
            None => {
                return CopyState::Unknown(format!(
                    "the region of {} is not known statically",
                    c.key
                ));
            }
            _ => {}
        }
    }
    // A zone of another region does not touch this copy (AWS zone names start with their
    // region's; a copy whose region is unknown may be anywhere).
    let zones_lost: Vec<&str> = lost
        .zones()
        .filter(|z| copy.region.as_deref().is_none_or(|r| z.starts_with(r)))
        .collect();
    let any_zone = lost.any_zone();
    if zones_lost.is_empty() && !any_zone {
        return CopyState::Alive {
            reduced: false,
            touched: false,
        };
    }
    match &copy.zones {
        Zones::Managed => CopyState::Alive {
            reduced: false,
            touched: false,
        },
        Zones::Named { zones, unknown } => {
            let total = zones.len();
            let mut remaining = zones
                .iter()
                .filter(|z| !zones_lost.contains(&z.as_str()))
                .count();
            if any_zone && remaining > 0 {
                // The worst zone to lose: one of its own.
                remaining -= 1;
            }
            if remaining == total {
                CopyState::Alive {
                    reduced: false,
                    touched: false,
                }
            } else if remaining > 0 {
                CopyState::Alive {
                    reduced: remaining == 1,
                    touched: true,
                }
            } else if *unknown > 0 {
                CopyState::Unknown(format!(
                    "{} has {} whose zone is not known statically",
                    c.key,
                    count(*unknown as i64, "subnet")
                ))
            } else {
                CopyState::Dead
            }
        }
        Zones::Spread { copies } if *copies >= 3 => CopyState::Alive {
            reduced: false,
            touched: true,
        },
        Zones::Spread { copies } if *copies == 2 => CopyState::Alive {
            reduced: true,
            touched: true,
        },
        Zones::Spread { .. } | Zones::Unplaced { copies: 1 } if any_zone => CopyState::Dead,
        Zones::Spread { .. } => CopyState::Unknown(format!(
            "{} has one copy, in a zone not known statically",
            c.key
        )),
        Zones::Unplaced { copies } if *copies <= 0 => CopyState::Unknown(format!(
            "how many copies of {} run is not known statically",
            c.key
        )),
        Zones::Unplaced { copies } => CopyState::Unknown(format!(
            "nothing places the {} of {} in known zones or spreads them over zones: they may all be in the lost zone",
            count(*copies, "copy").replace("copys", "copies"),
            c.key
        )),
    }
}

/// What `lost` does to component `id` on its own (its dependencies are separate terms of the
/// path).
pub fn component(sys: &System, id: CompId, lost: Lost<'_>) -> Outcome {
    let c = &sys.components[id];
    if let Some(why) = lost.takes_whole(c) {
        let mut o = Outcome::with(Health::Down, why);
        o.down.push(id);
        if c.stateful {
            o.rpo = Some(Rpo::Unbounded);
        }
        return o;
    }
    let copies = match &c.place {
        Place::Global => return Outcome::up(),
        Place::Copies(copies) => copies,
    };
    let states: Vec<(&Copy, CopyState)> = copies
        .iter()
        .map(|copy| (copy, copy_state(c, copy, lost)))
        .collect();
    let primaries: Vec<&CopyState> = states
        .iter()
        .filter(|(copy, _)| !copy.standby)
        .map(|(_, s)| s)
        .collect();
    let alive_primaries: Vec<&CopyState> = primaries
        .iter()
        .copied()
        .filter(|s| matches!(s, CopyState::Alive { .. }))
        .collect();
    let unknown: Vec<String> = states
        .iter()
        .filter_map(|(_, s)| match s {
            CopyState::Unknown(why) => Some(why.clone()),
            _ => None,
        })
        .collect();
    if !alive_primaries.is_empty() {
        let mut o = Outcome::up();
        let single_left = alive_primaries.len() == 1
            && (primaries.len() >= 2
                || matches!(alive_primaries[0], CopyState::Alive { reduced: true, .. }));
        if single_left {
            o.health = Health::Reduced;
        }
        let lost_copy = alive_primaries.len() < primaries.len();
        let touched = alive_primaries
            .iter()
            .any(|s| matches!(s, CopyState::Alive { touched: true, .. }));
        if c.stateful && touched && !lost_copy {
            // The writer may have been in the lost zone.
            match &c.zone_failover {
                Some(f) => o.fail_over(&c.key, f),
                None => {
                    o.recovery = sys.figures.secs("manual_response");
                    o.manual = true;
                    o.notes.push(format!(
                        "{}: its writer may have been in the lost zone and nothing promotes a replica automatically",
                        c.key
                    ));
                }
            }
        } else if lost_copy && c.stateful {
            // Active copies in several regions: the others keep serving.
            o.detection = c.detect;
            o.recovery = c.detect;
            o.rpo = c.region_failover.as_ref().map(|f| f.rpo.clone());
            o.notes.push(format!(
                "{}: its copies in other regions keep serving",
                c.key
            ));
        } else if touched || lost_copy {
            o.detection = c.detect;
            o.recovery = c.detect;
        }
        if single_left {
            o.notes.push(format!("{}: one copy left", c.key));
        }
        return o;
    }
    let standbys: Vec<&CopyState> = states
        .iter()
        .filter(|(copy, s)| copy.standby && matches!(s, CopyState::Alive { .. }))
        .map(|(_, s)| s)
        .collect();
    if !standbys.is_empty() {
        let lost_region = lost.regions().next().is_some();
        let failover = if lost_region {
            c.region_failover.as_ref()
        } else {
            c.zone_failover.as_ref().or(c.region_failover.as_ref())
        };
        let mut o = Outcome::up();
        if standbys.len() == 1 {
            o.health = Health::Reduced;
        }
        o.failed_over.push(id);
        match failover {
            Some(f) => o.fail_over(&c.key, f),
            None => {
                o.recovery = sys.figures.secs("manual_response");
                o.manual = true;
                o.rpo = Some(Rpo::Unbounded);
                o.notes.push(format!(
                    "{}: a person has to promote its standby copy",
                    c.key
                ));
            }
        }
        return o;
    }
    // Copies lost with a zone only (not a region) that are recreated in another zone.
    if let Some(after) = c.reschedule
        && unknown.is_empty()
        && lost.regions().next().is_none()
    {
        let mut o = Outcome::with(
            Health::Reduced,
            format!(
                "{}: its pods are recreated in another zone after {} (node monitor grace period and eviction), if the other zones have room",
                c.key,
                crate::system::settings::show_duration(after)
            ),
        );
        o.detection = c.detect;
        o.recovery = after;
        o.interrupted = true;
        o.failed_over.push(id);
        return o;
    }
    if !unknown.is_empty() {
        let mut o = Outcome::with(Health::Unknown, unknown[0].clone());
        o.notes.extend(unknown.into_iter().skip(1));
        return o;
    }
    let mut o = Outcome::with(
        Health::Down,
        format!("{} is down: all of it is in the lost domain", c.key),
    );
    o.down.push(id);
    if c.stateful {
        o.rpo = Some(Rpo::Unbounded);
    }
    o
}

impl Expr {
    /// What `lost` does to the path.
    pub fn eval(&self, sys: &System, lost: Lost<'_>) -> Outcome {
        match self {
            Expr::Comp(id) => component(sys, *id, lost),
            // A part not in the scan may sit in any zone or region; the other domains are
            // components of the scan (a provider, an engine, a control plane, one resource)
            // and an unscanned part is none of them.
            Expr::Unknown(why) if lost.placement() => Outcome::with(Health::Unknown, why.clone()),
            Expr::UnknownIn(why, region) if lost.touches_region(region) => {
                Outcome::with(Health::Unknown, why.clone())
            }
            Expr::Unknown(_) | Expr::UnknownIn(..) => Outcome::up(),
            Expr::All(xs) => {
                let mut o = Outcome::up();
                for x in xs {
                    o.and(x.eval(sys, lost));
                }
                o
            }
            Expr::Any(xs, switch) => {
                let outs: Vec<Outcome> = xs.iter().map(|x| x.eval(sys, lost)).collect();
                let alive: Vec<usize> = (0..outs.len())
                    .filter(|&i| outs[i].health.alive())
                    .collect();
                if alive.is_empty() {
                    let any_unknown = outs.iter().any(|x| x.health == Health::Unknown);
                    let mut o = Outcome::up();
                    for x in outs {
                        o.and(x);
                    }
                    // One alternative that may be up keeps the path possibly up.
                    o.health = if any_unknown {
                        Health::Unknown
                    } else {
                        Health::Down
                    };
                    return o;
                }
                let (detect, then, automatic, failover) = match *switch {
                    Switch::Balanced { detect } => (detect, 0, true, false),
                    Switch::Failover {
                        detect,
                        then,
                        automatic,
                    } => (detect, then, automatic, true),
                };
                let mut o = Outcome::up();
                if failover {
                    let chosen = alive[0];
                    o.and(outs[chosen].clone());
                    if chosen > 0 {
                        o.detection = o.detection.max(detect);
                        o.recovery = o.recovery.max(
                            detect
                                + then
                                + if automatic {
                                    0
                                } else {
                                    sys.figures.secs("manual_response")
                                },
                        );
                        o.manual |= !automatic;
                        o.notes.push(format!(
                            "fails over from {} to {} ({})",
                            xs[0].first_key(sys),
                            xs[chosen].first_key(sys),
                            if automatic {
                                "automatic"
                            } else {
                                "a person switches"
                            }
                        ));
                    }
                } else {
                    for &i in &alive {
                        o.and(outs[i].clone());
                    }
                    // Traffic goes on through the alternatives that were not interrupted.
                    o.interrupted = alive.iter().all(|&i| outs[i].interrupted);
                    if alive.len() < outs.len() {
                        o.detection = o.detection.max(detect);
                        o.recovery = o.recovery.max(detect);
                    }
                }
                for (i, x) in outs.iter().enumerate() {
                    if !alive.contains(&i) {
                        o.notes.extend(x.notes.iter().cloned());
                        merge(&mut o.down, x.down.clone());
                    }
                }
                o.health = if alive.len() == 1
                    && (xs.len() >= 2 || outs[alive[0]].health == Health::Reduced)
                {
                    Health::Reduced
                } else if alive.len() >= 2 {
                    Health::Up
                } else {
                    outs[alive[0]].health
                };
                o
            }
        }
    }

    /// How reports name an alternative: its first component.
    fn first_key(&self, sys: &System) -> String {
        let mut comps = Vec::new();
        self.components(&mut comps);
        comps.first().map_or_else(
            || "an alternative".to_string(),
            |c| sys.components[*c].key.clone(),
        )
    }

    /// Components in series at the top of the path (itself, or an `All`'s direct members),
    /// in path order.
    pub fn series_leaves(&self) -> Vec<CompId> {
        match self {
            Expr::Comp(c) => vec![*c],
            Expr::All(xs) => {
                let mut out: Vec<CompId> = Vec::new();
                for x in xs {
                    if let Expr::Comp(c) = x
                        && !out.contains(c)
                    {
                        out.push(*c);
                    }
                }
                out
            }
            _ => Vec::new(),
        }
    }

    /// The same path with nested series flattened and components that every alternative
    /// needs taken out of the alternatives (`Any(All(a, db), All(b, db))` is
    /// `All(db, Any(a, b))`): availability composed over it counts a shared component once.
    pub fn normalize(&self) -> Expr {
        match self {
            Expr::Comp(_) | Expr::Unknown(_) | Expr::UnknownIn(..) => self.clone(),
            Expr::All(xs) => {
                let mut out: Vec<Expr> = Vec::new();
                for x in xs {
                    match x.normalize() {
                        Expr::All(inner) => {
                            for i in inner {
                                if !out.contains(&i) {
                                    out.push(i);
                                }
                            }
                        }
                        other => {
                            if !out.contains(&other) {
                                out.push(other);
                            }
                        }
                    }
                }
                if out.len() == 1 {
                    out.pop().unwrap_or(Expr::All(Vec::new()))
                } else {
                    Expr::All(out)
                }
            }
            Expr::Any(xs, switch) => {
                let xs: Vec<Expr> = xs.iter().map(Expr::normalize).collect();
                if xs.len() <= 1 {
                    // No alternative at all is nothing to fail over between.
                    return xs.into_iter().next().unwrap_or(Expr::All(Vec::new()));
                }
                let mut common = xs[0].series_leaves();
                for x in &xs[1..] {
                    let s = x.series_leaves();
                    common.retain(|c| s.contains(c));
                }
                if common.is_empty() {
                    return Expr::Any(xs, *switch);
                }
                let rest: Vec<Expr> = xs
                    .into_iter()
                    .map(|x| match x {
                        Expr::Comp(_) => Expr::All(Vec::new()),
                        Expr::All(inner) => Expr::All(
                            inner
                                .into_iter()
                                .filter(|i| !matches!(i, Expr::Comp(c) if common.contains(c)))
                                .collect(),
                        ),
                        other => other,
                    })
                    .collect();
                let mut parts: Vec<Expr> = common.into_iter().map(Expr::Comp).collect();
                parts.push(Expr::Any(rest, *switch));
                Expr::All(parts).normalize()
            }
        }
    }

    /// Availability (a fraction) of a normalized path: series multiply, alternatives that
    /// take over by themselves combine as 1 − Π(1 − aᵢ); an alternative a person has to
    /// switch to adds nothing (the path is down until the switch). `None` when a part is
    /// unknown.
    pub fn availability(&self, sys: &System) -> Option<f64> {
        match self {
            Expr::Comp(c) => component_availability(sys, *c),
            Expr::Unknown(_) | Expr::UnknownIn(..) => None,
            Expr::All(xs) => xs.iter().map(|x| x.availability(sys)).product(),
            Expr::Any(
                xs,
                Switch::Failover {
                    automatic: false, ..
                },
            ) => xs.first().and_then(|x| x.availability(sys)),
            Expr::Any(xs, _) => {
                let down: Option<f64> = xs
                    .iter()
                    .map(|x| x.availability(sys).map(|a| 1.0 - a))
                    .product();
                down.map(|d| 1.0 - d)
            }
        }
    }

    /// The components of the path, in order (a component on it twice is listed twice when
    /// they are far apart: callers that need a set sort and dedup).
    pub fn components(&self, out: &mut Vec<CompId>) {
        match self {
            Expr::Comp(c) => {
                if out.last() != Some(c) {
                    out.push(*c)
                }
            }
            Expr::All(xs) | Expr::Any(xs, _) => xs.iter().for_each(|x| x.components(out)),
            Expr::Unknown(_) | Expr::UnknownIn(..) => {}
        }
    }

    /// The reasons the path is partly unknown.
    pub fn unknowns(&self, out: &mut Vec<String>) {
        match self {
            Expr::Unknown(why) | Expr::UnknownIn(why, _) => {
                if !out.contains(why) {
                    out.push(why.clone())
                }
            }
            Expr::All(xs) | Expr::Any(xs, _) => xs.iter().for_each(|x| x.unknowns(out)),
            Expr::Comp(_) => {}
        }
    }
}

/// A component's availability: its figure for one copy, and its copies in several regions
/// combined when they take over by themselves (active copies, or an automatic failover).
pub fn component_availability(sys: &System, id: CompId) -> Option<f64> {
    let c = &sys.components[id];
    let one = sys.figures.availability(c.figure?)?;
    let copies = match &c.place {
        Place::Global => return Some(one),
        Place::Copies(copies) => copies,
    };
    let automatic = c.region_failover.as_ref().is_some_and(|f| f.automatic);
    let regions: BTreeSet<Option<&str>> = copies
        .iter()
        .filter(|copy| !copy.standby || automatic)
        .map(|copy| copy.region.as_deref())
        .collect();
    let k = regions.len().max(1) as i32;
    Some(1.0 - (1.0 - one).powi(k))
}

impl Name {
    /// What `lost` does to the name: resolvers ask any of its DNS providers, so the name
    /// answers while one provider is up, and every provider that is up must answer with a
    /// path that works (resolvers that ask a provider with a dead answer get it).
    pub fn eval(&self, sys: &System, lost: Lost<'_>) -> Outcome {
        let mut o = Outcome::up();
        let mut up = 0;
        let mut any_unknown = false;
        for (provider, answer) in &self.answers {
            let p = component(sys, *provider, lost);
            if !p.health.alive() {
                o.notes.extend(p.notes);
                any_unknown |= p.health == Health::Unknown;
                merge(&mut o.down, p.down);
                continue;
            }
            up += 1;
            let a = answer.eval(sys, lost);
            if a.health == Health::Down && self.answers.len() >= 2 {
                o.notes.push(format!(
                    "resolvers that ask {} get an answer that does not work",
                    sys.components[*provider].key.trim_start_matches("dns:")
                ));
            }
            o.and(a);
        }
        let hosting: Vec<&str> = self
            .also_hosted
            .iter()
            .filter(|p| component(sys, **p, lost).health.alive())
            .map(|p| sys.components[*p].key.trim_start_matches("dns:"))
            .collect();
        if up == 0 && !hosting.is_empty() {
            o.health = Health::Unknown;
            o.notes.push(format!(
                "{} also hosts the zone of {}, but the scan holds no record of it there (records synced by zone transfer or another tool would answer)",
                hosting.join(", "),
                self.fqdn
            ));
        } else if up == 0 {
            o.health = if any_unknown {
                Health::Unknown
            } else {
                Health::Down
            };
            o.notes
                .push(format!("no DNS provider of {} answers", self.fqdn));
        } else if up == 1 && self.answers.len() >= 2 && o.health == Health::Up {
            o.health = Health::Reduced;
        }
        o
    }

    /// Availability: the providers in parallel, times the mean of their answers' (each
    /// resolver asks one provider).
    pub fn availability(&self, sys: &System) -> Option<f64> {
        let providers: Option<f64> = self
            .answers
            .iter()
            .map(|(p, _)| component_availability(sys, *p).map(|a| 1.0 - a))
            .product();
        let answers: Option<Vec<f64>> = self
            .answers
            .iter()
            .map(|(_, a)| a.normalize().availability(sys))
            .collect();
        let answers = answers?;
        if answers.is_empty() {
            return None;
        }
        let mean = answers.iter().sum::<f64>() / answers.len() as f64;
        Some((1.0 - providers?) * mean)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::system::{CompKind, Component, System};

    fn comp(key: &str, figure: &'static str) -> Component {
        let mut c = Component::new(key.to_string(), CompKind::Compute, None, Place::Global);
        c.figure = Some(figure);
        c
    }

    fn system(comps: Vec<Component>) -> System {
        System {
            components: comps,
            figures: super::super::figures::shipped().clone(),
            ..System::default()
        }
    }

    fn close(a: f64, b: f64) {
        assert!((a - b).abs() < 1e-12, "{a} != {b}");
    }

    #[test]
    fn series_multiply_and_parallel_combine() {
        // 99.99% (ELB) and 99.95% (EKS) in series: 0.9999 × 0.9995.
        let sys = system(vec![comp("a", "aws_elb"), comp("b", "aws_eks")]);
        let all = Expr::All(vec![Expr::Comp(0), Expr::Comp(1)]);
        close(all.availability(&sys).unwrap(), 0.9999 * 0.9995);
        // Two 99.5% copies that take over by themselves: 1 − 0.005² = 0.999975.
        let sys = system(vec![
            comp("a", "aws_ec2_single_az"),
            comp("b", "aws_ec2_single_az"),
        ]);
        let any = Expr::Any(
            vec![Expr::Comp(0), Expr::Comp(1)],
            Switch::Balanced { detect: 90 },
        );
        close(any.availability(&sys).unwrap(), 0.999975);
        // A standby a person switches to adds nothing.
        let manual = Expr::Any(
            vec![Expr::Comp(0), Expr::Comp(1)],
            Switch::Failover {
                detect: 90,
                then: 60,
                automatic: false,
            },
        );
        close(manual.availability(&sys).unwrap(), 0.995);
    }

    #[test]
    fn a_shared_component_counts_once() {
        // Any(All(lb1, db), All(lb2, db)) = db × (1 − (1 − lb)²), not 1 − (1 − lb·db)².
        let sys = system(vec![
            comp("lb1", "aws_elb"),
            comp("lb2", "aws_elb"),
            comp("db", "aws_rds_multi_az"),
        ]);
        let path = Expr::Any(
            vec![
                Expr::All(vec![Expr::Comp(0), Expr::Comp(2)]),
                Expr::All(vec![Expr::Comp(1), Expr::Comp(2)]),
            ],
            Switch::Balanced { detect: 0 },
        );
        let n = path.normalize();
        assert_eq!(
            n,
            Expr::All(vec![
                Expr::Comp(2),
                Expr::Any(
                    vec![Expr::Comp(0), Expr::Comp(1)],
                    Switch::Balanced { detect: 0 }
                )
            ])
        );
        close(
            n.availability(&sys).unwrap(),
            0.9995 * (1.0 - 0.0001f64 * 0.0001),
        );
        assert_eq!(Expr::Unknown("x".into()).availability(&sys), None);
    }

    #[test]
    fn copies_in_regions() {
        let mut c = comp("t", "aws_dynamodb");
        c.place = Place::Copies(vec![
            Copy {
                region: Some("us-east-1".into()),
                zones: Zones::Managed,
                standby: false,
            },
            Copy {
                region: Some("us-west-2".into()),
                zones: Zones::Managed,
                standby: false,
            },
        ]);
        let sys = system(vec![c]);
        close(
            component_availability(&sys, 0).unwrap(),
            1.0 - 0.0001f64 * 0.0001,
        );
        let lost = [Domain::Region("us-east-1".into())];
        let o = component(&sys, 0, Lost { domains: &lost });
        assert_eq!(o.health, Health::Reduced);
        let both = [
            Domain::Region("us-east-1".into()),
            Domain::Region("us-west-2".into()),
        ];
        assert_eq!(
            component(&sys, 0, Lost { domains: &both }).health,
            Health::Down
        );
    }
}
