//! The offline verifier page (`web/verify/`, `temoin verifier-page`): a
//! second implementation of docs/FORMAT.md §12.6 in JavaScript, run in
//! headless Chromium on every bundle vector of `tests/vectors/bundles/`
//! (positive and negative) and on mutated bundles. Its verdict must be
//! `temoin verify-bundle`'s: the same ok/fail, and for a refused bundle the
//! same first faulty entry and fault kind (and the rule `index.json` names),
//! and faults at the same places, of the same kinds.
//!
//! The browser is driven by `tests/verifier_page_driver.py` (Python 3
//! standard library: the DevTools protocol over --remote-debugging-pipe),
//! one browser for every case. Needs `chromium` and `python3`; skipped
//! without them unless TEMOIN_REQUIRE_CHROMIUM is set (CI sets it).

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use temoin::hash::sha256;
use temoin::verdict::FaultKind;
use temoin::verifier_page::VERIFIER_PAGE;

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/bundles")
}

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
}

/// Whether the browser tests can run here (else skipped, unless required).
fn browser_available() -> bool {
    if tool("chromium") && tool("python3") {
        return true;
    }
    assert!(
        std::env::var_os("TEMOIN_REQUIRE_CHROMIUM").is_none(),
        "TEMOIN_REQUIRE_CHROMIUM is set but chromium or python3 is missing"
    );
    eprintln!("skipped: no chromium or python3 on this machine");
    false
}

/// What `temoin verify-bundle --json` says: ok, and for a failure the
/// first faulty entry (if any) with its fault kind.
#[derive(Debug, PartialEq)]
struct CliVerdict {
    ok: bool,
    first_entry_fault: Option<(u64, String)>,
    /// Every fault's place and kind, `entry 12: rules`, `projection: projection`.
    locations: std::collections::BTreeSet<String>,
}

/// A fault kind as `--json` writes it (`missing_part`) by the name the
/// text output and the page give it (`missing part`).
fn kind_name(json_kind: &str) -> String {
    use FaultKind as K;
    [
        K::Format,
        K::Checkpoint,
        K::EntryBytes,
        K::Hash,
        K::Signature,
        K::Decoded,
        K::Part,
        K::MissingPart,
        K::Inclusion,
        K::Chain,
        K::Authority,
        K::Registry,
        K::Authors,
        K::Projection,
        K::Compromise,
        K::Scope,
        K::Rules,
    ]
    .into_iter()
    .find(|k| serde_json::to_value(k).unwrap() == json_kind)
    .map_or_else(|| json_kind.to_string(), |k| k.name().to_string())
}

fn verify_bundle(bundle: &Path, key: &str) -> CliVerdict {
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .env("LANG", "C.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .arg("verify-bundle")
        .arg(bundle)
        .args(["--archive-key", key, "--json"])
        .output()
        .expect("run temoin verify-bundle");
    let j: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "verify-bundle {}: no JSON verdict ({e}): {}",
            bundle.display(),
            String::from_utf8_lossy(&out.stderr)
        )
    });
    let ok = j["ok"].as_bool().expect("ok");
    assert_eq!(out.status.code(), Some(if ok { 0 } else { 1 }));
    let first_entry_fault = j["faults"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|f| Some((f["at"]["entry"].as_u64()?, kind_name(f["kind"].as_str()?))))
        .min_by_key(|(seq, _)| *seq);
    let locations = j["faults"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|f| {
            let at = match &f["at"] {
                Value::String(s) => s.clone(),
                at => format!("entry {}", at["entry"]),
            };
            format!("{at}: {}", kind_name(f["kind"].as_str().unwrap_or("?")))
        })
        .collect();
    CliVerdict {
        ok,
        first_entry_fault,
        locations,
    }
}

/// One case for the page: the files to select (the bundle first), and the
/// rule `index.json` expects of its first fault, if it names one.
struct Case {
    name: String,
    files: Vec<PathBuf>,
    key: String,
    rule: Option<String>,
    /// JavaScript run in the page before the files are selected.
    before: Option<&'static str>,
}

/// The bundle and, for a vector in a directory of its own, every file
/// beside it.
fn files_of(bundle: &Path) -> Vec<PathBuf> {
    let mut files = vec![bundle.to_path_buf()];
    let dir = bundle.parent().unwrap();
    if dir != vectors_dir() {
        let mut beside: Vec<PathBuf> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p != bundle)
            .collect();
        beside.sort();
        files.extend(beside);
    }
    files
}

/// FORMAT.md §1.2 in the page, what WebCrypto does not enforce: each
/// member is whether the page's check accepts that key or signature.
const STRICTNESS_PROBE: &str = r#"(async () => {
  const V = TemoinVerify, k = (h) => V.validPublicKey(V.unhex(h));
  const pub = V.unhex("46b9d5d8a630dec41495ab3c32fd5acd89983d6c6e22abf0778e1f0dc7a58adf");
  const sig = V.unhex("a3f06ce0434372735d58481da49ceae724979e1c7a6cd839f295ad2ae04c1882b6fece5ccc5f9cba8293db0a733e673238aa92e9da1ca37dd0c863d992d72c0f");
  const body = V.unhex("01000123456789abcdeffedcba987654321046b9d5d8a630dec41495ab3c32fd5acd89983d6c6e22abf0778e1f0dc7a58adfc041b3819a010000030000000100000000000000862374703a7967e58e0c6d7b6b2107a4a54b31e281f22e1bbfb6f249cc2c03750100000000000000040000000000000074657874446737dfadd621cb2076c9164b0136d720b06f5455e9a2c70f57275e673a4a872400000000000000");
  const msg = new Uint8Array([...V.STATEMENT_DOMAIN, ...body]);
  // S + L: the same signature, S not reduced.
  const L = (1n << 252n) + 27742317777372353535851937790883648493n;
  let S = 0n; for (let i = 63; i >= 32; i--) S = (S << 8n) | BigInt(sig[i]);
  S += L; const big = sig.slice(); for (let i = 32; i < 64; i++) { big[i] = Number(S & 255n); S >>= 8n; }
  const smallR = sig.slice(); smallR.set(V.unhex("0100000000000000000000000000000000000000000000000000000000000000"), 0);
  return {
    valid_key: k("46b9d5d8a630dec41495ab3c32fd5acd89983d6c6e22abf0778e1f0dc7a58adf"),
    identity: k("0100000000000000000000000000000000000000000000000000000000000000"),
    order_2: k("ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    order_8: k("c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a"),
    y_is_p: k("edffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    y_over_p: k("eeffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f"),
    x0_sign_set: k("0100000000000000000000000000000000000000000000000000000000000080"),
    good_signature: await V.verifyStrict(pub, msg, sig),
    s_plus_l: await V.verifyStrict(pub, msg, big),
    small_order_r: await V.verifyStrict(pub, msg, smallR),
  };
})()"#;

/// Run the page on every case in one browser; the driver's answer.
fn run_page(page: &Path, key: &str, cases: &[Case]) -> Value {
    let job = json!({
        "page": page,
        "key": key,
        "lang": "en",
        "probes": [STRICTNESS_PROBE],
        "cases": cases.iter().map(|c| json!({"name": c.name, "files": c.files, "key": c.key, "before": c.before})).collect::<Vec<_>>(),
    });
    let driver = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/verifier_page_driver.py");
    let mut child = Command::new("python3")
        .arg(&driver)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the page driver");
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), job.to_string().as_bytes()).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "the page driver failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the driver's JSON")
}

fn write_page(dir: &Path) -> PathBuf {
    let page = dir.join("verify.html");
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .env("LANG", "C.UTF-8")
        .args(["verifier-page", "--out"])
        .arg(&page)
        .output()
        .unwrap();
    assert!(out.status.success(), "{out:?}");
    assert_eq!(std::fs::read_to_string(&page).unwrap(), VERIFIER_PAGE);
    page
}

/// A copy of `all-verified` changed by `f` on its parsed JSON.
fn mutated(dir: &Path, name: &str, f: impl FnOnce(&mut Value)) -> PathBuf {
    let mut b: Value = serde_json::from_slice(
        &std::fs::read(vectors_dir().join("all-verified.bundle.json")).unwrap(),
    )
    .unwrap();
    f(&mut b);
    let path = dir.join(format!("{name}.bundle.json"));
    std::fs::write(&path, serde_json::to_vec(&b).unwrap()).unwrap();
    path
}

/// Flip one bit of entry `i`'s signature (the last 64 bytes of its entry
/// bytes) and recompute both hashes, so that only the signature is wrong
/// where a verifier first looks.
fn flip_signature(b: &mut Value, i: usize) {
    let e = &mut b["entries"][i];
    let mut bytes = B64.decode(e["entry"].as_str().unwrap()).unwrap();
    let last = bytes.len() - 1;
    bytes[last - 10] ^= 0x01;
    let body_len = u64::from_le_bytes(bytes[48..56].try_into().unwrap()) as usize;
    let statement = &bytes[48..56 + body_len + 64];
    e["statement_hash"] = json!(sha256(&[statement]).to_hex());
    e["entry_hash"] = json!(sha256(&[&[0u8], &bytes]).to_hex());
    e["entry"] = json!(B64.encode(&bytes));
}

/// Change one hex digit of a hash.
fn change_hex(v: &mut Value) {
    let s = v.as_str().unwrap();
    let first = if s.starts_with('0') { "1" } else { "0" };
    *v = json!(format!("{first}{}", &s[1..]));
}

#[test]
fn the_page_is_self_contained_and_reaches_for_no_network() {
    let page = VERIFIER_PAGE;
    let lower = page.to_lowercase();
    assert!(
        page.contains(r#"<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline';"#),
        "the page has no CSP meta tag forbidding network access"
    );
    for needle in [
        "src=\"http",
        "src='http",
        "href=\"http",
        "href='http",
        "src=\"//",
        "href=\"//",
        "url(",
        "@import",
        "fetch(",
        "xmlhttprequest",
        "websocket",
        "eventsource",
        "sendbeacon",
        "import(",
        "<link",
        "<iframe",
        "<img",
        "<object",
        "<embed",
        "new worker",
    ] {
        assert!(!lower.contains(needle), "the page contains {needle:?}");
    }
    // One inline script and one inline style, nothing loaded.
    assert_eq!(lower.matches("<script").count(), 1);
    assert!(lower.contains("<script>"), "the script is inline");
    assert_eq!(lower.matches("<style").count(), 1);
    assert!(!lower.contains(" src="), "no element loads anything");
    // The contract the tests and users rely on.
    for id in [
        "id=\"bundle\"",
        "id=\"archive-key\"",
        "id=\"verdict\"",
        "multiple",
    ] {
        assert!(page.contains(id), "the page lacks {id}");
    }
}

#[test]
fn verifier_page_writes_the_page_to_a_file_or_standard_output() {
    let tmp = tempfile::tempdir().unwrap();
    write_page(tmp.path());
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .env("LANG", "C.UTF-8")
        .args(["verifier-page", "--out", "-"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(out.stdout, VERIFIER_PAGE.as_bytes());
    // Missing --out is a usage error (exit 2), in French too.
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["--lang", "fr", "verifier-page"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    // A directory that does not exist: exit 1, saying why, nothing written.
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .env("LANG", "C.UTF-8")
        .args(["verifier-page", "--out"])
        .arg(tmp.path().join("no/such/dir/verify.html"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot write verifier page"));
}

#[test]
fn the_page_gives_verify_bundles_verdict_on_every_vector_and_mutation() {
    if !browser_available() {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let page = write_page(tmp.path());
    let index: Value =
        serde_json::from_slice(&std::fs::read(vectors_dir().join("index.json")).unwrap()).unwrap();
    let key = index["archive_key"].as_str().unwrap().to_string();
    let mut cases = Vec::new();
    for v in index["vectors"].as_array().unwrap() {
        let file = v["file"].as_str().unwrap();
        cases.push(Case {
            name: file.to_string(),
            files: files_of(&vectors_dir().join(file)),
            key: key.clone(),
            rule: v["expect"]["first_fault"]["rule"]
                .as_str()
                .map(str::to_string),
            before: None,
        });
    }
    let vectors = cases.len();
    // Mutations of the honest whole-log bundle: a flipped signature bit
    // (hashes recomputed), one digit of a proof hash, of an entry hash, a
    // changed figure; and the right bundle with another key.
    let d = tmp.path();
    let mutations = [
        mutated(d, "flipped-signature", |b| flip_signature(b, 5)),
        mutated(d, "proof-hash-changed", |b| {
            change_hex(&mut b["entries"][7]["inclusion_proof"][1])
        }),
        mutated(d, "entry-hash-changed", |b| {
            change_hex(&mut b["entries"][3]["entry_hash"])
        }),
        mutated(d, "figure-changed", |b| {
            let dead = &mut b["projection"]["tangata-2025-11-13"]["figures"]["dead"]["max"];
            *dead = json!(dead.as_u64().unwrap() + 1);
        }),
    ];
    for m in &mutations {
        cases.push(Case {
            name: m.file_name().unwrap().to_string_lossy().into_owned(),
            files: vec![m.clone()],
            key: key.clone(),
            rule: None,
            before: None,
        });
    }
    let other_key = "demo-journalist+a67b4b20+AUa51dimMN7EFJWrPDL9Ws2JmD1sbiKr8HeOHw3HpYrf";
    cases.push(Case {
        name: "another-archive-key".into(),
        files: vec![vectors_dir().join("all-verified.bundle.json")],
        key: other_key.into(),
        rule: None,
        before: None,
    });
    // A browser whose WebCrypto has no Ed25519: the page fails, saying so.
    cases.push(Case {
        name: "no-ed25519".into(),
        files: vec![vectors_dir().join("all-verified.bundle.json")],
        key: key.clone(),
        rule: None,
        before: Some(
            "crypto.subtle.importKey = () => Promise.reject(new DOMException('Unrecognized algorithm name', 'NotSupportedError'))",
        ),
    });

    let started = std::time::Instant::now();
    let answer = run_page(&page, &key, &cases);
    let browser_time = started.elapsed();
    assert_eq!(
        answer["requests"],
        json!([]),
        "the page reached for the network"
    );
    let results = answer["results"].as_array().unwrap();
    assert_eq!(results.len(), cases.len());
    let mut wrong = Vec::new();
    let (mut oks, mut fails) = (0, 0);
    for (case, got) in cases.iter().zip(results) {
        if case.before.is_some() {
            continue; // checked below: the browser, not the bundle, is at fault
        }
        let cli = verify_bundle(&case.files[0], &case.key);
        let verdict = got["verdict"].as_str().unwrap();
        if verdict != if cli.ok { "ok" } else { "fail" } {
            wrong.push(format!(
                "{}: page says {verdict}, verify-bundle {cli:?}; page: {}",
                case.name, got["text"]
            ));
            continue;
        }
        if cli.ok {
            oks += 1;
            continue;
        }
        fails += 1;
        let text = got["text"].as_str().unwrap_or("");
        if let Some((seq, kind)) = &cli.first_entry_fault {
            if got["fault_entry"].as_u64() != Some(*seq) || got["fault_kind"].as_str() != Some(kind)
            {
                wrong.push(format!(
                    "{}: page's first fault is entry {} {}, verify-bundle's entry {seq} {kind}; page: {text}",
                    case.name, got["fault_entry"], got["fault_kind"]
                ));
            }
            // The verdict's text names the entry and the kind of fault.
            if !text.contains(&format!("entry {seq} — {kind}")) {
                wrong.push(format!(
                    "{}: the verdict does not say \"entry {seq} — {kind}\": {text}",
                    case.name
                ));
            }
        } else if !text.contains(got["fault_kind"].as_str().unwrap_or("?")) {
            wrong.push(format!("{}: the verdict names no fault: {text}", case.name));
        }
        // Every fault, by place and kind, as verify-bundle reports them.
        let page_locations: std::collections::BTreeSet<String> = got["locations"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        if page_locations != cli.locations {
            wrong.push(format!(
                "{}: the page's faults are at {page_locations:?}, verify-bundle's at {:?}",
                case.name, cli.locations
            ));
        }
        if let Some(rule) = &case.rule {
            if got["fault_rule"].as_str() != Some(rule) {
                wrong.push(format!(
                    "{}: page's rule {}, index.json's {rule}",
                    case.name, got["fault_rule"]
                ));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    // Not vacuous: the honest vectors pass, every mutation fails.
    assert!(oks >= 5, "only {oks} bundles verified");
    assert!(fails >= 40, "only {fails} bundles refused");
    let by_name = |n: &str| {
        results
            .iter()
            .find(|r| r["name"] == n)
            .unwrap_or_else(|| panic!("{n}"))
    };
    for (name, kind) in [
        ("flipped-signature.bundle.json", "signature"),
        ("proof-hash-changed.bundle.json", "inclusion proof"),
        ("entry-hash-changed.bundle.json", "hash"),
        ("figure-changed.bundle.json", "projection"),
        ("another-archive-key", "checkpoint"),
    ] {
        let r = by_name(name);
        assert_eq!(r["verdict"], "fail", "{name}: {}", r["text"]);
        assert_eq!(r["fault_kind"], kind, "{name}: {}", r["text"]);
    }
    assert_eq!(
        answer["probes"][0],
        json!({"valid_key": true, "identity": false, "order_2": false, "order_8": false,
               "y_is_p": false, "y_over_p": false, "x0_sign_set": false,
               "good_signature": true, "s_plus_l": false, "small_order_r": false}),
        "the page's Ed25519 strictness (FORMAT.md §1.2)"
    );
    let r = by_name("no-ed25519");
    assert_eq!(r["verdict"], "fail", "{}", r["text"]);
    assert_eq!(r["fault_kind"], "browser", "{}", r["text"]);
    assert!(
        r["text"]
            .as_str()
            .unwrap()
            .contains("this browser cannot verify Ed25519 signatures"),
        "{}",
        r["text"]
    );
    eprintln!(
        "verifier page: {vectors} vectors and {} other cases in {:.1} s of browser ({oks} verified, {fails} refused)",
        cases.len() - vectors,
        browser_time.as_secs_f64()
    );
}
