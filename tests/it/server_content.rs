//! `temoin serve`'s content API on loopback, on the demo archive: nothing
//! without a live token (a revoked one refused at once), the CLI's own
//! JSON with one, bundles that verify offline, the custodian's routes for
//! the custodian only, and every bundle and report on the access log with
//! the SHA-256 of the bytes the client received.

use crate::common;
use crate::server::Served;
use std::io::{Read as _, Write as _};
use std::net::{SocketAddr, TcpStream};
use std::path::Path;

use std::time::Duration;

pub(crate) struct Answer {
    pub(crate) status: u16,
    head: String,
    pub(crate) body: Vec<u8>,
}

impl Answer {
    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }
    fn json(&self) -> serde_json::Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {} {}", self.status, self.text()))
    }
    fn header(&self, name: &str) -> Option<String> {
        self.head.lines().find_map(|l| {
            let (k, v) = l.split_once(':')?;
            k.eq_ignore_ascii_case(name).then(|| v.trim().to_string())
        })
    }
}

/// `GET path` with `Authorization: Bearer token` when given.
pub(crate) fn get(addr: SocketAddr, path: &str, token: Option<&str>) -> Answer {
    let mut s = TcpStream::connect(addr).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut head = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
    if let Some(t) = token {
        head.push_str(&format!("Authorization: Bearer {t}\r\n"));
    }
    head.push_str("\r\n");
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
    assert!(
        !head
            .to_ascii_lowercase()
            .contains("transfer-encoding: chunked"),
        "{head}"
    );
    Answer {
        status,
        head,
        body: out[split + 4..].to_vec(),
    }
}

pub(crate) fn ok(args: &[&str]) -> String {
    let (code, out, err) = common::temoin(args);
    assert_eq!(code, 0, "temoin {args:?}: {err}");
    out
}

/// A new token for `name`, as `temoin token add` prints it.
pub(crate) fn token(dir: &str, name: &str, role: &str) -> String {
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

fn token_id(dir: &str, name: &str) -> String {
    let list: serde_json::Value =
        serde_json::from_str(&ok(&["token", "list", "--archive", dir, "--json"])).unwrap();
    list.as_array()
        .unwrap()
        .iter()
        .find(|t| t["name"] == name)
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_string()
}

const INCIDENT: &str = "eghachar-ntirikene-2025-11-14";

fn content_routes() -> Vec<String> {
    vec![
        "/v1/incidents".into(),
        format!("/v1/incidents/{INCIDENT}"),
        format!("/v1/incidents/{INCIDENT}/history"),
        format!("/v1/incidents/{INCIDENT}/bundle"),
        format!("/v1/incidents/{INCIDENT}/report"),
        "/v1/tally".into(),
        "/v1/victims".into(),
        "/v1/search?q=tin".into(),
        "/v1/access-log".into(),
        "/v1/tokens".into(),
    ]
}

fn assert_unauthorized(a: &Answer, what: &str) {
    assert_eq!(a.status, 401, "{what}: {}", a.text());
    assert_eq!(a.json()["code"], "unauthorized", "{what}");
    assert!(
        a.header("www-authenticate")
            .is_some_and(|v| v.starts_with("Bearer")),
        "{what}: {}",
        a.head
    );
}

fn log_lines(dir: &Path) -> usize {
    std::fs::read_to_string(dir.join("access/log.jsonl"))
        .map(|s| s.lines().count())
        .unwrap_or(0)
}

#[test]
fn content_needs_a_live_token_and_is_the_clis_json() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let d = dir.to_str().unwrap();
    ok(&["demo", "--archive", d]);
    let lawyer = token(d, "Me Awa Traoré", "lawyer");
    let custodian = token(d, "Gardien", "custodian");
    let gone = token(d, "Ancien", "reviewer");
    ok(&["token", "revoke", "--archive", d, &token_id(d, "Ancien")]);
    let later = token(d, "Revoked later", "reviewer");
    // The CLI's JSON, before the server takes the archive.
    let cli_list = ok(&["incident", "list", "--archive", d, "--json"]);
    let cli_show = ok(&["incident", "show", "--archive", d, INCIDENT, "--json"]);
    let cli_tally = ok(&["tally", "--archive", d, "--json"]);
    let cli_victims = ok(&["victims", "--archive", d, "--json"]);
    let cli_search = ok(&["search", "tin", "--archive", d, "--json"]);
    let server = Served::start(&dir, &["--rate-per-address", "0"]);
    let addr = server.addr;

    for path in content_routes() {
        assert_unauthorized(&get(addr, &path, None), &format!("{path}, no token"));
        assert_unauthorized(
            &get(addr, &path, Some("temoin-token-0000")),
            &format!("{path}, garbage token"),
        );
        assert_unauthorized(&get(addr, &path, Some(&gone)), &format!("{path}, revoked"));
    }
    // Revoked while the server runs: refused at once.
    assert_eq!(get(addr, "/v1/incidents", Some(&later)).status, 200);
    ok(&[
        "token",
        "revoke",
        "--archive",
        d,
        &token_id(d, "Revoked later"),
    ]);
    assert_unauthorized(
        &get(addr, "/v1/incidents", Some(&later)),
        "revoked just now",
    );
    assert_eq!(log_lines(&dir), 0, "nothing handed out yet");

    // The same JSON as the command line, byte for byte.
    let l = Some(lawyer.as_str());
    let list = get(addr, "/v1/incidents", l);
    assert_eq!(list.status, 200);
    assert_eq!(list.text(), cli_list);
    assert_eq!(
        get(addr, &format!("/v1/incidents/{INCIDENT}"), l).text(),
        cli_show
    );
    assert_eq!(get(addr, "/v1/tally", l).text(), cli_tally);
    assert_eq!(get(addr, "/v1/victims", l).text(), cli_victims);
    assert_eq!(get(addr, "/v1/search?q=tin", l).text(), cli_search);
    let h = get(addr, &format!("/v1/incidents/{INCIDENT}/history"), l);
    assert_eq!(h.status, 200, "{}", h.text());

    // Garbage and traversal: 404 JSON, nothing logged.
    for path in [
        "/v1/incidents/no-such-incident",
        "/v1/incidents/..%2F..%2Fetc%2Fpasswd/bundle",
        "/v1/incidents/%2e%2e/report",
        "/v1/incidents/zzzz-0000/bundle",
    ] {
        let a = get(addr, path, l);
        assert_eq!(a.status, 404, "{path}: {}", a.text());
        assert_eq!(a.json()["code"], "not_found", "{path}");
    }
    assert_eq!(log_lines(&dir), 0, "a refusal is not an export");

    // Custodian routes: 403 for a lawyer, 200 for the custodian.
    for path in ["/v1/access-log", "/v1/tokens"] {
        let a = get(addr, path, l);
        assert_eq!(a.status, 403, "{path}");
        assert_eq!(a.json()["code"], "forbidden");
    }
    let c = Some(custodian.as_str());
    let toks = get(addr, "/v1/tokens", c);
    assert_eq!(toks.status, 200);
    assert!(toks.json().as_array().unwrap().len() >= 4);
    assert!(!toks.text().contains("sha256"), "{}", toks.text());
    assert!(!toks.text().contains(&lawyer[13..]));

    // A bundle, witness withheld: an attachment that verifies offline.
    let b = get(
        addr,
        &format!("/v1/incidents/{INCIDENT}/bundle?withhold=witness"),
        l,
    );
    assert_eq!(b.status, 200, "{}", b.text());
    assert_eq!(
        b.header("content-disposition").as_deref(),
        Some(format!("attachment; filename=\"{INCIDENT}.bundle.json\"").as_str())
    );
    let bundle = b.json();
    assert_eq!(bundle["withheld_labels"], serde_json::json!(["witness"]));
    let no_witness_in_clear = bundle["entries"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|e| e["parts"].as_array().cloned().unwrap_or_default())
        .all(|p| p["label"] != "witness");
    assert!(no_witness_in_clear, "a withheld part was served");
    let file = tmp.path().join("got.bundle.json");
    std::fs::write(&file, &b.body).unwrap();
    let key = dir.join("checkpoint.key.pub");
    let v = ok(&[
        "verify-bundle",
        file.to_str().unwrap(),
        "--archive-key",
        key.to_str().unwrap(),
        "--json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&v).unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert!(
        v["withheld"]
            .as_array()
            .unwrap()
            .iter()
            .any(|w| w["label"] == "witness"),
        "{v}"
    );
    // A part the client may not have is not withheld by default either way.
    let bad = get(
        addr,
        &format!("/v1/incidents/{INCIDENT}/bundle?withhold=payload"),
        l,
    );
    assert_eq!(bad.status, 400, "{}", bad.text());

    // The report, in French.
    let r = get(
        addr,
        &format!("/v1/incidents/{INCIDENT}/report?lang=fr&withhold=witness"),
        l,
    );
    assert_eq!(r.status, 200, "{}", r.text());
    assert!(r
        .header("content-type")
        .is_some_and(|t| t.starts_with("text/html")));
    assert!(r.text().contains("lang=\"fr\""), "not French");

    // The access log: both, the token's name, the exact bytes' SHA-256.
    let log = get(addr, "/v1/access-log", c);
    assert_eq!(log.status, 200);
    let log = log.json();
    let log = log.as_array().unwrap();
    assert_eq!(log.len(), 2, "{log:?}");
    let lawyer_id = token_id(d, "Me Awa Traoré");
    for (rec, (what, body)) in log.iter().zip([("bundle", &b.body), ("report", &r.body)]) {
        assert_eq!(rec["what"], what);
        assert_eq!(rec["who"], format!("Me Awa Traoré ({lawyer_id})"));
        assert_eq!(rec["sha256"], temoin::access::file_sha256(body));
        assert_eq!(rec["withheld"], serde_json::json!(["witness"]));
        assert!(rec["from"].as_str().unwrap().starts_with("127.0.0.1:"));
    }
    // The verifier page is public.
    let page = get(addr, "/verify", None);
    assert_eq!(page.status, 200);
    assert_eq!(page.text(), temoin::verifier_page::VERIFIER_PAGE);
    server.stop();
    let after = ok(&["access-log", "--archive", d, "--json"]);
    let after: serde_json::Value = serde_json::from_str(&after).unwrap();
    assert_eq!(after.as_array().unwrap(), log);
}

#[test]
fn public_opens_the_content_not_the_custodians_routes() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("a");
    let d = dir.to_str().unwrap();
    ok(&["demo", "--archive", d]);
    let lawyer = token(d, "Me Awa Traoré", "lawyer");
    let custodian = token(d, "Gardien", "custodian");
    let cli_list = ok(&["incident", "list", "--archive", d, "--json"]);
    let server = Served::start(&dir, &["--public", "--rate-per-address", "0"]);
    let addr = server.addr;
    let list = get(addr, "/v1/incidents", None);
    assert_eq!(list.status, 200);
    assert_eq!(list.text(), cli_list);
    let b = get(addr, &format!("/v1/incidents/{INCIDENT}/bundle"), None);
    assert_eq!(b.status, 200, "{}", b.text());
    for path in ["/v1/access-log", "/v1/tokens"] {
        assert_unauthorized(&get(addr, path, None), path);
        assert_eq!(get(addr, path, Some(&lawyer)).status, 403, "{path}");
    }
    let log = get(addr, "/v1/access-log", Some(&custodian)).json();
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["who"], "public");
    assert_eq!(log[0]["sha256"], temoin::access::file_sha256(&b.body));
    server.stop();
}
