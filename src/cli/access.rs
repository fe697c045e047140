//! `temoin token` and `temoin access-log`: who may read the archive's
//! content over the network, and who took which evidence.

use super::remote::{self, Source};
use super::{print_json, table_of, ArchiveArg, CliError, CliResult};
use clap::Subcommand;
use std::process::ExitCode;
use temoin::access::{self, AccessError, AccessRole};
use temoin::t;
use temoin::time::format_ms;

#[derive(Subcommand)]
pub enum Command {
    /// Make, list and revoke the tokens that open the archive's content
    /// over the network (`temoin serve`).
    #[command(subcommand)]
    Token(TokenCommand),
    /// List every bundle and report handed out (who, what, when), with the
    /// log's chain checked.
    #[command(
        name = "access-log",
        after_long_help = "Example:\n  temoin access-log --archive ./archive"
    )]
    AccessLog {
        #[command(flatten)]
        archive: super::remote::SourceArg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Make a token for a person and print it, once: the archive keeps only
    /// its hash. Give it to its holder by a safe channel.
    #[command(
        after_long_help = "Example:\n  temoin token add --archive ./archive --name \"Me Awa Traoré, Bamako\" --role lawyer"
    )]
    Add {
        #[command(flatten)]
        archive: ArchiveArg,
        /// Whose token it is, as the access log will name them.
        #[arg(long)]
        name: String,
        /// What it opens: lawyer or reviewer (the content, bundles and
        /// reports), custodian (also keys, readers, tokens, the access log).
        #[arg(long, value_name = "ROLE")]
        role: String,
    },
    /// List the tokens, revoked ones included (never the tokens themselves).
    #[command(after_long_help = "Example:\n  temoin token list --archive ./archive")]
    List {
        #[command(flatten)]
        archive: super::remote::SourceArg,
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Revoke a token, by its id (as `token list` shows it) or its name: it
    /// opens nothing from then on.
    #[command(after_long_help = "Example:\n  temoin token revoke --archive ./archive 3f9a2c1d")]
    Revoke {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The token's id (at least 4 of its hex digits) or name.
        #[arg(value_name = "ID")]
        id: String,
    },
}

fn access_error(e: AccessError) -> CliError {
    let message = match &e {
        AccessError::Read { path, source } => {
            super::errors::cannot_read("access file", path, source)
        }
        AccessError::Write { path, source } => {
            super::errors::cannot_write("access file", path, source)
        }
        AccessError::Sync(s) => t!(
            "access-sync",
            path = s.path.display().to_string(),
            error = super::errors::io(&s.source)
        ),
        AccessError::Damaged { path, why } => t!(
            "access-damaged",
            path = path.display().to_string(),
            why = why.clone()
        ),
        AccessError::NoSuchToken(id) => t!("access-no-such-token", id = format!("{id:?}")),
        AccessError::AmbiguousToken(id) => {
            t!("access-ambiguous-token", id = format!("{id:?}"))
        }
        AccessError::EmptyName => t!("access-empty-name"),
        AccessError::Broken { line, why } => {
            t!("access-broken", line = line.to_string(), why = why.clone())
        }
    };
    match e {
        AccessError::NoSuchToken(_) | AccessError::AmbiguousToken(_) | AccessError::EmptyName => {
            CliError::usage(message)
        }
        _ => CliError::failed(message),
    }
}

/// Tokens are kept beside an archive: there must be one there.
fn archive_dir(a: &ArchiveArg) -> Result<&std::path::Path, CliError> {
    local_dir(&a.archive)
}

fn local_dir(dir: &std::path::Path) -> Result<&std::path::Path, CliError> {
    if !dir.join(temoin::store::DB_DIR).is_dir() {
        return Err(CliError::usage(super::errors::archive(
            &temoin::ArchiveError::NotAnArchive(dir.to_path_buf()),
        )));
    }
    Ok(dir)
}

pub fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Token(TokenCommand::Add {
            archive,
            name,
            role,
        }) => {
            let dir = archive_dir(&archive)?;
            let role = AccessRole::parse(&role).ok_or_else(|| {
                CliError::usage(t!("access-bad-role", role = format!("{role:?}")))
            })?;
            let (token, r) = access::add_token(dir, &name, role, temoin::time::now_ms())
                .map_err(access_error)?;
            println!("{token}");
            eprintln!(
                "{}",
                t!(
                    "access-token-made",
                    id = r.id,
                    name = r.name,
                    role = role.name()
                )
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::List { archive, json }) => {
            let dir = match archive.source()? {
                Source::Local(dir) => dir,
                Source::Remote(r) => {
                    remote::json_only(json, "token list")?;
                    return r.print("/v1/tokens");
                }
            };
            let dir = local_dir(&dir)?;
            let list = access::tokens(dir).map_err(access_error)?;
            if json {
                let v = temoin::content_json::tokens(&list);
                print_json(&v)?;
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|t| {
                    vec![
                        t.id.clone(),
                        t.name.clone(),
                        t.role.name().to_string(),
                        format_ms(t.created_at),
                        match t.revoked_at {
                            Some(at) => t!("access-revoked-at", at = format_ms(at)),
                            None => t!("access-live"),
                        },
                    ]
                })
                .collect();
            table_of(
                &[
                    t!("access-col-id"),
                    t!("access-col-name"),
                    t!("access-col-role"),
                    t!("access-col-created"),
                    t!("access-col-status"),
                ],
                &rows,
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Token(TokenCommand::Revoke { archive, id }) => {
            let dir = archive_dir(&archive)?;
            let r = access::revoke_token(dir, &id, temoin::time::now_ms()).map_err(access_error)?;
            println!("{}", t!("access-token-revoked", id = r.id, name = r.name));
            Ok(ExitCode::SUCCESS)
        }
        Command::AccessLog { archive, json } => {
            let dir = match archive.source()? {
                Source::Local(dir) => dir,
                Source::Remote(r) => {
                    remote::json_only(json, "access-log")?;
                    return r.print("/v1/access-log");
                }
            };
            let dir = local_dir(&dir)?;
            let log = access::read_log(dir).map_err(access_error)?;
            if json {
                let v = temoin::content_json::access_log(&log);
                print_json(&v)?;
                return Ok(ExitCode::SUCCESS);
            }
            let rows: Vec<Vec<String>> = log
                .iter()
                .map(|(r, _)| {
                    vec![
                        r.n.to_string(),
                        format_ms(r.at),
                        r.who.clone(),
                        r.what.clone(),
                        r.scope.clone(),
                        if r.withheld.is_empty() {
                            "-".into()
                        } else {
                            r.withheld.join(",")
                        },
                        r.sha256[..12].to_string(),
                        r.from.clone().unwrap_or_else(|| "-".into()),
                    ]
                })
                .collect();
            table_of(
                &[
                    t!("access-col-n"),
                    t!("access-col-at"),
                    t!("access-col-who"),
                    t!("access-col-what"),
                    t!("access-col-scope"),
                    t!("access-col-withheld"),
                    t!("access-col-sha256"),
                    t!("access-col-from"),
                ],
                &rows,
            );
            println!("{}", t!("access-log-intact", n = log.len()));
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Record, before a bundle is written, that it is handed out from the
/// command line on this machine: the log over-reports a write that then
/// failed, never under-reports one that happened.
pub fn record_local_export(
    dir: &std::path::Path,
    b: &temoin::bundle::Bundle,
    text: &str,
) -> Result<(), CliError> {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("LOGNAME"))
        .unwrap_or_else(|_| "?".into());
    let r = access::AccessRecord {
        n: 0,
        at: temoin::time::now_ms(),
        who: format!("local:{user}"),
        what: "bundle".into(),
        scope: b.scope.to_string(),
        withheld: b.withheld_labels.clone(),
        sha256: access::file_sha256(text.as_bytes()),
        size: b
            .checkpoint
            .lines()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        from: None,
        prev: String::new(),
    };
    access::record(dir, r).map(|_| ()).map_err(access_error)
}
