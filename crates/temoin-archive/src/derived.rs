//! The rows of the store that are derived from the log and that the writer
//! relies on (docs/FORMAT.md §8, §9): checked by the audit against what its
//! replay of the log derives, and checked in part by the writer when it
//! opens the archive.
//!
//! The writer decides what to append from the statement index (`H`: is a
//! statement already in the log, who owns a record, was it superseded,
//! retracted, redacted), the incident index (`I`: is an id taken), the
//! registry's seqs (`R`: which keys are enrolled or revoked) and the head,
//! `parts_end` and config (`X`). A row deleted or altered behind the
//! writer's back would make it acknowledge what the audit rejects, so:
//! - the audit compares every `H`, `I` and `R` row, and `X "head"`,
//!   `X "parts_end"` and `X "config"`, with what its replay derives, and
//!   names the first row that differs and what it should hold
//!   ([`DerivedRows::check`]);
//! - the writer, at open, checks what it can cheaply ([`check_writer_state`]):
//!   the head against the last entry, `parts_end` against the last stored
//!   parts, the config's origin and the checkpoint key against the genesis.
//!   Rebuilding `H`, `I` or `R` at every open would cost a scan of the log;
//!   `temoin verify` checks them.

use crate::audit::{LogFault, LogFaultReason as R, Stored};
use crate::encoding;
use crate::hash::Digest;
use crate::rules::{IncidentInfo, StatementInfo};
use crate::store::{self, Damage, Store, StoreError};
use crate::verdict::FaultKind;
use std::collections::{BTreeMap, HashMap};
use std::hash::{BuildHasher, Hasher};

/// What the replay derives of the rows the writer relies on.
///
/// Statement-index rows are kept as a 64-bit digest of their value (16
/// bytes per statement with the seq, against ~0.5 KB for the value): the
/// digest is keyed at random for each audit (`RandomState`), so a forger
/// cannot make an altered row hash like the true one. The first row that
/// differs is then located exactly by a second replay
/// ([`crate::audit`]'s `expected_statement_row`), which is only run on a
/// fault.
pub struct DerivedRows {
    keyed: std::collections::hash_map::RandomState,
    /// Statement fingerprint -> (seq of the statement, digest of its row).
    statements: HashMap<u64, (u64, u64), crate::hash::Fingerprints>,
    /// Statements whose fingerprint another statement took first.
    collided: HashMap<Digest, (u64, u64)>,
    /// Seqs of the registry statements, in order.
    pub registry: Vec<u64>,
}

impl DerivedRows {
    pub fn with_capacity(n: u64) -> DerivedRows {
        let n = usize::try_from(n.min(1 << 22)).unwrap_or(0);
        DerivedRows {
            keyed: Default::default(),
            statements: HashMap::with_capacity_and_hasher(n, Default::default()),
            collided: HashMap::new(),
            registry: Vec::new(),
        }
    }

    fn digest(&self, value: &[u8]) -> u64 {
        let mut h = self.keyed.build_hasher();
        h.write(value);
        h.finish()
    }

    /// The row of statement `hash` is now `info` (the writer writes each
    /// statement's row when it is appended, and again when a later
    /// statement amends, retracts or redacts it).
    pub fn statement(&mut self, hash: &Digest, info: &StatementInfo) {
        let d = self.digest(&encoding::encode(info));
        match self.statements.entry(hash.fingerprint()) {
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert((info.seq, d));
            }
            // One seq holds one statement: the same fingerprint at the
            // same seq is the same statement.
            std::collections::hash_map::Entry::Occupied(mut o) if o.get().0 == info.seq => {
                o.insert((info.seq, d));
            }
            std::collections::hash_map::Entry::Occupied(_) => {
                self.collided.insert(*hash, (info.seq, d));
            }
        }
    }

    /// Compare the stored `H`, `I` and `R` rows with those derived.
    /// `incidents` is the replay's final incident index; `end` the log's
    /// size (the seq named by a fault about a row that belongs to no
    /// entry). A mismatch of an `H` row is returned as [`RowFault::Statement`]
    /// for the caller to locate what it should hold.
    pub fn check(
        mut self,
        store: &Store,
        incidents: &HashMap<String, IncidentInfo>,
        end: u64,
    ) -> Result<Option<RowFault>, StoreError> {
        if let Some(f) = check_registry_rows(store, &self.registry, end)? {
            return Ok(Some(RowFault::Fault(f)));
        }
        if let Some(f) = check_incident_rows(store, incidents, end)? {
            return Ok(Some(RowFault::Fault(f)));
        }
        for row in store.statement_rows() {
            let (k, v) = row?;
            let Ok(hash) = <[u8; 32]>::try_from(k.as_ref()) else {
                return Ok(Some(RowFault::Fault(LogFault {
                    seq: end,
                    kind: FaultKind::DerivedRow,
                    reason: R::StatementKey { key: k.to_vec() },
                })));
            };
            let hash = Digest(hash);
            let d = self.digest(&v);
            let expected = match self.collided.remove(&hash) {
                Some(e) => Some(e),
                None => match self.statements.get(&hash.fingerprint()) {
                    Some(&e) if e.1 == d => self.statements.remove(&hash.fingerprint()),
                    other => other.copied(),
                },
            };
            match expected {
                Some((_, expected)) if expected == d => {}
                Some((seq, _)) => {
                    return Ok(Some(RowFault::Statement {
                        hash,
                        seq,
                        stored: Some(v.to_vec()),
                    }))
                }
                None => {
                    return Ok(Some(RowFault::Fault(LogFault {
                        seq: end,
                        kind: FaultKind::DerivedRow,
                        reason: R::StatementUnknown {
                            hash,
                            stored: Box::new(stored_statement(&v)),
                        },
                    })))
                }
            }
        }
        // Left over: statements of the log with no row.
        let missing = self
            .statements
            .values()
            .chain(self.collided.values())
            .map(|&(seq, _)| seq)
            .min();
        if let Some(seq) = missing {
            let hash = store
                .entry(seq)?
                .map(|e| e.statement.hash())
                .ok_or(StoreError::Corrupt(Damage::MissingEntry { seq }))?;
            return Ok(Some(RowFault::Statement {
                hash,
                seq,
                stored: None,
            }));
        }
        Ok(None)
    }
}

/// A derived row that differs from what the log derives.
pub enum RowFault {
    /// Named and explained.
    Fault(LogFault),
    /// The statement-index row of statement `hash` (at entry `seq`) is
    /// absent (`stored: None`) or holds other bytes: what it should hold is
    /// found by a second replay.
    Statement {
        hash: Digest,
        seq: u64,
        stored: Option<Vec<u8>>,
    },
}

impl RowFault {
    /// The fault, given what the row should hold.
    pub fn statement_fault(
        hash: &Digest,
        seq: u64,
        stored: Option<&[u8]>,
        expected: &StatementInfo,
    ) -> LogFault {
        let hash = *hash;
        let expected = Box::new(expected.clone());
        LogFault {
            seq,
            kind: FaultKind::DerivedRow,
            reason: match stored {
                None => R::StatementRowMissing { hash, expected },
                Some(v) => R::StatementRowDiffers {
                    hash,
                    stored: Box::new(stored_statement(v)),
                    expected,
                },
            },
        }
    }
}

/// A stored statement-index row's value, decoded if it decodes.
fn stored_statement(v: &[u8]) -> Stored<StatementInfo> {
    match encoding::decode_canonical(v, 1 << 20, "statement index") {
        Ok(info) => Stored::Holds(info),
        Err(e) => Stored::DoesNotDecode(e.to_string()),
    }
}

/// The `R` rows: exactly the seqs of the registry statements.
fn check_registry_rows(
    store: &Store,
    derived: &[u64],
    end: u64,
) -> Result<Option<LogFault>, StoreError> {
    let mut stored = Vec::with_capacity(derived.len());
    for row in store.registry_rows() {
        match row? {
            Ok(seq) => stored.push(seq),
            Err(store::MalformedKey(k)) => {
                return Ok(Some(LogFault {
                    seq: end,
                    kind: FaultKind::DerivedRow,
                    reason: R::RegistryKey { key: k },
                }))
            }
        }
    }
    let mut d = derived.iter().peekable();
    let mut s = stored.iter().peekable();
    loop {
        match (d.peek(), s.peek()) {
            (None, None) => return Ok(None),
            (Some(a), Some(b)) if a == b => {
                d.next();
                s.next();
            }
            (Some(&&a), b) if b.is_none_or(|&&b| a < b) => {
                return Ok(Some(LogFault {
                    seq: a,
                    kind: FaultKind::DerivedRow,
                    reason: R::RegistryRowMissing { seq: a },
                }))
            }
            (_, Some(&&b)) => {
                return Ok(Some(LogFault {
                    seq: b.min(end),
                    kind: FaultKind::DerivedRow,
                    reason: R::RegistryRowExtra { seq: b },
                }))
            }
            (Some(_), None) => unreachable!("handled above"),
        }
    }
}

/// The `I` rows: exactly the incidents of the replay's index.
fn check_incident_rows(
    store: &Store,
    derived: &HashMap<String, IncidentInfo>,
    end: u64,
) -> Result<Option<LogFault>, StoreError> {
    let derived: BTreeMap<&[u8], (&String, &IncidentInfo)> = derived
        .iter()
        .map(|(id, i)| (id.as_bytes(), (id, i)))
        .collect();
    let mut expected = derived.iter().peekable();
    for row in store.incident_rows() {
        let (k, v) = row?;
        let id = &k[..];
        // Rows the log derives and that sort before this one are missing.
        if let Some((_, (name, info))) = expected.next_if(|(e, _)| **e < id) {
            return Ok(Some(missing_incident(name, info)));
        }
        let stored: Result<IncidentInfo, _> =
            encoding::decode_canonical(&v, 1 << 20, "incident index");
        let shown = String::from_utf8_lossy(id);
        match expected.next_if(|(e, _)| **e == id) {
            Some((_, (_, info))) => match stored {
                Ok(s) if s == **info => {}
                other => {
                    let stored = match other {
                        Ok(s) => Stored::Holds(s),
                        Err(e) => Stored::DoesNotDecode(e.to_string()),
                    };
                    return Ok(Some(LogFault {
                        seq: info.opened_at,
                        kind: FaultKind::DerivedRow,
                        reason: R::IncidentRowDiffers {
                            id: shown.into_owned(),
                            stored: Box::new(stored),
                            expected: Box::new((*info).clone()),
                        },
                    }));
                }
            },
            None => {
                return Ok(Some(LogFault {
                    seq: end,
                    kind: FaultKind::DerivedRow,
                    reason: R::IncidentRowExtra {
                        id: shown.into_owned(),
                    },
                }))
            }
        }
    }
    match expected.next() {
        Some((_, (name, info))) => Ok(Some(missing_incident(name, info))),
        None => Ok(None),
    }
}

fn missing_incident(id: &str, info: &IncidentInfo) -> LogFault {
    LogFault {
        seq: info.opened_at,
        kind: FaultKind::DerivedRow,
        reason: R::IncidentRowMissing {
            id: id.to_string(),
            expected: Box::new(info.clone()),
        },
    }
}

/// `X "parts_end"` against the stored parts: at least the end of every
/// stored part (a writer cuts the parts file at `parts_end` when it
/// opens the archive, which would destroy the parts past it).
pub fn check_parts_end(store: &Store, end: u64) -> Result<Option<LogFault>, StoreError> {
    let parts_end = match store.parts_end() {
        Ok(p) => p,
        Err(e) => {
            return Ok(Some(LogFault {
                seq: end,
                kind: FaultKind::DerivedRow,
                reason: R::PartsEndDoesNotDecode(e.to_string()),
            }))
        }
    };
    let mut furthest: Option<(u64, u64)> = None;
    for r in store.part_locs(0, u64::MAX) {
        let (seq, _, loc) = r?;
        let part_end = loc.offset.saturating_add(loc.len);
        if furthest.is_none_or(|(_, e)| part_end > e) {
            furthest = Some((seq, part_end));
        }
    }
    Ok(match furthest {
        Some((seq, part_end)) if part_end > parts_end => Some(LogFault {
            seq,
            kind: FaultKind::DerivedRow,
            reason: R::PartsEnd {
                held: parts_end,
                seq,
                end: part_end,
            },
        }),
        _ => None,
    })
}

/// `X "config"`: present, readable, and of the origin the genesis names.
pub fn check_config(store: &Store, origin: Option<&str>) -> Result<Option<LogFault>, StoreError> {
    let config: Option<crate::archive::Config> = store
        .config_json()?
        .and_then(|v| serde_json::from_slice(&v).ok());
    Ok(match (config, origin) {
        (None, _) => Some(LogFault {
            seq: 0,
            kind: FaultKind::DerivedRow,
            reason: R::ConfigMissing,
        }),
        (Some(c), Some(o)) if c.origin != o => Some(LogFault {
            seq: 0,
            kind: FaultKind::DerivedRow,
            reason: R::ConfigOrigin {
                config: c.origin,
                genesis: o.to_string(),
            },
        }),
        _ => None,
    })
}

/// The genesis of the log (entry 0): its origin and checkpoint key, read
/// from the entry itself, not from the registry rows.
pub fn genesis(store: &Store) -> Result<crate::registry::Registry, StoreError> {
    let mut reg = crate::registry::Registry::default();
    if let Some(change) = crate::archive::registry_change_at(store, 0)? {
        reg.apply(0, change);
    }
    Ok(reg)
}

/// The archive's `checkpoint.key`, if present, against the key its genesis
/// names: the writer signs new checkpoints with that file.
pub fn check_key_file(
    dir: &std::path::Path,
    store: &Store,
) -> Result<Option<LogFault>, StoreError> {
    let path = dir.join(crate::archive::CHECKPOINT_KEY_FILE);
    if !path.exists() {
        return Ok(None);
    }
    let expected = genesis(store)?.checkpoint_key.unwrap_or_default();
    let found = crate::keys::SecretKey::load(&path)
        .map_err(|e| e.to_string())
        .and_then(|k| k.vkey().map_err(|e| e.to_string()));
    Ok(match found {
        Ok(vkey) if vkey == expected => None,
        Ok(vkey) => Some(LogFault {
            seq: 0,
            kind: FaultKind::KeyFile,
            reason: R::KeyFileWrong {
                path,
                found: vkey,
                expected,
            },
        }),
        Err(e) => Some(LogFault {
            seq: 0,
            kind: FaultKind::KeyFile,
            reason: R::KeyFileUnloadable {
                path,
                error: e,
                expected,
            },
        }),
    })
}
