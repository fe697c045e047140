//! The projection fold: what the log says about each incident, with the
//! source of every fact (docs/DOMAIN.md), computed from entries alone. The
//! archive gathers the entries from its store (and caches the views); a
//! bundle verifier, from the bundle. Both fold them here.
//!
//! The log is read as a sequence of [`Event`]s (an entry with its decoded
//! domain payload). Every entry touches a set of incidents ([`Tracker`]).
//! The *group* of an incident is the incident itself and every incident
//! merged into it (at any depth); the view of an incident is
//! [`IncidentView::build`] over the entries that touched any member of its
//! group, in seq order.

pub mod facts;
pub mod incident;
pub mod matching;
pub mod tally;

pub use facts::{DataConflict, GradeFilter, MeansView, PerpetratorView, SourceGrade};
pub use incident::{
    CompromisedView, Figure, FigureSource, Figures, IncidentSummary, IncidentView, TestimonyStatus,
    TestimonyView,
};
pub use tally::{BadDate, Tally, TallyFilter};

use crate::compromise::{Compromise, Distrust};
use crate::domain::Payload;
use crate::entry::Entry;
use crate::hash::Digest;
use crate::registry::PAYLOAD;
use crate::statement::{Kind, StatementBody};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::Arc;

/// An entry that cannot be read as an event: it does not decode, or its
/// payload does not parse. The log's own checks refuse such an entry, so
/// meeting one means the entries were damaged.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("entry {seq}: {reason}")]
pub struct EventError {
    pub seq: u64,
    pub reason: String,
}
const HEX_DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `hex::encode(bytes)`, a byte at a time rather than through its
/// char-by-char iterator: a view holds a hash and an author key in hex for
/// every source it cites, and `hex::encode` showed in a rebuild's profile.
fn hex_string(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(2 * bytes.len());
    for &b in bytes {
        s.push(HEX_DIGITS[usize::from(b >> 4)] as char);
        s.push(HEX_DIGITS[usize::from(b & 15)] as char);
    }
    s
}

/// `d.to_hex()`, written into `buf` (serialising a hash needs no `String`).
fn hex_str<'b>(d: &Digest, buf: &'b mut [u8; 64]) -> &'b str {
    for (pair, &b) in buf.chunks_exact_mut(2).zip(&d.0) {
        pair[0] = HEX_DIGITS[usize::from(b >> 4)];
        pair[1] = HEX_DIGITS[usize::from(b & 15)];
    }
    // Only ASCII digits were written: this cannot fail.
    std::str::from_utf8(buf).unwrap_or_default()
}

/// Serde for a `Digest` as 64 hex digits.
pub mod hex_digest {
    use crate::hash::Digest;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Digest, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(super::hex_str(d, &mut [0; 64]))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = String::deserialize(d)?;
        Digest::from_hex(&s).ok_or_else(|| serde::de::Error::custom("not a 64-hex-digit hash"))
    }
}

/// Serde for an `Option<Digest>` as 64 hex digits or null.
pub mod hex_digest_opt {
    use crate::hash::Digest;
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Option<Digest>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => s.serialize_str(super::hex_str(d, &mut [0; 64])),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Digest>, D::Error> {
        match Option::<String>::deserialize(d)? {
            None => Ok(None),
            Some(s) => Digest::from_hex(&s)
                .map(Some)
                .ok_or_else(|| serde::de::Error::custom("not a 64-hex-digit hash")),
        }
    }
}

/// Where a projected fact comes from: the entry and the statement.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
pub struct SourceRef {
    pub seq: u64,
    #[serde(with = "hex_digest")]
    pub statement: Digest,
    /// The author's public key, 64 hex digits.
    pub author: String,
}

/// An entry as the projections read it.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub seq: u64,
    pub received_at: i64,
    /// The statement hash.
    pub hash: Digest,
    pub author: [u8; 32],
    pub created_at: i64,
    pub kind: Kind,
    pub refs: Vec<Digest>,
    /// Committed parts: label and length (the content may since have been
    /// erased by a redaction order; the commitment stays).
    pub parts: Vec<(String, u64)>,
    /// The decoded domain payload; `None` for notes and registry kinds.
    pub payload: Option<Payload>,
    /// For a revocation: the key it revokes and the time since when that
    /// key is distrusted (`RevokePayload::effective_at`). Projections read
    /// it to find what was signed after a declared compromise.
    pub revokes: Option<([u8; 32], i64)>,
}

/// Whether the projections read the kind's payload part: the domain kinds,
/// and revocations (for the compromise they may declare).
fn has_domain_payload(kind: Kind) -> bool {
    !matches!(kind, Kind::Genesis | Kind::Enroll | Kind::Note)
}

impl Event {
    pub fn source(&self) -> SourceRef {
        SourceRef {
            seq: self.seq,
            statement: self.hash,
            author: hex_string(&self.author),
        }
    }

    /// Decode a stored entry without its payload; also returns the digest
    /// of the payload part to read, for kinds that have one.
    pub fn decode_without_payload(
        seq: u64,
        bytes: &[u8],
    ) -> Result<(Event, Option<Digest>), EventError> {
        let corrupt = |reason: String| EventError { seq, reason };
        let entry = Entry::from_bytes(bytes).map_err(|e| corrupt(e.to_string()))?;
        if entry.seq != seq {
            return Err(corrupt(format!("stored at {seq} but says {}", entry.seq)));
        }
        let body = StatementBody::decode(&entry.statement.body_bytes)
            .map_err(|e| corrupt(format!("statement body: {e}")))?;
        let payload = if has_domain_payload(body.kind) {
            Some(
                body.part(PAYLOAD)
                    .map(|c| Digest(c.digest))
                    .ok_or_else(|| corrupt("the statement has no payload part".into()))?,
            )
        } else {
            None
        };
        let ev = Event {
            seq,
            received_at: entry.received_at,
            hash: entry.statement.hash(),
            author: body.author,
            created_at: body.created_at,
            kind: body.kind,
            refs: body.refs().collect(),
            parts: body
                .parts
                .iter()
                .map(|p| (p.label.clone(), p.length))
                .collect(),
            payload: None,
            revokes: None,
        };
        Ok((ev, payload))
    }

    /// Parse and attach the payload part's content.
    pub fn set_payload(&mut self, content: &[u8]) -> Result<(), EventError> {
        if self.kind == Kind::Revoke {
            let author =
                crate::keys::PublicKey::from_bytes(&self.author).map_err(|e| EventError {
                    seq: self.seq,
                    reason: e.to_string(),
                })?;
            return match crate::registry::RegistryChange::from_payload(self.kind, author, content) {
                Ok(Some(crate::registry::RegistryChange::Revoke {
                    key, effective_at, ..
                })) => {
                    self.revokes = Some((key.to_bytes(), effective_at));
                    Ok(())
                }
                Ok(_) => Ok(()),
                Err(e) => Err(EventError {
                    seq: self.seq,
                    reason: e.to_string(),
                }),
            };
        }
        self.payload = Payload::parse(self.kind, content).map_err(|e| EventError {
            seq: self.seq,
            reason: e.to_string(),
        })?;
        Ok(())
    }
}

/// Tracks what each statement speaks of, to find the incidents each entry
/// touches from the log alone — the same sets `rules::check` computes at
/// ingest (`Effects::touches`), so that a replay can check the `T` index.
#[derive(Default, Debug, Clone)]
pub struct Tracker {
    names: Vec<String>,
    ids: HashMap<String, u32>,
    /// Statement → incidents it speaks of (`StatementInfo::incidents`);
    /// only statements that speak of some incident are kept. Most speak of
    /// one: its number; otherwise `MULTI |` an index into `multi`.
    speaks_of: HashMap<Digest, u32>,
    multi: Vec<Box<[u32]>>,
}

/// Marks a `Tracker::speaks_of` value as an index into `multi`.
const MULTI: u32 = 1 << 31;

impl Tracker {
    /// The incident ids met so far, by interned number.
    #[doc(hidden)]
    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// The interned number of incident `id`, if met.
    #[doc(hidden)]
    pub fn number(&self, id: &str) -> Option<u32> {
        self.ids.get(id).copied()
    }

    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&n) = self.ids.get(id) {
            return n;
        }
        let n = self.names.len() as u32;
        self.names.push(id.to_string());
        self.ids.insert(id.to_string(), n);
        n
    }

    fn target(&self, ev: &Event) -> Vec<u32> {
        match ev.refs.first().and_then(|r| self.speaks_of.get(r)) {
            None => Vec::new(),
            Some(&v) if v & MULTI != 0 => self.multi[(v & !MULTI) as usize].to_vec(),
            Some(&v) => vec![v],
        }
    }

    /// The incidents `ev` touches, in the order the rules list them.
    pub fn touches(&mut self, ev: &Event) -> Vec<String> {
        self.touch_ids(ev)
            .into_iter()
            .map(|n| self.names[n as usize].clone())
            .collect()
    }

    /// [`Tracker::touches`] as interned numbers (`self.names` indexes).
    /// [`Tracker::touches`] as interned numbers (see [`Tracker::names`]).
    #[doc(hidden)]
    pub fn touch_ids(&mut self, ev: &Event) -> Vec<u32> {
        let (touched, own): (Vec<u32>, Vec<u32>) = match &ev.payload {
            Some(Payload::Incident(i)) => (vec![], vec![self.intern(&i.id)]),
            Some(Payload::Testimony(t)) => {
                (vec![], t.incidents.iter().map(|i| self.intern(i)).collect())
            }
            Some(Payload::Amendment(a)) => {
                let old = self.target(ev);
                let own = match &a.testimony {
                    Some(t) => t.incidents.iter().map(|i| self.intern(i)).collect(),
                    None => old.clone(),
                };
                (old, own)
            }
            Some(Payload::Retraction(_))
            | Some(Payload::Annotation(_))
            | Some(Payload::Redaction(_)) => (self.target(ev), vec![]),
            Some(Payload::Merge(m)) => (vec![], vec![self.intern(&m.into), self.intern(&m.from)]),
            Some(Payload::SummaryClaim(s)) => {
                (vec![], s.incidents.iter().map(|i| self.intern(i)).collect())
            }
            None => (vec![], vec![]),
        };
        let mut all: Vec<u32> = Vec::with_capacity(touched.len() + own.len());
        for n in touched.into_iter().chain(own.iter().copied()) {
            if !all.contains(&n) {
                all.push(n);
            }
        }
        if !own.is_empty() {
            let mut dedup: Vec<u32> = Vec::with_capacity(own.len());
            for n in own {
                if !dedup.contains(&n) {
                    dedup.push(n);
                }
            }
            let v = if dedup.len() == 1 {
                dedup[0]
            } else {
                self.multi.push(dedup.into_boxed_slice());
                MULTI | (self.multi.len() - 1) as u32
            };
            self.speaks_of.insert(ev.hash, v);
        }
        all
    }
}

/// The fold over the whole log, one entry at a time: every incident's
/// group of entries, the summary claims, and the touches it recomputed.
#[derive(Default, Debug, Clone)]
pub struct Fold {
    tracker: Tracker,
    /// Incident → the entries of its group so far, in seq order.
    groups: HashMap<String, Vec<Arc<Event>>>,
    /// Incident → the incident it was merged into.
    parent: HashMap<String, String>,
    /// Incident → seq at which it was opened.
    opened: BTreeMap<String, u64>,
    /// Incident → seqs of the entries that touched it (the `T` index, recomputed).
    touched: BTreeMap<String, Vec<u64>>,
    /// Summary claims and the annotations on them.
    claims: Vec<Arc<Event>>,
    claim_notes: Vec<Arc<Event>>,
    claim_hashes: BTreeSet<Digest>,
    /// The compromises the revocations folded so far declare.
    distrust: Distrust,
    next: u64,
}

/// The union of two seq-sorted groups of events, seq-sorted (for folds
/// kept elsewhere, as the archive's rebuild).
#[doc(hidden)]
pub fn union_sorted(a: &[Arc<Event>], b: &[Arc<Event>]) -> Vec<Arc<Event>> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let (mut i, mut j) = (0, 0);
    while i < a.len() || j < b.len() {
        let take_a = j >= b.len() || (i < a.len() && a[i].seq <= b[j].seq);
        let ev = if take_a {
            i += 1;
            &a[i - 1]
        } else {
            j += 1;
            &b[j - 1]
        };
        if out.last().is_none_or(|l: &Arc<Event>| l.seq != ev.seq) {
            out.push(ev.clone());
        }
    }
    out
}

impl Fold {
    pub fn new() -> Fold {
        Fold::default()
    }

    /// Number of entries folded so far (the next seq expected).
    pub fn size(&self) -> u64 {
        self.next
    }

    /// `id` and every incident it was merged into, nearest first.
    fn ancestors_or_self(&self, id: &str) -> Vec<String> {
        let mut out = vec![id.to_string()];
        let mut cur = id;
        while let Some(p) = self.parent.get(cur) {
            if out.contains(p) {
                break;
            }
            out.push(p.clone());
            cur = p;
        }
        out
    }

    /// Fold one entry; returns the incidents it touched.
    pub fn apply(&mut self, ev: Arc<Event>) -> Vec<String> {
        if let Some((key, effective_at)) = ev.revokes {
            self.distrust.add(
                key,
                Compromise {
                    revoked_at: ev.seq,
                    effective_at,
                },
            );
        }
        let touches = self.tracker.touches(&ev);
        for t in &touches {
            self.touched.entry(t.clone()).or_default().push(ev.seq);
        }
        match &ev.payload {
            Some(Payload::Incident(i)) => {
                self.opened.entry(i.id.clone()).or_insert(ev.seq);
            }
            Some(Payload::Merge(m)) => {
                // `into` (and anything it is part of) now reads `from`'s
                // whole group, earlier entries included.
                let from = self.groups.get(&m.from).cloned().unwrap_or_default();
                for a in self.ancestors_or_self(&m.into) {
                    if a == m.from {
                        continue;
                    }
                    let g = self.groups.entry(a).or_default();
                    *g = union_sorted(g, &from);
                }
                if m.from != m.into {
                    self.parent.insert(m.from.clone(), m.into.clone());
                }
            }
            Some(Payload::SummaryClaim(_)) => {
                self.claim_hashes.insert(ev.hash);
                self.claims.push(ev.clone());
            }
            Some(Payload::Annotation(_))
                if ev
                    .refs
                    .first()
                    .is_some_and(|r| self.claim_hashes.contains(r)) =>
            {
                self.claim_notes.push(ev.clone());
            }
            _ => {}
        }
        let mut affected: Vec<String> = Vec::new();
        for t in &touches {
            for a in self.ancestors_or_self(t) {
                if !affected.contains(&a) {
                    affected.push(a);
                }
            }
        }
        for a in affected {
            let g = self.groups.entry(a).or_default();
            if g.last().is_none_or(|l| l.seq != ev.seq) {
                g.push(ev.clone());
            }
        }
        self.next = ev.seq + 1;
        touches
    }

    /// Incidents opened so far, with the seq that opened them.
    pub fn incidents(&self) -> &BTreeMap<String, u64> {
        &self.opened
    }

    /// The recomputed touch index: incident → seqs.
    pub fn touched(&self) -> &BTreeMap<String, Vec<u64>> {
        &self.touched
    }

    /// The entries of `id`'s group so far.
    pub fn group(&self, id: &str) -> &[Arc<Event>] {
        self.groups.get(id).map(Vec::as_slice).unwrap_or(&[])
    }

    /// The view of `id` after the entries folded so far.
    pub fn view(&self, id: &str) -> Option<IncidentView> {
        self.opened.get(id)?;
        Some(IncidentView::build(
            id,
            self.group(id),
            self.next.saturating_sub(1),
            &self.distrust,
        ))
    }

    /// The compromises declared by the revocations folded so far.
    pub fn distrust(&self) -> &Distrust {
        &self.distrust
    }

    /// Every incident's view.
    pub fn views(&self) -> BTreeMap<String, IncidentView> {
        self.opened
            .keys()
            .filter_map(|id| self.view(id).map(|v| (id.clone(), v)))
            .collect()
    }

    /// The summary claims so far, with their annotations.
    pub fn claims(&self) -> Vec<incident::ClaimView> {
        claim_views(
            &self.claims,
            &self.claim_notes,
            &self.distrust,
            self.next.saturating_sub(1),
        )
    }
}

/// The views of summary claims with their annotations, as of `as_of`.
#[doc(hidden)]
pub fn claim_views(
    claims: &[Arc<Event>],
    notes: &[Arc<Event>],
    distrust: &Distrust,
    as_of: u64,
) -> Vec<incident::ClaimView> {
    claims
        .iter()
        .filter_map(|ev| match &ev.payload {
            Some(Payload::SummaryClaim(c)) => {
                let on_it: Vec<&Event> = notes
                    .iter()
                    .filter(|n| n.refs.first() == Some(&ev.hash))
                    .map(|n| &**n)
                    .collect();
                // As in an incident view: a grade signed after a declared
                // compromise is not applied.
                let grade = SourceGrade::from_annotations(on_it.iter().copied().filter(|n| {
                    distrust
                        .taint(&n.author, n.seq, n.received_at, as_of)
                        .is_none()
                }));
                Some(incident::ClaimView {
                    source: ev.source(),
                    claim: c.clone(),
                    annotations: on_it
                        .iter()
                        .filter_map(|n| match &n.payload {
                            Some(Payload::Annotation(a)) => Some(incident::AnnotationView {
                                source: n.source(),
                                on: ev.hash,
                                stance: a.stance,
                                text: a.text.clone(),
                                grade: a.grade,
                            }),
                            _ => None,
                        })
                        .collect(),
                    signed_after_compromise: distrust.taint(
                        &ev.author,
                        ev.seq,
                        ev.received_at,
                        as_of,
                    ),
                    grade,
                })
            }
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{hex_str, hex_string};
    use crate::hash::Digest;

    #[test]
    fn hex_helpers_write_what_hex_encode_writes() {
        let mut d = Digest([0; 32]);
        for (i, b) in d.0.iter_mut().enumerate() {
            *b = (i as u8).wrapping_mul(37) ^ 0xa5;
        }
        d.0[0] = 0;
        d.0[31] = 0xff;
        assert_eq!(hex_str(&d, &mut [0; 64]), hex::encode(d.0));
        assert_eq!(hex_string(&d.0), hex::encode(d.0));
        assert_eq!(hex_string(&[]), "");
        assert_eq!(hex_string(&[0x0f, 0xf0]), "0ff0");
    }
}
