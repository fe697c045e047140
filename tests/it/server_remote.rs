//! The reading commands with `--server URL` instead of `--archive DIR`:
//! the same JSON byte for byte as on the archive itself (ids and queries
//! with spaces, accents and apostrophes carried intact), the token from
//! TEMOIN_TOKEN or a file and never from the command line, refusals that
//! say what to do, and `export --server` that writes a bundle only once it
//! verifies against the pinned key, whatever the server sends.

use crate::common;
use crate::server::Served;
use std::io::{Read as _, Write as _};
use std::net::TcpListener;
use std::path::Path;
use std::process::Command;

/// `temoin args`, with TEMOIN_TOKEN set when `token` is: (code, out, err).
fn run(args: &[&str], token: Option<&str>) -> (i32, String, String) {
    let mut c = Command::new(env!("CARGO_BIN_EXE_temoin"));
    c.args(args)
        .env_remove("TEMOIN_ARCHIVE")
        .env_remove("TEMOIN_TOKEN")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8");
    if let Some(t) = token {
        c.env("TEMOIN_TOKEN", t);
    }
    common::run_output(c.output().expect("run temoin"))
}

fn ok(args: &[&str]) -> String {
    let (code, out, err) = run(args, None);
    assert_eq!(code, 0, "temoin {args:?}: {err}");
    out
}

fn token(dir: &str, name: &str, role: &str) -> String {
    ok(&[
        "token",
        "add",
        "--archive",
        dir,
        "--name",
        name,
        "--role",
        role,
    ])
    .trim()
    .to_string()
}

/// The reading commands, each as (arguments after the source, whether it
/// is the custodian's): every one is run on the archive, then on the server.
fn reads() -> Vec<(Vec<&'static str>, bool)> {
    vec![
        (vec!["incident", "list", "--json"], false),
        (vec!["incident", "list", "--as-of", "5", "--json"], false),
        // By place name: a space and an apostrophe in the path.
        (
            vec!["incident", "show", "Eghachar N'Tirikene", "--json"],
            false,
        ),
        (
            vec![
                "incident",
                "show",
                "eghachar-ntirikene-2025-11-14",
                "--as-of",
                "9",
                "--json",
            ],
            false,
        ),
        (
            vec!["history", "eghachar-ntirikene-2025-11-14", "--json"],
            false,
        ),
        (
            vec![
                "tally",
                "--region",
                "Tombouctou",
                "--from",
                "2025-11-01",
                "--to",
                "2025-11-30",
                "--json",
            ],
            false,
        ),
        (vec!["tally", "--min-grade", "weak", "--json"], false),
        (vec!["victims", "--json"], false),
        // Accents, a space and an apostrophe in the query.
        (vec!["search", "tin aïcha", "--json"], false),
        (vec!["search", "n'tirikene", "--json"], false),
        (vec!["token", "list", "--json"], true),
    ]
}

/// `args` with `--archive DIR` or `--server URL` put after the command
/// words (the ones before the first option or argument that is not one).
fn with(args: &[&str], source: &[&str]) -> Vec<String> {
    let words = match args[0] {
        "incident" | "token" => 2,
        _ => 1,
    };
    let mut v: Vec<String> = args[..words].iter().map(|s| s.to_string()).collect();
    v.extend(source.iter().map(|s| s.to_string()));
    v.extend(args[words..].iter().map(|s| s.to_string()));
    v
}

#[test]
fn server_answers_the_clis_own_json_with_a_token() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let d = dir.to_str().unwrap();
    ok(&["demo", "--archive", d]);
    let lawyer = token(d, "Me Awa Traoré", "lawyer");
    let custodian = token(d, "Gardien", "custodian");
    let local: Vec<String> = reads()
        .iter()
        .map(|(args, _)| {
            let a = with(args, &["--archive", d]);
            ok(&a.iter().map(String::as_str).collect::<Vec<_>>())
        })
        .collect();
    let proof_local = ok(&["consistency-proof", "--archive", d, "--old", "3"]);
    let server = Served::start(&dir, &["--rate-per-address", "0"]);
    let url = format!("http://{}", server.addr);

    for ((args, custodians), want) in reads().iter().zip(&local) {
        let a = with(args, &["--server", &url]);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let who = if *custodians { &custodian } else { &lawyer };
        let (code, out, err) = run(&a, Some(who));
        assert_eq!(code, 0, "{a:?}: {err}");
        assert_eq!(&out, want, "{a:?}: not the archive's own JSON");
        assert!(out.len() > 20, "{a:?}: {out}");

        // No token: refused, and told where the token goes.
        let (code, out, err) = run(&a, None);
        assert_eq!(code, 1, "{a:?} without a token: {out}");
        assert!(out.is_empty(), "{a:?}: {out}");
        assert!(
            err.contains("unauthorized") && err.contains("TEMOIN_TOKEN"),
            "{a:?}: {err}"
        );
        // Not a token the archive gave.
        let (code, _, err) = run(&a, Some("temoin-token-0000"));
        assert_eq!(code, 1);
        assert!(err.contains("revoked"), "{a:?}: {err}");
    }

    // The same token from a file (its first line); an empty file refused.
    let tf = tmp.path().join("token");
    std::fs::write(&tf, format!("{lawyer}\nnot read\n")).unwrap();
    let tfs = tf.to_str().unwrap();
    let (code, out, err) = run(
        &[
            "incident",
            "list",
            "--server",
            &url,
            "--token-file",
            tfs,
            "--json",
        ],
        None,
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, local[0]);
    std::fs::write(&tf, "\n").unwrap();
    let (code, _, err) = run(
        &["victims", "--server", &url, "--token-file", tfs, "--json"],
        None,
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("token file is empty"), "{err}");

    // The custodian's routes are not a lawyer's.
    let (code, _, err) = run(&["access-log", "--server", &url, "--json"], Some(&lawyer));
    assert_eq!(code, 1);
    assert!(err.contains("forbidden"), "{err}");

    // Tables and CSV are printed from the archive: over the server, the
    // command says to add --json, and asks nothing of the server.
    for a in [
        vec!["incident", "list", "--server", &url],
        vec!["victims", "--server", &url, "--csv"],
        vec!["tally", "--server", &url],
    ] {
        let (code, out, err) = run(&a, Some(&lawyer));
        assert_eq!(code, 2, "{a:?}: {out}");
        assert!(err.contains("add --json"), "{a:?}: {err}");
    }

    // The consistency proof is public, and the archive's own file.
    let (code, out, err) = run(&["consistency-proof", "--server", &url, "--old", "3"], None);
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, proof_local);
}

#[test]
fn export_over_the_server_writes_only_a_bundle_that_verifies() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let d = dir.to_str().unwrap();
    ok(&["demo", "--archive", d]);
    // A key of the same name, not the archive's (the demo's keys are fixed).
    let other = tmp.path().join("other");
    ok(&[
        "key",
        "generate",
        "--out",
        other.to_str().unwrap(),
        "--name",
        "demo-archive",
    ]);
    let key = dir.join("checkpoint.key.pub");
    let key = key.to_str().unwrap();
    let wrong_key = tmp.path().join("other.pub");
    let lawyer = token(d, "Me Awa Traoré", "lawyer");
    let custodian = token(d, "Gardien", "custodian");
    let server = Served::start(&dir, &["--rate-per-address", "0"]);
    let url = format!("http://{}", server.addr);
    let out = tmp.path().join("bundle.json");
    let o = out.to_str().unwrap();

    // The pinned key is required: a bundle nobody checked is not written.
    let (code, _, err) = run(
        &[
            "export",
            "--server",
            &url,
            "--incident",
            "émimalane",
            "--out",
            o,
        ],
        Some(&lawyer),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--archive-key"), "{err}");
    // One incident at a time over the server.
    let (code, _, err) = run(
        &[
            "export",
            "--server",
            &url,
            "--all",
            "--archive-key",
            key,
            "--out",
            o,
        ],
        Some(&lawyer),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--incident"), "{err}");

    // Another archive's key: the server's bundle does not verify with it.
    let (code, _, err) = run(
        &[
            "export",
            "--server",
            &url,
            "--incident",
            "émimalane",
            "--archive-key",
            wrong_key.to_str().unwrap(),
            "--out",
            o,
        ],
        Some(&lawyer),
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("does NOT verify"), "{err}");
    assert!(!out.exists(), "an unverified bundle was written");

    // The right key: written, verifies offline, withheld parts left out,
    // and the export is on the custodian's access log under the lawyer's name.
    let (code, stdout, err) = run(
        &[
            "export",
            "--server",
            &url,
            "--incident",
            "émimalane",
            "--withhold",
            "witness",
            "--archive-key",
            key,
            "--out",
            o,
        ],
        Some(&lawyer),
    );
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("verified with the pinned key"), "{stdout}");
    let (code, v, err) = run(&["verify-bundle", o, "--archive-key", key, "--json"], None);
    assert_eq!(code, 0, "{v}{err}");
    let v: serde_json::Value = serde_json::from_str(&v).unwrap();
    assert_eq!(v["scope"]["incident"], "emimalane-2025-10-24");
    let log = run(
        &["access-log", "--server", &url, "--json"],
        Some(&custodian),
    );
    assert_eq!(log.0, 0, "{}", log.2);
    let log: serde_json::Value = serde_json::from_str(&log.1).unwrap();
    // Both bundles the server handed out are on the log, the one the
    // wrong key refused too: it left the server.
    let bundles: Vec<&serde_json::Value> = log
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["what"] == "bundle")
        .collect();
    assert_eq!(bundles.len(), 2, "{log}");
    let rec = bundles[1];
    assert!(
        rec["who"].as_str().unwrap().starts_with("Me Awa Traoré"),
        "{rec}"
    );
    assert_eq!(rec["withheld"], serde_json::json!(["witness"]));
    let bytes = std::fs::read(&out).unwrap();
    assert_eq!(rec["sha256"], temoin::hash::sha256(&[&bytes]).to_hex());
}

/// A server that answers every request with `body`.
fn hostile_server(body: Vec<u8>) -> String {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = l.local_addr().unwrap();
    std::thread::spawn(move || {
        for s in l.incoming() {
            let Ok(mut s) = s else { continue };
            let mut buf = [0u8; 4096];
            let _ = s.read(&mut buf);
            let head = format!(
                "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                body.len()
            );
            let _ = s.write_all(head.as_bytes());
            let _ = s.write_all(&body);
        }
    });
    format!("http://{addr}")
}

/// A server that lies: the bundle it sends has one figure changed in its
/// projection, or one entry's bytes changed, or is not a bundle. The
/// export refuses each one and writes nothing.
#[test]
fn export_refuses_a_forged_bundle_from_the_server() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let d = dir.to_str().unwrap();
    ok(&["demo", "--archive", d]);
    let key = dir.join("checkpoint.key.pub");
    let key = key.to_str().unwrap();
    let good = tmp.path().join("good.json");
    ok(&[
        "export",
        "--archive",
        d,
        "--incident",
        "emimalane-2025-10-24",
        "--out",
        good.to_str().unwrap(),
    ]);
    let text = std::fs::read_to_string(&good).unwrap();
    assert!(text.contains("\"dead\""), "the bundle has figures");
    let mut forged = Vec::new();
    // A figure of the projection raised.
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    bump_first_number(&mut v["projection"]);
    forged.push(("projection", serde_json::to_vec_pretty(&v).unwrap()));
    // An entry's signed bytes changed (one base64 character).
    let mut v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let e = v["entries"][0]["entry"].as_str().unwrap().to_string();
    let flipped: String = e
        .char_indices()
        .map(|(i, c)| {
            if i == 40 {
                if c == 'A' {
                    'B'
                } else {
                    'A'
                }
            } else {
                c
            }
        })
        .collect();
    v["entries"][0]["entry"] = flipped.into();
    forged.push(("entry", serde_json::to_vec_pretty(&v).unwrap()));
    forged.push(("garbage", b"<html>not a bundle</html>".to_vec()));
    for (what, body) in forged {
        let url = hostile_server(body);
        let out = tmp.path().join(format!("{what}.json"));
        let (code, _, err) = run(
            &[
                "export",
                "--server",
                &url,
                "--incident",
                "emimalane-2025-10-24",
                "--archive-key",
                key,
                "--out",
                out.to_str().unwrap(),
            ],
            Some("temoin-token-x"),
        );
        assert_eq!(code, 1, "{what}: {err}");
        assert!(err.contains("does NOT verify"), "{what}: {err}");
        assert!(!out.exists(), "{what}: a forged bundle was written");
    }
    assert!(Path::new(&good).exists());
}

/// Add 1 to the first number found under a `dead` key.
fn bump_first_number(v: &mut serde_json::Value) -> bool {
    match v {
        serde_json::Value::Object(m) => {
            if let Some(d) = m.get_mut("dead") {
                if let Some(n) = find_number(d) {
                    *n = (n.as_u64().unwrap() + 1).into();
                    return true;
                }
            }
            m.values_mut().any(bump_first_number)
        }
        serde_json::Value::Array(a) => a.iter_mut().any(bump_first_number),
        _ => false,
    }
}

fn find_number(v: &mut serde_json::Value) -> Option<&mut serde_json::Value> {
    match v {
        serde_json::Value::Number(n) if n.is_u64() => Some(v),
        serde_json::Value::Object(m) => m.values_mut().find_map(find_number),
        serde_json::Value::Array(a) => a.iter_mut().find_map(find_number),
        _ => None,
    }
}

/// A witness's name, sealed to a reader: in no answer of the server, in
/// clear or in base64, whatever route and whatever token asks; and a part
/// withheld from a bundle is not in that bundle either.
#[test]
fn sealed_and_withheld_parts_are_never_served_in_clear() {
    use base64::engine::general_purpose::STANDARD as B64;
    use base64::Engine as _;
    const MARKER: &str = "Zeynabou-SCELLE-9K2";
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let p = |n: &str| t.join(n).to_str().unwrap().to_string();
    let arch = p("archive");
    for args in [
        vec!["key", "generate", "--out", &p("custodian.key")],
        vec!["key", "generate", "--out", &p("aminata.key")],
        vec!["key", "generate", "--reader", "--out", &p("lawyer.key")],
    ] {
        ok(&args);
    }
    ok(&[
        "init",
        "--archive",
        &arch,
        "--origin",
        "temoin.test/served-sealed",
        "--custodian-key",
        &p("custodian.key"),
    ]);
    let enroll = |public: &str, role: &str, name: &str| {
        ok(&[
            "key",
            "enroll",
            "--archive",
            &arch,
            "--custodian-key",
            &p("custodian.key"),
            "--public",
            public,
            "--role",
            role,
            "--name",
            name,
        ]);
    };
    enroll(&p("aminata.key.pub"), "intermediary", "aminata");
    enroll(&p("lawyer.key.pub"), "reader", "Maître A");
    std::fs::write(
        t.join("incident.json"),
        r#"{"id": "tangata-2025-11-13", "title": "Frappe de drone à Tangata", "type": "drone_strike",
            "place": {"name": "Tangata", "country": "ML"}, "when": {"start": "2025-11-13", "precision": "exact"}}"#,
    )
    .unwrap();
    ok(&[
        "submit",
        "--archive",
        &arch,
        "--key",
        &p("aminata.key"),
        "--kind",
        "incident",
        "--input",
        &p("incident.json"),
    ]);
    std::fs::write(
        t.join("testimony.json"),
        format!(
            r#"{{"incidents": ["tangata-2025-11-13"], "source": {{"relation": "eyewitness"}},
                "language": "fr", "text": "Le drone a frappé la nuit.",
                "witness": {{"nom": "{MARKER}"}}}}"#
        ),
    )
    .unwrap();
    let photo: Vec<u8> = (0..5_000u32).map(|i| (i * 13 % 251) as u8).collect();
    std::fs::write(t.join("photo.jpg"), &photo).unwrap();
    ok(&[
        "sign",
        "--key",
        &p("aminata.key"),
        "--kind",
        "testimony",
        "--input",
        &p("testimony.json"),
        "--out",
        &p("t.tms"),
        "--to-readers",
        "--archive",
        &arch,
        "--attach",
        &format!("photo={}", p("photo.jpg")),
    ]);
    ok(&["ingest", "--archive", &arch, &p("t.tms")]);
    let lawyer = token(&arch, "Me Awa Traoré", "lawyer");
    let custodian = token(&arch, "Gardien", "custodian");
    let server = Served::start(Path::new(&arch), &["--rate-per-address", "0"]);
    let url = format!("http://{}", server.addr);

    // The marker as its bytes would look in base64 at any alignment.
    let mut forms = vec![MARKER.to_string()];
    for k in 0..3 {
        let enc = B64.encode([vec![b'x'; k], MARKER.as_bytes().to_vec()].concat());
        forms.push(enc[k.div_ceil(3) * 4..enc.len() - 4].to_string());
    }
    for pre in ["", "a", "ab", "{\"nom\": \""] {
        let enc = B64.encode(format!("{pre}{MARKER}\"}}"));
        assert!(
            forms.iter().any(|f| enc.contains(f.as_str())),
            "the forms find the marker in base64 after {pre:?}"
        );
    }
    let reads: Vec<Vec<&str>> = vec![
        vec!["incident", "list", "--server", &url, "--json"],
        vec!["incident", "show", "tangata", "--server", &url, "--json"],
        vec!["history", "tangata", "--server", &url, "--json"],
        vec!["victims", "--server", &url, "--json"],
        vec!["search", "tangata", "--server", &url, "--json"],
        vec!["search", MARKER, "--server", &url, "--json"],
        vec!["tally", "--server", &url, "--json"],
        vec!["access-log", "--server", &url, "--json"],
    ];
    let mut seen = String::new();
    for a in &reads {
        let (code, out, err) = run(a, Some(&custodian));
        assert_eq!(code, 0, "{a:?}: {err}");
        seen.push_str(&out);
        seen.push_str(&err);
    }
    for (what, withhold) in [("all", None), ("photo", Some("photo"))] {
        let out = t.join(format!("{what}.bundle.json"));
        let key = format!("{arch}/checkpoint.key.pub");
        let o = out.to_str().unwrap().to_string();
        let mut a = vec![
            "export",
            "--server",
            &url,
            "--incident",
            "tangata",
            "--archive-key",
            &key,
        ];
        a.extend(["--out", &o]);
        if let Some(w) = withhold {
            a.extend(["--withhold", w]);
        }
        let (code, stdout, err) = run(&a, Some(&lawyer));
        assert_eq!(code, 0, "{a:?}: {err}");
        seen.push_str(&stdout);
        let bundle = std::fs::read_to_string(&out).unwrap();
        let b: serde_json::Value = serde_json::from_str(&bundle).unwrap();
        let absent: Vec<(String, String)> = b["entries"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|e| e["absent"].as_array().cloned().unwrap_or_default())
            .map(|a| {
                (
                    a["label"].as_str().unwrap_or("").to_string(),
                    a["why"].as_str().unwrap_or("").to_string(),
                )
            })
            .collect();
        assert!(
            absent.contains(&("witness".into(), "sealed".into())),
            "{what}: {absent:?}"
        );
        let photo_b64 = B64.encode(&photo[..3000]);
        let carries_photo = bundle.contains(&photo_b64[..400]);
        match withhold {
            None => assert!(carries_photo, "the photo is in the full bundle"),
            Some(_) => {
                assert!(!carries_photo, "a withheld photo was served");
                assert!(
                    absent.contains(&("photo".into(), "withheld".into())),
                    "{absent:?}"
                );
            }
        }
        seen.push_str(&bundle);
    }
    // The report of the bundle, served: the same.
    let report =
        crate::server_content::get(server.addr, "/v1/incidents/tangata/report", Some(&lawyer));
    assert_eq!(report.status, 200, "{}", report.text());
    seen.push_str(&report.text());
    for form in &forms {
        assert!(!seen.contains(form.as_str()), "{form:?} served");
    }
    assert!(seen.contains("sealed"), "the answers say a part is sealed");
}
