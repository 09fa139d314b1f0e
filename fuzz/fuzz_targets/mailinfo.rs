//! Fuzz target `mailinfo`: the body is `patchdesk::fuzzing::mailinfo`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::mailinfo(data));
