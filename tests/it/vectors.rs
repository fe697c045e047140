//! The v1 test vectors (docs/FORMAT.md §14, `tests/vectors/`).
//!
//! `tests/vectors/v1-note.json` is a worked example of the whole format: three
//! statements (genesis, an enrolment, a French note) appended as entries 0..2,
//! with every intermediate value in hex, the Merkle tree, proofs, signed
//! checkpoints and the sled rows of the archive they form. This test rebuilds
//! all of it through the library and asserts that it is *exactly* the file:
//! any change to the byte format makes it fail. `tests/vectors/verify_vectors.py`
//! checks the same file independently, from the specification alone.
//!
//! After a deliberate format change (and FORMAT.md updated to match), rewrite
//! the files with `TEMOIN_WRITE_VECTORS=1 cargo test --test it vectors::`.

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use temoin::checkpoint::Checkpoint;
use temoin::encoding::{self, decode_canonical, DecodeError};
use temoin::entry::{entry_hash, Entry, MAX_ENTRY_BYTES};
use temoin::hash::{part_digest, sha256, Digest};
use temoin::keys::{PublicKey, SecretKey};
use temoin::merkle::{self, MemoryStore, NodeStore};
use temoin::registry::{EnrollPayload, GenesisPayload, Role, PAYLOAD};
use temoin::signed_note::VerifierKey;
use temoin::statement::{
    Draft, Kind, Part, SignatureFault, SignedStatement, StatementBody, StatementFile,
    STATEMENT_DOMAIN,
};
use temoin::store::{self, Head};

const ORIGIN: &str = "temoin.example/vectors";
const NOTE_TEXT: &str = "Témoignage recueilli à Tin-Aïcha.";

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors")
}

/// The seed of demo key `name`: SHA-256("temoin DEMO ONLY key: " || name).
fn demo_seed(name: &str) -> [u8; 32] {
    sha256(&[b"temoin DEMO ONLY key: ", name.as_bytes()]).0
}

fn h(bytes: &[u8]) -> Value {
    Value::String(hex::encode(bytes))
}

fn utc(ms: i64) -> String {
    let s = temoin::time::format_ms(ms);
    match ms.rem_euclid(1000) {
        0 => s,
        frac => format!("{}.{frac:03}Z", s.trim_end_matches('Z')),
    }
}

struct Keys {
    custodian: SecretKey,
    journalist: SecretKey,
    archive: SecretKey,
}

fn keys() -> Keys {
    Keys {
        custodian: SecretKey::from_seed("demo-custodian", &demo_seed("demo-custodian")).unwrap(),
        journalist: SecretKey::from_seed("demo-journalist", &demo_seed("demo-journalist")).unwrap(),
        // The checkpoint key is named after the origin (C2SP tlog-checkpoint).
        archive: SecretKey::from_seed(ORIGIN, &demo_seed("demo-archive")).unwrap(),
    }
}

fn key_json(key: &SecretKey, seed_of: &str) -> Value {
    let signer = key.note_signer().unwrap();
    json!({
        "name": key.name(),
        "seed_source": format!("SHA-256(\"temoin DEMO ONLY key: {seed_of}\")"),
        "seed": h(key.signing_key().as_bytes()),
        "public_key": h(key.public().as_bytes()),
        "key_id": format!("{:08x}", signer.key_id()),
        "vkey": key.vkey().unwrap(),
        "skey": signer.to_skey_string().as_str(),
    })
}

/// One statement of the example, as its author drafts it.
struct Spec<'a> {
    kind: Kind,
    author: &'a SecretKey,
    author_role: &'static str,
    id: [u8; 16],
    created_at: i64,
    refs: Vec<Digest>,
    parts: Vec<Part>,
    received_at: i64,
}

fn part(label: &str, salt: [u8; 32], content: Vec<u8>) -> Part {
    Part {
        label: label.into(),
        salt,
        content,
    }
}

fn specs(k: &Keys) -> Vec<Spec<'_>> {
    let genesis_payload = serde_json::to_vec(&GenesisPayload {
        origin: ORIGIN.into(),
        custodian_name: "Dépositaire (démo)".into(),
        checkpoint_key: k.archive.vkey().unwrap(),
    })
    .unwrap();
    let enroll_payload = serde_json::to_vec(&EnrollPayload {
        key: k.journalist.public().to_hex(),
        name: "Journaliste (démo)".into(),
        role: Role::Intermediary,
        succeeds: None,
    })
    .unwrap();
    let mut note_salt = [0u8; 32];
    for (i, b) in note_salt.iter_mut().enumerate() {
        *b = i as u8;
    }
    vec![
        Spec {
            kind: Kind::Genesis,
            author: &k.custodian,
            author_role: "custodian",
            id: [0xa0; 16],
            created_at: 1_763_107_200_000, // 2025-11-14T08:00:00Z
            refs: vec![],
            parts: vec![part(PAYLOAD, [0x5a; 32], genesis_payload)],
            received_at: 1_763_107_201_000,
        },
        Spec {
            kind: Kind::Enroll,
            author: &k.custodian,
            author_role: "custodian",
            id: [0xb1; 16],
            created_at: 1_763_107_500_000, // 08:05:00Z
            refs: vec![],
            parts: vec![part(PAYLOAD, [0xa5; 32], enroll_payload)],
            received_at: 1_763_107_502_000,
        },
        Spec {
            kind: Kind::Note,
            author: &k.journalist,
            author_role: "journalist",
            id: [
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54,
                0x32, 0x10,
            ],
            created_at: 1_763_112_600_000, // 09:30:00Z
            refs: vec![],                  // filled with the genesis statement hash
            parts: vec![part("text", note_salt, NOTE_TEXT.as_bytes().to_vec())],
            received_at: 1_763_115_300_250, // 10:15:00.250Z
        },
    ]
}

/// Everything the example contains, computed through the library.
struct Built {
    json: Value,
    note_file: Vec<u8>,
}

fn build() -> Built {
    let k = keys();
    let mut specs = specs(&k);
    let mut entries_json = Vec::new();
    let mut entry_bytes_all: Vec<Vec<u8>> = Vec::new();
    let mut statement_hashes: Vec<Digest> = Vec::new();
    let mut files: Vec<StatementFile> = Vec::new();
    let mut prev = [0u8; 32];
    let mut rows: Vec<Value> = Vec::new();
    let mut tree = MemoryStore::new();
    let mut checkpoints = Vec::new();
    let mut nodes_json = Vec::new();
    let mut tree_file: Vec<u8> = Vec::new();
    let mut parts_file: Vec<u8> = Vec::new();

    for seq in 0..specs.len() {
        if specs[seq].kind == Kind::Note {
            // The note refers to the genesis statement: an example of refs.
            specs[seq].refs = vec![statement_hashes[0]];
        }
        let s = &specs[seq];
        let mut draft = Draft::new(s.kind);
        draft.id = Some(s.id);
        draft.created_at = Some(s.created_at);
        draft.refs = s.refs.clone();
        draft.parts = s.parts.clone();
        let file = draft.sign(s.author).unwrap();
        let st = &file.statement;
        let body = StatementBody::decode(&st.body_bytes).unwrap();
        st.verify_signature(&body).unwrap();
        let statement_hash = st.hash();

        let parts_json: Vec<Value> = s
            .parts
            .iter()
            .map(|p| {
                json!({
                    "label": p.label,
                    "salt": h(&p.salt),
                    "content": h(&p.content),
                    "content_text": String::from_utf8(p.content.clone()).unwrap(),
                    "length": p.content.len(),
                    "digest": h(&part_digest(&p.salt, &p.content).0),
                })
            })
            .collect();
        let entry = Entry {
            seq: seq as u64,
            prev,
            received_at: s.received_at,
            statement: st.clone(),
        };
        let eb = entry.to_bytes();
        let eh = entry_hash(&eb);
        assert_eq!(eh, entry.hash());
        assert_eq!(eh.0, merkle::leaf_hash(&eb));

        entries_json.push(json!({
            "seq": seq,
            "prev": h(&prev),
            "received_at": s.received_at,
            "received_at_utc": utc(s.received_at),
            "statement": {
                "author_key": s.author_role,
                "version": body.version,
                "id": h(&body.id),
                "author": h(&body.author),
                "created_at": body.created_at,
                "created_at_utc": utc(body.created_at),
                "kind": body.kind.name(),
                "kind_number": body.kind as u32,
                "refs": body.refs.iter().map(|r| h(r)).collect::<Vec<_>>(),
                "parts": parts_json,
                "body_bytes": h(&st.body_bytes),
                "signed_message": h(&SignedStatement::signed_message(&st.body_bytes)),
                "signature": h(&st.signature),
                "signed_statement_bytes": h(&st.to_bytes()),
                "statement_hash": statement_hash.to_hex(),
            },
            "entry_bytes": h(&eb),
            "entry_hash": eh.to_hex(),
        }));

        // The sled rows this entry's ingest batch writes (evidence and tree).
        rows.push(json!({"what": format!("E: entry {seq}"),
            "key": h(&store::layout::seq_key(store::layout::ENTRY, seq as u64)), "value": h(&eb)}));
        let mut part_row: store::PartRow = Vec::new();
        let mut placed = Vec::new();
        for p in &s.parts {
            let loc = store::PartLoc {
                offset: parts_file.len() as u64,
                len: 32 + p.content.len() as u64,
            };
            parts_file.extend_from_slice(&p.salt);
            parts_file.extend_from_slice(&p.content);
            placed.push(format!(
                "{:?} at bytes {}..{}",
                p.label,
                loc.offset,
                loc.offset + loc.len
            ));
            part_row.push((p.digest().0, loc));
        }
        if !part_row.is_empty() {
            rows.push(json!({
                "what": format!(
                    "P: the parts of entry {seq} in the parts file: {}",
                    placed.join(", ")
                ),
                "key": h(&store::layout::seq_key(store::layout::PART, seq as u64)),
                "value": h(&encoding::encode(&part_row)),
            }));
        }
        if s.kind.is_registry() {
            rows.push(
                json!({"what": format!("R: entry {seq} is a registry statement"),
                "key": h(&store::layout::seq_key(store::layout::REGISTRY, seq as u64)), "value": ""}),
            );
        }
        let before: Vec<(u8, u64)> = (0..8u8)
            .flat_map(|l| (0..4u64).map(move |i| (l, i)))
            .filter(|&(l, i)| tree.node(l, i).is_ok())
            .collect();
        tree.push(eh.0).unwrap();
        for l in 0..8u8 {
            for i in 0..4u64 {
                if let Ok(node) = tree.node(l, i) {
                    if !before.contains(&(l, i)) {
                        // Level by level is the tree file's post-order
                        // within one append (docs/FORMAT.md §8.1).
                        assert_eq!(
                            temoin::treefile::position(l, i),
                            Some(nodes_json.len() as u64)
                        );
                        nodes_json.push(json!({"level": l, "index": i, "hash": h(&node)}));
                        tree_file.extend_from_slice(&node);
                    }
                }
            }
        }
        let size = seq as u64 + 1;
        let root = tree.root().unwrap();
        let cp = Checkpoint::new(ORIGIN, size, root);
        let note = cp.sign(&k.archive.note_signer().unwrap()).unwrap();
        rows.push(json!({"what": format!("C: checkpoint at tree size {size}"),
            "key": h(&store::layout::seq_key(store::layout::CHECKPOINT, size)), "value": h(note.as_bytes())}));
        let head = Head {
            size,
            last_hash: eh.0,
            last_received_at: s.received_at,
        };
        if size == specs.len() as u64 {
            rows.push(json!({"what": "X: head (after the last batch)",
                "key": h(&store::layout::key(store::layout::META, b"head")), "value": h(&encoding::encode(&head))}));
            rows.push(json!({"what": "X: committed length of the parts file",
                "key": h(&store::layout::key(store::layout::META, store::layout::PARTS_END)),
                "value": h(&encoding::encode(&(parts_file.len() as u64)))}));
            rows.push(json!({"what": "X: format tag",
                "key": h(&store::layout::key(store::layout::META, b"format")), "value": h(store::layout::FORMAT_TAG)}));
        }
        checkpoints.push(json!({
            "size": size,
            "root": h(&root),
            "body": cp.body(),
            "note": note,
        }));

        prev = eh.0;
        entry_bytes_all.push(eb);
        statement_hashes.push(statement_hash);
        files.push(file);
    }

    let leaves: Vec<[u8; 32]> = entry_bytes_all.iter().map(|b| entry_hash(b).0).collect();
    let n = leaves.len() as u64;
    let roots: Vec<Value> = (1..=n)
        .map(|size| json!({"size": size, "root": h(&merkle::root_of(&leaves[..size as usize]))}))
        .collect();
    let inclusion: Vec<Value> = [(2u64, 3u64), (0, 3), (1, 2)]
        .iter()
        .map(|&(index, size)| {
            let proof = merkle::inclusion_proof(&tree, index, size).unwrap();
            assert_eq!(
                proof,
                merkle::inclusion_proof_naive(&leaves[..size as usize], index).unwrap()
            );
            let root = merkle::root_at(&tree, size).unwrap();
            merkle::verify_inclusion(&leaves[index as usize], index, size, &proof, &root).unwrap();
            json!({"index": index, "size": size,
                "proof": proof.iter().map(|p| h(p)).collect::<Vec<_>>()})
        })
        .collect();
    let consistency: Vec<Value> = [(1u64, 3u64), (2, 3), (1, 2)]
        .iter()
        .map(|&(old, new)| {
            let proof = merkle::consistency_proof(&tree, old, new).unwrap();
            assert_eq!(
                proof,
                merkle::consistency_proof_naive(&leaves[..new as usize], old).unwrap()
            );
            merkle::verify_consistency(
                old,
                new,
                &merkle::root_at(&tree, old).unwrap(),
                &merkle::root_at(&tree, new).unwrap(),
                &proof,
            )
            .unwrap();
            json!({"old_size": old, "new_size": new,
                "proof": proof.iter().map(|p| h(p)).collect::<Vec<_>>()})
        })
        .collect();

    let note_file = files[2].to_bytes();
    let json = json!({
        "about": "temoin v1 test vectors: a worked example of docs/FORMAT.md. Three statements \
                  (genesis, enroll, note) appended as entries 0, 1, 2 of an archive, each in its \
                  own ingest batch. All byte strings are lowercase hex; times are unix milliseconds. \
                  DEMO keys only: their seeds are public.",
        "spec": "docs/FORMAT.md",
        "origin": ORIGIN,
        "keys": {
            "custodian": key_json(&k.custodian, "demo-custodian"),
            "journalist": key_json(&k.journalist, "demo-journalist"),
            "archive": key_json(&k.archive, "demo-archive"),
        },
        "entries": entries_json,
        "statement_file": {
            "entry": 2,
            "file": "v1-note.tms",
            "bytes": h(&note_file),
        },
        "merkle": {
            "leaves": leaves.iter().map(|l| h(l)).collect::<Vec<_>>(),
            "nodes": nodes_json,
            "roots": roots,
            "inclusion": inclusion,
            "consistency": consistency,
        },
        "checkpoints": checkpoints,
        "store": rows,
        "tree_file": h(&tree_file),
        "parts_file": h(&parts_file),
        "audit": {"entries": 3, "authors": 2, "parts": 3, "checkpoints": 3, "redacted": []},
    });
    Built { json, note_file }
}

/// Path of the first difference between two JSON values, for a readable failure.
fn first_difference(path: &str, a: &Value, b: &Value) -> Option<String> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                match (x.get(key), y.get(key)) {
                    (Some(u), Some(v)) => {
                        if let Some(d) = first_difference(&format!("{path}.{key}"), u, v) {
                            return Some(d);
                        }
                    }
                    _ => return Some(format!("{path}.{key}: present on one side only")),
                }
            }
            None
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => x
            .iter()
            .zip(y)
            .enumerate()
            .find_map(|(i, (u, v))| first_difference(&format!("{path}[{i}]"), u, v)),
        _ if a == b => None,
        _ => Some(format!("{path}: file has {a}, the library computes {b}")),
    }
}

fn load() -> Value {
    let text = std::fs::read_to_string(vectors_dir().join("v1-note.json"))
        .expect("tests/vectors/v1-note.json (write it with TEMOIN_WRITE_VECTORS=1)");
    serde_json::from_str(&text).unwrap()
}

fn unhex(v: &Value) -> Vec<u8> {
    hex::decode(v.as_str().unwrap()).unwrap()
}

#[test]
fn vectors_are_what_the_library_computes() {
    let built = build();
    if std::env::var_os("TEMOIN_WRITE_VECTORS").is_some() {
        let mut text = serde_json::to_string_pretty(&built.json).unwrap();
        text.push('\n');
        std::fs::write(vectors_dir().join("v1-note.json"), text).unwrap();
        std::fs::write(vectors_dir().join("v1-note.tms"), &built.note_file).unwrap();
    }
    let file = load();
    if let Some(d) = first_difference("$", &file, &built.json) {
        panic!("tests/vectors/v1-note.json is out of step with the code: {d}");
    }
    let tms = std::fs::read(vectors_dir().join("v1-note.tms")).unwrap();
    assert_eq!(tms, built.note_file, "tests/vectors/v1-note.tms");
}

#[test]
fn the_demo_key_files_hold_the_vector_keys() {
    let v = load();
    for (role, file) in [
        ("custodian", "demo-custodian.key"),
        ("journalist", "demo-journalist.key"),
    ] {
        let path = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("keys")
            .join(file);
        let key = SecretKey::load(&path).unwrap();
        let k = &v["keys"][role];
        assert_eq!(key.vkey().unwrap(), k["vkey"].as_str().unwrap(), "{file}");
        assert_eq!(
            key.note_signer().unwrap().to_skey_string().as_str(),
            k["skey"].as_str().unwrap()
        );
    }
    // The archive key file is named demo-archive; in the example it is
    // renamed after the origin, as `temoin init` does: same seed and key.
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("keys/demo-archive.key");
    let key = SecretKey::load(&path).unwrap();
    assert_eq!(
        key.public().to_hex(),
        v["keys"]["archive"]["public_key"].as_str().unwrap()
    );
}

#[test]
fn decoders_take_the_vector_bytes_and_nothing_else() {
    let v = load();
    for e in v["entries"].as_array().unwrap() {
        let eb = unhex(&e["entry_bytes"]);
        let entry = Entry::from_bytes(&eb).unwrap();
        assert_eq!(entry.seq, e["seq"].as_u64().unwrap());
        let body = StatementBody::decode(&entry.statement.body_bytes).unwrap();
        assert_eq!(
            entry.statement.body_bytes,
            unhex(&e["statement"]["body_bytes"])
        );
        entry.statement.verify_signature(&body).unwrap();

        // One byte more, one byte less: refused.
        let mut longer = eb.clone();
        longer.push(0);
        assert_eq!(
            Entry::from_bytes(&longer),
            Err(DecodeError::TrailingBytes {
                what: "entry",
                extra: 1
            })
        );
        assert!(matches!(
            Entry::from_bytes(&eb[..eb.len() - 1]),
            Err(DecodeError::Malformed { .. })
        ));
        // A flipped signature bit: verify_strict refuses it.
        let mut bad = entry.statement.clone();
        bad.signature[5] ^= 0x01;
        assert_eq!(bad.verify_signature(&body), Err(SignatureFault::Invalid));
        // A flipped body bit (in the created_at field): signature fails.
        let mut bad = entry.statement.clone();
        bad.body_bytes[2 + 16 + 32] ^= 0x01;
        let bad_body = StatementBody::decode(&bad.body_bytes).unwrap();
        assert_eq!(
            bad.verify_signature(&bad_body),
            Err(SignatureFault::Invalid)
        );
    }
    let tms = unhex(&v["statement_file"]["bytes"]);
    let file = StatementFile::from_bytes(&tms).unwrap();
    assert_eq!(file.to_bytes(), tms);
    assert_eq!(
        file.statement.hash().to_hex(),
        v["entries"][2]["statement"]["statement_hash"]
            .as_str()
            .unwrap()
    );
    assert!(MAX_ENTRY_BYTES > tms.len());
}

#[test]
fn checkpoints_open_with_the_archive_vkey() {
    let v = load();
    let vk = VerifierKey::parse(v["keys"]["archive"]["vkey"].as_str().unwrap()).unwrap();
    for c in v["checkpoints"].as_array().unwrap() {
        let cp = Checkpoint::open(c["note"].as_str().unwrap(), &vk).unwrap();
        assert_eq!(cp.size, c["size"].as_u64().unwrap());
        assert_eq!(hex::encode(cp.root), c["root"].as_str().unwrap());
        assert_eq!(cp.origin, ORIGIN);
    }
}

/// The sled rows listed in the vector are a whole archive to the audit.
#[test]
fn the_listed_store_rows_pass_the_audit() {
    let v = load();
    let dir = tempfile::tempdir().unwrap();
    let db = crate::common::open_sled(dir.path());
    for row in v["store"].as_array().unwrap() {
        db.insert(unhex(&row["key"]), unhex(&row["value"])).unwrap();
    }
    add_derived_rows(&v, &db);
    std::fs::write(dir.path().join(store::TREE_FILE), unhex(&v["tree_file"])).unwrap();
    std::fs::write(dir.path().join(store::PARTS_FILE), unhex(&v["parts_file"])).unwrap();
    let st = store::Store::open(db, dir.path(), temoin::treefile::Access::Read).unwrap();
    let report = temoin::audit::audit(&st, &mut |_| {}).unwrap().unwrap();
    let a = &v["audit"];
    assert_eq!(report.entries, a["entries"].as_u64().unwrap());
    assert_eq!(report.authors as u64, a["authors"].as_u64().unwrap());
    assert_eq!(report.parts, a["parts"].as_u64().unwrap());
    assert_eq!(report.checkpoints, a["checkpoints"].as_u64().unwrap());
    assert!(report.redacted.is_empty());

    // The same archive with the note's parts' row removed: a fault at entry 2.
    st.raw_db()
        .remove(store::layout::seq_key(store::layout::PART, 2))
        .unwrap()
        .expect("entry 2 has parts");
    let fault = temoin::audit::audit(&st, &mut |_| {}).unwrap().unwrap_err();
    assert_eq!(fault.seq, 2, "{fault}");
}

/// The claims docs/FORMAT.md §2 makes about bincode 2.0.1 `config::legacy()`.
#[test]
fn bincode_legacy_encodes_as_the_spec_says() {
    use encoding::encode;
    assert_eq!(encode(&1u16), [0x01, 0x00]);
    assert_eq!(encode(&0x0102_0304u32), [0x04, 0x03, 0x02, 0x01]);
    assert_eq!(
        encode(&-2i64),
        [0xfe, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
    );
    assert_eq!(encode(&1u64), [1, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(encode(&true), [0x01]);
    assert_eq!(encode(&false), [0x00]);
    // String / Vec<u8>: u64 length, then the bytes.
    assert_eq!(
        encode(&"é".to_string()),
        [2, 0, 0, 0, 0, 0, 0, 0, 0xc3, 0xa9]
    );
    assert_eq!(encode(&vec![1u8, 2]), [2, 0, 0, 0, 0, 0, 0, 0, 1, 2]);
    // [u8; N]: the N bytes, no length.
    assert_eq!(encode(&[9u8; 3]), [9, 9, 9]);
    // Vec<T>: u64 element count, then each element.
    assert_eq!(encode(&vec![[7u8; 2]]), [1, 0, 0, 0, 0, 0, 0, 0, 7, 7]);
    // Option: one byte 0 (None) or 1 then the value.
    assert_eq!(encode(&None::<u64>), [0]);
    assert_eq!(encode(&Some(5u64)), [1, 5, 0, 0, 0, 0, 0, 0, 0]);
    // Tuples and structs: the fields in order, nothing between.
    assert_eq!(
        encode(&("a".to_string(), 3u64)),
        [1, 0, 0, 0, 0, 0, 0, 0, b'a', 3, 0, 0, 0, 0, 0, 0, 0]
    );
    // Unit enum: the variant's u32 tag.
    assert_eq!(encode(&Kind::Redaction), [11, 0, 0, 0]);

    // What decoding refuses.
    let bad_bool: Result<bool, _> = decode_canonical(&[2], 8, "b");
    assert!(bad_bool.is_err());
    let bad_option: Result<Option<u8>, _> = decode_canonical(&[2, 0], 8, "o");
    assert!(bad_option.is_err());
    let bad_kind: Result<Kind, _> = decode_canonical(&[12, 0, 0, 0], 8, "k");
    assert!(bad_kind.is_err());
    let bad_utf8: Result<String, _> = decode_canonical(&[1, 0, 0, 0, 0, 0, 0, 0, 0xff], 16, "s");
    assert!(bad_utf8.is_err());
    let huge: Result<Vec<u8>, _> = decode_canonical(&[0xff; 8], 64, "v");
    assert!(huge.is_err());
}

/// The kind numbers of docs/FORMAT.md §3.2: fixed forever. bincode encodes a
/// variant's *position* in the enum, so this also guards against a variant
/// inserted in the middle.
#[test]
fn kind_numbers_are_the_documented_ones() {
    let table = [
        (0u32, "genesis"),
        (1, "enroll"),
        (2, "revoke"),
        (3, "note"),
        (4, "incident"),
        (5, "testimony"),
        (6, "amendment"),
        (7, "retraction"),
        (8, "annotation"),
        (9, "merge"),
        (10, "summary-claim"),
        (11, "redaction"),
    ];
    assert_eq!(Kind::ALL.len(), table.len());
    for (kind, (number, name)) in Kind::ALL.into_iter().zip(table) {
        assert_eq!(kind.name(), name);
        assert_eq!(kind as u32, number);
        assert_eq!(encoding::encode(&kind), number.to_le_bytes());
        let back: Kind = decode_canonical(&number.to_le_bytes(), 4, "kind").unwrap();
        assert_eq!(back, kind);
    }
}

/// Ed25519 keys: one encoding per key. The non-canonical encoding y = p + 3
/// of a valid point (not small-order) is refused, as are small-order keys.
#[test]
fn public_keys_must_be_canonical_and_not_weak() {
    let mut non_canonical = [0xffu8; 32];
    non_canonical[0] = 0xf0;
    non_canonical[31] = 0x7f;
    assert!(PublicKey::from_bytes(&non_canonical).is_err());
    // The identity point (y = 1) is of small order: weak.
    let mut identity = [0u8; 32];
    identity[0] = 1;
    assert!(PublicKey::from_bytes(&identity).unwrap().is_weak());
}

/// The domain prefixes, byte for byte.
#[test]
fn domain_prefixes() {
    assert_eq!(STATEMENT_DOMAIN, b"temoin/statement/v1\x00");
    assert_eq!(temoin::hash::PART_DOMAIN, b"temoin/part/v1\x00");
    assert_eq!(&temoin::statement::STATEMENT_FILE_MAGIC, b"TEMOIN\x01S");
}

/// FORMAT.md's worked example quotes the vector's values: keep them in step.
#[test]
fn format_md_quotes_the_vector_values() {
    let v = load();
    let doc = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/FORMAT.md"))
        .unwrap();
    let note = &v["entries"][2];
    let quoted = [
        &note["statement"]["parts"][0]["digest"],
        &note["statement"]["signature"],
        &note["statement"]["statement_hash"],
        &note["entry_hash"],
        &note["prev"],
        &v["merkle"]["roots"][2]["root"],
        &v["keys"]["journalist"]["public_key"],
    ];
    for q in quoted {
        let s = q.as_str().unwrap();
        // FORMAT.md may wrap long hex over lines of 64 digits.
        let flat: String = doc.split_whitespace().collect();
        assert!(flat.contains(s), "docs/FORMAT.md does not quote {s}");
    }
    for c in v["checkpoints"].as_array().unwrap().iter().skip(2) {
        assert!(doc.contains(c["note"].as_str().unwrap().trim_end()));
    }
}

/// The rows the vector does not list, derived from its entries by the
/// rule engine as the writer derives them (FORMAT.md §8): the statement
/// and incident indexes (`H`, `I`) and the config, which the audit checks.
fn add_derived_rows(v: &Value, db: &sled::Db) {
    let mut registry = temoin::registry::Registry::default();
    let mut index = temoin::rules::MemIndex::default();
    for (seq, e) in v["entries"].as_array().unwrap().iter().enumerate() {
        let st = &e["statement"];
        let body = StatementBody::decode(&unhex(&st["body_bytes"])).unwrap();
        let hash =
            temoin::hash::Digest(<[u8; 32]>::try_from(unhex(&st["statement_hash"])).unwrap());
        let payload = st["parts"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["label"] == "payload")
            .map(|p| unhex(&p["content"]));
        let fx = temoin::rules::check(
            &registry,
            &index,
            seq as u64,
            hash,
            &body,
            payload.as_deref(),
        )
        .unwrap()
        .unwrap();
        if let Some(change) = &fx.registry {
            registry.apply(seq as u64, change.clone());
        }
        index.apply(&fx);
    }
    for (h, info) in &index.statements {
        db.insert(
            store::layout::key(store::layout::STATEMENT, &h.0),
            encoding::encode(info),
        )
        .unwrap();
    }
    for (id, info) in &index.incidents {
        db.insert(
            store::layout::key(store::layout::INCIDENT, id.as_bytes()),
            encoding::encode(info),
        )
        .unwrap();
    }
    db.insert(
        store::layout::key(store::layout::META, b"config"),
        serde_json::to_vec(&temoin::archive::Config::new(ORIGIN)).unwrap(),
    )
    .unwrap();
}
