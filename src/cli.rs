//! The command line: clap definitions of the subcommands and the code that runs them.
