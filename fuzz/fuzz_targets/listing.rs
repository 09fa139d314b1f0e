//! Fuzz target `listing`: the body is `patchdesk::fuzzing::listing`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::listing(data));
