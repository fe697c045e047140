//! Trusted time (docs/FORMAT.md §6.3): `temoin timestamp` asks an RFC 3161
//! TSA for a token over the latest checkpoint; verifiers take the TSA
//! certificates they trust (`--tsa-cert PEM`) and say when a checkpoint
//! existed, on the TSA's word rather than the archive's.

use super::{ArchiveArg, CliError, CliResult};
use clap::Subcommand;
use std::path::PathBuf;
use std::process::ExitCode;
use temoin::t;
use temoin::timestamp::{check_tokens, TimestampsError, TrustedTsa, VerifiedTimestamp};

#[derive(Subcommand)]
pub enum Command {
    /// Ask an RFC 3161 timestamping authority (TSA) for a token over the
    /// archive's latest checkpoint, verify it against the TSA certificate
    /// you trust, and keep it: receipts and bundles of that checkpoint then
    /// carry it, and anyone who trusts the TSA can check that the
    /// checkpoint existed no later than the token's time.
    #[command(
        after_long_help = "Example:\n  temoin timestamp --archive ./archive --tsa http://tsa.example/tsr --tsa-cert tsa.pem"
    )]
    Timestamp {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The TSA's URL (http://…; RFC 3161 over HTTP, application/timestamp-query).
        #[arg(long, value_name = "URL")]
        tsa: String,
        /// The TSA's certificate (PEM or DER), or the certificate that
        /// issued it: its tokens must verify against it.
        #[arg(long = "tsa-cert", value_name = "PEM", required = true)]
        tsa_cert: Vec<PathBuf>,
    },
}

/// `--tsa-cert PEM…`: the TSAs a verifier trusts.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct TsaArgs {
    /// A TSA certificate you trust (PEM or DER), or one that issued the
    /// TSA's: the checkpoint's timestamp must verify against it;
    /// repeatable. Without it, timestamps are reported but not checked.
    #[arg(long = "tsa-cert", value_name = "PEM")]
    pub tsa_cert: Vec<PathBuf>,
}

impl TsaArgs {
    /// The trusted certificates, `None` when none is given.
    pub fn trusted(&self) -> Result<Option<Vec<TrustedTsa>>, CliError> {
        if self.tsa_cert.is_empty() {
            return Ok(None);
        }
        load(&self.tsa_cert).map(Some)
    }
}

fn load(paths: &[PathBuf]) -> Result<Vec<TrustedTsa>, CliError> {
    let mut out = Vec::new();
    for p in paths {
        let bytes = super::read_file(p, "TSA certificate")?;
        let certs = TrustedTsa::parse_all(&bytes).map_err(|e| {
            CliError::usage(t!(
                "tsa-cert-bad",
                path = p.display().to_string(),
                error = e.to_string()
            ))
        })?;
        out.extend(certs);
    }
    Ok(out)
}

/// What a verifier found about a checkpoint's timestamps.
pub enum Outcome {
    /// No certificate given: tokens present, not checked.
    Unchecked(usize),
    Verified(Vec<VerifiedTimestamp>),
    Failed(TimestampsError),
}

impl Outcome {
    pub fn ok(&self) -> bool {
        !matches!(self, Outcome::Failed(_))
    }

    /// One line per verified token, or the unchecked / failed line.
    pub fn lines(&self) -> Vec<String> {
        match self {
            Outcome::Unchecked(0) => Vec::new(),
            Outcome::Unchecked(n) => vec![t!("timestamp-unchecked", n = n.to_string())],
            Outcome::Verified(v) => v.iter().map(existed_line).collect(),
            Outcome::Failed(e) => vec![t!("timestamp-failed", error = e.to_string())],
        }
    }

    /// As the chain-of-custody report states it.
    pub fn for_report(&self) -> temoin::report::TrustedTime {
        use temoin::report::TrustedTime;
        match self {
            Outcome::Unchecked(n) => TrustedTime::Unchecked(*n),
            Outcome::Verified(v) => {
                TrustedTime::Verified(v.iter().map(|t| (t.gen_time, t.tsa.clone())).collect())
            }
            Outcome::Failed(e) => TrustedTime::Failed(e.to_string()),
        }
    }

    pub fn json(&self) -> serde_json::Value {
        match self {
            Outcome::Unchecked(n) => serde_json::json!({"checked": false, "count": n}),
            Outcome::Verified(v) => serde_json::json!({
                "checked": true,
                "ok": true,
                "tokens": v.iter().map(|t| serde_json::json!({
                    "gen_time": t.gen_time_text(),
                    "tsa": t.tsa,
                    "serial": t.serial,
                    "policy": t.policy,
                })).collect::<Vec<_>>(),
            }),
            Outcome::Failed(e) => serde_json::json!({
                "checked": true,
                "ok": false,
                "error": e.to_string(),
            }),
        }
    }
}

/// "this checkpoint existed no later than <time>, attested by <TSA>".
pub fn existed_line(v: &VerifiedTimestamp) -> String {
    t!(
        "timestamp-existed",
        time = temoin::i18n::time_ms(temoin::i18n::current(), v.gen_time.saturating_mul(1000)),
        tsa = v.tsa.clone()
    )
}

/// Check `tokens` (base64) over `note` with what the user trusts.
pub fn check(tokens: &[String], note: &str, trusted: Option<&[TrustedTsa]>) -> Outcome {
    match trusted {
        None => Outcome::Unchecked(tokens.len()),
        Some(t) => match check_tokens(tokens, note, t) {
            Ok(v) => Outcome::Verified(v),
            Err(e) => Outcome::Failed(e),
        },
    }
}

pub fn run(cmd: Command) -> CliResult {
    let Command::Timestamp {
        archive,
        tsa,
        tsa_cert,
    } = cmd;
    let trusted = load(&tsa_cert)?;
    let cfg = temoin_server::tsa::TsaConfig::new(&tsa, trusted)
        .map_err(|e| CliError::usage(t!("tsa-url-bad", error = e)))?;
    let a = temoin::archive::Archive::open(&archive.archive)?;
    let (size, note) = a
        .store()
        .latest_checkpoint()
        .map_err(temoin::archive::ArchiveError::from)?
        .ok_or(temoin::archive::ArchiveError::NoCheckpoint)?;
    let (v, took) = temoin_server::tsa::timestamp_checkpoint_blocking(&cfg, a.store(), size, &note)
        .map_err(|e| CliError::failed(t!("timestamp-not-obtained", error = e.to_string())))?;
    println!(
        "{}",
        t!(
            "timestamp-stored",
            size = size,
            ms = u64::try_from(took.as_millis()).unwrap_or(u64::MAX)
        )
    );
    println!("  {}", existed_line(&v));
    Ok(ExitCode::SUCCESS)
}
