//! Fuzz target `keymap`: the body is `patchdesk::fuzzing::keymap`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::keymap(data));
