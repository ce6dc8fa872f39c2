//! SYSTEM001: the estimated availability of a public name (or entry point) is below the
//! `targets.availability` of the configuration.

use crate::rules::prelude::*;
use crate::system::eval::component_availability;
use crate::system::settings::show_percent as percent;

pub fn check(cx: &mut RuleCx) {
    let sys = cx.system;
    let Some(target) = sys.settings.targets.availability else {
        return;
    };
    for (i, root) in sys.estimate.roots.iter().enumerate() {
        let Some(a) = root.availability else {
            let at = sys
                .weakest_link(i)
                .and_then(|c| cx.component_label(c, ""))
                .or_else(|| sys.first_located(i).and_then(|c| cx.component_label(c, "")))
                .or_else(|| cx.target_label(0, ""));
            if let Some(at) = at {
                cx.cannot_judge(
                    at,
                    &root.root,
                    format!(
                        "its availability cannot be estimated: {}",
                        root.unknown.first().map_or("a part of its path is not known", String::as_str)
                    ),
                )
                .help("declare what the path needs under system.depends_on in .spoflint.yaml, or add the missing resources to the scan");
            }
            continue;
        };
        if a * 100.0 + 1e-9 >= target {
            continue;
        }
        let Some(weak) = sys.weakest_link(i) else {
            continue;
        };
        let c = sys.comp(weak);
        let own = component_availability(sys, weak).unwrap_or(1.0);
        // With a second copy of the weakest link that takes over by itself.
        let doubled = (a / own * (1.0 - (1.0 - own).powi(2))).min(1.0);
        let figure = c
            .figure
            .and_then(|k| sys.figures.availability.get(k))
            .map_or_else(String::new, |f| format!(" ({}: {})", f.what, f.source));
        let message = format!(
            "the estimated availability of {} is {}, below the {} target: its weakest link is {} at {}",
            root.root,
            percent(a),
            percent(target / 100.0),
            c.key,
            percent(own),
        );
        let help = format!(
            "give {} a redundant copy that takes over by itself (a second zone, Multi-AZ, a second load balancer or region behind health-checked DNS): with one, the estimate would be {}",
            c.key,
            percent(doubled)
        );
        let primary = cx
            .component_label(weak, format!("{} at {}{figure}", c.key, percent(own)))
            .or_else(|| {
                sys.first_located(i)
                    .and_then(|f| cx.component_label(f, format!("on the path of {}", root.root)))
            })
            .or_else(|| cx.target_label(0, "availability target"));
        let Some(primary) = primary else { continue };
        let target_label = cx.target_label(0, "availability target set here");
        let f = cx.report(primary, message).help(help);
        if let Some(l) = target_label {
            f.also(l);
        }
        if let Some(r) = c.res {
            f.on(r);
        }
    }
}
