//! The server's process side: open the archive, bind, accept connections
//! (HTTP/1.1, bounded in number, each request's headers within the
//! timeout), and stop cleanly: the writer answers what it took, then
//! the archive is released.

use crate::limits::{Budget, Peer, RateLimiter};
use crate::options::Options;
use crate::state::{AppState, Published};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::net::SocketAddr;
use std::sync::{Arc, RwLock};
use temoin_archive::archive::{Archive, ArchiveError};
use tower::ServiceExt as _;

/// Why the server did not start or stopped.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error(transparent)]
    Archive(#[from] ArchiveError),
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        source: std::io::Error,
    },
    #[error("cannot start the server: {0}")]
    Start(#[source] std::io::Error),
    #[error("the server stopped on an error: {0}")]
    Crashed(String),
}

/// A server running on its own threads.
pub struct Running {
    /// The address it listens on (the port chosen when asked for 0).
    pub addr: SocketAddr,
    stats: Arc<StatsRef>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<Result<(), ServeError>>>,
}

/// The writer's counters, reachable after start (not the writer's handle:
/// holding one would keep the writer from ending).
struct StatsRef(std::sync::OnceLock<Arc<crate::writer::Stats>>);

impl Running {
    /// Durable writes so far (one flush and one checkpoint each).
    pub fn flushes(&self) -> u64 {
        self.stats
            .0
            .get()
            .map_or(0, |s| s.flushes.load(std::sync::atomic::Ordering::Relaxed))
    }

    /// Stop accepting, let the writer answer what it took, release the
    /// archive.
    pub fn stop(mut self) -> Result<(), ServeError> {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        self.join()
    }

    /// Run until the process is told to stop (Ctrl-C, SIGTERM).
    pub fn wait(mut self) -> Result<(), ServeError> {
        self.join()
    }

    fn join(&mut self) -> Result<(), ServeError> {
        match self.thread.take().map(std::thread::JoinHandle::join) {
            Some(Ok(r)) => r,
            Some(Err(_)) => Err(ServeError::Crashed("a server thread panicked".into())),
            None => Ok(()),
        }
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if let Some(s) = self.stop.take() {
            let _ = s.send(());
        }
        let _ = self.join();
    }
}

/// Open the archive, listen, and serve on background threads.
pub fn run(options: Options) -> Result<Running, ServeError> {
    let archive = Archive::open(&options.archive)?;
    let (size, note) = archive
        .store()
        .latest_checkpoint()
        .map_err(ArchiveError::from)?
        .ok_or(ArchiveError::NoCheckpoint)?;
    let origin: Arc<str> = archive.config().origin.as_str().into();
    let archive_vkey = archive.checkpoint_vkey()?;
    let vkey: Arc<str> = archive_vkey.to_string().into();
    let store = archive.store().clone();
    let published = Arc::new(RwLock::new(Published {
        size,
        note: note.into(),
    }));
    let std_listener =
        std::net::TcpListener::bind(options.listen).map_err(|source| ServeError::Bind {
            addr: options.listen,
            source,
        })?;
    std_listener
        .set_nonblocking(true)
        .map_err(ServeError::Start)?;
    let addr = std_listener.local_addr().map_err(ServeError::Start)?;
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel();
    let stats = Arc::new(StatsRef(std::sync::OnceLock::new()));
    let stats2 = stats.clone();
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let thread = std::thread::Builder::new()
        .name("temoin-serve".into())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_multi_thread()
                .enable_all()
                .thread_name("temoin-http")
                .build()
                .map_err(ServeError::Start)?;
            let (writer, writer_thread) = crate::writer::start(
                archive,
                published.clone(),
                options.max_batch,
                options.max_in_flight.max(64) * 4,
            )
            .map_err(ServeError::Start)?;
            let _ = stats2.0.set(writer.stats_arc());
            let cosigning = (!options.witnesses.is_empty()).then(|| {
                let _rt = runtime.enter();
                crate::witness_client::start(
                    options.witnesses.clone(),
                    options.witness_wait,
                    store.clone(),
                    published.clone(),
                    archive_vkey,
                )
            });
            if let Some(tsa) = options.tsa.clone() {
                let _rt = runtime.enter();
                crate::tsa::start(tsa, options.tsa_every, store.clone(), published.clone());
            }
            let budget = Budget::new((options.max_body_bytes * 4).max(64 << 20));
            let state = AppState {
                store,
                published,
                writer,
                by_address: Arc::new(RateLimiter::new(options.rate_per_address)),
                by_key: Arc::new(RateLimiter::new(options.rate_per_key)),
                body_budget: budget,
                in_flight: Arc::new(tokio::sync::Semaphore::new(options.max_in_flight.max(1))),
                origin,
                vkey,
                tokens: Arc::new(crate::auth::Tokens::new(&options.archive)),
                sessions: Arc::new(crate::web::Sessions::default()),
                cosigning,
                options: Arc::new(options.clone()),
            };
            let served_at = options.archive.join(crate::SERVED_AT_FILE);
            let _ = std::fs::write(&served_at, format!("http://{addr}\n"));
            let result = runtime.block_on(async move {
                let listener =
                    tokio::net::TcpListener::from_std(std_listener).map_err(ServeError::Start)?;
                let _ = ready_tx.send(());
                accept(listener, state, &options, stop_rx).await;
                Ok(())
            });
            // Connections still open are dropped with the runtime; the
            // writer then sees its last handle go and ends.
            runtime.shutdown_timeout(std::time::Duration::from_secs(5));
            let joined = writer_thread.join();
            let _ = std::fs::remove_file(&served_at);
            if joined.is_err() {
                return Err(ServeError::Crashed("the writer thread panicked".into()));
            }
            result
        })
        .map_err(ServeError::Start)?;
    let mut running = Running {
        addr,
        stats,
        stop: Some(stop_tx),
        thread: Some(thread),
    };
    if ready_rx.recv().is_err() {
        // The thread ended before listening: its error says why.
        running.stop = None;
        running.join()?;
        return Err(ServeError::Crashed("the server ended at start".into()));
    }
    Ok(running)
}

/// What stops the server: `stop`, Ctrl-C or SIGTERM.
async fn stopped(stop: tokio::sync::oneshot::Receiver<()>) {
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
    tokio::select! {
        _ = stop => {}
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

async fn accept(
    listener: tokio::net::TcpListener,
    state: AppState,
    options: &Options,
    stop: tokio::sync::oneshot::Receiver<()>,
) {
    let router = crate::routes::router(state);
    let connections = Arc::new(tokio::sync::Semaphore::new(options.max_connections.max(1)));
    let header_timeout = options.request_timeout;
    let stopped = stopped(stop);
    tokio::pin!(stopped);
    loop {
        let permit = tokio::select! {
            p = connections.clone().acquire_owned() => match p {
                Ok(p) => p,
                Err(_) => return,
            },
            _ = &mut stopped => return,
        };
        let (stream, peer) = tokio::select! {
            r = listener.accept() => match r {
                Ok(x) => x,
                Err(e) => {
                    // Out of file descriptors, a connection reset before
                    // it was taken: wait a moment, go on.
                    eprintln!("temoin serve: accept: {e}");
                    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    continue;
                }
            },
            _ = &mut stopped => return,
        };
        let _ = stream.set_nodelay(true);
        let router = router.clone();
        tokio::spawn(async move {
            let _permit = permit;
            let service = hyper::service::service_fn(move |mut req: hyper::Request<Incoming>| {
                req.extensions_mut().insert(Peer(peer));
                router.clone().oneshot(req)
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(TokioIo::new(stream), service);
            let _ = conn.await;
        });
    }
}
