//! `temoin serve`'s web pages on loopback, on the demo archive: sign-in
//! with a token through the form (a bad token refused, the cookie
//! `HttpOnly`, `SameSite=Strict`, `Secure` on 127.0.0.1), nothing without
//! it, CSRF tokens required, the custodian's pages refused to a lawyer,
//! French pages, `?as_of=`, hostile input escaped, and a bundle downloaded
//! through the web that verifies and is on the access log.

use crate::server::Served;
use crate::server_content::{ok, token};
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

struct Answer {
    status: u16,
    head: String,
    body: Vec<u8>,
}

impl Answer {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn header(&self, name: &str) -> Option<String> {
        self.headers(name).into_iter().next()
    }
    fn headers(&self, name: &str) -> Vec<String> {
        self.head
            .lines()
            .filter_map(|l| {
                let (k, v) = l.split_once(':')?;
                k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
            })
            .collect()
    }
    /// The value a `Set-Cookie` gives cookie `name`, with its attributes.
    fn set_cookie(&self, name: &str) -> Option<String> {
        self.headers("set-cookie")
            .into_iter()
            .find(|c| c.starts_with(&format!("{name}=")))
    }
}

/// One request over loopback, `Host: 127.0.0.1`.
fn send(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &[(&str, &str)],
    body: Option<&str>,
) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    if let Some(b) = body {
        head.push_str("Content-Type: application/x-www-form-urlencoded\r\n");
        head.push_str(&format!("Content-Length: {}\r\n", b.len()));
    }
    head.push_str("\r\n");
    if let Some(b) = body {
        head.push_str(b);
    }
    s.write_all(head.as_bytes()).unwrap();
    let mut out = Vec::new();
    let _ = s.read_to_end(&mut out);
    let split = out
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no answer to {path}"));
    let head = String::from_utf8_lossy(&out[..split]).into_owned();
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap();
    Answer {
        status,
        head,
        body: out[split + 4..].to_vec(),
    }
}

fn get(addr: SocketAddr, path: &str, cookie: Option<&str>) -> Answer {
    match cookie {
        Some(c) => send(addr, "GET", path, &[("Cookie", c)], None),
        None => send(addr, "GET", path, &[], None),
    }
}

fn form(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(k, v)| {
            let enc: String = v
                .bytes()
                .map(|b| match b {
                    b'a'..=b'z' | b'A'..=b'Z' | b'0'..=b'9' | b'-' | b'_' | b'.' => {
                        (b as char).to_string()
                    }
                    _ => format!("%{b:02X}"),
                })
                .collect();
            format!("{k}={enc}")
        })
        .collect::<Vec<_>>()
        .join("&")
}

/// The `value` of hidden input `name` in a page.
fn hidden(page: &str, name: &str) -> String {
    let at = page
        .find(&format!("name=\"{name}\" value=\""))
        .unwrap_or_else(|| panic!("no {name} field in {page}"));
    let rest = &page[at + name.len() + 15..];
    rest[..rest.find('"').unwrap()].to_string()
}

/// `name=value` of a `Set-Cookie`.
fn pair(set_cookie: &str) -> String {
    set_cookie.split(';').next().unwrap().trim().to_string()
}

/// The sign-in form's CSRF token and the cookie that goes with it.
fn signin_form(addr: SocketAddr) -> (String, String) {
    let page = get(addr, "/signin", None);
    assert_eq!(page.status, 200, "{}", page.text());
    let csrf = hidden(&page.text(), "csrf");
    let c = page
        .set_cookie("temoin_signin_csrf")
        .expect("the form's CSRF cookie");
    assert!(
        c.contains("HttpOnly") && c.contains("SameSite=Strict"),
        "{c}"
    );
    assert_eq!(pair(&c), format!("temoin_signin_csrf={csrf}"));
    (csrf, pair(&c))
}

/// Sign in through the form; the session cookie (`temoin_session=…`).
fn sign_in(addr: SocketAddr, token: &str) -> String {
    let (csrf, c) = signin_form(addr);
    let a = send(
        addr,
        "POST",
        "/signin",
        &[("Cookie", &c)],
        Some(&form(&[("token", token), ("csrf", &csrf), ("next", "/")])),
    );
    assert_eq!(a.status, 303, "{}", a.text());
    pair(&a.set_cookie("temoin_session").expect("a session cookie"))
}

const INCIDENT: &str = "eghachar-ntirikene-2025-11-14";
const TANGATA: &str = "tangata-2025-11-13";

fn assert_to_signin(a: &Answer, what: &str) {
    assert_eq!(a.status, 303, "{what}: {}", a.text());
    assert!(
        a.header("location")
            .is_some_and(|l| l.starts_with("/signin?next=")),
        "{what}: {}",
        a.head
    );
}

#[test]
fn sign_in_read_in_french_download_and_sign_out() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let d = dir.to_str().unwrap();
    ok(&["demo", "--archive", d]);
    let lawyer = token(d, "Me Awa Traoré", "lawyer");
    let custodian = token(d, "Gardien", "custodian");
    let server = Served::start(&dir, &["--rate-per-address", "0"]);
    let addr = server.addr;

    // Nothing without a token: the pages send to /signin, the API 401s.
    for path in [
        "/".to_string(),
        format!("/incidents/{INCIDENT}"),
        format!("/incidents/{INCIDENT}/history"),
        "/entries/3".into(),
        "/tally".into(),
        "/search?q=tin".into(),
        "/custodian/keys".into(),
        "/custodian/access-log".into(),
    ] {
        assert_to_signin(&get(addr, &path, None), &path);
        assert_to_signin(
            &get(addr, &path, Some("temoin_session=0123456789abcdef")),
            &format!("{path}, forged session"),
        );
    }
    let home = get(addr, "/", None);
    assert_eq!(home.header("location").as_deref(), Some("/signin?next=%2F"));
    assert_eq!(get(addr, "/v1/incidents", None).status, 401);
    // The strict headers, on every page.
    let page = get(addr, "/signin", None);
    let csp = page.header("content-security-policy").unwrap();
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    assert!(!csp.contains("script-src") || !csp.contains("unsafe-inline"));
    assert!(csp.starts_with("default-src 'none'"), "{csp}");
    assert_eq!(
        page.header("x-content-type-options").as_deref(),
        Some("nosniff")
    );
    assert_eq!(
        page.header("referrer-policy").as_deref(),
        Some("no-referrer")
    );
    assert!(!page.text().contains("<script"), "no script at all");
    let css = get(addr, "/static/style.css", None);
    assert_eq!(css.status, 200);
    assert!(css.header("content-type").unwrap().starts_with("text/css"));
    assert!(css.text().contains("@media print"));

    // A bad token is refused, and no session is given.
    let (csrf, c) = signin_form(addr);
    let bad = send(
        addr,
        "POST",
        "/signin",
        &[("Cookie", &c)],
        Some(&form(&[("token", "temoin-token-00"), ("csrf", &csrf)])),
    );
    assert_eq!(bad.status, 401, "{}", bad.text());
    assert!(bad.set_cookie("temoin_session").is_none(), "{}", bad.head);
    // A good token without the form's CSRF token (or with another's) too.
    let no_csrf = send(
        addr,
        "POST",
        "/signin",
        &[("Cookie", &c)],
        Some(&form(&[("token", &lawyer)])),
    );
    assert_eq!(no_csrf.status, 403, "{}", no_csrf.text());
    assert!(no_csrf.set_cookie("temoin_session").is_none());
    let forged = send(
        addr,
        "POST",
        "/signin",
        &[],
        Some(&form(&[("token", &lawyer), ("csrf", &csrf)])),
    );
    assert_eq!(forged.status, 403, "CSRF token without its cookie");

    // The right token: a session cookie, HttpOnly, SameSite=Strict, and
    // Secure (the request is to 127.0.0.1); never the token.
    let a = send(
        addr,
        "POST",
        "/signin",
        &[("Cookie", &c)],
        Some(&form(&[
            ("token", &lawyer),
            ("csrf", &csrf),
            ("next", &format!("/incidents/{INCIDENT}")),
        ])),
    );
    assert_eq!(a.status, 303, "{}", a.text());
    assert_eq!(
        a.header("location").as_deref(),
        Some(format!("/incidents/{INCIDENT}").as_str())
    );
    let set = a.set_cookie("temoin_session").unwrap();
    for attr in ["HttpOnly", "SameSite=Strict", "Secure", "Path=/"] {
        assert!(set.contains(attr), "{attr} missing: {set}");
    }
    assert!(!set.contains(&lawyer[13..]), "the token is not the cookie");
    let session = pair(&set);
    // An open redirect is not one.
    let (csrf2, c2) = signin_form(addr);
    let away = send(
        addr,
        "POST",
        "/signin",
        &[("Cookie", &c2)],
        Some(&form(&[
            ("token", &lawyer),
            ("csrf", &csrf2),
            ("next", "//evil.example/"),
        ])),
    );
    assert_eq!(away.header("location").as_deref(), Some("/"));

    // The lawyer reads, in French: the seed article's names, accents
    // intact, French labels, `lang="fr"`.
    let s = Some(session.as_str());
    let fr = get(addr, &format!("/incidents/{TANGATA}?lang=fr"), s);
    assert_eq!(fr.status, 200, "{}", fr.text());
    let t = fr.text();
    assert!(t.contains("<html lang=\"fr\">"), "{t}");
    for words in [
        "Toraghite Walet Innabougor",
        "commune Tin-Aïcha",
        "Chiffres",
        "Auteurs présumés",
        "Victimes",
        "13 novembre 2025",
        "Télécharger le dossier de preuve",
    ] {
        assert!(t.contains(words), "{words:?} not in the French page");
    }
    assert!(
        fr.set_cookie("temoin_lang")
            .is_some_and(|c| c.starts_with("temoin_lang=fr")),
        "?lang= is remembered"
    );
    // Every source is linked by entry.
    assert!(t.contains("href=\"/entries/13\""), "{t}");
    // Accept-Language alone, and English by default.
    let by_header = send(
        addr,
        "GET",
        "/",
        &[("Cookie", &session), ("Accept-Language", "fr-ML,fr;q=0.9")],
        None,
    );
    assert!(by_header.text().contains("<html lang=\"fr\">"));
    let en = get(addr, &format!("/incidents/{TANGATA}"), s);
    assert!(en.text().contains("<html lang=\"en\">"));
    assert!(en.text().contains("Alleged perpetrators"));
    assert!(en.text().contains("13 November 2025"));

    // As of entry 12, before the amendment that named the victims.
    let past = get(addr, &format!("/incidents/{TANGATA}?as_of=12&lang=fr"), s);
    assert_eq!(past.status, 200, "{}", past.text());
    let p = past.text();
    assert!(
        !p.contains("Toraghite"),
        "the victims were named at entry 13"
    );
    assert!(p.contains("Voici l’incident tel qu’il se présentait après l’entrée"));
    assert!(!t.contains("Voici l’incident tel qu’il se présentait"));
    assert_eq!(
        get(addr, &format!("/incidents/{TANGATA}?as_of=zz"), s).status,
        400
    );

    // History, entries: sealed parts never shown, redacted shown as such.
    let h = get(addr, &format!("/incidents/{INCIDENT}/history"), s);
    assert_eq!(h.status, 200);
    assert!(h.text().contains("href=\"/entries/17\""), "{}", h.text());
    let e = get(addr, "/entries/14", s);
    assert_eq!(e.status, 200, "{}", e.text());
    assert!(
        e.text().contains("redacted (content erased)"),
        "{}",
        e.text()
    );
    assert_eq!(get(addr, "/entries/99999", s).status, 404);
    assert_eq!(get(addr, "/entries/x", s).status, 404);
    assert_eq!(get(addr, "/incidents/no-such-thing", s).status, 404);
    let tally = get(addr, "/tally?lang=fr", s);
    assert_eq!(tally.status, 200);
    assert!(tally.text().contains("Bilans annoncés"));

    // Search: hostile input comes back escaped; accents do not matter.
    let hostile = get(addr, "/search?q=%3Cscript%3Ealert(1)%3C%2Fscript%3E", s);
    assert_eq!(hostile.status, 200);
    assert!(!hostile.text().contains("<script>"), "{}", hostile.text());
    assert!(hostile
        .text()
        .contains("&#60;script&#62;alert(1)&#60;/script&#62;"));
    assert!(!hostile.text().contains("<script"));
    let found = get(addr, "/search?q=TIN+AICHA", s);
    assert!(
        found
            .text()
            .contains(&format!("href=\"/incidents/{TANGATA}\"")),
        "{}",
        found.text()
    );

    // The custodian's pages: refused to the lawyer.
    for path in [
        "/custodian/keys",
        "/custodian/tokens",
        "/custodian/access-log",
    ] {
        let a = get(addr, path, s);
        assert_eq!(a.status, 403, "{path}");
        assert!(a.text().contains("custodian"), "{path}: a page says why");
    }

    // A bundle downloaded with the session: it verifies, and the access
    // log names the lawyer with the SHA-256 of the bytes received.
    let b = get(addr, &format!("/v1/incidents/{INCIDENT}/bundle"), s);
    assert_eq!(b.status, 200, "{}", b.text());
    let bundle = temoin::bundle::Bundle::from_json(&b.body).unwrap();
    let vkey = std::fs::read_to_string(dir.join("checkpoint.key.pub")).unwrap();
    let vkey = vkey
        .lines()
        .find(|l| !l.starts_with('#') && !l.trim().is_empty())
        .unwrap();
    let key = temoin::signed_note::VerifierKey::parse(vkey.trim()).unwrap();
    let verdict = temoin::bundle::verify(&bundle, &key);
    assert!(verdict.ok(), "{:?}", verdict.first_fault());
    let cs = sign_in(addr, &custodian);
    let log = get(addr, "/custodian/access-log", Some(&cs));
    assert_eq!(log.status, 200, "{}", log.text());
    let l = log.text();
    assert!(l.contains("Me Awa Traoré"), "{l}");
    assert!(l.contains(&temoin::access::file_sha256(&b.body)), "{l}");
    let keys = get(addr, "/custodian/keys", Some(&cs));
    assert_eq!(keys.status, 200);
    assert!(
        keys.text().contains("<th scope=\"col\">"),
        "tables have scoped headers"
    );
    let toks = get(addr, "/custodian/tokens", Some(&cs));
    assert!(toks.text().contains("Gardien"));

    // Sign out: the form's CSRF token is needed; then the cookie is dead.
    let refused = send(
        addr,
        "POST",
        "/signout",
        &[("Cookie", &session)],
        Some("csrf=nope"),
    );
    assert_eq!(refused.status, 403);
    assert_eq!(get(addr, "/", s).status, 200, "still signed in");
    let out_form = get(addr, "/signout", s);
    let csrf = hidden(&out_form.text(), "csrf");
    let out = send(
        addr,
        "POST",
        "/signout",
        &[("Cookie", &session)],
        Some(&form(&[("csrf", &csrf)])),
    );
    assert_eq!(out.status, 303);
    assert!(out
        .set_cookie("temoin_session")
        .is_some_and(|c| c.contains("Max-Age=0")));
    assert_to_signin(&get(addr, "/", s), "signed out");
    assert_eq!(
        get(addr, &format!("/v1/incidents/{INCIDENT}/bundle"), s).status,
        401
    );
    // A revoked token ends its sessions at once.
    ok(&["token", "revoke", "--archive", d, "Gardien"]);
    assert_to_signin(&get(addr, "/custodian/keys", Some(&cs)), "revoked");
    server.stop();
}

#[test]
fn public_archives_show_pages_without_sign_in() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let d = dir.to_str().unwrap();
    ok(&["demo", "--archive", d]);
    let server = Served::start(&dir, &["--public", "--rate-per-address", "0"]);
    let addr = server.addr;
    let home = get(addr, "/", None);
    assert_eq!(home.status, 200, "{}", home.text());
    assert!(home.text().contains(TANGATA));
    assert_eq!(
        get(addr, &format!("/incidents/{TANGATA}"), None).status,
        200
    );
    assert_to_signin(&get(addr, "/custodian/access-log", None), "custodian");
    let key = get(addr, "/key", None);
    assert!(key.text().contains("href=\"/verify\""));
    server.stop();
}

fn tool(name: &str) -> bool {
    std::process::Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
}

/// In headless Chromium (tests/web_driver.py): the incident page sends to
/// the sign-in form, the first Tab reaches the skip link, signing in with
/// the form (typed, Enter) lands on the incident page, in French, with
/// its tables' headers scoped and no script at all. Screenshots of the
/// main pages go to `TEMOIN_WEB_SHOTS=DIR` when set. Skipped without
/// chromium unless TEMOIN_REQUIRE_CHROMIUM is set.
#[test]
fn in_a_browser_sign_in_with_the_form_and_read() {
    if !(tool("chromium") && tool("python3")) {
        assert!(
            std::env::var_os("TEMOIN_REQUIRE_CHROMIUM").is_none(),
            "TEMOIN_REQUIRE_CHROMIUM is set but chromium or python3 is missing"
        );
        eprintln!("skipped: no chromium or python3 on this machine");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let d = dir.to_str().unwrap();
    ok(&["demo", "--archive", d]);
    let custodian = token(d, "Gardien", "custodian");
    let lawyer = token(d, "Me Awa Traoré", "lawyer");
    let server = Served::start(&dir, &["--rate-per-address", "0"]);
    // One download, so that the access log has a line to show.
    let auth = format!("Bearer {lawyer}");
    let b = send(
        server.addr,
        "GET",
        &format!("/v1/incidents/{INCIDENT}/bundle"),
        &[("Authorization", &auth)],
        None,
    );
    assert_eq!(b.status, 200);
    let shots = std::env::var("TEMOIN_WEB_SHOTS").ok();
    if let Some(s) = &shots {
        std::fs::create_dir_all(s).unwrap();
    }
    let job = serde_json::json!({
        "base": format!("http://{}", server.addr),
        "token": custodian,
        "incident": TANGATA,
        "shots": shots,
        "extra": [
            {"name": "custodian-access-log-fr", "path": "/custodian/access-log?lang=fr"},
            {"name": "custodian-keys-en", "path": "/custodian/keys?lang=en"},
        ],
    });
    let mut child = std::process::Command::new("python3")
        .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/web_driver.py"))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(job.to_string().as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let r: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(r["start"]["path"]
        .as_str()
        .unwrap()
        .starts_with("/signin?next="));
    assert_eq!(r["start"]["title"], "Connexion — temoin");
    assert_eq!(r["tab"]["cls"], "skip", "{}", r["tab"]);
    assert_eq!(r["tab"]["href"], "#main");
    let inc = &r["after_signin"];
    assert_eq!(inc["path"], format!("/incidents/{TANGATA}?lang=fr"));
    assert_eq!(
        inc["title"],
        "Frappe de drone à Tangata : une famille entière anéantie — temoin"
    );
    assert_eq!(inc["lang"], "fr");
    assert_eq!(inc["main"], true);
    assert_eq!(inc["bundle_link"], true);
    assert_eq!(inc["scripts"], 0);
    assert!(inc["th_scoped"].as_u64().unwrap() > 10, "{inc}");
    assert_eq!(inc["tables"], inc["captions"], "every table has a caption");
    assert!(inc["text"]
        .as_str()
        .unwrap()
        .contains("Toraghite Walet Innabougor"));
    assert_eq!(r["tally"]["h1"], "Bilan");
    assert_eq!(r["custodian-access-log-fr"]["h1"], "Journal des accès");
    assert!(r["custodian-access-log-fr"]["text"]
        .as_str()
        .unwrap()
        .contains("Me Awa Traoré"));
    server.stop();
}
