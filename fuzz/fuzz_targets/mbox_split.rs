//! Fuzz target `mbox_split`: the body is `patchdesk::fuzzing::mbox_split`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::mbox_split(data));
