//! Keys, archive creation, signing, ingest, the log and the audit.

use super::attach::AttachArgs;
use super::sealed::SealArgs;
use super::secret::{self, load_signing_key};
use super::{print_json, progress, read_file, table_of, ArchiveArg, CliError, CliResult};
use clap::Subcommand;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use temoin::archive::{Accepted, Archive, Config, Refusal};
use temoin::attachment::Attachment;
use temoin::audit;
use temoin::compose::draft_from_json;
use temoin::keys::SaveKey as _;
use temoin::keys::{NamedPublicKey, SecretKey};
use temoin::registry::{
    EnrollPayload, EnrollReaderPayload, RevokePayload, RevokeReaderPayload, Role, PAYLOAD,
};
use temoin::statement::{Draft, Kind, StatementBody, StatementFile};
use temoin::t;

#[derive(Subcommand)]
pub enum Command {
    /// Generate, enrol, revoke and list keys.
    #[command(subcommand)]
    Key(KeyCommand),
    /// Create a new archive, with its genesis entry signed by the custodian.
    #[command(
        after_long_help = "Example:\n  temoin init --archive ./archive --origin temoin.example/tombouctou --custodian-key custodian.key"
    )]
    Init {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The archive's origin: names its checkpoints (no spaces), e.g. temoin.example/tombouctou.
        #[arg(long)]
        origin: String,
        /// The first custodian's secret key file.
        #[arg(long, value_name = "KEY")]
        custodian_key: PathBuf,
        /// The custodian's display name (default: the key's name).
        #[arg(long)]
        name: Option<String>,
        /// Largest part accepted, in bytes (at most, and by default, 4 GiB
        /// and 2 MiB: an attachment of 4 GiB, sealed).
        #[arg(long, default_value_t = temoin::attach::MAX_PART_BYTES)]
        max_part_bytes: u64,
    },
    /// Sign a statement offline: no archive needed. Writes a .tms file.
    #[command(
        after_long_help = "Example:\n  temoin sign --key aminata.key --kind testimony --input testimony.json --out testimony.tms\n  temoin sign --key aminata.key --kind note --input - --out - < note.json > note.tms"
    )]
    Sign {
        /// The author's secret key file.
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// The statement kind: note, incident, testimony, amendment, retraction, annotation, merge, summary-claim, redaction.
        #[arg(long)]
        kind: String,
        /// The statement's content, as JSON (see docs/DOMAIN.md); `-`
        /// reads it from standard input.
        #[arg(long, value_name = "FILE.json")]
        input: PathBuf,
        /// The statement file to write; `-` writes it to standard output
        /// (and the line naming the statement to standard error).
        #[arg(long, value_name = "FILE.tms")]
        out: PathBuf,
        #[command(flatten)]
        seal: SealArgs,
        #[command(flatten)]
        attach: AttachArgs,
        /// The archive whose readers --to-readers names (or set TEMOIN_ARCHIVE).
        #[arg(long, env = "TEMOIN_ARCHIVE", value_name = "DIR")]
        archive: Option<PathBuf>,
    },
    /// Append signed statements (.tms files) to the archive.
    #[command(
        after_long_help = "Example:\n  temoin ingest --archive ./archive *.tms --receipt-dir receipts/"
    )]
    Ingest {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The statement files; each statement is appended after the ones it refers to among them.
        #[arg(required = true, value_name = "FILE.tms")]
        files: Vec<PathBuf>,
        /// Statements written and flushed together.
        #[arg(long, default_value_t = 256)]
        batch_size: usize,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// No progress bar (there is none either when stderr is not a terminal).
        #[arg(long, short)]
        quiet: bool,
        /// Save one receipt per accepted statement here, as <statement-hash>.receipt.json.
        #[arg(long, value_name = "DIR")]
        receipt_dir: Option<PathBuf>,
    },
    /// Sign a statement and ingest it at once.
    #[command(
        after_long_help = "Example:\n  temoin submit --archive ./archive --key aminata.key --kind note --input note.json"
    )]
    Submit {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The author's secret key file.
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// The statement kind: note, incident, testimony, amendment, retraction, annotation, merge, summary-claim, redaction.
        #[arg(long)]
        kind: String,
        /// The statement's content, as JSON (see docs/DOMAIN.md); `-` reads it from standard input.
        #[arg(long, value_name = "FILE.json")]
        input: PathBuf,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        #[command(flatten)]
        seal: SealArgs,
        #[command(flatten)]
        attach: AttachArgs,
    },
    /// List the log's entries.
    #[command(after_long_help = "Example:\n  temoin log --archive ./archive")]
    Log {
        #[command(flatten)]
        archive: ArchiveArg,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Audit the whole archive: replay and check every entry.
    #[command(
        after_long_help = "Example:\n  temoin verify --archive ./archive\n  temoin verify --tiles ./mirror"
    )]
    Verify {
        /// The archive directory (or set TEMOIN_ARCHIVE).
        #[arg(
            long,
            env = "TEMOIN_ARCHIVE",
            value_name = "DIR",
            required_unless_present = "tiles"
        )]
        archive: Option<PathBuf>,
        /// Audit a tiles directory instead (a `temoin tiles` export or a
        /// mirror), read only, without the archive.
        #[arg(long, value_name = "DIR")]
        tiles: Option<PathBuf>,
        /// With --tiles: the archive's checkpoint key (a vkey or a file
        /// holding one); default: DIR/key.
        #[arg(long, value_name = "VKEY", requires = "tiles")]
        archive_key: Option<String>,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
        /// No progress bar (there is none either when stderr is not a terminal).
        #[arg(long, short)]
        quiet: bool,
        /// Give up on a store that answers nothing for this many seconds
        /// (sled can loop forever on a damaged db/db), with a verdict
        /// naming what could not be read.
        #[arg(long, value_name = "SECONDS", default_value_t = 300)]
        stall_timeout: u64,
    },
}

#[derive(Subcommand)]
pub enum KeyCommand {
    /// Generate a key pair: PATH (secret, mode 0600) and PATH.pub.
    #[command(
        after_long_help = "Example:\n  temoin key generate --out aminata.key --name aminata-walet\n  temoin key generate --reader --out lawyer.key"
    )]
    Generate {
        /// Where to write the secret key (mode 0600); its public key goes to PATH.pub.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// The key's name (no spaces), e.g. aminata-walet. Default: the file name.
        #[arg(long)]
        name: Option<String>,
        /// A reader's key (an age identity) rather than a signing key:
        /// sealed parts can be sealed to it; PATH.pub holds its recipient.
        #[arg(long)]
        reader: bool,
        /// Protect the secret key with a passphrase, asked twice on the
        /// terminal (in a script: --passphrase-file FILE instead).
        #[arg(long)]
        passphrase: bool,
    },
    /// Add, change or remove the passphrase of a secret key file. The
    /// current passphrase is asked (or --passphrase-file), then the new one.
    #[command(after_long_help = "Example:\n  temoin key passphrase aminata.key")]
    Passphrase {
        /// The secret key file whose passphrase to change.
        #[arg(value_name = "KEY")]
        key: PathBuf,
        /// The new passphrase's file (for scripts); default: asked twice.
        #[arg(long, value_name = "FILE", conflicts_with = "remove")]
        new_passphrase_file: Option<PathBuf>,
        /// Remove the passphrase: the key is written in clear.
        #[arg(long)]
        remove: bool,
    },
    /// Enrol a key with a role (signed by a custodian).
    #[command(
        after_long_help = "Example:\n  temoin key enroll --archive ./archive --custodian-key custodian.key --public aminata.key.pub --role intermediary"
    )]
    Enroll {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The custodian's secret key file, to sign the enrolment.
        #[arg(long, value_name = "KEY")]
        custodian_key: PathBuf,
        /// The public key: a .pub file, a vkey or 64 hex digits; for a
        /// reader, its .pub file or age recipient (age1…).
        #[arg(long, value_name = "PUB")]
        public: String,
        /// custodian, intermediary, reviewer, or reader (may open parts
        /// sealed to it; signs nothing).
        #[arg(long)]
        role: String,
        /// Display name (default: the key's name).
        #[arg(long)]
        name: Option<String>,
        /// The same person's earlier key, which this one succeeds: its
        /// .pub file, vkey, 64 hex digits, at least 8 first hex digits, or
        /// the name it was enrolled under. The new key may then amend and
        /// retract that key's records. The earlier key may be revoked
        /// already, or later (`key revoke`); a key is succeeded once.
        #[arg(long, value_name = "PUB|NAME|PREFIX")]
        succeeds: Option<String>,
    },
    /// Revoke a key (signed by a custodian). Its later statements are refused.
    #[command(
        after_long_help = "Example:\n  temoin key revoke --archive ./archive --custodian-key custodian.key --public aminata.key.pub --reason \"phone seized\" --effective 2025-11-20"
    )]
    Revoke {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The custodian's secret key file, to sign the revocation.
        #[arg(long, value_name = "KEY")]
        custodian_key: PathBuf,
        /// The key to revoke: a .pub file, a vkey, 64 hex digits, or the
        /// name it was enrolled under (as `key list` shows it).
        #[arg(long, value_name = "PUB|NAME")]
        public: String,
        /// Why the key is revoked (kept in the log), e.g. "phone seized at a checkpoint".
        #[arg(long)]
        reason: String,
        /// Since when the key is distrusted (YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ); default now.
        #[arg(long)]
        effective: Option<String>,
    },
    /// List the archive's keys, with their C2SP vkeys.
    #[command(after_long_help = "Example:\n  temoin key list --archive ./archive")]
    List {
        #[command(flatten)]
        archive: ArchiveArg,
        /// Print the result as JSON.
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Key(k) => run_key(k),
        Command::Init {
            archive,
            origin,
            custodian_key,
            name,
            max_part_bytes,
        } => {
            if max_part_bytes > temoin::attach::MAX_PART_BYTES {
                return Err(CliError::usage(t!(
                    "cli-max-part-bytes",
                    given = max_part_bytes.to_string(),
                    limit = temoin::attach::MAX_PART_BYTES.to_string()
                )));
            }
            let key = load_signing_key(&custodian_key)?;
            let name = name.unwrap_or_else(|| key.name().to_string());
            let mut config = Config::new(&origin);
            config.max_part_bytes = max_part_bytes;
            let a = Archive::init(&archive.archive, config, &key, &name)?;
            println!(
                "{}",
                t!(
                    "init-done",
                    dir = archive.archive.display().to_string(),
                    origin = origin.clone(),
                    name = name.clone(),
                    key = key.public().short()
                )
            );
            println!(
                "{}",
                t!(
                    "init-checkpoint-key",
                    vkey = a.checkpoint_vkey()?.to_string()
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Sign {
            key,
            kind,
            input,
            out,
            seal,
            attach,
            archive,
        } => {
            let (draft, key, attachments) =
                sign_input(&key, &kind, &input, &seal, &attach, archive.as_deref())?;
            if super::habits::is_stdio(&out) {
                return sign_to_stdout(draft, &attachments, &key, &kind);
            }
            let hash = temoin::attachment::sign_to_file(draft, &attachments, &key, &out)?;
            println!(
                "{}",
                t!(
                    "sign-done",
                    kind = kind.to_string(),
                    hash = hash.to_string(),
                    out = out.display().to_string()
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Ingest {
            archive,
            files,
            batch_size,
            json,
            quiet,
            receipt_dir,
        } => ingest(
            &archive.archive,
            &files,
            batch_size.max(1),
            json,
            quiet,
            receipt_dir.as_deref(),
        ),
        Command::Submit {
            archive,
            key,
            kind,
            input,
            json,
            seal,
            attach,
        } => {
            let dir = &archive.archive;
            let (draft, key, attachments) =
                sign_input(&key, &kind, &input, &seal, &attach, Some(dir))?;
            let mut a = Archive::open(dir)?;
            let out = if attachments.is_empty() {
                a.ingest(&draft.sign(&key)?)?
            } else {
                // Signed to a file (attachments stream), ingested from it,
                // removed whatever happens.
                let tms = tempfile::Builder::new()
                    .prefix(".temoin-submit-")
                    .suffix(".tms")
                    .tempfile_in(dir)
                    .map_err(|e| {
                        CliError::failed(t!(
                            "cli-cannot-write-in",
                            dir = dir.display().to_string(),
                            error = super::errors::io(&e)
                        ))
                    })?;
                temoin::attachment::sign_to_file(draft, &attachments, &key, tms.path())?;
                let f = std::fs::File::open(tms.path()).map_err(|e| {
                    CliError::failed(super::errors::cannot_read("statement file", tms.path(), &e))
                })?;
                a.ingest_stream(std::io::BufReader::new(f))?
            };
            report_outcomes(&[(input, out)], json)
        }
        Command::Log { archive, json } => log(&archive.archive, json),
        Command::Verify {
            archive,
            tiles,
            archive_key,
            json,
            quiet,
            stall_timeout,
        } => match (tiles, archive) {
            (Some(dir), _) => super::tiles::verify_tiles(&dir, archive_key.as_deref(), json),
            (None, Some(archive)) => verify(&archive, json, quiet, stall_timeout),
            (None, None) => Err(CliError::usage(t!("remote-archive-or-server"))),
        },
    }
}

/// The most JSON `--input -` reads from standard input.
const STDIN_JSON_LIMIT: u64 = 256 << 20;

/// `sign --out -`: the statement file on standard output, the line that
/// names it on standard error (stdout is the file). With attachments, the
/// file is assembled in a temporary file first (attachments stream, and
/// are never held in memory), then copied out.
fn sign_to_stdout(
    draft: Draft,
    attachments: &[Attachment],
    key: &SecretKey,
    kind: &str,
) -> CliResult {
    use std::io::Write as _;
    let mut o = std::io::stdout().lock();
    let print_err = |e: std::io::Error| {
        CliError::failed(t!("cli-cannot-write-stdout", error = super::errors::io(&e)))
    };
    let hash = if attachments.is_empty() {
        let file = draft.sign(key)?;
        o.write_all(&file.to_bytes()).map_err(print_err)?;
        file.statement.hash()
    } else {
        let tmp = tempfile::Builder::new()
            .prefix(".temoin-sign-")
            .suffix(".tms")
            .tempfile()
            .map_err(|e| {
                CliError::failed(t!("cli-cannot-create-temp", error = super::errors::io(&e)))
            })?;
        let hash = temoin::attachment::sign_to_file(draft, attachments, key, tmp.path())?;
        let mut f = std::fs::File::open(tmp.path()).map_err(|e| {
            CliError::failed(super::errors::cannot_read("statement file", tmp.path(), &e))
        })?;
        std::io::copy(&mut f, &mut o).map_err(print_err)?;
        hash
    };
    o.flush().map_err(print_err)?;
    eprintln!(
        "{}",
        t!(
            "sign-done-stdout",
            kind = kind.to_string(),
            hash = hash.to_string()
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn parse_kind(kind: &str) -> Result<Kind, CliError> {
    Kind::from_name(kind).ok_or_else(|| {
        let names: Vec<_> = Kind::ALL.iter().map(|k| k.name()).collect();
        CliError::usage(t!(
            "cli-unknown-kind",
            kind = format!("{kind:?}"),
            kinds = names.join(", ")
        ))
    })
}

/// The draft `input` describes, its sealed parts sealed, the author's key,
/// and the attachments to stream in at signing.
fn sign_input(
    key: &Path,
    kind: &str,
    input: &Path,
    seal: &SealArgs,
    attach: &AttachArgs,
    archive: Option<&Path>,
) -> Result<(Draft, SecretKey, Vec<Attachment>), CliError> {
    let kind = parse_kind(kind)?;
    let attached = attach.labels()?;
    let key = load_signing_key(key)?;
    // Read whole, as from a file; on standard input, a bound keeps a
    // runaway pipe from filling memory (attachments, the large contents,
    // are files of their own: --attach).
    let json = zeroize::Zeroizing::new(super::read_input(input, "input", STDIN_JSON_LIMIT)?);
    let draft = draft_from_json(kind, &json).map_err(|e| {
        CliError::usage(format!(
            "{}: {}",
            input.display(),
            super::refusal::compose(temoin::i18n::current(), &e)
        ))
    })?;
    let (draft, readers, sealed) = super::sealed::apply(draft, seal, archive, &attached)?;
    let attachments = attach.attachments(&sealed, &readers)?;
    Ok((draft, key, attachments))
}

fn describe(a: &Accepted) -> String {
    let seq = format!("{:>6}", a.seq);
    let kind = format!("{:<13}", a.kind.name());
    let (statement, entry) = (a.statement_hash.short(), a.entry_hash.short());
    if a.duplicate {
        t!(
            "ingest-already",
            seq = seq,
            kind = kind,
            statement = statement,
            entry = entry
        )
    } else {
        t!(
            "ingest-appended",
            seq = seq,
            kind = kind,
            statement = statement,
            entry = entry
        )
    }
}

#[derive(serde::Serialize)]
struct OutcomeJson {
    file: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    accepted: Option<Accepted>,
    #[serde(skip_serializing_if = "Option::is_none")]
    refused: Option<String>,
}

fn report_outcomes(outs: &[(PathBuf, Result<Accepted, Refusal>)], json: bool) -> CliResult {
    let refused = outs.iter().filter(|(_, o)| o.is_err()).count();
    if json {
        let v: Vec<OutcomeJson> = outs
            .iter()
            .map(|(f, o)| OutcomeJson {
                file: f.display().to_string(),
                accepted: o.as_ref().ok().cloned(),
                refused: o.as_ref().err().map(|r| r.to_string()),
            })
            .collect();
        print_json(&v)?;
    } else {
        for (f, o) in outs {
            match o {
                Ok(a) => println!("{}  ({})", describe(a), f.display()),
                Err(r) => eprintln!(
                    "{}",
                    t!(
                        "ingest-refused",
                        file = f.display().to_string(),
                        reason = super::refusal::refusal(temoin::i18n::current(), r)
                    )
                ),
            }
        }
    }
    Ok(if refused > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// The statement files of one batch, read and decoded: the decoded ones,
/// and one slot per file in order (`Some` for a file refused already).
type ReadBatch = (
    Vec<StatementFile>,
    Vec<(PathBuf, Option<Result<Accepted, Refusal>>)>,
);

fn read_batch(chunk: &[PathBuf]) -> Result<ReadBatch, CliError> {
    let mut decoded = Vec::new();
    let mut outcomes = Vec::new();
    for f in chunk {
        let bytes = read_file(f, "statement file")?;
        match StatementFile::from_bytes(&bytes) {
            Ok(s) => {
                decoded.push(s);
                outcomes.push((f.clone(), None));
            }
            Err(e) => outcomes.push((f.clone(), Some(Err(Refusal::File(e))))),
        }
    }
    Ok((decoded, outcomes))
}

/// Statement files larger than this stream in alone (attachments) rather
/// than being read whole into a batch.
const STREAM_OVER: u64 = 4 << 20;
/// At most this many bytes of statement files are read into one batch.
const BATCH_BYTES: u64 = 32 << 20;

/// Runs of files, in the order given: `Ok(run)` of files read whole and
/// ingested in batches, `Err(file)` of one file streamed in alone.
fn runs(files: &[PathBuf]) -> Vec<Result<&[PathBuf], &PathBuf>> {
    let size = |f: &PathBuf| std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
    let mut out = Vec::new();
    let mut start = 0;
    for (i, f) in files.iter().enumerate() {
        if size(f) > STREAM_OVER {
            if start < i {
                out.push(Ok(&files[start..i]));
            }
            out.push(Err(f));
            start = i + 1;
        }
    }
    if start < files.len() {
        out.push(Ok(&files[start..]));
    }
    out
}

/// Chunks of at most `batch_size` files and `BATCH_BYTES` bytes (and at
/// least one file).
fn batches(files: &[PathBuf], batch_size: usize) -> Vec<&[PathBuf]> {
    let mut out = Vec::new();
    let (mut start, mut bytes) = (0, 0u64);
    for (i, f) in files.iter().enumerate() {
        let len = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
        if i > start && (i - start >= batch_size || bytes + len > BATCH_BYTES) {
            out.push(&files[start..i]);
            (start, bytes) = (i, 0);
        }
        bytes += len;
    }
    if start < files.len() {
        out.push(&files[start..]);
    }
    out
}

/// What orders a statement file among others: its hash, the hashes it
/// refers to, the incident it opens and the incidents it names, from its
/// header and payload only (a part before the payload is skipped only if it
/// is small: an attachment is not read for this); `None` for a file that
/// cannot be read as one (ingest says why, in its place).
struct Precedence {
    hash: temoin::Digest,
    refs: Vec<temoin::Digest>,
    opens: Option<String>,
    names: Vec<String>,
}

fn precedence_of(path: &Path) -> Option<Precedence> {
    use std::io::Read as _;
    let f = std::fs::File::open(path).ok()?;
    let (mut tms, signed) = temoin::tms::TmsReader::open(std::io::BufReader::new(f)).ok()?;
    let body = StatementBody::decode(&signed.body_bytes).ok()?;
    let mut p = Precedence {
        hash: signed.hash(),
        refs: body.refs().collect(),
        opens: None,
        names: Vec::new(),
    };
    while let Ok(Some(h)) = tms.next_part() {
        if h.length > temoin::attach::MAX_PAYLOAD_BYTES {
            break;
        }
        let mut bytes = Vec::new();
        if tms.content().read_to_end(&mut bytes).is_err() {
            break;
        }
        if h.label == PAYLOAD {
            if let Ok(Some(payload)) = temoin::domain::Payload::parse(body.kind, &bytes) {
                if let temoin::domain::Payload::Incident(i) = &payload {
                    p.opens = Some(i.id.clone());
                }
                p.names = payload
                    .named_incidents()
                    .into_iter()
                    .map(String::from)
                    .collect();
            }
            break;
        }
    }
    Some(p)
}

/// `files` in an order where each statement comes after the ones it
/// refers to among them (an amendment after its testimony) and after the
/// one that opens an incident it names (a testimony after its incident),
/// whatever order a shell glob gave; the given order kept otherwise: a
/// stable topological sort, the earliest given file first among those
/// ready.
fn in_reference_order(files: &[PathBuf]) -> Vec<PathBuf> {
    use std::cmp::Reverse;
    use std::collections::{BinaryHeap, HashMap};
    let heads: Vec<_> = files.iter().map(|f| precedence_of(f)).collect();
    let mut first: HashMap<temoin::Digest, usize> = HashMap::new();
    let mut opener: HashMap<&str, usize> = HashMap::new();
    for (i, h) in heads.iter().enumerate() {
        if let Some(p) = h {
            first.entry(p.hash).or_insert(i);
            if let Some(id) = &p.opens {
                opener.entry(id.as_str()).or_insert(i);
            }
        }
    }
    let mut waiting_on = vec![0usize; files.len()];
    let mut dependents: Vec<Vec<usize>> = vec![Vec::new(); files.len()];
    for (i, h) in heads.iter().enumerate() {
        let Some(p) = h else { continue };
        let before = p
            .refs
            .iter()
            .filter_map(|r| first.get(r))
            .chain(p.names.iter().filter_map(|n| opener.get(n.as_str())));
        let mut seen = Vec::new();
        for &j in before {
            if j != i && !seen.contains(&j) {
                seen.push(j);
                waiting_on[i] += 1;
                dependents[j].push(i);
            }
        }
    }
    let mut ready: BinaryHeap<Reverse<usize>> = (0..files.len())
        .filter(|&i| waiting_on[i] == 0)
        .map(Reverse)
        .collect();
    let mut order = Vec::with_capacity(files.len());
    let mut placed = vec![false; files.len()];
    while let Some(Reverse(i)) = ready.pop() {
        order.push(i);
        placed[i] = true;
        for &d in &dependents[i] {
            waiting_on[d] -= 1;
            if waiting_on[d] == 0 {
                ready.push(Reverse(d));
            }
        }
    }
    // Statements cannot refer to each other in a cycle (a hash names what
    // existed before it); forged files that do keep their given order.
    order.extend((0..files.len()).filter(|&i| !placed[i]));
    order.into_iter().map(|i| files[i].clone()).collect()
}

fn ingest(
    dir: &Path,
    files: &[PathBuf],
    batch_size: usize,
    json: bool,
    quiet: bool,
    receipt_dir: Option<&Path>,
) -> CliResult {
    let mut archive = Archive::open(dir)?;
    let ordered = in_reference_order(files);
    let files = &ordered[..];
    let bar = progress(files.len() as u64, "ingest", quiet || json);
    let mut all = Vec::with_capacity(files.len());
    let mut any_refused = false;
    // Each batch is durable once ingested: acknowledge it before the next.
    let mut acknowledge = |archive: &Archive,
                           done: Vec<(PathBuf, Result<Accepted, Refusal>)>|
     -> Result<(), CliError> {
        if let Some(rd) = receipt_dir {
            let accepted = done.iter().filter_map(|(_, r)| r.as_ref().ok());
            super::evidence::save_receipts(archive, rd, accepted)?;
        }
        if !json {
            bar.suspend(|| {
                let _ = report_outcomes(&done, false);
            });
        }
        any_refused |= done.iter().any(|(_, r)| r.is_err());
        bar.inc(done.len() as u64);
        all.extend(done);
        Ok(())
    };
    for run in runs(files) {
        let run = match run {
            Err(f) => {
                let file = std::fs::File::open(f).map_err(|e| {
                    CliError::usage(super::errors::cannot_read("statement file", f, &e))
                })?;
                let out = archive
                    .ingest_stream(std::io::BufReader::with_capacity(64 << 10, file))
                    .map_err(|e| CliError::from(e).in_file(f))?;
                acknowledge(&archive, vec![(f.clone(), out)])?;
                continue;
            }
            Ok(run) => run,
        };
        let chunks = batches(run, batch_size).into_iter().map(|chunk| {
            let (decoded, slots) = read_batch(chunk)?;
            Ok((slots, decoded))
        });
        temoin::bulk::ingest_pipelined(&mut archive, chunks, |archive, batch| {
            let mut results = batch.outcomes.into_iter();
            let done: Vec<(PathBuf, Result<Accepted, Refusal>)> = batch
                .tag
                .into_iter()
                .filter_map(|(f, o)| match o {
                    Some(r) => Some((f, r)),
                    None => results.next().map(|r| (f, r)),
                })
                .collect();
            acknowledge(archive, done)
        })?;
    }
    bar.finish_and_clear();
    if json {
        report_outcomes(&all, true)?;
    }
    Ok(if any_refused {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

#[derive(serde::Serialize)]
struct LogRow {
    seq: u64,
    received_at: String,
    kind: String,
    author: String,
    author_name: Option<String>,
    statement_hash: String,
    entry_hash: String,
    refs: Vec<String>,
    parts: Vec<String>,
}

fn log(dir: &Path, json: bool) -> CliResult {
    let archive = Archive::open_reader(dir)?;
    let mut rows = Vec::new();
    for item in archive.store().entries_from(0) {
        let (_, bytes) = item?;
        let entry = temoin::entry::Entry::from_bytes(&bytes)
            .map_err(|e| CliError::failed(t!("cli-damaged-entry", error = e.to_string())))?;
        let body = StatementBody::decode(&entry.statement.body_bytes).map_err(|e| {
            CliError::failed(t!(
                "cli-damaged-entry-at",
                seq = entry.seq.to_string(),
                error = e.to_string()
            ))
        })?;
        let author = temoin::keys::PublicKey::from_bytes(&body.author)?;
        rows.push(LogRow {
            seq: entry.seq,
            received_at: temoin::time::format_ms(entry.received_at),
            kind: body.kind.name().into(),
            author: author.to_hex(),
            author_name: archive.registry().get(&author).map(|r| r.name.clone()),
            statement_hash: entry.statement.hash().to_hex(),
            entry_hash: temoin::entry::entry_hash(&bytes).to_hex(),
            refs: body.refs().map(|r| r.to_hex()).collect(),
            parts: body.parts.iter().map(|p| p.label.clone()).collect(),
        });
    }
    if json {
        print_json(&rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    let table_rows: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            vec![
                r.seq.to_string(),
                r.received_at.clone(),
                r.kind.clone(),
                r.author_name
                    .clone()
                    .unwrap_or_else(|| r.author[..12].to_string()),
                r.statement_hash[..12].to_string(),
                r.refs
                    .iter()
                    .map(|h| h[..12].to_string())
                    .collect::<Vec<_>>()
                    .join(","),
                r.parts.join(","),
            ]
        })
        .collect();
    table_of(
        &[
            t!("col-seq"),
            t!("col-received"),
            t!("col-kind"),
            t!("col-author"),
            t!("col-statement"),
            t!("col-refs"),
            t!("col-parts"),
        ],
        &table_rows,
    );
    Ok(ExitCode::SUCCESS)
}

/// What the audit's thread tells `verify`.
enum AuditMsg {
    /// Entries checked so far.
    Progress(u64),
    Done(Result<Result<audit::AuditReport, audit::LogFault>, CliError>),
}

/// The audit, on a thread of its own, so that a store that never answers
/// (sled 0.34 can retry forever on a damaged `db/db`) still gets a
/// verdict: if the audit reports no progress for `stall_timeout` seconds,
/// `verify` gives up and says what it was reading. The deadline is on
/// progress, not on the whole audit: a healthy audit reports every few
/// hundred entries. With `--json`, a verdict is always printed, whatever
/// the failure.
fn verify(dir: &Path, json: bool, quiet: bool, stall_timeout: u64) -> CliResult {
    let started = std::time::Instant::now();
    let (tx, rx) = std::sync::mpsc::channel();
    let path = dir.to_path_buf();
    let worker = std::thread::Builder::new()
        .name("temoin-audit".into())
        .spawn(move || {
            let progress = tx.clone();
            let verdict = audit_archive(&path, &mut |n| {
                let _ = progress.send(AuditMsg::Progress(n));
            });
            let _ = tx.send(AuditMsg::Done(verdict));
        });
    let outcome = match worker {
        Err(e) => Err(CliError::failed(t!(
            "cli-cannot-start-audit",
            error = super::errors::io(&e)
        ))),
        Ok(_) => {
            let bar = progress(0, "verify", quiet || json);
            let mut checked: Option<u64> = None;
            let stall = std::time::Duration::from_secs(stall_timeout.max(1));
            loop {
                match rx.recv_timeout(stall) {
                    Ok(AuditMsg::Progress(n)) => {
                        checked = Some(n);
                        bar.set_position(n);
                    }
                    Ok(AuditMsg::Done(v)) => break v,
                    Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {
                        let at = match checked {
                            None => t!("cli-stalled-opening"),
                            Some(n) => t!("cli-stalled-after", n = n.to_string()),
                        };
                        break Err(CliError::failed(t!(
                            "cli-stalled",
                            seconds = stall_timeout.to_string(),
                            at = at,
                            db = dir.join("db").join("db").display().to_string()
                        )));
                    }
                    Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                        break Err(CliError::failed(
                            "the audit stopped without a verdict (its thread panicked)",
                        ))
                    }
                }
            }
        }
    };
    let verdict = match outcome {
        Ok(v) => v,
        Err(e) => {
            if json {
                print_json(&serde_json::json!({"ok": false, "error": e.message}))?;
            }
            return Err(CliError {
                code: e.code,
                message: t!("audit-failed", error = e.message),
            });
        }
    };
    match verdict {
        Ok(report) => {
            if json {
                print_json(&serde_json::json!({"ok": true, "report": report}))?;
            } else {
                for r in &report.redacted {
                    println!(
                        "{}",
                        t!(
                            "audit-note-redacted",
                            label = format!("{:?}", r.label),
                            seq = r.seq,
                            by = r.by_seq
                        )
                    );
                }
                for p in &report.sealed {
                    let names: Vec<String> = p
                        .readers
                        .iter()
                        .map(|r| match &r.name {
                            Some(n) => n.clone(),
                            None => {
                                t!("audit-not-enrolled-reader", recipient = r.recipient.clone())
                            }
                        })
                        .collect();
                    println!(
                        "{}",
                        t!(
                            "audit-note-sealed",
                            label = format!("{:?}", p.label),
                            seq = p.seq,
                            n = names.len(),
                            names = names.join(", ")
                        )
                    );
                }
                // Authorised when appended, so not a fault of the log; said
                // before the verdict line so that no one reads past it.
                for f in &report.signed_after_compromise {
                    println!(
                        "{}",
                        t!(
                            "audit-finding",
                            finding = super::verdict::finding(temoin::i18n::current(), f)
                        )
                    );
                }
                let entries = t!("count-entries", n = report.entries);
                let authors = t!("count-authors", n = report.authors);
                let parts = t!("count-parts", n = report.parts);
                let checkpoints = t!("count-checkpoints", n = report.checkpoints);
                let first = report
                    .first_received_at
                    .map(temoin::time::format_ms)
                    .unwrap_or_default();
                let last = report
                    .last_received_at
                    .map(temoin::time::format_ms)
                    .unwrap_or_default();
                let seconds = format!("{:.2}", started.elapsed().as_secs_f64());
                let line = match report.signed_after_compromise.len() {
                    0 => t!(
                        "audit-ok",
                        entries = entries,
                        authors = authors,
                        parts = parts,
                        checkpoints = checkpoints,
                        first = first,
                        last = last,
                        seconds = seconds
                    ),
                    n => t!(
                        "audit-ok-findings",
                        entries = entries,
                        authors = authors,
                        parts = parts,
                        checkpoints = checkpoints,
                        first = first,
                        last = last,
                        seconds = seconds,
                        n = n
                    ),
                };
                println!("{line}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Err(fault) => {
            if json {
                print_json(&serde_json::json!({"ok": false, "fault": fault}))?;
            }
            Err(CliError::failed(t!(
                "audit-failed-at",
                fault = super::verdict::log_fault(temoin::i18n::current(), &fault)
            )))
        }
    }
}

/// Open the archive for the audit and run it, then check its checkpoint
/// key file against the genesis.
fn audit_archive(
    dir: &Path,
    progress: &mut dyn FnMut(u64),
) -> Result<Result<audit::AuditReport, audit::LogFault>, CliError> {
    // Not `Archive::open`: it loads the registry, which a damaged archive
    // may not yield; the audit replays everything itself.
    let archive = Archive::open_for_audit(dir)?;
    let report = match audit::audit(archive.store(), progress)? {
        Ok(r) => r,
        Err(f) => return Ok(Err(f)),
    };
    match temoin::derived::check_key_file(dir, archive.store())? {
        Some(f) => Ok(Err(f)),
        None => Ok(Ok(report)),
    }
}

fn run_key(cmd: KeyCommand) -> CliResult {
    match cmd {
        KeyCommand::Generate {
            out,
            name,
            reader,
            passphrase,
        } => {
            let name = match name {
                Some(n) => n,
                None => out
                    .file_stem()
                    .map(|s| s.to_string_lossy().into_owned())
                    .unwrap_or_else(|| "key".into()),
            };
            let pass = secret::new_passphrase(passphrase)?;
            let protected = pass.is_some();
            if reader {
                return generate_reader(&out, &name, pass);
            }
            let key = SecretKey::generate(&name)?;
            let public = key.save_with(&out, "", pass)?;
            let file = out.display().to_string();
            println!(
                "{}",
                if protected {
                    t!("key-secret-protected", file = file)
                } else {
                    t!("key-secret-clear", file = file)
                }
            );
            println!("{}", t!("key-public", file = public.display().to_string()));
            println!("{}", t!("key-vkey", vkey = key.vkey()?.to_string()));
            if !protected {
                secret::warn_unprotected(&out);
            }
            Ok(ExitCode::SUCCESS)
        }
        KeyCommand::Passphrase {
            key,
            new_passphrase_file,
            remove,
        } => change_passphrase(&key, new_passphrase_file.as_deref(), remove),
        KeyCommand::Enroll {
            archive,
            custodian_key,
            public,
            role,
            name,
            succeeds,
        } => {
            let custodian = load_signing_key(&custodian_key)?;
            let role = Role::parse(&role).ok_or_else(|| {
                CliError::usage(t!("cli-unknown-role", role = format!("{role:?}")))
            })?;
            let mut a = Archive::open(&archive.archive)?;
            let succeeds = match &succeeds {
                Some(_) if role == Role::Reader => {
                    return Err(CliError::usage(
                        "--succeeds: a reader signs nothing, so it succeeds no key; enrol the reader without it",
                    ))
                }
                Some(old) => Some(enrolled_key(&a, old, "--succeeds")?.to_hex()),
                None => None,
            };
            let payload = if role == Role::Reader {
                let (recipient, default_name) = reader_public(&public)?;
                temoin::json::to_vec(&EnrollReaderPayload {
                    recipient,
                    name: name
                        .or(default_name)
                        .ok_or_else(|| CliError::usage("--name: give the reader's display name"))?,
                    role,
                })
            } else {
                let pk = NamedPublicKey::load_or_parse(&public)?;
                temoin::json::to_vec(&EnrollPayload {
                    key: pk.key.to_hex(),
                    name: name.unwrap_or(pk.name),
                    role,
                    succeeds,
                })
            };
            let file = Draft::new(Kind::Enroll)
                .part(PAYLOAD, payload)
                .sign(&custodian)?;
            let out = a.ingest(&file)?;
            report_outcomes(&[(PathBuf::from(public), out)], false)
        }
        KeyCommand::Revoke {
            archive,
            custodian_key,
            public,
            reason,
            effective,
        } => {
            let custodian = load_signing_key(&custodian_key)?;
            if is_reader_public(&public) {
                let (recipient, _) = reader_public(&public)?;
                let file = Draft::new(Kind::Revoke)
                    .part(
                        PAYLOAD,
                        temoin::json::to_vec(&RevokeReaderPayload { recipient, reason }),
                    )
                    .sign(&custodian)?;
                let mut a = Archive::open(&archive.archive)?;
                let out = a.ingest(&file)?;
                return report_outcomes(&[(PathBuf::from(public), out)], false);
            }
            let mut a = Archive::open(&archive.archive)?;
            let pk = match NamedPublicKey::load_or_parse(&public) {
                Ok(pk) => pk,
                Err(e) => enrolled_by_name(&a, &public).ok_or(e)??,
            };
            let effective_at = match effective {
                None => None,
                Some(t) => Some(temoin::time::parse_time(&t).ok_or_else(|| {
                    CliError::usage(t!("cli-bad-effective", value = format!("{t:?}")))
                })?),
            };
            // By default the key is distrusted from now on, after every
            // entry already received: none of them is declared signed after
            // a compromise (an entry received in this very millisecond
            // would be, with a plain "now").
            let effective_at = effective_at.unwrap_or_else(|| {
                temoin::time::now_ms().max(a.head().last_received_at.saturating_add(1))
            });
            let payload = RevokePayload {
                key: pk.key.to_hex(),
                reason,
                effective_at,
            };
            let file = Draft::new(Kind::Revoke)
                .part(PAYLOAD, temoin::json::to_vec(&payload))
                .sign(&custodian)?;
            let out = a.ingest(&file)?;
            report_outcomes(&[(PathBuf::from(public), out)], false)
        }
        KeyCommand::List { archive, json } => {
            let a = Archive::open_reader(&archive.archive)?;
            let checkpoint = a.checkpoint_vkey()?;
            // Times are RFC 3339 strings (README, "JSON output"); entry
            // positions are `*_seq`.
            #[derive(serde::Serialize)]
            struct Row {
                name: String,
                role: String,
                key: String,
                vkey: String,
                /// The entry that enrolled the key, and when the archive received it.
                enrolled_seq: Option<u64>,
                enrolled_at: Option<String>,
                /// The entry that revoked it, and when the archive received it.
                revoked_seq: Option<u64>,
                revoked_at: Option<String>,
                /// Since when the revocation distrusts the key: entries
                /// received from then on, before the revocation, are signed
                /// after a declared compromise.
                distrusted_since: Option<String>,
                revoked_reason: Option<String>,
                /// The earlier key of the same person this one succeeds (hex), and its name.
                succeeds: Option<String>,
                succeeds_name: Option<String>,
                /// The key enrolled as this one's successor (hex), and its name.
                succeeded_by: Option<String>,
                succeeded_by_name: Option<String>,
            }
            let time_of = |seq: u64| -> Result<Option<String>, CliError> {
                Ok(a.store().entry(seq)?.map(|e| super::rfc3339(e.received_at)))
            };
            let name_of = |k: &temoin::keys::PublicKey| {
                a.registry()
                    .get(k)
                    .map(|r| r.name.clone())
                    .unwrap_or_default()
            };
            let mut rows = vec![Row {
                name: a.config().origin.clone(),
                role: "checkpoint".into(),
                key: hex::encode(checkpoint.public_key().as_bytes()),
                vkey: checkpoint.to_string(),
                enrolled_seq: None,
                enrolled_at: None,
                revoked_seq: None,
                revoked_at: None,
                distrusted_since: None,
                revoked_reason: None,
                succeeds: None,
                succeeds_name: None,
                succeeded_by: None,
                succeeded_by_name: None,
            }];
            for r in a.registry().keys() {
                let vname: String = r
                    .name
                    .chars()
                    .map(|c| {
                        if c.is_whitespace() || c == '+' {
                            '-'
                        } else {
                            c
                        }
                    })
                    .collect();
                rows.push(Row {
                    name: r.name.clone(),
                    role: r.role.name().into(),
                    key: r.key.to_hex(),
                    vkey: r.key.vkey(&vname)?,
                    enrolled_seq: Some(r.enrolled_at),
                    enrolled_at: time_of(r.enrolled_at)?,
                    revoked_seq: r.revoked.as_ref().map(|v| v.seq),
                    revoked_at: match &r.revoked {
                        Some(v) => time_of(v.seq)?,
                        None => None,
                    },
                    distrusted_since: r.revoked.as_ref().map(|v| super::rfc3339(v.effective_at)),
                    revoked_reason: r.revoked.as_ref().map(|v| v.reason.clone()),
                    succeeds: r.succeeds.map(|k| k.to_hex()),
                    succeeds_name: r.succeeds.as_ref().map(name_of),
                    succeeded_by: r.succeeded_by.map(|k| k.to_hex()),
                    succeeded_by_name: r.succeeded_by.as_ref().map(name_of),
                });
            }
            for r in a.registry().readers() {
                rows.push(Row {
                    name: r.name.clone(),
                    role: Role::Reader.name().into(),
                    key: r.recipient.clone(),
                    vkey: r.recipient.clone(),
                    enrolled_seq: Some(r.enrolled_at),
                    enrolled_at: time_of(r.enrolled_at)?,
                    revoked_seq: r.revoked.as_ref().map(|v| v.0),
                    revoked_at: match &r.revoked {
                        Some(v) => time_of(v.0)?,
                        None => None,
                    },
                    distrusted_since: None,
                    revoked_reason: r.revoked.as_ref().map(|v| v.1.clone()),
                    succeeds: None,
                    succeeds_name: None,
                    succeeded_by: None,
                    succeeded_by_name: None,
                });
            }
            if json {
                print_json(&rows)?;
            } else {
                // The table is read by people: times to the second, as
                // elsewhere in tables; JSON keeps the milliseconds.
                let secs = |t: &str| match t.split_once('.') {
                    Some((whole, _)) => format!("{whole}Z"),
                    None => t.to_string(),
                };
                let t: Vec<Vec<String>> = rows
                    .iter()
                    .map(|r| {
                        let mut status = match (&r.revoked_seq, &r.revoked_reason) {
                            (Some(s), Some(why)) if r.role == "reader" => t!(
                                "keys-revoked-reader",
                                seq = s.to_owned(),
                                reason = why.clone()
                            ),
                            (Some(s), Some(why)) => t!(
                                "keys-revoked",
                                seq = s.to_owned(),
                                at = r
                                    .revoked_at
                                    .as_ref()
                                    .map(|t| format!(" ({})", secs(t)))
                                    .unwrap_or_default(),
                                since = r
                                    .distrusted_since
                                    .as_deref()
                                    .map(secs)
                                    .unwrap_or_else(|| "?".into()),
                                reason = why.clone()
                            ),
                            _ => t!("keys-active"),
                        };
                        if let Some(n) = &r.succeeds_name {
                            status.push_str("; ");
                            status.push_str(&t!("keys-succeeds", name = n.clone()));
                        }
                        if let Some(n) = &r.succeeded_by_name {
                            status.push_str("; ");
                            status.push_str(&t!("keys-succeeded-by", name = n.clone()));
                        }
                        vec![
                            r.name.clone(),
                            r.role.clone(),
                            match (r.enrolled_seq, &r.enrolled_at) {
                                (Some(s), Some(t)) => format!("{s} ({})", secs(t)),
                                (Some(s), None) => s.to_string(),
                                _ => "-".into(),
                            },
                            status,
                            r.vkey.clone(),
                        ]
                    })
                    .collect();
                let head = [
                    t!("col-name"),
                    t!("col-role"),
                    t!("col-enrolled"),
                    t!("col-status"),
                    t!("col-vkey"),
                ];
                table_of(&head, &t);
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Does `--public` name a reader (an age recipient, or a file holding one)?
fn is_reader_public(arg: &str) -> bool {
    arg.starts_with("age1")
        || std::fs::read_to_string(arg)
            .map(|t| t.lines().any(|l| l.trim().starts_with("age1")))
            .unwrap_or(false)
}

/// A reader's recipient from `--public`, and the name its file suggests.
fn reader_public(arg: &str) -> Result<(String, Option<String>), CliError> {
    let args = SealArgs {
        to: vec![arg.to_string()],
        ..SealArgs::default()
    };
    let r = super::sealed::readers(&args, None)?;
    let name = (!arg.starts_with("age1")).then(|| {
        let p = Path::new(arg);
        let stem = p.file_name().map(|f| f.to_string_lossy().into_owned());
        stem.map(|s| {
            s.trim_end_matches(".pub")
                .trim_end_matches(".key")
                .to_string()
        })
    });
    Ok((
        r.first()
            .map(|r| r.to_string())
            .ok_or_else(|| CliError::usage("--public: no reader recipient"))?,
        name.flatten(),
    ))
}

/// `key generate --reader`: an age identity (mode 0600) and its recipient.
fn generate_reader(
    out: &Path,
    name: &str,
    passphrase: Option<temoin::keys::SecretString>,
) -> CliResult {
    let id = temoin::seal::ReaderIdentity::generate();
    let created = temoin::time::format_ms(temoin::time::now_ms());
    let text = id.to_file_text(&created);
    let public = temoin::keys::public_path_for(out);
    let protected = passphrase.is_some();
    let bytes = secret::key_file_bytes(&text, passphrase)?;
    temoin::keys::write_new_file(out, &bytes, 0o600)?;
    let pub_text =
        format!(
        "# temoin reader {name:?}: parts sealed to this age recipient can be opened with {}\n{}\n",
        out.file_name().map(|f| f.to_string_lossy()).unwrap_or_default(),
        id.recipient()
    );
    temoin::keys::write_new_file(&public, pub_text.as_bytes(), 0o644)?;
    let file = out.display().to_string();
    println!(
        "{}",
        if protected {
            t!("key-reader-protected", file = file)
        } else {
            t!("key-reader-clear", file = file)
        }
    );
    println!(
        "{}",
        t!(
            "key-recipient",
            recipient = id.recipient().to_string(),
            file = public.display().to_string()
        )
    );
    if !protected {
        secret::warn_unprotected(out);
    }
    Ok(ExitCode::SUCCESS)
}

/// `key passphrase`: rewrite a secret key file with a new passphrase, or
/// none. The key itself does not change.
fn change_passphrase(key: &Path, new_file: Option<&Path>, remove: bool) -> CliResult {
    let text =
        temoin::keys::read_secret_file(key, &mut secret::ask_current).map_err(secret::key_error)?;
    // Only a key file is rewritten: check it is one before touching it.
    let is_signing = SecretKey::parse_file(&text).is_ok();
    let is_reader = temoin::seal::ReaderIdentity::parse_file(&text).is_ok();
    if !is_signing && !is_reader {
        return Err(CliError::usage(t!(
            "cli-not-a-secret-key",
            path = key.display().to_string()
        )));
    }
    let pass = if remove {
        None
    } else if let Some(f) = new_file {
        Some(secret::passphrase_from_file(f)?)
    } else {
        secret::new_passphrase_prompted()?
    };
    let removed = pass.is_none();
    let bytes = secret::key_file_bytes(&text, pass)?;
    temoin::durable::write_atomic(key, &bytes, 0o600)
        .map_err(|e| CliError::failed(super::errors::cannot_write("key", key, &e.source)))?;
    println!(
        "{}: {}",
        key.display(),
        if removed {
            t!("cli-passphrase-removed")
        } else {
            t!("cli-passphrase-set")
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// An enrolled signing key, revoked or not, named by `arg`: a public key
/// (its file, vkey or hex), the first 8 or more hex digits of one, or the
/// name it was enrolled under (accents and case ignored). Several keys
/// answering are listed, so that the custodian can pick one.
fn enrolled_key(a: &Archive, arg: &str, option: &str) -> Result<temoin::keys::PublicKey, CliError> {
    use temoin::projection::matching::same_name;
    if let Ok(pk) = NamedPublicKey::load_or_parse(arg) {
        // An unenrolled key is refused by the registry, with its reason.
        return Ok(pk.key);
    }
    let typed = arg.trim().to_ascii_lowercase();
    let is_prefix =
        typed.len() >= 8 && typed.len() <= 64 && typed.bytes().all(|b| b.is_ascii_hexdigit());
    let hits: Vec<_> = a
        .registry()
        .keys()
        .filter(|k| (is_prefix && k.key.to_hex().starts_with(&typed)) || same_name(&k.name, arg))
        .collect();
    match hits.as_slice() {
        [k] => Ok(k.key),
        [] => Err(CliError::usage(t!(
            "cli-no-enrolled-key",
            option = option.to_string(),
            arg = format!("{arg:?}")
        ))),
        many => Err(CliError::usage(t!(
            "cli-several-keys",
            option = option.to_string(),
            arg = format!("{arg:?}"),
            n = many.len(),
            keys = many
                .iter()
                .map(|k| {
                    let role = k.role.name().to_string();
                    let role = if k.revoked.is_some() {
                        t!("cli-role-revoked", role = role)
                    } else {
                        role
                    };
                    format!("{} {} ({role})", k.key.to_hex(), k.name)
                })
                .collect::<Vec<_>>()
                .join(", ")
        ))),
    }
}

/// The key enrolled under `name` (accents and case ignored) and not yet
/// revoked: `None` if no key has that name; an error naming the keys if
/// more than one has.
fn enrolled_by_name(a: &Archive, name: &str) -> Option<Result<NamedPublicKey, CliError>> {
    use temoin::projection::matching::same_name;
    let hits: Vec<_> = a
        .registry()
        .keys()
        .filter(|k| same_name(&k.name, name))
        .collect();
    let live: Vec<_> = hits.iter().filter(|k| k.revoked.is_none()).collect();
    match (hits.as_slice(), live.as_slice()) {
        ([], _) => None,
        (_, [k]) => Some(Ok(NamedPublicKey {
            name: k.name.clone(),
            key: k.key,
        })),
        (_, []) => Some(Err(CliError::usage(t!(
            "cli-already-revoked",
            name = format!("{name:?}")
        )))),
        (_, many) => Some(Err(CliError::usage(t!(
            "cli-several-enrolled-as",
            name = format!("{name:?}"),
            n = many.len(),
            keys = many
                .iter()
                .map(|k| format!("{} ({})", k.key.short(), k.role.name()))
                .collect::<Vec<_>>()
                .join(", ")
        )))),
    }
}
