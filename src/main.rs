//! The `patchdesk` binary: parse the command line, run the library, map errors to exit codes
//! (0 fine, 1 `check` found errors, 2 could not run).
use clap::Parser;
use std::process::ExitCode;

/// mimalloc: loading a large queue makes millions of small allocations on every core, where
/// it is markedly faster than the system allocator (see benches/throughput.rs).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = patchdesk::cli::Cli::parse();
    match patchdesk::cli::run(cli) {
        Ok(code) => ExitCode::from(u8::try_from(code).unwrap_or(2)),
        Err(err) => {
            eprintln!("patchdesk: {}", patchdesk::safe::Safe(&err.to_string()));
            ExitCode::from(2)
        }
    }
}
