//! `temoin`: the command line. Parsing and printing only; the work is done
//! by the `temoin` library. Exit codes: 0 ok, 1 verification failure or
//! refusal, 2 usage error.

mod cli;

/// mimalloc rather than glibc's malloc: sled and the decoders allocate
/// small buffers on every core at once, and glibc's arenas and their locks
/// took a visible share of an audit (figures in docs/PERFORMANCE.md).
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

use clap::{CommandFactory as _, FromArgMatches as _, Parser, Subcommand};
use std::process::ExitCode;
use temoin::i18n::{self, Lang};

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
    /// The language of messages, tables, reports and help: fr or en.
    /// Without it, the locale's (LC_ALL, LC_MESSAGES, LANG); English when
    /// the locale names another language.
    #[arg(long, global = true, value_name = "LANG", value_parser = ["fr", "en"])]
    lang: Option<String>,
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
    #[command(flatten)]
    Access(cli::access::Command),
    #[command(flatten)]
    Server(cli::server::Command),
    #[command(flatten)]
    Witness(cli::witness::Command),
    #[command(flatten)]
    Tiles(cli::tiles::Command),
    #[command(flatten)]
    Timestamp(cli::timestamp::Command),
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
    let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
    let lang = cli::lang::from_args(&args).unwrap_or_else(Lang::from_locale);
    i18n::set_current(lang);
    let matches = match cli::lang::localize(Cli::command(), lang).try_get_matches_from(args) {
        Ok(m) => m,
        Err(e) => match cli::lang::clap_error(&e, lang) {
            Some(said) => {
                eprintln!("{said}");
                return ExitCode::from(2);
            }
            None => e.exit(),
        },
    };
    let cli = match Cli::from_arg_matches(&matches) {
        Ok(cli) => cli,
        Err(e) => e.exit(),
    };
    cli::secret::set_passphrase_file(cli.passphrase_file);
    let result = match cli.command {
        Command::Core(c) => cli::core::run(c),
        Command::Domain(c) => cli::domain::run(c),
        Command::Bench(c) => cli::bench::run(c),
        Command::Evidence(c) => cli::evidence::run(c),
        Command::Sealed(c) => cli::sealed::run(c),
        Command::Habits(c) => cli::habits::run(c, cli::lang::localize(Cli::command(), lang)),
        Command::Access(c) => cli::access::run(c),
        Command::Server(c) => cli::server::run(c),
        Command::Witness(c) => cli::witness::run(c),
        Command::Tiles(c) => cli::tiles::run(c),
        Command::Timestamp(c) => cli::timestamp::run(c),
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

    /// Fluent text of `s`: braces escaped, lines indented, a line starting
    /// with a character Fluent reads as syntax protected.
    fn ftl_value(s: &str) -> String {
        let s = s.replace('{', "{\"{\"}").replace('}', "{\"}\"}");
        let s = s.replace("{\"{\"{\"}\"}", "{\"{\"}");
        let lines: Vec<String> = s
            .lines()
            .map(|l| {
                if l.trim_start().starts_with(['[', '*', '.']) {
                    format!("{{\"\"}}{l}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        if lines.len() == 1 {
            lines[0].clone()
        } else {
            let mut out = String::new();
            for l in lines {
                out.push_str("\n    ");
                out.push_str(&l);
            }
            out
        }
    }

    /// Writes the English help as a Fluent file, the skeleton a translator
    /// starts from: `TEMOIN_HELP_SKELETON=help.ftl cargo test --bin temoin
    /// -- --ignored help_skeleton`.
    #[test]
    #[ignore]
    fn help_skeleton() {
        let path = std::env::var("TEMOIN_HELP_SKELETON").expect("TEMOIN_HELP_SKELETON=FILE");
        let mut out = String::new();
        for (id, text) in crate::cli::lang::help_texts(&Cli::command()) {
            out.push_str(&format!("{id} = {}\n", ftl_value(&text)));
        }
        std::fs::write(path, out).unwrap();
    }

    /// French help exists for every command and option, and only for them.
    #[test]
    fn french_help_covers_every_command_and_option() {
        use temoin::i18n::Lang;
        let texts = crate::cli::lang::help_texts(&Cli::command());
        let ids: std::collections::BTreeSet<&str> = texts.iter().map(|(i, _)| i.as_str()).collect();
        let fr = Lang::Fr.help_loader();
        let missing: Vec<&str> = ids.iter().copied().filter(|id| !fr.has(id)).collect();
        assert!(
            missing.is_empty(),
            "no French help for {} ids:\n{}",
            missing.len(),
            missing.join("\n")
        );
        let ftl = include_str!("../i18n/fr/help.ftl");
        let stale: Vec<&str> = ftl
            .lines()
            .filter_map(|l| l.split_once(" = ").map(|(id, _)| id))
            .filter(|id| !id.starts_with([' ', '#']) && !ids.contains(id))
            .collect();
        assert!(
            stale.is_empty(),
            "French help for what no longer exists:\n{}",
            stale.join("\n")
        );
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
