//! Attachments in evidence bundles (issue 13, docs/FORMAT.md §3.9, §12.2):
//! a part too large for the JSON travels beside the bundle as a file named
//! by its committed digest. Export streams it there, checked; verify-bundle,
//! report and unseal read it back, checked; and every way an attacker can
//! touch the file or the bundle's claim about it is refused with the right
//! fault.

use crate::evidence_support::{enroll, init_archive, temoin, Keys};
use std::path::{Path, PathBuf};
use temoin::bundle::{self, BesideDir, Bundle, FaultKind, Location, Verdict};
use temoin::hash::Digest;
use temoin::registry::{Role, PAYLOAD};
use temoin::seal::ReaderIdentity;
use temoin::statement::{Draft, Kind};

const PHOTO_BYTES: usize = 3_000_000;
const AUDIO_BYTES: usize = 1_500_000;

/// Bytes no text is made of (and no other part holds).
fn noise(n: usize, seed: u64) -> Vec<u8> {
    let mut s = seed | 1;
    (0..n)
        .map(|_| {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            (s >> 24) as u8
        })
        .collect()
}

/// An archive holding a note with a 3 MB photo and its media type, and a
/// note whose 1.5 MB recording is sealed to a reader.
struct Photos {
    _tmp: tempfile::TempDir,
    root: PathBuf,
    archive: PathBuf,
    keys: Keys,
    photo: Vec<u8>,
    audio: Vec<u8>,
    /// Statement hashes.
    note: Digest,
    sealed: Digest,
    /// The reader's key file.
    reader: PathBuf,
}

impl Photos {
    fn new() -> Photos {
        let tmp = tempfile::tempdir().unwrap();
        let root = tmp.path().to_path_buf();
        let archive = root.join("archive");
        let keys = Keys::new();
        let mut a = init_archive(&archive, &keys);
        let accept = |a: &mut temoin::archive::Archive, f| {
            let r = a.ingest(&f).expect("ingest").expect("accepted");
            r.statement_hash
        };
        accept(
            &mut a,
            enroll(
                &keys.custodian,
                &keys.ngo,
                "ONG Tombouctou",
                Role::Intermediary,
            ),
        );
        let photo = noise(PHOTO_BYTES, 7);
        let note = accept(
            &mut a,
            Draft::new(Kind::Note)
                .part("text", "Le marché de Tangata après la frappe.")
                .part("photo", photo.clone())
                .part("photo.type", "image/jpeg")
                .sign(&keys.ngo)
                .unwrap(),
        );
        let id = ReaderIdentity::generate();
        let reader = root.join("lawyer.key");
        std::fs::write(&reader, id.to_file_text("a lawyer").as_bytes()).unwrap();
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&reader, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        let audio = noise(AUDIO_BYTES, 11);
        let sealed = accept(
            &mut a,
            Draft::new(Kind::Note)
                .part("text", "Enregistrement du témoin.")
                .part("audio", audio.clone())
                .part("audio.type", "audio/mp4")
                .seal("audio", &[id.recipient()])
                .unwrap()
                .sign(&keys.ngo)
                .unwrap(),
        );
        drop(a);
        Photos {
            _tmp: tmp,
            root,
            archive,
            keys,
            photo,
            audio,
            note,
            sealed,
            reader,
        }
    }

    fn vkey(&self) -> String {
        self.keys.checkpoint.vkey().unwrap()
    }

    /// A fresh directory under the root.
    fn dir(&self, name: &str) -> PathBuf {
        let d = self.root.join(name);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// `temoin export --statement H --out OUT [more]`, which must succeed.
    fn export(&self, statement: &Digest, out: &Path, more: &[&str]) -> String {
        let (code, stdout, stderr) = self.export_cli(statement, out, more);
        assert_eq!(code, 0, "{stdout}{stderr}");
        stdout
    }

    fn export_cli(&self, statement: &Digest, out: &Path, more: &[&str]) -> (i32, String, String) {
        let mut args: Vec<&dyn AsRef<std::ffi::OsStr>> =
            vec![&"export", &"--archive", &self.archive, &"--out", &out];
        let hash = statement.to_hex();
        args.extend([&"--statement" as &dyn AsRef<std::ffi::OsStr>, &hash]);
        for m in more {
            args.push(m);
        }
        temoin(&args)
    }

    /// `temoin verify-bundle FILE`: (exit code, stdout, stderr).
    fn verify_cli(&self, file: &Path) -> (i32, String, String) {
        let key = self.vkey();
        temoin(&[&"verify-bundle", &file, &"--archive-key", &key])
    }

    /// The library's verdict on the bundle file, with the files beside it.
    fn verify(&self, file: &Path) -> Verdict {
        let b = Bundle::from_json(&std::fs::read(file).unwrap()).expect("a bundle");
        bundle::verify_with(&b, &self.keys.vkey(), &BesideDir::of_bundle(file))
    }

    /// The committed digest of part `label` of the statement `h`.
    fn digest(&self, b: &Bundle, h: &Digest, label: &str) -> String {
        let e = b
            .entries
            .iter()
            .find(|e| e.statement_hash == h.to_hex())
            .unwrap();
        e.decoded
            .statement
            .parts
            .iter()
            .find(|p| p.label == label)
            .unwrap()
            .digest
            .clone()
    }
}

fn read_bundle(file: &Path) -> Bundle {
    Bundle::from_json(&std::fs::read(file).unwrap()).unwrap()
}

fn write_bundle(file: &Path, b: &Bundle) {
    std::fs::write(file, b.to_json() + "\n").unwrap();
}

/// Every file in `dir`, by name.
fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// The verdict fails, its first fault at `at` of `kind`, and
/// `temoin verify-bundle` exits 1 with it.
fn refused(p: &Photos, file: &Path, at: Location, kind: FaultKind, says: &str) {
    let v = p.verify(file);
    let f = v.first_fault().unwrap_or_else(|| panic!("not refused"));
    assert_eq!(
        (&f.at, f.kind),
        (&at, kind),
        "first fault: {f}; all: {:#?}",
        v.faults
    );
    assert!(f.reason.to_string().contains(says), "{f}");
    let (code, out, err) = p.verify_cli(file);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains(&f.to_string()), "{err}");
}

#[test]
fn a_large_attachment_travels_beside_its_bundle_and_verifies() {
    let p = Photos::new();
    let out = p.dir("out");
    let file = out.join("photo.bundle.json");
    let said = p.export(&p.note, &file, &[]);
    let b = read_bundle(&file);
    let digest = p.digest(&b, &p.note, "photo");
    // The JSON is small; the photo is the file named by its digest, its
    // bytes alone.
    assert!(std::fs::metadata(&file).unwrap().len() < 100_000);
    assert_eq!(std::fs::read(out.join(&digest)).unwrap(), p.photo);
    assert_eq!(
        names(&out),
        vec![digest.clone(), "photo.bundle.json".into()]
    );
    assert!(
        said.contains(&digest) && said.contains("3000000 bytes"),
        "{said}"
    );
    let e = b
        .entries
        .iter()
        .find(|e| e.statement_hash == p.note.to_hex())
        .unwrap();
    let photo = e.parts.iter().find(|q| q.label == "photo").unwrap();
    assert_eq!(photo.beside.as_deref(), Some(digest.as_str()));
    assert_eq!((photo.content.as_ref(), photo.text.as_ref()), (None, None));
    // Small parts stay in the JSON, as before.
    let ty = e.parts.iter().find(|q| q.label == "photo.type").unwrap();
    assert_eq!(ty.text.as_deref(), Some("image/jpeg"));
    assert!(ty.beside.is_none());

    let v = p.verify(&file);
    assert!(v.ok(), "{:#?}", v.faults);
    let checked = v
        .entries
        .iter()
        .find(|c| c.statement_hash == p.note)
        .unwrap();
    assert!(checked.beside.contains("photo"));
    assert!(!checked.parts.contains_key("photo"), "the file is not held");
    let (code, stdout, stderr) = p.verify_cli(&file);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("VERIFIED"), "{stdout}");
    let key = p.vkey();
    let (code, json, _) = temoin(&[&"verify-bundle", &file, &"--archive-key", &key, &"--json"]);
    assert_eq!(code, 0);
    let json: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(
        json["beside"],
        serde_json::json!([{"seq": 2, "label": "photo", "file": digest}])
    );
    // Held in memory alone, the bundle lacks the file.
    let alone = bundle::verify(&b, &p.keys.vkey());
    assert_eq!(alone.first_fault().unwrap().kind, FaultKind::MissingPart);

    // A second bundle of the same statement in the same directory shares
    // the file; it is kept as it is.
    let before = std::fs::metadata(out.join(&digest))
        .unwrap()
        .modified()
        .unwrap();
    p.export(&p.note, &out.join("again.bundle.json"), &[]);
    assert_eq!(
        std::fs::metadata(out.join(&digest))
            .unwrap()
            .modified()
            .unwrap(),
        before
    );
    assert_eq!(names(&out).len(), 3);
    // A file of that name with other bytes is replaced.
    std::fs::write(out.join(&digest), b"not the photo").unwrap();
    p.export(&p.note, &file, &[]);
    assert_eq!(std::fs::read(out.join(&digest)).unwrap(), p.photo);

    // Above the threshold asked for, everything is in the JSON, as before
    // this option existed.
    let inline = p.dir("inline");
    let said = p.export(
        &p.note,
        &inline.join("b.json"),
        &["--beside-over", "4000000"],
    );
    assert!(!said.contains("beside the bundle"), "{said}");
    assert_eq!(names(&inline), vec!["b.json".to_string()]);
    let b = read_bundle(&inline.join("b.json"));
    assert!(b
        .entries
        .iter()
        .flat_map(|e| &e.parts)
        .all(|q| q.beside.is_none()));
    assert!(p.verify(&inline.join("b.json")).ok());
}

#[test]
fn the_report_names_each_attachment_and_where_it_is() {
    let p = Photos::new();
    let out = p.dir("out");
    let file = out.join("b.json");
    p.export(&p.note, &file, &[]);
    let digest = p.digest(&read_bundle(&file), &p.note, "photo");
    let key = p.vkey();
    let md = out.join("report.md");
    let (code, o, e) = temoin(&[&"report", &file, &"--archive-key", &key, &"--out", &md]);
    assert_eq!(code, 0, "{o}{e}");
    let text = std::fs::read_to_string(&md).unwrap();
    for needle in [
        "image/jpeg",
        "3,000,000",
        &format!("beside the bundle as file {digest}"),
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
    // A sealed attachment: its media type in clear, its readers, where its
    // ciphertext is.
    let file = out.join("sealed.json");
    p.export(&p.sealed, &file, &[]);
    let b = read_bundle(&file);
    let age = p.digest(&b, &p.sealed, "audio.age");
    let (code, o, e) = temoin(&[&"report", &file, &"--archive-key", &key, &"--out", &md]);
    assert_eq!(code, 0, "{o}{e}");
    let text = std::fs::read_to_string(&md).unwrap();
    for needle in [
        "audio/mp4",
        "1,500,000",
        "sealed to 1 reader",
        &format!("beside the bundle as file {age}"),
    ] {
        assert!(text.contains(needle), "{needle:?} not in {text}");
    }
}

/// A directory holding a bundle of the photo note with its file beside it,
/// for one attack.
fn exported(p: &Photos, name: &str) -> (PathBuf, Bundle, PathBuf) {
    let dir = p.dir(name);
    let file = dir.join("b.json");
    p.export(&p.note, &file, &[]);
    let b = read_bundle(&file);
    let beside = dir.join(p.digest(&b, &p.note, "photo"));
    (file, b, beside)
}

fn photo_part<'a>(b: &'a mut Bundle, p: &Photos) -> &'a mut bundle::BundlePart {
    b.entries
        .iter_mut()
        .find(|e| e.statement_hash == p.note.to_hex())
        .unwrap()
        .parts
        .iter_mut()
        .find(|q| q.label == "photo")
        .unwrap()
}

#[test]
fn every_change_to_a_file_beside_the_bundle_is_refused() {
    let p = Photos::new();
    let at = Location::Entry(2);

    let (file, _, beside) = exported(&p, "deleted");
    std::fs::remove_file(&beside).unwrap();
    refused(
        &p,
        &file,
        at.clone(),
        FaultKind::MissingPart,
        "is not there",
    );

    let (file, _, beside) = exported(&p, "flipped");
    let mut bytes = std::fs::read(&beside).unwrap();
    bytes[1_234_567] ^= 0x40;
    std::fs::write(&beside, &bytes).unwrap();
    refused(
        &p,
        &file,
        at.clone(),
        FaultKind::Part,
        "does not match its commitment",
    );

    let (file, _, beside) = exported(&p, "truncated");
    let f = std::fs::OpenOptions::new()
        .write(true)
        .open(&beside)
        .unwrap();
    f.set_len(PHOTO_BYTES as u64 - 1).unwrap();
    refused(
        &p,
        &file,
        at.clone(),
        FaultKind::Part,
        "2999999 bytes, not the committed",
    );

    let (file, _, beside) = exported(&p, "appended");
    let mut bytes = std::fs::read(&beside).unwrap();
    bytes.push(0);
    std::fs::write(&beside, &bytes).unwrap();
    refused(
        &p,
        &file,
        at.clone(),
        FaultKind::Part,
        "more than the committed",
    );

    // Renamed: the bundle's name for it no longer finds it...
    let (file, b, beside) = exported(&p, "renamed");
    let other = "ab".repeat(32);
    std::fs::rename(&beside, beside.with_file_name(&other)).unwrap();
    refused(
        &p,
        &file,
        at.clone(),
        FaultKind::MissingPart,
        "is not there",
    );
    // ...and a bundle renamed along with it names what is not the digest.
    let mut b = b;
    photo_part(&mut b, &p).beside = Some(other);
    write_bundle(&file, &b);
    refused(
        &p,
        &file,
        at.clone(),
        FaultKind::Part,
        "not its committed digest",
    );

    // A directory, not a file.
    let (file, _, beside) = exported(&p, "directory");
    std::fs::remove_file(&beside).unwrap();
    std::fs::create_dir(&beside).unwrap();
    refused(&p, &file, at, FaultKind::MissingPart, "cannot be");
}

#[test]
fn every_false_claim_about_a_part_beside_is_refused() {
    let p = Photos::new();
    let at = Location::Entry(2);
    let (file, good, beside) = exported(&p, "claims");
    let digest = beside.file_name().unwrap().to_string_lossy().into_owned();
    let edit = |f: &dyn Fn(&mut Bundle)| {
        let mut b = good.clone();
        f(&mut b);
        write_bundle(&file, &b);
    };

    // Upper-case hex, with a file of that name: not the digest as written.
    std::fs::copy(&beside, beside.with_file_name(digest.to_uppercase())).unwrap();
    edit(&|b| photo_part(b, &p).beside = Some(digest.to_uppercase()));
    refused(
        &p,
        &file,
        at.clone(),
        FaultKind::Part,
        "not its committed digest",
    );
    // A path, not a name.
    edit(&|b| photo_part(b, &p).beside = Some(format!("../claims/{digest}")));
    refused(
        &p,
        &file,
        at.clone(),
        FaultKind::Part,
        "not its committed digest",
    );

    // Both content and beside; neither; a text with beside.
    edit(&|b| photo_part(b, &p).content = Some("AAAA".into()));
    refused(&p, &file, at.clone(), FaultKind::Format, "has both");
    edit(&|b| photo_part(b, &p).beside = None);
    refused(&p, &file, at.clone(), FaultKind::Format, "has neither");
    edit(&|b| photo_part(b, &p).text = Some("x".into()));
    refused(&p, &file, at.clone(), FaultKind::Format, "has a \"text\"");
    // `null` is not a way to say "absent".
    let text = good.to_json().replacen(
        &format!("\"beside\": \"{digest}\""),
        &format!("\"beside\": \"{digest}\", \"content\": null"),
        1,
    );
    assert!(Bundle::from_json(text.as_bytes()).is_err());

    // The payload never travels beside, even with a file that matches.
    let mut b = good.clone();
    let enrol = b.entries.iter_mut().find(|e| e.seq == 1).unwrap();
    let payload = enrol.parts.iter_mut().find(|q| q.label == PAYLOAD).unwrap();
    let name = enrol
        .decoded
        .statement
        .parts
        .iter()
        .find(|c| c.label == PAYLOAD)
        .unwrap()
        .digest
        .clone();
    use base64::Engine as _;
    let content = base64::engine::general_purpose::STANDARD
        .decode(payload.content.take().unwrap())
        .unwrap();
    std::fs::write(beside.with_file_name(&name), content).unwrap();
    payload.text = None;
    payload.beside = Some(name);
    write_bundle(&file, &b);
    refused(
        &p,
        &file,
        Location::Entry(1),
        FaultKind::Part,
        "never travels beside",
    );

    // Sanity: the untouched bundle still verifies.
    write_bundle(&file, &good);
    assert!(p.verify(&file).ok());
}

#[test]
fn export_refuses_a_stored_attachment_that_does_not_match_its_commitment() {
    let p = Photos::new();
    {
        let db = crate::common::open_sled(&p.archive);
        crate::common::flip_part_byte(&p.archive, &db, 2, "photo", 2_000_000);
        db.flush().unwrap();
    }
    let out = p.dir("out");
    let file = out.join("b.json");
    let (code, o, e) = p.export_cli(&p.note, &file, &[]);
    assert_eq!(code, 1, "{o}{e}");
    assert!(
        e.contains("the archive is damaged at entry 2")
            && e.contains("part \"photo\" does not match the author's signed commitment"),
        "{e}"
    );
    // Nothing written: no bundle, no file beside it, no temporary file.
    assert!(names(&out).is_empty(), "{:?}", names(&out));
    // Inline, the same damage is caught by the self-check.
    let (code, _, e) = p.export_cli(&p.note, &file, &["--beside-over", "99999999"]);
    assert_eq!(code, 1, "{e}");
    assert!(names(&out).is_empty(), "{:?}", names(&out));
}

#[test]
fn withholding_an_attachment_leaves_its_media_type_and_writes_no_file() {
    let p = Photos::new();
    let out = p.dir("out");
    let file = out.join("b.json");
    p.export(&p.note, &file, &["--withhold", "photo"]);
    assert_eq!(names(&out), vec!["b.json".to_string()]);
    let b = read_bundle(&file);
    assert_eq!(b.withheld_labels, vec!["photo".to_string()]);
    let e = b
        .entries
        .iter()
        .find(|e| e.statement_hash == p.note.to_hex())
        .unwrap();
    assert_eq!(e.absent.len(), 1);
    assert_eq!(
        (e.absent[0].label.as_str(), e.absent[0].why.as_str()),
        ("photo", "withheld")
    );
    assert!(e.parts.iter().any(|q| q.label == "photo.type"));
    assert!(p.verify(&file).ok());
    // Sealed: its ciphertext is withheld with it; the media type and the
    // readers stay.
    let file = out.join("sealed.json");
    p.export(&p.sealed, &file, &["--withhold", "audio"]);
    assert_eq!(names(&out).len(), 2);
    let b = read_bundle(&file);
    assert_eq!(
        b.withheld_labels,
        vec!["audio".to_string(), "audio.age".to_string()]
    );
    let e = b
        .entries
        .iter()
        .find(|e| e.statement_hash == p.sealed.to_hex())
        .unwrap();
    let included: Vec<&str> = e.parts.iter().map(|q| q.label.as_str()).collect();
    assert!(
        included.contains(&"audio.type") && included.contains(&"audio.to"),
        "{included:?}"
    );
    assert!(p.verify(&file).ok());
    // Naming the media type withholds it alone.
    let file = out.join("untyped.json");
    p.export(&p.note, &file, &["--withhold", "photo.type"]);
    let b = read_bundle(&file);
    assert_eq!(b.withheld_labels, vec!["photo.type".to_string()]);
    assert!(p.verify(&file).ok());
}

#[test]
fn a_reader_unseals_an_attachment_whose_ciphertext_is_beside_the_bundle() {
    let p = Photos::new();
    let out = p.dir("out");
    let file = out.join("sealed.json");
    p.export(&p.sealed, &file, &[]);
    let b = read_bundle(&file);
    let age = out.join(p.digest(&b, &p.sealed, "audio.age"));
    assert!(age.exists(), "{:?}", names(&out));
    assert!(p.verify(&file).ok());
    let h = p.sealed.to_hex();
    let got = p.root.join("audio.m4a");
    let (code, o, e) = temoin(&[
        &"unseal",
        &"--identity",
        &p.reader,
        &file,
        &"--statement",
        &h,
        &"--label",
        &"audio",
        &"--out",
        &got,
    ]);
    assert_eq!(code, 0, "{o}{e}");
    assert_eq!(std::fs::read(&got).unwrap(), p.audio);
    assert!(e.contains("1500000 bytes written"), "{e}");
    // Printed, after it checked.
    let out_bytes = std::process::Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["unseal", "--identity"])
        .arg(&p.reader)
        .arg(&file)
        .args(["--statement", &h, "--label", "audio"])
        .output()
        .unwrap();
    assert!(out_bytes.status.success());
    assert_eq!(out_bytes.stdout, p.audio);

    // A changed ciphertext: refused, and nothing written.
    let mut bytes = std::fs::read(&age).unwrap();
    let last = bytes.len() - 1;
    bytes[last] ^= 1;
    std::fs::write(&age, &bytes).unwrap();
    let got2 = p.root.join("audio2.m4a");
    let (code, o, e) = temoin(&[
        &"unseal",
        &"--identity",
        &p.reader,
        &file,
        &"--statement",
        &h,
        &"--label",
        &"audio",
        &"--out",
        &got2,
    ]);
    assert_eq!(code, 1, "{o}{e}");
    assert!(
        e.contains("the ciphertext is not the one the author committed"),
        "{e}"
    );
    assert!(!got2.exists());
    // Gone: said so.
    std::fs::remove_file(&age).unwrap();
    let (code, _, e) = temoin(&[
        &"unseal",
        &"--identity",
        &p.reader,
        &file,
        &"--statement",
        &h,
        &"--label",
        &"audio",
        &"--out",
        &got2,
    ]);
    assert_eq!(code, 1, "{e}");
    assert!(e.contains("cannot be read"), "{e}");
    assert!(!got2.exists());
}
