//! Keys and key files (docs/FORMAT.md §7, keys/README.md). The key types,
//! their text forms and the reading of key files are the core's
//! ([`temoin_core::keys`], re-exported here); writing a key file is the
//! archive's, which makes it durable and never overwrites one.

pub use temoin_core::keys::*;

use std::path::{Path, PathBuf};

/// Writing a secret key file and its public companion.
pub trait SaveKey {
    /// Write `PATH` (secret, mode 0600, never overwriting) and `PATH.pub`.
    fn save(&self, path: &Path, comment: &str) -> Result<PathBuf, KeyError> {
        self.save_with(path, comment, None)
    }

    /// As `save`, the secret file protected by `passphrase` if one is
    /// given (docs/FORMAT.md §7.1).
    fn save_with(
        &self,
        path: &Path,
        comment: &str,
        passphrase: Option<SecretString>,
    ) -> Result<PathBuf, KeyError>;
}

impl SaveKey for SecretKey {
    fn save_with(
        &self,
        path: &Path,
        comment: &str,
        passphrase: Option<SecretString>,
    ) -> Result<PathBuf, KeyError> {
        let public_path = public_path_for(path);
        for p in [path, public_path.as_path()] {
            if p.exists() {
                return Err(KeyError::Exists { path: p.into() });
            }
        }
        let secret = self.to_file_text(&format!(
            "temoin secret key (Ed25519) \"{}\".\nWhoever holds this file can sign as this key: keep it private.\n{comment}",
            self.name()
        ))?;
        match passphrase {
            Some(p) => write_new_file(path, &protect(&secret, p)?, 0o600)?,
            None => write_new_file(path, secret.as_bytes(), 0o600)?,
        }
        let public = self.public_file_text(&format!(
            "temoin public key (Ed25519) \"{}\", C2SP vkey form: name+keyid+base64(0x01||key).\n{comment}",
            self.name()
        ))?;
        write_new_file(&public_path, public.as_bytes(), 0o644)?;
        Ok(public_path)
    }
}

/// Create `path` with `mode`, failing if it exists: a key is never
/// silently overwritten.
pub fn write_new_file(path: &Path, bytes: &[u8], mode: u32) -> Result<(), KeyError> {
    // Whole or absent: a key file cut short by a crash would be unreadable,
    // and the key it held lost.
    crate::durable::write_new_atomic(path, bytes, mode).map_err(|e| {
        if e.source.kind() == std::io::ErrorKind::AlreadyExists {
            KeyError::Exists { path: path.into() }
        } else {
            KeyError::Io {
                path: path.into(),
                source: e.source,
            }
        }
    })
}
