//! Who may read the content: `Authorization: Bearer TOKEN`, a token the
//! custodian gave (`temoin token add`), checked against the archive's
//! token file (kept as SHA-256; compared as hashes, so the time taken says
//! nothing of a token's text). The file is re-read when it changes, so
//! `token add` and `token revoke` take effect without a restart.
//!
//! Or the web pages' session cookie ([`SESSION_COOKIE`]), set by `POST
//! /signin` ([`crate::web`]): the server keeps only the SHA-256 of the
//! session secret and the SHA-256 of the token it stands for (what the
//! token file holds already), and checks that token again on every
//! request, so a revoked token ends its sessions at once.
//!
//! - [`Reader`]: any live token; nobody at all with `--public`.
//! - [`Custodian`]: a custodian's token, `--public` or not.

use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use temoin_archive::access::{self, AccessRole, TokenRecord};

/// The token list, as last read, and what its file looked like then.
pub struct Tokens {
    archive: PathBuf,
    cached: Mutex<(Option<Stamp>, Vec<TokenRecord>)>,
}

/// A file's modification time, length and inode: any of them changes
/// when `token add|revoke` rewrites it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
struct Stamp(Option<std::time::SystemTime>, u64, u64);

fn stamp(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    #[cfg(unix)]
    let ino = std::os::unix::fs::MetadataExt::ino(&m);
    #[cfg(not(unix))]
    let ino = 0;
    Some(Stamp(m.modified().ok(), m.len(), ino))
}

impl Tokens {
    pub fn new(archive: &Path) -> Tokens {
        Tokens {
            archive: archive.to_path_buf(),
            cached: Mutex::new((None, Vec::new())),
        }
    }

    fn path(&self) -> PathBuf {
        access::access_dir(&self.archive).join("tokens.json")
    }

    /// The live token `token` is, re-reading the file if it changed.
    pub fn check(&self, token: &str) -> Result<Option<TokenRecord>, access::AccessError> {
        self.check_sha256(&access::file_sha256(token.trim().as_bytes()))
    }

    /// The live token whose SHA-256 (hex) is `sha256`, re-reading the
    /// file if it changed (a session holds only that hash).
    pub fn check_sha256(&self, sha256: &str) -> Result<Option<TokenRecord>, access::AccessError> {
        let now = stamp(&self.path());
        let mut g = match self.cached.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if now.is_none() || g.0 != now {
            g.1 = access::tokens(&self.archive)?;
            g.0 = now;
        }
        Ok(g.1
            .iter()
            .find(|t| t.revoked_at.is_none() && t.sha256 == sha256)
            .cloned())
    }
}

/// The web pages' session cookie: a random secret, `HttpOnly`,
/// `SameSite=Strict` (see [`crate::web`]).
pub const SESSION_COOKIE: &str = "temoin_session";

/// The value of cookie `name` in a request's `Cookie` headers.
pub fn cookie(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| {
            let (k, v) = c.trim().split_once('=')?;
            (k == name).then(|| v.trim().to_string())
        })
}

/// Who is asking: a token's holder, or anyone (`--public`).
#[derive(Clone, Debug)]
pub struct Who {
    pub token: Option<TokenRecord>,
}

impl Who {
    /// As the access log names them: `name (id)`, or `public`.
    pub fn label(&self) -> String {
        match &self.token {
            Some(t) => format!("{} ({})", t.name, t.id),
            None => "public".into(),
        }
    }
}

/// 401 with `WWW-Authenticate: Bearer`.
pub fn unauthorized(message: &str) -> Response {
    let mut r = (
        StatusCode::UNAUTHORIZED,
        axum::Json(ErrorBody {
            code: "unauthorized".into(),
            message: message.into(),
        }),
    )
        .into_response();
    r.headers_mut().insert(
        header::WWW_AUTHENTICATE,
        HeaderValue::from_static("Bearer realm=\"temoin\""),
    );
    r
}

/// The bearer token of a request, if it sent one.
fn bearer(parts: &Parts) -> Option<Result<String, ()>> {
    let v = parts.headers.get(header::AUTHORIZATION)?;
    let Ok(s) = v.to_str() else {
        return Some(Err(()));
    };
    let (scheme, token) = match s.split_once(' ') {
        Some(x) => x,
        None => return Some(Err(())),
    };
    if !scheme.eq_ignore_ascii_case("bearer") || token.trim().is_empty() {
        return Some(Err(()));
    }
    Some(Ok(token.trim().to_string()))
}

/// Why a request is not let in.
pub enum Denied {
    /// No credentials at all (no header; no cookie, or one whose session
    /// ended).
    Missing,
    /// An `Authorization` header that is not `Bearer TOKEN`.
    Malformed,
    /// A token that is unknown or revoked.
    Invalid,
    /// The token file could not be read (already answered `internal`).
    Internal(Response),
}

impl Denied {
    /// As the JSON API says it: 401 `unauthorized`.
    pub fn api_response(self) -> Response {
        match self {
            Denied::Missing => unauthorized(
                "this content needs a token: send Authorization: Bearer TOKEN (the custodian gives tokens with `temoin token add`)",
            ),
            Denied::Malformed => unauthorized("the Authorization header must be `Bearer TOKEN`"),
            Denied::Invalid => unauthorized(
                "this token is not valid (unknown or revoked); ask the custodian for one",
            ),
            Denied::Internal(r) => r,
        }
    }
}

/// The live token a request carries: its `Authorization: Bearer` header,
/// else its session cookie. `Ok(None)`: none at all.
pub async fn identify(parts: &Parts, state: &AppState) -> Result<Option<TokenRecord>, Denied> {
    let tokens = state.tokens.clone();
    let found = match bearer(parts) {
        Some(Err(())) => return Err(Denied::Malformed),
        Some(Ok(token)) => tokio::task::spawn_blocking(move || tokens.check(&token)).await,
        None => {
            let session = cookie(&parts.headers, SESSION_COOKIE)
                .and_then(|secret| state.sessions.token_sha256(&secret));
            let Some(sha256) = session else {
                return Ok(None);
            };
            tokio::task::spawn_blocking(move || tokens.check_sha256(&sha256)).await
        }
    };
    let found = found
        .map_err(|e| Denied::Internal(ApiError::internal(e).into_response()))?
        .map_err(|e| Denied::Internal(ApiError::internal(e).into_response()))?;
    match found {
        Some(t) => Ok(Some(t)),
        None => Err(Denied::Invalid),
    }
}

async fn who(parts: &Parts, state: &AppState, open: bool) -> Result<Who, Response> {
    match identify(parts, state).await {
        Ok(Some(t)) => Ok(Who { token: Some(t) }),
        Ok(None) if open => Ok(Who { token: None }),
        Ok(None) => Err(Denied::Missing.api_response()),
        Err(d) => Err(d.api_response()),
    }
}

/// Any holder of a live token; anyone with `--public`.
pub struct Reader(pub Who);

impl FromRequestParts<AppState> for Reader {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        who(parts, state, state.options.public).await.map(Reader)
    }
}

/// A custodian's token (with `--public` too).
pub struct Custodian(pub Who);

impl FromRequestParts<AppState> for Custodian {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let w = who(parts, state, false).await?;
        match &w.token {
            Some(t) if t.role == AccessRole::Custodian => Ok(Custodian(w)),
            _ => Err(ApiError::new(
                StatusCode::FORBIDDEN,
                "forbidden",
                "only the custodian's token may read this",
            )
            .into_response()),
        }
    }
}
