//! `temoin`: the command line. Parsing and printing only; the work is done
//! by the `temoin` library. Exit codes: 0 ok, 1 verification failure or
//! refusal, 2 usage error.

mod cli;

/// mimalloc rather than glibc's malloc: sled and the decoders allocate
/// small buffers on every core at once, and glibc's arenas spent 10–15 %
/// of an audit in `malloc`/`free` and their locks (perf, 100k entries).
/// Measured with `temoin bench --entries 30000`: ingest 11,400 → 13,200
/// entries/s, rebuild 44,000 → 47,000/s.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "temoin",
    version,
    about = "An evidence-grade archive of signed testimonies",
    long_about = "temoin keeps testimonies as statements signed by their authors, appended to a \
                  hash-chained, Merkle-tree log with signed checkpoints, and rebuilds each \
                  incident's state from that log with the sources of every figure.\n\n\
                  Exit codes: 0 ok, 1 verification failure or refusal, 2 usage error."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    #[command(flatten)]
    Core(cli::core::Command),
    #[command(flatten)]
    Domain(cli::domain::Command),
    #[command(flatten)]
    Bench(cli::bench::Command),
    #[command(flatten)]
    Evidence(cli::evidence::Command),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Core(c) => cli::core::run(c),
        Command::Domain(c) => cli::domain::run(c),
        Command::Bench(c) => cli::bench::run(c),
        Command::Evidence(c) => cli::evidence::run(c),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("temoin: {e}");
            ExitCode::from(e.code)
        }
    }
}
