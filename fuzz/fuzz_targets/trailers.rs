//! Fuzz target `trailers`: the body is `patchdesk::fuzzing::trailers`, which `cargo test` replays too.
#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| patchdesk::fuzzing::trailers(data));
