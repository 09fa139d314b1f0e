//! Fuzz target `profile`: the body is `patchdesk::fuzzing::profile`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::profile(data));
