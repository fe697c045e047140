//! The archive's errors, in the user's language: opening, reading and
//! writing an archive, looking up a statement or an incident, files that
//! cannot be read or written. As in `refusal`, each variant has its
//! message and the matches are exhaustive; what the operating system or
//! sled says of a failure (and a damaged row's detail) stays in its own
//! words, after ours.

use std::path::Path;
use temoin::archive::ArchiveError;
use temoin::i18n::{current, Lang};
use temoin::projection::ProjectionError;
use temoin::store::{LookupError, Searched, StoreError};
use temoin::{t, tr};

/// What the operating system said, in `lang` for the failures a user can
/// fix (a missing file, a permission); its own words otherwise.
pub fn io_in(lang: Lang, e: &std::io::Error) -> String {
    use std::io::ErrorKind as K;
    if lang == Lang::En {
        return e.to_string();
    }
    match e.kind() {
        K::NotFound => tr!(lang, "io-not-found"),
        K::PermissionDenied => tr!(lang, "io-permission-denied"),
        K::AlreadyExists => tr!(lang, "io-already-exists"),
        K::IsADirectory => tr!(lang, "io-is-a-directory"),
        K::NotADirectory => tr!(lang, "io-not-a-directory"),
        K::StorageFull => tr!(lang, "io-storage-full"),
        K::ReadOnlyFilesystem => tr!(lang, "io-read-only"),
        _ => e.to_string(),
    }
}

pub fn io(e: &std::io::Error) -> String {
    io_in(current(), e)
}

/// `cannot read bundle B.json: …`; `what` is a file noun of the catalogue
/// (`file-bundle`...), in the language's own grammar.
pub fn cannot_read(what: &str, path: &Path, e: &std::io::Error) -> String {
    t!(
        "io-cannot-read",
        what = file_noun(what),
        path = path.display().to_string(),
        error = io(e)
    )
}

pub fn cannot_write(what: &str, path: &Path, e: &std::io::Error) -> String {
    t!(
        "io-cannot-write",
        what = file_noun(what),
        path = path.display().to_string(),
        error = io(e)
    )
}

/// The nouns the command line names its files by.
pub fn file_noun(what: &str) -> String {
    match what {
        "bundle" => t!("file-bundle"),
        "consistency proof" => t!("file-consistency-proof"),
        "input" => t!("file-input"),
        "receipt" => t!("file-receipt"),
        "report" => t!("file-report"),
        "statement file" => t!("file-statement"),
        "checkpoint" => t!("file-checkpoint"),
        "key" => t!("file-key"),
        "access file" => t!("file-access"),
        "token file" => t!("file-token"),
        other => other.to_string(),
    }
}

fn path(p: &Path) -> String {
    p.display().to_string()
}

pub fn archive(e: &ArchiveError) -> String {
    use ArchiveError as E;
    match e {
        E::Locked(p) => t!("archive-locked", dir = path(p)),
        E::NotAnArchive(p) => t!("archive-not-an-archive", dir = path(p)),
        E::OtherFormat { dir, found } => t!(
            "archive-other-format",
            dir = path(dir),
            found = format!("{found:?}"),
            expected = format!(
                "{:?}",
                String::from_utf8_lossy(temoin::store::layout::FORMAT_TAG)
            )
        ),
        E::AlreadyExists(p) => t!("archive-already-exists", dir = path(p)),
        E::ReadOnly(p) => t!("archive-read-only", dir = path(p)),
        E::Input(err) => t!("archive-input", error = io(err)),
        E::Io { path: p, source } => t!("archive-io", path = path(p), error = io(source)),
        E::Store(s) => store(s),
        E::Key(k) => k.to_string(),
        E::Genesis(r) => t!(
            "archive-genesis",
            refusal = super::refusal::refusal(temoin::i18n::current(), r)
        ),
        E::BadOrigin(o) => t!("archive-bad-origin", origin = format!("{o:?}")),
        E::SignCheckpoint(err) => t!("archive-sign-checkpoint", error = err.to_string()),
        E::NoCheckpoint => t!("archive-no-checkpoint"),
        E::NotCovered { seq, size } => t!(
            "archive-not-covered",
            seq = seq.to_string(),
            size = size.to_string()
        ),
        E::NoSuchProof { size, source } => t!(
            "archive-no-such-proof",
            size = size.to_string(),
            error = source.to_string()
        ),
        E::Receipt(err) => t!("archive-receipt", error = err.to_string()),
        E::GenesisNoOutcome => t!("archive-genesis-no-outcome"),
        E::WrongCheckpointKey {
            path: p,
            found,
            expected,
        } => t!(
            "archive-wrong-checkpoint-key",
            path = path(p),
            found = format!("{found:?}"),
            expected = format!("{expected:?}")
        ),
        E::ProtectedCheckpointKey(p) => t!("archive-protected-checkpoint-key", path = path(p)),
        E::Inconsistent(detail) => t!("archive-inconsistent", detail = detail.clone()),
        E::WriteFailed => t!("archive-write-failed"),
        E::Init { dir, why } => t!("archive-init", dir = path(dir), why = why.clone()),
    }
}

pub fn store(e: &StoreError) -> String {
    use StoreError as E;
    match e {
        E::Sled(err) => t!("store-sled", error = err.to_string()),
        E::Unreadable { what, source } => t!(
            "store-unreadable",
            what = what.clone(),
            error = source.to_string()
        ),
        E::Corrupt(d) => t!("store-corrupt", detail = d.to_string()),
        E::Tree(err) => err.to_string(),
        E::File(err) => err.to_string(),
        E::Sync(err) => t!("store-sync", error = err.to_string()),
        E::TooLargeToHold { seq, len } => t!(
            "store-too-large-to-hold",
            seq = seq.to_string(),
            len = len.to_string()
        ),
    }
}

pub fn lookup(e: &LookupError) -> String {
    match e {
        LookupError::NotFound { prefix, where_ } => match where_ {
            Searched::Archive => t!("lookup-not-found", prefix = prefix.to_string()),
            Searched::Bundle(b) => t!(
                "lookup-not-found-in-bundle",
                prefix = prefix.to_string(),
                bundle = b.clone()
            ),
        },
        LookupError::Ambiguous {
            prefix,
            matches,
            more,
        } => {
            let mut s = if *more {
                t!(
                    "lookup-ambiguous-more",
                    prefix = prefix.to_string(),
                    n = matches.len()
                )
            } else {
                t!(
                    "lookup-ambiguous",
                    prefix = prefix.to_string(),
                    n = matches.len()
                )
            };
            for c in matches {
                s.push_str(&format!(
                    "\n  {} {:>6}  {:<13} {}",
                    t!("lookup-entry"),
                    c.seq,
                    c.kind,
                    c.hash
                ));
            }
            if *more {
                s.push_str("\n  ...");
            }
            s
        }
        LookupError::Store(s) => store(s),
    }
}

pub fn projection(e: &ProjectionError) -> String {
    use ProjectionError as E;
    match e {
        E::Store(s) => store(s),
        E::Corrupt { seq, reason } => t!(
            "projection-corrupt",
            seq = seq.to_string(),
            reason = reason.clone()
        ),
        E::UnknownIncident(id) => t!("projection-unknown-incident", id = format!("{id:?}")),
        E::NotYetOpened {
            id,
            as_of,
            opened_at,
        } => t!(
            "projection-not-yet-opened",
            id = format!("{id:?}"),
            as_of = as_of.to_string(),
            opened_at = opened_at.to_string()
        ),
        E::Ambiguous { query, candidates } => t!(
            "projection-ambiguous",
            query = format!("{query:?}"),
            candidates = candidates.clone()
        ),
        // The lookup's own message, already said in the user's language
        // where it was made.
        E::AmbiguousStatement(s) => s.clone(),
        E::UnknownStatement(p) => t!("projection-unknown-statement", prefix = format!("{p:?}")),
        E::BadSubject(s) => t!("projection-bad-subject", subject = format!("{s:?}")),
        E::NoHistory { hash, kind } => t!(
            "projection-no-history",
            hash = hash.clone(),
            kind = kind.to_string()
        ),
        E::BadAsOf(s) => t!("projection-bad-as-of", value = format!("{s:?}")),
        E::BadDate { what, value } => t!(
            "projection-bad-date",
            what = what.to_string(),
            value = format!("{value:?}")
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    /// In English, the words the library has always said.
    #[test]
    fn english_errors_are_the_librarys_words() {
        temoin::i18n::set_current(Lang::En);
        let p = PathBuf::from("/tmp/a");
        let archives = vec![
            ArchiveError::Locked(p.clone()),
            ArchiveError::NotAnArchive(p.clone()),
            ArchiveError::OtherFormat {
                dir: p.clone(),
                found: "x".into(),
            },
            ArchiveError::AlreadyExists(p.clone()),
            ArchiveError::ReadOnly(p.clone()),
            ArchiveError::BadOrigin("a b".into()),
            ArchiveError::NoCheckpoint,
            ArchiveError::NotCovered { seq: 3, size: 2 },
            ArchiveError::GenesisNoOutcome,
            ArchiveError::WrongCheckpointKey {
                path: p.clone(),
                found: "a".into(),
                expected: "b".into(),
            },
            ArchiveError::ProtectedCheckpointKey(p.clone()),
            ArchiveError::Inconsistent("x".into()),
            ArchiveError::WriteFailed,
            ArchiveError::Init {
                dir: p.clone(),
                why: "w".into(),
            },
            ArchiveError::Store(StoreError::TooLargeToHold { seq: 1, len: 2 }),
        ];
        for e in &archives {
            assert_eq!(archive(e), e.to_string());
        }
        let prefix = temoin::hash::HashPrefix::parse("0123abcd").unwrap();
        let lookups = vec![
            LookupError::NotFound {
                prefix: prefix.clone(),
                where_: Searched::Archive,
            },
            LookupError::NotFound {
                prefix: prefix.clone(),
                where_: Searched::Bundle("b.json".into()),
            },
            LookupError::Ambiguous {
                prefix: prefix.clone(),
                matches: vec![temoin::store::Candidate {
                    seq: 4,
                    kind: "note".into(),
                    hash: temoin::hash::Digest([1; 32]),
                }],
                more: true,
            },
        ];
        for e in &lookups {
            assert_eq!(lookup(e), e.to_string());
        }
        let projections = vec![
            ProjectionError::Corrupt {
                seq: 1,
                reason: "r".into(),
            },
            ProjectionError::UnknownIncident("x".into()),
            ProjectionError::NotYetOpened {
                id: "x".into(),
                as_of: 2,
                opened_at: 3,
            },
            ProjectionError::Ambiguous {
                query: "q".into(),
                candidates: "a, b".into(),
            },
            ProjectionError::UnknownStatement("0123".into()),
            ProjectionError::BadSubject("zz".into()),
            ProjectionError::NoHistory {
                hash: "ab".into(),
                kind: temoin::statement::Kind::Note,
            },
            ProjectionError::BadAsOf("x".into()),
            ProjectionError::BadDate {
                what: "--from",
                value: "x".into(),
            },
        ];
        for e in &projections {
            assert_eq!(projection(e), e.to_string());
        }
        let e = std::io::Error::from(std::io::ErrorKind::NotFound);
        assert_eq!(io_in(Lang::En, &e), e.to_string());
        assert_eq!(io_in(Lang::Fr, &e), "fichier ou dossier introuvable");
    }
}
