//! The one writer: a thread that owns the archive and appends what the
//! handlers send it. Whatever is waiting when it is free goes into one
//! batch: one atomic write, one flush, one checkpoint for all of them
//! (group commit). Each handler gets its own statement's outcome, and
//! only once the batch is durable; a refused statement does not fail the
//! others of its batch.

use crate::error::ApiError;
use crate::state::{AppState, Published};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};
use temoin_archive::archive::{
    Accepted, Archive, ArchiveError, PrecheckedBatch, Prechecker, Refusal,
};
use temoin_archive::statement::StatementFile;
use tokio::sync::{mpsc, oneshot};

/// What the writer says of one statement: its outcome, and the durable
/// checkpoint that covers it when it was accepted.
pub type Outcome = (Result<Accepted, Refusal>, Published);

struct Job {
    batch: PrecheckedBatch,
    reply: oneshot::Sender<Result<Outcome, ()>>,
}

/// The largest statement file checked on an async thread (see
/// [`WriterHandle::precheck`]).
pub const INLINE_BYTES: usize = 64 * 1024;

/// How handlers reach the writer.
#[derive(Clone)]
pub struct WriterHandle {
    tx: mpsc::Sender<Job>,
    prechecker: Prechecker,
    stats: Arc<Stats>,
}

/// What the writer did, for tests and the bench.
#[derive(Default, Debug)]
pub struct Stats {
    /// Durable writes (each one flush and one checkpoint).
    pub flushes: AtomicU64,
    /// Statements appended.
    pub appended: AtomicU64,
}

impl WriterHandle {
    /// Check `file` on its own: signature, parts, on the handler's own
    /// thread while the writer writes. A statement of `INLINE_BYTES` or
    /// less (a note, a testimony: one signature check, some kilobytes to
    /// hash, well under a millisecond) is checked where it is; a larger one
    /// (attachments to hash) goes to a blocking thread so as not to hold
    /// up the other connections. Handing every small one to a blocking
    /// thread cost two thread switches per submission.
    pub async fn precheck(
        &self,
        file: StatementFile,
        size: usize,
    ) -> Result<PrecheckedBatch, ApiError> {
        if size <= INLINE_BYTES {
            return Ok(self.prechecker.check(vec![file]));
        }
        let prechecker = self.prechecker.clone();
        tokio::task::spawn_blocking(move || prechecker.check(vec![file]))
            .await
            .map_err(ApiError::internal)
    }

    /// Have the writer append a prechecked statement. Returns once its
    /// batch is durable.
    pub async fn append(&self, batch: PrecheckedBatch) -> Result<Outcome, ApiError> {
        let (reply, answer) = oneshot::channel();
        self.tx
            .send(Job { batch, reply })
            .await
            .map_err(|_| ApiError::unavailable("the archive is not accepting statements now"))?;
        match answer.await {
            Ok(Ok(outcome)) => Ok(outcome),
            Ok(Err(())) => Err(ApiError::unavailable(
                "the archive could not write; nothing was acknowledged (try again later)",
            )),
            Err(_) => Err(ApiError::internal("the writer dropped a submission")),
        }
    }

    pub fn stats(&self) -> &Stats {
        &self.stats
    }

    pub fn stats_arc(&self) -> Arc<Stats> {
        self.stats.clone()
    }
}

/// Start the writer thread on `archive`. It ends when every handle is
/// dropped, after answering what it took; joining it releases the archive.
pub fn start(
    archive: Archive,
    published: Arc<RwLock<Published>>,
    max_batch: usize,
    queue: usize,
) -> std::io::Result<(WriterHandle, std::thread::JoinHandle<()>)> {
    let (tx, rx) = mpsc::channel(queue.max(1));
    let stats = Arc::new(Stats::default());
    let handle = WriterHandle {
        tx,
        prechecker: archive.prechecker(),
        stats: stats.clone(),
    };
    let thread = std::thread::Builder::new()
        .name("temoin-writer".into())
        .spawn(move || run(archive, rx, published, max_batch.max(1), &stats))?;
    Ok((handle, thread))
}

fn run(
    mut archive: Archive,
    mut rx: mpsc::Receiver<Job>,
    published: Arc<RwLock<Published>>,
    max_batch: usize,
    stats: &Stats,
) {
    while let Some(first) = rx.blocking_recv() {
        let mut jobs = vec![first];
        while jobs.len() < max_batch {
            match rx.try_recv() {
                Ok(j) => jobs.push(j),
                Err(_) => break,
            }
        }
        // A client that went away is owed nothing: its statement is not
        // written (it was never acknowledged; it may send it again).
        jobs.retain(|j| !j.reply.is_closed());
        if jobs.is_empty() {
            continue;
        }
        let (batches, replies): (Vec<_>, Vec<_>) =
            jobs.into_iter().map(|j| (j.batch, j.reply)).unzip();
        match write(
            &mut archive,
            PrecheckedBatch::concat(batches),
            &published,
            stats,
        ) {
            Ok(outcomes) => {
                for (reply, outcome) in replies.into_iter().zip(outcomes) {
                    let _ = reply.send(Ok(outcome));
                }
            }
            Err(e) => {
                eprintln!("temoin serve: the archive could not write a batch: {e}");
                for reply in replies {
                    let _ = reply.send(Err(()));
                }
            }
        }
    }
}

fn write(
    archive: &mut Archive,
    batch: PrecheckedBatch,
    published: &RwLock<Published>,
    stats: &Stats,
) -> Result<Vec<Outcome>, ArchiveError> {
    let before = archive.size();
    let outcomes = archive.ingest_prechecked(batch)?;
    if archive.size() != before {
        // Durable now: the checkpoint of this write may be shown.
        let size = archive.size();
        let note = archive
            .store()
            .checkpoint_note(size)?
            .ok_or(ArchiveError::NoCheckpoint)?;
        AppState::publish(
            published,
            Published {
                size,
                note: note.into(),
            },
        );
        stats.flushes.fetch_add(1, Ordering::Relaxed);
        stats.appended.fetch_add(size - before, Ordering::Relaxed);
    }
    let now = match published.read() {
        Ok(p) => p.clone(),
        Err(p) => p.into_inner().clone(),
    };
    Ok(outcomes.into_iter().map(|o| (o, now.clone())).collect())
}
