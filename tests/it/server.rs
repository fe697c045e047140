//! `temoin serve` and `temoin push`, end to end on loopback: receipts that
//! verify offline, refusals that leave the log as it was, group commit,
//! kill -9 under load, hostile clients, and push's retries.

use crate::common;

use common::*;
use std::io::{BufRead as _, Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use temoin::archive::Archive;
use temoin::receipt::Receipt;
use temoin::signed_note::VerifierKey;

/// A `temoin serve` child process.
/// A `temoin serve` child process on loopback (also used by
/// `server_content`).
pub(crate) struct Served {
    child: Child,
    pub(crate) addr: SocketAddr,
}

impl Served {
    pub(crate) fn start(dir: &Path, extra: &[&str]) -> Served {
        Served::start_on(dir, "127.0.0.1:0", extra)
    }

    fn start_on(dir: &Path, listen: &str, extra: &[&str]) -> Served {
        let mut child = Command::new(env!("CARGO_BIN_EXE_temoin"))
            .args([
                "serve",
                "--archive",
                dir.to_str().unwrap(),
                "--listen",
                listen,
            ])
            .args(extra)
            .env_remove("TEMOIN_ARCHIVE")
            .env("LANG", "C.UTF-8")
            .env_remove("LC_ALL")
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start temoin serve");
        let mut line = String::new();
        std::io::BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let url = line
            .split_whitespace()
            .find(|w| w.starts_with("http://"))
            .unwrap_or_else(|| panic!("no URL in {line:?}"));
        let addr = url.trim_start_matches("http://").parse().unwrap();
        Served { child, addr }
    }

    /// SIGTERM, and wait for the clean stop.
    pub(crate) fn stop(mut self) {
        let pid = self.child.id().to_string();
        Command::new("kill").args(["-TERM", &pid]).status().unwrap();
        let status = self.child.wait().unwrap();
        assert!(status.success(), "temoin serve ended with {status}");
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// One request on its own connection: (status, body).
fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    ctype: Option<&str>,
    body: &[u8],
) -> (u16, String) {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
    let mut head = format!(
        "{method} {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: {}\r\n",
        body.len()
    );
    if let Some(c) = ctype {
        head.push_str(&format!("Content-Type: {c}\r\n"));
    }
    head.push_str("\r\n");
    s.write_all(head.as_bytes()).unwrap();
    let _ = s.write_all(body);
    read_answer(s)
}

fn read_answer(mut s: TcpStream) -> (u16, String) {
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let text = String::from_utf8_lossy(&out).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = text
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default();
    (status, body)
}

fn post(addr: SocketAddr, body: &[u8]) -> (u16, String) {
    http(
        addr,
        "POST",
        "/v1/statements",
        Some("application/vnd.temoin.statement"),
        body,
    )
}

fn code_of(body: &str) -> String {
    let v: serde_json::Value =
        serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}: {body:?}"));
    assert!(
        v["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
    v["code"].as_str().unwrap().to_string()
}

fn checkpoint_size(addr: SocketAddr) -> u64 {
    let (status, note) = http(addr, "GET", "/checkpoint", None, b"");
    assert_eq!(status, 200, "{note}");
    note.lines().nth(1).unwrap().parse().unwrap()
}

fn vkey_of(dir: &Path) -> VerifierKey {
    Archive::open_reader(dir)
        .unwrap()
        .checkpoint_vkey()
        .unwrap()
}

fn checkpoints(dir: &Path) -> usize {
    Archive::open_reader(dir)
        .unwrap()
        .store()
        .checkpoint_sizes()
        .count()
}

#[test]
fn receipts_verify_refusals_leave_the_log_and_bad_requests_are_clear() {
    let f = Fixture::standard(0);
    let dir = f.dir();
    let vkey = vkey_of(&dir);
    let server = Served::start(&dir, &[]);
    let a = server.addr;
    assert_eq!(checkpoint_size(a), 3);

    let good = note(&f.keys.ngo, "first over HTTP").to_bytes();
    let (status, body) = post(a, &good);
    assert_eq!(status, 200, "{body}");
    let r = Receipt::from_json(body.as_bytes()).unwrap();
    r.verify(&vkey).expect("the receipt verifies offline");
    assert_eq!(r.seq, 3);
    // The same statement again: the same entry, nothing appended.
    let (status, again) = post(a, &good);
    assert_eq!(status, 200, "{again}");
    let r2 = Receipt::from_json(again.as_bytes()).unwrap();
    assert_eq!((r2.seq, &r2.entry_hash), (r.seq, &r.entry_hash));
    assert_eq!(checkpoint_size(a), 4);
    // Receipts and proofs.
    let (status, got) = http(
        a,
        "GET",
        &format!("/v1/receipts/{}", r.statement_hash),
        None,
        b"",
    );
    assert_eq!(status, 200, "{got}");
    Receipt::from_json(got.as_bytes())
        .unwrap()
        .verify(&vkey)
        .unwrap();
    let (status, proof) = http(a, "GET", "/v1/consistency?old=3", None, b"");
    assert_eq!(status, 200, "{proof}");
    assert!(proof.contains("temoin-consistency/v1"), "{proof}");
    let (status, note3) = http(a, "GET", "/v1/checkpoints/3", None, b"");
    assert_eq!(status, 200, "{note3}");

    // Refused: not enrolled, forged signature, not a statement file.
    let (status, body) = post(a, &note(&f.keys.mallory, "who am I").to_bytes());
    assert_eq!(
        (status, code_of(&body).as_str()),
        (422, "not_enrolled"),
        "{body}"
    );
    let mut forged = note(&f.keys.ngo, "altered");
    forged.statement.signature[0] ^= 1;
    let (status, body) = post(a, &forged.to_bytes());
    assert_eq!(
        (status, code_of(&body).as_str()),
        (422, "bad_signature"),
        "{body}"
    );
    let (status, body) = post(a, b"not a statement at all");
    assert_eq!(
        (status, code_of(&body).as_str()),
        (400, "malformed_file"),
        "{body}"
    );
    // Truncated statement file (the body itself complete).
    let (status, body) = post(a, &good[..good.len() / 2]);
    assert_eq!(
        (status, code_of(&body).as_str()),
        (400, "malformed_file"),
        "{body}"
    );
    // Wrong media type, garbage paths, wrong method.
    let (status, body) = http(a, "POST", "/v1/statements", Some("text/plain"), &good);
    assert_eq!(
        (status, code_of(&body).as_str()),
        (415, "unsupported_media_type")
    );
    let (status, body) = http(a, "POST", "/v1/statements", None, &good);
    assert_eq!(
        (status, code_of(&body).as_str()),
        (415, "unsupported_media_type")
    );
    for path in [
        "/nope",
        "/v1/receipts/zz",
        "/../../etc/passwd",
        "/v1/checkpoints/99",
    ] {
        let (status, body) = http(a, "GET", path, None, b"");
        assert!(matches!(status, 400 | 404), "{path}: {status} {body}");
        code_of(&body);
    }
    let (status, body) = http(a, "DELETE", "/checkpoint", None, b"");
    assert_eq!(
        (status, code_of(&body).as_str()),
        (405, "method_not_allowed")
    );
    // Oversized: refused on its Content-Length, before the body is sent.
    let mut s = TcpStream::connect(a).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"POST /v1/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.temoin.statement\r\nContent-Length: 1000000000\r\n\r\n").unwrap();
    let (status, body) = read_answer(s);
    assert_eq!(
        (status, code_of(&body).as_str()),
        (413, "too_large"),
        "{body}"
    );
    // Truncated body: the connection ends before Content-Length.
    let mut s = TcpStream::connect(a).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    s.write_all(b"POST /v1/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.temoin.statement\r\nContent-Length: 5000\r\n\r\n").unwrap();
    s.write_all(&good[..100]).unwrap();
    s.shutdown(std::net::Shutdown::Write).unwrap();
    let (status, body) = read_answer(s);
    assert!(
        status == 0 || (status == 400 && code_of(&body) == "truncated_body"),
        "{status} {body}"
    );

    // The CLI reads through the server, and is told who owns the archive.
    let url = format!("http://{a}");
    let (code, out, err) = temoin(&["checkpoint", "--server", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\n4\n"), "{out}");
    let (code, _, err) = temoin(&["log", "--archive", dir.to_str().unwrap()]);
    assert_eq!(code, 1);
    assert!(
        err.contains("served by a running server") && err.contains(&url),
        "{err}"
    );

    // Still serving; the log holds exactly the one good statement.
    assert_eq!(checkpoint_size(a), 4);
    server.stop();
    assert!(!dir.join("served-at").exists());
    audit_dir(&dir).expect("the archive verifies");
    assert_eq!(Archive::open_reader(&dir).unwrap().size(), 4);
}

#[test]
fn concurrent_submissions_share_durable_flushes() {
    let f = Fixture::standard(0);
    let dir = f.dir();
    let vkey = vkey_of(&dir);
    let before = checkpoints(&dir);
    let server = Served::start(&dir, &["--rate-per-address", "0", "--rate-per-key", "0"]);
    let a = server.addr;
    let (clients, each) = (64, 4);
    let receipts: Vec<Receipt> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..clients)
            .map(|c| {
                let k = &f.keys;
                s.spawn(move || {
                    (0..each)
                        .map(|i| {
                            let (status, body) =
                                post(a, &note(&k.ngo, &format!("client {c} #{i}")).to_bytes());
                            assert_eq!(status, 200, "{body}");
                            Receipt::from_json(body.as_bytes()).unwrap()
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert_eq!(receipts.len(), clients * each);
    for r in &receipts {
        r.verify(&vkey).unwrap();
    }
    server.stop();
    audit_dir(&dir).expect("the archive verifies");
    let flushes = checkpoints(&dir) - before;
    assert_eq!(
        Archive::open_reader(&dir).unwrap().size(),
        3 + (clients * each) as u64
    );
    assert!(
        flushes < clients * each,
        "{flushes} flushes for {} statements: no group commit",
        clients * each
    );
}

#[test]
fn kill_9_under_load_loses_no_acknowledged_statement() {
    let f = Fixture::standard(0);
    let dir = f.dir();
    let mut server = Served::start(&dir, &["--rate-per-address", "0", "--rate-per-key", "0"]);
    let a = server.addr;
    let stop = std::sync::atomic::AtomicBool::new(false);
    let receipts: Vec<Receipt> = std::thread::scope(|s| {
        let hs: Vec<_> = (0..16)
            .map(|c| {
                let (k, stop) = (&f.keys, &stop);
                s.spawn(move || {
                    let mut got = Vec::new();
                    for i in 0.. {
                        if stop.load(std::sync::atomic::Ordering::Relaxed) {
                            break;
                        }
                        let Ok(mut conn) = TcpStream::connect(a) else { break };
                        let body = note(&k.ngo, &format!("load {c} #{i}")).to_bytes();
                        let head = format!("POST /v1/statements HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Type: application/vnd.temoin.statement\r\nContent-Length: {}\r\n\r\n", body.len());
                        if conn.write_all(head.as_bytes()).and_then(|_| conn.write_all(&body)).is_err() {
                            break;
                        }
                        let (status, text) = read_answer(conn);
                        if status == 200 {
                            got.push(Receipt::from_json(text.as_bytes()).unwrap());
                        }
                    }
                    got
                })
            })
            .collect();
        std::thread::sleep(Duration::from_millis(1500));
        server.child.kill().unwrap();
        server.child.wait().unwrap();
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    assert!(
        !receipts.is_empty(),
        "no statement was acknowledged before the kill"
    );
    let archive = Archive::open(&dir).expect("the archive opens after kill -9");
    for r in &receipts {
        let stored = archive
            .store()
            .entry_bytes(r.seq)
            .unwrap()
            .expect("acknowledged entry in the log");
        use base64::Engine as _;
        let sent = base64::engine::general_purpose::STANDARD
            .decode(&r.entry)
            .unwrap();
        assert_eq!(
            &stored[..],
            &sent[..],
            "entry {} differs from its receipt",
            r.seq
        );
    }
    drop(archive);
    audit_dir(&dir).expect("the archive verifies after kill -9");
    // And it serves again.
    let server = Served::start(&dir, &[]);
    assert!(checkpoint_size(server.addr) >= 3 + receipts.len() as u64);
    server.stop();
}

#[test]
fn a_slow_client_is_cut_off_and_a_flood_is_limited_without_stalling_others() {
    let f = Fixture::standard(0);
    let dir = f.dir();
    let server = Served::start(&dir, &["--timeout", "2", "--rate-per-address", "5"]);
    let a = server.addr;
    // Slowloris: half a request line, then nothing.
    let mut slow = TcpStream::connect(a).unwrap();
    slow.write_all(b"POST /v1/sta").unwrap();
    let mut slow_body = TcpStream::connect(a).unwrap();
    slow_body.write_all(b"POST /v1/statements HTTP/1.1\r\nHost: x\r\nContent-Type: application/vnd.temoin.statement\r\nContent-Length: 500\r\n\r\nabc").unwrap();
    // Others are served meanwhile.
    let t = Instant::now();
    assert_eq!(checkpoint_size(a), 3);
    assert!(t.elapsed() < Duration::from_secs(1), "{:?}", t.elapsed());
    // The slow ones are cut off after the timeout.
    for mut s in [slow, slow_body] {
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let t = Instant::now();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
        assert!(
            t.elapsed() < Duration::from_secs(8),
            "a slow client held its connection {:?}",
            t.elapsed()
        );
    }
    std::thread::sleep(Duration::from_millis(2100));
    // A flood from one address: 429 with Retry-After, JSON.
    let answers: Vec<(u16, String)> = (0..40)
        .map(|_| http(a, "GET", "/checkpoint", None, b""))
        .collect();
    let limited: Vec<_> = answers.iter().filter(|(s, _)| *s == 429).collect();
    assert!(!limited.is_empty(), "no 429 in a flood of 40");
    assert_eq!(code_of(&limited[0].1), "rate_limited");
    // Still serving once the flood is over; nothing was appended.
    std::thread::sleep(Duration::from_millis(1500));
    let (status, body) = post(a, &note(&f.keys.ngo, "after the storm").to_bytes());
    assert_eq!(status, 200, "{body}");
    assert_eq!(checkpoint_size(a), 4);
    server.stop();
    audit_dir(&dir).expect("the archive verifies");
}

#[test]
fn push_saves_verified_receipts_retries_and_refuses_another_key() {
    let f = Fixture::standard(0);
    let dir = f.dir();
    let vkey = vkey_of(&dir).to_string();
    let tms = f.tmp.path().join("note.tms");
    std::fs::write(
        &tms,
        note(&f.keys.ngo, "pushed when the line came back").to_bytes(),
    )
    .unwrap();
    let bad = f.tmp.path().join("mallory.tms");
    std::fs::write(&bad, note(&f.keys.mallory, "not enrolled").to_bytes()).unwrap();
    // A port with no server yet.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let push = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args([
            "push",
            "--server",
            &url,
            "--archive-key",
            &vkey,
            tms.to_str().unwrap(),
        ])
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(1200));
    let server = Served::start_on(&dir, &format!("127.0.0.1:{port}"), &[]);
    let out = push.wait_with_output().unwrap();
    let (code, stdout, stderr) = run_output(out);
    assert_eq!(code, 0, "{stdout} {stderr}");
    let saved = f.tmp.path().join("note.receipt.json");
    let r = Receipt::from_json(&std::fs::read(&saved).unwrap()).unwrap();
    r.verify(&VerifierKey::parse(&vkey).unwrap()).unwrap();
    let (code, _, err) = temoin(&[
        "verify-receipt",
        saved.to_str().unwrap(),
        "--archive-key",
        &vkey,
    ]);
    assert_eq!(code, 0, "{err}");
    // Again: the same receipt's entry, nothing appended.
    let (code, _, err) = temoin(&[
        "push",
        "--server",
        &url,
        "--archive-key",
        &vkey,
        tms.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{err}");
    let r2 = Receipt::from_json(&std::fs::read(&saved).unwrap()).unwrap();
    assert_eq!(r2.seq, r.seq);
    // Another pinned key: the receipt is refused, and said so.
    let other = key("temoin.test/other").vkey().unwrap();
    let (code, _, err) = temoin(&[
        "push",
        "--server",
        &url,
        "--archive-key",
        &other,
        tms.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(err.contains("does not verify"), "{err}");
    // A refused statement is named, with why.
    let (code, _, err) = temoin(&[
        "push",
        "--server",
        &url,
        "--archive-key",
        &vkey,
        bad.to_str().unwrap(),
    ]);
    assert_eq!(code, 1);
    assert!(
        err.contains("mallory.tms") && err.contains("not_enrolled"),
        "{err}"
    );
    assert_eq!(checkpoint_size(server.addr), 4);
    server.stop();
}
