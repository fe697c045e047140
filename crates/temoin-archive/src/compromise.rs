//! Keys declared compromised, as read from an archive: the rule itself
//! ([`Distrust::taint`]) is the core's (re-exported here).

pub use temoin_core::compromise::*;

use crate::store::{Store, StoreError};

/// The revocations of an archive, read from the entries its registry
/// rows (`R`) name. The `R` rows are checked by the audit; a caller
/// that folds the log itself can check them too (see `rebuild`).
pub fn load_distrust(store: &Store) -> Result<Distrust, crate::projection::ProjectionError> {
    let mut d = Distrust::new();
    for seq in store.registry_seqs() {
        let seq = seq?;
        let ev = crate::projection::read_event(store, seq)?;
        if let Some((key, effective_at)) = ev.revokes {
            d.add(
                key,
                Compromise {
                    revoked_at: seq,
                    effective_at,
                },
            );
        }
    }
    Ok(d)
}

/// The findings of an archive of `size` entries under `distrust` (the
/// registry replayed by the audit). Only entries received at or after the
/// earliest distrust time can be tainted, and receipt times never decrease
/// along an audited log: the scan starts at the first of them, found by
/// bisection, and stops at the last revocation.
pub fn archive_findings(
    store: &Store,
    distrust: &Distrust,
    size: u64,
) -> Result<Vec<Finding>, StoreError> {
    let Some(earliest) = distrust.iter().map(|(_, c)| c.effective_at).min() else {
        return Ok(Vec::new());
    };
    let (mut lo, mut hi) = (0u64, size);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        match store.entry(mid)? {
            Some(e) if e.received_at < earliest => lo = mid + 1,
            _ => hi = mid,
        }
    }
    findings(distrust, store.entries_from(lo))
}
