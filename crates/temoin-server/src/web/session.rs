//! The web pages' sessions: `POST /signin` takes a token once and gives a
//! random session secret in a cookie. The server keeps, per session, only
//! the SHA-256 of that secret (a copy of this table read by someone else
//! opens no session) and the SHA-256 of the token (what the token file
//! holds already: never the token itself), with the session's CSRF token.
//! Every request checks the token again ([`crate::auth::identify`]), so a
//! revoked token ends its sessions at once. Sessions live in memory: a
//! restart signs everyone out.

use sha2::{Digest as _, Sha256};
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a session lasts without being used again.
pub const IDLE: Duration = Duration::from_secs(8 * 3600);

/// Sessions held at once, at most (the oldest goes first).
pub const MAX_SESSIONS: usize = 10_000;

struct Session {
    token_sha256: String,
    csrf: String,
    last_used: Instant,
}

/// The sessions, by SHA-256 of their secret.
#[derive(Default)]
pub struct Sessions {
    by_secret: Mutex<HashMap<String, Session>>,
}

/// 256 random bits, hex.
pub fn random_secret() -> String {
    let mut b = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut b);
    hex::encode(b)
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.as_bytes()))
}

/// Whether two secrets are equal, compared as hashes (the time taken says
/// nothing of either's text).
pub fn same_secret(a: &str, b: &str) -> bool {
    !a.is_empty() && sha256_hex(a) == sha256_hex(b)
}

impl Sessions {
    fn map(&self) -> std::sync::MutexGuard<'_, HashMap<String, Session>> {
        match self.by_secret.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    /// A new session for the token whose SHA-256 is `token_sha256`: its
    /// secret (for the cookie, never kept) and its CSRF token.
    pub fn open(&self, token_sha256: &str) -> (String, String) {
        let secret = random_secret();
        let csrf = random_secret();
        let mut m = self.map();
        let now = Instant::now();
        m.retain(|_, s| now.duration_since(s.last_used) < IDLE);
        if m.len() >= MAX_SESSIONS {
            if let Some(oldest) = m
                .iter()
                .min_by_key(|(_, s)| s.last_used)
                .map(|(k, _)| k.clone())
            {
                m.remove(&oldest);
            }
        }
        m.insert(
            sha256_hex(&secret),
            Session {
                token_sha256: token_sha256.to_string(),
                csrf: csrf.clone(),
                last_used: now,
            },
        );
        (secret, csrf)
    }

    /// The token hash of the live session `secret`, if any (and marks it used).
    pub fn token_sha256(&self, secret: &str) -> Option<String> {
        let mut m = self.map();
        let key = sha256_hex(secret);
        let now = Instant::now();
        let s = m.get_mut(&key)?;
        if now.duration_since(s.last_used) >= IDLE {
            m.remove(&key);
            return None;
        }
        s.last_used = now;
        Some(s.token_sha256.clone())
    }

    /// The CSRF token of session `secret`.
    pub fn csrf(&self, secret: &str) -> Option<String> {
        self.map().get(&sha256_hex(secret)).map(|s| s.csrf.clone())
    }

    /// End session `secret`.
    pub fn close(&self, secret: &str) {
        self.map().remove(&sha256_hex(secret));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_session_holds_hashes_and_ends() {
        let s = Sessions::default();
        let (secret, csrf) = s.open("abcd");
        assert_eq!(secret.len(), 64);
        assert_ne!(secret, csrf);
        assert_eq!(s.token_sha256(&secret).as_deref(), Some("abcd"));
        assert_eq!(s.csrf(&secret).as_deref(), Some(csrf.as_str()));
        // Neither the secret nor the token is kept in clear.
        assert!(!s.map().contains_key(&secret));
        assert!(s.token_sha256("not-a-session").is_none());
        s.close(&secret);
        assert!(s.token_sha256(&secret).is_none());
        assert!(same_secret("x", "x") && !same_secret("x", "y") && !same_secret("", ""));
    }
}
