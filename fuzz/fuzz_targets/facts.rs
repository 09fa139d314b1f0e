//! Fuzz target `facts`: the body is `patchdesk::fuzzing::facts`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::facts(data));
