//! INPUT006: a `spoflint:ignore` comment that is invalid or suppresses nothing. Suppressions
//! are matched after every rule has run, so this rule's findings come from
//! `crate::suppress::apply`, not from here.

use crate::rules::prelude::*;

pub fn check(_cx: &mut RuleCx) {}
