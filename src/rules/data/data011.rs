//! DATA011: an MSK cluster whose brokers' client subnets span fewer than `min_zones` zones,
//! or an MSK configuration whose replication settings let one broker's loss lose data or
//! stop writes (`default.replication.factor` below `min_replication_factor`,
//! `min.insync.replicas` below 2 or not below the replication factor).

use crate::model::Span;
use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    let p = params::Data011::of(cx);
    let (min, min_rf) = (p.min_zones as usize, p.min_replication_factor);
    cx.zones_below(&[aws::MSK_CLUSTER], 0, min, |r, zones| {
        (
            format!(
                "{} places its brokers in {}: {}",
                r.address,
                zones.spans(),
                if zones.at_most() == Some(1) {
                    "a zone outage stops every broker"
                } else {
                    "a zone outage leaves too few replicas of each partition to keep both durability and writes"
                }
            ),
            format!(
                "give broker_node_group_info.client_subnets one subnet in each of {min} availability zones (number_of_broker_nodes a multiple of {min})"
            ),
        )
    });
    let (model, facts) = (cx.model, cx.facts);
    for &id in facts.tf.of_type(aws::MSK_CONFIGURATION) {
        let r = model.tf(id);
        let Some(Some(attr)) = cx.known_attr(id, None, "server_properties") else {
            continue;
        };
        let Some(props) = attr.value.as_str() else {
            continue;
        };
        let text = &model.sources.get(r.source).text;
        let at = |key: &str, label: &str| {
            let span = property_span(text, attr.span, key).unwrap_or(attr.span);
            Label::new(r.source, span, label)
        };
        let rf = property(props, "default.replication.factor").map(|v| (v, v.parse::<i64>()));
        let isr = property(props, "min.insync.replicas").map(|v| (v, v.parse::<i64>()));
        for (key, value) in [
            ("default.replication.factor", &rf),
            ("min.insync.replicas", &isr),
        ] {
            if let Some((v, Err(_))) = value {
                cx.cannot_judge(
                    at(key, ""),
                    &r.address,
                    format!("`{key}={v}` is not a number"),
                )
                .on(id);
            }
        }
        let rf = rf.and_then(|(_, v)| v.ok());
        let isr = isr.and_then(|(_, v)| v.ok());
        if let Some(n) = rf.filter(|n| *n < min_rf) {
            cx.report(
                at("default.replication.factor", "replication factor"),
                format!(
                    "{} sets default.replication.factor={n}: a topic created with it keeps {} of each partition, so {}",
                    r.address,
                    if n == 1 { "one copy".to_string() } else { format!("{n} copies") },
                    if n <= 1 {
                        "losing one broker (or its zone) loses the partitions it holds"
                    } else {
                        "losing one broker leaves a single copy, and a second failure loses data"
                    }
                ),
            )
            .help(format!(
                "set default.replication.factor={min_rf} (one copy per zone) and min.insync.replicas=2"
            ))
            .on(id);
        }
        if let Some(m) = isr.filter(|m| *m < 2) {
            cx.report(
                at("min.insync.replicas", "acknowledged by one replica"),
                format!(
                    "{} sets min.insync.replicas={m}: a write acknowledged with acks=all may exist on one broker only, and is lost with that broker",
                    r.address
                ),
            )
            .help("set min.insync.replicas=2 with default.replication.factor=3")
            .on(id);
        }
        if let (Some(m), Some(n)) = (isr, rf)
            && m >= 2
            && m >= n
        {
            cx.report(
                at("min.insync.replicas", "no replica to spare"),
                format!(
                    "{} sets min.insync.replicas={m} with default.replication.factor={n}: every replica must acknowledge, so one broker down (or a rolling update) stops writes with acks=all",
                    r.address
                ),
            )
            .help("keep min.insync.replicas one below the replication factor (2 with 3)")
            .on(id);
        }
    }
}

/// The value of `key` in Java properties text (`key=value`, `key: value` or `key value`; the
/// last occurrence wins, as `java.util.Properties` reads it).
fn property<'t>(props: &'t str, key: &str) -> Option<&'t str> {
    props
        .lines()
        .filter_map(|line| {
            let line = line.trim_start();
            let rest = line.strip_prefix(key)?;
            let value = rest.trim_start().strip_prefix(['=', ':']).unwrap_or(rest);
            (rest.is_empty() || rest.starts_with([' ', '\t', '=', ':'])).then(|| value.trim())
        })
        .next_back()
}

/// The span of the line setting `key` in a literal (heredoc) `server_properties`, when the
/// attribute's text holds it.
fn property_span(text: &str, attr: Span, key: &str) -> Option<Span> {
    let body = text.get(attr.start..attr.end)?;
    let mut offset = attr.start;
    let mut found = None;
    for line in body.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if let Some(rest) = trimmed.strip_prefix(key)
            && (rest.is_empty() || rest.starts_with([' ', '\t', '=', ':']))
        {
            let start = offset + (line.len() - trimmed.len());
            found = Some(Span::new(start, offset + line.trim_end().len()));
        }
        offset += line.len();
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_are_read_like_java_properties() {
        let p = "auto.create.topics.enable = true\ndefault.replication.factor=2\n  min.insync.replicas: 1\ndefault.replication.factor.x=9\n";
        assert_eq!(property(p, "default.replication.factor"), Some("2"));
        assert_eq!(property(p, "min.insync.replicas"), Some("1"));
        assert_eq!(property(p, "num.partitions"), None);
        assert_eq!(property("a=1\na = 3", "a"), Some("3"));
        let text = "x = <<EOF\ndefault.replication.factor = 2\nEOF\n";
        let span = property_span(text, Span::new(4, text.len()), "default.replication.factor")
            .expect("found");
        assert_eq!(
            &text[span.start..span.end],
            "default.replication.factor = 2"
        );
    }
}
