//! Which resources a package can report on, read from its rules: a body whose top-level
//! conjunct is `input.kind == "Deployment"` (or `=`, any `input...` path against a string)
//! fails for every resource whose field differs, so a package all of whose reporting bodies
//! hold such a guard is not evaluated for a resource that fails each of them. This is an
//! exact shortcut (the evaluation would give nothing), not a guess: a body without a guard
//! makes the package evaluated for every resource.

use regorus::unstable::{AssignOp, BoolOp, Expr, Literal, Rule, RuleHead};
use std::collections::BTreeMap;

/// The conditions of one body: (path under `input`, the strings it must equal one of), all
/// required.
pub type Conditions = Vec<(Vec<String>, Vec<String>)>;

/// The guards of a package: one list of conditions per body of its reporting rules; `None`
/// when some body (or a `default` rule) has none.
#[derive(Debug, Clone, Default)]
pub struct Guards(pub Option<Vec<Conditions>>);

impl Guards {
    /// Whether the package may report on an input whose string at a path `at` gives (false
    /// only when every body has a condition that the input fails; `at` gives `Some(None)` for
    /// no string there, `None` when it cannot tell).
    pub fn may_report(&self, at: impl Fn(&[String]) -> Option<Option<String>>) -> bool {
        let Some(bodies) = &self.0 else { return true };
        bodies.iter().any(|conditions| {
            conditions.iter().all(|(path, want)| match at(path) {
                None => true,
                Some(found) => found.is_some_and(|s| want.contains(&s)),
            })
        })
    }
}

/// `input.a.b` (or `input["a"].b`) as its path of keys.
fn input_path(e: &Expr) -> Option<Vec<String>> {
    match e {
        Expr::Var { span, .. } if span.text() == "input" => Some(Vec::new()),
        Expr::RefDot { refr, field, .. } => {
            let mut p = input_path(refr)?;
            p.push(field.1.as_string().ok()?.to_string());
            Some(p)
        }
        Expr::RefBrack { refr, index, .. } => {
            let mut p = input_path(refr)?;
            p.push(string(index)?);
            Some(p)
        }
        _ => None,
    }
}

fn string(e: &Expr) -> Option<String> {
    match e {
        Expr::String { value, .. } | Expr::RawString { value, .. } => {
            Some(value.as_string().ok()?.to_string())
        }
        _ => None,
    }
}

/// The strings of a set or array literal of strings, or of a package rule whose value is one
/// (`kinds := {"Deployment", "StatefulSet"}`).
fn strings(e: &Expr, constants: &BTreeMap<String, Vec<String>>) -> Option<Vec<String>> {
    match e {
        Expr::Set { items, .. } | Expr::Array { items, .. } => {
            items.iter().map(|i| string(i)).collect()
        }
        Expr::Var { span, .. } => constants.get(span.text()).cloned(),
        _ => None,
    }
}

/// The condition a top-level expression sets, if it is `input.path == "string"` (or `=`),
/// or `input.path in {"a", "b"}` (a literal, or a package rule holding one).
fn condition(
    e: &Expr,
    constants: &BTreeMap<String, Vec<String>>,
) -> Option<(Vec<String>, Vec<String>)> {
    if let Expr::Membership {
        key: None,
        value,
        collection,
        ..
    } = e
    {
        let path = input_path(value).filter(|p| !p.is_empty())?;
        return Some((path, strings(collection, constants)?));
    }
    let (lhs, rhs) = match e {
        Expr::BoolExpr {
            op: BoolOp::Eq,
            lhs,
            rhs,
            ..
        } => (lhs, rhs),
        Expr::AssignExpr {
            op: AssignOp::Eq,
            lhs,
            rhs,
            ..
        } => (lhs, rhs),
        _ => return None,
    };
    match (input_path(lhs), string(rhs), input_path(rhs), string(lhs)) {
        (Some(p), Some(s), _, _) | (_, _, Some(p), Some(s)) if !p.is_empty() => Some((p, vec![s])),
        _ => None,
    }
}

/// The package rules defined once as a set or array of strings, by name.
fn constants(rules: &[&Rule]) -> BTreeMap<String, Vec<String>> {
    let mut seen: BTreeMap<String, Option<Vec<String>>> = BTreeMap::new();
    for rule in rules {
        let Rule::Spec { head, bodies, .. } = rule else {
            continue;
        };
        let RuleHead::Compr {
            refr,
            assign: Some(assign),
            ..
        } = head
        else {
            continue;
        };
        let Expr::Var { span, .. } = refr.as_ref() else {
            continue;
        };
        let value = bodies
            .is_empty()
            .then(|| strings(&assign.value, &BTreeMap::new()))
            .flatten();
        seen.entry(span.text().to_string())
            .and_modify(|v| *v = None)
            .or_insert(value);
    }
    seen.into_iter()
        .filter_map(|(k, v)| Some((k, v?)))
        .collect()
}

/// The guards of the rules named `names` in `rules` (every module of one package).
pub fn of<'a>(rules: impl Iterator<Item = &'a Rule>, names: &[&str]) -> Guards {
    let rules: Vec<&Rule> = rules.collect();
    let constants = constants(&rules);
    let mut bodies = Vec::new();
    for rule in rules {
        let (head, rule_bodies) = match rule {
            Rule::Spec { head, bodies, .. } => (head, bodies),
            Rule::Default { refr, .. } => {
                let name = super::rule_name(refr.span().text());
                if names.contains(&name.as_str()) {
                    return Guards(None);
                }
                continue;
            }
        };
        let span = match head {
            RuleHead::Compr { span, .. }
            | RuleHead::Set { span, .. }
            | RuleHead::Func { span, .. } => span,
        };
        let name: String = super::rule_name(span.text());
        if !names.contains(&name.as_str()) {
            continue;
        }
        if rule_bodies.is_empty() {
            return Guards(None);
        }
        for body in rule_bodies {
            let conditions: Conditions = body
                .query
                .stmts
                .iter()
                .filter(|s| s.with_mods.is_empty())
                .filter_map(|s| match &s.literal {
                    Literal::Expr { expr, .. } => condition(expr, &constants),
                    _ => None,
                })
                .collect();
            if conditions.is_empty() {
                return Guards(None);
            }
            bodies.push(conditions);
        }
    }
    Guards(Some(bodies))
}
