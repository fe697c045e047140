//! The web interface: server-rendered pages, French and English, for the
//! people who read the archive with a browser (lawyers, reviewers, the
//! custodian). No JavaScript: links and forms only, printable.
//!
//! - `/` the incidents, `/incidents/{id}` one incident (`?as_of=SEQ`: as
//!   it stood after that entry), `/incidents/{id}/history`,
//!   `/entries/{seq}`, `/tally`, `/search?q=`, `/key` (the archive key and
//!   how to pin it);
//! - `/custodian/keys`, `/custodian/tokens`, `/custodian/access-log`: the
//!   custodian's only;
//! - `/signin` (GET: the form; POST: a token, once, for a session cookie),
//!   `/signout`; `/static/style.css`.
//!
//! Who may read is decided as for the API ([`crate::auth::identify`]): a
//! bearer token or the session cookie; `--public` archives show the
//! content to anyone. Without either, a page sends the browser to
//! `/signin`. Bundles and reports are downloaded from the API's own routes
//! (`/v1/incidents/{id}/bundle`), which the cookie also opens, so each
//! download is recorded in the access log exactly as an API one.
//!
//! Every POST form carries a CSRF token: the session's (`/signout`), or,
//! before there is a session, one also set in a cookie (`/signin`,
//! double-submit); with `SameSite=Strict` cookies besides.
//!
//! The words come from the Fluent catalogues (`web-*` ids), the dates and
//! numbers as each language writes them ([`temoin_archive::i18n`]). The
//! language: `?lang=fr|en` (remembered in a cookie), else the browser's
//! `Accept-Language`, else English.
//!
//! Templates (`templates/*.html`) are askama's: compiled with the crate,
//! every value HTML-escaped (nothing is ever marked `safe`).

mod pages;
pub mod session;

pub use session::Sessions;

use crate::routes::Route;
use axum::extract::Request;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use temoin_archive::i18n::Lang;

/// The style sheet, served at `/static/style.css`.
pub const STYLE: &str = include_str!("../../templates/style.css");

/// The cookie that remembers `?lang=`.
pub const LANG_COOKIE: &str = "temoin_lang";

/// The cookie that carries the sign-in form's CSRF token (double submit).
pub const SIGNIN_CSRF_COOKIE: &str = "temoin_signin_csrf";

/// The pages, as a table of their own (see [`crate::routes::web_table`]).
pub fn routes() -> Vec<Route> {
    vec![
        Route::get("/", get(pages::index)),
        Route::get("/incidents/{id}", get(pages::incident)),
        Route::get("/incidents/{id}/history", get(pages::history)),
        Route::get("/entries/{seq}", get(pages::entry)),
        Route::get("/tally", get(pages::tally)),
        Route::get("/search", get(pages::search)),
        Route::get("/key", get(pages::key)),
        Route::get("/custodian/keys", get(pages::custodian_keys)),
        Route::get("/custodian/tokens", get(pages::custodian_tokens)),
        Route::get("/custodian/access-log", get(pages::custodian_access_log)),
        Route::get("/signin", get(pages::signin_form)),
        Route::post("/signin", post(pages::signin)),
        Route::get("/signout", get(pages::signout_form)),
        Route::post("/signout", post(pages::signout)),
        Route::get("/static/style.css", get(style)),
    ]
}

async fn style() -> Response {
    let mut r = STYLE.into_response();
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/css; charset=utf-8"),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("public, max-age=3600"),
    );
    r
}

/// The pages' security policy: nothing runs (no script at all), styles and
/// images from this server only, forms post here only, never framed.
pub const CSP: &str = "default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

/// The headers of every page: the policy above, `nosniff`, no referrer
/// (an incident id in a URL is not sent to another site), not framed, not
/// cached (a signed-in page is nobody else's); and the language cookie
/// when `?lang=` chose one.
pub async fn headers(req: Request, next: Next) -> Response {
    let chosen = query_lang(req.uri().query());
    let mut r = next.run(req).await;
    let h = r.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(CSP),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("no-referrer"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if let Some(lang) = chosen {
        if let Ok(v) = HeaderValue::from_str(&format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age=31536000; SameSite=Strict",
            lang.tag()
        )) {
            h.append(header::SET_COOKIE, v);
        }
    }
    r
}

/// `?lang=fr|en` in a query string.
fn query_lang(query: Option<&str>) -> Option<Lang> {
    form_urlencoded::parse(query?.as_bytes())
        .find(|(k, _)| k == "lang")
        .and_then(|(_, v)| match v.as_ref() {
            "fr" => Some(Lang::Fr),
            "en" => Some(Lang::En),
            _ => None,
        })
}

/// The language of a page: `?lang=`, then the cookie it left, then the
/// first language of `Accept-Language` (by weight) that temoin speaks,
/// else English.
pub fn page_lang(query: Option<&str>, headers: &HeaderMap) -> Lang {
    if let Some(l) = query_lang(query) {
        return l;
    }
    if let Some(l) = crate::auth::cookie(headers, LANG_COOKIE).and_then(|v| Lang::from_tag(&v)) {
        return l;
    }
    let accept = headers
        .get(header::ACCEPT_LANGUAGE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    accept_language(accept).unwrap_or(Lang::En)
}

/// The language temoin speaks that `Accept-Language` prefers, if any
/// (`fr-ML,fr;q=0.9,en;q=0.8` → French; `q=0` refuses one).
pub fn accept_language(header: &str) -> Option<Lang> {
    let mut best: Option<(u32, usize, Lang)> = None;
    for (i, item) in header.split(',').enumerate() {
        let mut it = item.split(';');
        let tag = it.next().unwrap_or("").trim();
        let mut q = 1000u32;
        for p in it {
            if let Some(v) = p.trim().strip_prefix("q=") {
                q = v
                    .trim()
                    .parse::<f32>()
                    .map(|f| (f.clamp(0.0, 1.0) * 1000.0) as u32)
                    .unwrap_or(0);
            }
        }
        let Some(lang) = Lang::from_tag(tag) else {
            continue;
        };
        if q == 0 {
            continue;
        }
        // Higher weight wins; among equals, the first listed.
        let better = match best {
            None => true,
            Some((bq, _, _)) => q > bq,
        };
        if better {
            best = Some((q, i, lang));
        }
    }
    best.map(|(_, _, l)| l)
}

/// Whether the request came over HTTPS (as a reverse proxy in front says:
/// `X-Forwarded-Proto: https` or `Forwarded: proto=https`) or to this
/// machine by name (`localhost`, `127.0.0.1`, `[::1]`).
///
/// Why: a cookie marked `Secure` is never sent over plain HTTP to another
/// host, so a session cannot leak on the network; browsers treat
/// `http://localhost` as a secure context and accept `Secure` cookies
/// there, so a custodian trying the server locally can sign in. On plain
/// HTTP to another name (a LAN address) a `Secure` cookie would be
/// dropped by the browser and nobody could sign in at all: there it is
/// set without `Secure`, and the README says to put the server behind
/// HTTPS.
pub fn secure_request(headers: &HeaderMap) -> bool {
    let h = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(|s| s.to_ascii_lowercase())
    };
    if h("x-forwarded-proto").is_some_and(|p| p.split(',').next().map(str::trim) == Some("https")) {
        return true;
    }
    if h("forwarded").is_some_and(|f| f.contains("proto=https")) {
        return true;
    }
    let host = h("host").unwrap_or_default();
    let name = if let Some(rest) = host.strip_prefix('[') {
        format!("[{}]", rest.split(']').next().unwrap_or(""))
    } else {
        host.split(':').next().unwrap_or("").to_string()
    };
    matches!(name.as_str(), "localhost" | "127.0.0.1" | "[::1]")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_is_asked_then_preferred_then_english() {
        assert_eq!(accept_language("fr-ML,fr;q=0.9,en;q=0.8"), Some(Lang::Fr));
        assert_eq!(accept_language("de-DE,en;q=0.5,fr;q=0.7"), Some(Lang::Fr));
        assert_eq!(accept_language("en, fr"), Some(Lang::En));
        assert_eq!(accept_language("fr;q=0, en;q=0.1"), Some(Lang::En));
        assert_eq!(accept_language("de, it"), None);
        let mut h = HeaderMap::new();
        h.insert(header::ACCEPT_LANGUAGE, HeaderValue::from_static("fr"));
        assert_eq!(page_lang(None, &h), Lang::Fr);
        assert_eq!(page_lang(Some("lang=en"), &h), Lang::En);
        assert_eq!(page_lang(Some("q=x"), &HeaderMap::new()), Lang::En);
        h.insert(header::COOKIE, HeaderValue::from_static("temoin_lang=en"));
        assert_eq!(page_lang(None, &h), Lang::En);
    }

    #[test]
    fn secure_only_over_https_or_to_this_machine() {
        let with = |k: &'static str, v: &'static str| {
            let mut h = HeaderMap::new();
            h.insert(k, HeaderValue::from_static(v));
            h
        };
        assert!(secure_request(&with("host", "127.0.0.1:8080")));
        assert!(secure_request(&with("host", "localhost")));
        assert!(secure_request(&with("host", "[::1]:80")));
        assert!(secure_request(&with("x-forwarded-proto", "https")));
        assert!(!secure_request(&with("host", "192.168.1.4:8080")));
        assert!(!secure_request(&with("host", "localhost.evil.example")));
    }

    /// Every `web-` message a template asks for is in both catalogues
    /// (the templates ask by name at run time: this is their check).
    #[test]
    fn every_template_word_is_in_both_catalogues() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
        let mut ids = Vec::new();
        for e in std::fs::read_dir(&dir).expect("templates") {
            let text = std::fs::read_to_string(e.expect("entry").path()).expect("read");
            let mut rest = text.as_str();
            while let Some(i) = rest.find("t(\"") {
                rest = &rest[i + 3..];
                let end = rest.find('"').expect("closing quote");
                ids.push(rest[..end].to_string());
            }
        }
        assert!(ids.len() > 30, "{ids:?}");
        for id in &ids {
            assert!(id.starts_with("web-"), "{id}: web messages are web-*");
            for lang in Lang::ALL {
                assert!(lang.loader().has(id), "{id} missing in {lang:?}");
            }
        }
    }
}
