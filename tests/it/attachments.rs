//! Attachments (docs/FORMAT.md §3.7, §3.9): parts of any size with their
//! media type, streamed at signing, ingest, audit, `part get` and
//! `unseal`; and the attacker's statement files, refused with the archive
//! left exactly as it was.

use crate::common::{self, snapshot, Fixture};
use crate::evidence_support::temoin;
use std::path::{Path, PathBuf};
use temoin::archive::{Archive, Refusal};
use temoin::statement::{BodyError, Draft, Kind, StatementFile};
use temoin::verdict::FaultKind;

/// A photo's worth of bytes (3 MB: streamed by the audit, which streams
/// parts over 1 MiB), never the same twice in a row so a shifted copy
/// cannot match.
fn photo(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u32).wrapping_mul(2_654_435_761).to_le_bytes()[3] ^ seed)
        .collect()
}

fn with_photo(author: &temoin::keys::SecretKey, bytes: Vec<u8>) -> StatementFile {
    Draft::new(Kind::Note)
        .part("text", "Photo des tentes brûlées à Eghachar N'Tirikene")
        .part("photo", bytes)
        .part("photo.type", "image/jpeg")
        .sign(author)
        .unwrap()
}

fn parts_len(dir: &Path) -> u64 {
    std::fs::metadata(dir.join(temoin::store::PARTS_FILE))
        .unwrap()
        .len()
}

/// The stored bytes of part `label` of entry `seq`, read as a stream.
fn stored(a: &Archive, seq: u64, file: &StatementFile, label: &str) -> Vec<u8> {
    let body = temoin::statement::StatementBody::decode(&file.statement.body_bytes).unwrap();
    let c = body.part(label).unwrap();
    let (_, mut r) = a
        .store()
        .part_reader(seq, &temoin::hash::Digest(c.digest))
        .unwrap()
        .expect("stored");
    let mut out = Vec::new();
    std::io::Read::read_to_end(&mut r, &mut out).unwrap();
    out
}

/// A statement file streamed in is stored exactly as one read whole, and
/// the statements ingested after it, either way, lie after it.
#[test]
fn streamed_ingest_stores_what_whole_ingest_stores() {
    let f = Fixture::standard(1);
    let mut a = f.open();
    let big = with_photo(&f.keys.ngo, photo(3_000_000, 1));
    let out = a.ingest_stream(&big.to_bytes()[..]).unwrap().unwrap();
    assert!(!out.duplicate);
    let small = common::note(&f.keys.ngo, "after the photo");
    let s = a.ingest(&small).unwrap().unwrap();
    let big2 = with_photo(&f.keys.ngo, photo(2_000_000, 2));
    let b2 = a.ingest(&big2).unwrap().unwrap();
    assert_eq!(stored(&a, out.seq, &big, "photo"), big.parts[1].content);
    assert_eq!(stored(&a, out.seq, &big, "photo.type"), b"image/jpeg");
    assert_eq!(stored(&a, b2.seq, &big2, "photo"), big2.parts[1].content);
    assert_eq!(stored(&a, s.seq, &small, "text"), b"after the photo");
    // Streamed again: acknowledged, nothing written.
    let len = parts_len(&f.dir());
    let again = a.ingest_stream(&big.to_bytes()[..]).unwrap().unwrap();
    assert!(again.duplicate && again.seq == out.seq);
    assert_eq!(parts_len(&f.dir()), len);
    drop(a);
    let report = f.assert_clean();
    assert_eq!(report.entries, 7);
}

/// Every way a streamed statement file can be wrong is refused, and leaves
/// the archive as it was: sled's rows, the head, the parts file's length.
#[test]
fn a_refused_streamed_file_changes_nothing() {
    let f = Fixture::standard(1);
    let mut a = f.open();
    let good = with_photo(&f.keys.ngo, photo(2_500_000, 3));
    let bytes = good.to_bytes();
    let photo_at = bytes.len() - 10 - 8 - 32 - 10 - 8 - 2_500_000 + 1000;
    let mut flipped = bytes.clone();
    flipped[photo_at] ^= 0x40;
    let mut padded = bytes.clone();
    padded.push(0);
    let unenrolled = with_photo(&f.keys.mallory, photo(2_500_000, 4)).to_bytes();
    let mut lone = good.clone();
    lone.parts.retain(|p| p.label != "photo.type");
    let mut extra = good.clone();
    extra
        .parts
        .push(temoin::statement::Part::new("extra", vec![1, 2, 3]));
    let not_a_type = Draft::new(Kind::Note)
        .part("text", "x")
        .part("photo", photo(2_000_000, 5))
        .part("photo.type", "Image/JPEG")
        .sign(&f.keys.ngo)
        .unwrap()
        .to_bytes();
    type Case = (&'static str, Vec<u8>, fn(&Refusal) -> bool);
    let cases: Vec<Case> = vec![
        (
            "a byte of the photo flipped",
            flipped,
            |r| matches!(r, Refusal::PartMismatch { label, .. } if label == "photo"),
        ),
        ("cut inside the photo", bytes[..photo_at].to_vec(), |r| {
            matches!(r, Refusal::File(_))
        }),
        ("a byte after the end", padded, |r| {
            matches!(r, Refusal::File(_))
        }),
        ("signed by a key never enrolled", unenrolled, |r| {
            matches!(r, Refusal::Rule(_))
        }),
        (
            "a part missing",
            lone.to_bytes(),
            |r| matches!(r, Refusal::MissingPart { label } if label == "photo.type"),
        ),
        (
            "a part not committed",
            extra.to_bytes(),
            |r| matches!(r, Refusal::UnexpectedPart { label } if label == "extra"),
        ),
        (
            "a media type in capitals",
            not_a_type,
            |r| matches!(r, Refusal::PartContent { reason } if reason.contains("media type")),
        ),
    ];
    let before = snapshot(&a);
    let len = parts_len(&f.dir());
    for (what, bytes, expected) in cases {
        let r = a.ingest_stream(&bytes[..]).unwrap();
        match r {
            Err(refusal) => assert!(expected(&refusal), "{what}: {refusal}"),
            Ok(acc) => panic!("{what}: accepted as entry {}", acc.seq),
        }
        assert_eq!(snapshot(&a), before, "{what}");
        assert_eq!(parts_len(&f.dir()), len, "{what}: parts file");
    }
    // And then the good one goes in, where it belongs.
    let ok = a.ingest_stream(&bytes[..]).unwrap().unwrap();
    assert_eq!(ok.seq, 4);
    drop(a);
    f.assert_clean();
}

/// The audit streams a large part from the parts file, and a single byte
/// changed deep inside it is a fault at its entry.
#[test]
fn the_audit_checks_every_byte_of_an_attachment() {
    let mut f = Fixture::standard(0);
    let mut a = f.open();
    f.push(&mut a, |k| with_photo(&k.ngo, photo(3_000_000, 6)));
    drop(a);
    let r = f.assert_clean();
    assert_eq!(r.parts, 3 + 3, "genesis, two enrolments, text, photo, type");
    let db = f.db();
    common::flip_part_byte(&f.dir(), &db, 3, "photo", 2_900_000);
    drop(db);
    f.assert_fault(3, FaultKind::Part);
}

/// The shape rules of a media type and of the payload's size.
#[test]
fn media_types_go_with_their_part_and_payloads_stay_small() {
    let key = common::key("ngo");
    let lone = Draft::new(Kind::Note)
        .part("text", "x")
        .part("photo.type", "image/jpeg")
        .sign(&key);
    assert!(
        matches!(lone, Err(BodyError::LoneCompanion { ref missing, .. }) if missing == "photo"),
        "{lone:?}"
    );
    let typed_payload = Draft::new(Kind::Incident)
        .part("payload", "{}")
        .part("payload.type", "application/json")
        .sign(&key);
    assert!(matches!(typed_payload, Err(BodyError::SealedPayload)));
    let huge = Draft::new(Kind::Incident)
        .part("payload", vec![b' '; (1 << 20) + 1])
        .sign(&key);
    assert!(
        matches!(huge, Err(BodyError::PayloadTooLarge { .. })),
        "{huge:?}"
    );
}

fn write(path: &Path, bytes: impl AsRef<[u8]>) -> PathBuf {
    std::fs::write(path, bytes).unwrap();
    path.to_path_buf()
}

/// Every file under `dir` whose bytes hold `needle`.
fn files_holding(dir: &Path, needle: &[u8]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let bytes = std::fs::read(&p).unwrap();
                if bytes.windows(needle.len()).any(|w| w == needle) {
                    out.push(p);
                }
            }
        }
    }
    out
}

/// `temoin part get`: (exit code, stdout, stderr).
fn part_get(arch: &Path, statement: &str, label: &str, out: &Path) -> (i32, String, String) {
    temoin(&[
        &"part",
        &"get",
        &"--archive",
        &arch,
        &"--statement",
        &statement,
        &"--label",
        &label,
        &"--out",
        &out,
    ])
}

macro_rules! run {
    ($($a:expr),* $(,)?) => { temoin(&[$(&$a as &dyn AsRef<std::ffi::OsStr>),*]) };
}

/// Through the binary: a 5 MB video in clear and the same sealed to a
/// lawyer, signed by streaming, ingested by streaming (over 4 MiB), got
/// back byte for byte by the custodian and by the lawyer; the sealed one's
/// plaintext is in no file but the lawyer's copy.
#[test]
fn large_attachments_through_the_command_line() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let p = |n: &str| t.join(n);
    // A marker repeated through the video: any copy of a stretch of it in
    // clear would show.
    let marker = b"VIDEO-MARQUEUR-8Z2";
    let mut video = photo(5_000_000, 7);
    for at in (0..video.len() - marker.len()).step_by(100_000) {
        video[at..at + marker.len()].copy_from_slice(marker);
    }
    let video_path = write(&p("frappe.mp4"), &video);
    assert_eq!(run!("key", "generate", "--out", p("ngo.key")).0, 0);
    assert_eq!(
        run!("key", "generate", "--reader", "--out", p("lawyer.key")).0,
        0
    );
    assert_eq!(run!("key", "generate", "--out", p("custodian.key")).0, 0);
    let arch = p("archive");
    let (code, _, err) = run!(
        "init",
        "--archive",
        arch,
        "--origin",
        "temoin.test/attach",
        "--custodian-key",
        p("custodian.key")
    );
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run!(
        "key",
        "enroll",
        "--archive",
        arch,
        "--custodian-key",
        p("custodian.key"),
        "--public",
        p("ngo.key.pub"),
        "--role",
        "intermediary"
    );
    assert_eq!(code, 0, "{err}");
    let input = write(&p("note.json"), r#"{"text": "Vidéo de la frappe."}"#);
    let tms = p("note.tms");
    let (code, out, err) = run!(
        "sign",
        "--key",
        p("ngo.key"),
        "--kind",
        "note",
        "--input",
        input,
        "--out",
        tms,
        "--attach",
        format!("video={}", video_path.display()),
        "--attach",
        format!("sealed={}", video_path.display()),
        "--attach-type",
        "sealed=video/mp4",
        "--seal",
        "sealed",
        "--to",
        p("lawyer.key.pub")
    );
    assert_eq!(code, 0, "{out}{err}");
    let leftovers: Vec<_> = std::fs::read_dir(t)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with('.'))
        .collect();
    assert!(leftovers.is_empty(), "temporary files left: {leftovers:?}");
    let (code, out, err) = run!("ingest", "--archive", arch, tms);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("appended entry      2"), "{out}");
    let (code, out, err) = run!("verify", "--archive", arch);
    assert_eq!(code, 0, "{out}{err}");
    let (_, log, _) = run!("log", "--archive", arch, "--json");
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let entry = &log[2];
    let h = entry["statement_hash"].as_str().unwrap().to_string();
    let parts: Vec<&str> = entry["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    for l in [
        "video",
        "video.type",
        "sealed",
        "sealed.age",
        "sealed.to",
        "sealed.type",
    ] {
        assert!(parts.iter().any(|p| p.starts_with(l)), "{l} in {parts:?}");
    }

    // The custodian gets the clear one back, and its media type.
    let got = p("got.mp4");
    let (code, out, err) = part_get(&arch, &h, "video", &got);
    assert_eq!(code, 0, "{out}{err}");
    assert!(std::fs::read(&got).unwrap() == video);
    let ty = p("type.txt");
    let (code, _, _) = part_get(&arch, &h, "sealed.type", &ty);
    assert_eq!(code, 0);
    assert_eq!(std::fs::read(&ty).unwrap(), b"video/mp4");
    let (code, _, err) = part_get(&arch, &h, "sealed", &p("nope.mp4"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("is sealed"), "{err}");

    // The plaintext of the sealed one is nowhere but in the clear part's
    // files: the .tms and the archive hold it once (the clear copy), so
    // remove that part and search again.
    let opened = p("opened.mp4");
    let (code, _, err) = run!(
        "unseal",
        "--identity",
        p("lawyer.key"),
        "--archive",
        arch,
        "--statement",
        h,
        "--label",
        "sealed",
        "--out",
        opened
    );
    assert_eq!(code, 0, "{err}");
    assert!(std::fs::read(&opened).unwrap() == video);
    let holding = files_holding(t, marker);
    let expected: Vec<PathBuf> = vec![video_path, tms, arch.join("parts"), got, opened];
    for h in &holding {
        assert!(
            expected.contains(h),
            "{} holds the video in clear",
            h.display()
        );
    }
    // In the .tms and the parts file, exactly once: the clear attachment.
    for f in [p("note.tms"), arch.join("parts")] {
        let bytes = std::fs::read(&f).unwrap();
        let n = bytes
            .windows(video.len().min(1 << 16))
            .filter(|w| *w == &video[..1 << 16])
            .count();
        assert_eq!(n, 1, "{}", f.display());
    }
}

/// What `--attach` refuses, with exit 2 and a message naming the fix.
#[test]
fn attach_arguments_that_cannot_work() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    assert_eq!(run!("key", "generate", "--out", t.join("k.key")).0, 0);
    let input = write(&t.join("n.json"), r#"{"text": "x"}"#);
    let pic = write(&t.join("p.jpg"), b"\xff\xd8\xff");
    let sign = |extra: &[&str]| {
        let mut args: Vec<String> = vec![
            "sign".into(),
            "--key".into(),
            t.join("k.key").display().to_string(),
            "--kind".into(),
            "note".into(),
            "--input".into(),
            input.display().to_string(),
            "--out".into(),
            t.join("o.tms").display().to_string(),
        ];
        args.extend(extra.iter().map(|s| s.to_string()));
        let a: Vec<&dyn AsRef<std::ffi::OsStr>> = args
            .iter()
            .map(|s| s as &dyn AsRef<std::ffi::OsStr>)
            .collect();
        temoin(&a)
    };
    let pic = pic.display().to_string();
    for (extra, says) in [
        (
            vec!["--attach".to_string(), "photo".into()],
            "expected LABEL=FILE",
        ),
        (
            vec!["--attach".into(), format!("payload={pic}")],
            "\"payload\" holds",
        ),
        (
            vec!["--attach".into(), format!("text={pic}")],
            "already has a part",
        ),
        (
            vec!["--attach".into(), format!("photo.type={pic}")],
            "plain name",
        ),
        (
            vec!["--attach".into(), "photo=/nonexistent/x.jpg".into()],
            "cannot read",
        ),
        (
            vec![
                "--attach".into(),
                format!("photo={pic}"),
                "--attach-type".into(),
                "photo=Image/JPEG".into(),
            ],
            "media type",
        ),
        (
            vec![
                "--attach".into(),
                format!("photo={pic}"),
                "--attach-type".into(),
                "clip=video/mp4".into(),
            ],
            "no attachment \"clip\"",
        ),
        (
            vec![
                "--attach".into(),
                format!("photo={pic}"),
                "--attach".into(),
                format!("photo={pic}"),
            ],
            "already has a part",
        ),
    ] {
        let refs: Vec<&str> = extra.iter().map(String::as_str).collect();
        let (code, _, err) = sign(&refs);
        assert_eq!(code, 2, "{extra:?}: {err}");
        assert!(err.contains(says), "{extra:?}: {err}");
        assert!(!t.join("o.tms").exists(), "{extra:?}: a file was written");
    }
    let (code, _, err) = sign(&["--attach", &format!("photo={pic}")]);
    assert_eq!(code, 0, "{err}");
}

/// `submit --attach` signs to a temporary statement file in the archive's
/// directory, streams it in, and removes it.
#[test]
fn submit_with_an_attachment_leaves_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let arch = t.join("archive");
    assert_eq!(run!("key", "generate", "--out", t.join("c.key")).0, 0);
    let (code, _, err) = run!(
        "init",
        "--archive",
        arch,
        "--origin",
        "temoin.test/submit",
        "--custodian-key",
        t.join("c.key")
    );
    assert_eq!(code, 0, "{err}");
    let input = write(&t.join("n.json"), r#"{"text": "enregistrement"}"#);
    let audio = write(&t.join("entretien.m4a"), photo(600_000, 9));
    let (code, out, err) = run!(
        "submit",
        "--archive",
        arch,
        "--key",
        t.join("c.key"),
        "--kind",
        "note",
        "--input",
        input,
        "--attach",
        format!("audio={}", audio.display())
    );
    assert_eq!(code, 0, "{out}{err}");
    let names: Vec<String> = std::fs::read_dir(&arch)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(!names.iter().any(|n| n.contains("submit")), "{names:?}");
    let (_, log, _) = run!("log", "--archive", arch, "--json");
    let log: serde_json::Value = serde_json::from_str(&log).unwrap();
    let h = log[1]["statement_hash"].as_str().unwrap().to_string();
    let ty = t.join("type");
    let (code, _, err) = part_get(&arch, &h, "audio.type", &ty);
    assert_eq!(code, 0, "{err}");
    assert_eq!(std::fs::read(&ty).unwrap(), b"audio/mp4");
    assert_eq!(run!("verify", "--archive", arch).0, 0);
}
