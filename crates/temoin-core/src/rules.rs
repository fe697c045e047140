//! The rules a statement must satisfy to enter the log, shared by ingest
//! (against the archive's head) and the audit (against its own replay), so
//! that both decide every entry the same way.
//!
//! `check` is pure: it reads the registry and an [`Index`] of earlier
//! statements, and returns the [`Effects`] of accepting the statement
//! without applying them. The caller applies them (to a sled batch, or to
//! the audit's memory) only if the whole statement is accepted.

use crate::domain::{Payload, TEXT};
use crate::hash::Digest;
use crate::keys::PublicKey;
use crate::registry::{AuthorityError, PayloadError, Registry, RegistryChange, Role, PAYLOAD};
use crate::statement::{Kind, StatementBody};
use bincode::{Decode, Encode};
use std::collections::HashMap;

/// What later statements need to know about an earlier one.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct StatementInfo {
    pub seq: u64,
    pub kind: Kind,
    /// For amendments, the kind of record they are a version of
    /// (testimony or incident); otherwise the kind itself.
    pub subject: Kind,
    /// Author of the record's first version: who may amend or retract it.
    pub owner: [u8; 32],
    pub labels: Vec<String>,
    /// Incidents this statement speaks of (a testimony's incidents, an
    /// incident record's own id, a summary claim's named incidents).
    pub incidents: Vec<String>,
    /// The statement that replaced this version, if any.
    pub superseded_by: Option<[u8; 32]>,
    /// The retraction that withdrew this testimony, if any.
    pub retracted_by: Option<[u8; 32]>,
    /// Labels erased by redaction orders, with the order's seq.
    pub redacted: Vec<(String, u64)>,
}

impl StatementInfo {
    /// For incident records and their amendments, the incident's id: the
    /// one incident such a record speaks of.
    pub fn incident_id(&self) -> Option<&str> {
        if self.subject == Kind::Incident {
            self.incidents.first().map(String::as_str)
        } else {
            None
        }
    }
}

/// What later statements need to know about an incident id.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct IncidentInfo {
    pub opened_at: u64,
    /// Latest version of the incident record.
    pub record: [u8; 32],
    pub merged_into: Option<String>,
}

/// Lookups into the statements already accepted.
pub trait Index {
    type Error;
    fn statement(&self, hash: &Digest) -> Result<Option<StatementInfo>, Self::Error>;
    fn incident(&self, id: &str) -> Result<Option<IncidentInfo>, Self::Error>;
}

/// What accepting a statement changes, beyond appending it.
#[derive(Clone, Debug, Default)]
pub struct Effects {
    pub registry: Option<RegistryChange>,
    /// (hash, info) pairs to write: the new statement and any record it updates.
    pub statements: Vec<(Digest, StatementInfo)>,
    pub incidents: Vec<(String, IncidentInfo)>,
    /// A part to erase: (statement whose part it is, label).
    pub redact: Option<(Digest, String)>,
    /// Incidents whose projected state this statement may change, in
    /// order, without repeats: the keys of the `T` index.
    pub touches: Vec<String>,
}

impl Effects {
    fn touch(&mut self, ids: &[String]) {
        for id in ids {
            if !self.touches.contains(id) {
                self.touches.push(id.clone());
            }
        }
    }
}

/// Why a statement may not enter the log (given that it decodes and its
/// signature verifies).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum RuleError {
    #[error(transparent)]
    Authority(#[from] AuthorityError),
    #[error(transparent)]
    Payload(#[from] PayloadError),
    #[error("it refers to statement {0}, which is not in the log")]
    UnknownRef(Digest),
    #[error("a {kind} statement takes {expected} ref(s), this one has {got}")]
    RefCount {
        kind: Kind,
        expected: usize,
        got: usize,
    },
    #[error("it names incident {0:?}, which is not in the archive (open it with an incident statement first)")]
    UnknownIncident(String),
    #[error("incident id {0:?} is already taken; amend that incident instead of opening it again")]
    DuplicateIncident(String),
    #[error("{kind} of statement {target}: only its author, a successor of the author's key, or a custodian may do that")]
    NotOwner { kind: Kind, target: Digest },
    #[error("statement {target} is a {found}; a {kind} applies to {expected}")]
    WrongTarget {
        kind: Kind,
        target: Digest,
        found: Kind,
        expected: &'static str,
    },
    #[error(
        "statement {target} was already superseded by {by}; amend or retract the latest version"
    )]
    Superseded { target: Digest, by: Digest },
    #[error("testimony {target} was already retracted by {by}")]
    Retracted { target: Digest, by: Digest },
    #[error("an amendment of incident {old:?} cannot change its id to {new:?}")]
    IncidentIdChanged { old: String, new: String },
    #[error("incident {0:?} was already merged into {1:?}")]
    AlreadyMerged(String, String),
    #[error("statement {target} has no part labelled {label:?} to redact")]
    NoSuchPart { target: Digest, label: String },
    #[error("part {label:?} of statement {target} was already redacted at entry {seq}")]
    AlreadyRedacted {
        target: Digest,
        label: String,
        seq: u64,
    },
    #[error("registry statements cannot be redacted: the audit needs them")]
    RedactRegistry,
    #[error("a genesis statement cannot refer to other statements")]
    GenesisRefs,
    #[error("statement {target} is a {found} statement: a grade grades a source, so it applies to a testimony or a summary claim")]
    GradeTarget { target: Digest, found: Kind },
}

fn target<I: Index>(
    idx: &I,
    kind: Kind,
    body: &StatementBody,
) -> Result<Result<(Digest, StatementInfo), RuleError>, I::Error> {
    if body.refs.len() != 1 {
        return Ok(Err(RuleError::RefCount {
            kind,
            expected: 1,
            got: body.refs.len(),
        }));
    }
    let h = Digest(body.refs[0]);
    Ok(match idx.statement(&h)? {
        Some(info) => Ok((h, info)),
        None => Err(RuleError::UnknownRef(h)),
    })
}

/// Check `body` (entry `seq`, statement `hash`) with its payload against the
/// registry and index. The outer `Result` is the index's own I/O error.
pub fn check<I: Index>(
    registry: &Registry,
    idx: &I,
    seq: u64,
    hash: Digest,
    body: &StatementBody,
    payload: Option<&[u8]>,
) -> Result<Result<Effects, RuleError>, I::Error> {
    check_parsed(registry, idx, seq, hash, body, payload, None)
}

/// A domain payload parsed ahead of [`check_parsed`] (ingest parses on all
/// cores): `Payload::parse(kind, payload)` of the very bytes passed to it.
pub type ParsedPayload = Result<Option<Payload>, PayloadError>;

/// [`check`], with the payload already parsed when `parsed` is `Some`
/// (the same verdict: a parse failure is refused where `check` would).
pub fn check_parsed<I: Index>(
    registry: &Registry,
    idx: &I,
    seq: u64,
    hash: Digest,
    body: &StatementBody,
    payload: Option<&[u8]>,
    parsed: Option<ParsedPayload>,
) -> Result<Result<Effects, RuleError>, I::Error> {
    macro_rules! refuse {
        ($e:expr) => {
            return Ok(Err($e.into()))
        };
    }
    macro_rules! tri {
        ($e:expr) => {
            match $e {
                Ok(v) => v,
                Err(e) => refuse!(e),
            }
        };
    }
    let kind = body.kind;
    let author = match PublicKey::from_bytes(&body.author) {
        Ok(k) => k,
        Err(e) => refuse!(AuthorityError::BadKey(e.to_string())),
    };
    if seq == 0 && kind != Kind::Genesis {
        refuse!(AuthorityError::NoGenesis { kind });
    }
    let role = tri!(registry.authorize(&author, kind));

    // Parts every kind needs.
    let needs_payload = kind != Kind::Note;
    if needs_payload && body.part(PAYLOAD).is_none() {
        refuse!(PayloadError::MissingPart {
            kind,
            label: PAYLOAD
        });
    }
    if kind == Kind::Note && body.part(TEXT).is_none() {
        refuse!(PayloadError::MissingPart { kind, label: TEXT });
    }
    if kind == Kind::Genesis && !body.refs.is_empty() {
        refuse!(RuleError::GenesisRefs);
    }
    for r in body.refs() {
        if idx.statement(&r)?.is_none() {
            refuse!(RuleError::UnknownRef(r));
        }
    }

    let mut fx = Effects::default();
    let mut info = StatementInfo {
        seq,
        kind,
        subject: kind,
        owner: body.author,
        labels: body.parts.iter().map(|p| p.label.clone()).collect(),
        incidents: Vec::new(),
        superseded_by: None,
        retracted_by: None,
        redacted: Vec::new(),
    };
    let payload_bytes = match payload {
        Some(p) => p,
        None if needs_payload => refuse!(PayloadError::MissingPart {
            kind,
            label: PAYLOAD
        }),
        None => &[],
    };

    if kind.is_registry() {
        let change = tri!(RegistryChange::from_payload(kind, author, payload_bytes));
        if let Some(c) = &change {
            tri!(registry.check_change(c));
        }
        fx.registry = change;
        fx.statements.push((hash, info));
        return Ok(Ok(fx));
    }

    let parsed = tri!(parsed.unwrap_or_else(|| Payload::parse(kind, payload_bytes)));
    if let Some(p) = &parsed {
        for id in p.named_incidents() {
            if idx.incident(id)?.is_none() {
                refuse!(RuleError::UnknownIncident(id.to_string()));
            }
        }
    }
    let custodian = role == Role::Custodian;
    match parsed {
        None => {}
        Some(Payload::Incident(i)) => {
            if idx.incident(&i.id)?.is_some() {
                refuse!(RuleError::DuplicateIncident(i.id));
            }
            fx.incidents.push((
                i.id.clone(),
                IncidentInfo {
                    opened_at: seq,
                    record: hash.0,
                    merged_into: None,
                },
            ));
            info.incidents = vec![i.id];
        }
        Some(Payload::Testimony(_)) if body.part(TEXT).is_none() => {
            refuse!(PayloadError::MissingPart { kind, label: TEXT });
        }
        Some(Payload::Testimony(t)) => info.incidents = t.incidents,
        Some(Payload::Amendment(a)) => {
            let (th, mut t) = tri!(target(idx, kind, body)?);
            let (expected, subject) = if a.testimony.is_some() {
                ("a testimony", Kind::Testimony)
            } else {
                ("an incident record", Kind::Incident)
            };
            if t.subject != subject {
                refuse!(RuleError::WrongTarget {
                    kind,
                    target: th,
                    found: t.subject,
                    expected
                });
            }
            if let Some(by) = t.superseded_by {
                refuse!(RuleError::Superseded {
                    target: th,
                    by: Digest(by)
                });
            }
            if let Some(by) = t.retracted_by {
                refuse!(RuleError::Retracted {
                    target: th,
                    by: Digest(by)
                });
            }
            if !custodian && !registry.may_act_for(&author, &t.owner) {
                refuse!(RuleError::NotOwner { kind, target: th });
            }
            if subject == Kind::Testimony && body.part(TEXT).is_none() {
                refuse!(PayloadError::MissingPart { kind, label: TEXT });
            }
            if let Some(i) = &a.incident {
                let old = t.incident_id().unwrap_or_default().to_string();
                if i.id != old {
                    refuse!(RuleError::IncidentIdChanged {
                        old,
                        new: i.id.clone()
                    });
                }
                let mut inc = match idx.incident(&old)? {
                    Some(inc) => inc,
                    None => refuse!(RuleError::UnknownIncident(old)),
                };
                inc.record = hash.0;
                fx.incidents.push((old, inc));
            }
            if let Some(new) = &a.testimony {
                info.incidents = new.incidents.clone();
            } else {
                info.incidents = t.incidents.clone();
            }
            fx.touch(&t.incidents);
            info.subject = subject;
            info.owner = t.owner;
            t.superseded_by = Some(hash.0);
            fx.statements.push((th, t));
        }
        Some(Payload::Retraction(_)) => {
            let (th, mut t) = tri!(target(idx, kind, body)?);
            if t.subject != Kind::Testimony {
                refuse!(RuleError::WrongTarget {
                    kind,
                    target: th,
                    found: t.subject,
                    expected: "a testimony"
                });
            }
            if let Some(by) = t.retracted_by {
                refuse!(RuleError::Retracted {
                    target: th,
                    by: Digest(by)
                });
            }
            if let Some(by) = t.superseded_by {
                refuse!(RuleError::Superseded {
                    target: th,
                    by: Digest(by)
                });
            }
            if !custodian && !registry.may_act_for(&author, &t.owner) {
                refuse!(RuleError::NotOwner { kind, target: th });
            }
            fx.touch(&t.incidents);
            t.retracted_by = Some(hash.0);
            fx.statements.push((th, t));
        }
        Some(Payload::Annotation(a)) => {
            let (th, t) = tri!(target(idx, kind, body)?);
            // A grade says how far a source is to be relied on: an incident
            // record, a merge or a note is not a source.
            if a.grade.is_some() && !matches!(t.subject, Kind::Testimony | Kind::SummaryClaim) {
                refuse!(RuleError::GradeTarget {
                    target: th,
                    found: t.subject
                });
            }
            fx.touch(&t.incidents);
        }
        Some(Payload::Merge(m)) => {
            for id in [&m.from, &m.into] {
                if let Some(IncidentInfo {
                    merged_into: Some(into),
                    ..
                }) = idx.incident(id)?
                {
                    refuse!(RuleError::AlreadyMerged(id.clone(), into));
                }
            }
            info.incidents = vec![m.into.clone(), m.from.clone()];
            if let Some(mut from) = idx.incident(&m.from)? {
                from.merged_into = Some(m.into.clone());
                fx.incidents.push((m.from.clone(), from));
            }
        }
        Some(Payload::SummaryClaim(s)) => info.incidents = s.incidents,
        Some(Payload::Redaction(r)) => {
            let (th, mut t) = tri!(target(idx, kind, body)?);
            if t.kind.is_registry() {
                refuse!(RuleError::RedactRegistry);
            }
            if !t.labels.contains(&r.label) {
                refuse!(RuleError::NoSuchPart {
                    target: th,
                    label: r.label
                });
            }
            if let Some((_, s)) = t.redacted.iter().find(|(l, _)| *l == r.label) {
                refuse!(RuleError::AlreadyRedacted {
                    target: th,
                    label: r.label,
                    seq: *s
                });
            }
            fx.touch(&t.incidents);
            t.redacted.push((r.label.clone(), seq));
            fx.statements.push((th, t));
            fx.redact = Some((th, r.label));
        }
    }
    let own = std::mem::take(&mut info.incidents);
    fx.touch(&own);
    info.incidents = own;
    fx.statements.insert(0, (hash, info));
    Ok(Ok(fx))
}

/// An index held in memory: the audit's replay, and the overlay of a batch
/// not yet written.
#[derive(Default, Debug, Clone)]
pub struct MemIndex {
    pub statements: HashMap<Digest, StatementInfo>,
    pub incidents: HashMap<String, IncidentInfo>,
}

impl MemIndex {
    pub fn apply(&mut self, fx: &Effects) {
        for (h, i) in &fx.statements {
            self.statements.insert(*h, i.clone());
        }
        for (id, i) in &fx.incidents {
            self.incidents.insert(id.clone(), i.clone());
        }
    }
}

impl Index for MemIndex {
    type Error = std::convert::Infallible;
    fn statement(&self, hash: &Digest) -> Result<Option<StatementInfo>, Self::Error> {
        Ok(self.statements.get(hash).cloned())
    }
    fn incident(&self, id: &str) -> Result<Option<IncidentInfo>, Self::Error> {
        Ok(self.incidents.get(id).cloned())
    }
}

/// Pending changes layered over a base index.
pub struct Overlay<'a, I> {
    pub base: &'a I,
    pub pending: MemIndex,
}

impl<I: Index> Index for Overlay<'_, I> {
    type Error = I::Error;
    fn statement(&self, hash: &Digest) -> Result<Option<StatementInfo>, I::Error> {
        match self.pending.statements.get(hash) {
            Some(i) => Ok(Some(i.clone())),
            None => self.base.statement(hash),
        }
    }
    fn incident(&self, id: &str) -> Result<Option<IncidentInfo>, I::Error> {
        match self.pending.incidents.get(id) {
            Some(i) => Ok(Some(i.clone())),
            None => self.base.incident(id),
        }
    }
}
