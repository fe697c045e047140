//! `temoin tiles` (publish the log as C2SP tlog-tiles), `temoin mirror`
//! (copy and verify a log from a tiles endpoint) and `verify --tiles`
//! (audit a tiles directory without the archive). docs/FORMAT.md §15.

use super::{print_json, ArchiveArg, CliError, CliResult};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;
use temoin::archive::Archive;
use temoin::t;
use temoin::tiles;

#[derive(Subcommand)]
pub enum Command {
    /// Publish the log as C2SP tlog-tiles in SITE: checkpoint, key,
    /// tile/… and payload/… (each entry's payload part; no other part).
    /// Writes only what is new (full tiles never change), each file
    /// atomically, the checkpoint last. Serve SITE with any static server.
    #[command(
        after_long_help = "Example:\n  temoin tiles --archive ./archive --out /var/www/log\n  temoin mirror --from http://log.example --out ./copy --archive-key \"$(cat /var/www/log/key)\""
    )]
    Tiles {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The site directory (new, or an earlier export of this archive).
        #[arg(long, value_name = "SITE")]
        out: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Copy a log from a tiles endpoint (temoin serve, or a static server
    /// of a `temoin tiles` directory) into DIR, verifying everything as
    /// `verify` does; a rerun fetches only what is new. A log that
    /// rewrote its history is refused and both checkpoints are kept in
    /// DIR/forks/.
    #[command(
        after_long_help = "Example:\n  temoin mirror --from http://127.0.0.1:8080 --out ./copy --archive-key checkpoint.key.pub\n  temoin verify --tiles ./copy"
    )]
    Mirror {
        /// The tiles endpoint's URL (http://host:port[/prefix]).
        #[arg(long, value_name = "URL")]
        from: String,
        /// The mirror directory (itself a tiles directory).
        #[arg(long, value_name = "DIR")]
        out: PathBuf,
        /// The archive's checkpoint key: a vkey (name+id+key) or a file
        /// holding one. Needed on the first copy; then pinned in DIR/key.
        #[arg(long, value_name = "VKEY")]
        archive_key: Option<String>,
        /// A file whose first line is a token (`temoin token add`), or set
        /// TEMOIN_TOKEN: a temoin server serves the payload bundles only
        /// to token holders, unless it runs with --public.
        #[arg(long, value_name = "FILE")]
        token_file: Option<PathBuf>,
        #[command(flatten)]
        witnesses: super::witness::PolicyArgs,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Tiles { archive, out, json } => export(&archive.archive, &out, json),
        Command::Mirror {
            from,
            out,
            archive_key,
            token_file,
            witnesses,
            json,
        } => {
            let token = super::remote::token(token_file.as_deref())?;
            let policy = witnesses.policy()?;
            mirror(
                &from,
                &out,
                archive_key.as_deref(),
                token.as_deref(),
                policy.as_ref(),
                json,
            )
        }
    }
}

fn failed(e: impl std::fmt::Display) -> CliError {
    CliError::failed(e.to_string())
}

fn export(dir: &Path, out: &Path, json: bool) -> CliResult {
    let archive = Archive::open_reader(dir)?;
    let vkey = archive.checkpoint_vkey()?;
    let report = tiles::export(archive.store(), &vkey, out).map_err(failed)?;
    if json {
        print_json(&serde_json::json!({"ok": true, "report": report}))?;
    } else {
        println!(
            "{}",
            t!(
                "tiles-written",
                dir = out.display().to_string(),
                size = report.size,
                written = report.written,
                kept = report.kept,
                bytes = report.bytes
            )
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// Largest tile answer read: a full entry bundle is at most 256 entries of
/// 64 KiB; a payload bundle, 256 payloads of 1 MiB.
const MAX_TILE: usize = 260 << 20;

fn mirror(
    from: &str,
    out: &Path,
    key: Option<&str>,
    token: Option<&str>,
    policy: Option<&temoin::cosignature::WitnessPolicy>,
    json: bool,
) -> CliResult {
    use temoin_server::client::{request, Call, ServerUrl, Unreachable};
    let server = ServerUrl::parse(from).map_err(CliError::usage)?;
    let pinned = key.map(super::evidence::parse_archive_key).transpose()?;
    let mut fetch = |path: &str| -> Result<Option<Vec<u8>>, Unreachable> {
        let path = format!("/{path}");
        let call = Call {
            limit: MAX_TILE,
            token,
            ..Call::get(&path)
        };
        let mut last = String::new();
        for attempt in 0..3 {
            if attempt > 0 {
                std::thread::sleep(Duration::from_millis(250 << attempt));
            }
            match request(&server, &call, Duration::from_secs(60)) {
                Ok(a) if a.status == 200 => return Ok(Some(a.body)),
                Ok(a) if a.status == 404 => return Ok(None),
                // Asking again will not help: say what to do.
                Ok(a) if a.status == 401 || a.status == 403 => {
                    return Err(Unreachable(if token.is_some() {
                        t!("mirror-token-refused", path = path.clone())
                    } else {
                        t!("mirror-token-needed", path = path.clone())
                    }))
                }
                Ok(a) => last = format!("HTTP {}", a.status),
                Err(e) => last = e.0,
            }
        }
        Err(Unreachable(last))
    };
    let outcome = tiles::mirror_with(&mut fetch, out, pinned.as_ref(), policy).map_err(failed)?;
    match outcome {
        Ok(r) => {
            if json {
                print_json(&serde_json::json!({"ok": true, "report": r}))?;
            } else if r.fetched == 0 && r.from == r.size {
                println!(
                    "{}",
                    t!(
                        "mirror-up-to-date",
                        dir = out.display().to_string(),
                        size = r.size
                    )
                );
            } else {
                println!(
                    "{}",
                    t!(
                        "mirror-done",
                        dir = out.display().to_string(),
                        from = r.from,
                        size = r.size,
                        fetched = r.fetched,
                        bytes = r.bytes,
                        entries = r.entries_verified
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(refusal) => {
            let reason = match &refusal {
                tiles::MirrorRefusal::Log(f) => {
                    super::verdict::log_fault(temoin::i18n::current(), f)
                }
                tiles::MirrorRefusal::Witnesses(e) => t!(
                    "witness-policy-failed",
                    error = super::witness::cosignature_error(e)
                ),
                other => other.to_string(),
            };
            if json {
                print_json(&serde_json::json!({"ok": false, "refused": reason}))?;
            }
            Err(CliError::failed(t!("mirror-refused", reason = reason)))
        }
    }
}

/// `temoin verify --tiles DIR`.
pub fn verify_tiles(dir: &Path, key: Option<&str>, json: bool) -> CliResult {
    let pinned = key.map(super::evidence::parse_archive_key).transpose()?;
    let started = std::time::Instant::now();
    match tiles::verify_dir(dir, pinned.as_ref()).map_err(|e| CliError::usage(e.to_string()))? {
        Ok(r) => {
            if json {
                print_json(&serde_json::json!({
                    "ok": true,
                    "size": r.checkpoint.size,
                    "origin": r.checkpoint.origin,
                    "report": r.audit,
                }))?;
            } else {
                for f in &r.audit.signed_after_compromise {
                    println!(
                        "{}",
                        t!(
                            "audit-finding",
                            finding = super::verdict::finding(temoin::i18n::current(), f)
                        )
                    );
                }
                println!(
                    "{}",
                    t!(
                        "tiles-verify-ok",
                        dir = dir.display().to_string(),
                        entries = t!("count-entries", n = r.audit.entries),
                        authors = t!("count-authors", n = r.audit.authors),
                        origin = r.checkpoint.origin.clone(),
                        seconds = format!("{:.2}", started.elapsed().as_secs_f64())
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(fault) => {
            let reason = match &fault {
                tiles::CopyFault::Log(f) => super::verdict::log_fault(temoin::i18n::current(), f),
                other => other.to_string(),
            };
            if json {
                print_json(&serde_json::json!({"ok": false, "fault": reason}))?;
            }
            Err(CliError::failed(t!("audit-failed-at", fault = reason)))
        }
    }
}
