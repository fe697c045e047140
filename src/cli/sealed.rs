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
use temoin::entry::Entry;
use temoin::hash::Digest;
use temoin::rules::Index as _;
use temoin::seal::{self, Recipient};
use temoin::statement::{Draft, StatementBody};

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
        let dir = archive.ok_or_else(|| {
            CliError::usage("--to-readers reads the readers from an archive: give --archive DIR (or set TEMOIN_ARCHIVE)")
        })?;
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
            return Err(CliError::usage(format!(
                "--to-readers: the archive {} enrols no reader (a custodian enrols one with `temoin key enroll --role reader --public READER.key.pub`)",
                dir.display()
            )));
        }
    }
    Ok(out)
}

/// Seal the parts `args` names (and the witness part, when there are
/// readers) before signing.
pub fn apply(mut draft: Draft, args: &SealArgs, archive: Option<&Path>) -> Result<Draft, CliError> {
    let readers = readers(args, archive)?;
    if readers.is_empty() {
        if let Some(l) = args.seal.first() {
            return Err(CliError::usage(format!(
                "--seal {l}: to whom? Give --to RECIPIENT (or a reader's .pub file) or --to-readers"
            )));
        }
        return Ok(draft);
    }
    let mut labels: Vec<String> = args.seal.clone();
    if draft.parts.iter().any(|p| p.label == WITNESS) && !labels.iter().any(|l| l == WITNESS) {
        labels.push(WITNESS.to_string());
    }
    if labels.is_empty() {
        return Err(CliError::usage(
            "readers were given but there is nothing to seal: this statement has no witness part; name a part with --seal LABEL",
        ));
    }
    for l in &labels {
        draft = draft
            .seal(l, &readers)
            .map_err(|e| CliError::usage(format!("--seal {l}: {e}")))?;
    }
    Ok(draft)
}

#[derive(Subcommand)]
pub enum PartCommand {
    /// Write a part's exact bytes to a file, checked against the author's
    /// signed commitment on the way out.
    Get {
        #[command(flatten)]
        archive: super::ArchiveArg,
        /// The statement's hash (64 hex digits).
        #[arg(long, value_name = "HASH")]
        statement: String,
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
        /// The statement's hash (64 hex digits).
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

fn statement_hash(arg: &str) -> Result<Digest, CliError> {
    Digest::from_hex(arg.trim()).ok_or_else(|| {
        CliError::usage(format!(
            "--statement {arg:?} is not a statement hash (64 hex digits)"
        ))
    })
}

pub fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Part(PartCommand::Get {
            archive,
            statement,
            label,
            out,
        }) => {
            let hash = statement_hash(&statement)?;
            let (a, seq, body) = statement_body(&archive.archive, &hash)?;
            let c = body.part(&label).ok_or_else(|| {
                let labels: Vec<&str> = body.parts.iter().map(|p| p.label.as_str()).collect();
                CliError::usage(format!(
                    "statement {} commits no part {label:?} (its parts: {})",
                    hash.short(),
                    labels.join(", ")
                ))
            })?;
            if seal::is_sealed(&body, &label) {
                return Err(CliError::failed(format!(
                    "part {label:?} is sealed: the archive holds only its ciphertext; a reader opens it with `temoin unseal --identity KEY --statement {hash} --label {label}`"
                )));
            }
            let (salt, content) = a.store().part(seq, &Digest(c.digest))?.ok_or_else(|| {
                CliError::failed(format!(
                    "part {label:?} of statement {} is not in the archive (it was redacted; `temoin verify` says by which order)",
                    hash.short()
                ))
            })?;
            if content.len() as u64 != c.length
                || temoin::hash::part_digest(&salt, &content).0 != c.digest
            {
                return Err(CliError::failed(format!(
                    "part {label:?} of entry {seq} does not match the author's signed commitment: the archive is damaged; nothing was written (run `temoin verify`)"
                )));
            }
            temoin::durable::write_atomic(&out, &content, 0o600).map_err(|e| {
                CliError::failed(format!("cannot write {}: {}", out.display(), e.source))
            })?;
            println!(
                "part {label:?} of statement {} (entry {seq}): {} bytes, matching the signed digest {} -> {}",
                hash.short(),
                content.len(),
                Digest(c.digest).short(),
                out.display()
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
            let hash = statement_hash(&statement)?;
            let id = load_reader_identity(&identity)?;
            let (body, salt, ciphertext) = match (&bundle, &archive) {
                (Some(b), _) => match sealed_from_bundle(b, &hash, &label)? {
                    FromBundle::Inline(read) => read,
                    FromBundle::Beside(body, salt, file) => {
                        return unseal_beside(&body, &label, &salt, &file, &id, out.as_deref())
                    }
                },
                (None, Some(dir)) => sealed_from_archive(dir, &hash, &label)?,
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
                        "part {label:?} of statement {} unsealed, matches the author's commitment: {} bytes written to {}",
                        hash.short(),
                        part.content.len(),
                        path.display()
                    );
                }
                None => {
                    let mut o = std::io::stdout().lock();
                    o.write_all(&part.content)
                        .and_then(|_| o.flush())
                        .map_err(|e| CliError::failed(format!("cannot print: {e}")))?;
                    eprintln!(
                        "\ntemoin: part {label:?} of statement {} unsealed; it matches the author's signed commitment",
                        hash.short()
                    );
                }
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

type SealedRead = (StatementBody, [u8; 32], Vec<u8>);

/// A sealed part's ciphertext as a bundle carries it.
enum FromBundle {
    Inline(SealedRead),
    /// In the file beside the bundle (FORMAT.md §12.2), not yet checked:
    /// the body, the ciphertext's salt, the file.
    Beside(StatementBody, [u8; 32], PathBuf),
}

fn not_sealed(label: &str) -> CliError {
    CliError::failed(format!(
        "part {label:?} of this statement is not sealed (no {label:?}.age is committed), so there is nothing to unseal"
    ))
}

/// The archive at `dir`, opened for reading, with the seq and body of
/// statement `hash`.
fn statement_body(dir: &Path, hash: &Digest) -> Result<(Archive, u64, StatementBody), CliError> {
    let a = Archive::open_reader(dir)?;
    let info = a.store().statement(hash)?.ok_or_else(|| {
        CliError::failed(format!(
            "statement {hash} is not in the archive {}",
            dir.display()
        ))
    })?;
    let entry = a.store().entry(info.seq)?.ok_or_else(|| {
        CliError::failed(format!(
            "entry {} is missing from the archive (run `temoin verify`)",
            info.seq
        ))
    })?;
    let body = StatementBody::decode(&entry.statement.body_bytes)
        .map_err(|e| CliError::failed(format!("entry {}: {e}", info.seq)))?;
    Ok((a, info.seq, body))
}

fn sealed_from_archive(dir: &Path, hash: &Digest, label: &str) -> Result<SealedRead, CliError> {
    let (a, seq, body) = statement_body(dir, hash)?;
    let c = body
        .part(&seal::ciphertext_label(label))
        .ok_or_else(|| not_sealed(label))?;
    let (salt, content) = a.store().part(seq, &Digest(c.digest))?.ok_or_else(|| {
        CliError::failed(format!(
            "the ciphertext of part {label:?} is not in the archive (it was redacted)"
        ))
    })?;
    Ok((body, salt, content))
}

fn sealed_from_bundle(path: &Path, hash: &Digest, label: &str) -> Result<FromBundle, CliError> {
    let bytes = read_file(path, "bundle")?;
    let b = Bundle::from_json(&bytes)
        .map_err(|e| CliError::failed(format!("{}: {}", path.display(), e.reason)))?;
    let be = b
        .entries
        .iter()
        .find(|e| e.statement_hash == hash.to_hex())
        .ok_or_else(|| {
            CliError::failed(format!(
                "statement {hash} is not in the bundle {}",
                path.display()
            ))
        })?;
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
            Ok(FromBundle::Inline((body, salt, content)))
        }
        // Only the file the commitment names is read.
        (None, Some(name)) if digest.as_ref() == Some(name) => {
            let file = temoin::durable::parent_of(path).join(name);
            Ok(FromBundle::Beside(body, salt, file))
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

/// `unseal BUNDLE` when the ciphertext travels beside the bundle: the file
/// streams twice, once to check it is the ciphertext the author committed,
/// once through age; the plaintext is checked against the author's
/// commitment of `label` before it is printed, or before the file that
/// holds it is renamed into place.
fn unseal_beside(
    body: &StatementBody,
    label: &str,
    salt: &[u8; 32],
    file: &Path,
    id: &seal::ReaderIdentity,
    out: Option<&Path>,
) -> CliResult {
    use temoin::durable::WriteError;
    use temoin_core::partcheck::check_reader;
    let age_label = seal::ciphertext_label(label);
    let (Some(plain), Some(sealed)) = (body.part(label), body.part(&age_label)) else {
        return Err(not_sealed(label));
    };
    let open = || {
        std::fs::File::open(file).map_err(|e| {
            CliError::failed(format!(
                "the ciphertext of part {label:?} travels beside the bundle as {}, which cannot be read: {e} (copy the files named by digests with the bundle)",
                file.display()
            ))
        })
    };
    let checked = check_reader(
        &age_label,
        salt,
        std::io::Read::take(open()?, sealed.length.saturating_add(1)),
        |_| Ok(()),
    )
    .map_err(|e| CliError::failed(format!("cannot read {}: {e}", file.display())))?;
    if !checked.matches(sealed) {
        return Err(CliError::failed(format!(
            "cannot unseal part {label:?}: the file {} beside the bundle is not the ciphertext the author committed",
            file.display()
        )));
    }
    let ciphertext = std::io::BufReader::with_capacity(64 << 10, open()?);
    let unseal_err = |e: Opening| match e {
        Opening::Unseal(e) => CliError::failed(format!("cannot unseal part {label:?}: {e}")),
        Opening::Output(e) => CliError::failed(format!("cannot write part {label:?}: {e}")),
    };
    let (length, written_to) = match out {
        None => {
            let mut content = zeroize::Zeroizing::new(Vec::new());
            let n = open_to(ciphertext, id, plain, &mut *content).map_err(unseal_err)?;
            let mut o = std::io::stdout().lock();
            o.write_all(&content)
                .and_then(|_| o.flush())
                .map_err(|e| CliError::failed(format!("cannot print: {e}")))?;
            (n, None)
        }
        Some(path) => {
            let mut length = 0;
            let written = temoin::durable::write_atomic_with(path, 0o600, |f| {
                length = open_to(ciphertext, id, plain, f)?;
                Ok(())
            });
            match written {
                Ok(()) => (length, Some(path)),
                Err(WriteError::Content(e)) => return Err(unseal_err(e)),
                Err(WriteError::Sync(e)) => {
                    return Err(CliError::failed(format!(
                        "cannot write {}: {}",
                        path.display(),
                        e.source
                    )))
                }
            }
        }
    };
    match written_to {
        Some(path) => eprintln!(
            "part {label:?} unsealed from the file beside the bundle, matches the author's commitment: {length} bytes written to {}",
            path.display()
        ),
        None => eprintln!(
            "\ntemoin: part {label:?} unsealed from the file beside the bundle; it matches the author's signed commitment"
        ),
    }
    Ok(ExitCode::SUCCESS)
}

/// Why opening a sealed part into a writer failed.
enum Opening {
    Unseal(seal::UnsealError),
    Output(std::io::Error),
}

impl From<std::io::Error> for Opening {
    fn from(e: std::io::Error) -> Opening {
        Opening::Output(e)
    }
}

/// Decrypt `ciphertext` with `id` into `out`, chunk by chunk, never past
/// one byte more than `plain` commits, and check what came out against
/// `plain` (its length and salted digest) once it has all gone by. On an
/// error what `out` received is not the part: the caller discards it.
fn open_to(
    ciphertext: impl std::io::BufRead,
    id: &seal::ReaderIdentity,
    plain: &temoin::statement::PartCommitment,
    out: &mut dyn std::io::Write,
) -> Result<u64, Opening> {
    use std::io::Read as _;
    use temoin::seal::UnsealError;
    let damaged = |e: std::io::Error| Opening::Unseal(UnsealError::Damaged(e.to_string()));
    let mut reader = seal::unseal_reader(ciphertext, id).map_err(Opening::Unseal)?;
    let mut salt = [0u8; 32];
    reader.read_exact(&mut salt).map_err(damaged)?;
    let mut check = temoin_core::partcheck::PartCheck::new(&plain.label, &salt);
    let mut reader = reader.take(plain.length.saturating_add(1));
    let mut buf = zeroize::Zeroizing::new(vec![0u8; temoin_core::partcheck::CHUNK]);
    loop {
        let n = match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(damaged(e)),
        };
        check.update(&buf[..n]);
        out.write_all(&buf[..n])?;
    }
    let opened = check.finish();
    if opened.length != plain.length {
        return Err(Opening::Unseal(UnsealError::Mismatch(
            "its length differs from the length the author committed",
        )));
    }
    if !opened.matches(plain) {
        return Err(Opening::Unseal(UnsealError::Mismatch(
            "its salted digest differs from the digest the author committed",
        )));
    }
    Ok(opened.length)
}
