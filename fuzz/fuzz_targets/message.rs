//! Fuzz target `message`: the body is `patchdesk::fuzzing::message`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::message(data));
