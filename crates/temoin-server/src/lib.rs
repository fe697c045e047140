//! `temoin serve`: the archive behind HTTP.
//!
//! The server process owns the archive (it holds its lock): one writer
//! thread ([`writer`]) holds the [`Archive`](temoin_archive::Archive) and
//! appends what handlers send it, many statements to one durable flush
//! (group commit); handlers read the store through a clone of it, and only
//! ever show a checkpoint once it is durable ([`state::Published`]).
//!
//! - `POST /v1/statements`: a `.tms` body; its own signature is the
//!   authentication. 200 with the receipt once durable, or a 4xx JSON
//!   error `{code, message}` with the archive unchanged.
//! - `GET /checkpoint`, `GET /v1/receipts/{hash}`, `GET /v1/consistency`:
//!   the public transparency endpoints.
//! - `GET /v1/openapi.json`: the API's description (`openapi.json`).
//! - `/`, `/incidents/{id}`, `/tally`...: the web pages ([`web`]), French
//!   and English, for people with a browser.
//!
//! Routes live in [`routes`], one module per area, all sharing one
//! [`AppState`]. [`client`] is the other side: what `temoin push` runs.

#![forbid(unsafe_code)]

pub mod auth;
pub mod bench;
pub mod client;
pub mod error;
pub mod limits;
pub mod options;
pub mod routes;
mod serve;
pub mod state;
pub mod tsa;
pub mod web;
pub mod witness;
pub mod witness_client;
pub mod writer;

pub use error::ApiError;
pub use options::Options;
pub use serve::{run, Running, ServeError};
pub use state::AppState;

/// The media type of a statement file (`.tms`) in a request body.
pub const STATEMENT_MEDIA_TYPE: &str = "application/vnd.temoin.statement";

/// The name of the file a running server leaves in the archive directory,
/// holding the URL it serves at, so that a command that finds the archive
/// locked can say where to go instead. Removed when the server stops.
pub const SERVED_AT_FILE: &str = "served-at";

/// The URL of the server serving the archive in `dir`, as it left it in
/// [`SERVED_AT_FILE`] (only meaningful while the archive is locked).
pub fn served_at(dir: &std::path::Path) -> Option<String> {
    let s = std::fs::read_to_string(dir.join(SERVED_AT_FILE)).ok()?;
    let s = s.trim();
    (s.starts_with("http://") || s.starts_with("https://")).then(|| s.to_string())
}
