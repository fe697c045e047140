//! The content, for the holders of a token (`--public`: for anyone):
//! incidents, history, tally, victims, search, the same JSON as the
//! command line's `--json` ([`temoin_archive::content_json`]); bundles and
//! chain-of-custody reports, each recorded in the access log before a
//! byte of it is sent; the custodian's own routes (tokens, access log).
//!
//! Reads go through the store's read handle on blocking threads, as the
//! transparency endpoints do; they never wait for the writer. Sealed parts
//! are only ever in the store as ciphertext, and withheld ones are left
//! out of a bundle: nothing here serves either in clear.

use super::transparency::{blocking, json_text};
use super::Route;
use crate::auth::{Custodian, Reader, Who};
use crate::error::ApiError;
use crate::limits::Peer;
use crate::state::AppState;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use temoin_archive::access::{self, AccessRecord};
use temoin_archive::bundle::{self, ExportOptions, Scope};
use temoin_archive::content_json;
use temoin_archive::domain::Verification;
use temoin_archive::i18n::Lang;
use temoin_archive::projection::{ArchiveViews, AsOf, ProjectionError, TallyFilter};
use temoin_archive::store::Store;

pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/v1/incidents", get(incidents)),
        Route::get("/v1/incidents/{id}", get(incident)),
        Route::get("/v1/incidents/{id}/history", get(history)),
        Route::get("/v1/incidents/{id}/bundle", get(bundle_file)),
        Route::get("/v1/incidents/{id}/report", get(report)),
        Route::get("/v1/tally", get(tally)),
        Route::get("/v1/victims", get(victims)),
        Route::get("/v1/search", get(search)),
        Route::get("/v1/access-log", get(access_log)),
        Route::get("/v1/tokens", get(tokens)),
        Route::get("/verify", get(verify_page)),
    ]
}

/// A projection's refusal as the API says it.
fn projection_error(e: ProjectionError) -> ApiError {
    match e {
        ProjectionError::UnknownIncident(_)
        | ProjectionError::UnknownStatement(_)
        | ProjectionError::BadSubject(_)
        | ProjectionError::NotYetOpened { .. } => ApiError::not_found(e.to_string()),
        ProjectionError::Ambiguous { .. } | ProjectionError::AmbiguousStatement(_) => {
            ApiError::bad_request("ambiguous", e.to_string())
        }
        ProjectionError::BadAsOf(_) | ProjectionError::BadDate { .. } => {
            ApiError::bad_request("bad_query", e.to_string())
        }
        ProjectionError::NoHistory { .. } => ApiError::not_found(e.to_string()),
        e => ApiError::internal(e),
    }
}

/// Run a read of the projections on a blocking thread. The handlers cut
/// them at the latest durable checkpoint (`published`): an entry written
/// and not yet flushed is not shown, as the transparency endpoints do not
/// show its checkpoint.
async fn views<T: Send + 'static>(
    state: &AppState,
    f: impl FnOnce(&ArchiveViews<'_>) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let store: Store = state.store.clone();
    tokio::task::spawn_blocking(move || f(&ArchiveViews::new(&store)))
        .await
        .map_err(ApiError::internal)?
}

/// [`views`] as of `?as_of=` (an entry or a time), never past the latest
/// published checkpoint: a view shows only what is durable.
async fn views_as_of<T: Send + 'static>(
    state: &AppState,
    as_of_query: Option<&str>,
    f: impl FnOnce(&ArchiveViews<'_>, u64) -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    let cut = as_of(as_of_query)?;
    let durable = state.published().size;
    views(state, move |p| {
        let upto = p.cut(cut).map_err(projection_error)?.min(durable);
        f(p, upto)
    })
    .await
}

/// A blocking job whose errors are already the API's.
async fn blocking_api<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, ApiError> + Send + 'static,
) -> Result<T, ApiError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(ApiError::internal)?
}

fn as_of(s: Option<&str>) -> Result<Option<AsOf>, ApiError> {
    s.map(|s| s.parse::<AsOf>().map_err(projection_error))
        .transpose()
}

fn min_grade(s: Option<&str>) -> Result<Option<Verification>, ApiError> {
    s.map(|s| {
        s.parse::<Verification>().map_err(|_| {
            ApiError::bad_request("bad_query", format!("min_grade {s:?} is not a grade"))
        })
    })
    .transpose()
}

/// The JSON of `--json`, as a response (pretty, one final newline).
fn text<T: serde::Serialize>(value: &T) -> Result<Response, ApiError> {
    Ok(json_text(
        content_json::to_text(value).map_err(ApiError::internal)?,
    ))
}

fn bad_query(_: axum::extract::rejection::QueryRejection) -> ApiError {
    ApiError::bad_request(
        "bad_query",
        "this query string is not understood; see /v1/openapi.json",
    )
}

#[derive(serde::Deserialize, Default)]
struct ViewQuery {
    as_of: Option<String>,
    min_grade: Option<String>,
}

type Q<T> = Result<Query<T>, axum::extract::rejection::QueryRejection>;

/// `GET /v1/incidents`: `incident list --json`.
async fn incidents(
    State(state): State<AppState>,
    _: Reader,
    q: Q<ViewQuery>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    let body = views_as_of(&state, q.as_of.as_deref(), move |p, upto| {
        let mut out = Vec::new();
        content_json::write_incidents(p, upto, &mut out).map_err(|e| match e {
            content_json::WriteError::Projection(e) => projection_error(e),
            e => ApiError::internal(e),
        })?;
        Ok(out)
    })
    .await?;
    Ok(json_bytes(body))
}

fn json_bytes(body: Vec<u8>) -> Response {
    let mut r = body.into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    r
}

/// `GET /v1/incidents/{id}`: `incident show --json`.
async fn incident(
    State(state): State<AppState>,
    _: Reader,
    Path(id): Path<String>,
    q: Q<ViewQuery>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    let min = min_grade(q.min_grade.as_deref())?;
    let view = views_as_of(&state, q.as_of.as_deref(), move |p, upto| {
        let id = p.resolve(&id).map_err(projection_error)?;
        let mut view = p.incident(&id, upto).map_err(projection_error)?;
        if let Some(min) = min {
            view = view.with_min_grade(min);
        }
        Ok(view)
    })
    .await?;
    text(&view)
}

/// `GET /v1/incidents/{id}/history`: `history --json` (an incident, or a
/// testimony by its statement hash).
async fn history(
    State(state): State<AppState>,
    _: Reader,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    let h = views(&state, move |p| {
        p.history_in(&id, Lang::En).map_err(projection_error)
    })
    .await?;
    text(&h)
}

#[derive(serde::Deserialize, Default)]
struct TallyQuery {
    region: Option<String>,
    from: Option<String>,
    to: Option<String>,
    as_of: Option<String>,
    min_grade: Option<String>,
}

/// `GET /v1/tally`: `tally --json`.
async fn tally(
    State(state): State<AppState>,
    _: Reader,
    q: Q<TallyQuery>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    let filter = TallyFilter {
        region: q.region,
        from: q.from,
        to: q.to,
        min_grade: min_grade(q.min_grade.as_deref())?,
    };
    let t = views_as_of(&state, q.as_of.as_deref(), move |p, upto| {
        p.tally(&filter, upto).map_err(projection_error)
    })
    .await?;
    text(&t)
}

/// `GET /v1/victims`: `victims --json`.
async fn victims(
    State(state): State<AppState>,
    _: Reader,
    q: Q<ViewQuery>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    let v = views_as_of(&state, q.as_of.as_deref(), move |p, upto| {
        let rows = content_json::victim_rows(p, upto).map_err(projection_error)?;
        Ok(content_json::victims(&rows, upto))
    })
    .await?;
    text(&v)
}

#[derive(serde::Deserialize, Default)]
struct SearchQuery {
    q: Option<String>,
    as_of: Option<String>,
}

/// `GET /v1/search?q=`: `search --json`.
async fn search(
    State(state): State<AppState>,
    _: Reader,
    q: Q<SearchQuery>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    let key = temoin_archive::projection::matching::search_key(q.q.as_deref().unwrap_or(""));
    if key.is_empty() {
        return Err(ApiError::bad_request(
            "bad_query",
            "give something to look for: ?q= a name, a place, an incident id",
        ));
    }
    let hits = views_as_of(&state, q.as_of.as_deref(), move |p, upto| {
        content_json::search(p, upto, &key).map_err(projection_error)
    })
    .await?;
    text(&hits)
}

#[derive(serde::Deserialize, Default)]
struct ExportQuery {
    withhold: Option<String>,
    lang: Option<String>,
}

fn withheld(q: &ExportQuery) -> Vec<String> {
    q.withhold
        .as_deref()
        .unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(String::from)
        .collect()
}

/// The bundle of incident `id` (resolved as `incident show` does), every
/// part carried in the JSON: a server writes nothing beside it.
fn export(store: &Store, id: &str, withhold: Vec<String>) -> Result<bundle::Bundle, ApiError> {
    let p = ArchiveViews::new(store);
    let id = p.resolve(id).map_err(projection_error)?;
    let opts = ExportOptions {
        scope: Scope::Incident(id),
        withhold,
        beside: None,
    };
    bundle::export(store, &opts, temoin_archive::time::now_ms()).map_err(|e| match e {
        bundle::ExportError::NoSuchIncident(_) | bundle::ExportError::NoSuchStatement(_) => {
            ApiError::not_found(e.to_string())
        }
        bundle::ExportError::CannotWithhold(_) | bundle::ExportError::BadStatementHash(_) => {
            ApiError::bad_request("bad_query", e.to_string())
        }
        e => ApiError::internal(e),
    })
}

/// Record, before anything is sent, who takes which file; a failure to
/// record sends nothing.
fn record(
    archive: &std::path::Path,
    who: &Who,
    from: Option<std::net::SocketAddr>,
    what: &str,
    b: &bundle::Bundle,
    served: &[u8],
) -> Result<(), ApiError> {
    let r = AccessRecord {
        n: 0,
        at: temoin_archive::time::now_ms(),
        who: who.label(),
        what: what.into(),
        scope: b.scope.to_string(),
        withheld: b.withheld_labels.clone(),
        sha256: access::file_sha256(served),
        size: b
            .checkpoint
            .lines()
            .nth(1)
            .and_then(|s| s.parse().ok())
            .unwrap_or(0),
        from: from.map(|a| a.to_string()),
        prev: String::new(),
    };
    access::record(archive, r).map(|_| ()).map_err(|e| {
        eprintln!("temoin serve: cannot record in the access log: {e}");
        ApiError::unavailable(
            "the access log could not record this export, so nothing was sent; try again later",
        )
    })
}

/// A file name safe in a header: the id's letters, digits, `-`, `_`, `.`.
fn file_name(id: &str, ext: &str) -> String {
    let safe: String = id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        .collect();
    format!("{}.{ext}", safe.trim_start_matches('.'))
}

fn download(body: Vec<u8>, media: &'static str, name: &str) -> Response {
    let mut r = (StatusCode::OK, body).into_response();
    let h = r.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(media));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    r
}

/// `GET /v1/incidents/{id}/bundle?withhold=a,b`: the evidence bundle.
async fn bundle_file(
    State(state): State<AppState>,
    Reader(who): Reader,
    peer: Option<axum::Extension<Peer>>,
    Path(id): Path<String>,
    q: Q<ExportQuery>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    let withhold = withheld(&q);
    let store = state.store.clone();
    let archive = state.options.archive.clone();
    let from = peer.map(|p| p.0 .0);
    let (name, body) = blocking_api(move || {
        let b = export(&store, &id, withhold)?;
        let text = b.to_json() + "\n";
        record(&archive, &who, from, "bundle", &b, text.as_bytes())?;
        let name = match &b.scope {
            Scope::Incident(id) => file_name(id, "bundle.json"),
            _ => "bundle.json".into(),
        };
        Ok::<_, ApiError>((name, text.into_bytes()))
    })
    .await?;
    Ok(download(body, "application/json", &name))
}

/// `GET /v1/incidents/{id}/report?lang=fr|en&withhold=`: the
/// chain-of-custody report (HTML) of the incident's bundle, verified here
/// against the archive's key as `temoin report` verifies a bundle file.
async fn report(
    State(state): State<AppState>,
    Reader(who): Reader,
    peer: Option<axum::Extension<Peer>>,
    Path(id): Path<String>,
    q: Q<ExportQuery>,
) -> Result<Response, ApiError> {
    let Query(q) = q.map_err(bad_query)?;
    let lang = match q.lang.as_deref() {
        None | Some("en") => Lang::En,
        Some("fr") => Lang::Fr,
        Some(other) => {
            return Err(ApiError::bad_request(
                "bad_query",
                format!("lang {other:?}: the report is written in fr or en"),
            ))
        }
    };
    let withhold = withheld(&q);
    let store = state.store.clone();
    let archive = state.options.archive.clone();
    let vkey = state.vkey.clone();
    let from = peer.map(|p| p.0 .0);
    let (name, body) = blocking_api(move || {
        let key = temoin_archive::signed_note::VerifierKey::parse(&vkey)
            .map_err(|e| ApiError::internal(format!("the archive's key: {e}")))?;
        let b = export(&store, &id, withhold)?;
        let bundle_text = b.to_json() + "\n";
        let scope_id = match &b.scope {
            Scope::Incident(id) => id.clone(),
            _ => id.clone(),
        };
        let v = temoin_archive::bundle::verify(&b, &key);
        let exhibit = temoin_archive::report::Exhibit {
            bundle_name: file_name(&scope_id, "bundle.json"),
            bundle_sha256: access::file_sha256(bundle_text.as_bytes()),
            generated_at: temoin_archive::time::format_ms(temoin_archive::time::now_ms()),
            prepared_by: Some(who.label()),
            lang,
            trusted_time: Some(temoin_archive::report::TrustedTime::Unchecked(
                b.timestamps.len(),
            )),
        };
        let html = temoin_archive::report::html(&v, &exhibit);
        record(&archive, &who, from, "report", &b, html.as_bytes())?;
        Ok::<_, ApiError>((file_name(&scope_id, "report.html"), html.into_bytes()))
    })
    .await?;
    let mut r = download(body, "text/html; charset=utf-8", &name);
    r.headers_mut().insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; style-src 'unsafe-inline'"),
    );
    Ok(r)
}

/// `GET /v1/access-log`: `access-log --json` (the custodian's).
async fn access_log(State(state): State<AppState>, _: Custodian) -> Result<Response, ApiError> {
    let archive = state.options.archive.clone();
    let log = blocking(move || access::read_log(&archive)).await?;
    text(&content_json::access_log(&log))
}

/// `GET /v1/tokens`: `token list --json` (the custodian's; never a hash).
async fn tokens(State(state): State<AppState>, _: Custodian) -> Result<Response, ApiError> {
    let archive = state.options.archive.clone();
    let list = blocking(move || access::tokens(&archive)).await?;
    text(&content_json::tokens(&list))
}

/// `GET /verify`: the offline verifier page (public).
async fn verify_page() -> Response {
    let mut r = temoin_archive::verifier_page::VERIFIER_PAGE
        .to_string()
        .into_response();
    r.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/html; charset=utf-8"),
    );
    r
}
