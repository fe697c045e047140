//! Who may sign what, as it stood at each seq (DESIGN §7).
//!
//! The registry is a fold over the registry statements (genesis, enroll,
//! revoke). Ingest consults the registry as it stands at the head; the
//! audit replays it from entry 0, so both decide authority the same way.

use crate::keys::PublicKey;
use crate::reason::Reason;
use crate::statement::Kind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// Label of the JSON part that carries a statement's structured payload.
pub const PAYLOAD: &str = "payload";

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord, Hash)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    Custodian,
    Intermediary,
    Reviewer,
    /// Holds an age identity to which sealed parts may be sealed
    /// (docs/FORMAT.md §3.8); enrolled by recipient, signs nothing.
    Reader,
}

impl Role {
    pub fn name(self) -> &'static str {
        match self {
            Role::Custodian => "custodian",
            Role::Intermediary => "intermediary",
            Role::Reviewer => "reviewer",
            Role::Reader => "reader",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        match s {
            "custodian" => Some(Role::Custodian),
            "intermediary" => Some(Role::Intermediary),
            "reviewer" => Some(Role::Reviewer),
            "reader" => Some(Role::Reader),
            _ => None,
        }
    }

    /// The kinds a role may sign. Amendments and retractions are further
    /// limited to the record's author or a custodian (see `rules`).
    pub fn may_sign(self, kind: Kind) -> bool {
        use Kind::*;
        match self {
            Role::Custodian => kind != Genesis,
            Role::Intermediary => matches!(
                kind,
                Note | Incident | Testimony | Amendment | Retraction | SummaryClaim
            ),
            Role::Reviewer => matches!(kind, Note | Annotation | Merge),
            Role::Reader => false,
        }
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// Payload of entry 0.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenesisPayload {
    /// The checkpoint origin, e.g. `temoin.example/tombouctou`.
    pub origin: String,
    /// Display name of the first custodian (the genesis author).
    pub custodian_name: String,
    /// The archive's checkpoint key, C2SP vkey form; its name is the origin.
    pub checkpoint_key: String,
}

/// Payload of an enrolment.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollPayload {
    /// The enrolled Ed25519 key, 64 hex digits.
    pub key: String,
    pub name: String,
    pub role: Role,
    /// The key this one succeeds (64 hex digits): the same person's earlier
    /// key, enrolled before. Her successor may amend and retract the
    /// records the earlier key made (docs/FORMAT.md §10.2). Optional and
    /// absent when `None`, so that every enrolment written before it
    /// existed reads, and re-encodes, as it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeds: Option<String>,
}

/// Payload of a reader's enrolment: an age recipient, not a signing key.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EnrollReaderPayload {
    /// The reader's age X25519 recipient, `age1…`.
    pub recipient: String,
    pub name: String,
    /// Always `reader`.
    pub role: Role,
}

/// Payload of a reader's revocation: parts are no longer sealed to it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeReaderPayload {
    pub recipient: String,
    pub reason: String,
}

/// Payload of a revocation.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokePayload {
    pub key: String,
    pub reason: String,
    /// Since when the key is to be distrusted, unix ms (e.g. when a laptop
    /// was lost). The revocation takes effect in the archive at its own seq;
    /// this time is recorded for readers.
    pub effective_at: i64,
}

/// One key as the registry knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyRecord {
    pub key: PublicKey,
    pub name: String,
    pub role: Role,
    pub enrolled_at: u64,
    pub revoked: Option<Revocation>,
    /// The earlier key of the same person that this key succeeds.
    pub succeeds: Option<PublicKey>,
    /// The key that succeeds this one, if one was enrolled as its
    /// successor (at most one: successions never fork).
    pub succeeded_by: Option<PublicKey>,
}

/// A reader as the registry knows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ReaderRecord {
    /// `age1…`
    pub recipient: String,
    pub name: String,
    pub enrolled_at: u64,
    /// The seq of the revocation and its reason.
    pub revoked: Option<(u64, String)>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Revocation {
    pub seq: u64,
    pub reason: String,
    pub effective_at: i64,
}

/// Why the registry refuses an author or a registry change.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum AuthorityError {
    #[error("author key {key} is not enrolled in this archive (a custodian must enrol it first)")]
    UnknownKey { key: String },
    #[error("author key {key} ({name}) was revoked at entry {seq}: {reason}")]
    Revoked {
        key: String,
        name: String,
        seq: u64,
        reason: String,
    },
    #[error("{name} holds the role {role}, which may not sign {kind} statements")]
    RoleMayNot {
        name: String,
        role: Role,
        kind: Kind,
    },
    #[error("a genesis statement may only be entry 0")]
    LateGenesis,
    #[error("entry 0 must be a genesis statement, not {kind}")]
    NoGenesis { kind: Kind },
    #[error("key {key} is already enrolled (as {name}, {role})")]
    AlreadyEnrolled {
        key: String,
        name: String,
        role: Role,
    },
    #[error("key {key} was revoked at entry {seq}; a revoked key cannot be enrolled again (generate a new key)")]
    ReEnrolRevoked { key: String, seq: u64 },
    #[error("key {key} is not enrolled, so it cannot be revoked")]
    RevokeUnknown { key: String },
    #[error("key {key} is already revoked (at entry {seq})")]
    AlreadyRevoked { key: String, seq: u64 },
    #[error("refusing to revoke the last active custodian: the archive would be frozen (enrol another custodian first)")]
    LastCustodian,
    #[error("the payload's key is not a valid, non-weak Ed25519 key: {0}")]
    BadKey(String),
    #[error("key {key} cannot succeed itself")]
    SucceedsItself { key: String },
    #[error("the key to succeed, {key}, is not enrolled in this archive (a successor succeeds a key enrolled before it)")]
    SucceedsUnknown { key: String },
    #[error("key {key} ({name}) is already succeeded by {by} ({by_name}); a key has at most one successor (enrol the new key as the successor of {by_name}'s key instead)")]
    AlreadySucceeded {
        key: String,
        name: String,
        by: String,
        by_name: String,
    },
    #[error("key {key} cannot succeed {succeeds}: {succeeds} already descends from {key}, and a succession never loops")]
    SuccessionCycle { key: String, succeeds: String },
    #[error("reader {recipient} is already enrolled (as {name}{})", if *revoked { ", since revoked: a revoked reader is never enrolled again" } else { "" })]
    ReaderEnrolled {
        recipient: String,
        name: String,
        revoked: bool,
    },
    #[error("reader {recipient} is not enrolled, so it cannot be revoked")]
    RevokeUnknownReader { recipient: String },
    #[error("reader {recipient} is already revoked (at entry {seq})")]
    ReaderRevoked { recipient: String, seq: u64 },
}

/// The registry as of some seq.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Registry {
    pub origin: Option<String>,
    pub checkpoint_key: Option<String>,
    keys: BTreeMap<PublicKey, KeyRecord>,
    readers: BTreeMap<String, ReaderRecord>,
}

impl Registry {
    pub fn get(&self, key: &PublicKey) -> Option<&KeyRecord> {
        self.keys.get(key)
    }

    pub fn keys(&self) -> impl Iterator<Item = &KeyRecord> {
        self.keys.values()
    }

    /// The readers, in the order they were enrolled.
    pub fn readers(&self) -> impl Iterator<Item = &ReaderRecord> {
        let mut rs: Vec<&ReaderRecord> = self.readers.values().collect();
        rs.sort_by_key(|r| r.enrolled_at);
        rs.into_iter()
    }

    pub fn reader(&self, recipient: &str) -> Option<&ReaderRecord> {
        self.readers.get(recipient)
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The role under which `author` may sign `kind` now, or why not.
    pub fn authorize(&self, author: &PublicKey, kind: Kind) -> Result<Role, AuthorityError> {
        if kind == Kind::Genesis {
            return if self.keys.is_empty() {
                Ok(Role::Custodian)
            } else {
                Err(AuthorityError::LateGenesis)
            };
        }
        if self.keys.is_empty() {
            return Err(AuthorityError::NoGenesis { kind });
        }
        let rec = self.keys.get(author).ok_or(AuthorityError::UnknownKey {
            key: author.to_hex(),
        })?;
        if let Some(r) = &rec.revoked {
            return Err(AuthorityError::Revoked {
                key: author.to_hex(),
                name: rec.name.clone(),
                seq: r.seq,
                reason: r.reason.clone(),
            });
        }
        if !rec.role.may_sign(kind) {
            return Err(AuthorityError::RoleMayNot {
                name: rec.name.clone(),
                role: rec.role,
                kind,
            });
        }
        Ok(rec.role)
    }

    /// May `author` amend or retract a record whose first version `owner`
    /// signed? Yes if `author` is `owner`, or succeeds it, directly or
    /// through a chain of successions (docs/DOMAIN.md §3). Custodians may
    /// act on any record; that is the caller's rule, not this one.
    pub fn may_act_for(&self, author: &PublicKey, owner: &[u8; 32]) -> bool {
        if author.as_bytes() == owner {
            return true;
        }
        self.predecessors(author).any(|k| k.as_bytes() == owner)
    }

    /// The keys `key` succeeds, nearest first. Successions never loop
    /// (`check_change`); the walk is bounded all the same, so that a
    /// registry built by other means cannot hang a verifier.
    pub fn predecessors<'a>(&'a self, key: &PublicKey) -> impl Iterator<Item = PublicKey> + 'a {
        let mut next = self.keys.get(key).and_then(|r| r.succeeds);
        let mut left = self.keys.len();
        std::iter::from_fn(move || {
            let k = next?;
            if left == 0 {
                return None;
            }
            left -= 1;
            next = self.keys.get(&k).and_then(|r| r.succeeds);
            Some(k)
        })
    }

    /// May the new key `key` be enrolled as the successor of `old`?
    fn check_succession(&self, key: &PublicKey, old: &PublicKey) -> Result<(), AuthorityError> {
        if key == old {
            return Err(AuthorityError::SucceedsItself { key: key.to_hex() });
        }
        let rec = self
            .keys
            .get(old)
            .ok_or(AuthorityError::SucceedsUnknown { key: old.to_hex() })?;
        if let Some(by) = &rec.succeeded_by {
            return Err(AuthorityError::AlreadySucceeded {
                key: old.to_hex(),
                name: rec.name.clone(),
                by: by.to_hex(),
                by_name: self
                    .keys
                    .get(by)
                    .map(|r| r.name.clone())
                    .unwrap_or_default(),
            });
        }
        // A new key has no successor and descends from nothing, so no
        // loop can form; checked anyway, as every verifier must refuse one.
        if self.predecessors(old).any(|k| k == *key) {
            return Err(AuthorityError::SuccessionCycle {
                key: key.to_hex(),
                succeeds: old.to_hex(),
            });
        }
        Ok(())
    }

    /// Check a registry change against the current state without applying it.
    pub fn check_change(&self, change: &RegistryChange) -> Result<(), AuthorityError> {
        match change {
            RegistryChange::Genesis { .. } => {
                if !self.keys.is_empty() {
                    return Err(AuthorityError::LateGenesis);
                }
            }
            RegistryChange::Enroll { key, succeeds, .. } => {
                if let Some(rec) = self.keys.get(key) {
                    return Err(match &rec.revoked {
                        Some(r) => AuthorityError::ReEnrolRevoked {
                            key: key.to_hex(),
                            seq: r.seq,
                        },
                        None => AuthorityError::AlreadyEnrolled {
                            key: key.to_hex(),
                            name: rec.name.clone(),
                            role: rec.role,
                        },
                    });
                }
                if let Some(old) = succeeds {
                    self.check_succession(key, old)?;
                }
            }
            RegistryChange::EnrollReader { recipient, .. } => {
                if let Some(r) = self.readers.get(recipient) {
                    return Err(AuthorityError::ReaderEnrolled {
                        recipient: recipient.clone(),
                        name: r.name.clone(),
                        revoked: r.revoked.is_some(),
                    });
                }
            }
            RegistryChange::RevokeReader { recipient, .. } => {
                let r = self.readers.get(recipient).ok_or_else(|| {
                    AuthorityError::RevokeUnknownReader {
                        recipient: recipient.clone(),
                    }
                })?;
                if let Some((seq, _)) = &r.revoked {
                    return Err(AuthorityError::ReaderRevoked {
                        recipient: recipient.clone(),
                        seq: *seq,
                    });
                }
            }
            RegistryChange::Revoke { key, .. } => {
                let rec = self
                    .keys
                    .get(key)
                    .ok_or(AuthorityError::RevokeUnknown { key: key.to_hex() })?;
                if let Some(r) = &rec.revoked {
                    return Err(AuthorityError::AlreadyRevoked {
                        key: key.to_hex(),
                        seq: r.seq,
                    });
                }
                let active_custodians = self
                    .keys
                    .values()
                    .filter(|r| r.role == Role::Custodian && r.revoked.is_none())
                    .count();
                if rec.role == Role::Custodian && active_custodians <= 1 {
                    return Err(AuthorityError::LastCustodian);
                }
            }
        }
        Ok(())
    }

    /// Apply a change already checked with `check_change`.
    pub fn apply(&mut self, seq: u64, change: RegistryChange) {
        match change {
            RegistryChange::Genesis { author, payload } => {
                self.origin = Some(payload.origin);
                self.checkpoint_key = Some(payload.checkpoint_key);
                self.keys.insert(
                    author,
                    KeyRecord {
                        key: author,
                        name: payload.custodian_name,
                        role: Role::Custodian,
                        enrolled_at: seq,
                        revoked: None,
                        succeeds: None,
                        succeeded_by: None,
                    },
                );
            }
            RegistryChange::Enroll {
                key,
                name,
                role,
                succeeds,
            } => {
                if let Some(old) = succeeds.and_then(|o| self.keys.get_mut(&o)) {
                    old.succeeded_by = Some(key);
                }
                self.keys.insert(
                    key,
                    KeyRecord {
                        key,
                        name,
                        role,
                        enrolled_at: seq,
                        revoked: None,
                        succeeds,
                        succeeded_by: None,
                    },
                );
            }
            RegistryChange::EnrollReader { recipient, name } => {
                self.readers.insert(
                    recipient.clone(),
                    ReaderRecord {
                        recipient,
                        name,
                        enrolled_at: seq,
                        revoked: None,
                    },
                );
            }
            RegistryChange::RevokeReader { recipient, reason } => {
                if let Some(r) = self.readers.get_mut(&recipient) {
                    r.revoked = Some((seq, reason));
                }
            }
            RegistryChange::Revoke {
                key,
                reason,
                effective_at,
            } => {
                if let Some(rec) = self.keys.get_mut(&key) {
                    rec.revoked = Some(Revocation {
                        seq,
                        reason,
                        effective_at,
                    });
                }
            }
        }
    }
}

/// A decoded registry statement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RegistryChange {
    Genesis {
        author: PublicKey,
        payload: GenesisPayload,
    },
    Enroll {
        key: PublicKey,
        name: String,
        role: Role,
        /// The enrolled key succeeds this one (the same person's earlier key).
        succeeds: Option<PublicKey>,
    },
    Revoke {
        key: PublicKey,
        reason: String,
        effective_at: i64,
    },
    /// A reader enrolled by its age recipient (canonical `age1…`).
    EnrollReader {
        recipient: String,
        name: String,
    },
    RevokeReader {
        recipient: String,
        reason: String,
    },
}

fn payload_key(hex_key: &str) -> Result<PublicKey, AuthorityError> {
    // Exactly the documented form (docs/FORMAT.md): one key, one spelling.
    if hex_key.len() != 64
        || !hex_key
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
    {
        return Err(AuthorityError::BadKey(
            "expected 64 lowercase hex digits".into(),
        ));
    }
    let key = PublicKey::parse(hex_key).map_err(|e| AuthorityError::BadKey(e.to_string()))?;
    if key.is_weak() {
        return Err(AuthorityError::BadKey("weak (small-order) key".into()));
    }
    Ok(key)
}

/// Does a registry payload name a reader's recipient rather than a key?
/// (Decided on the JSON object's members, before the strict parse.)
fn names_recipient(payload: &[u8]) -> bool {
    matches!(
        crate::json::from_slice::<serde_json::Value>(payload),
        Ok(serde_json::Value::Object(m)) if m.contains_key("recipient")
    )
}

fn payload_recipient(kind: Kind, given: &str) -> Result<String, PayloadError> {
    given
        .parse::<crate::seal::Recipient>()
        .map(|r| r.to_string())
        .map_err(|e| PayloadError::Invalid {
            kind,
            reason: Reason::Field {
                field: "recipient",
                detail: e.to_string(),
            },
        })
}

impl RegistryChange {
    /// Read a registry statement's payload. `Ok(None)` for other kinds.
    pub fn from_payload(
        kind: Kind,
        author: PublicKey,
        payload: &[u8],
    ) -> Result<Option<RegistryChange>, PayloadError> {
        Ok(Some(match kind {
            Kind::Genesis => {
                let p: GenesisPayload = parse_json(kind, payload)?;
                let vk =
                    crate::signed_note::VerifierKey::parse(&p.checkpoint_key).map_err(|e| {
                        PayloadError::Invalid {
                            kind,
                            reason: Reason::Field {
                                field: "checkpoint_key",
                                detail: e.to_string(),
                            },
                        }
                    })?;
                // Checkpoints name the origin and are signed by this key,
                // whose name must therefore be the origin.
                if vk.name() != p.origin {
                    return Err(PayloadError::Invalid {
                        kind,
                        reason: Reason::CheckpointKeyName {
                            name: vk.name().to_string(),
                            origin: p.origin.clone(),
                        },
                    });
                }
                RegistryChange::Genesis { author, payload: p }
            }
            Kind::Enroll if names_recipient(payload) => {
                let p: EnrollReaderPayload = parse_json(kind, payload)?;
                if p.role != Role::Reader {
                    return Err(PayloadError::Invalid {
                        kind,
                        reason: Reason::ReaderRole {
                            role: p.role.to_string(),
                        },
                    });
                }
                if p.name.trim().is_empty() {
                    return Err(PayloadError::Invalid {
                        kind,
                        reason: Reason::Empty { field: "name" },
                    });
                }
                RegistryChange::EnrollReader {
                    recipient: payload_recipient(kind, &p.recipient)?,
                    name: p.name,
                }
            }
            Kind::Revoke if names_recipient(payload) => {
                let p: RevokeReaderPayload = parse_json(kind, payload)?;
                if p.reason.trim().is_empty() {
                    return Err(PayloadError::Invalid {
                        kind,
                        reason: Reason::RevocationReason,
                    });
                }
                RegistryChange::RevokeReader {
                    recipient: payload_recipient(kind, &p.recipient)?,
                    reason: p.reason,
                }
            }
            Kind::Enroll => {
                let p: EnrollPayload = parse_json(kind, payload)?;
                let key = payload_key(&p.key).map_err(|e| PayloadError::Invalid {
                    kind,
                    reason: Reason::Field {
                        field: "key",
                        detail: e.to_string(),
                    },
                })?;
                if p.name.trim().is_empty() {
                    return Err(PayloadError::Invalid {
                        kind,
                        reason: Reason::Empty { field: "name" },
                    });
                }
                if p.role == Role::Reader {
                    return Err(PayloadError::Invalid {
                        kind,
                        reason: Reason::ReaderByKey,
                    });
                }
                let succeeds = match &p.succeeds {
                    None => None,
                    Some(s) => Some(payload_key(s).map_err(|e| PayloadError::Invalid {
                        kind,
                        reason: Reason::Field {
                            field: "succeeds",
                            detail: e.to_string(),
                        },
                    })?),
                };
                RegistryChange::Enroll {
                    key,
                    name: p.name,
                    role: p.role,
                    succeeds,
                }
            }
            Kind::Revoke => {
                let p: RevokePayload = parse_json(kind, payload)?;
                let key = payload_key(&p.key).map_err(|e| PayloadError::Invalid {
                    kind,
                    reason: Reason::Field {
                        field: "key",
                        detail: e.to_string(),
                    },
                })?;
                if p.reason.trim().is_empty() {
                    return Err(PayloadError::Invalid {
                        kind,
                        reason: Reason::RevocationReason,
                    });
                }
                RegistryChange::Revoke {
                    key,
                    reason: p.reason,
                    effective_at: p.effective_at,
                }
            }
            _ => return Ok(None),
        }))
    }
}

/// Why a statement's payload part is not what its kind requires.
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum PayloadError {
    #[error("a {kind} statement needs a part labelled {label:?}")]
    MissingPart { kind: Kind, label: &'static str },
    /// Every error of the payload's JSON, with its path and value
    /// (`json::from_slice_all`).
    #[error("the {kind} payload is not valid JSON of its kind: {errors}")]
    Json {
        kind: Kind,
        errors: crate::json::JsonErrors,
    },
    #[error("the {kind} payload is invalid: {reason}")]
    Invalid { kind: Kind, reason: Reason },
}

/// Parse a kind's JSON payload strictly (unknown fields are refused); a
/// refusal lists every error of the payload, not only the first.
pub fn parse_json<T: serde::de::DeserializeOwned>(
    kind: Kind,
    bytes: &[u8],
) -> Result<T, PayloadError> {
    crate::json::from_slice_all(bytes).map_err(|errors| PayloadError::Json { kind, errors })
}
