//! Witness cosignatures end to end on loopback: `temoin witness serve`
//! (C2SP tlog-witness) cosigning an archive served with `--witness`,
//! receipts and bundles that carry the cosignatures and verify with a
//! witness policy, a witness that refuses a forked log and keeps its state
//! through kill -9, and malformed requests that change nothing.

use crate::common::*;
use crate::server::Served;
use std::io::{BufRead as _, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use temoin::archive::{Archive, Config};
use temoin::checkpoint::Checkpoint;
use temoin::cosignature::{WitnessKey, WitnessPolicy};
use temoin::receipt::Receipt;
use temoin::registry::Role;
use temoin::signed_note::VerifierKey;
use temoin::witness::{add_checkpoint_body, origin_hash};

/// A `temoin witness serve` child process.
struct Witness {
    child: Child,
    addr: SocketAddr,
}

impl Witness {
    fn start(key: &Path, logs: &[&str], state: &Path) -> Witness {
        Witness::start_on(key, logs, state, "127.0.0.1:0")
    }

    fn start_on(key: &Path, logs: &[&str], state: &Path, listen: &str) -> Witness {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_temoin"));
        cmd.args(["witness", "serve", "--key", key.to_str().unwrap()]);
        for l in logs {
            cmd.args(["--log", l]);
        }
        let mut child = cmd
            .args(["--listen", listen, "--state", state.to_str().unwrap()])
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start temoin witness serve");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let addr = url.trim_start_matches("http://").parse().unwrap();
        Witness { child, addr }
    }

    /// kill -9: no chance to write anything more.
    fn kill_9(mut self) {
        self.child.kill().unwrap();
        self.child.wait().unwrap();
    }
}

impl Drop for Witness {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request: (status, content type, body).
fn http(addr: SocketAddr, method: &str, path: &str, body: &[u8]) -> (u16, String, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    s.write_all(head.as_bytes()).unwrap();
    s.write_all(body).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    let ctype = head
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case("content-type")
                .then(|| v.trim().to_string())
        })
        .unwrap_or_default();
    (status, ctype, body.to_string())
}

fn add(addr: SocketAddr, body: &str) -> (u16, String, String) {
    http(addr, "POST", "/add-checkpoint", body.as_bytes())
}

/// `temoin witness key generate`: (secret key path, vkey).
fn witness_key(dir: &Path, name: &str) -> (PathBuf, String) {
    let out = dir.join(format!("{}.key", name.replace('/', "_")));
    let (code, stdout, stderr) = temoin(&[
        "witness",
        "key",
        "generate",
        "--out",
        out.to_str().unwrap(),
        "--name",
        name,
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    let pub_text = std::fs::read_to_string(format!("{}.pub", out.display())).unwrap();
    let vkey = pub_text
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap()
        .trim()
        .to_string();
    assert!(vkey.starts_with(&format!("{name}+")), "{vkey}");
    WitnessKey::parse(&vkey).expect("a witness vkey");
    (out, vkey)
}

/// `temoin push` one statement to `server`: its receipt, verified by push
/// with the archive key.
fn push(
    server: &Served,
    dir: &Path,
    tmp: &Path,
    file: &temoin::statement::StatementFile,
) -> Receipt {
    let tms = tmp.join("s.tms");
    std::fs::write(&tms, file.to_bytes()).unwrap();
    let (code, out, err) = temoin(&[
        "push",
        "--server",
        &format!("http://{}", server.addr),
        "--archive-key",
        vkey_file(dir).to_str().unwrap(),
        tms.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    Receipt::from_json(&std::fs::read(tmp.join("s.receipt.json")).unwrap()).unwrap()
}

fn vkey_file(dir: &Path) -> PathBuf {
    dir.join("checkpoint.key.pub")
}

fn archive_vkey(dir: &Path) -> VerifierKey {
    temoin::keys::load_vkey_file(&vkey_file(dir)).unwrap()
}

fn latest(dir: &Path) -> (u64, String) {
    Archive::open_reader(dir)
        .unwrap()
        .store()
        .latest_checkpoint()
        .unwrap()
        .unwrap()
}

#[test]
fn an_archive_with_a_witness_serves_cosigned_checkpoints_receipts_and_bundles() {
    let f = Fixture::standard(0);
    let dir = f.dir();
    let tmp = tempfile::tempdir().unwrap();
    let (w1_key, w1) = witness_key(tmp.path(), "witness.test/w1");
    let (_, w2) = witness_key(tmp.path(), "witness.test/w2");
    let log = vkey_file(&dir);
    let witness = Witness::start(&w1_key, &[log.to_str().unwrap()], &tmp.path().join("state"));
    let server = Served::start(
        &dir,
        &[
            "--witness",
            &format!("http://{}={w1}", witness.addr),
            "--witness-wait-ms",
            "10000",
        ],
    );
    let ak = archive_vkey(&dir);
    let one = WitnessPolicy::new(vec![WitnessKey::parse(&w1).unwrap()], None).unwrap();

    // A receipt carries the witness's cosignature on its checkpoint.
    let r = push(
        &server,
        &dir,
        tmp.path(),
        &note(&f.keys.ngo, "witnessed over HTTP"),
    );
    r.verify(&ak)
        .expect("the receipt verifies with the archive key alone");
    let outcome = one.check(&r.checkpoint, &ak).expect("cosigned by w1");
    assert_eq!(outcome.cosigned.checkpoint.size, 4);
    let receipt_file = tmp.path().join("s.receipt.json");
    let rf = receipt_file.to_str().unwrap();
    let akf = log.to_str().unwrap();

    // verify-receipt with a policy: w1 alone passes; w1 and w2 with
    // threshold 2, or w2 alone, fail and name the missing witness.
    let (code, stdout, stderr) = temoin(&[
        "verify-receipt",
        rf,
        "--archive-key",
        akf,
        "--witness",
        &w1,
        "--witness-threshold",
        "1",
    ]);
    assert_eq!(code, 0, "{stdout}{stderr}");
    assert!(stdout.contains("witness.test/w1+"), "{stdout}");
    let (code, stdout, stderr) = temoin(&[
        "verify-receipt",
        rf,
        "--archive-key",
        akf,
        "--witness",
        &w1,
        "--witness",
        &w2,
        "--witness-threshold",
        "2",
    ]);
    assert_eq!(code, 1, "{stdout}{stderr}");
    assert!(stderr.contains("witness.test/w2+"), "{stderr}");
    assert!(!stderr.contains("missing: witness.test/w1"), "{stderr}");
    let (code, _, stderr) = temoin(&["verify-receipt", rf, "--archive-key", akf, "--witness", &w2]);
    assert_eq!(code, 1, "{stderr}");
    assert!(stderr.contains("witness.test/w2+"), "{stderr}");
    // In French too.
    let (code, _, stderr) = temoin(&[
        "--lang",
        "fr",
        "verify-receipt",
        rf,
        "--archive-key",
        akf,
        "--witness",
        &w2,
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert!(
        stderr.contains("politique de témoins non satisfaite"),
        "{stderr}"
    );
    assert!(stderr.contains("manquent : witness.test/w2+"), "{stderr}");
    // A witness key given where the archive key goes, or the reverse, is a usage error.
    let (code, _, _) = temoin(&["verify-receipt", rf, "--archive-key", akf, "--witness", akf]);
    assert_eq!(code, 2);

    // /checkpoint carries it; so does the witness's monitoring endpoint.
    let (status, _, cp) = http(server.addr, "GET", "/checkpoint", b"");
    assert_eq!(status, 200);
    one.check(&cp, &ak).expect("/checkpoint is cosigned");
    let (status, _, mon) = http(
        witness.addr,
        "GET",
        &format!("/{}/checkpoint", origin_hash(ORIGIN)),
        b"",
    );
    assert_eq!(status, 200, "{mon}");
    assert_eq!(Checkpoint::open(&mon, &ak).unwrap().size, 4);
    one.check(&mon, &ak).unwrap();

    server.stop();
    // The stored checkpoint (what export and mirrors read) is the cosigned
    // one, and the archive's own audit still passes.
    let (size, stored) = latest(&dir);
    assert_eq!(size, 4);
    one.check(&stored, &ak).unwrap();
    f.assert_clean();

    // A mirror with a witness policy follows the log only when the
    // checkpoint served carries the cosignatures it requires; refused, it
    // copies nothing. (The tiles are served by a plain static server.)
    let site = tmp.path().join("site");
    let (code, out, err) = temoin(&[
        "tiles",
        "--archive",
        dir.to_str().unwrap(),
        "--out",
        site.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let statik = StaticServer::start(&site);
    let url = format!("http://{}", statik.addr);
    let refused = tmp.path().join("mirror-refused");
    let (code, out, err) = temoin(&[
        "mirror",
        "--from",
        &url,
        "--out",
        refused.to_str().unwrap(),
        "--archive-key",
        akf,
        "--witness",
        &w2,
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("witness.test/w2+"), "{err}");
    assert!(!refused.join("checkpoint").exists(), "copied anyway");
    let copy = tmp.path().join("mirror");
    let (code, out, err) = temoin(&[
        "mirror",
        "--from",
        &url,
        "--out",
        copy.to_str().unwrap(),
        "--archive-key",
        akf,
        "--witness",
        &w1,
        "--witness-threshold",
        "1",
    ]);
    assert_eq!(code, 0, "{out}{err}");
    one.check(
        &std::fs::read_to_string(copy.join("checkpoint")).unwrap(),
        &ak,
    )
    .expect("the mirror holds the cosigned checkpoint");
    drop(statik);

    // A bundle exported now carries the cosignature and verifies with the policy.
    let b = tmp.path().join("all.json");
    let (code, out, err) = temoin(&[
        "export",
        "--archive",
        dir.to_str().unwrap(),
        "--all",
        "--out",
        b.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let bf = b.to_str().unwrap();
    let (code, out, err) = temoin(&["verify-bundle", bf, "--archive-key", akf, "--witness", &w1]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, _) = temoin(&[
        "verify-bundle",
        bf,
        "--archive-key",
        akf,
        "--witness",
        &w1,
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["witnesses"]["threshold"], 1);
    assert_eq!(v["witnesses"]["cosigned_by"].as_array().unwrap().len(), 1);
    let (code, out, err) = temoin(&[
        "verify-bundle",
        bf,
        "--archive-key",
        akf,
        "--witness",
        &w1,
        "--witness",
        &w2,
        "--witness-threshold",
        "2",
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("witness.test/w2+"), "{err}");
    let (code, out, _) = temoin(&[
        "verify-bundle",
        bf,
        "--archive-key",
        akf,
        "--witness",
        &w2,
        "--json",
    ]);
    assert_eq!(code, 1);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    assert!(
        v["witnesses"]["error"].as_str().unwrap().contains("w2"),
        "{v}"
    );
    // Without a policy the bundle verifies as before.
    let (code, out, err) = temoin(&["verify-bundle", bf, "--archive-key", akf]);
    assert_eq!(code, 0, "{out}{err}");
    // Threshold above the number of witnesses: a usage error.
    let (code, _, _) = temoin(&[
        "verify-bundle",
        bf,
        "--archive-key",
        akf,
        "--witness",
        &w1,
        "--witness-threshold",
        "2",
    ]);
    assert_eq!(code, 2);
}

/// Two archives with the same checkpoint key and origin but different
/// histories (each genesis has its own random statement id): a fork.
fn forked_pair(tmp: &Path) -> (PathBuf, PathBuf) {
    let keys = Keys::new();
    let mut dirs = Vec::new();
    for (name, notes) in [("a", 0), ("b", 1)] {
        let d = tmp.join(name);
        let mut a = Archive::init_with_checkpoint_key(
            &d,
            Config::new(ORIGIN),
            &keys.custodian,
            "Custodian",
            key("shared-checkpoint-key"),
        )
        .unwrap();
        accept(
            &mut a,
            &enroll(
                &keys.custodian,
                &keys.ngo.public(),
                "NGO",
                Role::Intermediary,
            ),
        );
        for i in 0..notes {
            accept(&mut a, &note(&keys.ngo, &format!("fork note {i}")));
        }
        dirs.push(d);
    }
    (dirs.remove(0), dirs.remove(0))
}

fn proof(dir: &Path, old: u64, new: u64) -> Vec<[u8; 32]> {
    Archive::open_reader(dir)
        .unwrap()
        .store()
        .consistency_proof(old, new)
        .unwrap()
}

fn note_at(dir: &Path, size: u64) -> String {
    Archive::open_reader(dir)
        .unwrap()
        .store()
        .checkpoint_note(size)
        .unwrap()
        .unwrap()
}

#[test]
fn the_witness_refuses_a_fork_and_malformed_requests_and_keeps_its_state_through_kill_9() {
    let tmp = tempfile::tempdir().unwrap();
    let (a, b) = forked_pair(tmp.path());
    let (wkey, wvkey) = witness_key(tmp.path(), "witness.test/w1");
    let state = tmp.path().join("state");
    let log = vkey_file(&a);
    assert_eq!(
        std::fs::read_to_string(&log).unwrap(),
        std::fs::read_to_string(vkey_file(&b)).unwrap()
    );
    let w = Witness::start(&wkey, &[log.to_str().unwrap()], &state);
    let wk = WitnessKey::parse(&wvkey).unwrap();
    let policy = WitnessPolicy::new(vec![wk], None).unwrap();
    let ak = archive_vkey(&a);

    // A's checkpoint at size 2, first contact.
    let a2 = note_at(&a, 2);
    let (status, ctype, line) = add(w.addr, &add_checkpoint_body(0, &[], &a2));
    assert_eq!(status, 200, "{line}");
    assert!(ctype.starts_with("text/plain"), "{ctype}");
    assert!(
        line.starts_with("— witness.test/w1 ") && line.ends_with('\n'),
        "{line}"
    );
    policy
        .check(&format!("{a2}{line}"), &ak)
        .expect("the answer is a valid cosignature");
    let state_file = state.join(format!("{}.checkpoint", origin_hash(ORIGIN)));
    let saved = std::fs::read(&state_file).unwrap();

    // B at size 3, with B's own (valid for B) proof from 2: a fork, 422.
    let b3 = note_at(&b, 3);
    let (status, _, body) = add(w.addr, &add_checkpoint_body(2, &proof(&b, 2, 3), &b3));
    assert_eq!(status, 422, "{body}");
    // B at size 2 (same size, other root): 422 too.
    let (status, _, body) = add(w.addr, &add_checkpoint_body(2, &[], &note_at(&b, 2)));
    assert_eq!(status, 422, "{body}");
    // A stale old size: 409 with the witness's size, as text/x.tlog.size.
    let (status, ctype, body) = add(w.addr, &add_checkpoint_body(0, &[], &b3));
    assert_eq!(
        (status, ctype.as_str(), body.as_str()),
        (409, "text/x.tlog.size", "2\n")
    );
    // Malformed bodies: 400.
    for bad in [
        String::new(),
        "old 2\n".to_string(),
        format!("old 02\n\n{a2}"),
        format!("old two\n\n{a2}"),
        format!("2\n\n{a2}"),
        format!("old 2\nnot base64!\n\n{a2}"),
        format!("old 2\nAAAA\n\n{a2}"),
        format!("old 2\n{a2}"),
        "old 2\n\nnot a checkpoint\n".to_string(),
        format!("old 3\n\n{a2}"),
        format!("old 2\n\n{}", a2.replace("\n\n", "\n")),
    ] {
        let (status, _, body) = add(w.addr, &bad);
        assert_eq!(status, 400, "{bad:?}: {body}");
    }
    // Over 64 KiB: 413.
    let (status, _, _) = add(w.addr, &format!("old 2\n\n{a2}{}", "x".repeat(70 * 1024)));
    assert_eq!(status, 413);
    // Not UTF-8.
    let (status, _, _) = http(w.addr, "POST", "/add-checkpoint", b"old 2\n\n\xff\xfe\n");
    assert_eq!(status, 400);
    // An origin it does not witness: 404; the right origin signed by another key: 403.
    let other = tmp.path().join("other");
    let mut o = Archive::init(
        &other,
        Config::new("temoin.test/other"),
        &key("custodian"),
        "C",
    )
    .unwrap();
    accept(&mut o, &note(&key("custodian"), "x"));
    drop(o);
    let (status, _, _) = add(w.addr, &add_checkpoint_body(0, &[], &note_at(&other, 1)));
    assert_eq!(status, 404);
    let impostor = tmp.path().join("impostor");
    Archive::init(&impostor, Config::new(ORIGIN), &key("custodian"), "C").unwrap();
    let (status, _, _) = add(w.addr, &add_checkpoint_body(2, &[], &note_at(&impostor, 1)));
    assert_eq!(status, 403);
    // Nothing of this changed the witness's state.
    assert_eq!(std::fs::read(&state_file).unwrap(), saved);

    // kill -9, restart on the same state: it still holds size 2 of A.
    w.kill_9();
    let w = Witness::start(&wkey, &[log.to_str().unwrap()], &state);
    let (status, _, body) = add(w.addr, &add_checkpoint_body(0, &[], &b3));
    assert_eq!((status, body.as_str()), (409, "2\n"));
    let (status, _, _) = add(w.addr, &add_checkpoint_body(2, &proof(&b, 2, 3), &b3));
    assert_eq!(status, 422, "the fork is still refused after a restart");
    // A grows: its checkpoint at size 3 with A's proof is cosigned.
    let mut arch = Archive::open(&a).unwrap();
    accept(&mut arch, &note(&key("ngo"), "a grows"));
    drop(arch);
    let a3 = note_at(&a, 3);
    let (status, _, line) = add(w.addr, &add_checkpoint_body(2, &proof(&a, 2, 3), &a3));
    assert_eq!(status, 200, "{line}");
    policy.check(&format!("{a3}{line}"), &ak).unwrap();
    // The same checkpoint again (old = size, same root): cosigned again.
    let (status, _, _) = add(w.addr, &add_checkpoint_body(3, &[], &a3));
    assert_eq!(status, 200);
    // A damaged state file: the witness refuses to start rather than forget.
    drop(w);
    std::fs::write(&state_file, b"garbage\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["witness", "serve", "--key", wkey.to_str().unwrap(), "--log"])
        .arg(&log)
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(&state)
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("damaged"));
}

#[test]
fn a_witness_that_is_down_does_not_block_receipts_and_is_asked_again_later() {
    let f = Fixture::standard(0);
    let dir = f.dir();
    let tmp = tempfile::tempdir().unwrap();
    let (wkey, wvkey) = witness_key(tmp.path(), "witness.test/w1");
    // A free port, with nothing listening on it yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let server = Served::start(
        &dir,
        &[
            "--witness",
            &format!("http://{port}={wvkey}"),
            "--witness-wait-ms",
            "3000",
        ],
    );
    let ak = archive_vkey(&dir);
    let policy = WitnessPolicy::new(vec![WitnessKey::parse(&wvkey).unwrap()], None).unwrap();
    let submit = |text: &str| push(&server, &dir, tmp.path(), &note(&f.keys.ngo, text));
    let r = submit("while the witness is down");
    r.verify(&ak).unwrap();
    assert!(
        policy.check(&r.checkpoint, &ak).is_err(),
        "no cosignature yet"
    );
    // The witness comes up; the next write is cosigned (old size 0 first,
    // the proof from the empty tree).
    let w = Witness::start_on(
        &wkey,
        &[vkey_file(&dir).to_str().unwrap()],
        &tmp.path().join("state"),
        &port.to_string(),
    );
    let r = submit("now witnessed");
    policy
        .check(&r.checkpoint, &ak)
        .expect("cosigned once the witness is up");
    let r = submit("witnessed again, from the size it holds");
    let o = policy.check(&r.checkpoint, &ak).unwrap();
    assert_eq!(o.cosigned.checkpoint.size, 6);
    drop(w);
    server.stop();
    f.assert_clean();
}

// ---------------------------------------------------------------------
// Vectors (tests/vectors/witness.json) and an independent check in Go.
// ---------------------------------------------------------------------

const VECTOR_ORIGIN: &str = "temoin.example/witnessed";
const VECTOR_TIME: u64 = 1_700_000_000;

fn demo_seed(name: &str) -> [u8; 32] {
    temoin::hash::sha256(&[b"temoin DEMO ONLY key: ", name.as_bytes()]).0
}

fn vector_archive() -> temoin::signed_note::SignerKey {
    temoin::signed_note::SignerKey::new(
        VECTOR_ORIGIN,
        ed25519_dalek::SigningKey::from_bytes(&demo_seed("witness-vectors/archive")),
    )
    .unwrap()
}

fn vector_witness(n: u8) -> temoin::cosignature::WitnessSigner {
    temoin::cosignature::WitnessSigner::new(
        &format!("witness.example/w{n}"),
        ed25519_dalek::SigningKey::from_bytes(&demo_seed(&format!("witness-vectors/w{n}"))),
    )
    .unwrap()
}

/// Replace the base64 of `witness`'s line in `note` by `f(decoded)`.
fn mangle(note: &str, witness: &str, f: impl Fn(&mut Vec<u8>)) -> String {
    use base64::Engine as _;
    let b64 = base64::engine::general_purpose::STANDARD;
    note.lines()
        .map(|l| match l.strip_prefix(&format!("— {witness} ")) {
            Some(s) => {
                let mut raw = b64.decode(s).unwrap();
                f(&mut raw);
                format!("— {witness} {}", b64.encode(raw))
            }
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n"
}

fn build_witness_vectors() -> serde_json::Value {
    use serde_json::json;
    use temoin::cosignature::add_signature_lines;
    let archive = vector_archive();
    let (w1, w2) = (vector_witness(1), vector_witness(2));
    let root = temoin::hash::sha256(&[b"temoin witness vector root"]).0;
    let cp = Checkpoint::new(VECTOR_ORIGIN, 5, root);
    let body = cp.body();
    let signed = cp.sign(&archive).unwrap();
    let l1 = w1.cosign(&body, VECTOR_TIME).unwrap();
    let l2 = w2.cosign(&body, VECTOR_TIME + 1).unwrap();
    let one = add_signature_lines(&signed, &l1).unwrap();
    let two = add_signature_lines(&one, &l2).unwrap();
    let n1 = w1.witness_key().label();
    let n2 = w2.witness_key().label();
    // w1's line over another time than it says (the timestamp field altered).
    let bad_time = mangle(&one, "witness.example/w1", |raw| raw[11] ^= 1);
    // w1's line without the timestamp: 4 + 64 bytes.
    let no_time = mangle(&one, "witness.example/w1", |raw| {
        raw.drain(4..12);
    });
    // w1's key signing the plain note (type 0x01 key ID): not a cosignature.
    let plain = {
        let s = temoin::signed_note::SignerKey::new(
            "witness.example/w1",
            ed25519_dalek::SigningKey::from_bytes(&demo_seed("witness-vectors/w1")),
        )
        .unwrap();
        let n = temoin::signed_note::sign_note(&body, &[&s]).unwrap();
        add_signature_lines(&signed, n.rsplit_once("\n\n").unwrap().1).unwrap()
    };
    let v = |name: &str, note: &str, ws: &[&str], k: usize, ok: bool, by: &[&str], err: &str| {
        json!({"name": name, "note": note, "witnesses": ws, "threshold": k, "ok": ok,
               "cosigned_by": by, "error": if ok { serde_json::Value::Null } else { json!(err) }})
    };
    json!({
        "about": "Witness cosignatures (docs/FORMAT.md §6.1): C2SP tlog-cosignature/v1 lines on a checkpoint, and the verdict of a witness policy (witnesses, threshold) on each note. Every note also verifies with the archive key alone (lines by other keys are ignored). Built by tests/it/witness.rs; checked by it, by tests/vectors/verify_vectors.py and by tests/interop/verify_cosigned.go. DEMO ONLY keys: each seed is SHA-256(\"temoin DEMO ONLY key: \" || seed name).",
        "archive": {"seed_name": "witness-vectors/archive", "vkey": archive.verifier_key().to_string()},
        "witnesses": {
            "w1": {"seed_name": "witness-vectors/w1", "vkey": w1.witness_key().to_string(), "skey": w1.to_skey_string().to_string(), "label": n1},
            "w2": {"seed_name": "witness-vectors/w2", "vkey": w2.witness_key().to_string(), "skey": w2.to_skey_string().to_string(), "label": n2},
        },
        "checkpoint_body": body,
        "w1_signed_message": temoin::cosignature::cosigned_message(&body, VECTOR_TIME),
        "w1_line": l1,
        "vectors": [
            v("one-of-one", &one, &["w1"], 1, true, &["w1"], ""),
            v("two-of-two", &two, &["w1", "w2"], 2, true, &["w1", "w2"], ""),
            v("one-of-two-needed", &one, &["w1", "w2"], 1, true, &["w1"], ""),
            v("missing-w2", &one, &["w1", "w2"], 2, false, &["w1"], "not-enough"),
            v("other-witness", &one, &["w2"], 1, false, &[], "not-enough"),
            v("archive-only", &signed, &["w1"], 1, false, &[], "not-enough"),
            v("time-altered", &bad_time, &["w1"], 1, false, &[], "bad-cosignature"),
            v("no-timestamp", &no_time, &["w1"], 1, false, &[], "length"),
            v("plain-key-id", &plain, &["w1"], 1, false, &[], "not-enough"),
        ],
    })
}

fn witness_vectors_file() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/witness.json")
}

#[test]
fn witness_vectors_are_what_the_library_computes_and_get_their_verdicts() {
    use temoin::cosignature::CosignatureError as E;
    let built = build_witness_vectors();
    if std::env::var_os("TEMOIN_WRITE_VECTORS").is_some() {
        let mut text = serde_json::to_string_pretty(&built).unwrap();
        text.push('\n');
        std::fs::write(witness_vectors_file(), text).unwrap();
    }
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(witness_vectors_file()).unwrap()).unwrap();
    assert_eq!(
        file, built,
        "tests/vectors/witness.json is out of step with the code"
    );
    let ak = VerifierKey::parse(file["archive"]["vkey"].as_str().unwrap()).unwrap();
    for v in file["vectors"].as_array().unwrap() {
        let note = v["note"].as_str().unwrap();
        Checkpoint::open(note, &ak).expect("the archive key alone opens every vector");
        let keys: Vec<WitnessKey> = v["witnesses"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| {
                WitnessKey::parse(
                    file["witnesses"][w.as_str().unwrap()]["vkey"]
                        .as_str()
                        .unwrap(),
                )
                .unwrap()
            })
            .collect();
        let p = WitnessPolicy::new(keys, v["threshold"].as_u64().map(|k| k as usize)).unwrap();
        let got = p.check(note, &ak);
        let name = v["name"].as_str().unwrap();
        match (v["ok"].as_bool().unwrap(), v["error"].as_str(), &got) {
            (true, _, Ok(o)) => assert_eq!(
                o.cosigned.cosignatures.len(),
                v["cosigned_by"].as_array().unwrap().len(),
                "{name}"
            ),
            (false, Some("not-enough"), Err(E::NotEnough { .. }))
            | (false, Some("bad-cosignature"), Err(E::BadCosignature { .. }))
            | (false, Some("length"), Err(E::Length { .. })) => {}
            _ => panic!("{name}: got {got:?}"),
        }
    }
}

/// Whether `go` and x/mod's note package are here (Debian: golang-go,
/// golang-golang-x-mod-dev); without them the test is skipped, unless
/// TEMOIN_REQUIRE_GO is set.
fn go_available() -> bool {
    let ok = Command::new("go")
        .arg("version")
        .output()
        .is_ok_and(|o| o.status.success())
        && Path::new("/usr/share/gocode/src/golang.org/x/mod/sumdb/note/note.go").exists();
    if !ok {
        assert!(
            std::env::var_os("TEMOIN_REQUIRE_GO").is_none(),
            "TEMOIN_REQUIRE_GO is set but go or golang.org/x/mod (golang-golang-x-mod-dev) is missing"
        );
        eprintln!("skipped: no go or golang.org/x/mod on this machine");
    }
    ok
}

#[test]
fn go_x_mod_note_verifies_the_archive_signature_and_the_cosignature() {
    if !go_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/verify_cosigned.go");
    let bin = tmp.path().join("verify_cosigned");
    let out = Command::new("go")
        .args(["build", "-o"])
        .arg(&bin)
        .arg(&src)
        .env("GO111MODULE", "off")
        .env("GOPATH", "/usr/share/gocode")
        .env("GOCACHE", tmp.path().join("cache"))
        .env_remove("GOFLAGS")
        .env("HOME", tmp.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "go build: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(witness_vectors_file()).unwrap()).unwrap();
    let ak = file["archive"]["vkey"].as_str().unwrap();
    let w1 = file["witnesses"]["w1"]["vkey"].as_str().unwrap();
    let w2 = file["witnesses"]["w2"]["vkey"].as_str().unwrap();
    let run = |name: &str, witness: &str| -> (bool, String) {
        let v = file["vectors"]
            .as_array()
            .unwrap()
            .iter()
            .find(|v| v["name"] == name)
            .unwrap();
        let note = tmp.path().join(format!("{name}.note"));
        std::fs::write(&note, v["note"].as_str().unwrap()).unwrap();
        let o = Command::new(&bin)
            .args([ak, witness])
            .arg(&note)
            .output()
            .unwrap();
        (
            o.status.success(),
            String::from_utf8_lossy(&o.stdout).into_owned(),
        )
    };
    let (ok, out) = run("one-of-one", w1);
    assert!(ok, "{out}");
    assert_eq!(
        out.trim(),
        format!("ok {VECTOR_ORIGIN} witness.example/w1 {VECTOR_TIME}")
    );
    let (ok, out) = run("two-of-two", w2);
    assert!(ok, "{out}");
    assert!(out.contains(&format!("{}", VECTOR_TIME + 1)), "{out}");
    for (name, w) in [
        ("time-altered", w1),
        ("no-timestamp", w1),
        ("plain-key-id", w1),
        ("one-of-one", w2),
    ] {
        let (ok, out) = run(name, w);
        assert!(!ok, "Go accepted {name}: {out}");
    }

    // And a checkpoint cosigned live by `temoin witness serve`.
    let f = Fixture::standard(0);
    let dir = f.dir();
    let (wkey, wvkey) = witness_key(tmp.path(), "witness.test/go");
    let w = Witness::start(
        &wkey,
        &[vkey_file(&dir).to_str().unwrap()],
        &tmp.path().join("state"),
    );
    let (size, note) = latest(&dir);
    let (status, _, line) = add(w.addr, &add_checkpoint_body(0, &[], &note));
    assert_eq!(status, 200, "{line}");
    let cosigned = tmp.path().join("live.note");
    std::fs::write(&cosigned, format!("{note}{line}")).unwrap();
    let vk = archive_vkey(&dir).to_string();
    let o = Command::new(&bin)
        .args([vk.as_str(), wvkey.as_str()])
        .arg(&cosigned)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(
        out.starts_with(&format!("ok {ORIGIN} witness.test/go ")),
        "{out} (size {size})"
    );

    // Go's own checksum database checkpoint, cosigned by our witness.
    let w2 = Witness::start(
        &wkey,
        &[&format!("{SUMDB_ORIGIN}={SUMDB_VKEY}")],
        &tmp.path().join("state-sumdb"),
    );
    let (status, _, line) = add(w2.addr, &add_checkpoint_body(0, &[], SUMDB_NOTE));
    assert_eq!(status, 200, "{line}");
    let cosigned = tmp.path().join("sumdb.note");
    std::fs::write(&cosigned, format!("{SUMDB_NOTE}{line}")).unwrap();
    let o = Command::new(&bin)
        .args([SUMDB_VKEY, wvkey.as_str()])
        .arg(&cosigned)
        .output()
        .unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(o.status.success(), "{out}");
    assert!(
        out.starts_with("ok sum.golang.org witness.test/go "),
        "{out}"
    );
}

/// A real checkpoint of Go's checksum database (litewitness's test data):
/// its origin is not its key's name.
const SUMDB_ORIGIN: &str = "go.sum database tree";
const SUMDB_VKEY: &str = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
const SUMDB_NOTE: &str = "go.sum database tree\n35225469\nvt5T6GaLCXvyHFl9VUvvItR43XZxfLgftEcTyO3eJCQ=\n\n\u{2014} sum.golang.org Az3grpukl5AXaVfYkLiDGORx/DN2nlcS5kZHR5uYOBV2KA2HgXpD+gu9HHONebHLAyaKbbTM75QTtPydhKCExixSfwQ=\n";

#[test]
fn the_witness_cosigns_a_go_checksum_database_checkpoint() {
    let tmp = tempfile::tempdir().unwrap();
    let (wkey, _) = witness_key(tmp.path(), "witness.test/w1");
    let w = Witness::start(
        &wkey,
        &[&format!("{SUMDB_ORIGIN}={SUMDB_VKEY}")],
        &tmp.path().join("state"),
    );
    let (status, _, line) = add(w.addr, &add_checkpoint_body(0, &[], SUMDB_NOTE));
    assert_eq!(status, 200, "{line}");
    assert!(line.starts_with("— witness.test/w1 "), "{line}");
    let (status, ctype, body) = add(w.addr, &add_checkpoint_body(0, &[], SUMDB_NOTE));
    assert_eq!(
        (status, ctype.as_str(), body.as_str()),
        (409, "text/x.tlog.size", "35225469\n")
    );
    // Configured under the key's name only, the origin is unknown: 404.
    let w2 = Witness::start(&wkey, &[SUMDB_VKEY], &tmp.path().join("state2"));
    let (status, _, _) = add(w2.addr, &add_checkpoint_body(0, &[], SUMDB_NOTE));
    assert_eq!(status, 404);
}

/// Figures for docs/PERFORMANCE.md, not a check (no timed assertion):
/// `add-checkpoint` round trips on loopback, each on its own connection
/// (as `serve --witness` sends them), against the witness of the binary
/// named by TEMOIN_BENCH_BIN (a release build) or the test's.
///
/// TEMOIN_BENCH_BIN=target/release/temoin cargo test --test it witness::round_trip_figures -- --ignored --nocapture
#[test]
#[ignore]
fn round_trip_figures() {
    let n = 200usize;
    let f = Fixture::standard(n - 2);
    let dir = f.dir();
    let tmp = tempfile::tempdir().unwrap();
    let (wkey, _) = witness_key(tmp.path(), "witness.test/bench");
    let bin = std::env::var("TEMOIN_BENCH_BIN")
        .unwrap_or_else(|_| env!("CARGO_BIN_EXE_temoin").to_string());
    let mut child = Command::new(&bin)
        .args(["witness", "serve", "--key", wkey.to_str().unwrap(), "--log"])
        .arg(vkey_file(&dir))
        .args(["--listen", "127.0.0.1:0", "--state"])
        .arg(tmp.path().join("state"))
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    let addr: SocketAddr = line
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .unwrap()
        .trim_start_matches("http://")
        .parse()
        .unwrap();
    let a = Archive::open_reader(&dir).unwrap();
    let bodies: Vec<String> = (1..=n as u64)
        .map(|size| {
            let old = size - 1;
            let proof = a.store().consistency_proof(old, size).unwrap();
            add_checkpoint_body(
                old,
                &proof,
                &a.store().checkpoint_note(size).unwrap().unwrap(),
            )
        })
        .collect();
    drop(a);
    let mut times = Vec::with_capacity(n);
    for body in &bodies {
        let t = std::time::Instant::now();
        let (status, _, answer) = add(addr, body);
        times.push(t.elapsed());
        assert_eq!(status, 200, "{answer}");
    }
    let _ = child.kill();
    let _ = child.wait();
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    println!(
        "witness add-checkpoint round trip, {n} calls on loopback ({bin}): median {:.3} ms, p99 {:.3} ms, min {:.3} ms, max {:.3} ms",
        ms(times[n / 2]),
        ms(times[(n * 99) / 100 - 1]),
        ms(times[0]),
        ms(times[n - 1])
    );

    // What a witness adds to a receipt: 100 submissions one after the
    // other to `serve`, without and with a witness on loopback.
    for with_witness in [false, true] {
        let f = Fixture::standard(0);
        let dir = f.dir();
        let t2 = tempfile::tempdir().unwrap();
        let mut extra: Vec<String> = vec![
            "--rate-per-key".into(),
            "0".into(),
            "--rate-per-address".into(),
            "0".into(),
        ];
        let mut witness = None;
        if with_witness {
            let (k, v) = witness_key(t2.path(), "witness.test/bench");
            let w = Command::new(&bin)
                .args(["witness", "serve", "--key", k.to_str().unwrap(), "--log"])
                .arg(vkey_file(&dir))
                .args(["--listen", "127.0.0.1:0", "--state"])
                .arg(t2.path().join("state"))
                .stdout(Stdio::piped())
                .spawn()
                .unwrap();
            let mut w = w;
            let mut line = String::new();
            std::io::BufReader::new(w.stdout.take().unwrap())
                .read_line(&mut line)
                .unwrap();
            let url = line
                .split_whitespace()
                .find(|x| x.starts_with("http://"))
                .unwrap();
            extra.push("--witness".into());
            extra.push(format!("{url}={v}"));
            witness = Some(w);
        }
        let mut server = Command::new(&bin)
            .args([
                "serve",
                "--archive",
                dir.to_str().unwrap(),
                "--listen",
                "127.0.0.1:0",
            ])
            .args(&extra)
            .stdout(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        std::io::BufReader::new(server.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let saddr: SocketAddr = line
            .split_whitespace()
            .find(|x| x.starts_with("http://"))
            .unwrap()
            .trim_start_matches("http://")
            .parse()
            .unwrap();
        let m = 100usize;
        let files: Vec<Vec<u8>> = (0..m)
            .map(|i| note(&f.keys.ngo, &format!("bench {i}")).to_bytes())
            .collect();
        let mut times = Vec::with_capacity(m);
        for body in &files {
            let t = std::time::Instant::now();
            let mut st = TcpStream::connect(saddr).unwrap();
            write!(
                st,
                "POST /v1/statements HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/vnd.temoin.statement\r\nContent-Length: {}\r\n\r\n",
                body.len()
            )
            .unwrap();
            st.write_all(body).unwrap();
            let mut out = String::new();
            st.read_to_string(&mut out).unwrap();
            times.push(t.elapsed());
            assert!(out.starts_with("HTTP/1.1 200"), "{out}");
            if with_witness {
                let receipt =
                    Receipt::from_json(out.split_once("\r\n\r\n").unwrap().1.as_bytes()).unwrap();
                assert!(receipt.checkpoint.contains("— witness.test/bench "));
            }
        }
        let _ = server.kill();
        let _ = server.wait();
        if let Some(mut w) = witness {
            let _ = w.kill();
            let _ = w.wait();
        }
        times.sort();
        println!(
            "serve, {m} submissions one at a time, {}: median {:.3} ms, p99 {:.3} ms",
            if with_witness {
                "with a witness"
            } else {
                "without a witness"
            },
            ms(times[m / 2]),
            ms(times[(m * 99) / 100 - 1])
        );
    }
}

/// Submissions at once: rounds are shared, and every receipt still carries
/// the witness's cosignature on the checkpoint it proves inclusion in (a
/// receipt is made against the checkpoint a round cosigned, not a newer
/// one shown meanwhile).
#[test]
fn concurrent_submissions_all_get_cosigned_receipts() {
    let f = Fixture::standard(0);
    let dir = f.dir();
    let tmp = tempfile::tempdir().unwrap();
    let (wkey, wvkey) = witness_key(tmp.path(), "witness.test/w1");
    let w = Witness::start(
        &wkey,
        &[vkey_file(&dir).to_str().unwrap()],
        &tmp.path().join("state"),
    );
    let server = Served::start(
        &dir,
        &[
            "--witness",
            &format!("http://{}={wvkey}", w.addr),
            "--witness-wait-ms",
            "20000",
            "--rate-per-key",
            "0",
            "--rate-per-address",
            "0",
        ],
    );
    let ak = archive_vkey(&dir);
    let policy = WitnessPolicy::new(vec![WitnessKey::parse(&wvkey).unwrap()], None).unwrap();
    let addr = server.addr;
    let threads: Vec<_> = (0..24)
        .map(|i| {
            let body = note(&f.keys.ngo, &format!("concurrent {i}")).to_bytes();
            std::thread::spawn(move || {
                let mut s = TcpStream::connect(addr).unwrap();
                write!(
                    s,
                    "POST /v1/statements HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/vnd.temoin.statement\r\nContent-Length: {}\r\n\r\n",
                    body.len()
                )
                .unwrap();
                s.write_all(&body).unwrap();
                let mut out = String::new();
                s.read_to_string(&mut out).unwrap();
                assert!(out.starts_with("HTTP/1.1 200"), "{out}");
                Receipt::from_json(out.split_once("\r\n\r\n").unwrap().1.as_bytes()).unwrap()
            })
        })
        .collect();
    let mut seqs = Vec::new();
    for t in threads {
        let r = t.join().unwrap();
        r.verify(&ak).unwrap();
        let o = policy
            .check(&r.checkpoint, &ak)
            .expect("every receipt is cosigned");
        assert!(o.cosigned.checkpoint.size > r.seq);
        seqs.push(r.seq);
    }
    seqs.sort_unstable();
    assert_eq!(seqs, (3..27).collect::<Vec<u64>>());
    drop(w);
    server.stop();
    f.assert_clean();
}

/// `python3 -m http.server` over a directory, on a free loopback port: a
/// static server that knows nothing of temoin.
struct StaticServer {
    child: std::process::Child,
    addr: SocketAddr,
}

impl StaticServer {
    fn start(dir: &Path) -> StaticServer {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let child = std::process::Command::new("python3")
            .args([
                "-m",
                "http.server",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
            ])
            .arg("--directory")
            .arg(dir)
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python3 -m http.server");
        let server = StaticServer {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], port)),
        };
        for _ in 0..100 {
            if std::net::TcpStream::connect(server.addr).is_ok() {
                return server;
            }
            std::thread::sleep(std::time::Duration::from_millis(50));
        }
        drop(server);
        panic!("the static server did not start");
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
