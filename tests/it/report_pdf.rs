//! The chain-of-custody report as a court receives it: printed to PDF by
//! headless Chromium and read back page by page (pdftotext), as a reader
//! would look at it. Every page must say what it is — the archive, the
//! incident, the SHA-256 of the bundle file the report was made from, and
//! "page N / M" — and no markup may show through.
//!
//! Needs `chromium` and poppler's `pdftotext`/`pdfinfo`; skipped without
//! them unless TEMOIN_REQUIRE_CHROMIUM is set (CI sets it, and installs them).

use std::path::Path;
use std::process::Command;

fn tool(name: &str) -> bool {
    Command::new(name)
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty())
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn temoin(dir: &Path, args: &[&str]) -> String {
    run(Command::new(env!("CARGO_BIN_EXE_temoin"))
        .current_dir(dir)
        .env_remove("TEMOIN_ARCHIVE")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env("LANG", "C.UTF-8")
        .args(args))
}

#[test]
fn every_printed_page_says_what_it_is() {
    if !(tool("chromium") && tool("pdftotext")) {
        assert!(
            std::env::var_os("TEMOIN_REQUIRE_CHROMIUM").is_none(),
            "TEMOIN_REQUIRE_CHROMIUM is set but chromium or pdftotext is missing"
        );
        eprintln!("skipped: no chromium or pdftotext on this machine");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let d = tmp.path();
    temoin(d, &["demo", "--archive", "demo", "--quiet"]);
    let keys: serde_json::Value =
        serde_json::from_str(&temoin(d, &["key", "list", "--archive", "demo", "--json"])).unwrap();
    let vkey = keys[0]["vkey"].as_str().unwrap().to_string();
    temoin(
        d,
        &[
            "export",
            "--archive",
            "demo",
            "--incident",
            "tangata-2025-11-13",
            "--out",
            "tangata.bundle.json",
        ],
    );
    temoin(
        d,
        &[
            "report",
            "tangata.bundle.json",
            "--archive-key",
            &vkey,
            "--out",
            "tangata.html",
            "--prepared-by",
            "Maître A. Traoré",
        ],
    );
    let sha =
        temoin::hash::sha256(&[&std::fs::read(d.join("tangata.bundle.json")).unwrap()]).to_hex();
    run(Command::new("chromium").current_dir(d).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-pdf-header-footer",
        "--print-to-pdf=tangata.pdf",
        "tangata.html",
    ]));
    let info = run(Command::new("pdfinfo").arg(d.join("tangata.pdf")));
    let pages: usize = info
        .lines()
        .find_map(|l| l.strip_prefix("Pages:"))
        .and_then(|n| n.trim().parse().ok())
        .expect("page count");
    assert!(pages > 3, "{pages} pages");
    for n in 1..=pages {
        let text = run(Command::new("pdftotext")
            .args(["-f", &n.to_string(), "-l", &n.to_string(), "-layout"])
            .arg(d.join("tangata.pdf"))
            .arg("-"));
        // Long lines may wrap in the margin box: compare without white space.
        let flat: String = text.split_whitespace().collect();
        for want in [
            format!("page{n}/{pages}"),
            "Chainofcustody—demo-archive".to_string(),
            "tangata-2025-11-13".to_string(),
            sha.clone(),
        ] {
            assert!(flat.contains(&want), "page {n} lacks {want:?}:\n{text}");
        }
        assert!(!text.contains('`'), "page {n} shows a backtick:\n{text}");
        if n == 1 {
            assert!(text.contains("VERIFIED"), "{text}");
            assert!(text.contains("Maître A. Traoré"), "{text}");
            assert!(text.contains("tangata.bundle.json"), "{text}");
        }
    }
}
