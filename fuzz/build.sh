#!/bin/sh
# Builds the fuzz targets with libFuzzer on the stable toolchain (the coverage flags cargo-fuzz
# would pass, all of them stable), into fuzz/target/x86_64-unknown-linux-gnu/release/<target>.
set -eu
cd "$(dirname "$0")"
export RUSTFLAGS="--cfg fuzzing -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
-Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
-Cllvm-args=-sanitizer-coverage-trace-compares -Cdebug-assertions -Coverflow-checks"
# An explicit target keeps these flags off build scripts and proc macros.
exec cargo build --release --bins --target x86_64-unknown-linux-gnu "$@"
