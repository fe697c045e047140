//! temoin's portable verification core: what a lawyer's verifier, a mirror
//! or a second implementation needs, and nothing else. No storage, no file
//! system: the RFC 9162 hashes and proofs (one place computes each hash),
//! the canonical encoding, C2SP signed notes and checkpoints, the strict
//! JSON reader and the archive's time format. docs/FORMAT.md specifies each.
#![forbid(unsafe_code)]

pub mod checkpoint;
pub mod encoding;
pub mod hash;
pub mod json;
pub mod merkle;
pub mod note;
pub mod time;
