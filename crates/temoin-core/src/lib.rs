//! temoin's portable verification core: what a lawyer's verifier, a mirror
//! or a second implementation needs, and nothing else. No storage, no file
//! system but for reading key files: the RFC 9162 hashes and proofs (one
//! place computes each hash), the canonical encoding, keys, C2SP signed
//! notes and checkpoints, statements and entries, the registry and domain
//! payloads, the rule engine, the projection fold, receipt and evidence
//! bundle verification and their fault kinds, the strict JSON reader and
//! the archive's time format. docs/FORMAT.md specifies each.
#![forbid(unsafe_code)]

pub mod attach;
pub mod bundle;
pub mod checkpoint;
pub mod codes;
pub mod compose;
pub mod compromise;
pub mod cosignature;
pub mod domain;
pub mod encoding;
pub mod entry;
pub mod hash;
pub mod json;
pub mod keys;
pub mod merkle;
pub mod par;
pub mod partcheck;
pub mod projection;
pub mod reason;
pub mod receipt;
pub mod registry;
pub mod rules;
pub mod seal;
pub mod signed_note;
pub mod statement;
pub mod tiles;
pub mod time;
pub mod timestamp;
pub mod tms;
pub mod verdict;
pub mod verifier_page;
pub mod witness;
