//! Fuzz target `archive`: the body is `patchdesk::fuzzing::archive`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::archive(data));
