//! Sealed parts on the command line: choosing readers at signing, reader
//! keys, and `unseal` (docs/FORMAT.md §3.8).

use super::secret::load_reader_identity;
use super::{read_file, CliError, CliResult};
use base64::Engine as _;
use clap::Subcommand;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use temoin::archive::Archive;
use temoin::bundle::Bundle;
use temoin::domain::WITNESS;
use temoin::durable::WriteError;
use temoin::entry::Entry;
use temoin::hash::Digest;
use temoin::partcheck::check_reader;
use temoin::seal::{self, Recipient};
use temoin::statement::{Draft, StatementBody};
use temoin::t;

/// Who may read what is sealed, given at signing.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct SealArgs {
    /// Seal this part to the readers (repeatable): the statement commits its
    /// plaintext, the .tms carries only its age ciphertext. When readers are
    /// given, the witness part is always sealed.
    #[arg(long, value_name = "LABEL")]
    pub seal: Vec<String>,
    /// A reader: an age recipient (age1…) or a .pub file holding one
    /// (repeatable).
    #[arg(long, value_name = "RECIPIENT")]
    pub to: Vec<String>,
    /// Also seal to every reader the archive's registry names and has not
    /// revoked (the archive is --archive, or TEMOIN_ARCHIVE).
    #[arg(long)]
    pub to_readers: bool,
}

/// A reader given on the command line: a recipient, or a file holding one
/// (`temoin key generate --reader` writes `KEY.pub`).
fn recipient_arg(arg: &str) -> Result<Recipient, CliError> {
    if arg.starts_with("age1") {
        return arg
            .parse()
            .map_err(|e: seal::SealError| CliError::usage(format!("--to: {e}")));
    }
    let path = Path::new(arg);
    let text = read_file(path, "reader's public key")?;
    let text = String::from_utf8(text).map_err(|_| {
        CliError::usage(format!(
            "--to {arg}: not a reader's public key file (not text)"
        ))
    })?;
    let lines: Vec<&str> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    match lines.as_slice() {
        [line] if line.starts_with("AGE-SECRET-KEY-") => Err(CliError::usage(format!(
            "--to {arg}: this is a reader's SECRET key; give its public key ({arg}.pub) instead"
        ))),
        [line] => line
            .parse()
            .map_err(|e: seal::SealError| CliError::usage(format!("--to {arg}: {e}"))),
        _ => Err(CliError::usage(format!(
            "--to {arg}: expected a file holding one age recipient (age1…), as `temoin key generate --reader` writes in KEY.pub"
        ))),
    }
}

/// The readers `args` name, each once, in the order given.
pub fn readers(args: &SealArgs, archive: Option<&Path>) -> Result<Vec<Recipient>, CliError> {
    let mut out: Vec<Recipient> = Vec::new();
    for t in &args.to {
        let r = recipient_arg(t)?;
        if !out.contains(&r) {
            out.push(r);
        }
    }
    if args.to_readers {
        let dir = archive.ok_or_else(|| CliError::usage(t!("seal-to-readers-needs-archive")))?;
        let a = Archive::open_reader(dir)?;
        let before = out.len();
        for r in a.registry().readers().filter(|r| r.revoked.is_none()) {
            let r: Recipient = r.recipient.parse().map_err(|e: seal::SealError| {
                CliError::failed(format!("the archive's registry names a bad reader: {e}"))
            })?;
            if !out.contains(&r) {
                out.push(r);
            }
        }
        if out.len() == before && args.to.is_empty() {
            return Err(CliError::usage(t!(
                "seal-no-reader",
                dir = dir.display().to_string()
            )));
        }
    }
    Ok(out)
}

/// Seal the parts `args` names (and the witness part, when there are
/// readers) before signing. Attachments (`attached`, their labels) are
/// sealed as they stream into the statement file: the readers to seal
/// them to are returned, with the attachments' labels to seal.
pub fn apply(
    mut draft: Draft,
    args: &SealArgs,
    archive: Option<&Path>,
    attached: &[String],
) -> Result<(Draft, Vec<Recipient>, Vec<String>), CliError> {
    let readers = readers(args, archive)?;
    if readers.is_empty() {
        if let Some(l) = args.seal.first() {
            return Err(CliError::usage(t!("seal-to-whom", label = l.clone())));
        }
        return Ok((draft, readers, Vec::new()));
    }
    let mut labels: Vec<String> = args.seal.clone();
    if draft.parts.iter().any(|p| p.label == WITNESS) && !labels.iter().any(|l| l == WITNESS) {
        labels.push(WITNESS.to_string());
    }
    if labels.is_empty() {
        return Err(CliError::usage(t!("seal-nothing")));
    }
    let mut sealed_attachments = Vec::new();
    for l in &labels {
        if attached.contains(l) {
            sealed_attachments.push(l.clone());
            continue;
        }
        draft = draft
            .seal(l, &readers)
            .map_err(|e| CliError::usage(format!("--seal {l}: {e}")))?;
    }
    Ok((draft, readers, sealed_attachments))
}

#[derive(Subcommand)]
pub enum PartCommand {
    /// Write a part's exact bytes to a file, checked against the author's
    /// signed commitment on the way out.
    #[command(
        after_long_help = "Example:\n  temoin part get --archive ./archive --statement 3f2a9c1e --label text --out text.txt"
    )]
    Get {
        #[command(flatten)]
        archive: super::ArchiveArg,
        /// The statement's hash, or its first hex digits (at least 8).
        #[arg(long, value_name = "HASH")]
        statement: String,
        /// The part's label, e.g. text or photo.
        #[arg(long)]
        label: String,
        /// Where to write the bytes (mode 0600: a part may name a witness).
        #[arg(long, value_name = "FILE")]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum Command {
    /// Read the parts of a statement in the archive.
    #[command(subcommand)]
    Part(PartCommand),
    /// Open a sealed part with a reader's key, check it against what the
    /// author signed, and print it (or write it with --out).
    #[command(
        after_long_help = "Example:\n  temoin unseal --identity lawyer.key --archive ./archive --statement 3f2a9c1e\n  temoin unseal --identity lawyer.key bundle.json --statement 3f2a9c1e --out witness.txt"
    )]
    Unseal {
        /// The reader's key (written by `temoin key generate --reader`).
        #[arg(long, value_name = "KEY")]
        identity: PathBuf,
        /// Read the statement from this archive (or set TEMOIN_ARCHIVE).
        #[arg(
            long,
            env = "TEMOIN_ARCHIVE",
            value_name = "DIR",
            conflicts_with = "bundle"
        )]
        archive: Option<PathBuf>,
        /// Read the statement from this evidence bundle instead.
        #[arg(value_name = "BUNDLE.json")]
        bundle: Option<PathBuf>,
        /// The statement's hash, or its first hex digits (at least 8).
        #[arg(long, value_name = "HASH")]
        statement: String,
        /// The sealed part's label.
        #[arg(long, default_value = WITNESS)]
        label: String,
        /// Write the part's exact bytes here (mode 0600) instead of printing them.
        #[arg(long, value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

pub fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Part(PartCommand::Get {
            archive,
            statement,
            label,
            out,
        }) => {
            let (a, seq, body, hash) = statement_body(&archive.archive, &statement)?;
            let c = body.part(&label).ok_or_else(|| {
                let labels: Vec<&str> = body.parts.iter().map(|p| p.label.as_str()).collect();
                CliError::usage(t!(
                    "part-no-such",
                    statement = hash.short(),
                    label = format!("{label:?}"),
                    parts = labels.join(", ")
                ))
            })?;
            if seal::is_sealed(&body, &label) {
                return Err(CliError::failed(t!(
                    "part-is-sealed",
                    label = label.clone(),
                    hash = hash.to_string()
                )));
            }
            let (salt, reader) = a
                .store()
                .part_reader(seq, &Digest(c.digest))?
                .ok_or_else(|| {
                    CliError::failed(format!(
                        "part {label:?} of statement {} is not in the archive (it was redacted; `temoin verify` says by which order)",
                        hash.short()
                    ))
                })?;
            // Streamed to a temporary file beside `out`, checked as it goes,
            // renamed into place only if it matches.
            let written = temoin::durable::write_atomic_with(&out, 0o600, |f| {
                let mut w = std::io::BufWriter::new(f);
                let checked = check_reader(&label, &salt, reader, |b| w.write_all(b))?;
                w.flush()?;
                if checked.matches(c) {
                    Ok(())
                } else {
                    Err(GetError::Mismatch)
                }
            });
            let length = match written {
                Ok(()) => c.length,
                Err(WriteError::Content(GetError::Mismatch)) => {
                    return Err(CliError::failed(format!(
                        "part {label:?} of entry {seq} does not match the author's signed commitment: the archive is damaged; nothing was written (run `temoin verify`)"
                    )))
                }
                Err(WriteError::Content(GetError::Io(e))) => {
                    return Err(CliError::failed(format!(
                        "cannot copy part {label:?} to {}: {e}; nothing was written",
                        out.display()
                    )))
                }
                Err(WriteError::Sync(e)) => {
                    return Err(CliError::failed(format!(
                        "cannot write {}: {}",
                        out.display(),
                        e.source
                    )))
                }
            };
            println!(
                "{}",
                t!(
                    "part-written",
                    label = format!("{label:?}"),
                    statement = hash.short(),
                    seq = seq,
                    size = t!("count-bytes", n = length),
                    digest = Digest(c.digest).short(),
                    out = out.display().to_string()
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Unseal {
            identity,
            archive,
            bundle,
            statement,
            label,
            out,
        } => {
            let id = load_reader_identity(&identity)?;
            let (body, salt, ciphertext, hash) = match (&bundle, &archive) {
                (Some(b), _) => match sealed_from_bundle(b, &statement, &label)? {
                    FromBundle::Inline(read) => read,
                    FromBundle::Beside(body, salt, file, hash) => {
                        let open = || {
                            std::fs::File::open(&file).map_err(|e| {
                                CliError::failed(format!(
                                    "the ciphertext of part {label:?} travels beside the bundle as {}, which cannot be read: {e} (copy the files named by digests with the bundle)",
                                    file.display()
                                ))
                            })
                        };
                        return unseal_streamed(&body, &hash, &label, &salt, &open, &id, out.as_deref());
                    }
                },
                (None, Some(dir)) => {
                    return unseal_from_archive(dir, &statement, &label, &id, out.as_deref())
                }
                (None, None) => {
                    return Err(CliError::usage(
                        "unseal reads a statement from an archive (--archive DIR) or a bundle (BUNDLE.json): give one",
                    ))
                }
            };
            let part = seal::open_sealed(&body, &label, &salt, &ciphertext, &id)
                .map_err(|e| CliError::failed(format!("cannot unseal part {label:?}: {e}")))?;
            match out {
                Some(path) => {
                    temoin::durable::write_atomic(&path, &part.content, 0o600).map_err(|e| {
                        CliError::failed(format!("cannot write {}: {}", path.display(), e.source))
                    })?;
                    eprintln!(
                        "{}",
                        t!(
                            "unsealed-written",
                            label = format!("{label:?}"),
                            statement = hash.short(),
                            size = t!("count-bytes", n = part.content.len()),
                            out = path.display().to_string()
                        )
                    );
                }
                None => return print_unsealed(&part.content, &label, &hash),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

type SealedRead = (StatementBody, [u8; 32], Vec<u8>, Digest);

/// A sealed part's ciphertext as a bundle carries it.
enum FromBundle {
    Inline(SealedRead),
    /// In the file beside the bundle (FORMAT.md §12.2), not yet checked:
    /// the body, the ciphertext's salt, the file.
    Beside(StatementBody, [u8; 32], PathBuf, Digest),
}

fn not_sealed(label: &str) -> CliError {
    CliError::failed(t!("unseal-not-sealed", label = format!("{label:?}")))
}

/// The archive at `dir`, opened for reading, with the seq, body and hash
/// of the statement `typed` names (its hash or a prefix).
fn statement_body(
    dir: &Path,
    typed: &str,
) -> Result<(Archive, u64, StatementBody, Digest), CliError> {
    let a = Archive::open_reader(dir)?;
    let (hash, info) = super::find_statement(a.store(), typed, "--statement")?;
    let entry = a.store().entry(info.seq)?.ok_or_else(|| {
        CliError::failed(format!(
            "entry {} is missing from the archive (run `temoin verify`)",
            info.seq
        ))
    })?;
    let body = StatementBody::decode(&entry.statement.body_bytes)
        .map_err(|e| CliError::failed(format!("entry {}: {e}", info.seq)))?;
    Ok((a, info.seq, body, hash))
}

/// What `part get` can fail on while it copies.
enum GetError {
    Mismatch,
    Io(std::io::Error),
}

impl From<std::io::Error> for GetError {
    fn from(e: std::io::Error) -> GetError {
        GetError::Io(e)
    }
}

/// The largest sealed part `unseal` prints: beyond it, a part is written
/// with --out (it is checked whole before anything is printed, so it is
/// held in memory).
const MAX_PRINTED: u64 = 16 << 20;

/// `unseal --archive`: the ciphertext streams from the parts file.
fn unseal_from_archive(
    dir: &Path,
    typed: &str,
    label: &str,
    id: &seal::ReaderIdentity,
    out: Option<&Path>,
) -> CliResult {
    let (a, seq, body, hash) = statement_body(dir, typed)?;
    let hash = &hash;
    let sealed = body
        .part(&seal::ciphertext_label(label))
        .ok_or_else(|| not_sealed(label))?;
    let open = || {
        a.store()
            .part_reader(seq, &Digest(sealed.digest))?
            .ok_or_else(|| {
                CliError::failed(format!(
                    "the ciphertext of part {label:?} is not in the archive (it was redacted)"
                ))
            })
    };
    let (salt, _) = open()?;
    unseal_streamed(
        &body,
        hash,
        label,
        &salt,
        &|| open().map(|(_, r)| r),
        id,
        out,
    )
}

/// Open sealed part `label` of `body` from its ciphertext, which `open`
/// streams (from the parts file, or a file beside a bundle) twice: once to
/// check it is the one the author committed, once through age. The
/// plaintext is checked against the author's commitment before it is
/// printed, or before the file that holds it is renamed into place.
fn unseal_streamed<R: std::io::Read>(
    body: &StatementBody,
    hash: &Digest,
    label: &str,
    salt: &[u8; 32],
    open: &dyn Fn() -> Result<R, CliError>,
    id: &seal::ReaderIdentity,
    out: Option<&Path>,
) -> CliResult {
    let age_label = seal::ciphertext_label(label);
    let (Some(plain), Some(sealed)) = (body.part(label), body.part(&age_label)) else {
        return Err(not_sealed(label));
    };
    // At most one byte past the committed length is read: a longer file
    // is already a mismatch.
    let limited = || open().map(|r| std::io::Read::take(r, sealed.length.saturating_add(1)));
    let checked = check_reader(&age_label, salt, limited()?, |_| Ok(()))
        .map_err(|e| CliError::failed(format!("cannot read the ciphertext: {e}")))?;
    if !checked.matches(sealed) {
        return Err(CliError::failed(format!(
            "cannot unseal part {label:?}: the ciphertext is not the one the author committed (the archive or the file beside the bundle is damaged)"
        )));
    }
    let reader = std::io::BufReader::with_capacity(64 << 10, limited()?);
    let unseal_err =
        |e: seal::UnsealError| CliError::failed(format!("cannot unseal part {label:?}: {e}"));
    match out {
        None if plain.length > MAX_PRINTED => Err(CliError::usage(format!(
            "part {label:?} is {} bytes: write it to a file with --out FILE",
            plain.length
        ))),
        None => {
            let mut content = zeroize::Zeroizing::new(Vec::new());
            seal::unseal_to(reader, id, plain, &mut *content).map_err(unseal_err)?;
            print_unsealed(&content, label, hash)
        }
        Some(path) => {
            let written = temoin::durable::write_atomic_with(path, 0o600, |f| {
                let mut w = std::io::BufWriter::new(f);
                seal::unseal_to(reader, id, plain, &mut w)?;
                w.flush()
                    .map_err(|e| seal::UnsealError::Output(e.to_string()))
            });
            match written {
                Ok(()) => {}
                Err(WriteError::Content(e)) => return Err(unseal_err(e)),
                Err(WriteError::Sync(e)) => {
                    return Err(CliError::failed(format!(
                        "cannot write {}: {}",
                        path.display(),
                        e.source
                    )))
                }
            }
            eprintln!(
                "{}",
                t!(
                    "unsealed-written",
                    label = format!("{label:?}"),
                    statement = hash.short(),
                    size = t!("count-bytes", n = plain.length),
                    out = path.display().to_string()
                )
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn print_unsealed(content: &[u8], label: &str, hash: &Digest) -> CliResult {
    let mut o = std::io::stdout().lock();
    o.write_all(content)
        .and_then(|_| o.flush())
        .map_err(|e| CliError::failed(format!("cannot print: {e}")))?;
    eprintln!(
        "\ntemoin: {}",
        t!(
            "unsealed-printed",
            label = format!("{label:?}"),
            statement = hash.short()
        )
    );
    Ok(ExitCode::SUCCESS)
}

fn sealed_from_bundle(path: &Path, typed: &str, label: &str) -> Result<FromBundle, CliError> {
    let prefix = super::hash_prefix(typed, "--statement")?;
    let bytes = read_file(path, "bundle")?;
    let b = Bundle::from_json(&bytes)
        .map_err(|e| CliError::failed(format!("{}: {}", path.display(), e.reason)))?;
    // The prefix is resolved among the bundle's entries, by the same rule
    // as in an archive; the hash found is checked against the bytes below.
    let found: Vec<_> = b
        .entries
        .iter()
        .filter(|e| prefix.matches_hex(&e.statement_hash))
        .filter_map(|e| {
            let hash = Digest::from_hex(&e.statement_hash)?;
            let c = temoin::store::Candidate {
                seq: e.seq,
                kind: e.decoded.statement.kind.clone(),
                hash,
            };
            Some((c, e))
        })
        .collect();
    let (c, be) = temoin::store::LookupError::one_of(
        &prefix,
        found,
        temoin::store::Searched::Bundle(path.display().to_string()),
    )
    .map_err(|e| {
        let e = CliError::from(e);
        CliError {
            code: e.code,
            message: format!("--statement: {}", e.message),
        }
    })?;
    let hash = &c.hash;
    let b64 = base64::engine::general_purpose::STANDARD;
    let entry_bytes = b64
        .decode(&be.entry)
        .map_err(|e| CliError::failed(format!("entry {}: not base64: {e}", be.seq)))?;
    let entry = Entry::from_bytes(&entry_bytes)
        .map_err(|e| CliError::failed(format!("entry {}: {e}", be.seq)))?;
    // The statement hash is computed from the bytes, not believed: the
    // commitment checked below is the one the author signed.
    if entry.statement.hash() != *hash {
        return Err(CliError::failed(format!(
            "entry {} of the bundle does not hold statement {hash} (its bytes hash to {})",
            be.seq,
            entry.statement.hash()
        )));
    }
    let body = StatementBody::decode(&entry.statement.body_bytes)
        .map_err(|e| CliError::failed(format!("entry {}: {e}", be.seq)))?;
    entry
        .statement
        .verify_signature(&body)
        .map_err(|e| CliError::failed(format!("entry {}: {e}", be.seq)))?;
    let age_label = seal::ciphertext_label(label);
    body.part(&age_label).ok_or_else(|| not_sealed(label))?;
    let p = be
        .parts
        .iter()
        .find(|p| p.label == age_label)
        .ok_or_else(|| {
            CliError::failed(format!(
                "the bundle does not carry the ciphertext of part {label:?} (withheld or redacted)"
            ))
        })?;
    let salt: [u8; 32] = b64
        .decode(&p.salt)
        .ok()
        .and_then(|s| s.try_into().ok())
        .ok_or_else(|| {
            CliError::failed(format!(
                "part {age_label:?}: its salt is not 32 bytes of base64"
            ))
        })?;
    let digest = body.part(&age_label).map(|c| hex::encode(c.digest));
    match (&p.content, &p.beside) {
        (Some(content), None) => {
            let content = b64
                .decode(content)
                .map_err(|e| CliError::failed(format!("part {age_label:?}: not base64: {e}")))?;
            Ok(FromBundle::Inline((body, salt, content, *hash)))
        }
        // Only the file the commitment names is read.
        (None, Some(name)) if digest.as_ref() == Some(name) => {
            let file = temoin::durable::parent_of(path).join(name);
            Ok(FromBundle::Beside(body, salt, file, *hash))
        }
        (None, Some(name)) => Err(CliError::failed(format!(
            "part {age_label:?} of entry {} is said to be beside the bundle as {name:?}, which is not its committed digest: the bundle is damaged (`temoin verify-bundle` says more)",
            be.seq
        ))),
        _ => Err(CliError::failed(format!(
            "part {age_label:?} of entry {} has both or neither of \"content\" and \"beside\": the bundle is damaged (`temoin verify-bundle` says more)",
            be.seq
        ))),
    }
}
