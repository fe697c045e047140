//! The state every handler shares.

use crate::limits::{Budget, RateLimiter};
use crate::options::Options;
use crate::writer::WriterHandle;
use std::sync::{Arc, RwLock};
use temoin_archive::store::Store;

/// The latest checkpoint that is durable: the only one the server shows.
/// (The store may hold a newer one for a moment, written and not yet
/// flushed; showing it could show a tree that a crash then takes back.)
#[derive(Clone, Debug)]
pub struct Published {
    pub size: u64,
    pub note: Arc<str>,
}

/// Shared by all handlers (cheap to clone).
#[derive(Clone)]
pub struct AppState {
    /// A read handle on the archive's store (the writer thread holds the
    /// archive itself).
    pub store: Store,
    pub published: Arc<RwLock<Published>>,
    pub writer: WriterHandle,
    pub options: Arc<Options>,
    /// The archive's origin (its checkpoint key's name).
    pub origin: Arc<str>,
    /// The archive's checkpoint verifier key (C2SP vkey).
    pub vkey: Arc<str>,
    /// Per-address requests.
    pub by_address: Arc<RateLimiter<std::net::IpAddr>>,
    /// Per-author-key submissions.
    pub by_key: Arc<RateLimiter<[u8; 32]>>,
    /// Bytes of request bodies held at once.
    pub body_budget: Budget,
    /// Requests handled at once.
    pub in_flight: Arc<tokio::sync::Semaphore>,
    /// The access tokens, re-read when their file changes.
    pub tokens: Arc<crate::auth::Tokens>,
    /// The web pages' sign-in sessions (hashes only; see [`crate::web`]).
    pub sessions: Arc<crate::web::Sessions>,
    /// The witnesses' cosigning, when the server has witnesses.
    pub cosigning: Option<crate::witness_client::Cosigning>,
}

impl AppState {
    /// The latest durable checkpoint.
    pub fn published(&self) -> Published {
        match self.published.read() {
            Ok(p) => p.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    pub(crate) fn publish(published: &RwLock<Published>, p: Published) {
        match published.write() {
            Ok(mut g) => *g = p,
            Err(poisoned) => *poisoned.into_inner() = p,
        }
    }
}
