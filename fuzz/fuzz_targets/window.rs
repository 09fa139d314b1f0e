//! Fuzz target `window`: the body is `patchdesk::fuzzing::window`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::window(data));
