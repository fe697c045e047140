//! `temoin witness key generate`, `temoin witness serve` (a C2SP
//! tlog-witness), and the witness policy verifiers take
//! (`--witness VKEY… --witness-threshold K`).

use super::{CliError, CliResult};
use clap::Subcommand;
use std::io::Write as _;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use temoin::cosignature::{
    CosignatureError, PolicyOutcome, WitnessKey, WitnessPolicy, WitnessSigner,
};
use temoin::signed_note::VerifierKey;
use temoin::t;

#[derive(Subcommand)]
pub enum Command {
    /// Run a transparency-log witness (C2SP tlog-witness): it cosigns an
    /// archive's checkpoints, each only if it extends the last one it
    /// cosigned for that archive, so that a forked or rewritten log is
    /// caught by whoever checks the cosignatures.
    #[command(subcommand)]
    Witness(WitnessCommand),
}

#[derive(Subcommand)]
pub enum WitnessCommand {
    /// Witness keys (tlog-cosignature/v1, Ed25519, signature type 0x04).
    #[command(subcommand)]
    Key(WitnessKeyCommand),
    /// Serve the witness over HTTP: POST /add-checkpoint (C2SP
    /// tlog-witness), and GET /<sha256(origin) hex>/checkpoint. It keeps
    /// the latest checkpoint it cosigned for each log in the state
    /// directory, written durably before it answers.
    #[command(
        after_long_help = "Example:\n  temoin witness serve --key witness.key --log archive/checkpoint.key.pub --listen 127.0.0.1:7380 --state ./witness-state"
    )]
    Serve {
        /// The witness's secret key file (from `temoin witness key generate`).
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// A log to witness: its checkpoint key (a vkey or a file holding
        /// one), named after its origin as a temoin archive's is; or
        /// ORIGIN=VKEY for a log whose key has another name; repeatable.
        #[arg(long = "log", value_name = "[ORIGIN=]VKEY", required = true)]
        log: Vec<String>,
        /// The address and port to listen on (port 0: any free port; the
        /// address chosen is printed).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:7380")]
        listen: SocketAddr,
        /// The state directory: the latest checkpoint cosigned per log.
        #[arg(long, value_name = "DIR")]
        state: PathBuf,
    },
}

#[derive(Subcommand)]
pub enum WitnessKeyCommand {
    /// Generate a witness key pair: PATH (secret, mode 0600) and PATH.pub
    /// (its vkey, name+id+base64(0x04||key), which archives and verifiers
    /// are given).
    #[command(
        after_long_help = "Example:\n  temoin witness key generate --out witness.key --name witness.example/w1"
    )]
    Generate {
        /// Where to write the secret key (mode 0600); its vkey goes to PATH.pub.
        #[arg(long, value_name = "PATH")]
        out: PathBuf,
        /// The witness's name, by convention a schema-less URL
        /// (e.g. witness.example/w1). Default: the file name.
        #[arg(long)]
        name: Option<String>,
    },
}

/// `--witness VKEY… [--witness-threshold K]`: the cosignatures a
/// checkpoint must carry.
#[derive(clap::Args, Debug, Clone, Default)]
pub struct PolicyArgs {
    /// A witness whose cosignature the checkpoint must carry: its vkey
    /// (name+id+base64(0x04||key)) or a file holding one; repeatable.
    #[arg(long = "witness", value_name = "VKEY")]
    pub witness: Vec<String>,
    /// How many distinct --witness keys must have cosigned the checkpoint
    /// (default: all of them).
    #[arg(long, value_name = "K", requires = "witness")]
    pub witness_threshold: Option<usize>,
}

impl PolicyArgs {
    /// The policy, or `None` when no witness is given.
    pub fn policy(&self) -> Result<Option<WitnessPolicy>, CliError> {
        if self.witness.is_empty() {
            return Ok(None);
        }
        let keys = self
            .witness
            .iter()
            .map(|w| parse_witness_key(w))
            .collect::<Result<Vec<_>, _>>()?;
        WitnessPolicy::new(keys, self.witness_threshold)
            .map(Some)
            .map_err(|e| CliError::usage(cosignature_error(&e)))
    }
}

/// A witness vkey given on the command line, or a file holding one.
pub fn parse_witness_key(arg: &str) -> Result<WitnessKey, CliError> {
    if temoin::keys::is_secret_key_text(arg) {
        return Err(CliError::usage(t!("witness-key-secret-given")));
    }
    let direct = WitnessKey::parse(arg.trim());
    if let Ok(k) = direct {
        return Ok(k);
    }
    let path = Path::new(arg);
    if path.is_file() {
        let text = super::read_file(path, "witness key")?;
        let text = String::from_utf8_lossy(&text);
        if temoin::keys::is_secret_key_text(&text) {
            return Err(CliError::usage(t!("witness-key-secret-given")));
        }
        let line = text
            .lines()
            .map(str::trim)
            .find(|l| !l.is_empty() && !l.starts_with('#'))
            .unwrap_or("");
        return WitnessKey::parse(line).map_err(|e| {
            CliError::usage(format!("{}: {}", path.display(), cosignature_error(&e)))
        });
    }
    Err(CliError::usage(t!(
        "witness-key-neither",
        arg = format!("{arg:?}"),
        error = direct
            .err()
            .map(|e| cosignature_error(&e))
            .unwrap_or_default()
    )))
}

/// A cosignature or policy error in the user's language.
pub fn cosignature_error(e: &CosignatureError) -> String {
    match e {
        CosignatureError::NotEnough {
            size,
            have,
            need,
            missing,
        } => t!(
            "witness-policy-not-enough",
            size = size.to_string(),
            have = have.to_string(),
            need = need.to_string(),
            missing = missing.join(", ").to_string()
        ),
        CosignatureError::BadCosignature { line, name, .. } => t!(
            "witness-policy-bad-cosignature",
            line = line.to_string(),
            name = name.clone()
        ),
        CosignatureError::Length {
            line, name, found, ..
        } => t!(
            "witness-policy-length",
            line = line.to_string(),
            name = name.clone(),
            found = found.to_string()
        ),
        CosignatureError::Timestamp { line, name, .. } => t!(
            "witness-policy-timestamp",
            line = line.to_string(),
            name = name.clone()
        ),
        CosignatureError::DuplicateWitness { name, key_id } => t!(
            "witness-policy-duplicate",
            witness = format!("{name}+{key_id:08x}")
        ),
        CosignatureError::Threshold {
            threshold,
            witnesses,
        } => t!(
            "witness-policy-threshold",
            threshold = threshold.to_string(),
            witnesses = witnesses.to_string()
        ),
        other => other.to_string(),
    }
}

/// Apply `policy` (if any) to a checkpoint note: exit 1 with the
/// witnesses missing when it fails.
pub fn check_policy(
    policy: Option<&WitnessPolicy>,
    note: &str,
    archive_key: &VerifierKey,
) -> Result<Option<PolicyOutcome>, CliError> {
    let Some(p) = policy else {
        return Ok(None);
    };
    p.check(note, archive_key)
        .map(Some)
        .map_err(|e| CliError::failed(t!("witness-policy-failed", error = cosignature_error(&e))))
}

/// The line a verifier prints when the policy holds.
pub fn policy_ok_line(o: &PolicyOutcome) -> String {
    t!(
        "witness-policy-ok",
        have = o.cosigned.cosignatures.len().to_string(),
        need = o.threshold.to_string(),
        witnesses = o
            .cosigned
            .cosignatures
            .iter()
            .map(|c| c.witness.clone())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// The policy outcome as JSON.
pub fn policy_json(o: &PolicyOutcome) -> serde_json::Value {
    serde_json::json!({
        "threshold": o.threshold,
        "cosigned_by": o.cosigned.cosignatures.iter().map(|c| serde_json::json!({
            "witness": c.witness,
            "timestamp": c.timestamp,
        })).collect::<Vec<_>>(),
        "missing": o.missing,
    })
}

pub fn run(cmd: Command) -> CliResult {
    let Command::Witness(cmd) = cmd;
    match cmd {
        WitnessCommand::Key(WitnessKeyCommand::Generate { out, name }) => generate(&out, name),
        WitnessCommand::Serve {
            key,
            log,
            listen,
            state,
        } => serve(&key, &log, listen, state),
    }
}

fn generate(out: &Path, name: Option<String>) -> CliResult {
    let name = match name {
        Some(n) => n,
        None => out
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_else(|| "witness".into()),
    };
    let signer = WitnessSigner::generate(&name, &mut rand::rngs::OsRng)
        .map_err(|e| CliError::usage(cosignature_error(&e)))?;
    let public = temoin::keys::public_path_for(out);
    let secret = format!(
        "# temoin witness secret key (tlog-cosignature/v1, Ed25519) \"{name}\".\n# Whoever holds this file can cosign as this witness: keep it private.\n{}\n",
        &*signer.to_skey_string()
    );
    let vkey = signer.witness_key().to_string();
    let public_text = format!(
        "# temoin witness public key \"{name}\", C2SP vkey form: name+keyid+base64(0x04||key).\n{vkey}\n"
    );
    if public.exists() {
        return Err(CliError::from(temoin::keys::KeyError::Exists {
            path: public.clone(),
        }));
    }
    temoin::keys::write_new_file(out, secret.as_bytes(), 0o600)?;
    temoin::keys::write_new_file(&public, public_text.as_bytes(), 0o644)?;
    println!(
        "{}",
        t!("key-secret-clear", file = out.display().to_string())
    );
    println!("{}", t!("key-public", file = public.display().to_string()));
    println!("{}", t!("key-vkey", vkey = vkey));
    Ok(ExitCode::SUCCESS)
}

fn load_witness_signer(path: &Path) -> Result<WitnessSigner, CliError> {
    let text = temoin::keys::read_secret_file(path, &mut super::secret::ask_current)
        .map_err(super::secret::key_error)?;
    WitnessSigner::parse_file(&text)
        .map_err(|e| CliError::usage(format!("{}: {}", path.display(), cosignature_error(&e))))
}

/// `--log`: a vkey or a file holding one (origin: the key's name), or
/// `ORIGIN=VKEY` (split at the first `=` not inside a plain vkey).
fn parse_log(arg: &str) -> Result<temoin::witness::LogKey, CliError> {
    if let Ok(k) = VerifierKey::parse(arg.trim()) {
        return Ok(temoin::witness::LogKey::named(k));
    }
    if Path::new(arg).is_file() {
        return super::evidence::parse_archive_key(arg).map(temoin::witness::LogKey::named);
    }
    match arg.split_once('=') {
        Some((origin, key)) if !origin.is_empty() => Ok(temoin::witness::LogKey {
            origin: origin.to_string(),
            key: super::evidence::parse_archive_key(key)?,
        }),
        _ => super::evidence::parse_archive_key(arg).map(temoin::witness::LogKey::named),
    }
}

fn serve(key: &Path, logs: &[String], listen: SocketAddr, state: PathBuf) -> CliResult {
    let signer = load_witness_signer(key)?;
    let logs = logs
        .iter()
        .map(|l| parse_log(l))
        .collect::<Result<Vec<_>, _>>()?;
    let vkey = signer.witness_key().to_string();
    let dir = state.display().to_string();
    let running = temoin_server::witness::run(temoin_server::witness::WitnessOptions {
        key: signer,
        logs,
        listen,
        state_dir: state,
    })
    .map_err(|e| CliError::failed(e.to_string()))?;
    println!(
        "{}",
        t!(
            "witness-listening",
            url = format!("http://{}", running.addr),
            vkey = vkey,
            dir = dir
        )
    );
    let _ = std::io::stdout().flush();
    running
        .wait()
        .map_err(|e| CliError::failed(e.to_string()))?;
    eprintln!("{}", t!("witness-stopped"));
    Ok(ExitCode::SUCCESS)
}
