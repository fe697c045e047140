//! `temoin --lang fr verify` says why the log fails in French: for each of
//! several tamperings of the standard archive (see `tamper.rs`), the
//! French verdict holds the French reason and none of the English one,
//! while `--lang en` says the audit's English reason, word for word, and
//! `--json` keeps it in every language.

use crate::common;

use common::offsets::*;
use common::*;
use temoin::entry::entry_hash;
use temoin::store;

/// One tampering and what `verify` must say of it.
struct Case {
    name: &'static str,
    tamper: fn(&Fixture),
    seq: u64,
    /// A fixed part of the English reason.
    en: &'static str,
    /// The same part in French.
    fr: &'static str,
}

const CASES: &[Case] = &[
    Case {
        name: "missing part",
        tamper: |f| f.tamper(|db| remove_part_row(db, 4)),
        seq: 4,
        en: "part \"text\" is missing and no redaction order erased it",
        fr: "la partie \"text\" manque et aucun ordre de caviardage ne l'a effacée",
    },
    Case {
        name: "broken hash chain link",
        tamper: |f| f.tamper(|db| break_prev_link(&f.dir(), db, 4)),
        seq: 4,
        en: "does not match the hash of entry 3",
        fr: "ne correspond pas à l'empreinte de l'entrée 3",
    },
    Case {
        name: "bad signature",
        tamper: |f| {
            let dir = f.dir();
            f.tamper(|db| {
                flip_entry_byte(db, 4, -10);
                reseal(&dir, db);
            })
        },
        seq: 4,
        en: "signature: the signature does not verify (verify_strict) over the body",
        fr: "signature : la signature ne se vérifie pas (verify_strict) sur le corps",
    },
    Case {
        name: "checkpoint beyond the log's end",
        tamper: |f| f.tamper(|db| copy_checkpoint(db, 9, 12)),
        seq: 9,
        en: "a checkpoint claims tree size 12, beyond the log's end",
        fr: "un point de contrôle annonce un arbre de taille 12, au-delà de la fin du journal",
    },
    Case {
        name: "missing entry",
        tamper: |f| f.tamper(|db| delete_entry(db, 4)),
        seq: 4,
        en: "entry 4 is missing: the log goes from entry 3 to entry 5",
        fr: "l'entrée 4 manque : le journal passe de l'entrée 3 à l'entrée 5",
    },
    Case {
        name: "altered bytes",
        tamper: |f| f.tamper(|db| flip_entry_byte(db, 4, RECEIVED_AT as isize)),
        seq: 4,
        en: "the entry's bytes were altered after it was appended",
        fr: "les octets de l'entrée ont été modifiés après son ajout",
    },
    Case {
        // The rules' refusal, inside the audit's reason, is French too.
        name: "unenrolled author",
        tamper: |f| {
            let dir = f.dir();
            let forged = note(&f.keys.mallory, "a forged note");
            f.tamper(|db| forge_replace(&dir, db, 5, &forged));
        },
        seq: 5,
        en: "not authorised when appended: author key",
        fr: "non autorisée au moment de son ajout : la clé d'auteur",
    },
];

/// English phrases of the audit's verdict, none of which a French verdict
/// may hold.
const ENGLISH: &[&str] = &[
    "verification FAILED",
    "entry ",
    " is missing",
    "does not",
    "redaction order",
    "checkpoint",
    "signature does",
    "the log",
    "altered",
    "not authorised",
    "is not enrolled",
];

/// `temoin --lang LANG verify --archive DIR [more]`: (exit code, stdout,
/// stderr).
fn verify(f: &Fixture, lang: &str, more: &[&str]) -> (i32, String, String) {
    let dir = f.dir();
    let mut args = vec!["--lang", lang, "verify", "--archive"];
    args.push(dir.to_str().expect("UTF-8 path"));
    args.extend(more);
    temoin(&args)
}

#[test]
fn verify_says_why_the_log_fails_in_french_and_in_english() {
    for c in CASES {
        let f = Fixture::standard(6);
        (c.tamper)(&f);
        let fault = match audit_dir(&f.dir()) {
            Ok(_) => panic!("{}: the audit passed", c.name),
            Err(fault) => fault,
        };
        assert_eq!(fault.seq, c.seq, "{}: {fault}", c.name);
        let english = fault.reason.to_string();
        assert!(english.contains(c.en), "{}: {english:?}", c.name);

        let (code, _, en) = verify(&f, "en", &[]);
        assert_eq!(code, 1, "{}: {en}", c.name);
        let said = format!("verification FAILED at entry {}: {english}", c.seq);
        assert!(en.contains(&said), "{}: {en:?}, expected {said:?}", c.name);

        let (code, _, fr) = verify(&f, "fr", &[]);
        assert_eq!(code, 1, "{}: {fr}", c.name);
        let said = format!("ÉCHEC de la vérification — entrée {} : ", c.seq);
        assert!(fr.contains(&said), "{}: {fr:?}", c.name);
        assert!(fr.contains(c.fr), "{}: {fr:?}, expected {:?}", c.name, c.fr);
        assert!(!fr.contains(c.en), "{}: {fr:?}", c.name);
        for p in ENGLISH {
            assert!(!fr.contains(p), "{}: {p:?} in {fr:?}", c.name);
        }

        // The JSON verdict is for scripts: its reason is the English one.
        let (code, out, _) = verify(&f, "fr", &["--json"]);
        assert_eq!(code, 1, "{}: {out}", c.name);
        let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
        assert_eq!(v["fault"]["reason"], english.as_str(), "{}", c.name);
        assert_eq!(v["fault"]["seq"], c.seq, "{}", c.name);
    }
}

/// Remove entry `seq`'s part locations (`P` row): its parts are absent.
fn remove_part_row(db: &sled::Db, seq: u64) {
    db.remove(store::layout::seq_key(store::layout::PART, seq))
        .expect("remove")
        .expect("part row existed");
}

/// Point entry `seq`'s prev link elsewhere and record its new bytes as
/// its Merkle leaf: the leaf holds, the link does not.
fn break_prev_link(dir: &std::path::Path, db: &sled::Db, seq: u64) {
    let mut e = entry(db, seq);
    e.prev = [0xAB; 32];
    put_entry(db, &e);
    let leaves: Vec<[u8; 32]> = (0..9).map(|s| entry_hash(&entry_bytes(db, s)).0).collect();
    rewrite_tree(dir, &leaves);
}

/// Store the checkpoint of tree size `from` again as that of size `to`.
fn copy_checkpoint(db: &sled::Db, from: u64, to: u64) {
    let note = db
        .get(store::layout::seq_key(store::layout::CHECKPOINT, from))
        .expect("read")
        .expect("checkpoint");
    db.insert(store::layout::seq_key(store::layout::CHECKPOINT, to), note)
        .expect("write");
}
