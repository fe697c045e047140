//! The log as C2SP tlog-tiles (docs/FORMAT.md §15), computed from the
//! store: `GET /tile/<L>/<N>[.p/<W>]`, `/tile/entries/…` and temoin's
//! `/payload/…`; the checkpoint is `GET /checkpoint`. Full tiles never
//! change: cached for a year; partial tiles briefly.
//!
//! Hash tiles and entry bundles are public, like checkpoints and receipts:
//! an entry holds commitments, not content. Payload bundles hold the
//! claims themselves (incidents, figures, victims' names), the content
//! that `/v1/…` serves only to token holders: they take a token too,
//! unless the archive is served `--public`.

use super::Route;
use crate::auth::Reader;
use crate::error::ApiError;
use crate::routes::transparency::blocking;
use crate::state::AppState;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use temoin_archive::tiles::{self, Tile};

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/tile/{*path}", get(tile)),
        Route::get("/payload/{*path}", get(payload)),
    ]
}

async fn tile(state: State<AppState>, Path(path): Path<String>) -> Result<Response, ApiError> {
    serve(state, format!("tile/{path}")).await
}

async fn payload(
    state: State<AppState>,
    _: Reader,
    Path(path): Path<String>,
) -> Result<Response, ApiError> {
    let mut r = serve(state, format!("payload/{path}")).await?;
    // Content behind a token is nobody's shared cache's business.
    r.headers_mut().insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    Ok(r)
}

async fn serve(State(state): State<AppState>, path: String) -> Result<Response, ApiError> {
    let t = Tile::parse(&path).map_err(|e| ApiError::not_found(e.to_string()))?;
    let size = state.published().size;
    let store = state.store.clone();
    let bytes = blocking(move || tiles::tile_bytes(&store, &t, size))
        .await?
        .ok_or_else(|| {
            ApiError::not_found(format!(
                "the tree of size {size} (the latest checkpoint) has no tile {path}"
            ))
        })?;
    let mut r = bytes.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/octet-stream"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if t.is_full() {
            "public, max-age=31536000, immutable"
        } else {
            "public, max-age=10"
        }),
    );
    Ok(r)
}
