//! `--server URL`: the commands that read an archive asking its server
//! (`temoin serve`, which owns the archive while it runs) instead of
//! opening its directory.
//!
//! The content (incidents, history, tally, victims, search, the access log,
//! the tokens) comes back as the server's JSON, which is byte for byte the
//! `--json` of the same command on the archive itself: both are shaped by
//! `temoin::content_json`. Tables and CSV are printed from an archive
//! directory, or read in the server's web pages. Evidence that can be
//! checked is checked here, not believed: a bundle fetched with
//! `export --server` is verified against the archive key the reader pinned
//! before it is written.
//!
//! The token is read from TEMOIN_TOKEN or `--token-file`, never from the
//! command line, where the process list and the shell's history would
//! show it.

use super::{CliError, CliResult};
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use temoin::t;
use temoin_server::client::{self, Call, Retry, ServerUrl};

/// Where a reading command reads: an archive directory, or its server.
#[derive(clap::Args, Debug, Clone)]
pub struct SourceArg {
    /// The archive directory (or set TEMOIN_ARCHIVE).
    #[arg(
        long,
        env = "TEMOIN_ARCHIVE",
        value_name = "DIR",
        required_unless_present = "server"
    )]
    pub archive: Option<PathBuf>,
    /// Ask the archive's server instead (http://host:port), with the token
    /// of TEMOIN_TOKEN or --token-file; prints the JSON of --json.
    #[arg(long, value_name = "URL")]
    pub server: Option<String>,
    /// With --server: a file whose first line is your token (`temoin token
    /// add`); or set TEMOIN_TOKEN.
    #[arg(long, value_name = "FILE", requires = "server")]
    pub token_file: Option<PathBuf>,
}

/// What a [`SourceArg`] names.
pub enum Source {
    Local(PathBuf),
    Remote(Remote),
}

impl SourceArg {
    /// The server when `--server` is given (it wins over TEMOIN_ARCHIVE,
    /// which may be set for other commands), else the directory.
    pub fn source(&self) -> Result<Source, CliError> {
        match (&self.server, &self.archive) {
            (Some(url), _) => Ok(Source::Remote(Remote::new(
                url,
                self.token_file.as_deref(),
            )?)),
            (None, Some(dir)) => Ok(Source::Local(dir.clone())),
            (None, None) => Err(CliError::usage(t!("remote-archive-or-server"))),
        }
    }
}

/// An archive's server, and the token its content is asked with.
pub struct Remote {
    url: ServerUrl,
    token: Option<String>,
}

impl Remote {
    pub fn new(url: &str, token_file: Option<&Path>) -> Result<Remote, CliError> {
        let url = ServerUrl::parse(url).map_err(CliError::usage)?;
        let token = token(token_file)?;
        Ok(Remote { url, token })
    }

    /// The body of `GET path` (encoded by the caller), retried while the
    /// server is unreachable or busy; a refusal says the server's code and
    /// message, with what to do for a missing or refused token.
    pub fn get(&self, path: &str) -> Result<Vec<u8>, CliError> {
        let call = Call {
            token: self.token.as_deref(),
            limit: client::MAX_CONTENT_ANSWER,
            ..Call::get(path)
        };
        let retry = Retry {
            attempts: 3,
            ..Default::default()
        };
        client::with_retries(&self.url, &call, &retry).map_err(|e| {
            let hint = match &e {
                client::PushError::Refused { code, .. } if code == "unauthorized" => {
                    if self.token.is_some() {
                        t!("remote-token-refused")
                    } else {
                        t!("remote-token-missing")
                    }
                }
                client::PushError::Refused { code, .. } if code == "forbidden" => {
                    t!("remote-forbidden")
                }
                _ => String::new(),
            };
            CliError::failed(format!("{e}{hint}"))
        })
    }

    /// `--json` of a content command: the server's JSON, printed as it
    /// came (it is already the command's own).
    pub fn print(&self, path: &str) -> CliResult {
        let body = self.get(path)?;
        let mut out = std::io::stdout().lock();
        out.write_all(&body)
            .and_then(|_| out.flush())
            .map_err(|e| CliError::failed(format!("cannot print JSON: {e}")))?;
        Ok(ExitCode::SUCCESS)
    }
}

/// Over `--server` the content is the server's JSON: a table or CSV is
/// printed from the archive directory (or read in the server's pages).
pub fn json_only(json: bool, command: &str) -> Result<(), CliError> {
    if json {
        Ok(())
    } else {
        Err(CliError::usage(t!("remote-json-only", command = command)))
    }
}

/// The token of `--token-file`, else of TEMOIN_TOKEN, if any.
pub fn token(token_file: Option<&Path>) -> Result<Option<String>, CliError> {
    Ok(match token_file {
        Some(path) => Some(read_token(path)?),
        None => std::env::var("TEMOIN_TOKEN")
            .ok()
            .map(|t| t.trim().to_string())
            .filter(|t| !t.is_empty()),
    })
}

/// The first line of a token file, which must hold one.
fn read_token(path: &Path) -> Result<String, CliError> {
    let text = std::fs::read(path)
        .map_err(|e| CliError::usage(super::errors::cannot_read("token file", path, &e)))?;
    let line = String::from_utf8_lossy(&text)
        .lines()
        .next()
        .unwrap_or("")
        .trim()
        .to_string();
    if line.is_empty() {
        return Err(CliError::usage(t!(
            "remote-token-file-empty",
            file = path.display().to_string()
        )));
    }
    Ok(line)
}

/// `/v1/incidents/{id}…`, the id encoded as one path segment.
pub fn incident_path(id: &str, rest: &str) -> String {
    format!("/v1/incidents/{}{rest}", client::path_segment(id))
}

pub use client::query;
