//! What `temoin serve` is told: where, and its limits.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

/// A server's settings.
#[derive(Clone, Debug)]
pub struct Options {
    /// The archive directory (opened for writing: the server owns it).
    pub archive: PathBuf,
    /// Where to listen (port 0: any free port).
    pub listen: SocketAddr,
    /// Largest request body accepted, in bytes (a `.tms` file).
    pub max_body_bytes: u64,
    /// A request must be received and answered within this time; its
    /// headers within it too (a slow client is cut off).
    pub request_timeout: Duration,
    /// Open connections at once; more wait in the kernel's queue.
    pub max_connections: usize,
    /// Requests handled at once (the rest wait, within the timeout).
    pub max_in_flight: usize,
    /// Requests per second from one address (burst: twice that); 0: no limit.
    pub rate_per_address: u32,
    /// Submissions per second by one author key (burst: twice that); 0: no limit.
    pub rate_per_key: u32,
    /// Statements appended in one durable write, at most.
    pub max_batch: usize,
    /// Serve the content (`/v1/incidents`…) without a token, for an
    /// archive meant to be public; the custodian's routes still need one.
    pub public: bool,
    /// Witnesses asked to cosign each new checkpoint (`--witness URL=VKEY`).
    pub witnesses: Vec<crate::witness_client::WitnessConfig>,
    /// How long a submission waits for the witnesses' cosignatures before
    /// its receipt is made without those still missing (each request to a
    /// witness is bounded by it too).
    pub witness_wait: Duration,
    /// The TSA asked for a timestamp token over new checkpoints (`--tsa`).
    pub tsa: Option<crate::tsa::TsaConfig>,
    /// At most one token per this period (`--tsa-every MINUTES`); `None`:
    /// one for each new checkpoint.
    pub tsa_every: Option<Duration>,
}

impl Options {
    pub fn new(archive: PathBuf, listen: SocketAddr) -> Options {
        Options {
            archive,
            listen,
            max_body_bytes: DEFAULT_MAX_BODY_BYTES,
            request_timeout: Duration::from_secs(30),
            max_connections: 1024,
            max_in_flight: 256,
            rate_per_address: 50,
            rate_per_key: 20,
            max_batch: 1024,
            public: false,
            witnesses: Vec::new(),
            witness_wait: Duration::from_secs(2),
            tsa: None,
            tsa_every: None,
        }
    }
}

/// A statement file read whole, as `temoin ingest` reads any up to this size
/// (larger ones it streams; over HTTP they are refused, 413).
pub const DEFAULT_MAX_BODY_BYTES: u64 = 4 << 20;

/// The largest `--max-body-bytes`: the largest statement file decoded whole.
pub const MAX_BODY_BYTES: u64 = 64 << 20;
