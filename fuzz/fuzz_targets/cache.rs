//! Fuzz target `cache`: the body is `patchdesk::fuzzing::cache`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::cache(data));
