//! Fuzz target `state`: the body is `patchdesk::fuzzing::state`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::state(data));
