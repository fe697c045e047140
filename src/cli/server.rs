//! `temoin serve` (the archive behind HTTP) and `temoin push` (what an
//! intermediary runs to send statements to it).

use super::{ArchiveArg, CliError, CliResult};
use clap::Subcommand;
use std::io::Write as _;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;
use temoin::t;

#[derive(Subcommand)]
pub enum Command {
    /// Serve the archive over HTTP: submissions (POST /v1/statements, a
    /// .tms body, answered with its receipt once durable), the public
    /// checkpoint, receipts and proofs, and the content (/v1/incidents,
    /// bundles, reports) for the holders of a token (temoin token add).
    /// The server owns the archive while it runs.
    #[command(
        after_long_help = "Example:\n  temoin serve --archive ./archive --listen 127.0.0.1:8080\n  curl -s http://127.0.0.1:8080/checkpoint"
    )]
    Serve {
        #[command(flatten)]
        archive: ArchiveArg,
        /// The address and port to listen on (port 0: any free port; the
        /// address chosen is printed).
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
        listen: SocketAddr,
        /// Largest request body (a .tms file) accepted, in bytes.
        #[arg(long, value_name = "BYTES", default_value_t = temoin_server::options::DEFAULT_MAX_BODY_BYTES)]
        max_body_bytes: u64,
        /// Seconds a request has to be received and answered (its headers
        /// included): a slow client is cut off.
        #[arg(long, value_name = "SECS", default_value_t = 30)]
        timeout: u64,
        /// Connections open at once.
        #[arg(long, value_name = "N", default_value_t = 1024)]
        max_connections: usize,
        /// Requests per second from one address (bursts of twice that); 0: no limit.
        #[arg(long, value_name = "N", default_value_t = 50)]
        rate_per_address: u32,
        /// Submissions per second signed by one author key (bursts of twice that); 0: no limit.
        #[arg(long, value_name = "N", default_value_t = 20)]
        rate_per_key: u32,
        /// Serve the content (incidents, bundles, reports) without a token,
        /// for an archive meant to be public; the access log and the token
        /// list still need the custodian's token.
        #[arg(long)]
        public: bool,
        /// A witness to ask to cosign each new checkpoint (C2SP
        /// tlog-witness): its URL and its vkey, URL=VKEY; repeatable. Its
        /// cosignatures go on the checkpoint served, in receipts and bundles.
        #[arg(long = "witness", value_name = "URL=VKEY")]
        witness: Vec<String>,
        /// Milliseconds a submission waits for the witnesses' cosignatures
        /// before its receipt is made without those still missing (asked
        /// again later).
        #[arg(long, value_name = "MS", default_value_t = 2000)]
        witness_wait_ms: u64,
        /// An RFC 3161 timestamping authority (http://…) to ask for a token
        /// over each new checkpoint, in the background (submissions never
        /// wait; a TSA down is asked again later). Receipts and bundles of
        /// a timestamped checkpoint carry its token.
        #[arg(long, value_name = "URL", requires = "tsa_cert")]
        tsa: Option<String>,
        /// The TSA's certificate (PEM or DER), or its issuer's: a token is
        /// kept only if it verifies against it; repeatable.
        #[arg(long = "tsa-cert", value_name = "PEM", requires = "tsa")]
        tsa_cert: Vec<std::path::PathBuf>,
        /// Ask the TSA at most once every MINUTES (for the latest
        /// checkpoint then) rather than for each new checkpoint.
        #[arg(long, value_name = "MINUTES", requires = "tsa")]
        tsa_every: Option<u64>,
    },
    /// Send signed statements (.tms files) to an archive's server, save
    /// each receipt beside its file (FILE.receipt.json) and verify it
    /// offline with the archive key you pinned. Retries while the server
    /// is unreachable or busy; a statement already in the log gets its
    /// receipt again, so pushing twice is safe.
    #[command(
        after_long_help = "Example:\n  temoin push --server http://archive.example:8080 --archive-key checkpoint.key.pub *.tms"
    )]
    Push {
        /// The server's URL (http://host:port).
        #[arg(long, value_name = "URL")]
        server: String,
        /// The archive's checkpoint key, pinned: a vkey (name+id+key) or a file holding one.
        #[arg(long, value_name = "VKEY")]
        archive_key: String,
        /// The statement files.
        #[arg(required = true, value_name = "FILE.tms")]
        files: Vec<std::path::PathBuf>,
        /// Attempts per statement while the server is unreachable or busy
        /// (waits double from 0.25 s, up to 10 s).
        #[arg(long, value_name = "N", default_value_t = 10)]
        attempts: u32,
    },
}

pub fn run(cmd: Command) -> CliResult {
    match cmd {
        Command::Serve {
            archive,
            listen,
            max_body_bytes,
            timeout,
            max_connections,
            rate_per_address,
            rate_per_key,
            public,
            witness,
            witness_wait_ms,
            tsa,
            tsa_cert,
            tsa_every,
        } => {
            if max_body_bytes == 0 || max_body_bytes > temoin_server::options::MAX_BODY_BYTES {
                return Err(CliError::usage(format!(
                    "--max-body-bytes must be between 1 and {}",
                    temoin_server::options::MAX_BODY_BYTES
                )));
            }
            if timeout == 0 {
                return Err(CliError::usage("--timeout must be at least 1 second"));
            }
            let mut options = temoin_server::Options::new(archive.archive.clone(), listen);
            options.max_body_bytes = max_body_bytes;
            options.request_timeout = Duration::from_secs(timeout);
            options.max_connections = max_connections.max(1);
            options.rate_per_address = rate_per_address;
            options.rate_per_key = rate_per_key;
            options.public = public;
            options.witnesses = witness
                .iter()
                .map(|w| {
                    temoin_server::witness_client::WitnessConfig::parse(w).map_err(|e| {
                        CliError::usage(format!(
                            "{} ({e})",
                            t!("witness-serve-bad", arg = format!("{w:?}"))
                        ))
                    })
                })
                .collect::<Result<_, _>>()?;
            options.witness_wait = Duration::from_millis(witness_wait_ms.max(1));
            if let Some(url) = tsa {
                let trusted = super::timestamp::TsaArgs { tsa_cert }
                    .trusted()?
                    .unwrap_or_default();
                options.tsa = Some(
                    temoin_server::tsa::TsaConfig::new(&url, trusted)
                        .map_err(|e| CliError::usage(t!("tsa-url-bad", error = e)))?,
                );
                options.tsa_every = tsa_every.map(|m| Duration::from_secs(m.max(1) * 60));
            }
            serve(options)
        }
        Command::Push {
            server,
            archive_key,
            files,
            attempts,
        } => push(&server, &archive_key, &files, attempts),
    }
}

/// The receipt file of a statement file: `note.tms` -> `note.receipt.json`.
pub fn receipt_path(tms: &std::path::Path) -> std::path::PathBuf {
    let stem = tms
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "statement".into());
    tms.with_file_name(format!("{stem}.receipt.json"))
}

fn push(server: &str, key: &str, files: &[std::path::PathBuf], attempts: u32) -> CliResult {
    let key = super::evidence::parse_archive_key(key)?;
    let url = temoin_server::client::ServerUrl::parse(server).map_err(CliError::usage)?;
    let retry = temoin_server::client::Retry {
        attempts: attempts.max(1),
        ..Default::default()
    };
    let mut failed = Vec::new();
    for f in files {
        let bytes = super::read_file(f, "statement file")?;
        match temoin_server::client::push(&url, &bytes, &key, &retry) {
            Ok(receipt) => {
                let out = receipt_path(f);
                super::write_file(&out, (receipt.to_json() + "\n").as_bytes(), "receipt")?;
                println!(
                    "{}",
                    t!(
                        "push-accepted",
                        file = f.display().to_string(),
                        seq = receipt.seq,
                        receipt = out.display().to_string()
                    )
                );
            }
            Err(e) => {
                let line = t!(
                    "push-failed",
                    file = f.display().to_string(),
                    error = e.to_string()
                );
                eprintln!("temoin: {line}");
                failed.push(line);
            }
        }
    }
    if failed.is_empty() {
        Ok(ExitCode::SUCCESS)
    } else {
        Err(CliError::failed(t!(
            "push-summary",
            failed = failed.len(),
            total = files.len()
        )))
    }
}

fn serve(options: temoin_server::Options) -> CliResult {
    let dir = options.archive.display().to_string();
    let running = temoin_server::run(options).map_err(|e| match e {
        temoin_server::ServeError::Archive(a) => CliError::from(a),
        other => CliError::failed(other.to_string()),
    })?;
    let url = format!("http://{}", running.addr);
    println!("{}", t!("serve-listening", url = url, dir = dir));
    let _ = std::io::stdout().flush();
    running
        .wait()
        .map_err(|e| CliError::failed(e.to_string()))?;
    eprintln!("{}", t!("serve-stopped"));
    Ok(ExitCode::SUCCESS)
}
