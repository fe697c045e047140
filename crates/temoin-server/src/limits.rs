//! What keeps one client from hurting the others: rate limits (token
//! buckets per address and per author key), a memory budget for request
//! bodies, a bound on requests in flight, and a deadline on each request.

use crate::error::ApiError;
use crate::state::AppState;
use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::HashMap;
use std::hash::Hash;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The peer's address, put in each request's extensions by the server.
#[derive(Clone, Copy, Debug)]
pub struct Peer(pub SocketAddr);

/// Token buckets by key: `rate` tokens a second, at most `2 × rate` saved.
pub struct RateLimiter<K> {
    rate: f64,
    burst: f64,
    buckets: Mutex<HashMap<K, (f64, Instant)>>,
}

/// Buckets kept before the full ones are forgotten (a full bucket is the
/// same as none).
const MAX_BUCKETS: usize = 100_000;

impl<K: Hash + Eq + Clone> RateLimiter<K> {
    /// `rate` per second; 0: no limit.
    pub fn new(rate: u32) -> RateLimiter<K> {
        RateLimiter {
            rate: f64::from(rate),
            burst: 2.0 * f64::from(rate),
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Take one token for `key`: `Ok`, or `Err(seconds to wait)`.
    pub fn take(&self, key: &K) -> Result<(), u64> {
        if self.rate <= 0.0 {
            return Ok(());
        }
        let now = Instant::now();
        let mut buckets = match self.buckets.lock() {
            Ok(b) => b,
            Err(p) => p.into_inner(),
        };
        if buckets.len() >= MAX_BUCKETS {
            let (rate, burst) = (self.rate, self.burst);
            buckets.retain(|_, (tokens, at)| {
                *tokens + now.duration_since(*at).as_secs_f64() * rate < burst
            });
        }
        let (tokens, at) = buckets.entry(key.clone()).or_insert((self.burst, now));
        *tokens = (*tokens + now.duration_since(*at).as_secs_f64() * self.rate).min(self.burst);
        *at = now;
        if *tokens >= 1.0 {
            *tokens -= 1.0;
            Ok(())
        } else {
            Err(((1.0 - *tokens) / self.rate).ceil().max(1.0) as u64)
        }
    }
}

/// A budget of request-body bytes held in memory at once, in KiB permits.
#[derive(Clone)]
pub struct Budget {
    kib: Arc<tokio::sync::Semaphore>,
    total_kib: u32,
}

impl Budget {
    pub fn new(bytes: u64) -> Budget {
        let total_kib = u32::try_from(bytes.div_ceil(1024).max(1)).unwrap_or(u32::MAX >> 4);
        Budget {
            kib: Arc::new(tokio::sync::Semaphore::new(total_kib as usize)),
            total_kib,
        }
    }

    /// Wait for room for `bytes` of body.
    pub async fn reserve(&self, bytes: u64) -> Result<tokio::sync::OwnedSemaphorePermit, ApiError> {
        let kib = u32::try_from(bytes.div_ceil(1024).max(1))
            .unwrap_or(u32::MAX)
            .min(self.total_kib);
        self.kib
            .clone()
            .acquire_many_owned(kib)
            .await
            .map_err(|_| ApiError::unavailable("the server is stopping"))
    }
}

/// Every request: its address's rate, a place among those in flight, and
/// its deadline (reading the body included).
pub async fn guard(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let ip: Option<IpAddr> = req.extensions().get::<Peer>().map(|p| p.0.ip());
    if let Some(ip) = ip {
        if let Err(wait) = state.by_address.take(&ip) {
            return ApiError::rate_limited(wait).into_response();
        }
    }
    let timeout = state.options.request_timeout;
    let work = async {
        let _slot = state
            .in_flight
            .clone()
            .acquire_owned()
            .await
            .map_err(|_| ApiError::unavailable("the server is stopping"))?;
        Ok::<Response, ApiError>(next.run(req).await)
    };
    match tokio::time::timeout(timeout, work).await {
        Ok(Ok(resp)) => resp,
        Ok(Err(e)) => e.into_response(),
        Err(_) => ApiError::timeout().into_response(),
    }
}

#[cfg(test)]
mod tests {
    use super::RateLimiter;

    #[test]
    fn a_bucket_allows_its_burst_then_refuses() {
        let r = RateLimiter::<u8>::new(2);
        for _ in 0..4 {
            assert!(r.take(&1).is_ok());
        }
        assert!(r.take(&1).is_err());
        // Another key has its own bucket.
        assert!(r.take(&2).is_ok());
        // No limit at 0.
        let r = RateLimiter::<u8>::new(0);
        assert!((0..1000).all(|_| r.take(&1).is_ok()));
    }
}
