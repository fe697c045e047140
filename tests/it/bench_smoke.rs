//! `temoin bench` at a tiny size: it runs, and its JSON has every figure of
//! issue 5's table (a figure not measurable in this build is `null` with a
//! reason under `missing`). No timing is asserted: speed is the bench's
//! business, not the tests'.

use std::process::Command;

const FIGURES: &[&str] = &[
    "raw_verify_strict_per_s",
    "raw_sign_per_s",
    "ingest_per_s",
    "ingest_writer_us",
    "ingest_sled_us",
    "ingest_one_ms_p50",
    "ingest_one_ms_p99",
    "audit_per_s",
    "rebuild_per_s",
    "as_of_ms",
    "proof_us",
    "export_ms",
    "verify_bundle_ms",
    "open_ms",
    "peak_rss_mb",
    "disk_bytes_per_entry",
    "disk_per_raw",
    "ingest_ratio",
    "audit_ratio",
];

#[test]
fn bench_smoke_json_has_every_figure() {
    let dir = tempfile::tempdir().expect("tempdir");
    let archive = dir.path().join("bench-archive");
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args([
            "bench",
            "--entries",
            "300",
            "--authors",
            "6",
            "--json",
            "--dir",
        ])
        .arg(&archive)
        .output()
        .expect("run temoin bench");
    assert!(
        out.status.success(),
        "bench failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    // --json prints JSON only, and no progress bar off a terminal.
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["entries"], 300);
    assert_eq!(v["authors"], 6);
    for f in FIGURES {
        let x = &v[*f];
        if x.is_null() {
            assert!(
                v["missing"][*f].as_str().is_some_and(|why| !why.is_empty()),
                "{f} is null without a reason"
            );
        } else {
            let n = x
                .as_f64()
                .unwrap_or_else(|| panic!("{f} is not a number: {x}"));
            assert!(n.is_finite() && n > 0.0, "{f} = {n}");
        }
    }
    // sled's share of the writer's time is part of it.
    let (writer, sled) = (&v["ingest_writer_us"], &v["ingest_sled_us"]);
    assert!(
        sled.as_f64() <= writer.as_f64(),
        "sled {sled} > writer {writer}"
    );
    let phases = v["peak_rss_mb_by_phase"].as_object().expect("phases");
    assert!(phases.contains_key("ingest") && phases.contains_key("audit"));
    // The archive it built is kept with --dir, and verifies.
    let verify = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["verify", "--quiet", "--archive"])
        .arg(&archive)
        .output()
        .expect("run temoin verify");
    assert!(
        verify.status.success(),
        "{}",
        String::from_utf8_lossy(&verify.stderr)
    );
}

#[test]
fn bench_refuses_too_few_entries() {
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["bench", "--entries", "10", "--authors", "20", "--json"])
        .output()
        .expect("run temoin bench");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("too small"));
}

/// `temoin bench serve` at a tiny size: every statement goes through the
/// server and is acknowledged (a refused one fails the bench), each durable
/// write holds at least one, and the JSON has the figures of issue 15.
#[test]
fn bench_serve_smoke() {
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["bench", "serve", "--clients", "8", "--statements", "200"])
        .arg("--json")
        .output()
        .expect("run temoin bench serve");
    assert!(
        out.status.success(),
        "bench serve failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON");
    assert_eq!(v["statements"], 200);
    assert_eq!(v["clients"], 8);
    for f in [
        "submissions_per_s",
        "submit_ms_p50",
        "submit_ms_p99",
        "ingest_per_s",
        "served_to_bulk",
    ] {
        assert!(v[f].as_f64().is_some_and(|x| x > 0.0), "{f}: {v}");
    }
    let flushes = v["flushes"].as_u64().expect("flushes");
    assert!((1..=200).contains(&flushes), "{v}");
}
