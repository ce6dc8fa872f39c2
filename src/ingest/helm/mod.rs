//! Helm charts (issue 4, in progress): the Go template parser is here; rendering, values
//! tracing and chart loading are not wired into scans yet, so charts are still reported as
//! skipped (INPUT003).

pub mod template;
