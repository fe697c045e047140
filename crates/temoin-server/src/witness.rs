//! `temoin witness serve`: a C2SP [tlog-witness](https://c2sp.org/tlog-witness)
//! for archives (or any log of C2SP checkpoints signed with Ed25519).
//!
//! - `POST /add-checkpoint`: the body `old <size>\n`, consistency proof
//!   lines, an empty line, a checkpoint. 200 with the witness's
//!   cosignature line; 400 malformed (or old size above the checkpoint's);
//!   403 not signed by the log's key; 404 unknown origin; 409 old size is
//!   not the witness's (body: its size, `text/x.tlog.size`); 422 not
//!   consistent with what the witness cosigned (a fork).
//! - `GET /<sha256(origin) hex>/checkpoint`: the latest checkpoint it
//!   cosigned for that log, with the log's and its own signatures.
//!
//! State: one file per log in the state directory,
//! `<sha256(origin) hex>.checkpoint`, holding the latest cosigned note.
//! Checking the old size, cosigning and writing that file happen under one
//! lock, and the file is written atomically and synced (with its
//! directory) before the answer: a witness killed at any point answers,
//! after a restart, from the last state it acknowledged.

use axum::body::Body;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use temoin_archive::cosignature::{add_signature_lines, WitnessSigner};
use temoin_archive::witness::{
    decide, origin_hash, parse_add_checkpoint, Latest, LogKey, Refusal, MAX_ADD_CHECKPOINT_BYTES,
    SIZE_MEDIA_TYPE,
};

/// What a witness is told.
pub struct WitnessOptions {
    /// Its cosigning key.
    pub key: WitnessSigner,
    /// The logs it witnesses: each origin and the key it trusts for it.
    pub logs: Vec<LogKey>,
    /// Where to listen.
    pub listen: SocketAddr,
    /// The state directory.
    pub state_dir: PathBuf,
}

/// Why a witness did not start.
#[derive(Debug, thiserror::Error)]
pub enum WitnessError {
    #[error("the witness's state directory {dir}: {error}")]
    StateDir { dir: PathBuf, error: String },
    #[error("the witness's state file {file} for log {origin:?} is damaged ({error}); the witness refuses to start rather than forget what it cosigned (restore the file from a backup)")]
    BadState {
        file: PathBuf,
        origin: String,
        error: String,
    },
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the witness: {0}")]
    Start(#[source] std::io::Error),
    #[error("two log keys are given for origin {0:?}")]
    DuplicateLog(String),
}

struct Logged {
    latest: Latest,
    note: String,
}

struct Inner {
    key: WitnessSigner,
    logs: Vec<LogKey>,
    dir: PathBuf,
    /// Latest cosigned checkpoint per origin; the lock is held from the
    /// old-size check to the durable write.
    state: Mutex<HashMap<String, Logged>>,
}

#[derive(Clone)]
struct WState(Arc<Inner>);

fn state_file(dir: &std::path::Path, origin: &str) -> PathBuf {
    dir.join(format!("{}.checkpoint", origin_hash(origin)))
}

/// Reads the state of every configured log (a damaged file is an error).
fn load_state(
    dir: &std::path::Path,
    logs: &[LogKey],
) -> Result<HashMap<String, Logged>, WitnessError> {
    let mut out = HashMap::new();
    for k in logs {
        let file = state_file(dir, &k.origin);
        let text = match std::fs::read(&file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
            Err(e) => {
                return Err(WitnessError::StateDir {
                    dir: dir.to_path_buf(),
                    error: format!("{}: {e}", file.display()),
                })
            }
        };
        let bad = |error: String| WitnessError::BadState {
            file: file.clone(),
            origin: k.origin.clone(),
            error,
        };
        let note = String::from_utf8(text).map_err(|_| bad("not UTF-8".into()))?;
        let cp = k.open(&note).map_err(bad)?;
        out.insert(
            cp.origin.clone(),
            Logged {
                latest: Latest {
                    size: cp.size,
                    root: cp.root,
                },
                note,
            },
        );
    }
    Ok(out)
}

fn text(status: StatusCode, body: String, ctype: &'static str) -> Response {
    let mut r = (status, body).into_response();
    r.headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(ctype));
    r
}

fn refusal(r: &Refusal) -> Response {
    let status = StatusCode::from_u16(r.status()).unwrap_or(StatusCode::BAD_REQUEST);
    match r {
        Refusal::Conflict { latest, .. } => text(status, format!("{latest}\n"), SIZE_MEDIA_TYPE),
        other => text(status, format!("{other}\n"), "text/plain; charset=utf-8"),
    }
}

fn now_secs() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// The whole decision, under the lock: check, cosign, write durably,
/// remember. Blocking (it syncs a file).
/// Why no cosignature was given.
enum Failure {
    Refused(Refusal),
    /// The witness could not record it (logged).
    Internal,
}

fn add_checkpoint_blocking(inner: &Inner, body: &[u8]) -> Result<String, Failure> {
    let req = parse_add_checkpoint(body).map_err(Failure::Refused)?;
    let mut state = match inner.state.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    let cp = decide(&req, &inner.logs, |origin| {
        state.get(origin).map(|l| l.latest.clone())
    })
    .map_err(Failure::Refused)?;
    let internal = |e: String| {
        eprintln!("temoin witness: {e}");
        Failure::Internal
    };
    let line = inner
        .key
        .cosign(&cp.body(), now_secs())
        .map_err(|e| internal(e.to_string()))?;
    let note = add_signature_lines(&req.note, &line).map_err(|e| internal(e.to_string()))?;
    let file = state_file(&inner.dir, &cp.origin);
    temoin_archive::durable::write_atomic(&file, note.as_bytes(), 0o644)
        .map_err(|e| internal(format!("writing {}: {e}", file.display())))?;
    state.insert(
        cp.origin.clone(),
        Logged {
            latest: Latest {
                size: cp.size,
                root: cp.root,
            },
            note,
        },
    );
    Ok(line)
}

/// A request's headers, and then its body, must arrive within this time
/// (a slow client is cut off).
pub const BODY_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

async fn add_checkpoint(State(s): State<WState>, body: Body) -> Response {
    use http_body_util::BodyExt as _;
    let plain = "text/plain; charset=utf-8";
    let limited = http_body_util::Limited::new(body, MAX_ADD_CHECKPOINT_BYTES);
    let body = match tokio::time::timeout(BODY_TIMEOUT, limited.collect()).await {
        Ok(Ok(c)) => c.to_bytes(),
        Ok(Err(e))
            if e.downcast_ref::<http_body_util::LengthLimitError>()
                .is_some() =>
        {
            return text(
                StatusCode::PAYLOAD_TOO_LARGE,
                "the body is over 64 KiB (a checkpoint and 63 proof lines are a few KiB)\n".into(),
                plain,
            )
        }
        Ok(Err(_)) => {
            return text(
                StatusCode::BAD_REQUEST,
                "the body ended before its end\n".into(),
                plain,
            )
        }
        Err(_) => {
            return text(
                StatusCode::REQUEST_TIMEOUT,
                "the body did not arrive in time\n".into(),
                plain,
            )
        }
    };
    let inner = s.0.clone();
    match tokio::task::spawn_blocking(move || add_checkpoint_blocking(&inner, &body)).await {
        Ok(Ok(line)) => text(StatusCode::OK, line, "text/plain; charset=utf-8"),
        Ok(Err(Failure::Refused(r))) => refusal(&r),
        Ok(Err(Failure::Internal)) | Err(_) => text(
            StatusCode::INTERNAL_SERVER_ERROR,
            "the witness could not record the checkpoint; nothing was cosigned\n".into(),
            "text/plain; charset=utf-8",
        ),
    }
}

async fn checkpoint_of(State(s): State<WState>, Path(hash): Path<String>) -> Response {
    let state = match s.0.state.lock() {
        Ok(g) => g,
        Err(p) => p.into_inner(),
    };
    match state.iter().find(|(origin, _)| origin_hash(origin) == hash) {
        Some((_, l)) => text(StatusCode::OK, l.note.clone(), "text/plain; charset=utf-8"),
        None => text(
            StatusCode::NOT_FOUND,
            "this witness has cosigned no checkpoint of that log\n".into(),
            "text/plain; charset=utf-8",
        ),
    }
}

/// The witness's routes.
fn router(state: WState) -> Router {
    Router::new()
        .route("/add-checkpoint", post(add_checkpoint))
        .route("/{origin_hash}/checkpoint", get(checkpoint_of))
        .with_state(state)
}

/// Connections served at once; more wait in the kernel's queue.
const MAX_CONNECTIONS: usize = 512;

/// Serve connections (HTTP/1.1, keep-alive, headers within
/// [`BODY_TIMEOUT`], at most [`MAX_CONNECTIONS`] at once) until stopped
/// (`stop`, Ctrl-C, SIGTERM).
async fn accept(
    listener: tokio::net::TcpListener,
    router: Router,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    use tower::ServiceExt as _;
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    let stopped = async {
        tokio::select! {
            _ = stop => {}
            _ = tokio::signal::ctrl_c() => {}
            () = term => {}
        }
    };
    tokio::pin!(stopped);
    let connections = Arc::new(tokio::sync::Semaphore::new(MAX_CONNECTIONS));
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return,
            },
            () = &mut stopped => return,
        };
        let stream = tokio::select! {
            r = listener.accept() => match r {
                Ok((s, _)) => s,
                Err(e) => {
                    eprintln!("temoin witness: accept: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut stopped => return,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service =
                hyper::service::service_fn(move |req: hyper::Request<hyper::body::Incoming>| {
                    router.clone().oneshot(req)
                });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(BODY_TIMEOUT)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            let _ = conn.await;
        });
    }
}

/// A witness running on its own threads.
pub struct WitnessRunning {
    /// The address it listens on.
    pub addr: SocketAddr,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), WitnessError>>>,
}

impl WitnessRunning {
    /// Run until stopped (Ctrl-C, SIGTERM).
    pub fn wait(mut self) -> Result<(), WitnessError> {
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(WitnessError::Start(std::io::Error::other(
                "the witness thread panicked",
            ))),
            None => Ok(()),
        }
    }
}

impl Drop for WitnessRunning {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// Load the state, listen and serve on background threads.
pub fn run(options: WitnessOptions) -> Result<WitnessRunning, WitnessError> {
    for (i, k) in options.logs.iter().enumerate() {
        if options.logs.iter().take(i).any(|o| o.origin == k.origin) {
            return Err(WitnessError::DuplicateLog(k.origin.clone()));
        }
    }
    temoin_archive::durable::create_dir_all(&options.state_dir).map_err(|e| {
        WitnessError::StateDir {
            dir: options.state_dir.clone(),
            error: e.to_string(),
        }
    })?;
    let state = load_state(&options.state_dir, &options.logs)?;
    let listener =
        std::net::TcpListener::bind(options.listen).map_err(|source| WitnessError::Bind {
            addr: options.listen,
            source,
        })?;
    listener
        .set_nonblocking(true)
        .map_err(WitnessError::Start)?;
    let addr = listener.local_addr().map_err(WitnessError::Start)?;
    let inner = WState(Arc::new(Inner {
        key: options.key,
        logs: options.logs,
        dir: options.state_dir,
        state: Mutex::new(state),
    }));
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name("temoin-witness".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("temoin-witness-http")
                .build()
                .map_err(WitnessError::Start)?;
            runtime.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(listener).map_err(WitnessError::Start)?;
                accept(listener, router(inner), stop_rx).await;
                Ok(())
            })
        })
        .map_err(WitnessError::Start)?;
    Ok(WitnessRunning {
        addr,
        stop: Some(stop_tx),
        thread: Some(thread),
    })
}
