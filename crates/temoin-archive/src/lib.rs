//! temoin's archive: statements signed by their authors (Ed25519) appended
//! to a hash-chained log inside an RFC 9162 Merkle tree, stored in sled,
//! with signed C2SP checkpoints. Projections rebuild each incident's state
//! from the log, and every projected fact names the entries it came from.
//!
//! The byte formats are specified in `docs/FORMAT.md` and computed by
//! `temoin-core`, re-exported here under the same module names. This crate
//! adds what needs storage: the sealed store, the writer and the reader,
//! ingest, audit, projections, receipts and evidence bundles.
//!
//! ```no_run
//! use temoin_archive::{archive::{Archive, Config}, keys::SecretKey, statement::{Draft, Kind}};
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let custodian = SecretKey::generate("custodian")?;
//! let mut archive = Archive::init("archive".as_ref(), Config::new("temoin.example/demo"), &custodian, "Custodian")?;
//! let note = Draft::new(Kind::Note).part("text", "Premier témoignage reçu.").sign(&custodian)?;
//! let accepted = archive.ingest(&note)?.expect("accepted");
//! println!("appended as entry {}", accepted.seq);
//! # Ok(()) }
//! ```

#![forbid(unsafe_code)]

pub mod access;
pub mod appendfile;
pub mod archive;
pub use temoin_core::attach;
pub mod attachment;
pub mod audit;
pub mod bundle;
pub use temoin_core::checkpoint;
pub use temoin_core::compose;
pub use temoin_core::cosignature;
pub mod bulk;
pub mod compromise;
pub mod content_json;
pub mod demo;
pub mod derived;
pub use temoin_core::domain;
pub mod durable;
pub mod explain;
pub use temoin_core::encoding;
pub use temoin_core::entry;
pub use temoin_core::hash;
pub use temoin_core::json;
pub mod i18n;
pub mod keys;
pub use temoin_core::merkle;
pub use temoin_core::par;
pub use temoin_core::partcheck;
pub use temoin_core::signed_note;
pub mod projection;
pub mod report;
pub use temoin_core::reason;
pub use temoin_core::receipt;
pub use temoin_core::registry;
pub use temoin_core::rules;
pub use temoin_core::seal;
pub mod seen;
pub use temoin_core::statement;
pub mod store;
pub mod tiles;
pub use temoin_core::time;
pub use temoin_core::tms;
pub mod treefile;
pub use temoin_core::timestamp;
pub use temoin_core::verdict;
pub use temoin_core::verifier_page;
pub use temoin_core::witness;

pub use archive::{Accepted, Archive, ArchiveError, Config, Refusal};
pub use hash::Digest;
pub use statement::{Draft, Kind, StatementFile};
