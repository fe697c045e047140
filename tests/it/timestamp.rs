//! Trusted time end to end (docs/FORMAT.md §6.3): a local RFC 3161 TSA
//! (`openssl ts -reply` behind tests/tsa/serve_tsa.py on loopback),
//! `temoin timestamp` and `serve --tsa` keeping verified tokens, receipts
//! and bundles carrying them, and verifiers that check them against the
//! TSA certificate they trust — and refuse another TSA's, a token moved to
//! another checkpoint, and a TSA that answers garbage. Skipped without
//! openssl and python3 unless TEMOIN_REQUIRE_OPENSSL is set (CI sets it).

use crate::common::*;
use crate::server::Served;
use std::io::{BufRead as _, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use temoin::archive::Archive;
use temoin::receipt::Receipt;

fn have_tools() -> bool {
    let ok = |cmd: &str, arg: &str| {
        Command::new(cmd)
            .arg(arg)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success())
    };
    let have = ok("openssl", "version") && ok("python3", "--version");
    if !have {
        assert!(
            std::env::var_os("TEMOIN_REQUIRE_OPENSSL").is_none(),
            "TEMOIN_REQUIRE_OPENSSL is set but openssl or python3 is missing"
        );
        eprintln!("timestamp tests skipped: no openssl or python3 (set TEMOIN_REQUIRE_OPENSSL=1 to make this an error)");
    }
    have
}

/// A TSA's directory: its key and certificate (RSA 2048, extendedKeyUsage
/// critical timeStamping), tsa.cnf and its serial file.
fn make_tsa(dir: &Path, cn: &str) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let cnf = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tsa/tsa.cnf");
    std::fs::copy(&cnf, dir.join("tsa.cnf")).unwrap();
    std::fs::write(dir.join("serial"), "01\n").unwrap();
    let out = Command::new("openssl")
        .args([
            "req",
            "-x509",
            "-new",
            "-nodes",
            "-newkey",
            "rsa:2048",
            "-keyout",
            "tsa.key",
            "-out",
            "tsa.crt",
            "-days",
            "30",
            "-config",
            "tsa.cnf",
            "-extensions",
            "tsa_ext",
            "-subj",
        ])
        .arg(format!("/CN={cn}"))
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir.join("tsa.crt")
}

/// tests/tsa/serve_tsa.py on loopback.
struct Tsa {
    child: Child,
    url: String,
    dir: PathBuf,
}

impl Tsa {
    fn start(dir: &Path) -> Tsa {
        let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tsa/serve_tsa.py");
        let mut child = Command::new("python3")
            .arg(script)
            .arg(dir)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the test TSA");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let port: u16 = line
            .strip_prefix("PORT ")
            .and_then(|p| p.trim().parse().ok())
            .unwrap_or_else(|| panic!("no port in {line:?}"));
        Tsa {
            child,
            url: format!("http://127.0.0.1:{port}"),
            dir: dir.to_path_buf(),
        }
    }

    /// From now on the TSA answers garbage.
    fn break_it(&self) {
        std::fs::write(self.dir.join("garbage"), "").unwrap();
    }
}

impl Drop for Tsa {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn s(p: &Path) -> &str {
    p.to_str().unwrap()
}

fn tokens_at(dir: &Path, size: u64) -> Vec<Vec<u8>> {
    Archive::open_reader(dir)
        .unwrap()
        .store()
        .timestamps(size)
        .unwrap()
}

fn latest_size(dir: &Path) -> u64 {
    Archive::open_reader(dir)
        .unwrap()
        .store()
        .latest_checkpoint()
        .unwrap()
        .unwrap()
        .0
}

fn timestamp(dir: &Path, tsa: &str, cert: &Path) -> (i32, String, String) {
    temoin(&[
        "timestamp",
        "--archive",
        s(dir),
        "--tsa",
        tsa,
        "--tsa-cert",
        s(cert),
    ])
}

fn write_receipt(dir: &Path, seq: u64, out: &Path) -> Receipt {
    let r = Archive::open_reader(dir).unwrap().receipt(seq).unwrap();
    std::fs::write(out, r.to_json()).unwrap();
    r
}

#[test]
fn timestamp_tokens_are_kept_carried_and_checked_against_the_trusted_tsa() {
    if !have_tools() {
        return;
    }
    let mut f = Fixture::standard(1);
    let dir = f.dir();
    let tmp = tempfile::tempdir().unwrap();
    let cert = make_tsa(&tmp.path().join("tsa"), "temoin test TSA");
    let other = make_tsa(&tmp.path().join("other"), "someone else's TSA");
    let tsa = Tsa::start(&tmp.path().join("tsa"));
    let akf = dir.join("checkpoint.key.pub");
    let akf = s(&akf);

    // A TSA whose certificate is not the one given: refused, nothing kept.
    let size = latest_size(&dir);
    let (code, out, err) = timestamp(&dir, &tsa.url, &other);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("not a trusted TSA"), "{err}");
    assert!(err.contains("nothing stored"), "{err}");
    assert!(tokens_at(&dir, size).is_empty());

    // The right certificate: one verified token kept for the latest checkpoint.
    let (code, out, err) = timestamp(&dir, &tsa.url, &cert);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("existed no later than"), "{out}");
    assert!(out.contains("CN=temoin test TSA"), "{out}");
    assert_eq!(tokens_at(&dir, size).len(), 1);
    let first_token = tokens_at(&dir, size).remove(0);

    // The receipt carries it and verifies with the TSA's certificate.
    let rf = tmp.path().join("r.receipt.json");
    let r = write_receipt(&dir, 3, &rf);
    assert_eq!(r.timestamps.len(), 1);
    let (code, out, err) = temoin(&[
        "verify-receipt",
        s(&rf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("this checkpoint existed no later than")
            && out.contains("attested by CN=temoin test TSA"),
        "{out}"
    );
    // Without a certificate: present, not checked.
    let (code, out, err) = temoin(&["verify-receipt", s(&rf), "--archive-key", akf]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("1 timestamp token(s) carried, not checked"),
        "{out}"
    );
    // Another TSA's certificate: no trusted time, refused.
    let (code, out, err) = temoin(&[
        "verify-receipt",
        s(&rf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&other),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(
        err.contains("none of the 1 timestamp token(s) is from a trusted TSA"),
        "{err}"
    );
    // JSON says what was checked.
    let (code, out, _) = temoin(&[
        "verify-receipt",
        s(&rf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
        "--json",
    ]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["timestamps"]["ok"], true, "{out}");
    assert_eq!(v["timestamps"]["tokens"][0]["tsa"], "CN=temoin test TSA");

    // The bundle carries it too, in English and in French.
    let bf = tmp.path().join("all.json");
    let (code, out, err) = temoin(&["export", "--archive", s(&dir), "--all", "--out", s(&bf)]);
    assert_eq!(code, 0, "{out}{err}");
    let (code, out, err) = temoin(&[
        "verify-bundle",
        s(&bf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("this checkpoint existed no later than"),
        "{out}"
    );
    let (code, out, err) = temoin(&[
        "--lang",
        "fr",
        "verify-bundle",
        s(&bf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("ce point de contrôle existait au plus tard le")
            && out.contains(" UTC, attesté par CN=temoin test TSA"),
        "{out}"
    );
    let (code, out, err) = temoin(&[
        "verify-bundle",
        s(&bf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&other),
    ]);
    assert_eq!(code, 1, "{out}{err}");

    // The chain-of-custody report states it, in each language's words.
    let md = tmp.path().join("report.md");
    let (code, out, err) = temoin(&[
        "report",
        s(&bf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
        "--out",
        s(&md),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("This checkpoint existed no later than")
            && text.contains("UTC, attested by CN=temoin test TSA"),
        "{text}"
    );
    let (code, out, err) = temoin(&[
        "--lang",
        "fr",
        "report",
        s(&bf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
        "--out",
        s(&md),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("Ce point de contrôle existait au plus tard le"),
        "{text}"
    );
    // Another TSA's certificate: the report says so, and the command fails.
    let (code, out, err) = temoin(&[
        "report",
        s(&bf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&other),
        "--out",
        s(&md),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("Not established: none of the 1 timestamp token(s)"),
        "{text}"
    );
    // Without a certificate: carried, not checked.
    let (code, out, err) = temoin(&["report", s(&bf), "--archive-key", akf, "--out", s(&md)]);
    assert_eq!(code, 0, "{out}{err}");
    let text = std::fs::read_to_string(&md).unwrap();
    assert!(
        text.contains("1 RFC 3161 timestamp token(s) carried, not checked"),
        "{text}"
    );

    // A later checkpoint with its own token; the earlier token moved onto
    // it (in a receipt, in a bundle) is refused: it is over another text.
    {
        let mut a = f.open();
        f.push(&mut a, |k| note(&k.ngo, "a later note"));
    }
    let later = latest_size(&dir);
    assert!(later > size);
    let (code, out, err) = timestamp(&dir, &tsa.url, &cert);
    assert_eq!(code, 0, "{out}{err}");
    let mut r = write_receipt(&dir, 3, &rf);
    assert_eq!(r.timestamps.len(), 1);
    assert_ne!(
        r.timestamps[0],
        r.clone()
            .with_timestamps(std::slice::from_ref(&first_token))
            .timestamps[0]
    );
    r = r.with_timestamps(std::slice::from_ref(&first_token));
    std::fs::write(&rf, r.to_json()).unwrap();
    let (code, out, err) = temoin(&[
        "verify-receipt",
        s(&rf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("over another text"), "{err}");
    let (code, out, err) = temoin(&["export", "--archive", s(&dir), "--all", "--out", s(&bf)]);
    assert_eq!(code, 0, "{out}{err}");
    let mut b: serde_json::Value = serde_json::from_slice(&std::fs::read(&bf).unwrap()).unwrap();
    assert_eq!(b["timestamps"].as_array().unwrap().len(), 1);
    b["timestamps"] = serde_json::json!([r.timestamps[0]]);
    std::fs::write(&bf, serde_json::to_vec_pretty(&b).unwrap()).unwrap();
    let (code, out, err) = temoin(&[
        "verify-bundle",
        s(&bf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
    ]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("over another text"), "{err}");

    // A TSA answering garbage: refused, nothing stored.
    {
        let mut a = f.open();
        f.push(&mut a, |k| note(&k.ngo, "yet another note"));
    }
    let last = latest_size(&dir);
    tsa.break_it();
    let (code, out, err) = timestamp(&dir, &tsa.url, &cert);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("not a TimeStampResp"), "{err}");
    assert!(tokens_at(&dir, last).is_empty());
    // A receipt of a checkpoint without a token fails when trusted time is required.
    write_receipt(&dir, 3, &rf);
    let (code, _, err) = temoin(&[
        "verify-receipt",
        s(&rf),
        "--archive-key",
        akf,
        "--tsa-cert",
        s(&cert),
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("carries no timestamp token"), "{err}");
    f.assert_clean();
}

/// GET `path`: (status, body).
fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b).unwrap_or("");
    (status, body.to_string())
}

fn push(server: &Served, dir: &Path, tmp: &Path, text: &str, f: &Fixture) -> Receipt {
    let tms = tmp.join("s.tms");
    std::fs::write(&tms, note(&f.keys.ngo, text).to_bytes()).unwrap();
    let (code, out, err) = temoin(&[
        "push",
        "--server",
        &format!("http://{}", server.addr),
        "--archive-key",
        s(&dir.join("checkpoint.key.pub")),
        s(&tms),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    Receipt::from_json(&std::fs::read(tmp.join("s.receipt.json")).unwrap()).unwrap()
}

#[test]
fn serve_with_a_tsa_timestamps_new_checkpoints_and_never_waits_for_it() {
    if !have_tools() {
        return;
    }
    let f = Fixture::standard(0);
    let dir = f.dir();
    let tmp = tempfile::tempdir().unwrap();
    let cert = make_tsa(&tmp.path().join("tsa"), "temoin test TSA");

    // A TSA that is down: submissions are served all the same.
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let down = format!("http://{}", closed.local_addr().unwrap());
    drop(closed);
    let server = Served::start(&dir, &["--tsa", &down, "--tsa-cert", s(&cert)]);
    let r = push(&server, &dir, tmp.path(), "while the TSA is down", &f);
    assert!(r.timestamps.is_empty());
    server.stop();

    let tsa = Tsa::start(&tmp.path().join("tsa"));
    let server = Served::start(&dir, &["--tsa", &tsa.url, "--tsa-cert", s(&cert)]);
    let r = push(&server, &dir, tmp.path(), "timestamped over HTTP", &f);
    // The token comes in the background: ask for the receipt again until
    // it carries one (bounded; a TSA on loopback answers in milliseconds).
    let deadline = Instant::now() + Duration::from_secs(60);
    let with_token = loop {
        let (status, body) = get(server.addr, &format!("/v1/receipts/{}", r.statement_hash));
        assert_eq!(status, 200, "{body}");
        let got = Receipt::from_json(body.as_bytes()).unwrap();
        if !got.timestamps.is_empty() {
            break got;
        }
        assert!(Instant::now() < deadline, "no timestamp after 60 s");
        std::thread::sleep(Duration::from_millis(100));
    };
    let rf = tmp.path().join("served.receipt.json");
    std::fs::write(&rf, with_token.to_json()).unwrap();
    let akf = dir.join("checkpoint.key.pub");
    let (code, out, err) = temoin(&[
        "verify-receipt",
        s(&rf),
        "--archive-key",
        s(&akf),
        "--tsa-cert",
        s(&cert),
    ]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(out.contains("attested by CN=temoin test TSA"), "{out}");
    server.stop();
    assert!(!tokens_at(&dir, latest_size(&dir)).is_empty());
    f.assert_clean();
}
