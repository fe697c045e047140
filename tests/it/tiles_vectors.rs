//! tests/vectors/tiles: temoin's verdict on each tiles vector is the one
//! index.json names (tests/vectors/verify_vectors.py checks the same
//! vectors from docs/FORMAT.md §15 alone).

use std::path::Path;
use temoin::audit::LogFaultReason;
use temoin::keys::SecretKey;
use temoin::tiles::{self, CopyFault, ReadError, TileError};

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("mkdir");
    for e in std::fs::read_dir(from).expect("read dir") {
        let e = e.expect("entry");
        let target = to.join(e.file_name());
        if e.file_type().expect("type").is_dir() {
            copy_dir(&e.path(), &target);
        } else {
            std::fs::copy(e.path(), target).expect("copy");
        }
    }
}

fn verdict(fault: &CopyFault) -> &'static str {
    match fault {
        CopyFault::Checkpoint { .. } => "checkpoint",
        CopyFault::Read(ReadError::Missing { .. }) => "missing",
        CopyFault::Read(ReadError::Tile(
            TileError::Truncated { .. } | TileError::Trailing { .. },
        )) => "framing",
        CopyFault::Read(ReadError::RootMismatch { .. }) => "root",
        CopyFault::Read(ReadError::TileMismatch { .. }) => "tile",
        CopyFault::Log(f) if matches!(f.reason, LogFaultReason::PartMismatch { .. }) => "payload",
        other => panic!("no verdict name for {other}"),
    }
}

#[test]
fn tiles_vectors_get_their_verdicts() {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/tiles");
    let index: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(d.join("index.json")).expect("index"))
            .expect("json");
    let vectors = index["vectors"].as_array().expect("vectors");
    assert!(vectors.len() >= 10);
    for v in vectors {
        let name = v["name"].as_str().expect("name");
        let tmp = tempfile::tempdir().expect("tempdir");
        let site = tmp.path().join("site");
        copy_dir(&d.join("site"), &site);
        let file = v["file"].as_str().map(|f| site.join(f));
        let edit = |f: &dyn Fn(&mut Vec<u8>)| {
            let p = file.as_ref().expect("file");
            let mut b = std::fs::read(p).expect("read");
            f(&mut b);
            std::fs::write(p, b).expect("write");
        };
        if let Some(at) = v["flip"].as_u64() {
            edit(&|b| b[at as usize] ^= 1);
        }
        if let Some(hex) = v["append"].as_str() {
            edit(&|b| b.extend(hex::decode(hex).expect("hex")));
        }
        if let Some(n) = v["cut"].as_u64() {
            edit(&|b| b.truncate(b.len() - n as usize));
        }
        if v["remove"].as_bool() == Some(true) {
            std::fs::remove_file(file.as_ref().expect("file")).expect("rm");
        }
        if v["flip_root"].as_bool() == Some(true) {
            edit(&|b| {
                let text = String::from_utf8(b.clone()).expect("utf-8");
                let mut lines: Vec<String> = text.split('\n').map(str::to_string).collect();
                let first = if lines[2].starts_with('A') { "B" } else { "A" };
                lines[2] = format!("{first}{}", &lines[2][1..]);
                *b = lines.join("\n").into_bytes();
            });
        }
        // Another key of the same name: the checkpoint does not open.
        let other = SecretKey::generate("bench.temoin.example/run")
            .expect("key")
            .note_signer()
            .expect("signer")
            .verifier_key();
        let pinned = (v["other_key"].as_bool() == Some(true)).then_some(&other);
        let got = match tiles::verify_dir(&site, pinned).expect("readable") {
            Ok(r) => {
                assert_eq!(r.checkpoint.size, index["size"].as_u64().expect("size"));
                assert_eq!(r.audit.entries, r.checkpoint.size);
                "ok"
            }
            Err(f) => verdict(&f),
        };
        assert_eq!(
            got,
            v["verdict"].as_str().expect("verdict"),
            "vector {name}"
        );
        if let Some(seq) = v["seq"].as_u64() {
            if let Err(CopyFault::Log(f)) = tiles::verify_dir(&site, pinned).expect("readable") {
                assert_eq!(f.seq, seq, "{name}");
            }
        }
    }
}
