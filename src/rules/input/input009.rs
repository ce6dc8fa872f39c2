//! Problems with the input files themselves, found while reading them (see `crate::ingest`).

use crate::rules::prelude::*;

pub fn check(cx: &mut RuleCx) {
    cx.report_input_issues();
}
