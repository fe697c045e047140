//! Trusted time (docs/FORMAT.md §6.3): ask an RFC 3161 TSA for a timestamp
//! token over a checkpoint's note text (`temoin timestamp`, `temoin serve
//! --tsa URL`), verify it against the TSA certificate the operator trusts,
//! and keep it beside the checkpoint (the `S` rows, §8), whence receipts
//! and bundles carry it.
//!
//! In the server one task does it: whenever a new checkpoint is durable
//! (or, with `--tsa-every MINUTES`, at most once per period), it asks the
//! TSA for a token over the latest one. Submissions never wait for it. A
//! TSA down, slow or answering garbage is logged and asked again after
//! [`RETRY`].

use crate::client::{Call, ServerUrl};
use crate::state::Published;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use temoin_archive::store::Store;
use temoin_archive::timestamp::{self, ReplyError, TrustedTsa, VerifiedTimestamp};

/// How long after a failed request the TSA is asked again.
pub const RETRY: Duration = Duration::from_secs(10);
/// How long one request may take.
pub const TIMEOUT: Duration = Duration::from_secs(30);
/// The largest TSA reply read.
const MAX_REPLY: usize = 1 << 20;

/// A TSA the archive asks: `--tsa URL --tsa-cert PEM`.
#[derive(Clone, Debug)]
pub struct TsaConfig {
    /// The URL as given (for messages).
    pub url: String,
    server: ServerUrl,
    /// The certificates its tokens must verify against.
    pub trusted: Vec<TrustedTsa>,
}

impl TsaConfig {
    /// # Errors
    ///
    /// The URL is not `http://…` (in English; the CLI translates).
    pub fn new(url: &str, trusted: Vec<TrustedTsa>) -> Result<TsaConfig, String> {
        Ok(TsaConfig {
            url: url.to_string(),
            server: ServerUrl::parse(url)?,
            trusted,
        })
    }
}

/// Why no token was obtained.
#[derive(Debug, thiserror::Error)]
pub enum TsaError {
    #[error("the TSA at {url} cannot be reached: {reason}")]
    Unreachable { url: String, reason: String },
    #[error("the TSA at {url} answered HTTP {status}: {body}")]
    Status {
        url: String,
        status: u16,
        body: String,
    },
    #[error("the TSA at {url}: {error}")]
    Reply {
        url: String,
        #[source]
        error: ReplyError,
    },
    #[error("the checkpoint note has no signature line")]
    Note,
    #[error("{0}")]
    Store(#[from] temoin_archive::store::StoreError),
}

/// Ask the TSA for a token over `note`'s text and verify it (the nonce
/// echoed, the imprint, the signature by a trusted certificate).
pub async fn obtain(cfg: &TsaConfig, note: &str) -> Result<(Vec<u8>, VerifiedTimestamp), TsaError> {
    let imprint = timestamp::imprint_of_note(note).ok_or(TsaError::Note)?;
    let nonce = timestamp::random_nonce();
    let query = timestamp::request(&imprint, nonce).map_err(|e| TsaError::Reply {
        url: cfg.url.clone(),
        error: ReplyError::Token(e),
    })?;
    let call = Call {
        method: "POST",
        path: cfg.server.own_path(),
        content_type: Some("application/timestamp-query"),
        body: &query,
        token: None,
        limit: MAX_REPLY,
    };
    let unreachable = |reason: String| TsaError::Unreachable {
        url: cfg.url.clone(),
        reason,
    };
    let answer = tokio::time::timeout(TIMEOUT, crate::client::send(&cfg.server, &call))
        .await
        .map_err(|_| unreachable(format!("no answer within {} s", TIMEOUT.as_secs())))?
        .map_err(|e| unreachable(e.0))?;
    if answer.status != 200 {
        let body = String::from_utf8_lossy(&answer.body[..answer.body.len().min(200)]);
        return Err(TsaError::Status {
            url: cfg.url.clone(),
            status: answer.status,
            body: body.trim().to_string(),
        });
    }
    timestamp::accept_reply(&answer.body, &imprint, nonce, &cfg.trusted).map_err(|error| {
        TsaError::Reply {
            url: cfg.url.clone(),
            error,
        }
    })
}

/// Timestamp the checkpoint `(size, note)` and keep the token: what it
/// says, and how long obtaining and verifying it took.
pub async fn timestamp_checkpoint(
    cfg: &TsaConfig,
    store: &Store,
    size: u64,
    note: &str,
) -> Result<(VerifiedTimestamp, Duration), TsaError> {
    let started = Instant::now();
    let (token, verified) = obtain(cfg, note).await?;
    let took = started.elapsed();
    let store = store.clone();
    tokio::task::spawn_blocking(move || store.put_timestamp(size, &token))
        .await
        .map_err(|e| TsaError::Unreachable {
            url: String::new(),
            reason: e.to_string(),
        })??;
    Ok((verified, took))
}

/// The same, from a synchronous caller (`temoin timestamp`).
pub fn timestamp_checkpoint_blocking(
    cfg: &TsaConfig,
    store: &Store,
    size: u64,
    note: &str,
) -> Result<(VerifiedTimestamp, Duration), TsaError> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| TsaError::Unreachable {
            url: cfg.url.clone(),
            reason: e.to_string(),
        })?;
    rt.block_on(timestamp_checkpoint(cfg, store, size, note))
}

/// Start the background task of `serve --tsa` (on the current runtime).
pub fn start(
    cfg: TsaConfig,
    every: Option<Duration>,
    store: Store,
    published: Arc<RwLock<Published>>,
) {
    tokio::spawn(async move {
        let poll = Duration::from_millis(200);
        let mut done: Option<u64> = None;
        let mut next_at = Instant::now();
        loop {
            tokio::time::sleep(poll).await;
            if Instant::now() < next_at {
                continue;
            }
            let (size, note) = match published.read() {
                Ok(p) => (p.size, p.note.to_string()),
                Err(_) => return,
            };
            if done == Some(size) {
                continue;
            }
            let kept = {
                let store = store.clone();
                tokio::task::spawn_blocking(move || store.timestamps(size))
                    .await
                    .ok()
                    .and_then(Result::ok)
                    .is_some_and(|t| !t.is_empty())
            };
            if kept {
                done = Some(size);
                continue;
            }
            match timestamp_checkpoint(&cfg, &store, size, &note).await {
                Ok((v, _)) => {
                    done = Some(size);
                    next_at = Instant::now() + every.unwrap_or(Duration::ZERO);
                    eprintln!(
                        "temoin serve: checkpoint {size} timestamped {} by {}",
                        v.gen_time_text(),
                        v.tsa
                    );
                }
                Err(e) => {
                    eprintln!(
                        "temoin serve: no timestamp for checkpoint {size} ({e}); asking again in {} s",
                        RETRY.as_secs()
                    );
                    next_at = Instant::now() + RETRY;
                }
            }
        }
    });
}
