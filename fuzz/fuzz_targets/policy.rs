//! Fuzz target `policy`: the body is `patchdesk::fuzzing::policy`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::policy(data));
