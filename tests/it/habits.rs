//! The everyday habits of command-line tools (issue 14): completions, the
//! manual, hash prefixes, `inspect`, `-` for standard input and output,
//! and ingest in reference order.

use crate::common::temoin;

#[test]
fn completions_name_the_commands_for_each_shell() {
    for shell in ["bash", "zsh", "fish"] {
        let (code, out, err) = temoin(&["completions", shell]);
        assert_eq!(code, 0, "completions {shell}: {err}");
        for sub in ["verify-bundle", "ingest", "unseal", "completions"] {
            assert!(out.contains(sub), "{shell} completion lacks {sub}: {out}");
        }
    }
    let (code, _, err) = temoin(&["completions", "tcsh"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("bash") && err.contains("zsh"), "{err}");
}

#[test]
fn man_page_is_roff_naming_the_commands() {
    let (code, out, err) = temoin(&["man"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.starts_with(".ie") || out.contains(".TH temoin"),
        "{out}"
    );
    assert!(out.contains(".TH temoin 1"), "{out}");
    assert!(out.contains(".SH SUBCOMMANDS"), "{out}");
    for sub in ["verify\\-bundle", "ingest", "sign", "man"] {
        assert!(out.contains(sub), "man page lacks {sub}");
    }
    // A command's own page, by its words.
    let (code, out, err) = temoin(&["man", "key", "generate"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(".TH temoin-key-generate 1"), "{out}");
    assert!(out.contains("\\-\\-passphrase"), "{out}");
    let (code, _, err) = temoin(&["man", "nosuch"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("not a command") && err.contains("verify-bundle"),
        "{err}"
    );
}

/// Two notes whose statement hashes share their first 8 hex digits (a
/// birthday search: some 80 000 signatures), ingested into the standard
/// archive after its genesis and enrolments.
fn archive_with_colliding_prefix() -> (crate::common::Fixture, [temoin::Digest; 2]) {
    use std::collections::HashMap;
    let mut f = crate::common::Fixture::standard(0);
    let mut seen: HashMap<[u8; 4], temoin::statement::StatementFile> = HashMap::new();
    let mut i = 0u64;
    let (a, b) = loop {
        let n = crate::common::note(&f.keys.ngo, &format!("n{i}"));
        i += 1;
        let h = n.statement.hash();
        let key: [u8; 4] = [h.0[0], h.0[1], h.0[2], h.0[3]];
        if let Some(first) = seen.remove(&key) {
            break (first, n);
        }
        seen.insert(key, n);
    };
    let mut archive = f.open();
    let ha = f.push(&mut archive, |_| a).statement_hash;
    let hb = f.push(&mut archive, |_| b).statement_hash;
    (f, [ha, hb])
}

#[test]
fn statement_hashes_may_be_shortened_to_an_unambiguous_prefix() {
    let (f, [ha, hb]) = archive_with_colliding_prefix();
    let dir = f.dir();
    let dir = dir.to_str().unwrap();
    let (a, b) = (ha.to_hex(), hb.to_hex());
    let out_file = f.tmp.path().join("part").to_str().unwrap().to_string();
    let bundle_file = f.tmp.path().join("one.json").to_str().unwrap().to_string();
    assert_eq!(a[..8], b[..8]);
    // Where the two differ, one digit further names one (odd lengths too).
    let d = a.bytes().zip(b.bytes()).take_while(|(x, y)| x == y).count() + 1;
    for typed in [a.clone(), a[..d].to_string(), a[..d].to_uppercase()] {
        let (code, out, err) = temoin(&["receipt", "--archive", dir, &typed]);
        assert_eq!(code, 0, "receipt {typed}: {err}");
        assert!(out.contains(&a), "{out}");
        let (code, out, err) = temoin(&[
            "part",
            "get",
            "--archive",
            dir,
            "--statement",
            &typed,
            "--label",
            "text",
            "--out",
            &out_file,
        ]);
        assert_eq!(code, 0, "part get {typed}: {err}");
        assert!(out.contains(&a[..12]), "{out}");
    }
    // Ambiguous: exit 2, each match listed with its seq, kind and full hash.
    for cmd in [
        vec!["receipt", "--archive", dir, &a[..8]],
        vec![
            "part",
            "get",
            "--archive",
            dir,
            "--statement",
            &a[..8],
            "--label",
            "text",
            "--out",
            &out_file,
        ],
        vec![
            "export",
            "--archive",
            dir,
            "--statement",
            &a[..8],
            "--out",
            &bundle_file,
        ],
    ] {
        let (code, _, err) = temoin(&cmd);
        assert_eq!(code, 2, "{cmd:?}: {err}");
        assert!(err.contains("ambiguous"), "{err}");
        assert!(err.contains(&a) && err.contains(&b), "{err}");
        assert!(
            err.contains("entry      3  note") && err.contains("entry      4  note"),
            "{err}"
        );
    }
    // No match, and too short: each says what to do.
    let (code, _, err) = temoin(&["receipt", "--archive", dir, "00000000000000000000"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("no statement in this archive has a hash starting with 00000000000000000000"),
        "{err}"
    );
    let (code, _, err) = temoin(&["receipt", "--archive", dir, &a[..7]]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("at least 8 hex digits"), "{err}");

    // In a bundle, the prefix is resolved among the bundle's entries.
    let tmp = f.tmp.path();
    let bundle = tmp.join("all.json");
    let (code, _, err) = temoin(&[
        "export",
        "--archive",
        dir,
        "--all",
        "--out",
        bundle.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let reader = tmp.join("reader.key");
    let (code, _, err) = temoin(&[
        "key",
        "generate",
        "--reader",
        "--out",
        reader.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = temoin(&[
        "unseal",
        "--identity",
        reader.to_str().unwrap(),
        bundle.to_str().unwrap(),
        "--statement",
        &a[..8],
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("ambiguous") && err.contains(&a) && err.contains(&b),
        "{err}"
    );
    let (code, _, err) = temoin(&[
        "unseal",
        "--identity",
        reader.to_str().unwrap(),
        bundle.to_str().unwrap(),
        "--statement",
        &a[..d],
    ]);
    // Found, and not sealed: the error is about the part, not the hash.
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is not sealed"), "{err}");
}

/// Run `temoin args` in `dir` with `stdin` piped in: (exit code, stdout
/// bytes, stderr).
fn run_in(dir: &std::path::Path, args: &[&str], stdin: &[u8]) -> (i32, Vec<u8>, String) {
    use std::io::Write as _;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(args)
        .current_dir(dir)
        .env_remove("TEMOIN_ARCHIVE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    let bytes = stdin.to_vec();
    // Written from a thread: a child that answers before reading it all
    // must not deadlock the test.
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    (
        out.status.code().unwrap_or(-1),
        out.stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn ok_in(dir: &std::path::Path, args: &[&str]) -> String {
    let (code, out, err) = run_in(dir, args, b"");
    assert_eq!(code, 0, "temoin {args:?}: {err}");
    String::from_utf8(out).unwrap()
}

#[test]
fn inspect_shows_a_statement_file_with_sealed_parts_and_attachments() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok_in(d, &["key", "generate", "--out", "ngo.key", "--name", "ngo"]);
    ok_in(d, &["key", "generate", "--reader", "--out", "lawyer.key"]);
    ok_in(d, &["key", "generate", "--reader", "--out", "judge.key"]);
    std::fs::write(
        d.join("t.json"),
        r#"{"text": "Vu à Tin-Aïcha, dit Fatouma."}"#,
    )
    .unwrap();
    std::fs::write(d.join("photo.jpg"), vec![7u8; 300_000]).unwrap();
    let (code, _, err) = run_in(
        d,
        &[
            "sign",
            "--key",
            "ngo.key",
            "--kind",
            "note",
            "--input",
            "t.json",
            "--out",
            "t.tms",
            "--attach",
            "photo=photo.jpg",
            "--seal",
            "text",
            "--to",
            "lawyer.key.pub",
            "--to",
            "judge.key.pub",
        ],
        b"",
    );
    assert_eq!(code, 0, "{err}");
    let out = ok_in(d, &["inspect", "t.tms"]);
    assert!(out.contains("kind        note"), "{out}");
    assert!(out.contains("signature   valid"), "{out}");
    assert!(out.contains("refs        none"), "{out}");
    let row = |label: &str| {
        out.lines()
            .find(|l| l.starts_with(&format!("{label} ")))
            .unwrap_or_else(|| panic!("no row {label}: {out}"))
            .to_string()
    };
    assert!(
        row("photo").contains("300000") && row("photo").contains("attachment, image/jpeg"),
        "{out}"
    );
    assert!(row("photo").contains(" ok"), "{out}");
    assert!(
        row("text").contains("sealed to 2 readers") && row("text").contains("ok (ciphertext)"),
        "{out}"
    );
    assert!(
        !out.contains("Fatouma"),
        "a sealed part is never shown: {out}"
    );
    assert!(out.contains("\nok: "), "{out}");

    let json = ok_in(d, &["inspect", "t.tms", "--json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(v["kind"], "note");
    assert_eq!(v["signature_valid"], true);
    assert_eq!(v["statement_hash"].as_str().unwrap().len(), 64);
    let parts = v["parts"].as_array().unwrap();
    let text = parts.iter().find(|p| p["label"] == "text").unwrap();
    assert_eq!(text["sealed"], true);
    assert_eq!(text["readers"], 2);
    let photo = parts.iter().find(|p| p["label"] == "photo").unwrap();
    assert_eq!(photo["media_type"], "image/jpeg");
    assert_eq!(photo["length"], 300_000);

    // A byte of the attachment changed in the file: reported, exit 1.
    let mut bytes = std::fs::read(d.join("t.tms")).unwrap();
    let at = bytes.windows(8).position(|w| w == [7u8; 8]).unwrap() + 100;
    bytes[at] = 8;
    std::fs::write(d.join("bad.tms"), &bytes).unwrap();
    let (code, out, _) = run_in(d, &["inspect", "bad.tms"], b"");
    let out = String::from_utf8(out).unwrap();
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("MISMATCH") && out.contains("NOT OK"), "{out}");

    // Not a statement file.
    let (code, _, err) = run_in(d, &["inspect", "t.json"], b"");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("t.json: not a readable statement file (.tms)") && err.contains("magic"),
        "{err}"
    );
}

#[test]
fn dash_is_standard_input_and_output() {
    let t = tempfile::tempdir().unwrap();
    let d = t.path();
    ok_in(d, &["key", "generate", "--out", "ngo.key", "--name", "ngo"]);
    // sign --input - --out -, into inspect -.
    let (code, tms, err) = run_in(
        d,
        &[
            "sign", "--key", "ngo.key", "--kind", "note", "--input", "-", "--out", "-",
        ],
        r#"{"text": "Par un tube."}"#.as_bytes(),
    );
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("signed note statement") && err.contains("standard output"),
        "{err}"
    );
    let hash = err.split_whitespace().nth(3).unwrap().to_string();
    let (code, out, err) = run_in(d, &["inspect", "-"], &tms);
    let out = String::from_utf8(out).unwrap();
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains(&hash) && out.contains("standard input"),
        "{out}"
    );
    // The bytes on stdout are a statement file an archive takes.
    std::fs::write(d.join("n.tms"), &tms).unwrap();
    ok_in(
        d,
        &["key", "generate", "--out", "c.key", "--name", "custodian"],
    );
    ok_in(
        d,
        &[
            "init",
            "--archive",
            "a",
            "--origin",
            "temoin.test/pipe",
            "--custodian-key",
            "c.key",
        ],
    );
    ok_in(
        d,
        &[
            "key",
            "enroll",
            "--archive",
            "a",
            "--custodian-key",
            "c.key",
            "--public",
            "ngo.key.pub",
            "--role",
            "intermediary",
        ],
    );
    let out = ok_in(d, &["ingest", "--archive", "a", "n.tms"]);
    assert!(out.contains("appended"), "{out}");
    // verify-bundle -.
    ok_in(
        d,
        &[
            "export",
            "--archive",
            "a",
            "--statement",
            &hash[..10],
            "--out",
            "b.json",
        ],
    );
    let bundle = std::fs::read(d.join("b.json")).unwrap();
    let key = "a/checkpoint.key.pub";
    let (code, out, err) = run_in(d, &["verify-bundle", "-", "--archive-key", key], &bundle);
    assert_eq!(code, 0, "{}{err}", String::from_utf8_lossy(&out));
    assert!(
        String::from_utf8_lossy(&out).contains("VERIFIED"),
        "{}",
        String::from_utf8_lossy(&out)
    );
    let (code, _, err) = run_in(d, &["verify-bundle", "-", "--archive-key", key], b"{");
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("the bundle on standard input"), "{err}");
}

#[test]
fn ingest_puts_each_statement_after_those_it_refers_to_and_the_incident_it_names() {
    use crate::evidence_support as ev;
    let f = crate::common::Fixture::standard(0);
    let k = &f.keys;
    let incident = ev::incident(
        &k.ngo,
        "tin-aicha-2025-11-14",
        "Frappe",
        "Tin-Aïcha",
        "2025-11-14",
    );
    let testimony = ev::testimony(&k.ngo, "tin-aicha-2025-11-14", 12, "Récit.", "Fatouma");
    let th = testimony.statement.hash();
    let amendment = ev::amendment(&k.ngo, th, "tin-aicha-2025-11-14", 13, "Récit précisé.");
    let annotation = ev::annotation(&k.reviewer, th, "Chiffre contesté.");
    let dir = f.tmp.path();
    let mut given = Vec::new();
    // Given with the incident last and the testimony before it: the
    // testimony names the incident (by id, not by hash), the others refer
    // to the testimony.
    for (name, s) in [
        ("1-annotation.tms", &annotation),
        ("2-amendment.tms", &amendment),
        ("3-testimony.tms", &testimony),
        ("4-incident.tms", &incident),
    ] {
        let p = dir.join(name);
        std::fs::write(&p, s.to_bytes()).unwrap();
        given.push(p.to_str().unwrap().to_string());
    }
    let archive = f.dir();
    let mut args = vec!["ingest", "--archive", archive.to_str().unwrap()];
    args.extend(given.iter().map(String::as_str));
    let (code, out, err) = temoin(&args);
    assert_eq!(code, 0, "{out}{err}");
    let order: Vec<&str> = out
        .lines()
        .map(|l| l.rsplit('/').next().unwrap().trim_end_matches(')'))
        .collect();
    assert_eq!(
        order,
        [
            "4-incident.tms",
            "3-testimony.tms",
            "1-annotation.tms",
            "2-amendment.tms"
        ],
        "{out}"
    );
    assert!(out.lines().all(|l| l.starts_with("appended")), "{out}");
}
