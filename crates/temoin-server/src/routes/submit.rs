//! `POST /v1/statements`: a statement file (`.tms`) in, its receipt out
//! once durable. The statement's own signature is the authentication.

use super::transparency::{json_text, receipt_at};
use super::Route;
use crate::error::ApiError;
use crate::state::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::Response;
use axum::routing::post;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use temoin_archive::archive::Refusal;
use temoin_archive::statement::StatementFile;

pub fn routes() -> Vec<Route> {
    vec![Route::post("/v1/statements", post(submit))]
}

/// The media types a statement file may come as.
const ACCEPTED_TYPES: [&str; 2] = [crate::STATEMENT_MEDIA_TYPE, "application/octet-stream"];

fn unsupported_type() -> ApiError {
    ApiError::new(
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
        format!(
            "send the statement file (.tms) as {} (or application/octet-stream)",
            crate::STATEMENT_MEDIA_TYPE
        ),
    )
}

fn too_large(limit: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        "too_large",
        format!(
            "the request body is over this server's limit of {limit} bytes (a larger statement file, with its attachments, is ingested from the file with `temoin ingest`)"
        ),
    )
}

async fn submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .ok_or_else(unsupported_type)?;
    if !ACCEPTED_TYPES.contains(&media.as_str()) {
        return Err(unsupported_type());
    }
    let limit = state.options.max_body_bytes;
    // Refused before a byte of it is read when it says its size.
    let declared = match headers.get(header::CONTENT_LENGTH) {
        None => None,
        Some(v) => Some(
            v.to_str()
                .ok()
                .and_then(|s| s.parse::<u64>().ok())
                .ok_or_else(|| ApiError::bad_request("bad_request", "bad Content-Length"))?,
        ),
    };
    if declared.is_some_and(|n| n > limit) {
        return Err(too_large(limit));
    }
    let _room = state.body_budget.reserve(declared.unwrap_or(limit)).await?;
    let limit_usize = usize::try_from(limit).unwrap_or(usize::MAX);
    let bytes = match Limited::new(body, limit_usize).collect().await {
        Ok(c) => c.to_bytes(),
        Err(e) if e.downcast_ref::<LengthLimitError>().is_some() => return Err(too_large(limit)),
        Err(_) => {
            return Err(ApiError::bad_request(
                "truncated_body",
                "the request body ended before its end (connection cut?); nothing was appended: send it again",
            ))
        }
    };
    if bytes.is_empty() {
        return Err(ApiError::bad_request(
            "empty_body",
            "the request body is empty: send a statement file (.tms)",
        ));
    }
    let file =
        StatementFile::from_bytes(&bytes).map_err(|e| ApiError::refused(&Refusal::File(e)))?;
    let size = bytes.len();
    drop(bytes);
    let batch = state.writer.precheck(file, size).await?;
    if let Some(Some(author)) = batch.authors().first() {
        if let Err(wait) = state.by_key.take(author) {
            return Err(ApiError::rate_limited(wait));
        }
    }
    let (outcome, published) = state.writer.append(batch).await?;
    let accepted = outcome.map_err(|r| ApiError::refused(&r))?;
    // With witnesses: the checkpoint (the same or a later one) their
    // round ended with, within the bounded wait.
    let published = if state.cosigning.is_some() {
        state.witnessed(published.size).await
    } else {
        published
    };
    // A receipt is an entry and some dozens of tree nodes read from the
    // store's cache and files: made here, without a thread switch.
    let receipt = receipt_at(&state.store, accepted.seq, &published).map_err(ApiError::internal)?;
    Ok(json_text(receipt.to_json()))
}
