//! The report a French lawyer files: in French from `--lang fr` or the
//! locale, every label, the verdict, the limits and "how to verify" in
//! French, dates as French writes them, and `lang="fr"` on the document.

use std::path::Path;
use std::process::Command;

fn temoin(dir: &Path, env: &[(&str, &str)], args: &[&str]) -> String {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_temoin"));
    cmd.current_dir(dir)
        .env_remove("TEMOIN_ARCHIVE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.args(args).output().expect("run temoin");
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The fixed texts (no argument) of the English catalogue that French says
/// otherwise, with their id: none of them may show in a French report.
fn english_only_texts() -> Vec<(String, String)> {
    let parse = |src: &str| -> std::collections::BTreeMap<String, String> {
        src.lines()
            .filter_map(|l| l.split_once(" = "))
            .filter(|(id, v)| !id.starts_with([' ', '#']) && !v.contains('{'))
            .map(|(id, v)| (id.to_string(), v.to_string()))
            .collect()
    };
    let en = parse(include_str!("../../i18n/en/temoin.ftl"));
    let fr = parse(include_str!("../../i18n/fr/temoin.ftl"));
    en.into_iter()
        .filter(|(id, v)| {
            (id.starts_with("report-") || id.starts_with("figure-"))
                && v.len() >= 8
                && fr.get(id) != Some(v)
        })
        .collect()
}

fn demo_bundle(d: &Path) -> String {
    temoin(d, &[], &["demo", "--archive", "demo", "--quiet"]);
    let keys: serde_json::Value = serde_json::from_str(&temoin(
        d,
        &[],
        &["key", "list", "--archive", "demo", "--json"],
    ))
    .unwrap();
    temoin(
        d,
        &[],
        &[
            "export",
            "--archive",
            "demo",
            "--incident",
            "tangata-2025-11-13",
            "--out",
            "tangata.bundle.json",
        ],
    );
    keys[0]["vkey"].as_str().unwrap().to_string()
}

#[test]
fn a_french_report_is_french_throughout() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let vkey = demo_bundle(d);
    let said = temoin(
        d,
        &[],
        &[
            "--lang",
            "fr",
            "report",
            "tangata.bundle.json",
            "--archive-key",
            &vkey,
            "--out",
            "fr.html",
        ],
    );
    assert!(said.contains("rapport écrit dans"), "{said}");
    temoin(
        d,
        &[("LANG", "fr_ML.UTF-8")],
        &[
            "report",
            "tangata.bundle.json",
            "--archive-key",
            &vkey,
            "--out",
            "fr.md",
        ],
    );
    temoin(
        d,
        &[],
        &[
            "report",
            "tangata.bundle.json",
            "--archive-key",
            &vkey,
            "--out",
            "en.html",
        ],
    );
    let html = std::fs::read_to_string(d.join("fr.html")).unwrap();
    let md = std::fs::read_to_string(d.join("fr.md")).unwrap();
    let en = std::fs::read_to_string(d.join("en.html")).unwrap();
    assert!(html.contains("<html lang=\"fr\">"));
    assert!(en.contains("<html lang=\"en\">"));
    for text in [&html, &md] {
        for needle in [
            "Rapport de chaîne de traçabilité",
            "VÉRIFIÉ",
            "Parties non incluses",
            "Méthode et limites",
            "Limites : un dossier prouve",
            "du 13 novembre 2025 au 14 novembre 2025",
            "Toraghite Walet Innabougor",
            "féminin",
        ] {
            assert!(
                text.contains(needle),
                "{needle:?} not in the French report:\n{text}"
            );
        }
    }
    assert!(html.contains("content: \"page \" counter(page)"));
    let leaks: Vec<String> = english_only_texts()
        .into_iter()
        .filter(|(_, v)| {
            let v = temoin::report::esc(v);
            html.contains(&v) || md.contains(v.as_str())
        })
        .map(|(id, v)| format!("{id}: {v}"))
        .collect();
    assert!(
        leaks.is_empty(),
        "English in the French report:\n{}",
        leaks.join("\n")
    );
    // The same check has teeth: the English report has those texts.
    assert!(english_only_texts()
        .iter()
        .any(|(_, v)| en.contains(&temoin::report::esc(v))));
}

/// `LC_ALL` decides over `LANG`, as POSIX has it; a language temoin does
/// not speak falls back to English.
#[test]
fn the_locale_chooses_the_language() {
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let help = temoin(
        d,
        &[("LANG", "fr_FR.UTF-8")],
        &["incident", "show", "--help"],
    );
    assert!(help.contains("Utilisation :"), "{help}");
    let help = temoin(
        d,
        &[("LANG", "fr_FR.UTF-8"), ("LC_ALL", "en_GB.UTF-8")],
        &["incident", "show", "--help"],
    );
    assert!(help.contains("Usage:"), "{help}");
    let help = temoin(d, &[("LANG", "de_DE.UTF-8")], &["--help"]);
    assert!(help.contains("Usage:"), "{help}");
    let help = temoin(d, &[("LANG", "en_GB.UTF-8")], &["--lang", "fr", "--help"]);
    assert!(help.contains("Commandes"), "{help}");
}

/// A bundle that fails: the French report says why in French, each fault
/// as `verify-bundle --lang fr` says it, and none in the library's English.
#[test]
fn a_failed_bundle_is_explained_in_french() {
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine as _;
    use temoin::explain::verdict;
    use temoin::i18n::Lang;
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    let vkey = demo_bundle(d);
    // The last byte of an entry is its statement's signature's: flip it.
    let mut b: serde_json::Value =
        serde_json::from_slice(&std::fs::read(d.join("tangata.bundle.json")).unwrap()).unwrap();
    let entry = b["entries"][1]["entry"].as_str().unwrap();
    let mut bytes = B64.decode(entry).unwrap();
    *bytes.last_mut().unwrap() ^= 1;
    b["entries"][1]["entry"] = B64.encode(&bytes).into();
    let forged = serde_json::to_vec(&b).unwrap();
    std::fs::write(d.join("forged.bundle.json"), &forged).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .current_dir(d)
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .args(["--lang", "fr", "report", "forged.bundle.json"])
        .args(["--archive-key", &vkey, "--out", "forged.html"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a failed bundle exits 1");
    let html = std::fs::read_to_string(d.join("forged.html")).unwrap();
    let bundle = temoin::bundle::Bundle::from_json(&forged).unwrap();
    let key = temoin::signed_note::VerifierKey::parse(&vkey).unwrap();
    let v = temoin::bundle::verify(&bundle, &key);
    assert!(!v.faults.is_empty(), "the forgery must be caught");
    assert!(html.contains("ÉCHEC"), "{html}");
    for f in &v.faults {
        let fr = verdict::fault(Lang::Fr, f);
        let en = f.to_string();
        assert_ne!(fr, en, "{f:?} has no French words");
        assert!(
            html.contains(&temoin::report::esc(&fr)),
            "{fr:?} not in the French report:\n{html}"
        );
        assert!(
            !html.contains(&temoin::report::esc(&en)),
            "English {en:?} in the French report"
        );
    }
}
