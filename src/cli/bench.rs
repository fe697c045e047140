//! `temoin bench`: the benchmark (docs/PERFORMANCE.md).

use super::{print_json, CliError, CliResult};
use clap::Subcommand;
use std::ffi::OsString;
use std::path::PathBuf;
use std::process::{ExitCode, Stdio};
use std::time::Instant;
use temoin_bench::{self as bench, ChildRun, Host, Options, Report};

#[derive(Subcommand)]
pub enum Command {
    /// Measure temoin against the cost of its own cryptography: generate
    /// realistic signed statements, ingest, audit, prove, open (like
    /// `openssl speed`, to size a machine).
    #[command(
        after_long_help = "Example:\n  temoin bench --entries 10000\n  temoin bench serve --clients 64 --statements 20000 --json",
        args_conflicts_with_subcommands = true
    )]
    Bench {
        #[command(subcommand)]
        what: Option<BenchWhat>,
        /// Entries in the archive at the end.
        #[arg(long, default_value_t = 100_000)]
        entries: u64,
        /// Enrolled authors (one in five a reviewer).
        #[arg(long, default_value_t = 20)]
        authors: usize,
        /// Build the archive in DIR (new or empty) and keep it; default: a
        /// temporary directory, removed at the end.
        #[arg(long, value_name = "DIR")]
        dir: Option<PathBuf>,
        /// Statements per ingest batch (one durable write each).
        #[arg(long, default_value_t = 256)]
        batch_size: usize,
        /// Seed of the generated keys and statements.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// No progress bar (there is none either when stderr is not a terminal).
        #[arg(long, short)]
        quiet: bool,
    },
    /// One phase of `temoin bench`, run by the bench in a child process so
    /// that its peak memory is its own. Prints JSON.
    #[command(hide = true)]
    #[command(after_long_help = "Example:\n  temoin bench-phase audit --archive ./bench-archive")]
    BenchPhase {
        /// audit
        phase: String,
        #[command(flatten)]
        archive: super::ArchiveArg,
    },
}

/// The other benches.
#[derive(Subcommand)]
pub enum BenchWhat {
    /// Measure the server: submissions through HTTP on loopback, each
    /// acknowledged once durable, from many clients at once, against the
    /// bulk ingest of the same statements in the same run.
    #[command(
        after_long_help = "Example:\n  temoin bench serve --clients 64 --statements 20000 --json"
    )]
    Serve {
        /// Clients submitting at once, each on its own connection.
        #[arg(long, default_value_t = 64)]
        clients: usize,
        /// Statements submitted in all.
        #[arg(long, default_value_t = 20_000)]
        statements: usize,
        /// Seed of the generated keys.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

fn bench_serve(clients: usize, statements: usize, seed: u64, json: bool) -> CliResult {
    let r = temoin_server::bench::run(statements.max(1), clients, seed)
        .map_err(|e| CliError::failed(e.to_string()))?;
    if json {
        print_json(&r)?;
    } else {
        println!(
            "{} statements, {} clients, {} cores\nserved: {:.0} submissions/s (p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms), {} flushes ({:.1} statements each)\nbulk ingest: {:.0} statements/s; served/bulk {:.2}",
            r.statements, r.clients, r.cores, r.submissions_per_s, r.submit_ms_p50, r.submit_ms_p99,
            r.submit_ms_max, r.flushes, r.statements_per_flush, r.ingest_per_s, r.served_to_bulk
        );
    }
    Ok(ExitCode::SUCCESS)
}

pub fn run(cmd: Command) -> CliResult {
    let (entries, authors, dir, batch_size, seed, json, quiet) = match cmd {
        Command::Bench {
            what:
                Some(BenchWhat::Serve {
                    clients,
                    statements,
                    seed,
                    json,
                }),
            ..
        } => return bench_serve(clients, statements, seed, json),
        Command::Bench {
            what: None,
            entries,
            authors,
            dir,
            batch_size,
            seed,
            json,
            quiet,
        } => (entries, authors, dir, batch_size, seed, json, quiet),
        Command::BenchPhase { phase, archive } => {
            let out = bench::run_phase(&phase, &archive.archive)
                .map_err(|e| CliError::failed(e.to_string()))?;
            let ok = out.fault.is_none();
            println!(
                "{}",
                serde_json::to_string(&out)
                    .map_err(|e| CliError::failed(format!("cannot print JSON: {e}")))?
            );
            return Ok(if ok {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
    };
    let opts = Options {
        entries,
        authors,
        dir,
        batch: batch_size,
        seed,
    };
    let mut host = CliHost {
        bar: super::progress(0, "bench", quiet || json),
        phase: String::new(),
        exe: std::env::current_exe().ok(),
    };
    let report = bench::run(&opts, &mut host).map_err(|e| CliError::failed(e.to_string()))?;
    host.bar.finish_and_clear();
    if json {
        print_json(&report)?;
    } else {
        print_table(&report);
    }
    Ok(ExitCode::SUCCESS)
}

struct CliHost {
    bar: indicatif::ProgressBar,
    phase: String,
    exe: Option<PathBuf>,
}

impl Host for CliHost {
    fn progress(&mut self, phase: &str, done: u64, total: u64) {
        if self.phase != phase {
            self.phase = phase.to_string();
            self.bar.set_message(phase.to_string());
            self.bar.reset();
        }
        self.bar.set_length(total);
        self.bar.set_position(done);
    }

    fn run_child(&mut self, args: &[OsString]) -> Option<Result<ChildRun, String>> {
        let exe = self.exe.clone()?;
        Some(run_child(&exe, args))
    }
}

/// Run `exe args…` and wait for it.
fn run_child(exe: &std::path::Path, args: &[OsString]) -> Result<ChildRun, String> {
    let started = Instant::now();
    let out = std::process::Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run {}: {e}", exe.display()))?;
    Ok(ChildRun {
        wall: started.elapsed(),
        success: out.status.success(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    })
}

fn fmt_opt(v: Option<f64>, digits: usize) -> String {
    v.map(|x| format!("{x:.digits$}"))
        .unwrap_or_else(|| "missing".into())
}

fn print_table(r: &Report) {
    let rows: Vec<Vec<String>> = vec![
        vec![
            "raw_verify_strict_per_s".into(),
            format!("{:.0}", r.raw_verify_strict_per_s),
            "".into(),
        ],
        vec![
            "raw_sign_per_s".into(),
            format!("{:.0}", r.raw_sign_per_s),
            "".into(),
        ],
        vec![
            "ingest_per_s".into(),
            format!("{:.0}", r.ingest_per_s),
            format!("ratio {:.2} (target ≥ 0.75)", r.ingest_ratio),
        ],
        vec![
            "ingest_writer_us / ingest_sled_us".into(),
            format!("{:.1} / {:.1}", r.ingest_writer_us, r.ingest_sled_us),
            "µs per entry: the writer, and of it sled's apply_batch + flush".into(),
        ],
        vec![
            "ingest_one_ms_p50/p99".into(),
            format!("{:.2} / {:.2}", r.ingest_one_ms_p50, r.ingest_one_ms_p99),
            "".into(),
        ],
        vec![
            "audit_per_s".into(),
            format!("{:.0}", r.audit_per_s),
            format!("ratio {:.2} (target ≥ 0.8)", r.audit_ratio),
        ],
        vec![
            "rebuild_per_s".into(),
            fmt_opt(r.rebuild_per_s, 0),
            "target ≥ 300000".into(),
        ],
        vec![
            "as_of_ms".into(),
            fmt_opt(r.as_of_ms, 1),
            "target ≤ 1000".into(),
        ],
        vec![
            "proof_us".into(),
            format!("{:.1}", r.proof_us),
            format!("target ≤ 100; warm {:.1}", r.proof_us_warm),
        ],
        vec![
            "export_ms".into(),
            fmt_opt(r.export_ms, 1),
            format!(
                "{} entries; target ≤ 50 for 100",
                r.export_entries
                    .map(|n| n.to_string())
                    .unwrap_or_else(|| "?".into())
            ),
        ],
        vec![
            "verify_bundle_ms".into(),
            fmt_opt(r.verify_bundle_ms, 1),
            "".into(),
        ],
        vec![
            "open_ms".into(),
            format!("{:.1}", r.open_ms),
            format!(
                "target ≤ 1000; first after the ingest {:.1}",
                r.open_ms_first
            ),
        ],
        vec![
            "peak_rss_mb".into(),
            format!("{:.0}", r.peak_rss_mb),
            format!(
                "target ≤ 300; {}",
                r.peak_rss_mb_by_phase
                    .iter()
                    .map(|(k, v)| format!("{k} {v:.0}"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        ],
        vec![
            "disk_bytes_per_entry".into(),
            format!("{:.0}", r.disk_bytes_per_entry),
            format!(
                "{:.2} × raw ({:.0} B/entry; target ≤ 3)",
                r.disk_per_raw, r.raw_bytes_per_entry
            ),
        ],
    ];
    println!(
        "temoin bench: {} entries, {} authors, {} cores, batches of {}",
        r.entries, r.authors, r.cores, r.batch_size
    );
    super::table(&["figure", "value", "notes"], &rows);
    for (k, why) in &r.missing {
        println!("missing {k}: {why}");
    }
}
