//! Errors as the API says them: a status and a JSON body `{code, message}`
//! with a stable snake_case `code`. Nothing internal (paths, store errors)
//! reaches a client: those are logged and answered `internal`.

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use temoin_archive::archive::Refusal;
use temoin_archive::registry::AuthorityError;
use temoin_archive::rules::RuleError;

/// An error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    /// Seconds, for 429 and 503.
    pub retry_after: Option<u64>,
}

#[derive(serde::Serialize, serde::Deserialize)]
pub struct ErrorBody {
    pub code: String,
    pub message: String,
}

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            code,
            message: message.into(),
            retry_after: None,
        }
    }

    pub fn not_found(message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", message)
    }

    pub fn bad_request(code: &'static str, message: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, code, message)
    }

    /// Something went wrong inside: logged here, said to nobody.
    pub fn internal(what: impl std::fmt::Display) -> ApiError {
        eprintln!("temoin serve: internal error: {what}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "the server could not complete the request; nothing was acknowledged (try again later)",
        )
    }

    pub fn rate_limited(retry_after: u64) -> ApiError {
        ApiError {
            retry_after: Some(retry_after),
            ..ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "rate_limited",
                "too many requests; slow down and try again",
            )
        }
    }

    pub fn timeout() -> ApiError {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            "timeout",
            "the request was not received and answered in time; nothing was acknowledged",
        )
    }

    pub fn unavailable(message: impl Into<String>) -> ApiError {
        ApiError {
            retry_after: Some(1),
            ..ApiError::new(StatusCode::SERVICE_UNAVAILABLE, "unavailable", message)
        }
    }

    /// A refused statement: 422 for a statement the archive's rules refuse,
    /// 400 for one that does not decode; the message is the archive's own.
    pub fn refused(r: &Refusal) -> ApiError {
        let code = refusal_code(r);
        let status = match r {
            Refusal::File(_) | Refusal::Malformed(_) => StatusCode::BAD_REQUEST,
            Refusal::PartTooLarge { .. } => StatusCode::PAYLOAD_TOO_LARGE,
            _ => StatusCode::UNPROCESSABLE_ENTITY,
        };
        ApiError::new(status, code, r.to_string())
    }
}

/// The stable code of a refusal.
pub fn refusal_code(r: &Refusal) -> &'static str {
    match r {
        Refusal::Malformed(_) => "malformed_statement",
        Refusal::File(_) => "malformed_file",
        Refusal::Signature(_) => "bad_signature",
        Refusal::MissingPart { .. } => "missing_part",
        Refusal::UnexpectedPart { .. } => "unexpected_part",
        Refusal::PartMismatch { .. } => "part_mismatch",
        Refusal::PartContent { .. } => "bad_part_content",
        Refusal::SealedInClear { .. } => "sealed_in_clear",
        Refusal::PartTooLarge { .. } => "part_too_large",
        Refusal::FromTheFuture { .. } => "from_the_future",
        Refusal::Rule(RuleError::Authority(a)) => match a {
            AuthorityError::UnknownKey { .. } => "not_enrolled",
            AuthorityError::Revoked { .. } => "revoked",
            AuthorityError::RoleMayNot { .. } => "not_authorised",
            _ => "registry_refused",
        },
        Refusal::Rule(RuleError::Payload(_)) => "bad_payload",
        Refusal::Rule(_) => "rule_refused",
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            code: self.code.to_string(),
            message: self.message,
        };
        let mut resp = (self.status, axum::Json(body)).into_response();
        if let Some(s) = self.retry_after {
            if let Ok(v) = HeaderValue::from_str(&s.to_string()) {
                resp.headers_mut().insert(header::RETRY_AFTER, v);
            }
        }
        resp
    }
}
