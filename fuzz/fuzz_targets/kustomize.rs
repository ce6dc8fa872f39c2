#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| spoflint::fuzzing::kustomize(data));
