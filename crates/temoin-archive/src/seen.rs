//! The writer's memory of which statements the log holds, to answer "is
//! this statement new?" without a store lookup.
//!
//! Every statement ingested is first checked against the statement index
//! (`H ‖ hash`): a statement already in the log is acknowledged, not
//! appended again. Almost every statement is new, and the lookup of a
//! random key that is not there costs sled a page-in of the leaf where it
//! would be: at 100k entries, more than the rule checks themselves, and
//! more as the index outgrows sled's cache.
//!
//! [`SeenStatements`] keeps the first 8 bytes of every statement hash in
//! memory (~10 bytes per statement). It only ever answers "certainly not
//! in the log" or "maybe": a "maybe" (a fingerprint collision, or a real
//! duplicate) is settled by the store lookup as before, so the verdicts do
//! not depend on it. It must never miss a statement the log holds, so it is
//! filled from two sides:
//! - a thread started by the writer's first ingest (readers never scan)
//!   scans the `H` keys that exist then (`H` keys are never removed, and
//!   sled's iterator finds each next key by seeking past the last one it
//!   returned, so concurrent inserts and node splits do not hide any);
//! - the writer adds each statement it appends.
//!
//! Until the scan is done, every answer is "maybe": a writer that appends a
//! few statements and exits never waits for it. A scan that fails leaves
//! the writer on store lookups.

use crate::hash::Digest;
use crate::store::Store;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

type Fingerprints = HashSet<u64, crate::hash::Fingerprints>;

enum State {
    /// The scan is running; what the writer appends meanwhile.
    Scanning(Fingerprints),
    /// Every statement of the log.
    Ready(Fingerprints),
    /// The scan failed: no answer but "maybe".
    Failed,
}

/// See the module documentation.
pub struct SeenStatements {
    state: Arc<Mutex<State>>,
    stop: Arc<AtomicBool>,
    scan: Option<std::thread::JoinHandle<()>>,
}

impl SeenStatements {
    /// For a new, empty log: ready at once.
    pub fn empty() -> SeenStatements {
        SeenStatements {
            state: Arc::new(Mutex::new(State::Ready(Fingerprints::default()))),
            stop: Arc::new(AtomicBool::new(false)),
            scan: None,
        }
    }

    /// Start scanning `store`'s statement index on a thread of its own.
    pub fn scan(store: &Store) -> SeenStatements {
        let state = Arc::new(Mutex::new(State::Scanning(Fingerprints::default())));
        let stop = Arc::new(AtomicBool::new(false));
        let (keys, st, halt) = (store.statement_keys(), state.clone(), stop.clone());
        let scan = std::thread::Builder::new()
            .name("temoin-seen".into())
            .spawn(move || {
                let mut found = Fingerprints::default();
                let mut ok = true;
                for (i, key) in keys.enumerate() {
                    if i % 4096 == 0 && halt.load(Ordering::Relaxed) {
                        return;
                    }
                    match key {
                        Ok(k) => {
                            if let Ok(h) = <&[u8; 32]>::try_from(k.as_ref()) {
                                found.insert(Digest(*h).fingerprint());
                            }
                        }
                        Err(_) => {
                            ok = false;
                            break;
                        }
                    }
                }
                let mut s = lock(&st);
                *s = match std::mem::replace(&mut *s, State::Failed) {
                    State::Scanning(appended) if ok => {
                        found.extend(appended);
                        State::Ready(found)
                    }
                    _ => State::Failed,
                };
            })
            .ok();
        SeenStatements {
            // A thread that could not be started: as a failed scan.
            state: if scan.is_some() {
                state
            } else {
                Arc::new(Mutex::new(State::Failed))
            },
            stop,
            scan,
        }
    }

    /// `false` only if the log certainly does not hold `hash`.
    pub fn may_hold(&self, hash: &Digest) -> bool {
        match &*lock(&self.state) {
            State::Ready(set) => set.contains(&hash.fingerprint()),
            State::Scanning(_) | State::Failed => true,
        }
    }

    /// Record statements just appended to the log.
    pub fn insert<'a>(&self, hashes: impl IntoIterator<Item = &'a Digest>) {
        match &mut *lock(&self.state) {
            State::Ready(set) | State::Scanning(set) => {
                set.extend(hashes.into_iter().map(Digest::fingerprint))
            }
            State::Failed => {}
        }
    }

    /// Whether the scan is done (and succeeded).
    pub fn is_ready(&self) -> bool {
        matches!(&*lock(&self.state), State::Ready(_))
    }
}

/// The state, even if a thread panicked while holding it: every state is
/// a valid (if partial) answer, and a partial set is never `Ready`.
fn lock(state: &Mutex<State>) -> std::sync::MutexGuard<'_, State> {
    state.lock().unwrap_or_else(|p| p.into_inner())
}

impl Drop for SeenStatements {
    /// Stop the scan and wait for it: its handle on the store must be gone
    /// before the archive's lock is released.
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(t) = self.scan.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::treefile::Access;

    fn store_with(hashes: &[[u8; 32]]) -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let db = sled::open(dir.path().join(crate::store::DB_DIR)).unwrap();
        for h in hashes {
            db.insert(
                crate::store::layout::key(crate::store::layout::STATEMENT, h),
                &b"info"[..],
            )
            .unwrap();
        }
        let st = Store::open(db, dir.path(), Access::Write).unwrap();
        (dir, st)
    }

    fn wait_ready(seen: &SeenStatements) {
        for _ in 0..2000 {
            if seen.is_ready() {
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(1));
        }
        panic!("the scan did not finish");
    }

    #[test]
    fn after_the_scan_only_statements_of_the_log_or_appended_may_be_held() {
        let logged: Vec<[u8; 32]> = (0..10_000u32)
            .map(|i| crate::hash::sha256(&[&i.to_le_bytes()]).0)
            .collect();
        let (_dir, st) = store_with(&logged);
        let seen = SeenStatements::scan(&st);
        let appended = Digest(crate::hash::sha256(&[b"appended during the scan"]).0);
        seen.insert([&appended]);
        wait_ready(&seen);
        for h in &logged {
            assert!(seen.may_hold(&Digest(*h)));
        }
        assert!(seen.may_hold(&appended), "kept across the end of the scan");
        let absent = (0..1000u32)
            .filter(|i| {
                seen.may_hold(&Digest(
                    crate::hash::sha256(&[&((i + 1) << 20).to_le_bytes()]).0,
                ))
            })
            .count();
        assert_eq!(absent, 0, "no collision among 1000 random hashes");
    }

    #[test]
    fn before_the_scan_is_done_every_answer_is_maybe() {
        let (_dir, st) = store_with(&[]);
        let seen = SeenStatements::scan(&st);
        // Whether or not the scan of an empty index is done already, a
        // statement appended is held from then on.
        let h = Digest([7; 32]);
        seen.insert([&h]);
        assert!(seen.may_hold(&h));
        wait_ready(&seen);
        assert!(seen.may_hold(&h));
        assert!(!seen.may_hold(&Digest([8; 32])));
    }

    #[test]
    fn an_empty_log_is_known_at_once() {
        let seen = SeenStatements::empty();
        assert!(seen.is_ready());
        assert!(!seen.may_hold(&Digest([1; 32])));
        seen.insert([&Digest([1; 32])]);
        assert!(seen.may_hold(&Digest([1; 32])));
    }
}
