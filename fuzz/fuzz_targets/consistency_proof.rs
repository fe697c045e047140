//! Consistency proof files from anyone (`temoin consistency-proof`), checked
//! against the signed checkpoints of a fixed tree: decoding and checking
//! never panic, `to_json` reads back to the same file, only the canonical
//! hex of a hash decodes, and no proof but the tree's own connects two of
//! its sizes (nor two different trees: a fork is a rewrite or unproven,
//! never consistent). Seed the corpus with proofs between sizes up to
//! `N` (e.g. `{"format":"temoin-consistency/v1","old_size":3,"new_size":7,"proof":[]}`).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use temoin::checkpoint::Checkpoint;
use temoin::keys::SecretKey;
use temoin::merkle::{self, Hash, MemoryStore};
use temoin::signed_note::{SignerKey, VerifierKey};
use temoin::receipt::{
    check_history, proof_to_hex, verify_consistency, verify_extends, ConsistencyError,
    ConsistencyProof, Diagnosis, HistoryError, Log, ProofFrom, CONSISTENCY_FORMAT,
    MAX_PROOF_HASHES,
};

/// The vector archive's key (tests/vectors/bundles/index.json).
const ARCHIVE_KEY: &str =
    "temoin.example/vectors+0f9f8610+AfJuwLX0aZNu1GPUM9WyOcZUHJJfHl3gi+sv6ZDenoZL";
/// Its secret half: the demo archive key's public seed, under the vectors' name.
const DEMO_ARCHIVE_KEY: &str = include_str!("../../keys/demo-archive.key");
/// Leaves of the fixed trees.
const N: u64 = 100;
/// Tree B has tree A's first `FORK` leaves, then others.
const FORK: u64 = 37;

/// A log of `N` leaves, with its checkpoint of every size signed by the
/// archive key.
struct Tree {
    store: MemoryStore,
    cps: Vec<Checkpoint>,
    notes: Vec<String>,
}

impl Tree {
    fn new(signer: &SignerKey, leaf: impl Fn(u64) -> Hash) -> Tree {
        let store = MemoryStore::from_leaves((0..N).map(leaf)).unwrap();
        let mut cps = Vec::new();
        let mut notes = Vec::new();
        for size in 0..=N {
            let cp = Checkpoint::new(signer.name(), size, merkle::root_at(&store, size).unwrap());
            notes.push(cp.sign(signer).unwrap());
            cps.push(cp);
        }
        Tree { store, cps, notes }
    }
}

impl Log for Tree {
    type Error = String;
    fn latest_checkpoint(&self) -> Result<Option<(u64, String)>, String> {
        Ok(Some((N, self.notes[N as usize].clone())))
    }
    fn size(&self) -> u64 {
        N
    }
    fn root_at(&self, size: u64) -> Result<Hash, String> {
        merkle::root_at(&self.store, size).map_err(|e| e.to_string())
    }
    fn inclusion_proof(&self, seq: u64, size: u64) -> Result<Vec<Hash>, String> {
        merkle::inclusion_proof(&self.store, seq, size).map_err(|e| e.to_string())
    }
    fn consistency_proof(&self, old: u64, new: u64) -> Result<Vec<Hash>, String> {
        merkle::consistency_proof(&self.store, old, new).map_err(|e| e.to_string())
    }
    fn entry_bytes(&self, _seq: u64) -> Result<Option<Vec<u8>>, String> {
        Ok(None)
    }
}

struct Fixed {
    vkey: VerifierKey,
    a: Tree,
    b: Tree,
}

fn fixed() -> &'static Fixed {
    static FIXED: OnceLock<Fixed> = OnceLock::new();
    FIXED.get_or_init(|| {
        let demo = SecretKey::parse_file(DEMO_ARCHIVE_KEY).unwrap();
        let vkey = VerifierKey::parse(ARCHIVE_KEY).unwrap();
        let signer = SignerKey::new(vkey.name(), demo.signing_key().clone()).unwrap();
        let a = Tree::new(&signer, |i| {
            merkle::leaf_hash(format!("leaf {i}").as_bytes())
        });
        let b = Tree::new(&signer, |i| {
            let tag = if i < FORK { "leaf" } else { "fork" };
            merkle::leaf_hash(format!("{tag} {i}").as_bytes())
        });
        Fixed { vkey, a, b }
    })
}

fuzz_target!(|data: &[u8]| {
    let f = fixed();
    let Ok(p) = ConsistencyProof::from_json(data) else {
        return;
    };
    assert_eq!(p.format, CONSISTENCY_FORMAT);
    assert_eq!(
        ConsistencyProof::from_json(p.to_json().as_bytes()).as_ref(),
        Ok(&p),
        "to_json does not read back to the same proof file"
    );

    let hashes = p.hashes();
    if let Ok(h) = &hashes {
        assert!(h.len() <= MAX_PROOF_HASHES);
        assert_eq!(
            proof_to_hex(h),
            p.proof,
            "a non-canonical proof hash decoded"
        );
    }
    let file_cp = p.signed_checkpoint(&f.vkey);
    match &file_cp {
        Ok(Some(cp)) => {
            assert_eq!(cp.size, p.new_size);
            assert_eq!(cp.origin, f.vkey.name());
            assert!(p.checkpoint.as_deref().unwrap().starts_with(&cp.body()));
        }
        Ok(None) => assert!(p.checkpoint.is_none()),
        Err(_) => assert!(p.checkpoint.is_some()),
    }
    let Ok(h) = hashes else {
        return;
    };
    let (old, new) = (p.old_size, p.new_size);

    if old > N || new > N {
        // Sizes beyond the fixed trees: the length rule still holds.
        let r = merkle::root_at(&f.a.store, N).unwrap();
        if merkle::verify_consistency(old, new, &r, &r, &h).is_ok() {
            assert_eq!(Some(h.len()), merkle::consistency_proof_len(old, new));
        }
        return;
    }
    let (o, n) = (old as usize, new as usize);
    let (a_old, a_new) = (&f.a.cps[o], &f.a.cps[n]);

    // The bare RFC 9162 check against tree A's roots: only A's own proof
    // connects them.
    let verdict = merkle::verify_consistency(old, new, &a_old.root, &a_new.root, &h);
    if old <= new {
        let honest = merkle::consistency_proof(&f.a.store, old, new).unwrap();
        assert_eq!(Some(honest.len()), merkle::consistency_proof_len(old, new));
        assert_eq!(
            merkle::verify_consistency(old, new, &a_old.root, &a_new.root, &honest),
            Ok(()),
            "the tree's own proof {old} -> {new} does not verify"
        );
        if verdict.is_ok() {
            assert_eq!(
                h, honest,
                "a proof other than the tree's own verified {old} -> {new}"
            );
        }
    } else {
        assert!(verdict.is_err());
    }
    assert_eq!(verify_extends(a_old, a_new, &h).is_ok(), verdict.is_ok());

    // The same through A's signed checkpoints.
    let history = check_history(&f.a.notes[o], &f.a.notes[n], &f.vkey, &h);
    match &history {
        Ok((x, y)) => {
            assert!(verdict.is_ok());
            assert_eq!((x, y), (a_old, a_new));
        }
        Err(HistoryError::Order { .. }) => assert!(old > new),
        Err(HistoryError::ProofFails { .. }) => assert!(old <= new && verdict.is_err()),
        Err(e) => panic!("one honest log's checkpoints {old} -> {new}: {e}"),
    }

    // Then one more way per input (each checks a few signatures): B's
    // checkpoints (B keeps A's first FORK leaves only), and
    // `verify-consistency` with the file or with a log at hand.
    let file = |q: &ConsistencyProof| {
        verify_consistency::<Tree>(&f.a.notes[o], &f.a.notes[n], &f.vkey, ProofFrom::File(q))
    };
    let with_note = |note: &String| ConsistencyProof {
        checkpoint: Some(note.clone()),
        ..p.clone()
    };
    match data.len() % 5 {
        0 => {
            let honest_b =
                (old <= new).then(|| merkle::consistency_proof(&f.b.store, old, new).unwrap());
            match check_history(&f.a.notes[o], &f.b.notes[n], &f.vkey, &h) {
                Ok(_) => {
                    assert!(
                        old <= FORK,
                        "a proof connected two different trees {old} -> {new}"
                    );
                    assert_eq!(Some(&h), honest_b.as_ref());
                }
                Err(HistoryError::Order { .. }) => assert!(old > new),
                Err(HistoryError::Rewritten { .. }) => assert!(old == new && old > FORK),
                Err(HistoryError::ProofFails { .. }) => assert!(old <= new),
                Err(e) => panic!("checkpoints of A and B {old} -> {new}: {e}"),
            }
        }
        1 => {
            // The file as it came: its own checkpoint, if it verifies, must
            // be NEW, or the two signed checkpoints prove a rewrite.
            let got = file(&p);
            match &file_cp {
                Err(_) => assert!(matches!(got, Err(ConsistencyError::Input(_))), "{got:?}"),
                Ok(Some(cp)) if cp.root != a_new.root => assert!(
                    matches!(
                        got,
                        Err(ConsistencyError::History(HistoryError::Rewritten { .. }))
                    ),
                    "{got:?}"
                ),
                Ok(_) => assert_eq!(got, history.map_err(ConsistencyError::from)),
            }
        }
        2 => assert_eq!(
            file(&with_note(&f.a.notes[n])),
            history.map_err(ConsistencyError::from)
        ),
        3 => {
            let got = file(&with_note(&f.b.notes[n]));
            if new > FORK {
                assert!(
                    matches!(
                        got,
                        Err(ConsistencyError::History(HistoryError::Rewritten { .. }))
                    ),
                    "B's checkpoint {new} in the proof file: {got:?}"
                );
            } else {
                assert_eq!(got, history.map_err(ConsistencyError::from));
            }
        }
        _ => {
            // B's old checkpoint, A's new one, A's log at hand: the proof is
            // the log's own, so the verdict depends on the sizes only.
            let got =
                verify_consistency(&f.b.notes[o], &f.a.notes[n], &f.vkey, ProofFrom::Log(&f.a));
            match got {
                Ok(_) => assert!(old <= new && old <= FORK),
                Err(ConsistencyError::History(HistoryError::Order { .. })) => assert!(old > new),
                Err(ConsistencyError::History(HistoryError::Rewritten { .. })) => {
                    assert!(old == new && old > FORK)
                }
                Err(ConsistencyError::Diagnosed(Diagnosis::Rewritten { .. })) => {
                    assert!(old < new && old > FORK)
                }
                Err(e) => panic!("B's {old} -> A's {new} with A's log: {e}"),
            }
        }
    }
});
