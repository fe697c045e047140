//! Secret key files on the command line: passphrases asked on the
//! terminal or read from `--passphrase-file`, never echoed or printed.

use super::CliError;
use std::io::IsTerminal as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use temoin::keys::{self, KeyError, SecretKey, SecretString};
use temoin::seal::ReaderIdentity;
use zeroize::Zeroizing;

/// The global `--passphrase-file`, set once by `main`.
static PASSPHRASE_FILE: OnceLock<Option<PathBuf>> = OnceLock::new();

pub fn set_passphrase_file(path: Option<PathBuf>) {
    let _ = PASSPHRASE_FILE.set(path);
}

fn passphrase_file() -> Option<&'static Path> {
    PASSPHRASE_FILE.get().and_then(|p| p.as_deref())
}

/// A passphrase file's first line (without its line ending).
pub fn passphrase_from_file(path: &Path) -> Result<SecretString, CliError> {
    read_passphrase_file(path).map_err(CliError::from)
}

fn read_passphrase_file(path: &Path) -> Result<SecretString, KeyError> {
    let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|e| KeyError::Io {
        path: path.into(),
        source: e,
    })?);
    let line = text.lines().next().unwrap_or("");
    if line.is_empty() {
        return Err(KeyError::FormatAt {
            path: path.into(),
            reason: "the passphrase file's first line is empty".into(),
        });
    }
    Ok(SecretString::from(line.to_string()))
}

fn terminal() -> bool {
    std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

fn prompt(text: &str) -> Result<SecretString, KeyError> {
    rpassword::prompt_password(text)
        .map(SecretString::from)
        .map_err(|e| KeyError::Io {
            path: "/dev/tty".into(),
            source: e,
        })
}

/// The passphrase of the protected key file `path`: from
/// `--passphrase-file`, else asked on the terminal.
pub fn ask_current(path: &Path) -> Result<SecretString, KeyError> {
    if let Some(f) = passphrase_file() {
        return read_passphrase_file(f);
    }
    if terminal() {
        return prompt(&format!("passphrase for {}: ", path.display()));
    }
    Err(KeyError::NeedsPassphrase { path: path.into() })
}

/// A signing key, asking for its passphrase if it has one.
pub fn load_signing_key(path: &Path) -> Result<SecretKey, CliError> {
    SecretKey::load_with(path, &mut ask_current).map_err(key_error)
}

/// A reader's key, asking for its passphrase if it has one.
pub fn load_reader_identity(path: &Path) -> Result<ReaderIdentity, CliError> {
    let text = keys::read_secret_file(path, &mut ask_current).map_err(key_error)?;
    ReaderIdentity::parse_file(&text)
        .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))
}

/// A wrong passphrase is a refusal (exit 1); other key errors are usage.
pub fn key_error(e: KeyError) -> CliError {
    match e {
        KeyError::WrongPassphrase { .. } => CliError::failed(e.to_string()),
        other => CliError::from(other),
    }
}

/// A new passphrase for a key being written: from `--passphrase-file`, or
/// asked twice on the terminal when `ask_terminal`.
pub fn new_passphrase(ask_terminal: bool) -> Result<Option<SecretString>, CliError> {
    if let Some(f) = passphrase_file() {
        return Ok(Some(read_passphrase_file(f)?));
    }
    if !ask_terminal {
        return Ok(None);
    }
    new_passphrase_prompted()
}

/// A new passphrase asked twice on the terminal.
pub fn new_passphrase_prompted() -> Result<Option<SecretString>, CliError> {
    use temoin::keys::ExposeSecret as _;
    if !terminal() {
        return Err(CliError::usage(
            "--passphrase asks on a terminal; in a script give --passphrase-file FILE",
        ));
    }
    let a = prompt("new passphrase: ")?;
    if a.expose_secret().is_empty() {
        return Err(CliError::usage(
            "the passphrase is empty; nothing was written",
        ));
    }
    let b = prompt("the same passphrase again: ")?;
    if a.expose_secret() != b.expose_secret() {
        return Err(CliError::usage(
            "the two passphrases differ; nothing was written",
        ));
    }
    Ok(Some(a))
}

/// Warn when a key is written in clear on a terminal: a seized laptop
/// gives it away.
pub fn warn_unprotected(path: &Path) {
    if terminal() {
        eprintln!(
            "temoin: warning: {} is not protected by a passphrase; whoever copies it can sign as you. \
             Protect it with `temoin key passphrase {}`",
            path.display(),
            path.display()
        );
    }
}

/// The bytes of a key file holding `text`: protected by `passphrase` if
/// one is given.
pub fn key_file_bytes(
    text: &str,
    passphrase: Option<SecretString>,
) -> Result<Zeroizing<Vec<u8>>, CliError> {
    Ok(match passphrase {
        Some(p) => Zeroizing::new(keys::protect(text, p)?),
        None => Zeroizing::new(text.as_bytes().to_vec()),
    })
}
