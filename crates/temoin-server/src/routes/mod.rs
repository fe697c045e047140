//! The API's routes, one module per area, all on one [`AppState`]:
//!
//! - [`transparency`]: checkpoints, receipts, consistency proofs (public);
//! - [`submit`]: statements in;
//! - [`api_doc`]: the OpenAPI description;
//! - [`content`]: the content, behind tokens, and the custodian's routes.
//!
//! The web pages (`web/`) go beside them, a `routes()` table added to
//! [`table`].
//!
//! The router is built from [`table`], and the test of `api_doc` checks
//! that table against `openapi.json` both ways, so that the description
//! and the routes cannot drift apart.

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

/// The (method, path) of every route, as the OpenAPI document lists them.
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
    router
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
