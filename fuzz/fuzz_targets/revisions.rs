//! Fuzz target `revisions`: the body is `patchdesk::fuzzing::revisions`, which `cargo test`
//! replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::revisions(data));
