//! `temoin`: the command line. Parsing and printing only; the work is done
//! by the `temoin` library. Exit codes: 0 ok, 1 verification failure or
//! refusal, 2 usage error.

mod cli;

/// mimalloc rather than glibc's malloc: sled and the decoders allocate
/// small buffers on every core at once, and glibc's arenas and their locks
/// took a visible share of an audit (figures in docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory as _, Parser, Subcommand};
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
    /// Read the passphrase of a protected key file (or, when a key is
    /// written, its new passphrase) from the first line of FILE instead of
    /// asking on the terminal.
    #[arg(long, global = true, value_name = "FILE")]
    passphrase_file: Option<std::path::PathBuf>,
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
    #[command(flatten)]
    Sealed(cli::sealed::Command),
    #[command(flatten)]
    Habits(cli::habits::Command),
}

/// A closed standard output (`temoin log | head -1`, once `head` has
/// read its line) ends the process at the next write, as it does git, cat
/// and every filter: the kernel's SIGPIPE, which Rust sets to be ignored
/// before `main`, so that `println!` would panic instead (exit 101). One
/// setting covers every command and every write. Nothing is lost by
/// ending there: temoin acknowledges a write only once it is durable, so
/// the archive is as after an interrupt (Ctrl-C), and a command dies only
/// when something is printed, after the work the line reports.
fn restore_sigpipe() {
    #[cfg(unix)]
    // SAFETY: called first in `main`, before any thread exists; SIG_DFL is
    // a valid disposition for SIGPIPE.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    restore_sigpipe();
    let cli = Cli::parse();
    cli::secret::set_passphrase_file(cli.passphrase_file);
    let result = match cli.command {
        Command::Core(c) => cli::core::run(c),
        Command::Domain(c) => cli::domain::run(c),
        Command::Bench(c) => cli::bench::run(c),
        Command::Evidence(c) => cli::evidence::run(c),
        Command::Sealed(c) => cli::sealed::run(c),
        Command::Habits(c) => cli::habits::run(c, Cli::command()),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("temoin: {e}");
            ExitCode::from(e.code)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Cli;
    use clap::CommandFactory as _;

    /// What is missing from the help of `cmd` and its subcommands: an
    /// option without help text, a command whose long help ends without
    /// an example.
    fn missing_help(cmd: &clap::Command, path: &str, out: &mut Vec<String>) {
        for a in cmd.get_arguments() {
            let id = a.get_id().as_str();
            if matches!(id, "help" | "version") {
                continue;
            }
            if a.get_help().is_none() && a.get_long_help().is_none() {
                out.push(format!("{path}: argument {id} has no help text"));
            }
        }
        let is_group = cmd.has_subcommands();
        let example = cmd
            .get_after_long_help()
            .or(cmd.get_after_help())
            .map(|h| h.to_string());
        // A command that only groups others (`temoin key`) shows its
        // subcommands' examples; each leaf command ends with one.
        if !is_group && !example.is_some_and(|e| e.trim_start().starts_with("Example")) {
            out.push(format!(
                "{path}: its long help does not end with an example"
            ));
        }
        for sub in cmd.get_subcommands() {
            if sub.get_name() == "help" {
                continue;
            }
            missing_help(sub, &format!("{path} {}", sub.get_name()), out);
        }
    }

    #[test]
    fn every_option_has_help_and_every_command_an_example() {
        let mut cmd = Cli::command();
        cmd.build();
        cmd.clone().debug_assert();
        let mut missing = Vec::new();
        missing_help(&cmd, "temoin", &mut missing);
        assert!(
            missing.is_empty(),
            "{} gaps:\n{}",
            missing.len(),
            missing.join("\n")
        );
    }
}
