//! Fuzz target `diff`: the body is `patchdesk::fuzzing::diff`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::diff(data));
