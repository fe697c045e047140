//! Who may read the content: `Authorization: Bearer TOKEN`, a token the
//! custodian gave (`temoin token add`), checked against the archive's
//! token file (kept as SHA-256; compared as hashes, so the time taken says
//! nothing of a token's text). The file is re-read when it changes, so
//! `token add` and `token revoke` take effect without a restart.
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
        let now = stamp(&self.path());
        let mut g = match self.cached.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        if now.is_none() || g.0 != now {
            g.1 = access::tokens(&self.archive)?;
            g.0 = now;
        }
        Ok(access::check_token(&g.1, token))
    }
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

async fn who(parts: &Parts, state: &AppState, open: bool) -> Result<Who, Response> {
    let token = match bearer(parts) {
        None if open => return Ok(Who { token: None }),
        None => {
            return Err(unauthorized(
                "this content needs a token: send Authorization: Bearer TOKEN (the custodian gives tokens with `temoin token add`)",
            ))
        }
        Some(Err(())) => {
            return Err(unauthorized(
                "the Authorization header must be `Bearer TOKEN`",
            ))
        }
        Some(Ok(t)) => t,
    };
    let tokens = state.tokens.clone();
    let found = tokio::task::spawn_blocking(move || tokens.check(&token))
        .await
        .map_err(|e| ApiError::internal(e).into_response())?
        .map_err(|e| ApiError::internal(e).into_response())?;
    match found {
        Some(t) => Ok(Who { token: Some(t) }),
        None => Err(unauthorized(
            "this token is not valid (unknown or revoked); ask the custodian for one",
        )),
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
