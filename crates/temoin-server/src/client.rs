//! The other side: what `temoin push` runs. Plain HTTP/1.1 over TCP with
//! hyper (already built for the server); `https://` is not spoken here
//! (put the server behind a TLS proxy and push from inside, or over a
//! tunnel). Receipts are checked offline against the archive key the
//! intermediary pinned, whatever the server says.

use crate::error::ErrorBody;
use bytes::Bytes;
use http_body_util::{BodyExt as _, Full};
use std::time::Duration;
use temoin_archive::receipt::{Receipt, ReceiptError};
use temoin_archive::signed_note::VerifierKey;
use temoin_archive::statement::StatementFile;

/// A server's base URL, `http://host:port[/prefix]`.
#[derive(Clone, Debug)]
pub struct ServerUrl {
    authority: String,
    prefix: String,
}

impl ServerUrl {
    pub fn parse(url: &str) -> Result<ServerUrl, String> {
        let rest = if let Some(r) = url.strip_prefix("http://") {
            r
        } else if url.starts_with("https://") {
            return Err(format!(
                "{url}: temoin speaks plain HTTP to its server; reach an https server through a local tunnel or proxy"
            ));
        } else {
            return Err(format!(
                "{url}: not an http:// URL (e.g. http://127.0.0.1:8080)"
            ));
        };
        let (authority, prefix) = match rest.find('/') {
            Some(i) => (&rest[..i], rest[i..].trim_end_matches('/')),
            None => (rest, ""),
        };
        if authority.is_empty() {
            return Err(format!("{url}: no host"));
        }
        let authority = if authority.contains(':') && !authority.ends_with(']') {
            authority.to_string()
        } else {
            format!("{authority}:80")
        };
        Ok(ServerUrl {
            authority,
            prefix: prefix.to_string(),
        })
    }

    /// The path that names the URL itself in a [`Call`]: `/` when it has
    /// no path of its own (a TSA at `http://host:port`), else empty.
    pub fn own_path(&self) -> &'static str {
        if self.prefix.is_empty() {
            "/"
        } else {
            ""
        }
    }
}

/// An HTTP answer.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    pub retry_after: Option<u64>,
}

/// Why a request got no answer.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct Unreachable(pub String);

/// Answers above this are not read, unless the call says otherwise (a
/// receipt is at most 4 MiB).
pub const MAX_ANSWER: usize = 8 << 20;

/// A bundle or a listing of the content: larger than a receipt, still
/// bounded so that a hostile server cannot fill the reader's memory.
pub const MAX_CONTENT_ANSWER: usize = 512 << 20;

/// One request: what is sent, and how much of the answer is read.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    pub method: &'a str,
    /// The path and query, already encoded ([`path_segment`], [`query`]).
    pub path: &'a str,
    pub content_type: Option<&'a str>,
    pub body: &'a [u8],
    /// `Authorization: Bearer TOKEN`, for the content.
    pub token: Option<&'a str>,
    /// Answers longer than this are refused, not read.
    pub limit: usize,
}

impl<'a> Call<'a> {
    pub fn get(path: &'a str) -> Call<'a> {
        Call {
            method: "GET",
            path,
            content_type: None,
            body: &[],
            token: None,
            limit: MAX_ANSWER,
        }
    }
}

/// `s` as one segment of a path (an incident id may hold spaces, accents,
/// `/` or `?`).
pub fn path_segment(s: &str) -> String {
    percent_encoding::utf8_percent_encode(s, SEGMENT).to_string()
}

/// Everything but the unreserved characters of RFC 3986.
const SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// `?k=v&…` of the pairs whose value is given (empty when none is).
pub fn query(pairs: &[(&str, Option<&str>)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    let mut any = false;
    for (k, v) in pairs {
        if let Some(v) = v {
            q.append_pair(k, v);
            any = true;
        }
    }
    if any {
        format!("?{}", q.finish())
    } else {
        String::new()
    }
}

/// One request, on its own connection, within `timeout`.
pub fn request(
    server: &ServerUrl,
    call: &Call<'_>,
    timeout: Duration,
) -> Result<Answer, Unreachable> {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| Unreachable(e.to_string()))?;
    rt.block_on(async {
        tokio::time::timeout(timeout, send(server, call))
            .await
            .map_err(|_| Unreachable(format!("no answer within {} s", timeout.as_secs())))?
    })
}

/// One request on its own connection (no timeout: the caller bounds it).
pub async fn send(server: &ServerUrl, call: &Call<'_>) -> Result<Answer, Unreachable> {
    let err = |e: &dyn std::fmt::Display| Unreachable(format!("{}: {e}", server.authority));
    let stream = tokio::net::TcpStream::connect(&server.authority)
        .await
        .map_err(|e| err(&e))?;
    let _ = stream.set_nodelay(true);
    let (mut sender, conn) =
        hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream))
            .await
            .map_err(|e| err(&e))?;
    tokio::spawn(conn);
    let mut req = hyper::Request::builder()
        .method(call.method)
        .uri(format!("{}{}", server.prefix, call.path))
        .header(hyper::header::HOST, &server.authority)
        .header(hyper::header::USER_AGENT, "temoin");
    if let Some(ct) = call.content_type {
        req = req.header(hyper::header::CONTENT_TYPE, ct);
    }
    if let Some(token) = call.token {
        req = req.header(hyper::header::AUTHORIZATION, format!("Bearer {token}"));
    }
    let req = req
        .body(Full::new(Bytes::copy_from_slice(call.body)))
        .map_err(|e| err(&e))?;
    let resp = sender.send_request(req).await.map_err(|e| err(&e))?;
    let status = resp.status().as_u16();
    let retry_after = resp
        .headers()
        .get(hyper::header::RETRY_AFTER)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse().ok());
    let body = http_body_util::Limited::new(resp.into_body(), call.limit)
        .collect()
        .await
        .map_err(|e| err(&*e))?
        .to_bytes()
        .to_vec();
    Ok(Answer {
        status,
        body,
        retry_after,
    })
}

/// How hard to try.
#[derive(Clone, Debug)]
pub struct Retry {
    /// Attempts in all.
    pub attempts: u32,
    /// The first wait; each next one doubles, up to `max_wait`.
    pub first_wait: Duration,
    pub max_wait: Duration,
    pub timeout: Duration,
}

impl Default for Retry {
    fn default() -> Retry {
        Retry {
            attempts: 10,
            first_wait: Duration::from_millis(250),
            max_wait: Duration::from_secs(10),
            timeout: Duration::from_secs(60),
        }
    }
}

/// Why a statement was not pushed.
#[derive(Debug, thiserror::Error)]
pub enum PushError {
    #[error("refused by the archive ({code}): {message}")]
    Refused { code: String, message: String },
    #[error("the server's receipt does not verify with the pinned archive key: {0}")]
    Unverified(ReceiptError),
    #[error("the server's receipt is for statement {got}, not {sent}")]
    OtherStatement { sent: String, got: String },
    #[error("the server could not be reached: {0}")]
    Unreachable(String),
}

impl PushError {
    /// Whether trying again later may work.
    pub fn is_transient(&self) -> bool {
        matches!(self, PushError::Unreachable(_))
    }
}

/// Submit one statement file's bytes and check its receipt: retried on
/// connection errors, timeouts, 429 and 5xx (a statement already in the
/// log is answered with its receipt, so a retry never appends twice).
pub fn push(
    server: &ServerUrl,
    tms: &[u8],
    archive_key: &VerifierKey,
    retry: &Retry,
) -> Result<Receipt, PushError> {
    let sent = StatementFile::from_bytes(tms)
        .map(|f| f.statement.hash().to_hex())
        .map_err(|e| PushError::Refused {
            code: "malformed_file".into(),
            message: e.to_string(),
        })?;
    let call = Call {
        method: "POST",
        content_type: Some(crate::STATEMENT_MEDIA_TYPE),
        body: tms,
        ..Call::get("/v1/statements")
    };
    let body = with_retries(server, &call, retry)?;
    let receipt = Receipt::from_json(&body).map_err(PushError::Unverified)?;
    receipt.verify(archive_key).map_err(PushError::Unverified)?;
    if receipt.statement_hash != sent {
        return Err(PushError::OtherStatement {
            sent,
            got: receipt.statement_hash,
        });
    }
    Ok(receipt)
}

/// One request, tried again with growing waits (or the server's
/// `Retry-After`) on connection errors, timeouts, 408, 429 and 5xx; the
/// body of a 200, or the refusal any other status says.
pub fn with_retries(
    server: &ServerUrl,
    call: &Call<'_>,
    retry: &Retry,
) -> Result<Vec<u8>, PushError> {
    let mut wait = retry.first_wait;
    let mut last = String::new();
    for attempt in 0..retry.attempts.max(1) {
        if attempt > 0 {
            std::thread::sleep(wait);
            wait = (wait * 2).min(retry.max_wait);
        }
        let answer = match request(server, call, retry.timeout) {
            Ok(a) => a,
            Err(e) => {
                last = e.0;
                continue;
            }
        };
        match answer.status {
            200 => return Ok(answer.body),
            408 | 429 | 500..=599 => {
                if let Some(s) = answer.retry_after {
                    wait = Duration::from_secs(s.min(60)).max(wait);
                }
                last = format!("HTTP {}: {}", answer.status, error_text(&answer.body));
            }
            _ => {
                let (code, message) = match serde_json::from_slice::<ErrorBody>(&answer.body) {
                    Ok(e) => (e.code, e.message),
                    Err(_) => (format!("http_{}", answer.status), error_text(&answer.body)),
                };
                return Err(PushError::Refused { code, message });
            }
        }
    }
    Err(PushError::Unreachable(format!(
        "{last} (after {} attempts)",
        retry.attempts.max(1)
    )))
}

/// An error body as text, cut short and stripped of control characters.
fn error_text(body: &[u8]) -> String {
    match serde_json::from_slice::<ErrorBody>(body) {
        Ok(e) => format!("{}: {}", e.code, e.message),
        Err(_) => String::from_utf8_lossy(&body[..body.len().min(300)])
            .chars()
            .filter(|c| !c.is_control())
            .collect(),
    }
}

/// `GET` a text resource (a checkpoint, a receipt) with the retries of
/// `retry`; 404 and other 4xx are errors at once.
pub fn get(server: &ServerUrl, path: &str, retry: &Retry) -> Result<Vec<u8>, PushError> {
    with_retries(server, &Call::get(path), retry)
}
