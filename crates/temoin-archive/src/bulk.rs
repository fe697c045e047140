//! Bulk ingest: a stream of batches, each one prechecked (decoded, its
//! signature and parts verified, on all cores) while the batch before it is
//! checked against the log and made durable. One implementation serves
//! `temoin ingest` and `temoin bench`, so that the bench measures what
//! custodians run.

use crate::archive::{Accepted, Archive, ArchiveError, Refusal};
use crate::statement::StatementFile;
use std::time::{Duration, Instant};

/// One batch, durable: what the caller may now acknowledge.
pub struct DurableBatch<T> {
    /// What the caller gave with the batch (file names, counters...).
    pub tag: T,
    /// One outcome per statement file of the batch, in order.
    pub outcomes: Vec<Result<Accepted, Refusal>>,
    /// Time the writer spent on the batch (checks against the log, the
    /// durable write), the precheck of the next batch running meanwhile.
    pub write_time: Duration,
}

/// Ingest `batches` into `archive`, pipelined.
///
/// `batches` is drawn on the calling thread, one batch ahead of the
/// writer; each batch is given to `on_durable` once it is durable and
/// before the next is written, so that the caller acknowledges exactly
/// what a power cut would keep. An error from `batches` stops the stream
/// after the batches before it are written and acknowledged; an error from
/// `on_durable` or from the archive stops it at once.
pub fn ingest_pipelined<T, E>(
    archive: &mut Archive,
    mut batches: impl Iterator<Item = Result<(T, Vec<StatementFile>), E>>,
    mut on_durable: impl FnMut(&Archive, DurableBatch<T>) -> Result<(), E>,
) -> Result<(), E>
where
    T: Send,
    E: From<ArchiveError>,
{
    let prechecker = archive.prechecker();
    let mut current = match batches.next() {
        None => return Ok(()),
        Some(first) => {
            let (tag, files) = first?;
            (tag, prechecker.check(files))
        }
    };
    loop {
        let next = batches.next();
        let (tag, batch) = current;
        let (written, write_time, next) = std::thread::scope(|s| {
            let precheck = match next {
                Some(Ok((next_tag, files))) => {
                    let prechecker = &prechecker;
                    Some(Ok(s.spawn(move || (next_tag, prechecker.check(files)))))
                }
                Some(Err(e)) => Some(Err(e)),
                None => None,
            };
            let started = Instant::now();
            let written = archive.ingest_prechecked(batch);
            let write_time = started.elapsed();
            let next = precheck.map(|p| {
                p.map(|handle| match handle.join() {
                    Ok(checked) => checked,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
            });
            (written, write_time, next)
        });
        on_durable(
            archive,
            DurableBatch {
                tag,
                outcomes: written?,
                write_time,
            },
        )?;
        match next {
            None => return Ok(()),
            Some(Err(e)) => return Err(e),
            Some(Ok(checked)) => current = checked,
        }
    }
}
