//! The log as C2SP tlog-tiles behind a real static server (nginx): `temoin
//! tiles` → nginx → `temoin mirror` → `temoin verify --tiles`; an
//! incremental rerun fetches only the new tiles; a log that rewrote its
//! history (same origin and checkpoint key) is refused, naming both
//! checkpoints, which the mirror keeps; an altered tile is refused.
//! Skipped without nginx unless TEMOIN_REQUIRE_NGINX is set.

use crate::common;

use common::*;
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use temoin::archive::{Archive, Config};
use temoin::keys::SecretKey;

/// The one checkpoint key of both histories.
fn checkpoint_key() -> SecretKey {
    let seed = temoin::hash::sha256(&[b"tiles mirror test checkpoint key"]).0;
    SecretKey::from_seed(ORIGIN, &seed).expect("key")
}

struct Nginx {
    child: Child,
    port: u16,
}

impl Drop for Nginx {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn nginx_binary() -> Option<PathBuf> {
    for p in ["/usr/sbin/nginx", "/usr/bin/nginx", "/usr/local/sbin/nginx"] {
        if Path::new(p).exists() {
            return Some(PathBuf::from(p));
        }
    }
    None
}

/// nginx, as the current user, serving `root` on a free loopback port.
fn nginx(bin: &Path, prefix: &Path, root: &Path) -> Nginx {
    let port = TcpListener::bind("127.0.0.1:0")
        .expect("free port")
        .local_addr()
        .expect("addr")
        .port();
    std::fs::create_dir_all(prefix.join("logs")).expect("prefix");
    let conf = format!(
        "daemon off;\nworker_processes 1;\npid {p}/nginx.pid;\nerror_log {p}/logs/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log {p}/logs/access.log;\n  client_body_temp_path {p}/body;\n  proxy_temp_path {p}/proxy;\n  fastcgi_temp_path {p}/fastcgi;\n  uwsgi_temp_path {p}/uwsgi;\n  scgi_temp_path {p}/scgi;\n  default_type application/octet-stream;\n\
         server {{\n    listen 127.0.0.1:{port};\n    root {root};\n    location = /checkpoint {{ default_type \"text/plain; charset=utf-8\"; add_header Cache-Control no-store; }}\n  }}\n}}\n",
        p = prefix.display(),
        root = root.display(),
    );
    let conf_path = prefix.join("nginx.conf");
    std::fs::write(&conf_path, conf).expect("conf");
    let child = Command::new(bin)
        .arg("-p")
        .arg(prefix)
        .arg("-c")
        .arg(&conf_path)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start nginx");
    let n = Nginx { child, port };
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return n;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    panic!("nginx did not listen on {port}");
}

/// An archive of `notes` notes after the standard registry entries, with
/// the given checkpoint key: two archives with the same key and origin
/// and other notes are two histories of one log.
fn archive(dir: &Path, notes: usize, tag: &str) -> Archive {
    let k = Keys::new();
    let mut a = Archive::init_with_checkpoint_key(
        dir,
        Config::new(ORIGIN),
        &k.custodian,
        "Custodian",
        checkpoint_key(),
    )
    .expect("init");
    accept(
        &mut a,
        &enroll(
            &k.custodian,
            &k.ngo.public(),
            "NGO",
            temoin::registry::Role::Intermediary,
        ),
    );
    let files: Vec<_> = (0..notes)
        .map(|i| note(&k.ngo, &format!("{tag} note {i}")))
        .collect();
    for chunk in files.chunks(64) {
        for out in a.ingest_batch(chunk).expect("ingest") {
            out.expect("accepted");
        }
    }
    a
}

fn json(out: &str) -> serde_json::Value {
    serde_json::from_str(out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

fn s(p: &Path) -> &str {
    p.to_str().expect("utf-8 path")
}

/// Replace the served directory's content with `from`'s.
fn serve_instead(site: &Path, from: &Path) {
    std::fs::remove_dir_all(site).expect("rm site");
    std::fs::rename(from, site).expect("mv site");
}

#[test]
fn a_mirror_copies_verifies_follows_and_refuses_a_rewritten_or_altered_log() {
    let Some(bin) = nginx_binary() else {
        assert!(
            std::env::var_os("TEMOIN_REQUIRE_NGINX").is_none(),
            "TEMOIN_REQUIRE_NGINX is set but nginx is not installed"
        );
        eprintln!("skipped: no nginx");
        return;
    };
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = tmp.path();
    let (a_dir, site, mirror) = (t.join("a"), t.join("site"), t.join("mirror"));
    // 2 registry entries + 300 notes: a full bundle and a partial one.
    let a = archive(&a_dir, 300, "first");
    let vkey = a.checkpoint_vkey().expect("vkey").to_string();
    drop(a);

    let (code, out, err) = temoin(&["tiles", "--archive", s(&a_dir), "--out", s(&site), "--json"]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["report"]["size"], 302);
    assert_eq!(
        std::fs::read_to_string(site.join("key"))
            .expect("key")
            .trim(),
        vkey
    );
    let server = nginx(&bin, &t.join("nginx"), &site);
    let url = format!("http://127.0.0.1:{}", server.port);

    // A first copy needs the key.
    let (code, _, err) = temoin(&["mirror", "--from", &url, "--out", s(&mirror)]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("--archive-key"), "{err}");
    let (code, out, err) = temoin(&[
        "mirror",
        "--from",
        &url,
        "--out",
        s(&mirror),
        "--archive-key",
        &vkey,
        "--json",
    ]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["report"]["size"], 302);
    assert_eq!(r["report"]["entries_verified"], 302);
    let (code, out, err) = temoin(&["verify", "--tiles", s(&mirror)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("302 entries"), "{out}");

    // More statements; tiles again; the rerun fetches only the new tiles.
    {
        let mut a = Archive::open(&a_dir).expect("open");
        let k = Keys::new();
        for i in 0..5 {
            accept(&mut a, &note(&k.ngo, &format!("later note {i}")));
        }
    }
    let (code, out, err) = temoin(&["tiles", "--archive", s(&a_dir), "--out", s(&site), "--json"]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    // tile/0/001.p/51, tile/entries/001.p/51, payload/001.p/51.
    assert_eq!(r["report"]["written"], 3, "{out}");
    let held = std::fs::read_to_string(mirror.join("checkpoint")).expect("held");
    let (code, out, err) = temoin(&["mirror", "--from", &url, "--out", s(&mirror), "--json"]);
    assert_eq!(code, 0, "{err}");
    let r = json(&out);
    assert_eq!(r["report"]["from"], 302);
    assert_eq!(r["report"]["size"], 307);
    assert_eq!(
        r["report"]["fetched"], 3,
        "only the new partial tiles: {out}"
    );
    assert_eq!(r["report"]["entries_verified"], 307);
    assert_ne!(
        std::fs::read_to_string(mirror.join("checkpoint")).expect("cp"),
        held
    );
    let (code, _, err) = temoin(&["verify", "--tiles", s(&mirror)]);
    assert_eq!(code, 0, "{err}");

    // The log rewrites its history: same origin, same key, other entries.
    let good = std::fs::read_to_string(mirror.join("checkpoint")).expect("good");
    let b_dir = t.join("b");
    drop(archive(&b_dir, 320, "rewritten"));
    let b_site = t.join("b-site");
    let (code, _, err) = temoin(&["tiles", "--archive", s(&b_dir), "--out", s(&b_site)]);
    assert_eq!(code, 0, "{err}");
    serve_instead(&site, &b_site);
    let (code, _, err) = temoin(&["mirror", "--from", &url, "--out", s(&mirror)]);
    assert_eq!(code, 1, "a rewritten log must be refused: {err}");
    assert!(err.contains("rewrote its history"), "{err}");
    assert!(
        err.contains("size 307") && err.contains("size 322"),
        "{err}"
    );
    assert_eq!(
        std::fs::read_to_string(mirror.join("checkpoint")).expect("cp"),
        good,
        "the good copy is kept"
    );
    let forks: Vec<_> = std::fs::read_dir(mirror.join("forks"))
        .expect("forks kept")
        .map(|e| e.expect("entry").path())
        .collect();
    assert_eq!(forks.len(), 1);
    assert_eq!(
        std::fs::read_to_string(forks[0].join("held.checkpoint")).expect("held"),
        good
    );
    assert_eq!(
        std::fs::read_to_string(forks[0].join("served.checkpoint")).expect("served"),
        std::fs::read_to_string(site.join("checkpoint")).expect("b's")
    );
    let (code, _, err) = temoin(&["verify", "--tiles", s(&mirror)]);
    assert_eq!(code, 0, "the mirror still verifies: {err}");

    // Back to the true log, grown by one; one byte of a tile flipped.
    {
        let mut a = Archive::open(&a_dir).expect("open");
        accept(&mut a, &note(&Keys::new().ngo, "one more"));
    }
    let a_site = t.join("a-site");
    let (code, _, err) = temoin(&["tiles", "--archive", s(&a_dir), "--out", s(&a_site)]);
    assert_eq!(code, 0, "{err}");
    let bundle = a_site.join("tile/entries/001.p/52");
    let mut bytes = std::fs::read(&bundle).expect("bundle");
    bytes[200] ^= 1;
    std::fs::write(&bundle, bytes).expect("tamper");
    serve_instead(&site, &a_site);
    let (code, _, err) = temoin(&["mirror", "--from", &url, "--out", s(&mirror)]);
    assert_eq!(code, 1, "an altered tile must be refused: {err}");
    assert!(err.contains("do not match the signed checkpoint"), "{err}");
    assert_eq!(
        std::fs::read_to_string(mirror.join("checkpoint")).expect("cp"),
        good
    );
    // The same site, audited as a static export: refused too.
    let (code, _, err) = temoin(&["verify", "--tiles", s(&site)]);
    assert_eq!(code, 1, "{err}");
    drop(server);
}

/// One GET on its own connection: (status, head, body).
fn get_raw(addr: std::net::SocketAddr, path: &str) -> (u16, String, Vec<u8>) {
    use std::io::{Read as _, Write as _};
    let mut s = std::net::TcpStream::connect(addr).expect("connect");
    s.set_read_timeout(Some(std::time::Duration::from_secs(30)))
        .expect("timeout");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
    )
    .expect("send");
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let at = out.windows(4).position(|w| w == b"\r\n\r\n").expect("head");
    let head = String::from_utf8_lossy(&out[..at]).to_lowercase();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    (status, head, out[at + 4..].to_vec())
}

/// Every file under `dir`, by path relative to it.
fn files(dir: &Path) -> std::collections::BTreeMap<String, Vec<u8>> {
    let mut out = std::collections::BTreeMap::new();
    let mut todo = vec![dir.to_path_buf()];
    while let Some(d) = todo.pop() {
        for e in std::fs::read_dir(&d).expect("read dir") {
            let p = e.expect("entry").path();
            if p.is_dir() {
                todo.push(p);
            } else {
                let rel = p
                    .strip_prefix(dir)
                    .expect("under")
                    .to_string_lossy()
                    .into_owned();
                out.insert(rel, std::fs::read(&p).expect("read"));
            }
        }
    }
    out
}

#[test]
fn temoin_serve_serves_the_tiles_temoin_tiles_writes_and_a_mirror_copies_them() {
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = tmp.path();
    let dir = t.join("a");
    let a = archive(&dir, 270, "served");
    let vkey = a.checkpoint_vkey().expect("vkey").to_string();
    drop(a);
    let site = t.join("site");
    let (code, _, err) = temoin(&["tiles", "--archive", s(&dir), "--out", s(&site)]);
    assert_eq!(code, 0, "{err}");
    let (code, token, err) = temoin(&[
        "token",
        "add",
        "--archive",
        s(&dir),
        "--name",
        "Mirror",
        "--role",
        "reviewer",
    ]);
    assert_eq!(code, 0, "{err}");
    let token_file = t.join("token.txt");
    std::fs::write(&token_file, token.trim()).expect("token file");
    let served = crate::server::Served::start(&dir, &[]);

    // Full tiles are immutable, partial ones are not cached long.
    let (status, head, body) = get_raw(served.addr, "/tile/0/000");
    assert_eq!(status, 200);
    assert!(
        head.contains("cache-control: public, max-age=31536000, immutable"),
        "{head}"
    );
    assert!(
        head.contains("content-type: application/octet-stream"),
        "{head}"
    );
    assert_eq!(
        body,
        std::fs::read(site.join("tile/0/000")).expect("exported")
    );
    let (status, head, body) = get_raw(served.addr, "/tile/entries/001.p/16");
    assert_eq!(status, 200);
    assert!(head.contains("cache-control: public, max-age=10"), "{head}");
    assert_eq!(
        body,
        std::fs::read(site.join("tile/entries/001.p/16")).expect("exported")
    );
    // Beyond the tree, or not a tile path: 404.
    for path in [
        "/tile/0/001",
        "/tile/entries/001.p/17",
        "/tile/0/01",
        "/tile/9/000",
    ] {
        assert_eq!(get_raw(served.addr, path).0, 404, "{path}");
    }
    // Payloads are the claims themselves: only to token holders (this
    // server is not --public), as /v1/… serves them.
    for path in ["/payload/000", "/payload/001.p/16", "/payload/x"] {
        assert_eq!(get_raw(served.addr, path).0, 401, "{path}");
    }

    let mirror = t.join("mirror");
    let url = format!("http://{}", served.addr);
    let args = [
        "mirror",
        "--from",
        &url,
        "--out",
        s(&mirror),
        "--archive-key",
        &vkey,
    ];
    let (code, _, err) = temoin(&args);
    assert_eq!(code, 1, "a mirror without a token copies no payload: {err}");
    assert!(err.contains("--token-file"), "{err}");
    let mut with_token = args.to_vec();
    with_token.extend(["--token-file", s(&token_file)]);
    let (code, _, err) = temoin(&with_token);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = temoin(&["verify", "--tiles", s(&mirror)]);
    assert_eq!(code, 0, "{err}");
    // The copy is the static export, file for file, byte for byte.
    assert_eq!(files(&mirror), files(&site));
    served.stop();
}

/// A forger with the archive directory appends a note signed by a key the
/// registry never enrolled, re-links and re-signs everything, and signs a
/// checkpoint covering it: `verify --tiles` of its static export gives the
/// very verdict `verify` gives of the archive.
#[test]
fn verify_tiles_gives_verify_s_verdict_on_a_forged_log() {
    let f = Fixture::standard(6);
    let dir = f.dir();
    let forged = note(&f.keys.mallory, "a forged note at the end");
    f.tamper(|db| {
        let seq = forge_append(&dir, db, &forged);
        let leaves: Vec<[u8; 32]> = (0..=seq)
            .map(|s| temoin::entry::entry_hash(&entry_bytes(db, s)).0)
            .collect();
        let signer = SecretKey::load(&dir.join(temoin::archive::CHECKPOINT_KEY_FILE))
            .expect("checkpoint key")
            .note_signer()
            .expect("signer");
        let size = seq + 1;
        let cp = temoin::checkpoint::Checkpoint::new(
            signer.name(),
            size,
            temoin::merkle::root_of(&leaves),
        );
        db.insert(
            temoin::store::layout::seq_key(temoin::store::layout::CHECKPOINT, size),
            cp.sign(&signer).expect("sign").as_bytes(),
        )
        .expect("write");
    });
    let (code, _, archive_verdict) = temoin(&["verify", "--archive", s(&dir)]);
    assert_eq!(code, 1, "{archive_verdict}");
    assert!(archive_verdict.contains("entry 9"), "{archive_verdict}");
    let site = f.tmp.path().join("site");
    let (code, out, err) = temoin(&["tiles", "--archive", s(&dir), "--out", s(&site)]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("size 10"), "{out}");
    let (code, _, tiles_verdict) = temoin(&["verify", "--tiles", s(&site)]);
    assert_eq!(code, 1, "{tiles_verdict}");
    assert_eq!(tiles_verdict, archive_verdict);
    // In French too.
    let fr = |args: &[&str]| {
        let mut v = vec!["--lang", "fr"];
        v.extend_from_slice(args);
        temoin(&v).2
    };
    assert_eq!(
        fr(&["verify", "--tiles", s(&site)]),
        fr(&["verify", "--archive", s(&dir)])
    );
}

/// Through the library, from directories: a log served at a smaller size
/// than held (a stale copy) is refused without a fork; one of the same
/// size and another root is a fork, kept as proof.
#[test]
fn a_stale_log_is_refused_and_a_same_size_rewrite_is_a_fork() {
    use temoin::tiles::{self, MirrorRefusal};
    let tmp = tempfile::tempdir().expect("tempdir");
    let t = tmp.path();
    let a = archive(&t.join("a"), 20, "first");
    let key = a.checkpoint_vkey().expect("vkey");
    let old = t.join("old");
    tiles::export(a.store(), &key, &old).expect("export");
    drop(a);
    {
        let mut a = Archive::open(&t.join("a")).expect("open");
        accept(&mut a, &note(&Keys::new().ngo, "later"));
    }
    let site = t.join("site");
    let a = Archive::open_reader(&t.join("a")).expect("open");
    tiles::export(a.store(), &key, &site).expect("export");
    drop(a);
    let mirror = t.join("mirror");
    let r = tiles::mirror(&mut tiles::dir_fetch(&site), &mirror, Some(&key))
        .expect("runs")
        .expect("copied");
    assert_eq!((r.from, r.size, r.entries_verified), (0, 23, 23));
    // The old export: a smaller, consistent tree.
    match tiles::mirror(&mut tiles::dir_fetch(&old), &mirror, None).expect("runs") {
        Err(MirrorRefusal::Shrank {
            held: 23,
            served: 22,
        }) => {}
        other => panic!("{other:?}"),
    }
    assert!(!mirror.join("forks").exists());
    // Another history of the same size, same key.
    let b = archive(&t.join("b"), 21, "other");
    let b_site = t.join("b-site");
    tiles::export(b.store(), &key, &b_site).expect("export");
    drop(b);
    match tiles::mirror(&mut tiles::dir_fetch(&b_site), &mirror, None).expect("runs") {
        Err(MirrorRefusal::Fork {
            held_size: 23,
            served_size: 23,
            proof,
            ..
        }) => assert!(proof.join("served.checkpoint").is_file()),
        other => panic!("{other:?}"),
    }
    // A smaller, inconsistent tree is a fork too.
    let c = archive(&t.join("c"), 15, "third");
    let c_site = t.join("c-site");
    tiles::export(c.store(), &key, &c_site).expect("export");
    drop(c);
    match tiles::mirror(&mut tiles::dir_fetch(&c_site), &mirror, None).expect("runs") {
        Err(MirrorRefusal::Fork {
            served_size: 17, ..
        }) => {}
        other => panic!("{other:?}"),
    }
    let held = tiles::verify_dir(&mirror, None)
        .expect("reads")
        .expect("verifies");
    assert_eq!(held.checkpoint.size, 23);
}
