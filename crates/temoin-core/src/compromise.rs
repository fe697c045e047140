//! Keys declared compromised (DESIGN §8, docs/FORMAT.md §9.1).
//!
//! A revocation names the time since when its key is distrusted
//! (`effective_at`, archive clock). An entry signed by that key, received
//! at or after that time but appended before the revocation, was
//! authorised when appended — the archive could not know yet — so it is no
//! fault of the log. It is *signed after a declared compromise*: the audit
//! and the bundle verifier list it as a finding, and every projection as of
//! the revocation's seq or later shows it marked and keeps it out of the
//! figures. Views as of an earlier seq are unchanged: the revocation was
//! not yet in the log.
//!
//! One rule, [`Distrust::taint`], decides it for the audit, the
//! projections, the bundle verifier and the report.

use crate::hash::Digest;
use crate::registry::Registry;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::fmt;

/// A declared compromise of one key: the revocation that declared it and
/// the time since when the key is distrusted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Compromise {
    /// Seq of the revocation entry.
    pub revoked_at: u64,
    /// Since when the key is distrusted: unix ms, archive clock.
    pub effective_at: i64,
}

/// Every declared compromise of a log (or of a bundle), by author key.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Distrust {
    keys: HashMap<[u8; 32], Compromise>,
}

impl Distrust {
    pub fn new() -> Distrust {
        Distrust::default()
    }

    /// Record that `key` was revoked at `revoked_at`, distrusted since
    /// `effective_at`. A key is revoked at most once (the registry refuses
    /// a second revocation); should two be given, the first one counts.
    pub fn add(&mut self, key: [u8; 32], c: Compromise) {
        let e = self.keys.entry(key).or_insert(c);
        if c.revoked_at < e.revoked_at {
            *e = c;
        }
    }

    /// The revocations of a replayed registry.
    pub fn from_registry(registry: &Registry) -> Distrust {
        let mut d = Distrust::new();
        for r in registry.keys() {
            if let Some(v) = &r.revoked {
                d.add(
                    r.key.to_bytes(),
                    Compromise {
                        revoked_at: v.seq,
                        effective_at: v.effective_at,
                    },
                );
            }
        }
        d
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    pub fn get(&self, key: &[u8; 32]) -> Option<Compromise> {
        self.keys.get(key).copied()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8; 32], &Compromise)> {
        self.keys.iter()
    }

    /// The revocations among the first `upto` entries, as a stamp for
    /// caches: the seq after the last one (0 if none). A cached view
    /// computed under another stamp may be stale.
    pub fn stamp(&self, upto: u64) -> u64 {
        self.keys
            .values()
            .filter(|c| c.revoked_at < upto)
            .map(|c| c.revoked_at + 1)
            .max()
            .unwrap_or(0)
    }

    /// The compromise the entry `seq` (by `author`, received at
    /// `received_at`) was signed after, as the log stands after entry
    /// `as_of`: its key's revocation is at `as_of` or before, after the
    /// entry, and distrusts the key since a time at or before the entry's
    /// receipt. `None` for every other entry.
    pub fn taint(
        &self,
        author: &[u8; 32],
        seq: u64,
        received_at: i64,
        as_of: u64,
    ) -> Option<Compromise> {
        let c = self.keys.get(author)?;
        (c.revoked_at <= as_of && seq < c.revoked_at && received_at >= c.effective_at).then_some(*c)
    }
}

/// An entry signed after a declared compromise, as the audit and the
/// bundle verifier report it (a finding, not a fault).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Finding {
    pub seq: u64,
    #[serde(with = "crate::projection::hex_digest")]
    pub statement: Digest,
    /// The author key, 64 hex digits.
    pub author: String,
    /// When the archive received the entry (unix ms).
    pub received_at: i64,
    #[serde(flatten)]
    pub compromise: Compromise,
}

impl Finding {
    pub fn new(
        seq: u64,
        statement: Digest,
        author: &[u8; 32],
        received_at: i64,
        compromise: Compromise,
    ) -> Finding {
        Finding {
            seq,
            statement,
            author: hex::encode(author),
            received_at,
            compromise,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "entry {}: statement {} by key {} was received at {}, not before {}, the time since when the revocation at entry {} distrusts its key: signed after a declared compromise (kept out of figures)",
            self.seq,
            self.statement.to_hex(),
            self.author,
            crate::time::format_ms(self.received_at),
            crate::time::format_ms(self.compromise.effective_at),
            self.compromise.revoked_at
        )
    }
}

/// The findings of a log whose entries from `from` on are `entries`
/// (`(seq, entry bytes)` in seq order), under `distrust`: every entry
/// tainted as of the log's end. Entries that do not decode are skipped
/// (the audit has already judged them).
pub fn findings<I, B, E>(distrust: &Distrust, entries: I) -> Result<Vec<Finding>, E>
where
    I: IntoIterator<Item = Result<(u64, B), E>>,
    B: AsRef<[u8]>,
{
    let mut out = Vec::new();
    let Some(last) = distrust.iter().map(|(_, c)| c.revoked_at).max() else {
        return Ok(out);
    };
    for item in entries {
        let (seq, bytes) = item?;
        if seq >= last {
            break;
        }
        let Ok(e) = crate::entry::Entry::from_bytes(bytes.as_ref()) else {
            continue;
        };
        let Ok(body) = crate::statement::StatementBody::decode(&e.statement.body_bytes) else {
            continue;
        };
        if let Some(c) = distrust.taint(&body.author, seq, e.received_at, u64::MAX) {
            out.push(Finding::new(
                seq,
                e.statement.hash(),
                &body.author,
                e.received_at,
                c,
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{Compromise, Distrust};

    #[test]
    fn taint_needs_the_revocation_in_view_after_the_entry_and_receipt_at_or_after_the_time() {
        let mut d = Distrust::new();
        let c = Compromise {
            revoked_at: 10,
            effective_at: 1000,
        };
        d.add([1; 32], c);
        // Received at the time, before the revocation, revocation in view.
        assert_eq!(d.taint(&[1; 32], 5, 1000, 10), Some(c));
        assert_eq!(d.taint(&[1; 32], 5, 1500, u64::MAX), Some(c));
        // Received before the time.
        assert_eq!(d.taint(&[1; 32], 5, 999, 10), None);
        // As of before the revocation: unchanged.
        assert_eq!(d.taint(&[1; 32], 5, 1500, 9), None);
        // Not before the revocation (ingest refuses those anyway).
        assert_eq!(d.taint(&[1; 32], 10, 1500, 20), None);
        // Another key.
        assert_eq!(d.taint(&[2; 32], 5, 1500, 20), None);
        assert_eq!(d.stamp(10), 0);
        assert_eq!(d.stamp(11), 11);
        // The first revocation counts.
        d.add(
            [1; 32],
            Compromise {
                revoked_at: 12,
                effective_at: 0,
            },
        );
        assert_eq!(d.get(&[1; 32]), Some(c));
    }
}
