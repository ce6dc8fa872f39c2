//! The shipped figures (`figures.yaml`, embedded): availability per kind of component and
//! detection and recovery times, each with its source. A scan's figures are these with the
//! configuration's overrides applied.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use serde::Serialize;

use super::settings::SystemSettings;
use crate::model::SourceFile;

/// The data file, as shipped.
pub const DATA: &str = include_str!("figures.yaml");

#[derive(Debug, Clone, Serialize)]
pub struct Figure {
    /// Percent for availability figures; seconds (or a count) for times.
    pub value: f64,
    pub what: String,
    pub source: String,
}

#[derive(Debug, Clone, Default)]
pub struct Figures {
    pub availability: BTreeMap<String, Figure>,
    pub seconds: BTreeMap<String, Figure>,
}

/// The shipped figures, parsed once. A broken data file is a build defect, caught by the
/// tests; at run time it leaves the tables empty and every estimate unknown.
pub fn shipped() -> &'static Figures {
    static FIGURES: OnceLock<Figures> = OnceLock::new();
    FIGURES.get_or_init(|| parse(DATA).unwrap_or_default())
}

fn parse(text: &str) -> Result<Figures, String> {
    let file = SourceFile::new("figures.yaml".to_string(), Arc::from(text));
    let parsed = crate::ingest::yaml::parse(&file);
    if let Some(e) = parsed.error {
        return Err(e.message);
    }
    let doc = parsed.documents.first().ok_or("empty")?;
    let root = doc.tree.val(doc.root);
    let mut out = Figures::default();
    for (section, value_key, table) in [
        ("availability", "percent", &mut out.availability),
        ("seconds", "value", &mut out.seconds),
    ] {
        let entries = root.get(section).ok_or(format!("no `{section}`"))?;
        for (key, v) in entries.entries() {
            let text = |k: &str| {
                v.get(k)
                    .and_then(|x| x.scalar_text())
                    .ok_or(format!("{section}.{key} lacks `{k}`"))
            };
            let value: f64 = text(value_key)?
                .parse()
                .map_err(|_| format!("{section}.{key}.{value_key} is not a number"))?;
            table.insert(
                key.to_string(),
                Figure {
                    value,
                    what: text("what")?,
                    source: text("source")?,
                },
            );
        }
    }
    Ok(out)
}

impl Figures {
    /// The shipped figures with the configuration's overrides; an override's source says so.
    pub fn with(settings: &SystemSettings) -> Figures {
        let mut f = shipped().clone();
        let set = |table: &mut BTreeMap<String, Figure>, key: &str, value: f64| {
            let what = table.get(key).map(|x| x.what.clone()).unwrap_or_default();
            table.insert(
                key.to_string(),
                Figure {
                    value,
                    what,
                    source: "set in the configuration (system.figures / system.seconds)".into(),
                },
            );
        };
        for (k, v) in &settings.figures {
            set(&mut f.availability, k, *v);
        }
        for (k, v) in &settings.seconds {
            set(&mut f.seconds, k, *v as f64);
        }
        if let Some(r) = settings.response_time {
            set(&mut f.seconds, "manual_response", r as f64);
        }
        f
    }

    /// An availability figure as a fraction (0.9999); `None` for an unknown key.
    pub fn availability(&self, key: &str) -> Option<f64> {
        self.availability.get(key).map(|f| f.value / 100.0)
    }

    /// A time figure in seconds (0 for an unknown key, which the tests rule out).
    pub fn secs(&self, key: &str) -> u64 {
        self.seconds.get(key).map_or(0, |f| f.value.max(0.0) as u64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_file_parses_and_every_figure_is_sourced() {
        let f = parse(DATA).expect("figures.yaml parses");
        assert!(f.availability.len() >= 20);
        for (k, fig) in f.availability.iter().chain(&f.seconds) {
            assert!(
                fig.source.starts_with("https://") || fig.source.starts_with("assumption"),
                "{k}: {}",
                fig.source
            );
            assert!(!fig.what.is_empty(), "{k}");
        }
        for fig in f.availability.values() {
            assert!((0.0..=100.0).contains(&fig.value));
        }
    }

    /// Every figure the system code names is in the data file: an unknown key would be an
    /// unknown availability, or a time of 0 s.
    #[test]
    fn every_figure_named_in_the_code_is_shipped() {
        let f = parse(DATA).unwrap();
        let code = [include_str!("build.rs"), include_str!("eval.rs")].concat();
        let re = regex::Regex::new(r#"secs\("([a-z0-9_]+)"\)"#).unwrap();
        let mut seconds = 0;
        for c in re.captures_iter(&code) {
            assert!(f.seconds.contains_key(&c[1]), "seconds: {}", &c[1]);
            seconds += 1;
        }
        assert!(seconds >= 20, "{seconds}");
        // Availability keys are the string literals of the figure table's key shape.
        let re = regex::Regex::new(
            r#""((?:aws|pods|cloud|route53|cloudflare|google|azure|ns1)_[a-z0-9_]+)""#,
        )
        .unwrap();
        let mut availability = 0;
        for c in re.captures_iter(&code) {
            let key = &c[1];
            if f.seconds.contains_key(key) {
                continue;
            }
            assert!(f.availability.contains_key(key), "availability: {key}");
            availability += 1;
        }
        assert!(availability >= 20, "{availability}");
    }
}
