//! Micro-benchmarks of temoin's building blocks (`cargo bench`): encoding
//! and decoding a statement body, the hashes of the v1 construction, the
//! Merkle tree (append, inclusion and consistency proofs on a tree of
//! 1,000,000 leaves held in a `MemoryStore`), and `verify_strict`, alone and
//! through the statement API.
//!
//! The end-to-end figures are `temoin bench`'s (docs/PERFORMANCE.md).

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use temoin::encoding;
use temoin::entry::{entry_hash, Entry};
use temoin::hash::part_digest;
use temoin::keys::SecretKey;
use temoin::merkle::{self, MemoryStore};
use temoin::statement::{Draft, Kind, SignedStatement, StatementBody, StatementFile};

/// A realistic testimony: payload, a few KiB of text, a witness part.
fn testimony() -> (SecretKey, StatementFile) {
    let key = SecretKey::from_seed("bench-micro", &[7; 32]).expect("key");
    let text = "Ce matin-là, vers six heures, nous avons entendu le bruit d'un drone \
                au-dessus de Tangata. Les gens se sont dispersés dans la brousse. "
        .repeat(20);
    let payload = br#"{"incidents":["tangata-2025-11-13"],"source":{"relation":"eyewitness","description":"habitant"},"language":"fr","claims":[{"incident":"tangata-2025-11-13","dead":{"min":7,"max":8},"victims":[{"name":"Emimalane Walet Mohamed","sex":"female","age":34,"status":"dead"}]}]}"#;
    let file = Draft::new(Kind::Testimony)
        .part("payload", payload.to_vec())
        .part("text", text.into_bytes())
        .part(
            "witness",
            br#"{"name":"Aminata Walet Mohamed","village":"Tangata"}"#.to_vec(),
        )
        .sign(&key)
        .expect("sign");
    (key, file)
}

fn encoding_benches(c: &mut Criterion) {
    let (_, file) = testimony();
    let bytes = file.statement.body_bytes.clone();
    let body = StatementBody::decode(&bytes).expect("decode");
    let mut g = c.benchmark_group("encoding");
    g.throughput(Throughput::Bytes(bytes.len() as u64));
    g.bench_function("encode_body", |b| {
        b.iter(|| encoding::encode(black_box(&body)))
    });
    g.bench_function("decode_body", |b| {
        b.iter(|| StatementBody::decode(black_box(&bytes)).expect("decode"))
    });
    let entry = Entry {
        seq: 123_456,
        prev: [9; 32],
        received_at: 1_763_000_000_000,
        statement: file.statement.clone(),
    };
    let entry_bytes = entry.to_bytes();
    g.bench_function("decode_entry", |b| {
        b.iter(|| Entry::from_bytes(black_box(&entry_bytes)).expect("decode"))
    });
    g.finish();
}

fn hashing_benches(c: &mut Criterion) {
    let (_, file) = testimony();
    let text = &file.parts[1];
    let mut g = c.benchmark_group("hashing");
    g.throughput(Throughput::Bytes(text.content.len() as u64));
    g.bench_function("part_digest_text", |b| {
        b.iter(|| part_digest(black_box(&text.salt), black_box(&text.content)))
    });
    let entry = Entry {
        seq: 1,
        prev: [0; 32],
        received_at: 0,
        statement: file.statement.clone(),
    };
    let entry_bytes = entry.to_bytes();
    g.throughput(Throughput::Bytes(entry_bytes.len() as u64));
    g.bench_function("entry_hash", |b| {
        b.iter(|| entry_hash(black_box(&entry_bytes)))
    });
    g.bench_function("statement_hash", |b| {
        b.iter(|| black_box(&file.statement).hash())
    });
    g.finish();
}

const LEAVES: u64 = 1_000_000;

fn merkle_benches(c: &mut Criterion) {
    let leaf = |i: u64| merkle::leaf_hash(&i.to_le_bytes());
    let tree = MemoryStore::from_leaves((0..LEAVES).map(leaf)).expect("tree");
    let mut g = c.benchmark_group("merkle_1M");
    {
        // Appends to a tree of 1,000,000 leaves (growing a little as the
        // benchmark runs).
        let mut t = tree.clone();
        g.bench_function("append", |b| {
            b.iter(|| t.push(black_box(leaf(7))).expect("push"))
        });
    }
    g.bench_function("nodes_completed_by_append", |b| {
        // The worst case: appending leaf 2^20 - 1 completes 20 parents.
        let small = MemoryStore::from_leaves((0..(1u64 << 20) - 1).map(leaf)).expect("tree");
        b.iter(|| {
            merkle::nodes_completed_by_append(&small, (1 << 20) - 1, black_box(leaf(0)))
                .expect("append")
        })
    });
    let mut i = 0u64;
    g.bench_function("inclusion_proof", |b| {
        b.iter(|| {
            i = (i + 7_919) % LEAVES;
            merkle::inclusion_proof(&tree, black_box(i), LEAVES).expect("proof")
        })
    });
    let root = merkle::root_at(&tree, LEAVES).expect("root");
    let proof = merkle::inclusion_proof(&tree, 123_457, LEAVES).expect("proof");
    let l = leaf(123_457);
    g.bench_function("verify_inclusion", |b| {
        b.iter(|| merkle::verify_inclusion(&l, 123_457, LEAVES, black_box(&proof), &root))
    });
    let mut old = 1u64;
    g.bench_function("consistency_proof", |b| {
        b.iter(|| {
            old = old * 31 % LEAVES + 1;
            merkle::consistency_proof(&tree, black_box(old), LEAVES).expect("proof")
        })
    });
    g.bench_function("root_at", |b| {
        b.iter(|| merkle::root_at(&tree, black_box(LEAVES - 3)).expect("root"))
    });
    g.finish();
}

fn signature_benches(c: &mut Criterion) {
    use ed25519_dalek::{Signature, VerifyingKey};
    let (key, file) = testimony();
    let msg = SignedStatement::signed_message(&file.statement.body_bytes);
    let sig = Signature::from_bytes(&file.statement.signature);
    let vk: VerifyingKey = key.public().verifying_key();
    let body = StatementBody::decode(&file.statement.body_bytes).expect("decode");
    let mut g = c.benchmark_group("signature");
    g.bench_function("verify_strict", |b| {
        b.iter(|| {
            vk.verify_strict(black_box(&msg), black_box(&sig))
                .expect("ok")
        })
    });
    // Through the statement API: the thread's cache of parsed author keys,
    // and the signed message put together.
    g.bench_function("verify_signature_statement", |b| {
        b.iter(|| {
            black_box(&file.statement)
                .verify_signature(black_box(&body))
                .expect("ok")
        })
    });
    g.bench_function("sign", |b| b.iter(|| key.sign(black_box(&msg))));
    g.finish();
}

criterion_group!(
    benches,
    encoding_benches,
    hashing_benches,
    merkle_benches,
    signature_benches
);
criterion_main!(benches);
