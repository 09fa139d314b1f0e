//! Integration tests of the triage desk: trailer adding against the real `git`, the store
//! (crash safety, lock, carry-over) and the command line.
mod cli;
mod concurrency;
mod desk;
mod export_plan;
mod fixtures;
mod git_trailers;
mod identity;
mod store;
