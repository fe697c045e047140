//! The JSON examples in `examples/`: each is valid input for `temoin sign`
//! with the kind its file name says, and, with real hashes in place of the
//! placeholders, the archive accepts them all in a plausible order.

use crate::projection_support as support;

use serde_json::{json, Value};
use std::path::Path;
use support::*;
use temoin::compose::draft_from_json;
use temoin::hash::Digest;
use temoin::statement::Kind;

fn example(name: &str) -> Value {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("examples")
        .join(format!("{name}.json"));
    serde_json::from_str(&std::fs::read_to_string(&p).expect("example file")).expect("JSON")
}

fn kind_of(name: &str) -> Kind {
    Kind::from_name(name.split('-').next().unwrap_or(name))
        .or_else(|| Kind::from_name(name))
        .unwrap_or_else(|| panic!("no kind for {name}"))
}

#[test]
fn every_example_composes_with_its_kind() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut kinds = Vec::new();
    for e in std::fs::read_dir(&dir).unwrap() {
        let p = e.unwrap().path();
        if p.extension().and_then(|x| x.to_str()) != Some("json") {
            continue;
        }
        let name = p.file_stem().unwrap().to_str().unwrap().to_string();
        let kind = if name == "summary-claim" {
            Kind::SummaryClaim
        } else {
            kind_of(&name)
        };
        let bytes = std::fs::read(&p).unwrap();
        draft_from_json(kind, &bytes).unwrap_or_else(|e| panic!("{name}: {e}"));
        kinds.push(kind);
    }
    // One example for every kind a JSON file can make (genesis is `temoin init`).
    for k in Kind::ALL {
        if k != Kind::Genesis {
            assert!(kinds.contains(&k), "no example for {k}");
        }
    }
}

fn with_ref(mut v: Value, field: &str, h: Digest) -> Value {
    v[field] = json!(h.to_hex());
    v
}

#[test]
fn the_examples_are_accepted_in_order() {
    let mut f = Fx::new();
    let inc = f.ok(Who::Journalist, Kind::Incident, example("incident"));
    let t = f.ok(Who::Ngo, Kind::Testimony, example("testimony"));
    f.ok(
        Who::Journalist,
        Kind::Amendment,
        with_ref(example("amendment"), "amends", inc),
    );
    let t2 = f.ok(
        Who::Ngo,
        Kind::Amendment,
        with_ref(example("amendment-testimony"), "amends", t),
    );
    f.ok(
        Who::Reviewer,
        Kind::Annotation,
        with_ref(example("annotation"), "on", t2),
    );
    f.ok(
        Who::Journalist,
        Kind::SummaryClaim,
        example("summary-claim"),
    );
    let mut twin = example("incident");
    twin["id"] = json!("tangata-hangar-2025-11-14");
    f.ok(Who::Journalist, Kind::Incident, twin);
    f.ok(Who::Reviewer, Kind::Merge, example("merge"));
    f.ok(
        Who::Custodian,
        Kind::Redaction,
        with_ref(example("redaction"), "statement", t),
    );
    f.ok(
        Who::Ngo,
        Kind::Retraction,
        with_ref(example("retraction"), "retracts", t2),
    );
    f.ok(Who::Ngo, Kind::Note, example("note"));
    f.ok(Who::Custodian, Kind::Revoke, example("revoke"));

    let p = f.p();
    let v = p.incident("tangata-2025-11-13", f.size()).unwrap();
    assert_eq!(v.merged.len(), 1);
    assert_eq!(
        v.record.unwrap().incident.when.end.as_deref(),
        Some("2025-11-14")
    );
    // The testimony was retracted: no figures are left.
    assert!(v.figures.dead.is_none());
    assert_eq!(v.testimonies.len(), 1);
}

#[test]
fn the_cli_signs_an_example_offline() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("t.tms");
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(["sign", "--kind", "testimony", "--key"])
        .arg(root.join("keys/demo-ngo.key"))
        .arg("--input")
        .arg(root.join("examples/testimony.json"))
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(
        status.status.success(),
        "{}",
        String::from_utf8_lossy(&status.stderr)
    );
    let file = temoin::StatementFile::from_bytes(&std::fs::read(&out).unwrap()).unwrap();
    let labels: Vec<String> = file.parts.iter().map(|p| p.label.clone()).collect();
    assert_eq!(labels, vec!["payload", "text", "translation", "witness"]);
}
