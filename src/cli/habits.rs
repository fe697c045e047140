//! The habits of everyday command-line tools: shell completions and a man
//! page, generated from the clap definitions so that they never drift from
//! what the binary accepts.

use super::{CliError, CliResult};
use clap::Subcommand;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use temoin::partcheck::check_reader;
use temoin::seal::{self, Companion};
use temoin::statement::StatementBody;
use temoin::t;
use temoin::tms::TmsReader;

#[derive(Subcommand)]
pub enum Command {
    /// Print a shell completion script for bash, zsh or fish.
    #[command(after_long_help = "Example:\n  \
        temoin completions bash > ~/.local/share/bash-completion/completions/temoin\n  \
        temoin completions zsh > ~/.zfunc/_temoin\n  \
        temoin completions fish > ~/.config/fish/completions/temoin.fish")]
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Show what a statement file (.tms) holds before it is sent: kind,
    /// author, time, refs, parts and their sizes, sealed parts and
    /// attachments; check its signature and every part carried against
    /// the author's commitment. No archive needed.
    #[command(after_long_help = "Example:\n  \
        temoin inspect testimony.tms\n  \
        temoin sign --key aminata.key --kind note --input note.json --out - | temoin inspect -")]
    Inspect {
        /// The statement file; `-` reads it from standard input.
        #[arg(value_name = "FILE.tms")]
        file: PathBuf,
        /// Print the findings as JSON.
        #[arg(long)]
        json: bool,
    },
    /// Print the manual page (roff) of temoin, or of one of its commands.
    #[command(after_long_help = "Example:\n  \
        temoin man | man -l -\n  \
        temoin man verify-bundle > temoin-verify-bundle.1")]
    Man {
        /// The command whose page to print (e.g. `verify-bundle`, or
        /// `key generate` as two words); default: temoin's own page.
        #[arg(value_name = "COMMAND")]
        command: Vec<String>,
    },
}

/// Run a habit command; `cli` is the whole command-line definition, the
/// source of the completions and the manual.
pub fn run(cmd: Command, mut cli: clap::Command) -> CliResult {
    match cmd {
        Command::Completions { shell } => {
            let mut out = Vec::new();
            clap_complete::generate(shell, &mut cli, "temoin", &mut out);
            write_stdout(&out)
        }
        Command::Inspect { file, json } => inspect(&file, json),
        Command::Man { command } => {
            cli.build();
            let mut page = cli;
            let mut path = vec!["temoin".to_string()];
            for name in &command {
                let sub = page.find_subcommand(name).cloned().ok_or_else(|| {
                    let names: Vec<String> = page
                        .get_subcommands()
                        .filter(|s| !s.is_hide_set())
                        .map(|s| s.get_name().to_string())
                        .collect();
                    CliError::usage(format!(
                        "man: `{} {name}` is not a command; the commands of `{}` are: {}",
                        path.join(" "),
                        path.join(" "),
                        names.join(", ")
                    ))
                })?;
                path.push(name.clone());
                page = sub;
            }
            // Built above, a subcommand is titled by its full name, as
            // git's pages are (temoin-key-generate(1)).
            let mut out = Vec::new();
            clap_mangen::Man::new(page)
                // Every page, a subcommand's too, is of this temoin.
                .source(format!("temoin {}", env!("CARGO_PKG_VERSION")))
                .render(&mut out)
                .map_err(|e| CliError::failed(format!("cannot render the manual: {e}")))?;
            write_stdout(&out)
        }
    }
}

fn write_stdout(bytes: &[u8]) -> CliResult {
    let mut o = std::io::stdout().lock();
    o.write_all(bytes)
        .and_then(|_| o.flush())
        .map_err(|e| CliError::failed(format!("cannot print: {e}")))?;
    Ok(ExitCode::SUCCESS)
}

/// Whether `path` names standard input or output (`-`), as in most tools.
pub fn is_stdio(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// One committed part as `inspect` reports it (a sealed part and its
/// companions, an attachment and its media type, are one row).
#[derive(serde::Serialize)]
struct PartRow {
    label: String,
    /// The committed length of its content (the plaintext, if sealed).
    length: u64,
    sealed: bool,
    /// For a sealed part: how many readers its `.to` companion names.
    #[serde(skip_serializing_if = "Option::is_none")]
    readers: Option<usize>,
    /// For an attachment: its `.type` companion.
    #[serde(skip_serializing_if = "Option::is_none")]
    media_type: Option<String>,
    /// "ok", or what is wrong with the bytes this file carries for it.
    check: Check,
}

/// What the bytes a file carries for a part were found to be. In JSON,
/// the English sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Check {
    Ok,
    OkCiphertext,
    Mismatch {
        carried: u64,
        committed: u64,
    },
    /// What the part check found, in the library's words.
    Fault(String),
    Missing,
    MissingCiphertext,
}

impl Check {
    fn is_ok(&self) -> bool {
        matches!(self, Check::Ok | Check::OkCiphertext)
    }
    /// In the command line's language.
    fn said(&self) -> String {
        match self {
            Check::Ok => t!("inspect-check-ok"),
            Check::OkCiphertext => t!("inspect-check-ok-ciphertext"),
            Check::Mismatch { carried, committed } => t!(
                "inspect-check-mismatch",
                carried = carried.to_string(),
                committed = committed.to_string()
            ),
            Check::Fault(f) => t!("inspect-check-fault", fault = f.clone()),
            Check::Missing => t!("inspect-check-missing"),
            Check::MissingCiphertext => t!("inspect-check-missing-ciphertext"),
        }
    }
}

impl std::fmt::Display for Check {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Check::Ok => f.write_str("ok"),
            Check::OkCiphertext => f.write_str("ok (ciphertext)"),
            Check::Mismatch { carried, committed } => write!(
                f,
                "MISMATCH: its {carried} bytes are not the ones the author committed ({committed} bytes)"
            ),
            Check::Fault(fault) => write!(f, "FAULT: {fault}"),
            Check::Missing => f.write_str("MISSING: the file does not carry it"),
            Check::MissingCiphertext => {
                f.write_str("MISSING: the file does not carry its ciphertext")
            }
        }
    }
}

impl serde::Serialize for Check {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// A fault of the file beyond one part's row. In JSON, the English
/// sentence.
#[derive(Clone, Debug, PartialEq, Eq)]
enum FileFault {
    Uncommitted {
        label: String,
    },
    Companion {
        label: String,
        check: Check,
    },
    /// The statement file's reader, in the library's words.
    File(String),
}

impl FileFault {
    fn said(&self) -> String {
        match self {
            FileFault::Uncommitted { label } => {
                t!("inspect-fault-uncommitted", label = format!("{label:?}"))
            }
            FileFault::Companion { label, check } => t!(
                "inspect-fault-companion",
                label = format!("{label:?}"),
                check = check.said()
            ),
            FileFault::File(e) => e.clone(),
        }
    }
}

impl std::fmt::Display for FileFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FileFault::Uncommitted { label } => write!(
                f,
                "the file carries a part {label:?} the statement does not commit"
            ),
            FileFault::Companion { label, check } => write!(f, "part {label:?}: {check}"),
            FileFault::File(e) => f.write_str(e),
        }
    }
}

impl serde::Serialize for FileFault {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

#[derive(serde::Serialize)]
struct Inspection {
    file: String,
    statement_hash: String,
    kind: String,
    author: String,
    created_at: String,
    refs: Vec<String>,
    signature_valid: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    signature_error: Option<String>,
    parts: Vec<PartRow>,
    /// Faults of the file beyond one part (a part carried but not
    /// committed, trailing bytes).
    faults: Vec<FileFault>,
    ok: bool,
}

/// What a carried part was found to be, by label.
struct Carried {
    check: Check,
    /// The first bytes of a small companion (`.to`, `.type`).
    head: Vec<u8>,
}

/// Companions are small (a list of recipients, a media type): this much
/// of one is kept to read it; a longer one fails its own check anyway.
const COMPANION_KEEP: usize = 64 << 10;

fn inspect(path: &Path, json: bool) -> CliResult {
    let shown = if is_stdio(path) {
        "standard input".to_string()
    } else {
        path.display().to_string()
    };
    let not_tms = |e: temoin::tms::TmsError| {
        CliError::usage(t!(
            "cli-not-a-tms",
            file = shown.clone(),
            error = e.to_string()
        ))
    };
    let input: Box<dyn std::io::Read> =
        if is_stdio(path) {
            Box::new(std::io::stdin().lock())
        } else {
            Box::new(std::fs::File::open(path).map_err(|e| {
                CliError::usage(super::errors::cannot_read("statement file", path, &e))
            })?)
        };
    let (mut tms, signed) =
        TmsReader::open(std::io::BufReader::with_capacity(64 << 10, input)).map_err(not_tms)?;
    let body = StatementBody::decode(&signed.body_bytes).map_err(|e| {
        CliError::usage(t!(
            "cli-statement-does-not-decode",
            file = shown.clone(),
            error = e.to_string()
        ))
    })?;
    let signature = signed.verify_signature(&body);
    let mut carried: Vec<(String, Carried)> = Vec::new();
    let mut faults = Vec::new();
    // Each part streams through its check: an attachment of 4 GiB is
    // hashed as it is read, never held.
    while let Some(h) = tms.next_part().map_err(not_tms)? {
        let keep = matches!(
            seal::split_label(&h.label).1,
            Some(Companion::Readers | Companion::MediaType)
        );
        let mut head = Vec::new();
        let checked = check_reader(&h.label, &h.salt, tms.content(), |b| {
            if keep && head.len() < COMPANION_KEEP {
                head.extend_from_slice(&b[..b.len().min(COMPANION_KEEP - head.len())]);
            }
            Ok(())
        })
        .map_err(|e| {
            CliError::failed(t!(
                "cli-cannot-read-part",
                file = shown.clone(),
                label = format!("{:?}", h.label),
                error = e.to_string()
            ))
        })?;
        let check = match (body.part(&h.label), &checked.fault) {
            (None, _) => {
                faults.push(FileFault::Uncommitted { label: h.label });
                continue;
            }
            (Some(c), _) if !checked.matches(c) => Check::Mismatch {
                carried: checked.length,
                committed: c.length,
            },
            (Some(_), Some(fault)) => Check::Fault(fault.to_string()),
            (Some(_), None) => Check::Ok,
        };
        carried.push((h.label, Carried { check, head }));
    }
    if let Err(e) = tms.finish() {
        faults.push(FileFault::File(e.to_string()));
    }
    let find = |label: &str| carried.iter().find(|(l, _)| l == label).map(|(_, c)| c);
    let mut parts = Vec::new();
    for c in &body.parts {
        let (base, companion) = seal::split_label(&c.label);
        if companion.is_some() && body.part(base).is_some() {
            // Shown on its base part's row.
            if let Some(k) = find(&c.label).filter(|k| k.check != Check::Ok) {
                faults.push(FileFault::Companion {
                    label: c.label.clone(),
                    check: k.check.clone(),
                });
            }
            continue;
        }
        let sealed = seal::is_sealed(&body, &c.label);
        let readers = sealed.then(|| {
            find(&seal::readers_label(&c.label))
                .and_then(|k| seal::parse_readers(&k.head).ok())
                .map_or(0, |r| r.len())
        });
        let media_type = find(&temoin::attach::media_type_label(&c.label))
            .map(|k| String::from_utf8_lossy(&k.head).into_owned());
        let check = if sealed {
            // Its plaintext never travels: what is checked is the ciphertext.
            match find(&seal::ciphertext_label(&c.label)) {
                Some(k) if k.check == Check::Ok => Check::OkCiphertext,
                Some(k) => k.check.clone(),
                None => Check::MissingCiphertext,
            }
        } else {
            match find(&c.label) {
                Some(k) => k.check.clone(),
                None => Check::Missing,
            }
        };
        parts.push(PartRow {
            label: c.label.clone(),
            length: c.length,
            sealed,
            readers,
            media_type,
            check,
        });
    }
    let author = temoin::keys::PublicKey::from_bytes(&body.author);
    let ok = signature.is_ok() && faults.is_empty() && parts.iter().all(|p| p.check.is_ok());
    let report = Inspection {
        file: shown,
        statement_hash: signed.hash().to_hex(),
        kind: body.kind.name().to_string(),
        author: hex::encode(body.author),
        created_at: temoin::time::format_ms(body.created_at),
        refs: body.refs().map(|r| r.to_hex()).collect(),
        signature_valid: signature.is_ok(),
        signature_error: signature.as_ref().err().map(|e| e.to_string()),
        parts,
        faults,
        ok,
    };
    if json {
        super::print_json(&report)?;
    } else {
        print_inspection(&report, author.ok().map(|k| k.short()));
    }
    Ok(if ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn print_inspection(r: &Inspection, author_short: Option<String>) {
    let label = |id: String| format!("{id:<12}");
    println!("{}{}", label(t!("inspect-file")), r.file);
    println!("{}{}", label(t!("inspect-statement")), r.statement_hash);
    println!("{}{}", label(t!("inspect-kind")), r.kind);
    println!(
        "{}{}",
        label(t!("inspect-author")),
        author_short.unwrap_or_else(|| t!("inspect-not-a-key", key = r.author[..12].to_string()))
    );
    println!("{}{}", label(t!("inspect-created")), r.created_at);
    match &r.signature_error {
        None => println!(
            "{}{}",
            label(t!("inspect-signature")),
            t!("inspect-signature-valid")
        ),
        Some(e) => println!(
            "{}{}",
            label(t!("inspect-signature")),
            t!("inspect-signature-invalid", error = e.clone())
        ),
    }
    if r.refs.is_empty() {
        println!("{}{}", label(t!("inspect-refs")), t!("inspect-none"));
    }
    for (i, h) in r.refs.iter().enumerate() {
        let head = if i == 0 {
            label(t!("inspect-refs"))
        } else {
            label(String::new())
        };
        println!("{head}{h}");
    }
    let rows: Vec<Vec<String>> = r
        .parts
        .iter()
        .map(|p| {
            let mut what = Vec::new();
            if let Some(n) = p.readers {
                what.push(t!("inspect-sealed-to", n = n));
            }
            if let Some(ty) = &p.media_type {
                what.push(t!("inspect-attachment", media = ty.clone()));
            }
            let check = p.check.said();
            vec![
                p.label.clone(),
                p.length.to_string(),
                what.join("; "),
                check,
            ]
        })
        .collect();
    println!();
    let head = [
        t!("inspect-col-part"),
        t!("inspect-col-bytes"),
        t!("inspect-col-notes"),
        t!("inspect-col-check"),
    ];
    super::table_of(&head, &rows);
    for f in &r.faults {
        println!("{}", t!("inspect-fault", fault = f.said()));
    }
    println!(
        "{}",
        if r.ok {
            t!("inspect-ok")
        } else {
            t!("inspect-not-ok")
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// In English, `inspect` says what its JSON says.
    #[test]
    fn english_checks_are_the_json_words() {
        temoin::i18n::set_current(temoin::i18n::Lang::En);
        let checks = [
            Check::Ok,
            Check::OkCiphertext,
            Check::Mismatch {
                carried: 3,
                committed: 4,
            },
            Check::Fault("x".into()),
            Check::Missing,
            Check::MissingCiphertext,
        ];
        for c in &checks {
            assert_eq!(c.said(), c.to_string());
        }
        for f in [
            FileFault::Uncommitted { label: "w".into() },
            FileFault::Companion {
                label: "w.to".into(),
                check: Check::Missing,
            },
            FileFault::File("trailing bytes".into()),
        ] {
            assert_eq!(f.said(), f.to_string());
        }
    }
}
