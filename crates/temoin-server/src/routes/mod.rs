//! The API's routes, one module per area, all on one [`AppState`]:
//!
//! - [`transparency`]: checkpoints, receipts, consistency proofs (public);
//! - [`submit`]: statements in;
//! - [`api_doc`]: the OpenAPI description;
//! - [`content`]: the content, behind tokens, and the custodian's routes.
//!
//! The web pages ([`crate::web`]) are a table of their own,
//! [`web_table`]: HTML for people, not part of the API, so `openapi.json`
//! does not describe them. The router is built from both tables; the test
//! of `api_doc` checks [`table`] (the API) against `openapi.json` both
//! ways, so that the description and the API cannot drift apart, and
//! checks that no web path is also an API path.

pub mod api_doc;
pub mod content;
pub mod submit;
pub mod tiles;
pub mod transparency;

use crate::error::ApiError;
use crate::state::AppState;
use axum::http::Method;
use axum::routing::MethodRouter;
use axum::Router;

/// One route: its method, its path (OpenAPI's `{param}` syntax, which is
/// axum's) and its handler.
pub struct Route {
    pub method: Method,
    pub path: &'static str,
    pub handler: MethodRouter<AppState>,
}

impl Route {
    pub fn get(path: &'static str, handler: MethodRouter<AppState>) -> Route {
        Route {
            method: Method::GET,
            path,
            handler,
        }
    }
    pub fn post(path: &'static str, handler: MethodRouter<AppState>) -> Route {
        Route {
            method: Method::POST,
            path,
            handler,
        }
    }
}

/// Every route the server answers.
pub fn table() -> Vec<Route> {
    let mut t = Vec::new();
    t.extend(transparency::routes());
    t.extend(submit::routes());
    t.extend(api_doc::routes());
    t.extend(content::routes());
    t.extend(tiles::routes());
    t
}

/// Every web page ([`crate::web`]); not in `openapi.json`.
pub fn web_table() -> Vec<Route> {
    crate::web::routes()
}

/// The (method, path) of every API route, as the OpenAPI document lists them.
pub fn list() -> Vec<(Method, &'static str)> {
    table().into_iter().map(|r| (r.method, r.path)).collect()
}

/// The router: the table, JSON errors for unknown paths and methods, and
/// the limits of [`crate::limits::guard`] around everything.
pub fn router(state: AppState) -> Router {
    let mut router: Router<AppState> = Router::new();
    for r in table() {
        router = router.route(r.path, r.handler.fallback(method_not_allowed));
    }
    // The pages answer with their own headers (CSP, nosniff...).
    // A path may have a GET and a POST (`/signin`): one method router each.
    let mut by_path: Vec<(&'static str, MethodRouter<AppState>)> = Vec::new();
    for r in web_table() {
        match by_path.iter().position(|(p, _)| *p == r.path) {
            Some(i) => {
                let (p, m) = by_path.remove(i);
                by_path.push((p, m.merge(r.handler)));
            }
            None => by_path.push((r.path, r.handler)),
        }
    }
    let mut web: Router<AppState> = Router::new();
    for (path, m) in by_path {
        web = web.route(path, m.fallback(method_not_allowed));
    }
    let web = web.layer(axum::middleware::from_fn(crate::web::headers));
    router
        .merge(web)
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            crate::limits::guard,
        ))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("no such endpoint; the API is described at /v1/openapi.json")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        "this endpoint does not take that method; see /v1/openapi.json",
    )
}
