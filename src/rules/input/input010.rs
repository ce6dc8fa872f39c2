//! INPUT010: a user policy (Rego) that cannot be used, or that failed or ran out of its bounds
//! while evaluating. Policies run after the built-in rules, so this rule's findings come from
//! `crate::policy` (through `lib::run_policies`), not from here.

use crate::rules::prelude::*;

pub fn check(_cx: &mut RuleCx) {}
