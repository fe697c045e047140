//! Protecting witnesses, through the `temoin` binary: an intermediary with a
//! passphrase-protected key seals a witness's identity to two lawyers; the
//! custodian, a lawyer and an auditor each see what they should; the
//! plaintext is nowhere else (docs/FORMAT.md §3.8, §7.1).

use crate::evidence_support::temoin;
use std::path::{Path, PathBuf};

/// A name no other byte sequence in the archive would hold.
const MARKER: &str = "Zeynabou-MARQUEUR-7Q4";

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

/// Every file under `dir` that holds `needle`, except those in `allowed`.
fn files_holding(dir: &Path, needle: &[u8], allowed: &[&Path]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else if !allowed.contains(&p.as_path()) {
                let bytes = std::fs::read(&p).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    out.push(p);
                }
            }
        }
    }
    out
}

struct Flow {
    t: PathBuf,
    arch: PathBuf,
    /// Every stdout and stderr the commands printed, but `unseal`'s.
    printed: String,
}

impl Flow {
    fn run(&mut self, args: &[&dyn AsRef<std::ffi::OsStr>]) -> (i32, String, String) {
        let (code, out, err) = temoin(args);
        self.printed.push_str(&out);
        self.printed.push_str(&err);
        (code, out, err)
    }
    fn p(&self, name: &str) -> PathBuf {
        self.t.join(name)
    }
}

macro_rules! flow {
    ($f:expr, $($a:expr),* $(,)?) => { $f.run(&[$(&$a as &dyn AsRef<std::ffi::OsStr>),*]) };
}

fn statement_hash(f: &mut Flow, kind: &str) -> String {
    let (code, out, _) = flow!(f, "log", "--archive", f.arch.clone(), "--json");
    assert_eq!(code, 0);
    let log: serde_json::Value = serde_json::from_str(&out).unwrap();
    log.as_array()
        .unwrap()
        .iter()
        .rev()
        .find(|e| e["kind"] == kind)
        .unwrap()["statement_hash"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn a_witness_sealed_to_two_lawyers() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path().to_path_buf();
    let mut f = Flow {
        arch: t.join("archive"),
        t: t.clone(),
        printed: String::new(),
    };
    let pass = write(&f.p("pass.txt"), "correct horse battery staple\n");
    let wrong = write(&f.p("wrong.txt"), "incorrect horse\n");

    // Keys: the intermediary's protected by a passphrase, the custodian's
    // plain, two lawyers' reader keys (one protected) and an outsider's.
    let (code, out, err) = flow!(
        f,
        "key",
        "generate",
        "--out",
        f.p("aminata.key"),
        "--passphrase-file",
        pass
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("protected by a passphrase"), "{out}");
    let key_bytes = std::fs::read(f.p("aminata.key")).unwrap();
    assert!(key_bytes.starts_with(b"age-encryption.org/v1\n"));
    assert!(!String::from_utf8_lossy(&key_bytes).contains("PRIVATE+KEY"));
    assert_eq!(
        flow!(f, "key", "generate", "--out", f.p("custodian.key")).0,
        0
    );
    assert_eq!(
        flow!(
            f,
            "key",
            "generate",
            "--reader",
            "--out",
            f.p("lawyer-a.key")
        )
        .0,
        0
    );
    assert_eq!(
        flow!(
            f,
            "key",
            "generate",
            "--reader",
            "--out",
            f.p("lawyer-b.key"),
            "--passphrase-file",
            pass
        )
        .0,
        0
    );
    assert_eq!(
        flow!(
            f,
            "key",
            "generate",
            "--reader",
            "--out",
            f.p("outsider.key")
        )
        .0,
        0
    );

    // The custodian builds the archive and enrols the intermediary and the
    // two readers.
    let arch = f.arch.clone();
    let (code, _, err) = flow!(
        f,
        "init",
        "--archive",
        arch,
        "--origin",
        "temoin.test/sealed",
        "--custodian-key",
        f.p("custodian.key")
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = flow!(
        f,
        "key",
        "enroll",
        "--archive",
        arch,
        "--custodian-key",
        f.p("custodian.key"),
        "--public",
        f.p("aminata.key.pub"),
        "--role",
        "intermediary"
    );
    assert_eq!(code, 0, "{err}");
    for (who, name) in [("lawyer-a", "Maître A"), ("lawyer-b", "Maître B")] {
        let (code, _, err) = flow!(
            f,
            "key",
            "enroll",
            "--archive",
            arch,
            "--custodian-key",
            f.p("custodian.key"),
            "--public",
            f.p(&format!("{who}.key.pub")),
            "--role",
            "reader",
            "--name",
            name
        );
        assert_eq!(code, 0, "{err}");
    }
    let (code, out, _) = flow!(f, "key", "list", "--archive", arch);
    assert_eq!(code, 0);
    assert!(out.contains("Maître A") && out.contains("reader"), "{out}");

    // The intermediary signs, offline, with her passphrase.
    let incident = write(
        &f.p("incident.json"),
        r#"{"id": "tangata-2025-11-13", "title": "Frappe de drone à Tangata", "type": "drone_strike",
            "place": {"name": "Tangata", "country": "ML"}, "when": {"start": "2025-11-13", "precision": "exact"}}"#,
    );
    let (code, _, err) = flow!(
        f,
        "submit",
        "--archive",
        arch,
        "--key",
        f.p("aminata.key"),
        "--kind",
        "incident",
        "--input",
        incident,
        "--passphrase-file",
        pass
    );
    assert_eq!(code, 0, "{err}");
    let input = write(
        &f.p("testimony.json"),
        format!(
            r#"{{"incidents": ["tangata-2025-11-13"], "source": {{"relation": "eyewitness", "description": "une parente"}},
                "language": "fr", "text": "Le drone a frappé la nuit.",
                "witness": {{"nom": "{MARKER}", "contact": "+223 00 00 00 00"}}}}"#
        ),
    );
    // A photo of the camp, attached in clear: the archive, the custodian
    // and the bundle's reader all hold it.
    let photo: Vec<u8> = (0..300_000u32).map(|i| (i * 7 % 251) as u8).collect();
    let photo_path = write(&f.p("IMG_0042.JPG"), &photo);
    let attach = format!("photo={}", photo_path.display());
    let tms = f.p("testimony.tms");
    let sign = |f: &mut Flow, extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        let key = f.p("aminata.key");
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"sign",
            &"--key",
            &key,
            &"--kind",
            &"testimony",
            &"--input",
            &input,
            &"--out",
            &tms,
            &"--to-readers",
            &"--archive",
            &arch,
            &"--attach",
            &attach,
        ];
        args.extend_from_slice(extra);
        f.run(&args)
    };
    // A wrong passphrase: exit 1, nothing written.
    let (code, _, err) = sign(&mut f, &[&"--passphrase-file", &wrong]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("wrong passphrase"), "{err}");
    assert!(!tms.exists());
    // Without a passphrase and off a terminal: a clear usage error.
    let (code, _, err) = sign(&mut f, &[]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--passphrase-file"), "{err}");
    let (code, out, err) = sign(&mut f, &[&"--passphrase-file", &pass]);
    assert_eq!(code, 0, "{out}{err}");

    // The .tms travels over an untrusted channel: it holds the ciphertext.
    let tms_bytes = std::fs::read(&tms).unwrap();
    assert!(!tms_bytes
        .windows(MARKER.len())
        .any(|w| w == MARKER.as_bytes()));
    assert!(tms_bytes
        .windows(12)
        .any(|w| w == b"witness.age\0" || w.starts_with(b"witness.age")));

    // The custodian ingests it; the audit says to whom it is sealed.
    let (code, _, err) = flow!(f, "ingest", "--archive", arch, tms);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = flow!(f, "verify", "--archive", arch);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("\"witness\" of entry 5 is sealed to 2 readers: Maître A, Maître B"),
        "{out}"
    );
    let h = statement_hash(&mut f, "testimony");

    // The custodian gets the photo back, byte for byte, with its type.
    let got = f.p("photo-from-archive.jpg");
    let (code, _, err) = flow!(
        f,
        "part",
        "get",
        "--archive",
        arch,
        "--statement",
        h,
        "--label",
        "photo",
        "--out",
        got
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&got).unwrap() == photo);
    let ty = f.p("photo-type.txt");
    let (code, _, err) = flow!(
        f,
        "part",
        "get",
        "--archive",
        arch,
        "--statement",
        h,
        "--label",
        "photo.type",
        "--out",
        ty
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&ty).unwrap(), b"image/jpeg");

    // A lawyer holding a reader key opens it, from the archive and from a
    // bundle; the protected one with its passphrase.
    let (code, out, err) = temoin(&[
        &"unseal",
        &"--identity",
        &f.p("lawyer-a.key"),
        &"--archive",
        &arch,
        &"--statement",
        &h,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(MARKER), "{out}");
    assert!(
        err.contains("matches the author's signed commitment"),
        "{err}"
    );
    let bundle = f.p("tangata.bundle.json");
    let (code, out, err) = flow!(
        f,
        "export",
        "--archive",
        arch,
        "--incident",
        "tangata-2025-11-13",
        "--out",
        bundle
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("1 sealed to readers"), "{out}");
    let unsealed = f.p("witness-opened.json");
    let (code, _, err) = temoin(&[
        &"unseal",
        &"--identity",
        &f.p("lawyer-b.key"),
        &bundle,
        &"--statement",
        &h,
        &"--label",
        &"witness",
        &"--out",
        &unsealed,
        &"--passphrase-file",
        &pass,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read_to_string(&unsealed).unwrap().contains(MARKER));
    // The outsider's key, a signing key, a wrong passphrase: refused.
    let (code, out, err) = flow!(
        f,
        "unseal",
        "--identity",
        f.p("outsider.key"),
        "--archive",
        arch,
        "--statement",
        h
    );
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("not sealed to its recipient"), "{err}");
    assert!(out.is_empty());
    let (code, _, err) = flow!(
        f,
        "unseal",
        "--identity",
        f.p("custodian.key"),
        "--archive",
        arch,
        "--statement",
        h
    );
    assert_eq!(code, 2, "{err}");
    let (code, _, err) = flow!(
        f,
        "unseal",
        "--identity",
        f.p("lawyer-b.key"),
        bundle,
        "--statement",
        h,
        "--passphrase-file",
        wrong
    );
    assert_eq!(code, 1, "{err}");

    // The auditor, holding no reader key, verifies the bundle and reads
    // the report: sealed, to 2 readers.
    let vkey = {
        let (_, out, _) = flow!(f, "key", "list", "--archive", arch, "--json");
        let rows: serde_json::Value = serde_json::from_str(&out).unwrap();
        rows[0]["vkey"].as_str().unwrap().to_string()
    };
    let (code, out, err) = flow!(f, "verify-bundle", bundle, "--archive-key", vkey);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("[witness sealed]"), "{out}");
    // The photo travels in the bundle, checked by the verifier above.
    let carried: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    let carried = carried["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["parts"].as_array().unwrap().iter())
        .find(|p| p["label"] == "photo")
        .expect("the photo is in the bundle")
        .clone();
    let carried = base64::Engine::decode(
        &base64::engine::general_purpose::STANDARD,
        carried["content"].as_str().unwrap(),
    )
    .unwrap();
    assert!(carried == photo);
    let report = f.p("report.html");
    let (code, _, err) = flow!(f, "report", bundle, "--archive-key", vkey, "--out", report);
    assert_eq!(code, 0, "{err}");
    let html = std::fs::read_to_string(&report).unwrap();
    assert!(html.contains("sealed to 2 readers"), "report");

    // Forged bundles: the sealed part declared withheld, or carried in
    // clear (the plaintext a reader opened, which does match the digest).
    let original: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&bundle).unwrap()).unwrap();
    let at = original["entries"]
        .as_array()
        .unwrap()
        .iter()
        .position(|e| e["statement_hash"] == h.as_str())
        .unwrap();
    let mut withheld = original.clone();
    withheld["entries"][at]["absent"][0]["why"] = "withheld".into();
    withheld["withheld_labels"] = serde_json::json!(["witness"]);
    let forged = write(&f.p("forged-withheld.json"), withheld.to_string());
    let (code, out, err) = flow!(f, "verify-bundle", forged, "--archive-key", vkey);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("must be declared \"sealed\""), "{out}{err}");
    let opened = {
        use base64::Engine as _;
        let b64 = base64::engine::general_purpose::STANDARD;
        let e = &original["entries"][at];
        let p = e["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["label"] == "witness.age")
            .unwrap();
        let entry =
            temoin::entry::Entry::from_bytes(&b64.decode(e["entry"].as_str().unwrap()).unwrap())
                .unwrap();
        let body = temoin::statement::StatementBody::decode(&entry.statement.body_bytes).unwrap();
        let id = temoin::seal::ReaderIdentity::parse_file(
            &std::fs::read_to_string(f.p("lawyer-a.key")).unwrap(),
        )
        .unwrap();
        let salt: [u8; 32] = b64
            .decode(p["salt"].as_str().unwrap())
            .unwrap()
            .try_into()
            .unwrap();
        let ct = b64.decode(p["content"].as_str().unwrap()).unwrap();
        temoin::seal::open_sealed(&body, "witness", &salt, &ct, &id).unwrap()
    };
    let mut in_clear = original.clone();
    in_clear["entries"][at]["absent"] = serde_json::json!([]);
    in_clear["entries"][at]["parts"]
        .as_array_mut()
        .unwrap()
        .insert(0, serde_json::json!({
            "label": "witness",
            "salt": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, opened.salt),
            "content": base64::Engine::encode(&base64::engine::general_purpose::STANDARD, &opened.content),
        }));
    let forged = f.p("forged-in-clear.json");
    std::fs::write(&forged, in_clear.to_string()).unwrap();
    let (code, out, err) = temoin(&[&"verify-bundle", &forged, &"--archive-key", &vkey]);
    assert_eq!(code, 1, "{out}");
    assert!(err.contains("carries it in clear"), "{out}{err}");
    std::fs::remove_file(&forged).unwrap();

    // Redacting the sealed part erases its ciphertext.
    let order = write(
        &f.p("redact.json"),
        format!(r#"{{"statement": "{h}", "label": "witness", "reason": "the witness asked"}}"#),
    );
    let (code, _, err) = flow!(
        f,
        "submit",
        "--archive",
        arch,
        "--key",
        f.p("custodian.key"),
        "--kind",
        "redaction",
        "--input",
        order
    );
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = flow!(f, "verify", "--archive", arch);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"witness\" of entry 5 was erased"), "{out}");
    let (code, _, err) = flow!(
        f,
        "unseal",
        "--identity",
        f.p("lawyer-a.key"),
        "--archive",
        arch,
        "--statement",
        h
    );
    assert_eq!(code, 1);
    assert!(err.contains("redacted"), "{err}");
    let after = f.p("after.bundle.json");
    let (code, _, err) = flow!(f, "export", "--archive", arch, "--all", "--out", after);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = flow!(f, "verify-bundle", after, "--archive-key", vkey);
    assert_eq!(code, 0, "{out}{err}");

    // Nowhere but in the author's input and the lawyer's own output file
    // is the name written; nothing printed it but `unseal`.
    let leaks = files_holding(&t, MARKER.as_bytes(), &[&input, &unsealed]);
    assert!(leaks.is_empty(), "plaintext found in {leaks:?}");
    assert!(
        !f.printed.contains(MARKER),
        "a command printed the sealed name"
    );
}

/// What the archive refuses, a bundle verifier refuses: a sealed part
/// carried in clear, or declared anything but sealed.
#[test]
fn sealed_parts_are_never_carried_in_clear() {
    use temoin::seal::ReaderIdentity;
    use temoin::statement::{Draft, Kind, Part};
    let fx = crate::common::Fixture::standard(0);
    let key = &fx.keys.ngo;
    let reader = ReaderIdentity::generate();
    let draft = Draft::new(Kind::Note)
        .part("text", "une note")
        .part("witness", MARKER)
        .seal("witness", &[reader.recipient()])
        .unwrap();
    let mut file = draft.sign(key).unwrap();
    assert!(!file
        .to_bytes()
        .windows(MARKER.len())
        .any(|w| w == MARKER.as_bytes()));
    let body = temoin::statement::StatementBody::decode(&file.statement.body_bytes).unwrap();
    let labels: Vec<&str> = body.parts.iter().map(|p| p.label.as_str()).collect();
    assert_eq!(labels, ["witness", "text", "witness.age", "witness.to"]);
    // The plaintext smuggled into the file beside its ciphertext: the
    // archive refuses it, naming the part, never its content.
    let mut a = fx.open();
    assert!(
        a.ingest(&file).unwrap().is_ok(),
        "the sealed note is accepted"
    );
    file.statement = Draft::new(Kind::Note)
        .part("text", "une autre note")
        .part("witness", MARKER)
        .seal("witness", &[reader.recipient()])
        .unwrap()
        .sign(key)
        .unwrap()
        .statement;
    file.parts = Vec::new();
    file.parts
        .push(Part::new("witness", MARKER.as_bytes().to_vec()));
    let refusal = a.ingest(&file).unwrap().unwrap_err();
    let text = refusal.to_string();
    assert!(text.contains("carries it in clear"), "{text}");
    assert!(!text.contains(MARKER));
}

/// `key passphrase` adds, changes and removes a key's passphrase; the key
/// stays the same; a wrong passphrase changes nothing; a key file others
/// may read is refused with the fix.
#[test]
fn passphrases_are_added_changed_and_removed() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let one = write(&t.join("one.txt"), "première phrase\n");
    let two = write(&t.join("two.txt"), "seconde phrase\n");
    let key = t.join("k.key");
    assert_eq!(temoin(&[&"key", &"generate", &"--out", &key]).0, 0);
    let plain = std::fs::read(&key).unwrap();
    let vkey = std::fs::read_to_string(t.join("k.key.pub")).unwrap();
    let note = write(&t.join("note.json"), r#"{"text": "une note"}"#);
    let sign = |extra: &[&dyn AsRef<std::ffi::OsStr>]| {
        let out = t.join("n.tms");
        let _ = std::fs::remove_file(&out);
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> = vec![
            &"sign", &"--key", &key, &"--kind", &"note", &"--input", &note, &"--out", &out,
        ];
        args.extend_from_slice(extra);
        let (code, _, err) = temoin(&args);
        (code, err, out.exists())
    };

    // Add: the file is now an age file; signing needs the passphrase.
    let (code, _, err) = temoin(&[&"key", &"passphrase", &key, &"--new-passphrase-file", &one]);
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&key)
        .unwrap()
        .starts_with(b"age-encryption.org/v1\n"));
    assert_eq!(sign(&[]).0, 2);
    assert_eq!(sign(&[&"--passphrase-file", &one]).0, 0);
    // Change: the old passphrase no longer opens it, the new one does.
    let (code, _, err) = temoin(&[
        &"key",
        &"passphrase",
        &key,
        &"--passphrase-file",
        &one,
        &"--new-passphrase-file",
        &two,
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, err, written) = sign(&[&"--passphrase-file", &one]);
    assert_eq!((code, written), (1, false), "{err}");
    assert!(err.contains("wrong passphrase"), "{err}");
    // A wrong current passphrase: the file is untouched.
    let before = std::fs::read(&key).unwrap();
    let (code, _, _) = temoin(&[
        &"key",
        &"passphrase",
        &key,
        &"--passphrase-file",
        &one,
        &"--remove",
    ]);
    assert_eq!(code, 1);
    assert_eq!(std::fs::read(&key).unwrap(), before);
    // Remove: the key file is the same key in clear.
    let (code, _, err) = temoin(&[
        &"key",
        &"passphrase",
        &key,
        &"--passphrase-file",
        &two,
        &"--remove",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&key).unwrap(), plain);
    assert_eq!(std::fs::read_to_string(t.join("k.key.pub")).unwrap(), vkey);

    // The archive's own checkpoint key signs unattended: protecting it is
    // refused at the next write, with the fix, and nothing is appended.
    let arch = t.join("archive");
    assert_eq!(
        temoin(&[
            &"init",
            &"--archive",
            &arch,
            &"--origin",
            &"temoin.test/pp",
            &"--custodian-key",
            &key,
        ])
        .0,
        0
    );
    let ck = arch.join("checkpoint.key");
    let (code, _, err) = temoin(&[&"key", &"passphrase", &ck, &"--new-passphrase-file", &one]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = temoin(&[
        &"submit",
        &"--archive",
        &arch,
        &"--key",
        &key,
        &"--kind",
        &"note",
        &"--input",
        &note,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("signs a checkpoint at every write, unattended"),
        "{err}"
    );
    let (code, _, err) = temoin(&[
        &"key",
        &"passphrase",
        &ck,
        &"--passphrase-file",
        &one,
        &"--remove",
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, out, _) = temoin(&[&"log", &"--archive", &arch]);
    assert_eq!(code, 0);
    assert_eq!(
        out.lines().filter(|l| l.contains("note")).count(),
        0,
        "{out}"
    );

    // Others may read it: refused, with the fix; nothing signed.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::set_permissions(&key, std::fs::Permissions::from_mode(0o644)).unwrap();
        let (code, err, written) = sign(&[]);
        assert_eq!((code, written), (2, false));
        assert!(
            err.contains(&format!("chmod 600 {}", key.display())),
            "{err}"
        );
        let reader = t.join("r.key");
        assert_eq!(
            temoin(&[&"key", &"generate", &"--reader", &"--out", &reader]).0,
            0
        );
        std::fs::set_permissions(&reader, std::fs::Permissions::from_mode(0o640)).unwrap();
        let (code, _, err) = temoin(&[
            &"unseal",
            &"--identity",
            &reader,
            &"--archive",
            &t,
            &"--statement",
            &"00".repeat(32),
        ]);
        assert_ne!(code, 0);
        assert!(err.contains("chmod 600"), "{err}");
    }
}

/// `part get` writes a part's exact bytes, checked against the signed
/// commitment: a damaged parts file writes nothing; a sealed part points
/// to `unseal`.
#[test]
fn part_get_checks_the_bytes_it_writes() {
    use temoin::statement::{Draft, Kind};
    let fx = crate::common::Fixture::standard(0);
    let reader = temoin::seal::ReaderIdentity::generate();
    let text = "Témoignage recueilli à Tin-Aïcha.";
    let file = Draft::new(Kind::Note)
        .part("text", text)
        .part("witness", MARKER)
        .seal("witness", &[reader.recipient()])
        .unwrap()
        .sign(&fx.keys.ngo)
        .unwrap();
    let h = file.statement.hash().to_hex();
    {
        let mut a = fx.open();
        a.ingest(&file).unwrap().unwrap();
    }
    let dir = fx.dir();
    let out = fx.tmp.path().join("text.out");
    let get = |label: &str| {
        temoin(&[
            &"part",
            &"get",
            &"--archive",
            &dir,
            &"--statement",
            &h,
            &"--label",
            &label,
            &"--out",
            &out,
        ])
    };
    let (code, stdout, err) = get("text");
    assert_eq!(code, 0, "{err}");
    assert!(stdout.contains("matching the signed digest"), "{stdout}");
    assert_eq!(std::fs::read_to_string(&out).unwrap(), text);
    std::fs::remove_file(&out).unwrap();
    let (code, _, err) = get("witness");
    assert_eq!(code, 1);
    assert!(err.contains("temoin unseal"), "{err}");
    assert!(!err.contains(MARKER));
    assert_eq!(get("photo").0, 2);
    // One byte of the stored text changed behind the archive's back.
    let parts = dir.join("parts");
    let mut bytes = std::fs::read(&parts).unwrap();
    let at = bytes
        .windows(10)
        .position(|w| w == &text.as_bytes()[..10])
        .unwrap();
    bytes[at] ^= 0x01;
    std::fs::write(&parts, bytes).unwrap();
    let (code, _, err) = get("text");
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("does not match the author's signed commitment"),
        "{err}"
    );
    assert!(!out.exists(), "nothing written");
}
