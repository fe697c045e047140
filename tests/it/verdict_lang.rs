//! `verify-bundle --lang fr` says every verdict in French: over every
//! bundle vector, no English sentence of a fault, of what a bundle does
//! not establish or of a finding is left, while the English output (the
//! same verdicts) holds each of them — else this test proves nothing.

use std::path::Path;
use std::process::Command;

/// Fixed phrases of the English verdicts, each said by at least one vector.
const ENGLISH: &[&str] = &[
    "the archive would have refused it",
    "was not authorised",
    "is not in this bundle",
    "not established by this bundle",
    "signed after a declared compromise",
    " entry ",
    "BAD",
    "the whole log",
    "does not match its commitment",
];

fn verify(lang: &str, key: &str, file: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["--lang", lang, "verify-bundle", "--archive-key", key])
        .arg(file)
        .env_remove("LANG")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("LANGUAGE")
        .output()
        .unwrap();
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

#[test]
fn verify_bundle_says_every_verdict_in_french() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/bundles");
    let index: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.join("index.json")).unwrap()).unwrap();
    let key = index["archive_key"].as_str().unwrap();
    let vectors = index["vectors"].as_array().unwrap();
    let negative = vectors
        .iter()
        .filter(|v| v["expect"]["verified"] == false)
        .count();
    assert!(negative >= 40, "{negative} negative vectors");
    let mut english_said = vec![false; ENGLISH.len()];
    let mut left = Vec::new();
    for v in vectors {
        let file = dir.join(v["file"].as_str().unwrap());
        let en = verify("en", key, &file);
        for (i, p) in ENGLISH.iter().enumerate() {
            english_said[i] |= en.contains(p);
        }
        let fr = verify("fr", key, &file);
        for p in ENGLISH {
            if fr.contains(p) {
                left.push(format!("{}: {p:?} in\n{fr}", file.display()));
            }
        }
    }
    let unsaid: Vec<&str> = ENGLISH
        .iter()
        .zip(&english_said)
        .filter(|(_, said)| !**said)
        .map(|(p, _)| *p)
        .collect();
    assert!(
        unsaid.is_empty(),
        "no vector says {unsaid:?} in English: the test has no teeth"
    );
    assert!(
        left.is_empty(),
        "English left in French:\n{}",
        left.join("\n")
    );
}
