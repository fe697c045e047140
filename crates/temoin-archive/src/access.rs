//! Who may read an archive's content, and who took which evidence: the
//! custodian's access tokens and the access log. Both live beside the log
//! in `DIR/access/`, outside the signed record: a token is a permission,
//! not evidence; the access log is the custodian's chain-of-custody record
//! of every bundle handed out (docs/FORMAT.md §8.3).
//!
//! Tokens are shown once, when made; the archive keeps only their SHA-256
//! (a token is 256 random bits, so a fast hash is as good as a slow one).
//! The access log is JSON lines, each naming the SHA-256 of the line
//! before it, so that a line edited or removed in the middle breaks the
//! chain at that line.

use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};

/// What a token lets its holder do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum AccessRole {
    /// Reads content and takes bundles and reports.
    Lawyer,
    /// The same, for a reviewer grading sources.
    Reviewer,
    /// Everything a lawyer may, and the custodian's pages (keys, readers,
    /// tokens, the access log).
    Custodian,
}

impl AccessRole {
    pub fn parse(s: &str) -> Option<AccessRole> {
        match s {
            "lawyer" => Some(AccessRole::Lawyer),
            "reviewer" => Some(AccessRole::Reviewer),
            "custodian" => Some(AccessRole::Custodian),
            _ => None,
        }
    }
    pub fn name(self) -> &'static str {
        match self {
            AccessRole::Lawyer => "lawyer",
            AccessRole::Reviewer => "reviewer",
            AccessRole::Custodian => "custodian",
        }
    }
}

/// A token as the archive keeps it: never the token itself.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TokenRecord {
    /// Its first 8 hex digits of its hash: how it is named in lists and
    /// in the access log.
    pub id: String,
    pub name: String,
    pub role: AccessRole,
    /// Unix ms.
    pub created_at: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub revoked_at: Option<i64>,
    /// SHA-256 of the token text, hex.
    pub sha256: String,
}

#[derive(Debug, thiserror::Error)]
pub enum AccessError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Sync(#[from] crate::durable::SyncError),
    #[error("{path} is damaged: {why}; restore it from a backup")]
    Damaged { path: PathBuf, why: String },
    #[error("no token {0:?} (`temoin token list` shows them)")]
    NoSuchToken(String),
    #[error("{0:?} names several tokens; give more of its id")]
    AmbiguousToken(String),
    #[error("a token needs a name: whose it is (\"Me Traoré, Bamako bar\")")]
    EmptyName,
    #[error(
        "the access log breaks at line {line}: {why}; it was edited or lines were removed there"
    )]
    Broken { line: usize, why: String },
}

/// The access directory of archive `dir`.
pub fn access_dir(dir: &Path) -> PathBuf {
    dir.join("access")
}

fn tokens_path(dir: &Path) -> PathBuf {
    access_dir(dir).join("tokens.json")
}

fn log_path(dir: &Path) -> PathBuf {
    access_dir(dir).join("log.jsonl")
}

/// SHA-256 of a file handed out, hex, as the access log names it.
pub fn file_sha256(bytes: &[u8]) -> String {
    sha256_hex(bytes)
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// The archive's tokens, revoked ones included (none when there is no
/// token file yet).
pub fn tokens(dir: &Path) -> Result<Vec<TokenRecord>, AccessError> {
    let path = tokens_path(dir);
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(AccessError::Read { path, source }),
    };
    crate::json::from_slice(&bytes).map_err(|e| AccessError::Damaged {
        path,
        why: e.to_string(),
    })
}

fn save_tokens(dir: &Path, list: &[TokenRecord]) -> Result<(), AccessError> {
    crate::durable::create_dir_all(&access_dir(dir))?;
    let mut text = serde_json::to_string_pretty(list).unwrap_or_default();
    text.push('\n');
    // Only hashes, but who holds which role is the custodian's business.
    crate::durable::write_atomic(&tokens_path(dir), text.as_bytes(), 0o600)?;
    Ok(())
}

/// Make a token for `name` with `role`: returns the token text (shown once,
/// never stored) and its record.
pub fn add_token(
    dir: &Path,
    name: &str,
    role: AccessRole,
    now: i64,
) -> Result<(String, TokenRecord), AccessError> {
    if name.trim().is_empty() {
        return Err(AccessError::EmptyName);
    }
    let mut list = tokens(dir)?;
    let mut secret = [0u8; 32];
    rand::RngCore::fill_bytes(&mut rand::rngs::OsRng, &mut secret);
    let token = format!("temoin-token-{}", hex::encode(secret));
    let sha256 = sha256_hex(token.as_bytes());
    let record = TokenRecord {
        id: sha256[..8].to_string(),
        name: name.trim().to_string(),
        role,
        created_at: now,
        revoked_at: None,
        sha256,
    };
    list.push(record.clone());
    save_tokens(dir, &list)?;
    Ok((token, record))
}

/// Revoke the token whose id starts with `id` (or whose name is `id`).
pub fn revoke_token(dir: &Path, id: &str, now: i64) -> Result<TokenRecord, AccessError> {
    let mut list = tokens(dir)?;
    let matches: Vec<usize> = list
        .iter()
        .enumerate()
        .filter(|(_, t)| t.revoked_at.is_none())
        .filter(|(_, t)| (id.len() >= 4 && t.id.starts_with(id)) || t.name == id)
        .map(|(i, _)| i)
        .collect();
    let i = match matches.as_slice() {
        [] => return Err(AccessError::NoSuchToken(id.to_string())),
        [i] => *i,
        _ => return Err(AccessError::AmbiguousToken(id.to_string())),
    };
    list[i].revoked_at = Some(now);
    save_tokens(dir, &list)?;
    Ok(list[i].clone())
}

/// The live token `token` is, if any. Compares hashes, so the time taken
/// says nothing of the token's text.
pub fn check_token(list: &[TokenRecord], token: &str) -> Option<TokenRecord> {
    let h = sha256_hex(token.trim().as_bytes());
    list.iter()
        .find(|t| t.revoked_at.is_none() && t.sha256 == h)
        .cloned()
}

/// One bundle handed out, as the access log records it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessRecord {
    /// Its line number, from 0.
    pub n: u64,
    /// Unix ms.
    pub at: i64,
    /// Who took it: a token's name and id, or `local:USER` for the command
    /// line on the custodian's machine.
    pub who: String,
    /// What was taken: `bundle` or `report`.
    pub what: String,
    /// `all`, `incident ID`, `statement HASH`.
    pub scope: String,
    /// The labels withheld.
    #[serde(default)]
    pub withheld: Vec<String>,
    /// SHA-256 of the bundle file handed out, hex.
    pub sha256: String,
    /// The archive's size when it was made.
    pub size: u64,
    /// Where from (an IP address), when over the network.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// SHA-256 of the line before, hex (64 zeros for the first).
    pub prev: String,
}

/// Append a record to the access log, durably; `n` and `prev` are set
/// here. Holds an exclusive lock on the log while it appends, so that a
/// server and the command line never interleave lines.
pub fn record(dir: &Path, mut r: AccessRecord) -> Result<AccessRecord, AccessError> {
    use fs2::FileExt;
    let path = log_path(dir);
    crate::durable::create_dir_all(&access_dir(dir))?;
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .read(true)
        .open(&path)
        .map_err(|source| AccessError::Write {
            path: path.clone(),
            source,
        })?;
    f.lock_exclusive().map_err(|source| AccessError::Write {
        path: path.clone(),
        source,
    })?;
    let (n, prev) = match read_log(dir)?.last() {
        Some((rec, line_hash)) => (rec.n + 1, line_hash.clone()),
        None => (0, "0".repeat(64)),
    };
    r.n = n;
    r.prev = prev;
    let mut line = serde_json::to_string(&r).unwrap_or_default();
    line.push('\n');
    f.write_all(line.as_bytes())
        .and_then(|()| f.sync_all())
        .map_err(|source| AccessError::Write {
            path: path.clone(),
            source,
        })?;
    crate::durable::sync_dir(&access_dir(dir))?;
    Ok(r)
}

/// The access log, each record with the SHA-256 of its line, checked:
/// every line decodes, counts from 0 and names the hash of the line
/// before it. A log cut short at its end is not detectable from itself
/// (the custodian's backups and the bundles' own hashes are).
pub fn read_log(dir: &Path) -> Result<Vec<(AccessRecord, String)>, AccessError> {
    let path = log_path(dir);
    let f = match std::fs::File::open(&path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(AccessError::Read { path, source }),
    };
    let mut out: Vec<(AccessRecord, String)> = Vec::new();
    let mut prev = "0".repeat(64);
    for (i, line) in std::io::BufReader::new(f).lines().enumerate() {
        let line = line.map_err(|source| AccessError::Read {
            path: path.clone(),
            source,
        })?;
        let rec: AccessRecord =
            crate::json::from_slice(line.as_bytes()).map_err(|e| AccessError::Broken {
                line: i + 1,
                why: e.to_string(),
            })?;
        if rec.n != i as u64 {
            return Err(AccessError::Broken {
                line: i + 1,
                why: format!("it is numbered {}, not {i}", rec.n),
            });
        }
        // Readers show and compare it: a line is damaged unless it is the
        // SHA-256 it says it is, in hex.
        if rec.sha256.len() != 64 || !rec.sha256.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(AccessError::Broken {
                line: i + 1,
                why: "its sha256 is not 64 hex digits".into(),
            });
        }
        if rec.prev != prev {
            return Err(AccessError::Broken {
                line: i + 1,
                why: "it does not name the hash of the line before it".into(),
            });
        }
        prev = sha256_hex(line.as_bytes());
        out.push((rec, prev.clone()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(who: &str) -> AccessRecord {
        AccessRecord {
            n: 0,
            at: 1,
            who: who.into(),
            what: "bundle".into(),
            scope: "incident tangata-2025-11-13".into(),
            withheld: vec!["witness".into()],
            sha256: "00".repeat(32),
            size: 19,
            from: None,
            prev: String::new(),
        }
    }

    #[test]
    fn tokens_are_kept_hashed_and_revocable() {
        let d = tempfile::tempdir().unwrap();
        let (token, r) = add_token(d.path(), "Me Traoré", AccessRole::Lawyer, 5).unwrap();
        let file = std::fs::read_to_string(tokens_path(d.path())).unwrap();
        assert!(!file.contains(&token), "the token itself is stored");
        assert!(file.contains(&r.sha256));
        let list = tokens(d.path()).unwrap();
        assert_eq!(check_token(&list, &token).unwrap().name, "Me Traoré");
        assert_eq!(check_token(&list, "temoin-token-00"), None);
        assert!(matches!(
            add_token(d.path(), " ", AccessRole::Lawyer, 5),
            Err(AccessError::EmptyName)
        ));
        revoke_token(d.path(), &r.id, 6).unwrap();
        let list = tokens(d.path()).unwrap();
        assert_eq!(check_token(&list, &token), None, "a revoked token works");
        assert!(matches!(
            revoke_token(d.path(), &r.id, 7),
            Err(AccessError::NoSuchToken(_))
        ));
    }

    #[test]
    fn the_access_log_chains_and_an_edit_breaks_it_where_it_was_made() {
        let d = tempfile::tempdir().unwrap();
        for who in ["a", "b", "c"] {
            record(d.path(), rec(who)).unwrap();
        }
        let log = read_log(d.path()).unwrap();
        assert_eq!(log.len(), 3);
        assert_eq!(log[2].0.n, 2);
        let path = log_path(d.path());
        let text = std::fs::read_to_string(&path).unwrap();
        // An edited line: the next one no longer names its hash.
        std::fs::write(&path, text.replacen("\"who\":\"b\"", "\"who\":\"x\"", 1)).unwrap();
        match read_log(d.path()) {
            Err(AccessError::Broken { line: 3, .. }) => {}
            other => panic!("{other:?}"),
        }
        // A line whose file hash is not one, even with its chain rebuilt:
        // refused where it stands, before any reader slices it.
        let mut one = rec("d");
        one.sha256 = "ab".into();
        let d2 = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(access_dir(d2.path())).unwrap();
        one.prev = "0".repeat(64);
        std::fs::write(
            log_path(d2.path()),
            serde_json::to_string(&one).unwrap() + "\n",
        )
        .unwrap();
        match read_log(d2.path()) {
            Err(AccessError::Broken { line: 1, .. }) => {}
            other => panic!("{other:?}"),
        }
        // A line removed in the middle.
        let lines: Vec<&str> = text.lines().collect();
        std::fs::write(&path, format!("{}\n{}\n", lines[0], lines[2])).unwrap();
        match read_log(d.path()) {
            Err(AccessError::Broken { line: 2, .. }) => {}
            other => panic!("{other:?}"),
        }
    }
}
