//! The public transparency endpoints: the latest durable checkpoint,
//! receipts, consistency proofs. They read the store; they never wait for
//! the writer.

use super::Route;
use crate::error::ApiError;
use crate::state::{AppState, Published};
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use temoin_archive::hash::Digest;
use temoin_archive::receipt::{ConsistencyProof, Receipt};
use temoin_archive::store::Store;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/checkpoint", get(checkpoint)),
        Route::get("/v1/checkpoints/{size}", get(checkpoint_at)),
        Route::get("/v1/receipts/{hash}", get(receipt)),
        Route::get("/v1/consistency", get(consistency)),
    ]
}

/// The C2SP media type of a signed note is plain text.
fn note_response(note: &str) -> Response {
    let mut r = note.to_string().into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// A JSON document as the command line writes it to a file (pretty, one
/// final newline): a receipt served is byte for byte a `.receipt.json`.
pub fn json_text(text: String) -> Response {
    let mut r = (text + "\n").into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// `GET /checkpoint`: the latest signed checkpoint (C2SP signed note).
async fn checkpoint(State(state): State<AppState>) -> Response {
    note_response(&state.published().note)
}

/// `GET /v1/checkpoints/{size}`: the checkpoint issued at tree size `size`.
async fn checkpoint_at(
    State(state): State<AppState>,
    Path(size): Path<String>,
) -> Result<Response, ApiError> {
    let size: u64 = size
        .parse()
        .map_err(|_| ApiError::bad_request("bad_size", "a tree size is a decimal integer"))?;
    let published = state.published();
    let no_such = || {
        ApiError::not_found(format!(
            "the archive issued no checkpoint at tree size {size} (it signs one per write)"
        ))
    };
    if size > published.size {
        return Err(no_such());
    }
    let store = state.store.clone();
    let note = blocking(move || store.checkpoint_note(size))
        .await?
        .ok_or_else(no_such)?;
    Ok(note_response(&note))
}

/// `GET /v1/receipts/{hash}`: the receipt of a statement in the log,
/// against the latest durable checkpoint.
async fn receipt(
    State(state): State<AppState>,
    Path(hash): Path<String>,
) -> Result<Response, ApiError> {
    let digest = Digest::from_hex(&hash).ok_or_else(|| {
        ApiError::bad_request("bad_hash", "a statement hash is 64 lowercase hex digits")
    })?;
    let published = state.published();
    let store = state.store.clone();
    let r = blocking(move || {
        let Some(info) = temoin_archive::rules::Index::statement(&store, &digest)? else {
            return Ok(None);
        };
        if info.seq >= published.size {
            return Ok(None);
        }
        receipt_at(&store, info.seq, &published).map(Some)
    })
    .await?;
    r.map(|r| json_text(r.to_json()))
        .ok_or_else(|| ApiError::not_found(format!("statement {hash} is not in the log")))
}

#[derive(serde::Deserialize)]
struct ConsistencyQuery {
    old: u64,
    new: Option<u64>,
}

/// `GET /v1/consistency?old=M[&new=N]`: the RFC 9162 consistency proof
/// from tree size M to N (default: the latest), as the file of
/// `temoin consistency-proof` (docs/FORMAT.md §11.1).
async fn consistency(
    State(state): State<AppState>,
    query: Result<Query<ConsistencyQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|_| {
        ApiError::bad_request(
            "bad_query",
            "give the older tree size as ?old=M, and the newer one as &new=N (default: the latest)",
        )
    })?;
    let published = state.published();
    let new = q.new.unwrap_or(published.size);
    if new > published.size {
        return Err(ApiError::not_found(format!(
            "the log's latest checkpoint has tree size {}, less than {new}",
            published.size
        )));
    }
    if q.old > new {
        return Err(ApiError::bad_request(
            "bad_query",
            format!("old size {} is larger than new size {new}", q.old),
        ));
    }
    let store = state.store.clone();
    let old = q.old;
    let file = blocking(move || {
        let proof = store.consistency_proof(old, new)?;
        let note = if new == published.size {
            Some(published.note.to_string())
        } else {
            store.checkpoint_note(new)?
        };
        Ok::<_, temoin_archive::ArchiveError>(ConsistencyProof::new(old, new, &proof, note))
    })
    .await?;
    Ok(json_text(file.to_json()))
}

/// The receipt of entry `seq` against the durable checkpoint `published`.
pub fn receipt_at(
    store: &Store,
    seq: u64,
    published: &Published,
) -> Result<Receipt, temoin_archive::ArchiveError> {
    let bytes = store.entry_bytes(seq)?.ok_or_else(|| {
        temoin_archive::ArchiveError::Inconsistent(format!("entry {seq} is missing"))
    })?;
    let proof = store.inclusion_proof(seq, published.size)?;
    let timestamps = store.timestamps(published.size)?;
    Ok(Receipt::new(&bytes, published.note.to_string(), &proof)
        .map_err(temoin_archive::ArchiveError::Receipt)?
        .with_timestamps(&timestamps))
}

/// Run store reads off the async threads; their errors are internal.
pub async fn blocking<T: Send + 'static, E: std::fmt::Display + Send + 'static>(
    f: impl FnOnce() -> Result<T, E> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
        .map_err(ApiError::internal)
}
