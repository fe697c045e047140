//! `GET /v1/openapi.json`: the API's description, kept in step with the
//! routes by the test below.

use super::Route;
use axum::routing::get;

/// The OpenAPI 3.1 document (`crates/temoin-server/openapi.json`).
pub const OPENAPI: &str = include_str!("../../openapi.json");

pub fn routes() -> Vec<Route> {
    vec![Route::get("/v1/openapi.json", get(openapi))]
}

async fn openapi() -> axum::response::Response {
    super::transparency::json_text(OPENAPI.trim_end().to_string())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeSet;

    /// Every route is described, and every described operation is a route.
    #[test]
    fn the_openapi_document_lists_exactly_the_routes() {
        let doc: serde_json::Value = serde_json::from_str(super::OPENAPI).expect("valid JSON");
        assert!(doc["openapi"].as_str().is_some_and(|v| v.starts_with("3.")));
        let mut described = BTreeSet::new();
        for (path, item) in doc["paths"].as_object().expect("paths") {
            for (method, op) in item.as_object().expect("path item") {
                if ["get", "post", "put", "delete", "patch", "head", "options"]
                    .contains(&method.as_str())
                {
                    assert!(
                        op["responses"].is_object(),
                        "{method} {path} has no responses"
                    );
                    described.insert((method.to_uppercase(), path.clone()));
                }
            }
        }
        let routed: BTreeSet<(String, String)> = crate::routes::list()
            .into_iter()
            .map(|(m, p)| (m.to_string(), p.to_string()))
            .collect();
        let undocumented: Vec<_> = routed.difference(&described).collect();
        let unrouted: Vec<_> = described.difference(&routed).collect();
        assert!(
            undocumented.is_empty(),
            "routes missing from openapi.json: {undocumented:?}"
        );
        assert!(
            unrouted.is_empty(),
            "openapi.json describes no such route: {unrouted:?}"
        );
        // The web pages are a table of their own, not described here:
        // none of them may be an API path.
        for r in crate::routes::web_table() {
            assert!(
                !doc["paths"]
                    .as_object()
                    .expect("paths")
                    .contains_key(r.path),
                "{} is both a web page and an API path",
                r.path
            );
            assert!(!r.path.starts_with("/v1/"), "{}: a page under /v1/", r.path);
        }
    }
}
