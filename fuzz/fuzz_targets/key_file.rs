//! Key files from anyone (keys/README.md), secret and public, as text and
//! as files: parsing never panics, a key line is read only in its one
//! canonical form, what is read writes back (with any comment) to a file
//! that reads back to the same key, and reading the file from disk gives
//! the verdict of parsing its text. Seed the corpus with keys/*.key and
//! keys/*.key.pub.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::io::Write as _;
use std::os::unix::fs::PermissionsExt as _;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use temoin::keys::{
    is_secret_key_text, load_vkey_file, KeyError, NamedPublicKey, PublicKey, SecretKey,
};
use temoin::signed_note::VerifierKey;

/// The one key line of a key file, as the key file rules find it (keys/README.md).
fn key_line(text: &str) -> Option<&str> {
    let mut lines = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let line = lines.next()?;
    lines.next().is_none().then_some(line)
}

/// The comment lines of `text`, without their `#`: what a key written
/// back carries.
fn comments(text: &str) -> String {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix('#'))
        .collect::<Vec<_>>()
        .join("\n")
}

fn is_demo(text: &str) -> bool {
    text.lines()
        .map(str::trim)
        .any(|l| l.starts_with('#') && l.contains("DEMO ONLY"))
}

fn same_secret(a: &SecretKey, b: &SecretKey) -> bool {
    a.name() == b.name() && a.signing_key().to_bytes() == b.signing_key().to_bytes()
}

/// Two key files in a directory of their own, kept for the whole run:
/// private (0600) and readable by all (0644).
fn files() -> &'static (tempfile::TempDir, PathBuf, PathBuf) {
    static FILES: OnceLock<(tempfile::TempDir, PathBuf, PathBuf)> = OnceLock::new();
    FILES.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let private = dir.path().join("k.key");
        let exposed = dir.path().join("o.key");
        for (path, mode) in [(&private, 0o600), (&exposed, 0o644)] {
            std::fs::File::create(path).unwrap();
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
        }
        (dir, private, exposed)
    })
}

fn overwrite(path: &Path, data: &[u8]) {
    std::fs::File::create(path)
        .unwrap()
        .write_all(data)
        .unwrap();
}

fuzz_target!(|data: &[u8]| {
    let text = std::str::from_utf8(data).ok();

    if let Some(text) = text {
        let comment = comments(text);

        // A secret key file.
        let secret = SecretKey::parse_file(text);
        if let Ok(k) = &secret {
            assert!(is_secret_key_text(text));
            let signer = k.note_signer().unwrap();
            assert_eq!(
                key_line(text),
                Some(signer.to_skey_string().as_str()),
                "a non-canonical secret key line parsed"
            );
            let written = k.to_file_text(&comment).unwrap();
            let back = SecretKey::parse_file(&written)
                .expect("a written secret key file does not read back");
            assert!(
                same_secret(k, &back),
                "secret key file round trip changed the key"
            );
            // Its public half reads back as the same name and key, or is
            // not written at all: a comment that says PRIVATE+KEY+ would
            // make readers refuse it as a secret key.
            match k.public_file_text(&comment) {
                Ok(public) => {
                    assert!(!is_secret_key_text(&comment));
                    let named = NamedPublicKey::parse_file(&public)
                        .expect("a written public key file does not read back");
                    assert_eq!((named.name.as_str(), named.key), (k.name(), k.public()));
                }
                Err(_) => assert!(is_secret_key_text(&comment)),
            }
            assert_eq!(
                VerifierKey::parse(&k.vkey().unwrap()).unwrap(),
                signer.verifier_key()
            );
        }

        // A public key file: never from a secret key's text.
        let public = NamedPublicKey::parse_file(text);
        if is_secret_key_text(text) {
            assert!(
                matches!(public, Err(KeyError::SecretGiven)),
                "a secret key file read as public"
            );
        }
        if let Ok(named) = &public {
            let vkey = named.key.vkey(&named.name).unwrap();
            assert_eq!(
                key_line(text),
                Some(vkey.as_str()),
                "a non-canonical vkey line parsed"
            );
            let file = format!("# {}\n{vkey}\n", comment.replace('\n', "\n# "));
            let back = NamedPublicKey::parse_file(&file)
                .expect("a written public key file does not read back");
            assert_eq!((&back.name, back.key), (&named.name, named.key));
            assert_eq!(PublicKey::parse(&vkey).unwrap(), named.key);
            assert_eq!(PublicKey::parse(&named.key.to_hex()).unwrap(), named.key);
        }

        // A key as typed: 64 hex digits or a vkey.
        if let Ok(key) = PublicKey::parse(text) {
            assert_eq!(PublicKey::parse(&key.to_hex()).unwrap(), key);
            assert_eq!(PublicKey::from_bytes(key.as_bytes()).unwrap(), key);
        }
        if !text.contains('\0') && !std::path::Path::new(text).exists() {
            // Not a path: the argument is the key itself.
            if let Ok(named) = NamedPublicKey::load_or_parse(text) {
                assert!(!is_secret_key_text(text));
                assert_eq!(PublicKey::parse(&named.key.to_hex()).unwrap(), named.key);
            }
        }
    }

    // The same bytes as key files on disk: the verdicts of the text.
    let (_, private, exposed) = files();
    overwrite(private, data);
    overwrite(exposed, data);
    let pubfile = private;
    // A passphrase-protected key file (an age file, FORMAT.md §7.1): its
    // passphrase is asked for, whatever follows; exposed, it is refused.
    if data.starts_with(temoin::keys::PROTECTED_MARK) {
        assert!(matches!(
            SecretKey::load(private),
            Err(KeyError::NeedsPassphrase { .. })
        ));
        assert!(matches!(
            SecretKey::load(exposed),
            Err(KeyError::Exposed { .. })
        ));
        assert!(load_vkey_file(pubfile).is_err());
        return;
    }
    let Some(text) = text else {
        assert!(matches!(
            SecretKey::load(private),
            Err(KeyError::Format { .. })
        ));
        assert!(matches!(
            load_vkey_file(pubfile),
            Err(KeyError::Format { .. })
        ));
        return;
    };
    match (SecretKey::load(private), SecretKey::parse_file(text)) {
        (Ok(a), Ok(b)) => assert!(same_secret(&a, &b)),
        (Err(KeyError::FormatAt { path, .. }), Err(KeyError::Format { .. })) => {
            assert_eq!(&path, private)
        }
        (Err(KeyError::FormatAt { .. }), Ok(_)) | (Ok(_), Err(_)) => {
            panic!("load and parse_file disagree")
        }
        (Err(e), _) => panic!("a readable key file: {e}"),
    }
    // A signing key or a reader's (age) key is secret, unless a demo key.
    let secret = (is_secret_key_text(text) || text.contains("AGE-SECRET-KEY-")) && !is_demo(text);
    match SecretKey::load(exposed) {
        Err(KeyError::Exposed { mode, .. }) => {
            assert_eq!(mode, 0o644);
            assert!(secret);
        }
        other => {
            assert!(!secret, "an exposed secret key was read");
            assert_eq!(other.is_ok(), SecretKey::parse_file(text).is_ok());
        }
    }
    match (load_vkey_file(pubfile), NamedPublicKey::parse_file(text)) {
        (Ok(v), Ok(named)) => {
            assert_eq!(
                (v.name(), v.public_key().to_bytes()),
                (named.name.as_str(), named.key.to_bytes())
            );
        }
        (Err(KeyError::SecretGiven), Err(KeyError::SecretGiven)) => {}
        (Err(KeyError::FormatAt { path, .. }), Err(KeyError::Format { .. })) => {
            assert_eq!(&path, pubfile)
        }
        (got, want) => panic!("load_vkey_file {got:?}, parse_file {want:?}"),
    }
});
