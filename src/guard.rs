//! Panic guards: a bug met in one unit of work (a file, a root module, a chart, a rule, a
//! report format) costs that unit only. The unit's panic becomes a message that the scan
//! reports as an INPUT007 finding, and the rest of the scan goes on.

use std::any::Any;
use std::cell::{Cell, RefCell};
use std::panic::{AssertUnwindSafe, catch_unwind};

thread_local! {
    /// How many guards are active on this thread.
    static GUARDS: Cell<u32> = const { Cell::new(0) };
    /// Where the last guarded panic on this thread happened.
    static LOCATION: RefCell<Option<String>> = const { RefCell::new(None) };
}

/// Installs a panic hook that, inside a guard, records where the panic happened instead of
/// printing a backtrace (the guard's finding says it); outside guards the previous hook runs.
/// The binary installs it; a library user (or a fuzzer) keeps its own hook.
pub fn install_hook() {
    let previous = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if GUARDS.with(Cell::get) > 0 {
            let at = info
                .location()
                .map(|l| format!("{}:{}", l.file(), l.line()));
            LOCATION.with(|l| *l.borrow_mut() = at);
        } else {
            previous(info);
        }
    }));
}

/// Panics when the environment variable `SPOFLINT_FAILPOINT` is `kind:name`: how tests reach
/// the guards (`read:deploy.yaml`, `terraform:infra`, `helm:charts/web`, `rule:COMPUTE001`,
/// `facts:`, `report:human`); `name` is only computed when the variable is set. Debug builds
/// only: a release binary has no failpoints.
pub fn failpoint<S: AsRef<str>>(kind: &str, name: impl FnOnce() -> S) {
    #[cfg(debug_assertions)]
    if let Some(v) = std::env::var_os("SPOFLINT_FAILPOINT")
        && let Some((k, n)) = v.to_str().and_then(|v| v.split_once(':'))
        && k == kind
    {
        let name = name();
        if n == name.as_ref() {
            panic!("failpoint `{kind}:{}`", name.as_ref());
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = (kind, name);
}

/// Runs `f`; a panic becomes `Err` with its message (and location, with [`install_hook`]).
pub fn run<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    GUARDS.with(|g| g.set(g.get() + 1));
    let result = catch_unwind(AssertUnwindSafe(f));
    GUARDS.with(|g| g.set(g.get().saturating_sub(1)));
    result.map_err(describe)
}

fn describe(payload: Box<dyn Any + Send>) -> String {
    let message = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "a panic without a message".to_string());
    match LOCATION.with(|l| l.borrow_mut().take()) {
        Some(at) => format!("{message} (at {at})"),
        None => message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_panic_becomes_its_message() {
        assert_eq!(run(|| 1), Ok(1));
        let e = run(|| -> u32 { panic!("boom {}", 7) }).unwrap_err();
        assert!(e.starts_with("boom 7"), "{e}");
        let e = run(|| -> u32 { std::panic::panic_any(5u8) }).unwrap_err();
        assert_eq!(e, "a panic without a message");
    }
}
