//! Checkpoints, receipts, consistency, evidence bundles and reports.

use super::{print_json, read_file, write_file, CliError, CliResult};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use temoin::archive::{Archive, TrustedKey};
use temoin::bundle::{self, Bundle, ExportOptions, Scope, Verdict};
use temoin::checkpoint::Checkpoint;
use temoin::receipt::{
    self, ConsistencyError, ConsistencyProof, HistoryError, ProofFrom, Receipt,
    MAX_RECEIPT_FILE_BYTES,
};
use temoin::report;
use temoin::signed_note::VerifierKey;
use temoin::t;

#[derive(Subcommand)]
pub enum Command {
    /// Print the archive's latest signed checkpoint (C2SP signed note), or
    /// the one it issued at tree size --size.
    #[command(
        after_long_help = "Example:\n  temoin checkpoint --archive ./archive > checkpoint.note"
    )]
    Checkpoint {
        /// The archive directory (or set TEMOIN_ARCHIVE).
        #[arg(
            long,
            env = "TEMOIN_ARCHIVE",
            value_name = "DIR",
            required_unless_present = "server"
        )]
        archive: Option<PathBuf>,
        /// Ask the archive's server instead (http://host:port): the
        /// archive while `temoin serve` owns it.
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        /// The checkpoint issued at this tree size (default: the latest).
        #[arg(long)]
        size: Option<u64>,
        /// Print origin, size, root and note as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Write an RFC 9162 consistency proof between two tree sizes of the
    /// archive, with the signed checkpoint of the newer one.
    #[command(
        after_long_help = "Example:\n  temoin consistency-proof --archive ./archive --old 12 --out proof.json"
    )]
    ConsistencyProof {
        #[command(flatten)]
        archive: super::remote::SourceArg,
        /// The older tree size (e.g. the size of a receipt's checkpoint).
        #[arg(long)]
        old: u64,
        /// The newer tree size (default: the latest checkpoint's).
        #[arg(long)]
        new: Option<u64>,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Get the receipt of a statement already in the archive, against its
    /// latest checkpoint.
    #[command(
        after_long_help = "Example:\n  temoin receipt --archive ./archive 3f2a9c1e --out 3f2a9c1e.receipt.json"
    )]
    Receipt {
        /// The archive directory (or set TEMOIN_ARCHIVE).
        #[arg(
            long,
            env = "TEMOIN_ARCHIVE",
            value_name = "DIR",
            required_unless_present = "server"
        )]
        archive: Option<PathBuf>,
        /// Ask the archive's server instead (http://host:port; the whole
        /// statement hash is then needed).
        #[arg(long, value_name = "URL")]
        server: Option<String>,
        /// The statement hash, or its first hex digits (at least 8).
        statement: String,
        /// Write to this file instead of standard output.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
    /// Check a receipt offline; with a later checkpoint and a consistency
    /// proof, or with the archive, prove the statement is still in the log.
    #[command(
        after_long_help = "Example:\n  temoin verify-receipt 3f2a9c1e.receipt.json --archive-key archive/checkpoint.key.pub"
    )]
    VerifyReceipt {
        /// The receipt file (<statement-hash>.receipt.json).
        receipt: PathBuf,
        /// The archive's checkpoint key: a vkey (name+id+key) or a file holding one.
        #[arg(long, value_name = "VKEY")]
        archive_key: String,
        /// A later signed checkpoint of the archive (a note file).
        #[arg(long, value_name = "NOTE_FILE", requires = "consistency_proof")]
        checkpoint: Option<PathBuf>,
        /// A consistency proof file (from `temoin consistency-proof`) from the
        /// receipt's tree size to the later checkpoint's.
        #[arg(long, value_name = "FILE", conflicts_with = "archive")]
        consistency_proof: Option<PathBuf>,
        /// Check against the archive itself: its latest checkpoint, proofs and entry.
        #[arg(long, value_name = "DIR")]
        archive: Option<PathBuf>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        witnesses: super::witness::PolicyArgs,
        #[command(flatten)]
        tsa: super::timestamp::TsaArgs,
    },
    /// Export an evidence bundle: one self-contained JSON file that verifies offline.
    #[command(
        after_long_help = "Example:\n  temoin export --archive ./archive --incident tin-aicha-2025-11-14 --withhold witness --out bundle.json"
    )]
    Export {
        #[command(flatten)]
        archive: super::remote::SourceArg,
        /// With --server: the archive's checkpoint key you pinned (a vkey or
        /// a file holding one); the bundle is verified with it before it is
        /// written.
        #[arg(long, value_name = "VKEY", requires = "server")]
        archive_key: Option<String>,
        /// Every entry that touched this incident (and incidents merged into it).
        #[arg(long, value_name = "ID", group = "what")]
        incident: Option<String>,
        /// One statement (its hash, or at least its first 8 hex digits),
        /// with the statements it refers to.
        #[arg(long, value_name = "HASH", group = "what")]
        statement: Option<String>,
        /// The whole log.
        #[arg(long, group = "what")]
        all: bool,
        /// Where to write the bundle (JSON).
        #[arg(long, value_name = "BUNDLE")]
        out: PathBuf,
        /// Leave the parts with this label out (e.g. witness); repeatable.
        /// Withholding a sealed part withholds its ciphertext; a media
        /// type (LABEL.type) stays unless named.
        #[arg(long, value_name = "LABEL")]
        withhold: Vec<String>,
        /// Put every part longer than this (but the payload) beside the
        /// bundle, as a file named by its digest in the bundle's directory,
        /// rather than as base64 inside it.
        #[arg(long, value_name = "BYTES", default_value_t = bundle::DEFAULT_BESIDE_OVER)]
        beside_over: u64,
    },
    /// Verify an evidence bundle offline. Exit 0 if everything verifies, 1 otherwise.
    #[command(
        after_long_help = "Example:\n  temoin verify-bundle bundle.json --archive-key archive/checkpoint.key.pub\n  curl -s https://example.org/bundle.json | temoin verify-bundle - --archive-key checkpoint.key.pub"
    )]
    VerifyBundle {
        /// The bundle file; `-` reads it from standard input (parts that
        /// travel beside it are then looked for in the current directory).
        #[arg(value_name = "BUNDLE.json")]
        bundle: PathBuf,
        /// The archive's checkpoint key: a vkey (name+id+key) or a file holding one.
        #[arg(long, value_name = "VKEY")]
        archive_key: String,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        witnesses: super::witness::PolicyArgs,
        #[command(flatten)]
        tsa: super::timestamp::TsaArgs,
    },
    /// Write a chain-of-custody report of a bundle (HTML or Markdown), after
    /// verifying it. Exit 1 (report still written) if the bundle fails.
    #[command(
        after_long_help = "Example:\n  temoin report bundle.json --archive-key archive/checkpoint.key.pub --out report.html"
    )]
    Report {
        /// The bundle file to report on.
        bundle: PathBuf,
        /// The archive's checkpoint key: a vkey (name+id+key) or a file holding one.
        #[arg(long, value_name = "VKEY")]
        archive_key: String,
        /// Where to write the report (.html, or .md for Markdown).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
        /// html or markdown (default: from --out's extension, .md = markdown).
        #[arg(long)]
        format: Option<String>,
        /// Who prepared the report (printed on it, e.g. "Maître A. Traoré").
        #[arg(long, value_name = "NAME")]
        prepared_by: Option<String>,
        #[command(flatten)]
        tsa: super::timestamp::TsaArgs,
    },
    /// Write the offline verifier page: one self-contained HTML file that
    /// verifies a bundle in the browser, with no network access (the page
    /// the server serves as /verify). Save it once; open it from disk on any
    /// computer, give it the archive key and drop a bundle into it.
    #[command(after_long_help = "Example:\n  temoin verifier-page --out verify.html")]
    VerifierPage {
        /// Where to write the page (an .html file), or `-` for standard output.
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
    /// Prove that checkpoint NEW extends checkpoint OLD (same archive), or
    /// report that the log was rewritten.
    #[command(
        after_long_help = "Example:\n  temoin verify-consistency old.note new.note --archive ./archive"
    )]
    VerifyConsistency {
        /// The earlier checkpoint (note file), e.g. kept from a receipt.
        old: PathBuf,
        /// The later checkpoint (note file).
        new: PathBuf,
        /// Get the consistency proof from this archive.
        #[arg(
            long,
            value_name = "DIR",
            required_unless_present = "consistency_proof"
        )]
        archive: Option<PathBuf>,
        /// Or from a consistency proof file (offline).
        #[arg(long, value_name = "FILE", conflicts_with = "archive")]
        consistency_proof: Option<PathBuf>,
        /// The archive's checkpoint key (default with --archive: the key its
        /// genesis names, which trusts the archive's copy of the genesis).
        #[arg(long, value_name = "VKEY")]
        archive_key: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Checkpoint {
            archive,
            server,
            size,
            json,
        } => match (server, archive) {
            (Some(url), _) => {
                let path = match size {
                    Some(s) => format!("/v1/checkpoints/{s}"),
                    None => "/checkpoint".to_string(),
                };
                let note = fetch(&url, &path)?;
                checkpoint_out(size, note, json)
            }
            (None, Some(dir)) => checkpoint(&dir, size, json),
            (None, None) => Err(CliError::usage("give --archive DIR or --server URL")),
        },
        Command::ConsistencyProof {
            archive,
            old,
            new,
            out,
        } => match archive.source()? {
            super::remote::Source::Local(dir) => consistency_proof(&dir, old, new, out.as_deref()),
            super::remote::Source::Remote(r) => {
                let (o, n) = (old.to_string(), new.map(|n| n.to_string()));
                let path = format!(
                    "/v1/consistency{}",
                    super::remote::query(&[("old", Some(&o)), ("new", n.as_deref())])
                );
                let text = r.get(&path)?;
                match out.as_deref() {
                    Some(p) => write_file(p, &text, "consistency proof")?,
                    None => std::io::Write::write_all(&mut std::io::stdout().lock(), &text)
                        .map_err(|e| CliError::failed(e.to_string()))?,
                }
                Ok(ExitCode::SUCCESS)
            }
        },
        Command::Receipt {
            archive,
            server,
            statement,
            out,
        } => match (server, archive) {
            (Some(url), _) => {
                let text = fetch(&url, &format!("/v1/receipts/{statement}"))?;
                match out.as_deref() {
                    Some(p) => write_file(p, text.as_bytes(), "receipt")?,
                    None => print!("{text}"),
                }
                Ok(ExitCode::SUCCESS)
            }
            (None, Some(dir)) => get_receipt(&dir, &statement, out.as_deref()),
            (None, None) => Err(CliError::usage("give --archive DIR or --server URL")),
        },
        Command::VerifyReceipt {
            receipt,
            archive_key,
            checkpoint,
            consistency_proof,
            archive,
            json,
            witnesses,
            tsa,
        } => verify_receipt(
            &receipt,
            &archive_key,
            checkpoint.as_deref(),
            consistency_proof.as_deref(),
            archive.as_deref(),
            json,
            &witnesses,
            &tsa,
        ),
        Command::Export {
            archive,
            archive_key,
            incident,
            statement,
            all,
            out,
            withhold,
            beside_over,
        } => {
            let dir = match archive.source()? {
                super::remote::Source::Local(dir) => dir,
                super::remote::Source::Remote(r) => {
                    let (Some(id), None, false) = (incident, statement, all) else {
                        return Err(CliError::usage(t!("remote-export-scope")));
                    };
                    let key =
                        archive_key.ok_or_else(|| CliError::usage(t!("remote-export-key")))?;
                    let server = archive.server.clone().unwrap_or_default();
                    return export_remote(&r, &server, &id, &withhold, &key, &out);
                }
            };
            let scope = match (incident, statement, all) {
                (Some(id), None, false) => Scope::Incident(id),
                (None, Some(h), false) => {
                    // Resolved here so that a prefix works as everywhere;
                    // the reader is closed before the export opens its own.
                    let a = Archive::open_reader(&dir)?;
                    let (hash, _) = super::find_statement(a.store(), &h, "--statement")?;
                    Scope::Statement(hash.to_hex())
                }
                (None, None, true) => Scope::All,
                _ => {
                    return Err(CliError::usage(
                        "say what to export: --incident ID, --statement HASH or --all",
                    ))
                }
            };
            export(&dir, scope, withhold, beside_over, &out)
        }
        Command::VerifyBundle {
            bundle,
            archive_key,
            json,
            witnesses,
            tsa,
        } => verify_bundle(&bundle, &archive_key, json, &witnesses, &tsa),
        Command::Report {
            bundle,
            archive_key,
            out,
            format,
            prepared_by,
            tsa,
        } => write_report(
            &bundle,
            &archive_key,
            &out,
            format.as_deref(),
            prepared_by,
            &tsa,
        ),
        Command::VerifierPage { out } => verifier_page(&out),
        Command::VerifyConsistency {
            old,
            new,
            archive,
            consistency_proof,
            archive_key,
            json,
        } => verify_consistency(
            &old,
            &new,
            archive.as_deref(),
            consistency_proof.as_deref(),
            archive_key.as_deref(),
            json,
        ),
    }
}

/// Read a small file (receipts, notes, proofs, keys), refusing large ones.
fn read_small(path: &Path, what: &str) -> Result<Vec<u8>, CliError> {
    let len = std::fs::metadata(path)
        .map_err(|e| CliError::usage(super::errors::cannot_read(what, path, &e)))?
        .len();
    if len > MAX_RECEIPT_FILE_BYTES {
        return Err(CliError::failed(t!(
            "cli-file-too-large",
            what = super::errors::file_noun(what),
            path = path.display().to_string(),
            len = len.to_string(),
            limit = MAX_RECEIPT_FILE_BYTES.to_string()
        )));
    }
    read_file(path, what)
}

fn read_text(path: &Path, what: &str) -> Result<String, CliError> {
    String::from_utf8(read_small(path, what)?).map_err(|_| {
        CliError::failed(t!(
            "cli-not-utf8",
            what = super::errors::file_noun(what),
            path = path.display().to_string()
        ))
    })
}

/// `--archive-key`: a vkey, or a public key file holding exactly one
/// (comment lines starting with '#' are skipped, as in `.pub` files).
pub fn parse_archive_key(arg: &str) -> Result<VerifierKey, CliError> {
    let which = t!("cli-archive-key-which");
    // Checked first: no message below may quote a secret key.
    if temoin::keys::is_secret_key_text(arg) {
        return Err(CliError::usage(format!(
            "{}; {which}",
            temoin::keys::KeyError::SecretGiven
        )));
    }
    let direct = VerifierKey::parse(arg.trim());
    if let Ok(k) = direct {
        return Ok(k);
    }
    let path = Path::new(arg);
    if path.is_file() {
        return temoin::keys::load_vkey_file(path)
            .map_err(|e| CliError::usage(format!("{e}; {which}")));
    }
    Err(CliError::usage(t!(
        "cli-archive-key-neither",
        arg = format!("{arg:?}"),
        error = direct.err().map(|e| e.to_string()).unwrap_or_default(),
        which = which
    )))
}

fn root_b64(root: &[u8; 32]) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::STANDARD.encode(root)
}

/// A text resource of the archive's server (`--server URL`).
fn fetch(url: &str, path: &str) -> Result<String, CliError> {
    let server = temoin_server::client::ServerUrl::parse(url).map_err(CliError::usage)?;
    let retry = temoin_server::client::Retry {
        attempts: 3,
        ..Default::default()
    };
    let body = temoin_server::client::get(&server, path, &retry)
        .map_err(|e| CliError::failed(e.to_string()))?;
    String::from_utf8(body).map_err(|_| CliError::failed("the server's answer is not UTF-8 text"))
}

fn checkpoint(dir: &Path, size: Option<u64>, json: bool) -> CliResult {
    let a = Archive::open_reader(dir)?;
    let (size, note) = match size {
        None => a
            .store()
            .latest_checkpoint()?
            .ok_or_else(|| CliError::failed(t!("archive-no-checkpoint")))?,
        Some(s) => (
            s,
            a.store()
                .checkpoint_note(s)?
                .ok_or_else(|| CliError::usage(t!("cli-no-checkpoint-at", size = s.to_string())))?,
        ),
    };
    checkpoint_out(Some(size), note, json)
}

fn checkpoint_out(size: Option<u64>, note: String, json: bool) -> CliResult {
    if json {
        let cp = Checkpoint::parse_body(
            note.split("\n\n")
                .next()
                .map(|b| format!("{b}\n"))
                .as_deref()
                .unwrap_or(""),
        )
        .map_err(|e| CliError::failed(t!("cli-checkpoint-damaged", error = e.to_string())))?;
        print_json(&serde_json::json!({
            "origin": cp.origin,
            "size": size.unwrap_or(cp.size),
            "root_hex": hex::encode(cp.root),
            "root_base64": root_b64(&cp.root),
            "note": note,
        }))?;
    } else {
        print!("{note}");
    }
    Ok(ExitCode::SUCCESS)
}

fn consistency_proof(dir: &Path, old: u64, new: Option<u64>, out: Option<&Path>) -> CliResult {
    let a = Archive::open_reader(dir)?;
    let (new, note) = match new {
        None => a
            .store()
            .latest_checkpoint()?
            .map(|(n, note)| (n, Some(note)))
            .ok_or_else(|| CliError::failed(t!("archive-no-checkpoint")))?,
        // A size the archive signed no checkpoint at: the proof file
        // carries none.
        Some(n) => (n, a.store().checkpoint_note(n)?),
    };
    if old > new {
        return Err(CliError::usage(t!(
            "cli-old-after-new",
            old = old.to_string(),
            new = new.to_string()
        )));
    }
    let proof = a
        .store()
        .consistency_proof(old, new)
        .map_err(|e| CliError::usage(e.to_string()))?;
    let file = ConsistencyProof::new(old, new, &proof, note);
    let text = file.to_json() + "\n";
    match out {
        Some(p) => {
            write_file(p, text.as_bytes(), "consistency proof")?;
            eprintln!(
                "{}",
                t!(
                    "consistency-proof-written",
                    old = old,
                    new = new,
                    n = proof.len(),
                    out = p.display().to_string()
                )
            );
        }
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn get_receipt(dir: &Path, statement: &str, out: Option<&Path>) -> CliResult {
    let a = Archive::open_reader(dir)?;
    let (_, info) = super::find_statement(a.store(), statement, "receipt")?;
    let text = a.receipt(info.seq)?.to_json() + "\n";
    match out {
        Some(p) => write_file(p, text.as_bytes(), "receipt")?,
        None => print!("{text}"),
    }
    Ok(ExitCode::SUCCESS)
}

fn receipt_failed(e: receipt::ReceiptError) -> CliError {
    CliError::failed(t!("receipt-not-verified", error = e.to_string()))
}

// The receipt, the key, what to check it against and how to report it.
#[allow(clippy::too_many_arguments)]
fn verify_receipt(
    path: &Path,
    key: &str,
    later: Option<&Path>,
    proof: Option<&Path>,
    archive: Option<&Path>,
    json: bool,
    witnesses: &super::witness::PolicyArgs,
    tsa: &super::timestamp::TsaArgs,
) -> CliResult {
    let key = parse_archive_key(key)?;
    let policy = witnesses.policy()?;
    let trusted = tsa.trusted()?;
    let r = Receipt::from_json(&read_small(path, "receipt")?)
        .map_err(|e| CliError::failed(format!("{}: {e}", path.display())))?;
    let (verified, later_cp) = match (later, proof, archive) {
        (_, Some(proof_path), _) => {
            let proof = ConsistencyProof::from_json(&read_small(proof_path, "consistency proof")?)
                .map_err(|e| CliError::failed(format!("{}: {e}", proof_path.display())))?;
            let note = match (later, &proof.checkpoint) {
                (Some(p), _) => read_text(p, "checkpoint")?,
                (None, Some(n)) => n.clone(),
                (None, None) => {
                    return Err(CliError::failed(
                        "the consistency proof file holds no checkpoint: give the later one with --checkpoint",
                    ))
                }
            };
            let s = r
                .verify_later(&key, &note, &proof)
                .map_err(receipt_failed)?;
            (s.receipt, Some(s.later))
        }
        (None, None, Some(dir)) => {
            let a = Archive::open_reader(dir)?;
            let s = r.verify_in_log(&key, &a).map_err(receipt_failed)?;
            (s.receipt, Some(s.later))
        }
        (None, None, None) => (r.verify(&key).map_err(receipt_failed)?, None),
        (Some(_), None, _) => return Err(CliError::usage(
            "--checkpoint needs --consistency-proof (from `temoin consistency-proof --old SIZE`)",
        )),
    };
    // The receipt's own checkpoint is the one its inclusion proof rests on:
    // the witnesses' cosignatures on it show it is the tree they saw.
    let witnessed = super::witness::check_policy(policy.as_ref(), &r.checkpoint, &key)?;
    // The timestamps are over the receipt's checkpoint (verified above).
    let timed = super::timestamp::check(&r.timestamps, &r.checkpoint, trusted.as_deref());
    if let super::timestamp::Outcome::Failed(e) = &timed {
        return Err(CliError::failed(t!(
            "timestamp-failed",
            error = e.to_string()
        )));
    }
    if json {
        print_json(&serde_json::json!({
            "ok": true,
            "seq": verified.entry.seq,
            "statement_hash": verified.statement_hash.to_hex(),
            "entry_hash": r.entry_hash,
            "kind": verified.body.kind,
            "author": hex::encode(verified.body.author),
            "received_at": temoin::time::format_ms(verified.entry.received_at),
            "checkpoint_size": verified.checkpoint.size,
            "still_in_tree_of_size": later_cp.as_ref().map(|c| c.size),
            "witnesses": witnessed.as_ref().map(super::witness::policy_json),
            "timestamps": timed.json(),
        }))?;
    } else {
        println!(
            "{}",
            t!(
                "receipt-ok",
                hash = verified.statement_hash.to_string(),
                kind = verified.body.kind.to_string(),
                seq = verified.entry.seq,
                origin = verified.checkpoint.origin.clone(),
                received = temoin::time::format_ms(verified.entry.received_at)
            )
        );
        println!(
            "    {}",
            t!(
                "receipt-ok-included",
                size = verified.checkpoint.size,
                root = hex::encode(verified.checkpoint.root)
            )
        );
        if let Some(l) = later_cp {
            println!(
                "    {}",
                t!(
                    "receipt-ok-still-there",
                    size = l.size,
                    root = hex::encode(l.root)
                )
            );
        }
        if let Some(o) = &witnessed {
            println!("    {}", super::witness::policy_ok_line(o));
        }
        for line in timed.lines() {
            println!("    {line}");
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn export(
    dir: &Path,
    scope: Scope,
    withhold: Vec<String>,
    beside_over: u64,
    out: &Path,
) -> CliResult {
    let a = Archive::open_reader(dir)?;
    let beside_dir = temoin::durable::parent_of(out).to_path_buf();
    if !beside_dir.is_dir() {
        return Err(CliError::usage(t!(
            "cli-no-out-dir",
            out = out.display().to_string(),
            dir = beside_dir.display().to_string()
        )));
    }
    let opts = ExportOptions {
        scope,
        withhold,
        beside: Some(bundle::BesideOut {
            dir: beside_dir.clone(),
            over: beside_over,
        }),
    };
    let b = bundle::export(a.store(), &opts, temoin::time::now_ms()).map_err(|e| match e {
        bundle::ExportError::NoSuchIncident(_)
        | bundle::ExportError::NoSuchStatement(_)
        | bundle::ExportError::BadStatementHash(_)
        | bundle::ExportError::CannotWithhold(_) => CliError::usage(e.to_string()),
        _ => CliError::failed(e.to_string()),
    })?;
    let text = b.to_json() + "\n";
    super::access::record_local_export(dir, &b, &text)?;
    write_file(out, text.as_bytes(), "bundle")?;
    let absent: usize = b.entries.iter().map(|e| e.absent.len()).sum();
    let count = |why: &str| -> usize {
        b.entries
            .iter()
            .flat_map(|e| &e.absent)
            .filter(|a| a.why == why)
            .count()
    };
    let mut reasons = Vec::new();
    if count(bundle::WITHHELD) > 0 {
        reasons.push(t!("export-withheld", labels = b.withheld_labels.join(", ")));
    }
    if count(bundle::REDACTED) > 0 {
        reasons.push(t!("export-redacted", n = count(bundle::REDACTED)));
    }
    if count(bundle::SEALED) > 0 {
        reasons.push(t!("export-sealed", n = count(bundle::SEALED)));
    }
    println!(
        "{}",
        t!(
            "export-done",
            scope = super::verdict::scope(temoin::i18n::current(), &b.scope),
            entries = t!("count-entries", n = b.entries.len()),
            authors = t!("count-authors", n = b.authors.len()),
            size = b.checkpoint.lines().nth(1).unwrap_or("?"),
            out = out.display().to_string()
        )
    );
    if absent > 0 {
        println!(
            "{}",
            t!(
                "export-left-out",
                parts = t!("count-parts", n = absent),
                reasons = reasons.join("; ")
            )
        );
    }
    let beside: Vec<(u64, &str, u64)> = b
        .entries
        .iter()
        .flat_map(|e| {
            e.parts.iter().filter_map(move |p| {
                let name = p.beside.as_deref()?;
                let length = e
                    .decoded
                    .statement
                    .parts
                    .iter()
                    .find(|c| c.label == p.label)
                    .map_or(0, |c| c.length);
                Some((e.seq, name, length))
            })
        })
        .collect();
    if !beside.is_empty() {
        println!(
            "{}",
            t!(
                "export-beside",
                parts = t!("count-parts", n = beside.len()),
                dir = beside_dir.display().to_string()
            )
        );
        for (seq, name, length) in beside {
            println!(
                "  {}",
                t!(
                    "export-beside-file",
                    name = name,
                    seq = seq,
                    size = t!("count-bytes", n = length)
                )
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// `temoin verifier-page`: the page, to a file (whole or not at all) or to
/// standard output.
fn verifier_page(out: &Path) -> CliResult {
    let page = temoin::verifier_page::VERIFIER_PAGE;
    if super::habits::is_stdio(out) {
        use std::io::Write as _;
        let mut stdout = std::io::stdout().lock();
        stdout
            .write_all(page.as_bytes())
            .and_then(|()| stdout.flush())
            .map_err(|e| CliError::failed(t!("verifier-page-stdout", error = e.to_string())))?;
        return Ok(ExitCode::SUCCESS);
    }
    write_file(out, page.as_bytes(), "verifier page")?;
    println!(
        "{}",
        t!(
            "verifier-page-written",
            out = out.display().to_string(),
            size = t!("count-bytes", n = page.len())
        )
    );
    Ok(ExitCode::SUCCESS)
}

/// `export --server`: the server's bundle of one incident (the server
/// records the export in its access log, under the token's name),
/// verified here against the pinned archive key before a byte of it is
/// written: a server cannot hand a lawyer a bundle that would not verify.
fn export_remote(
    r: &super::remote::Remote,
    server: &str,
    id: &str,
    withhold: &[String],
    key: &str,
    out: &Path,
) -> CliResult {
    let key = parse_archive_key(key)?;
    let withheld = withhold.join(",");
    let path = super::remote::incident_path(
        id,
        &format!(
            "/bundle{}",
            super::remote::query(&[("withhold", (!withheld.is_empty()).then_some(&*withheld))])
        ),
    );
    let bytes = r.get(&path)?;
    let b = Bundle::from_json(&bytes)
        .map_err(|f| CliError::failed(format!("{} {}", t!("remote-export-unverified"), f)))?;
    let v = bundle::verify(&b, &key);
    if !v.ok() {
        print_verdict(&v);
        return Err(CliError::failed(t!("remote-export-unverified")));
    }
    write_file(out, &bytes, "bundle")?;
    println!(
        "{}",
        t!(
            "remote-export-written",
            scope = super::verdict::scope(temoin::i18n::current(), &b.scope),
            server = server.to_string(),
            out = out.display().to_string(),
            bytes = bytes.len()
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn load_bundle(path: &Path) -> Result<Bundle, CliError> {
    if super::habits::is_stdio(path) {
        let bytes = super::read_input(path, "bundle", bundle::MAX_BUNDLE_BYTES)?;
        return Bundle::from_json(&bytes)
            .map_err(|f| CliError::failed(t!("bundle-stdin", fault = f.to_string())));
    }
    let len = std::fs::metadata(path)
        .map_err(|e| {
            CliError::usage(t!(
                "bundle-cannot-read",
                path = path.display().to_string(),
                error = e.to_string()
            ))
        })?
        .len();
    if len > bundle::MAX_BUNDLE_BYTES {
        return Err(CliError::failed(t!(
            "bundle-too-large",
            path = path.display().to_string(),
            size = len,
            limit = bundle::MAX_BUNDLE_BYTES
        )));
    }
    let bytes = read_file(path, "bundle")?;
    Bundle::from_json(&bytes).map_err(|f| CliError::failed(format!("{}: {f}", path.display())))
}

fn print_verdict(v: &Verdict) {
    if let Some(cp) = &v.checkpoint {
        println!(
            "{}",
            t!(
                "verdict-bundle",
                scope = super::verdict::scope(temoin::i18n::current(), &v.scope),
                origin = v.origin.clone(),
                exported = v.exported_at.clone()
            )
        );
        println!(
            "{}",
            t!(
                "verdict-checkpoint",
                size = cp.size,
                root = hex::encode(cp.root),
                key = v.archive_key.clone()
            )
        );
    }
    let lang = temoin::i18n::current();
    for e in &v.entries {
        let who = e
            .authorised_as
            .as_ref()
            .map(|(n, r)| format!("{n} ({r})"))
            .unwrap_or_else(|| hex::encode(&e.body.author[..6]));
        let absent: Vec<String> = e
            .absent
            .iter()
            .map(|a| match a.by_seq {
                Some(by) => t!(
                    "verdict-absent-by",
                    label = a.label.clone(),
                    why = super::verdict::absent_why(lang, &a.why),
                    by = by
                ),
                None => format!("{} {}", a.label, super::verdict::absent_why(lang, &a.why)),
            })
            .collect();
        let mark = match (e.ok, e.compromise.is_some()) {
            (false, _) => t!("verdict-mark-bad"),
            (true, true) => t!("verdict-mark-compromised"),
            (true, false) => t!("verdict-mark-ok"),
        };
        println!(
            "{}",
            t!(
                "verdict-entry-line",
                mark = format!("{mark:<3}"),
                seq = format!("{:>5}", e.seq),
                kind = format!("{:<13}", e.body.kind.name()),
                who = format!("{who:<28}"),
                statement = e.statement_hash.short(),
                absent = if absent.is_empty() {
                    String::new()
                } else {
                    format!("  [{}]", absent.join("; "))
                },
                compromise = match e.compromise {
                    Some(c) => format!(
                        "  [{}]",
                        t!(
                            "verdict-signed-after-compromise",
                            since = temoin::time::format_ms(c.effective_at),
                            by = c.revoked_at
                        )
                    ),
                    None => String::new(),
                }
            )
        );
    }
    for n in &v.not_established {
        let what = t!(
            "fault-line-short",
            at = super::verdict::location(lang, &bundle::Location::Entry(n.seq)),
            reason = super::verdict::undecided(lang, &n.what)
        );
        println!("{}", t!("verdict-not-established", what = what));
    }
    let findings = v.signed_after_compromise();
    for f in &findings {
        println!(
            "{}",
            t!(
                "verdict-finding",
                finding = super::verdict::finding(lang, f)
            )
        );
    }
    if v.ok() && !findings.is_empty() {
        println!(
            "{}",
            t!(
                "verdict-intact-with-findings",
                n = findings.len(),
                entries = t!("count-entries", n = v.entries.len()),
                authors = t!("count-authors", n = v.authors.len())
            )
        );
    } else if v.ok() {
        println!(
            "{}",
            t!(
                "verdict-verified",
                entries = t!("count-entries", n = v.entries.len()),
                authors = t!("count-authors", n = v.authors.len())
            )
        );
    } else {
        let faults = t!("count-faults", n = (v.faults.len() + v.more_faults));
        if v.more_faults > 0 {
            eprintln!(
                "{}",
                t!("verdict-failed-more", faults = faults, more = v.more_faults)
            );
        } else {
            eprintln!("{}", t!("verdict-failed", faults = faults));
        }
        for f in &v.faults {
            eprintln!("  {}", super::verdict::fault(lang, f));
        }
    }
}

fn verify_bundle(
    path: &Path,
    key: &str,
    json: bool,
    witnesses: &super::witness::PolicyArgs,
    tsa: &super::timestamp::TsaArgs,
) -> CliResult {
    let key = parse_archive_key(key)?;
    let policy = witnesses.policy()?;
    let trusted = tsa.trusted()?;
    let b = load_bundle(path)?;
    let v = bundle::verify_with(&b, &key, &bundle::BesideDir::of_bundle(path));
    let witnessed = policy.as_ref().map(|p| p.check(&b.checkpoint, &key));
    // Over the bundle's checkpoint, whose signature the verdict checked.
    let timed = super::timestamp::check(&b.timestamps, &b.checkpoint, trusted.as_deref());
    let ok = v.ok() && !matches!(witnessed, Some(Err(_))) && timed.ok();
    if json {
        print_json(&serde_json::json!({
            "ok": ok,
            "witnesses": match &witnessed {
                None => serde_json::Value::Null,
                Some(Ok(o)) => super::witness::policy_json(o),
                Some(Err(e)) => serde_json::json!({"error": super::witness::cosignature_error(e)}),
            },
            "timestamps": timed.json(),
            "scope": v.scope,
            "origin": v.origin,
            "checkpoint_size": v.checkpoint.as_ref().map(|c| c.size),
            "entries": v.entries.len(),
            "authors": v.authors,
            "withheld": v.absent_parts().iter().map(|(s, a)| serde_json::json!({"seq": s, "label": a.label, "why": a.why, "by_seq": a.by_seq})).collect::<Vec<_>>(),
            "beside": v.entries.iter().flat_map(|e| e.beside.iter().map(move |l| serde_json::json!({"seq": e.seq, "label": l, "file": e.body.part(l).map(|c| hex::encode(c.digest))}))).collect::<Vec<_>>(),
            "faults": v.faults,
            "not_established": v.not_established,
            "signed_after_compromise": v.signed_after_compromise(),
        }))?;
    } else {
        print_verdict(&v);
        match &witnessed {
            None => {}
            Some(Ok(o)) => println!("{}", super::witness::policy_ok_line(o)),
            Some(Err(e)) => eprintln!(
                "temoin: {}",
                t!(
                    "witness-policy-failed",
                    error = super::witness::cosignature_error(e)
                )
            ),
        }
        for line in timed.lines() {
            if timed.ok() {
                println!("{line}");
            } else {
                eprintln!("temoin: {line}");
            }
        }
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn write_report(
    path: &Path,
    key: &str,
    out: &Path,
    format: Option<&str>,
    prepared_by: Option<String>,
    tsa: &super::timestamp::TsaArgs,
) -> CliResult {
    let markdown = match format {
        Some("html") => false,
        Some("markdown") | Some("md") => true,
        Some(other) => {
            return Err(CliError::usage(t!(
                "cli-bad-format",
                format = format!("{other:?}")
            )))
        }
        None => matches!(
            out.extension().and_then(|e| e.to_str()),
            Some("md") | Some("markdown")
        ),
    };
    let key = parse_archive_key(key)?;
    let b = load_bundle(path)?;
    let v = bundle::verify_with(&b, &key, &bundle::BesideDir::of_bundle(path));
    let trusted = tsa.trusted()?;
    let timed = super::timestamp::check(&b.timestamps, &b.checkpoint, trusted.as_deref());
    let exhibit = report::Exhibit {
        trusted_time: Some(timed.for_report()),
        bundle_name: path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| path.display().to_string()),
        bundle_sha256: temoin::hash::sha256(&[&read_file(path, "bundle")?]).to_hex(),
        generated_at: temoin::time::format_ms(temoin::time::now_ms()),
        prepared_by,
        lang: temoin::i18n::current(),
    };
    let text = if markdown {
        report::markdown(&v, &exhibit)
    } else {
        report::html(&v, &exhibit)
    };
    write_file(out, text.as_bytes(), "report")?;
    let findings = v.signed_after_compromise().len();
    if let (true, super::timestamp::Outcome::Failed(e)) = (v.ok(), &timed) {
        // The report is written and says why; the command fails.
        Err(CliError::failed(format!(
            "{}: {}",
            out.display(),
            t!("timestamp-failed", error = e.to_string())
        )))
    } else if v.ok() && findings > 0 {
        println!(
            "{}",
            t!(
                "report-written-findings",
                out = out.display().to_string(),
                entries = t!("count-entries", n = v.entries.len()),
                findings = findings
            )
        );
        Ok(ExitCode::SUCCESS)
    } else if v.ok() {
        println!(
            "{}",
            t!(
                "report-written-verified",
                out = out.display().to_string(),
                entries = t!("count-entries", n = v.entries.len())
            )
        );
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::failed(t!(
            "report-written-failed",
            out = out.display().to_string(),
            fault = v
                .first_fault()
                .map(|f| super::verdict::fault(temoin::i18n::current(), f))
                .unwrap_or_default()
        )))
    }
}

fn verify_consistency(
    old: &Path,
    new: &Path,
    archive: Option<&Path>,
    proof_file: Option<&Path>,
    key: Option<&str>,
    json: bool,
) -> CliResult {
    let old_note = read_text(old, "checkpoint")?;
    let new_note = read_text(new, "checkpoint")?;
    let opened_archive = match archive {
        Some(dir) => Some(Archive::open_reader(dir)?),
        None => None,
    };
    let pinned = key.map(parse_archive_key).transpose()?;
    let key = match TrustedKey::choose(pinned, opened_archive.as_ref())? {
        Some(TrustedKey::Pinned(k)) => k,
        Some(TrustedKey::Genesis(k)) => {
            eprintln!("{}", t!("consistency-genesis-key", key = k.to_string()));
            k
        }
        None => {
            return Err(CliError::usage(
                "--consistency-proof needs --archive-key (the archive's checkpoint vkey)",
            ))
        }
    };
    let proof_file = match proof_file {
        Some(p) => Some(
            ConsistencyProof::from_json(&read_small(p, "consistency proof")?)
                .map_err(|e| CliError::failed(format!("{}: {e}", p.display())))?,
        ),
        None => None,
    };
    let from = match (&proof_file, &opened_archive) {
        (Some(f), _) => ProofFrom::File(f),
        (None, Some(a)) => ProofFrom::Log(a),
        (None, None) => {
            return Err(CliError::usage(
                "give --archive DIR or --consistency-proof FILE",
            ))
        }
    };
    let from_log = matches!(from, ProofFrom::Log(_));
    match receipt::verify_consistency(&old_note, &new_note, &key, from) {
        Ok((o, n)) => {
            if json {
                print_json(&serde_json::json!({
                    "ok": true, "origin": o.origin, "old_size": o.size, "new_size": n.size,
                    "old_root": hex::encode(o.root), "new_root": hex::encode(n.root),
                }))?;
            } else {
                println!(
                    "{}",
                    t!(
                        "consistency-ok",
                        new_size = n.size,
                        new_root = hex::encode(n.root),
                        old_size = o.size,
                        old_root = hex::encode(o.root),
                        origin = o.origin.clone()
                    )
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        // What was given does not fit together: nothing was checked.
        Err(ConsistencyError::History(HistoryError::Order { .. })) if from_log => {
            Err(CliError::usage(t!("cli-old-larger")))
        }
        Err(
            e @ (ConsistencyError::Input(_)
            | ConsistencyError::Log(_)
            | ConsistencyError::History(
                HistoryError::Checkpoint { .. } | HistoryError::ProofSizes { .. },
            )),
        ) => Err(CliError::failed(e.to_string())),
        Err(e) => history_failed(e.to_string(), json),
    }
}

fn history_failed(msg: String, json: bool) -> CliResult {
    if json {
        print_json(&serde_json::json!({"ok": false, "error": msg}))?;
    }
    Err(CliError::failed(msg))
}

/// Write `<statement-hash>.receipt.json` in `dir` for each accepted
/// statement, against the archive's latest checkpoint.
pub fn save_receipts<'a>(
    archive: &Archive,
    dir: &Path,
    accepted: impl Iterator<Item = &'a temoin::archive::Accepted>,
) -> Result<usize, CliError> {
    temoin::durable::create_dir_all(dir).map_err(|e| {
        CliError::failed(t!(
            "cli-no-receipt-dir",
            dir = dir.display().to_string(),
            error = super::errors::io(&e.source)
        ))
    })?;
    let mut n = 0;
    for a in accepted {
        let r = archive.receipt(a.seq).map_err(|e| {
            CliError::failed(t!(
                "cli-no-receipt",
                statement = a.statement_hash.to_string(),
                seq = a.seq.to_string(),
                error = super::errors::archive(&e)
            ))
        })?;
        let path = dir.join(format!("{}.receipt.json", a.statement_hash.to_hex()));
        write_file(&path, (r.to_json() + "\n").as_bytes(), "receipt").map_err(|e| {
            CliError::failed(t!(
                "cli-receipt-unwritten",
                error = e.to_string(),
                statement = a.statement_hash.to_string(),
                seq = a.seq.to_string()
            ))
        })?;
        n += 1;
    }
    Ok(n)
}
