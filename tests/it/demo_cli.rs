//! The domain commands through the `temoin` binary: `demo`, `incident
//! list/show`, `history`, `tally`, `rebuild`, with human and JSON output.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

fn temoin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(args)
        .env_remove("TEMOIN_ARCHIVE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .output()
        .expect("run temoin")
}

fn ok(args: &[&str]) -> String {
    let out = temoin(args);
    assert!(
        out.status.success(),
        "temoin {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("utf-8")
}

fn json(args: &[&str]) -> Value {
    serde_json::from_str(&ok(args)).expect("JSON output")
}

fn demo(dir: &Path) -> String {
    ok(&["demo", "--archive", dir.to_str().unwrap()])
}

#[test]
fn demo_prints_the_incidents_and_the_reconciled_tally() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-archive");
    let out = demo(&dir);
    assert!(out.contains("verified: 19 entries"), "{out}");
    // The article's attributions, alleged, with their source and its grade.
    assert!(
        out.contains("Armée malienne (FAMa) — alleged, state forces — 5 incidents, from #13")
            && out.contains("graded weak, medium (#18)"),
        "{out}"
    );
    // Aligned table rows, French names included.
    let line = |start: &str| {
        out.lines()
            .find(|l| l.starts_with(start))
            .unwrap_or_else(|| panic!("no line {start} in\n{out}"))
            .to_string()
    };
    let eg = line("eghachar-ntirikene-2025-11-14  2025-11-14");
    assert!(
        eg.contains("Eghachar N’Tirikene") && eg.contains("1–2 ⚠"),
        "{eg}"
    );
    let em = line("emimalane-2025-10-24");
    let col = |l: &str, what: &str| l.find(what).map(|b| l[..b].chars().count());
    // "Émimalane" and "Aratane" start in the same column (padding by chars).
    assert_eq!(
        col(&em, "Émimalane"),
        col(&line("aratane-2025-11-06"), "Aratane")
    );
    assert!(line("total (4 incidents)").contains("25"));
    assert!(out.contains("DIFFERS"));
    assert!(out.contains("13 (#10"), "{out}");
    assert!(out.contains("17 = 10 women + 7 children"), "{out}");
    assert!(out.contains("29 dead in 5 incidents"), "{out}");

    // Refused without --force; exit code 2.
    let again = temoin(&["demo", "--archive", dir.to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    demo_force(&dir);
}

fn demo_force(dir: &Path) {
    ok(&["demo", "--archive", dir.to_str().unwrap(), "--force"]);
}

#[test]
fn reading_commands_with_json_and_as_of() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-archive");
    demo(&dir);
    let d = dir.to_str().unwrap();

    let list = json(&["incident", "list", "--archive", d, "--json"]);
    let incidents = list["incidents"].as_array().unwrap();
    assert_eq!(incidents.len(), 5);
    let dead: Vec<(String, u64)> = incidents
        .iter()
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_string(),
                i["figures"]["dead"]["max"].as_u64().unwrap(),
            )
        })
        .collect();
    assert!(dead.contains(&("zouera-2025-07-08".into(), 4)));
    // Printed one incident at a time, it is exactly the pretty JSON of the
    // whole value, with some incidents and with none.
    for (args, empty) in [(&[][..], false), (&["--as-of", "0"][..], true)] {
        let raw = ok(&[&["incident", "list", "--archive", d, "--json"][..], args].concat());
        let value: serde_json::Value = serde_json::from_str(&raw).unwrap();
        assert_eq!(raw, serde_json::to_string_pretty(&value).unwrap() + "\n");
        assert_eq!(value["incidents"].as_array().unwrap().is_empty(), empty);
    }

    // As of entry 8, no testimony yet: no figures.
    let early = json(&["incident", "list", "--archive", d, "--as-of", "8", "--json"]);
    assert_eq!(early["as_of_seq"], 8);
    assert!(early["incidents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|i| i["figures"].get("dead").is_none()));

    let show = json(&["incident", "show", "Tangata", "--archive", d, "--json"]);
    assert_eq!(show["id"], "tangata-2025-11-13");
    assert_eq!(show["victims"].as_array().unwrap().len(), 7);
    let human = ok(&["incident", "show", "tangata", "--archive", d]);
    assert!(human.contains("Ali Ag Mohamed Elmehdi"));
    assert!(human.contains("2025-11-13 → 2025-11-14"));
    let eg = ok(&["incident", "show", "eghachar", "--archive", d]);
    assert!(eg.contains("witness [ERASED by #17"), "{eg}");
    assert!(eg.contains("contradicts by demo-reviewer"), "{eg}");

    let hist = ok(&["history", "tangata-2025-11-13", "--archive", d]);
    assert!(
        hist.contains("when: was 2025-11-13; now 2025-11-13 → 2025-11-14"),
        "{hist}"
    );
    assert!(hist.contains("+Ali Ag Mohamed Elmehdi"));

    let tally = json(&[
        "tally",
        "--archive",
        d,
        "--region",
        "tombouctou",
        "--from",
        "2025-10-24",
        "--to",
        "2025-11-14",
        "--json",
    ]);
    let totals = tally["totals"].as_array().unwrap();
    let dead = totals.iter().find(|t| t["figure"] == "dead").unwrap();
    assert_eq!(dead["min"], 25);
    assert_eq!(
        tally["claims"][0]["rows"][0]["difference"],
        serde_json::json!([-2, -2])
    );

    let rebuild = ok(&["rebuild", "--archive", d]);
    assert!(rebuild.contains("matches the log"), "{rebuild}");

    // Usage errors exit 2, with a message saying what to do.
    let bad = temoin(&["incident", "show", "nulle-part", "--archive", d]);
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("incident list"));
    let bad = temoin(&["incident", "list", "--archive", d, "--as-of", "hier"]);
    assert_eq!(bad.status.code(), Some(2));
}

/// With a French locale the demo speaks French: its verdict, tables,
/// perpetrators, grades and tally; the data (names, ids) as recorded.
#[test]
fn the_demo_speaks_french_when_the_locale_is_french() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-archive");
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["demo", "--archive", dir.to_str().unwrap()])
        .env_remove("TEMOIN_ARCHIVE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "fr_ML.UTF-8")
        .output()
        .unwrap();
    assert!(out.status.success());
    let out = String::from_utf8(out.stdout).unwrap();
    for needle in [
        "DÉMONSTRATION SEULEMENT",
        "vérifié : 19 entrées, 4 auteurs",
        "Auteurs présumés (tels que les sources les donnent",
        "Armée malienne (FAMa) — présumée, forces de l'État — 5 incidents, d'après #13",
        "évaluée faible, moyenne (#18)",
        "Wagner/Africa Corps — présumée, société militaire privée",
        "morts  blessés  disparus",
        "Décompte : région Tombouctou",
        "DIFFÈRE",
        "Pour aller plus loin :",
    ] {
        assert!(out.contains(needle), "{needle:?} not in\n{out}");
    }
    for english in [
        "verified:",
        "Alleged perpetrators",
        "DIFFERS",
        "Read further",
        " by demo-",
    ] {
        assert!(
            !out.contains(english),
            "{english:?} in the French demo\n{out}"
        );
    }
}

/// `history` in French says what each entry is and what it changed in
/// French; its JSON stays in English for the scripts that read it.
#[test]
fn history_speaks_french_and_its_json_stays_english() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-archive");
    let d = dir.to_str().unwrap();
    demo(&dir);
    let fr = ok(&[
        "--lang",
        "fr",
        "history",
        "tangata-2025-11-13",
        "--archive",
        d,
    ]);
    for needle in [
        "Historique de l'incident tangata-2025-11-13 (5 entrées)",
        "ouverture de l'incident tangata-2025-11-13 : ",
        "· fiche : ",
        "· morts : — → 7 (1 source)",
        "· enfants parmi les morts : — → 5 (1 source)",
        "· auteur présumé : Armée malienne (FAMa) (présumée ; forces de l'État)",
        "· date : auparavant 2025-11-13 ; désormais 2025-11-13 → 2025-11-14",
        "· victimes nommées : +Ali Ag Mohamed Elmehdi, +Toraghite Walet Innabougor",
        "[évaluation : vérification faible, fiabilité moyenne]",
        "évalué : non évaluée → vérification faible, fiabilité moyenne",
    ] {
        assert!(fr.contains(needle), "{needle:?} not in\n{fr}");
    }
    let en = ok(&[
        "--lang",
        "en",
        "history",
        "tangata-2025-11-13",
        "--archive",
        d,
    ]);
    for english in [
        "opened incident",
        "· record: ",
        "dead: — → 7",
        "alleged perpetrator",
        "when: was",
        "victims named",
        "graded",
        "ungraded",
    ] {
        assert!(en.contains(english), "{english:?} not in the English\n{en}");
        assert!(!fr.contains(english), "{english:?} in the French\n{fr}");
    }
    let j = json(&[
        "--lang",
        "fr",
        "history",
        "tangata-2025-11-13",
        "--archive",
        d,
        "--json",
    ]);
    assert!(
        j["steps"][0]["what"]
            .as_str()
            .unwrap()
            .starts_with("opened incident tangata-2025-11-13: "),
        "{j}"
    );
}

/// The archive's own errors reach a French user in French: an unknown
/// incident, an ambiguous or unknown hash prefix, a file that is not there.
#[test]
fn archive_errors_speak_french() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("demo-archive");
    let d = dir.to_str().unwrap();
    demo(&dir);
    let fail = |args: &[&str]| {
        let out = temoin(args);
        assert!(!out.status.success(), "{args:?} succeeded");
        String::from_utf8(out.stderr).unwrap()
    };
    let err = fail(&["--lang", "fr", "history", "nulle-part-2025", "--archive", d]);
    assert!(
        err.contains("pas d'incident \"nulle-part-2025\" dans cette archive"),
        "{err}"
    );
    let err = fail(&["--lang", "fr", "history", "00000000", "--archive", d]);
    assert!(err.contains("aucune déclaration de cette archive"), "{err}");
    let missing = tmp.path().join("absent.tms");
    let err = fail(&["--lang", "fr", "inspect", missing.to_str().unwrap()]);
    assert!(
        err.contains("impossible de lire le fichier de déclaration")
            && err.contains("fichier ou dossier introuvable"),
        "{err}"
    );
    let err = fail(&[
        "--lang",
        "fr",
        "log",
        "--archive",
        tmp.path().join("rien").to_str().unwrap(),
    ]);
    assert!(err.contains("n'est pas une archive temoin"), "{err}");
    // The same in English, in the library's words.
    let err = fail(&["history", "nulle-part-2025", "--archive", d]);
    assert!(
        err.contains("no incident \"nulle-part-2025\" in this archive"),
        "{err}"
    );
}

/// A command line clap refuses is refused in French too, exit 2, with the
/// usage line.
#[test]
fn usage_errors_speak_french() {
    let out = temoin(&["--lang", "fr", "verify-bundle", "x.bundle.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.starts_with("erreur : ces arguments sont requis et manquent : --archive-key <VKEY>"),
        "{err}"
    );
    assert!(err.contains("Utilisation : temoin verify-bundle"), "{err}");
    let out = temoin(&["--lang", "fr", "verifx"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("commande inconnue verifx ; commandes proches : "),
        "{err}"
    );
    let out = temoin(&["--lang", "fr", "completions", "zsh2"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("valeur zsh2 invalide pour <SHELL> ; valeurs possibles : bash"),
        "{err}"
    );
    let out = temoin(&[
        "--lang",
        "fr",
        "tally",
        "--archive",
        "a",
        "--min-grade",
        "superb",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("valeur superb invalide pour --min-grade"),
        "{err}"
    );
    // English stays clap's own.
    let out = temoin(&["verify-bundle", "x.bundle.json"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8(out.stderr).unwrap();
    assert!(
        err.contains("the following required arguments were not provided"),
        "{err}"
    );
}
