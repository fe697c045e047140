//! # temoin — an evidence-grade archive of testimonies
//!
//! The `temoin` package is the command line; this library is one name for
//! the crates below it (the chain-of-custody report, `report`, lives in
//! `temoin-archive`, where the server reaches it too), so that `temoin::archive`, `temoin::statement`... keep one path:
//!
//! - `temoin-core`: the portable verification core (formats, hashes,
//!   proofs, signatures, rules), no storage;
//! - `temoin-archive`: the sealed store, the writer and the reader, ingest,
//!   audit, projections, receipts and bundles;
//! - `temoin-bench`: the harness of `temoin bench`.
//!
//! The byte formats are specified in `docs/FORMAT.md`.

#![forbid(unsafe_code)]

pub use temoin_archive::*;
