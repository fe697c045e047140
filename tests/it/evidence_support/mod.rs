//! Fixtures for the evidence tests (receipts, bundles, reports, consistency):
//! an archive about the Tangata strike of 13–14 November 2025 with
//! testimonies, an amendment, an annotation, a second incident, and a
//! revoked key; plus the operator's rewrite of history.
#![allow(dead_code)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use temoin::archive::{Archive, Config, CHECKPOINT_KEY_FILE};
use temoin::checkpoint::Checkpoint;
use temoin::entry::{entry_hash, Entry};
use temoin::hash::Digest;
use temoin::keys::SecretKey;
use temoin::merkle::{self, NodeStore};
use temoin::registry::{EnrollPayload, RevokePayload, Role, PAYLOAD};
use temoin::signed_note::VerifierKey;
use temoin::statement::{Draft, Kind, StatementFile};
use temoin::store::{self, Head, Store};
use temoin::treefile::{Access, TreeFile};

pub const ORIGIN: &str = "temoin.test/tombouctou";
pub const TANGATA: &str = "tangata-2025-11-13";
pub const EMIMALANE: &str = "emimalane-2025-10-24";
/// The witness's name: must never appear in a bundle that withholds `witness`.
pub const WITNESS_NAME: &str = "Fadimata Walet Mohamed";

pub fn key(name: &str) -> SecretKey {
    let seed = temoin::hash::sha256(&[b"temoin evidence test key: ", name.as_bytes()]).0;
    SecretKey::from_seed(name, &seed).expect("valid key name")
}

pub struct Keys {
    pub custodian: SecretKey,
    pub ngo: SecretKey,
    pub journalist: SecretKey,
    pub reviewer: SecretKey,
    pub checkpoint: SecretKey,
}

impl Keys {
    pub fn new() -> Keys {
        Keys {
            custodian: key("custodian"),
            ngo: key("ong-tombouctou"),
            journalist: key("journaliste"),
            reviewer: key("relecteur"),
            checkpoint: key(ORIGIN),
        }
    }

    pub fn vkey(&self) -> VerifierKey {
        VerifierKey::parse(&self.checkpoint.vkey().unwrap()).unwrap()
    }
}

/// What the fixture archive holds.
pub struct Fixture {
    pub dir: PathBuf,
    pub keys: Keys,
    /// Statement hash by name: incident, t1, t2, amendment, annotation,
    /// emimalane, t3, enroll_journalist, revoke_journalist.
    pub hashes: HashMap<&'static str, Digest>,
    pub seqs: HashMap<&'static str, u64>,
}

impl Fixture {
    pub fn open(&self) -> Archive {
        Archive::open(&self.dir).expect("open archive")
    }
    pub fn hash(&self, name: &str) -> Digest {
        self.hashes[name]
    }
    pub fn seq(&self, name: &str) -> u64 {
        self.seqs[name]
    }
}

pub fn enroll(custodian: &SecretKey, who: &SecretKey, name: &str, role: Role) -> StatementFile {
    let p = EnrollPayload {
        key: who.public().to_hex(),
        name: name.into(),
        role,
        succeeds: None,
    };
    Draft::new(Kind::Enroll)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .sign(custodian)
        .unwrap()
}

pub fn revoke(custodian: &SecretKey, who: &SecretKey, reason: &str) -> StatementFile {
    let p = RevokePayload {
        key: who.public().to_hex(),
        reason: reason.into(),
        // Distrusted from the revocation on, after every entry already
        // received: this fixture declares no entry signed after a
        // compromise (tests/it/compromised_keys.rs does).
        effective_at: temoin::time::now_ms() + 1,
    };
    Draft::new(Kind::Revoke)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .sign(custodian)
        .unwrap()
}

pub fn incident(
    author: &SecretKey,
    id: &str,
    title: &str,
    place: &str,
    date: &str,
) -> StatementFile {
    let p = serde_json::json!({
        "id": id, "title": title, "type": "drone_strike",
        "place": {"name": place, "commune": "Tin-Aïcha", "cercle": "Goundam", "region": "Tombouctou", "country": "ML",
                  "coordinates": {"lat": 16.5853, "lon": -3.4519}},
        "when": {"start": date, "precision": "exact"},
        "description": "Frappe de drone sur un campement nomade, la nuit."
    });
    Draft::new(Kind::Incident)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .sign(author)
        .unwrap()
}

pub fn testimony(
    author: &SecretKey,
    incident: &str,
    dead: u32,
    text: &str,
    witness: &str,
) -> StatementFile {
    testimony_from(
        author,
        incident,
        dead,
        ("local_notable", "notable de Tin-Aïcha"),
        text,
        witness,
    )
}

/// A testimony from a source given as (relation, description).
pub fn testimony_from(
    author: &SecretKey,
    incident: &str,
    dead: u32,
    (relation, description): (&str, &str),
    text: &str,
    witness: &str,
) -> StatementFile {
    let p = serde_json::json!({
        "incidents": [incident],
        "source": {"relation": relation, "description": description},
        "language": "fr",
        "claims": [{
            "incident": incident, "dead": dead, "children_dead": 5,
            "victims": [
                {"name": "Ali Ag Mohamed Elmehdi", "sex": "male", "age": 41, "status": "dead",
                 "relation": "époux de Toraghite Walet Innabougor"},
                {"name": "Toraghite Walet Innabougor", "sex": "female", "age": 35, "status": "dead"}
            ]
        }]
    });
    Draft::new(Kind::Testimony)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .part("text", text)
        .part("witness", witness)
        .sign(author)
        .unwrap()
}

pub fn amendment(
    author: &SecretKey,
    of: Digest,
    incident: &str,
    dead: u32,
    text: &str,
) -> StatementFile {
    let p = serde_json::json!({
        "reason": "Le témoin a précisé le nombre de morts après l'enterrement.",
        "testimony": {
            "incidents": [incident],
            "source": {"relation": "local_notable", "description": "notable de Tin-Aïcha"},
            "language": "fr",
            "claims": [{"incident": incident, "dead": dead, "children_dead": 5,
                        "victims": [{"name": "Émimalane <script>alert(1)</script>", "sex": "unknown", "status": "dead"}]}]
        }
    });
    Draft::new(Kind::Amendment)
        .reference(of)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .part("text", text)
        .part("witness", WITNESS_NAME)
        .sign(author)
        .unwrap()
}

pub fn annotation(author: &SecretKey, on: Digest, text: &str) -> StatementFile {
    let p = serde_json::json!({"stance": "contradicts", "text": text});
    Draft::new(Kind::Annotation)
        .reference(on)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .sign(author)
        .unwrap()
}

pub fn redaction(author: &SecretKey, of: Digest, label: &str) -> StatementFile {
    let p = serde_json::json!({"label": label, "reason": "Protection du témoin (décision du 20 novembre 2025)."});
    Draft::new(Kind::Redaction)
        .reference(of)
        .part(PAYLOAD, serde_json::to_vec(&p).unwrap())
        .sign(author)
        .unwrap()
}

fn accept(a: &mut Archive, f: &StatementFile) -> (u64, Digest) {
    // Distinct receipt times, so that a backdated entry differs.
    std::thread::sleep(std::time::Duration::from_millis(3));
    let r = a.ingest(f).expect("ingest").expect("accepted");
    (r.seq, r.statement_hash)
}

/// A new archive at `dir`, its genesis by `keys.custodian`, signing its
/// checkpoints with `keys.checkpoint`.
pub fn init_archive(dir: &Path, keys: &Keys) -> Archive {
    Archive::init_with_checkpoint_key(
        dir,
        Config::new(ORIGIN),
        &keys.custodian,
        "Aïssata Custodienne",
        SecretKey::from_seed(ORIGIN, keys.checkpoint.signing_key().as_bytes()).unwrap(),
    )
    .expect("init")
}

/// The Tangata archive, one statement per ingest batch (so one checkpoint
/// per entry). Entries:
/// 0 genesis, 1 enrol ngo, 2 enrol journalist, 3 enrol reviewer,
/// 4 incident Tangata, 5 t1 (ngo, 7 dead), 6 t2 (journalist, 8 dead),
/// 7 incident Émimalane, 8 t3 (Émimalane), 9 amendment of t1,
/// 10 annotation of t2, 11 revocation of the journalist.
pub fn tangata(root: &Path) -> Fixture {
    let keys = Keys::new();
    let dir = root.join("archive");
    let mut a = init_archive(&dir, &keys);
    let mut hashes = HashMap::new();
    let mut seqs = HashMap::new();
    let mut put = |name: &'static str, (s, h): (u64, Digest)| {
        hashes.insert(name, h);
        seqs.insert(name, s);
    };
    put(
        "enroll_ngo",
        accept(
            &mut a,
            &enroll(
                &keys.custodian,
                &keys.ngo,
                "ONG Tombouctou (Moussa Ag Alhassane)",
                Role::Intermediary,
            ),
        ),
    );
    put(
        "enroll_journalist",
        accept(
            &mut a,
            &enroll(
                &keys.custodian,
                &keys.journalist,
                "Mohamed AG Ahmedou, journaliste",
                Role::Intermediary,
            ),
        ),
    );
    put(
        "enroll_reviewer",
        accept(
            &mut a,
            &enroll(
                &keys.custodian,
                &keys.reviewer,
                "Éloïse Relectrice",
                Role::Reviewer,
            ),
        ),
    );
    put(
        "incident",
        accept(
            &mut a,
            &incident(
                &keys.ngo,
                TANGATA,
                "Frappe de drone sur Tangata",
                "Tangata",
                "2025-11-13",
            ),
        ),
    );
    let t1 = accept(&mut a, &testimony(&keys.ngo, TANGATA, 7,
        "Dans la nuit du 13 au 14 novembre, un drone a frappé le hangar de branches. Sept membres d'une même famille sont morts « brûlés vifs ».",
        WITNESS_NAME));
    put("t1", t1);
    let t2 = accept(
        &mut a,
        &testimony_from(
            &keys.journalist,
            TANGATA,
            8,
            (
                "press",
                "Mohamed AG Ahmedou, journaliste, d'après des habitants",
            ),
            "Huit morts selon les habitants d'Eghachar N'Tirikene & de Tin-Aïcha.",
            "Témoin anonyme n° 2",
        ),
    );
    put("t2", t2);
    put(
        "emimalane",
        accept(
            &mut a,
            &incident(
                &keys.ngo,
                EMIMALANE,
                "Frappe sur Émimalane",
                "Émimalane",
                "2025-10-24",
            ),
        ),
    );
    put(
        "t3",
        accept(
            &mut a,
            &testimony(
                &keys.ngo,
                EMIMALANE,
                8,
                "Huit morts à Émimalane, dont trois fillettes.",
                "Témoin d'Émimalane",
            ),
        ),
    );
    put(
        "amendment",
        accept(
            &mut a,
            &amendment(
                &keys.ngo,
                t1.1,
                TANGATA,
                7,
                "Correction : sept morts, dont cinq enfants âgés de 7 à 15 ans.",
            ),
        ),
    );
    put(
        "annotation",
        accept(
            &mut a,
            &annotation(
                &keys.reviewer,
                t2.1,
                "Le chiffre de huit morts n'est corroboré par aucune autre source.",
            ),
        ),
    );
    put(
        "revoke_journalist",
        accept(
            &mut a,
            &revoke(
                &keys.custodian,
                &keys.journalist,
                "ordinateur portable perdu",
            ),
        ),
    );
    drop(a);
    Fixture {
        dir,
        keys,
        hashes,
        seqs,
    }
}

/// A node store over a map, to rebuild a tree in a test.
#[derive(Default)]
pub struct MapNodes(pub HashMap<(u8, u64), [u8; 32]>);

impl NodeStore for MapNodes {
    type Error = String;
    fn node(&self, level: u8, index: u64) -> Result<[u8; 32], String> {
        self.0
            .get(&(level, index))
            .copied()
            .ok_or_else(|| format!("node ({level}, {index}) missing"))
    }
}

/// The operator rewrites history: entry `seq`'s `received_at` is moved back
/// to the previous entry's (backdating when a testimony arrived), then every later entry's `prev`,
/// every Merkle node, the head and every checkpoint are recomputed and
/// re-signed with the archive's own checkpoint key, so that the archive is
/// internally consistent again and its full audit passes.
pub fn backdate(dir: &Path, seq: u64) {
    let ck = SecretKey::load(&dir.join(CHECKPOINT_KEY_FILE)).unwrap();
    let signer = ck.note_signer().unwrap();
    let a = Archive::open(dir).unwrap();
    let st: &Store = a.store();
    let size = st.head().unwrap().size;
    let mut prev = [0u8; 32];
    let mut nodes = MapNodes::default();
    let mut last = (prev, 0i64);
    // The tree file is rewritten from scratch (a writer opened at size 0
    // cuts it to nothing).
    let tree = TreeFile::open(&dir.join(store::TREE_FILE), 0, Access::Write).unwrap();
    for n in 0..size {
        let mut e = Entry::from_bytes(&st.entry_bytes(n).unwrap().unwrap()).unwrap();
        if n == seq {
            assert!(e.received_at > last.1, "the fixture spaces receipt times");
            e.received_at = last.1;
        }
        e.prev = prev;
        let bytes = e.to_bytes();
        st.raw_db()
            .insert(
                store::layout::seq_key(store::layout::ENTRY, n),
                bytes.clone(),
            )
            .unwrap();
        let leaf = entry_hash(&bytes).0;
        let completed = merkle::nodes_completed_by_append(&nodes, n, leaf).unwrap();
        for &(level, index, h) in &completed {
            nodes.0.insert((level, index), h);
        }
        tree.append(n, &completed).unwrap();
        prev = leaf;
        last = (leaf, e.received_at);
    }
    // Every checkpoint, re-signed over the rewritten tree.
    let sizes: Vec<u64> = st
        .raw_db()
        .scan_prefix([store::layout::CHECKPOINT])
        .keys()
        .map(|k| store::layout::key_seq(&k.unwrap()).unwrap())
        .collect();
    for s in sizes {
        let root = merkle::root_at(&nodes, s).unwrap();
        let note = Checkpoint::new(ORIGIN, s, root).sign(&signer).unwrap();
        st.raw_db()
            .insert(
                store::layout::seq_key(store::layout::CHECKPOINT, s),
                note.as_bytes(),
            )
            .unwrap();
    }
    let head = Head {
        size,
        last_hash: last.0,
        last_received_at: last.1,
    };
    st.raw_db()
        .insert(
            store::layout::key(store::layout::META, b"head"),
            temoin::encoding::encode(&head),
        )
        .unwrap();
    st.raw_db().flush().unwrap();
}

/// Run the temoin binary with `args` (strings, paths): (exit code, stdout,
/// stderr).
pub fn temoin(args: &[&dyn AsRef<std::ffi::OsStr>]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_temoin"))
        .args(args.iter().map(|a| a.as_ref()))
        .env_remove("TEMOIN_ARCHIVE")
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// `run!("verify", "--archive", dir)`: [`temoin`] with mixed argument types.
#[allow(unused_macros)]
macro_rules! run {
    ($($a:expr),* $(,)?) => { temoin(&[$(&$a as &dyn AsRef<std::ffi::OsStr>),*]) };
}
