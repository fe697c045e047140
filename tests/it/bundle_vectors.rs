//! Bundle vectors (docs/FORMAT.md §12.6, `tests/vectors/bundles/`): evidence
//! bundles of a small log, one honest and one per forgery of the rules of
//! ingest, each with the verdict every verifier must give it.
//!
//! The forger is an operator: it holds the archive's checkpoint key (the
//! vector archive's demo key) and statements signed by enrolled authors, but
//! could not get them appended, since ingest refuses them. So it builds the
//! log it wants, re-signs a checkpoint over it and re-runs the projection,
//! and hands out the bundle. Only the rules can catch it.
//!
//! The generator below builds every bundle from fixed seeds, salts, ids and
//! times, so the files are reproducible; this test asserts that the files
//! are exactly what it builds and that `bundle::verify` gives each its
//! verdict. `tests/vectors/verify_vectors.py` gives each the same verdict
//! from FORMAT.md alone. Rewrite the files after a deliberate change with
//! `TEMOIN_WRITE_VECTORS=1 cargo test --test it bundle_vectors::`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine as _;
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use temoin::bundle::{
    self, AbsentPart, Bundle, BundleEntry, BundlePart, DecodedEntry, Scope, Verdict,
};
use temoin::checkpoint::Checkpoint;
use temoin::entry::{entry_hash, Entry};
use temoin::hash::{sha256, Digest};
use temoin::keys::SecretKey;
use temoin::merkle::{self, MemoryStore};
use temoin::receipt::proof_to_hex;
use temoin::registry::{EnrollPayload, GenesisPayload, RevokePayload, Role, PAYLOAD};
use temoin::signed_note::VerifierKey;
use temoin::statement::{Draft, Kind, Part, StatementBody, StatementFile};

/// The vector archive (tests/vectors/v1-note.json).
const ORIGIN: &str = "temoin.example/vectors";
const TANGATA: &str = "tangata-2025-11-13";
const EMIMALANE: &str = "emimalane-2025-10-24";
const T0: i64 = 1_763_000_000_000;

/// When the vector archive received entry `seq`: a minute apart from T0.
fn received_at(seq: u64) -> i64 {
    T0 + seq as i64 * 60_000
}

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/bundles")
}

/// The demo keys of the vectors: seed SHA-256("temoin DEMO ONLY key: " || name).
fn demo_key(key_name: &str, seed_of: &str) -> SecretKey {
    let seed = sha256(&[b"temoin DEMO ONLY key: ", seed_of.as_bytes()]).0;
    SecretKey::from_seed(key_name, &seed).unwrap()
}

struct Keys {
    custodian: SecretKey,
    journalist: SecretKey,
    reviewer: SecretKey,
    ngo: SecretKey,
    stranger: SecretKey,
    archive: SecretKey,
}

fn keys() -> Keys {
    Keys {
        custodian: demo_key("demo-custodian", "demo-custodian"),
        journalist: demo_key("demo-journalist", "demo-journalist"),
        reviewer: demo_key("demo-reviewer", "demo-reviewer"),
        ngo: demo_key("demo-ngo", "demo-ngo"),
        stranger: demo_key("demo-stranger", "demo-stranger"),
        archive: demo_key(ORIGIN, "demo-archive"),
    }
}

/// Sign a statement with id, time and salts fixed by `name`.
fn sign(
    name: &str,
    key: &SecretKey,
    kind: Kind,
    refs: &[Digest],
    parts: &[(&str, Vec<u8>)],
) -> StatementFile {
    let mut d = Draft::new(kind);
    d.id = Some(
        sha256(&[b"id ", name.as_bytes()]).0[..16]
            .try_into()
            .unwrap(),
    );
    d.created_at = Some(T0 - 3_600_000);
    d.refs = refs.to_vec();
    d.parts = parts
        .iter()
        .map(|(label, content)| Part {
            label: label.to_string(),
            salt: sha256(&[b"salt ", name.as_bytes(), b" ", label.as_bytes()]).0,
            content: content.clone(),
        })
        .collect();
    d.sign(key).unwrap()
}

fn payload(v: Value) -> (&'static str, Vec<u8>) {
    (PAYLOAD, serde_json::to_vec(&v).unwrap())
}

fn text(t: &str) -> (&'static str, Vec<u8>) {
    ("text", t.as_bytes().to_vec())
}

fn hash(f: &StatementFile) -> Digest {
    f.statement.hash()
}

fn incident_json(id: &str) -> Value {
    json!({"id": id, "title": "Frappe de drone", "type": "drone_strike",
           "place": {"name": "Tangata", "region": "Tombouctou", "country": "ML"},
           "when": {"start": "2025-11-13", "precision": "exact"}})
}

/// A testimony with a described source and several figures, one a range.
fn described_testimony_json(
    incidents: &[&str],
    dead: u32,
    relation: &str,
    description: &str,
) -> Value {
    json!({"incidents": incidents, "source": {"relation": relation, "description": description},
           "language": "fr",
           "claims": [{"incident": incidents[0], "dead": dead, "children_dead": 5,
                       "injured": {"min": 2, "max": 4}}]})
}

fn testimony_json(incidents: &[&str], dead: u32) -> Value {
    json!({"incidents": incidents, "source": {"relation": "local_notable"}, "language": "fr",
           "claims": [{"incident": incidents[0], "dead": dead}]})
}

/// The honest log, by name, in seq order.
struct Log {
    k: Keys,
    /// (name, statement, parts erased by redaction: label -> order's seq)
    items: Vec<(String, StatementFile)>,
}

impl Log {
    fn base() -> Log {
        let k = keys();
        let mut log = Log {
            k,
            items: Vec::new(),
        };
        let k = &log.k;
        let genesis = sign(
            "genesis",
            &k.custodian,
            Kind::Genesis,
            &[],
            &[payload(
                serde_json::to_value(GenesisPayload {
                    origin: ORIGIN.into(),
                    custodian_name: "Dépositaire (démo)".into(),
                    checkpoint_key: k.archive.vkey().unwrap(),
                })
                .unwrap(),
            )],
        );
        let enroll_j = enroll("enroll-journalist", k, &k.journalist, Role::Intermediary);
        let enroll_r = enroll("enroll-reviewer", k, &k.reviewer, Role::Reviewer);
        let incident = sign(
            "incident",
            &k.journalist,
            Kind::Incident,
            &[],
            &[payload(incident_json(TANGATA))],
        );
        let t1 = sign(
            "t1",
            &k.journalist,
            Kind::Testimony,
            &[],
            &[
                payload(described_testimony_json(
                    &[TANGATA],
                    7,
                    "local_notable",
                    "notable de Tin-Aïcha",
                )),
                text("Sept morts."),
                ("witness", b"Fadimata".to_vec()),
            ],
        );
        let a1 = sign(
            "a1",
            &k.journalist,
            Kind::Amendment,
            &[hash(&t1)],
            &[
                payload(
                    json!({"reason": "précision", "testimony": described_testimony_json(
                        &[TANGATA],
                        8,
                        "local_notable",
                        "Notable de  Tin-Aicha",
                    )}),
                ),
                text("Huit morts."),
            ],
        );
        let annotation = sign(
            "annotation",
            &k.reviewer,
            Kind::Annotation,
            &[hash(&a1)],
            &[payload(json!({"stance": "corroborates", "text": "Vu."}))],
        );
        let incident2 = sign(
            "incident2",
            &k.journalist,
            Kind::Incident,
            &[],
            &[payload(incident_json(EMIMALANE))],
        );
        let t2 = sign(
            "t2",
            &k.journalist,
            Kind::Testimony,
            &[],
            &[
                payload(described_testimony_json(
                    &[TANGATA, EMIMALANE],
                    3,
                    "press",
                    "Le Méridional",
                )),
                text("Trois morts."),
            ],
        );
        let redaction = sign(
            "redaction",
            &k.custodian,
            Kind::Redaction,
            &[hash(&t1)],
            &[payload(json!({"label": "witness", "reason": "protection"}))],
        );
        let note = sign("note", &k.reviewer, Kind::Note, &[], &[text("Relu.")]);
        // The same source as a1's once folded: one independent source.
        let t3 = sign(
            "t3",
            &k.journalist,
            Kind::Testimony,
            &[],
            &[
                payload(described_testimony_json(
                    &[TANGATA],
                    6,
                    "local_notable",
                    "NOTABLE de Tin‑Aïcha",
                )),
                text("Six morts."),
            ],
        );
        for (n, f) in [
            ("genesis", genesis),
            ("enroll-journalist", enroll_j),
            ("enroll-reviewer", enroll_r),
            ("incident", incident),
            ("t1", t1),
            ("a1", a1),
            ("annotation", annotation),
            ("incident2", incident2),
            ("t2", t2),
            ("redaction", redaction),
            ("note", note),
            ("t3", t3),
        ] {
            log.items.push((n.to_string(), f));
        }
        log
    }

    fn get(&self, name: &str) -> &StatementFile {
        &self.items.iter().find(|(n, _)| n == name).unwrap().1
    }

    fn seq(&self, name: &str) -> u64 {
        self.items.iter().position(|(n, _)| n == name).unwrap() as u64
    }

    fn push(mut self, name: &str, f: StatementFile) -> Log {
        self.items.push((name.to_string(), f));
        self
    }
}

fn enroll(name: &str, k: &Keys, who: &SecretKey, role: Role) -> StatementFile {
    sign(
        name,
        &k.custodian,
        Kind::Enroll,
        &[],
        &[payload(
            serde_json::to_value(EnrollPayload {
                key: who.public().to_hex(),
                name: who.name().to_string(),
                role,
                succeeds: None,
            })
            .unwrap(),
        )],
    )
}

/// The bundle of `seqs` (every entry if `None`) of `log`, against a
/// checkpoint of the whole log signed with the archive key, with the authors
/// and projection the verifier recomputes filled in (as a forger would).
fn build(log: &Log, scope: Scope, seqs: Option<&[u64]>) -> Bundle {
    build_beside(log, scope, seqs, &[]).0
}

/// Files beside a bundle, held in memory: name -> bytes.
type Files = BTreeMap<String, Vec<u8>>;

/// The files of a vector, as a verifier finds them beside its bundle.
struct MemFiles<'a>(&'a Files);

impl bundle::BesideParts for MemFiles<'_> {
    fn open(&self, name: &str) -> Option<std::io::Result<Box<dyn std::io::Read + '_>>> {
        self.0
            .get(name)
            .map(|b| Ok(Box::new(&b[..]) as Box<dyn std::io::Read>))
    }
}

/// [`build`], with the parts `beside` names (statement name, label) beside
/// the bundle (FORMAT.md §12.2): the bundle and those files.
fn build_beside(
    log: &Log,
    scope: Scope,
    seqs: Option<&[u64]>,
    beside: &[(&str, &str)],
) -> (Bundle, Files) {
    let mut files = Files::new();
    // Parts erased in the archive: the target of each redaction order.
    let mut erased: BTreeMap<(Digest, String), u64> = BTreeMap::new();
    for (seq, (_, f)) in log.items.iter().enumerate() {
        let body = StatementBody::decode(&f.statement.body_bytes).unwrap();
        if body.kind == Kind::Redaction {
            let p: Value = serde_json::from_slice(&f.parts[0].content).unwrap();
            let label = p["label"].as_str().unwrap().to_string();
            erased
                .entry((Digest(body.refs[0]), label))
                .or_insert(seq as u64);
        }
    }
    let mut prev = [0u8; 32];
    let mut tree = MemoryStore::new();
    let mut all = Vec::new();
    for (seq, (name, f)) in log.items.iter().enumerate() {
        let entry = Entry {
            seq: seq as u64,
            prev,
            received_at: received_at(seq as u64),
            statement: f.statement.clone(),
        };
        let bytes = entry.to_bytes();
        prev = entry_hash(&bytes).0;
        tree.push(prev).unwrap();
        all.push((entry, bytes, f, name));
    }
    let size = all.len() as u64;
    let root = merkle::root_at(&tree, size).unwrap();
    let checkpoint = Checkpoint::new(ORIGIN, size, root)
        .sign(&log.k.archive.note_signer().unwrap())
        .unwrap();
    let mut entries = Vec::new();
    for (entry, bytes, f, name) in &all {
        if seqs.is_some_and(|s| !s.contains(&entry.seq)) {
            continue;
        }
        let body = StatementBody::decode(&entry.statement.body_bytes).unwrap();
        let h = entry.statement.hash();
        let mut parts = Vec::new();
        let mut absent = Vec::new();
        for p in &f.parts {
            match erased.get(&(h, p.label.clone())) {
                Some(&by) if p.label != PAYLOAD => absent.push(AbsentPart {
                    label: p.label.clone(),
                    why: bundle::REDACTED.into(),
                    by_seq: Some(by),
                }),
                _ if beside.contains(&(name.as_str(), p.label.as_str())) => {
                    let digest = p.commitment().digest;
                    files.insert(hex::encode(digest), p.content.clone());
                    parts.push(BundlePart::beside(&p.label, &p.salt, &Digest(digest)));
                }
                _ => parts.push(BundlePart::inline(&p.label, &p.salt, &p.content)),
            }
        }
        // A sealed part is in no statement file and no bundle.
        for c in &body.parts {
            if temoin::seal::is_sealed(&body, &c.label) {
                absent.push(AbsentPart {
                    label: c.label.clone(),
                    why: bundle::SEALED.into(),
                    by_seq: None,
                });
            }
        }
        entries.push(BundleEntry {
            seq: entry.seq,
            entry: B64.encode(bytes),
            entry_hash: entry_hash(bytes).to_hex(),
            statement_hash: h.to_hex(),
            inclusion_proof: proof_to_hex(
                &merkle::inclusion_proof(&tree, entry.seq, size).unwrap(),
            ),
            decoded: DecodedEntry::of(entry, &body),
            parts,
            absent,
            signed_after_compromise: None,
        });
    }
    let mut b = Bundle {
        format: bundle::BUNDLE_FORMAT.into(),
        about: bundle::ABOUT.into(),
        origin: ORIGIN.into(),
        exported_at: "2025-11-20T00:00:00Z".into(),
        scope,
        checkpoint,
        timestamps: Vec::new(),
        withheld_labels: Vec::new(),
        entries,
        authors: Vec::new(),
        projection_format: bundle::PROJECTION_FORMAT.into(),
        projection: Value::Null,
    };
    let v = bundle::verify_with(&b, &archive_vkey(log), &MemFiles(&files));
    b.authors = v.authors;
    b.projection = v.projection.unwrap_or(Value::Null);
    for (be, c) in b.entries.iter_mut().zip(&v.entries) {
        assert_eq!(be.seq, c.seq);
        be.signed_after_compromise = c.compromise;
    }
    (b, files)
}

fn archive_vkey(log: &Log) -> VerifierKey {
    VerifierKey::parse(&log.k.archive.vkey().unwrap()).unwrap()
}

/// What a verifier must say of a vector.
#[derive(Clone, Debug, PartialEq)]
enum Expect {
    /// Verified; the seqs of the entries with a rule not established, and
    /// of those signed after a declared compromise (findings).
    Verified(Vec<u64>, Vec<u64>),
    /// Refused: the first entry with a fault, that fault's kind, and the
    /// rule it breaks (see `rule_of`).
    Refused(u64, &'static str, &'static str),
}

struct Vector {
    name: &'static str,
    about: &'static str,
    bundle: Bundle,
    expect: Expect,
    /// The files beside the bundle, for a vector in a directory of its own
    /// (`<name>/<name>.bundle.json` and the files); `None` for a bundle
    /// alone (`<name>.bundle.json`).
    beside: Option<Files>,
}

impl Vector {
    /// Its bundle file, relative to the vectors' directory.
    fn file(&self) -> String {
        match self.beside {
            Some(_) => format!("{0}/{0}.bundle.json", self.name),
            None => format!("{}.bundle.json", self.name),
        }
    }

    fn verify(&self, key: &VerifierKey) -> Verdict {
        let none = Files::new();
        let files = self.beside.as_ref().unwrap_or(&none);
        bundle::verify_with(&self.bundle, key, &MemFiles(files))
    }
}

/// Every vector. Forged statements are appended after the honest log
/// (entries 0..=11) unless said otherwise.
fn vectors() -> Vec<Vector> {
    let mut out = Vec::new();
    let base = Log::base();
    let k = keys();
    let n = base.items.len() as u64; // the first forged entry's seq
    let mut add = |name, about, bundle, expect| {
        out.push(Vector {
            name,
            about,
            bundle,
            expect,
            beside: None,
        })
    };

    // Honest bundles.
    add(
        "all-verified",
        "the whole honest log: genesis, enrolments, two incidents, testimonies, an amendment, an annotation, a redaction, a note",
        build(&base, Scope::All, None),
        Expect::Verified(vec![], vec![]),
    );
    let inc_seqs: Vec<u64> = [
        "genesis",
        "enroll-journalist",
        "enroll-reviewer",
        "incident",
        "t1",
        "a1",
        "annotation",
        "t2",
        "redaction",
        "t3",
    ]
    .iter()
    .map(|s| base.seq(s))
    .collect();
    add(
        "incident-verified",
        "an honest incident bundle: t2 also names an incident whose record it does not hold (not established)",
        build(&base, Scope::Incident(TANGATA.into()), Some(&inc_seqs)),
        Expect::Verified(vec![base.seq("t2")], vec![]),
    );
    let a1 = hash(base.get("a1"));
    let st_seqs: Vec<u64> = [
        "genesis",
        "enroll-journalist",
        "enroll-reviewer",
        "t1",
        "a1",
        "redaction",
    ]
    .iter()
    .map(|s| base.seq(s))
    .collect();
    add(
        "statement-verified",
        "an honest statement bundle of the amendment, with the testimony it amends: the incident they name is opened outside it (not established)",
        build(&base, Scope::Statement(a1.to_hex()), Some(&st_seqs)),
        Expect::Verified(vec![base.seq("t1")], vec![]),
    );

    // A key declared compromised since a time before some of its entries
    // (DESIGN §8): the journalist's key is revoked at entry n, distrusted
    // since t2's receipt. t2 and t3, received from then on, are signed
    // after a declared compromise: findings, out of the figures; the
    // earlier entries stand.
    let compromise = sign(
        "revoke-journalist-compromised",
        &k.custodian,
        Kind::Revoke,
        &[],
        &[payload(
            serde_json::to_value(RevokePayload {
                key: k.journalist.public().to_hex(),
                reason: "ordinateur saisi à un barrage".into(),
                effective_at: received_at(base.seq("t2")),
            })
            .unwrap(),
        )],
    );
    let log = Log::base().push("revoke-compromised", compromise);
    let tainted = vec![base.seq("t2"), base.seq("t3")];
    add(
        "all-compromised",
        "the whole log and a revocation of the journalist's key, distrusted since t2 was received: t2 and t3 are signed after a declared compromise (findings; out of the figures)",
        build(&log, Scope::All, None),
        Expect::Verified(vec![], tainted.clone()),
    );
    let mut inc_compromised = inc_seqs.clone();
    inc_compromised.push(n);
    add(
        "incident-compromised",
        "the Tangata bundle of that log: it carries the revocation, so t2 and t3 are flagged and out of the figures",
        build(&log, Scope::Incident(TANGATA.into()), Some(&inc_compromised)),
        Expect::Verified(vec![base.seq("t2")], tainted),
    );
    let mut hidden = build(&log, Scope::All, None);
    for be in &mut hidden.entries {
        be.signed_after_compromise = None;
    }
    add(
        "all-compromise-hidden",
        "the same whole-log bundle with the flags of t2 and t3 removed by the operator",
        hidden,
        Expect::Refused(base.seq("t2"), "compromise", "signed-after-compromise"),
    );

    // The forgeries of issue 11.
    let t1 = base.get("t1").clone();
    let log = Log::base().push("t1-again", t1.clone());
    add(
        "all-statement-twice",
        "a testimony appended a second time (it would count twice)",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "once"),
    );
    let later = sign("later", &k.reviewer, Kind::Note, &[], &[text("Plus tard.")]);
    let log = Log::base()
        .push(
            "ref-later",
            sign(
                "ref-later",
                &k.reviewer,
                Kind::Annotation,
                &[hash(&later)],
                &[payload(json!({"stance": "note", "text": "?"}))],
            ),
        )
        .push("later", later);
    add(
        "all-ref-to-later-entry",
        "an annotation whose ref names the entry after it",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "ref-later"),
    );
    let nowhere = sign("nowhere", &k.reviewer, Kind::Note, &[], &[text("Absent.")]);
    let log = Log::base().push(
        "ref-unknown",
        sign(
            "ref-unknown",
            &k.reviewer,
            Kind::Annotation,
            &[hash(&nowhere)],
            &[payload(json!({"stance": "note", "text": "?"}))],
        ),
    );
    add(
        "all-ref-not-in-log",
        "an annotation of a statement that is not in the log",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "ref-unknown"),
    );
    let mut log = Log::base();
    let genesis_p = log.get("genesis").parts[0].content.clone();
    log.items[0].1 = sign(
        "genesis-ref",
        &k.custodian,
        Kind::Genesis,
        &[hash(&nowhere)],
        &[(PAYLOAD, genesis_p)],
    );
    add(
        "all-genesis-with-ref",
        "a genesis statement that refers to another statement",
        build(&log, Scope::All, None),
        Expect::Refused(0, "rules", "genesis-refs"),
    );
    let log = Log::base().push(
        "note-no-text",
        sign(
            "note-no-text",
            &k.reviewer,
            Kind::Note,
            &[],
            &[("body", b"Sans texte.".to_vec())],
        ),
    );
    add(
        "all-note-without-text",
        "a note that commits no text part",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "missing-part"),
    );
    let amend = |name: &str, key: &SecretKey, refs: &[Digest], dead: u32| {
        sign(
            name,
            key,
            Kind::Amendment,
            refs,
            &[
                payload(json!({"reason": "autre", "testimony": testimony_json(&[TANGATA], dead)})),
                text("Autre version."),
            ],
        )
    };
    let log = Log::base().push(
        "amend-old",
        amend("amend-old", &k.journalist, &[hash(&t1)], 20),
    );
    add(
        "all-amend-superseded",
        "an amendment of a version already superseded",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "superseded"),
    );
    let incident_h = hash(base.get("incident"));
    let log = Log::base().push(
        "amend-two-refs",
        amend("amend-two-refs", &k.journalist, &[a1, incident_h], 20),
    );
    add(
        "all-amend-two-refs",
        "an amendment with two refs",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "ref-count"),
    );
    let redact = |name: &str, of: Digest, label: &str| {
        sign(
            name,
            &k.custodian,
            Kind::Redaction,
            &[of],
            &[payload(json!({"label": label, "reason": "protection"}))],
        )
    };
    let log = Log::base().push("re-redact", redact("re-redact", hash(&t1), "witness"));
    add(
        "all-redact-redacted",
        "a redaction order of a part already erased",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "redacted"),
    );
    let retract = |name: &str, key: &SecretKey, of: Digest| {
        sign(
            name,
            key,
            Kind::Retraction,
            &[of],
            &[payload(json!({"reason": "retiré"}))],
        )
    };
    let log = Log::base().push(
        "retract-incident",
        retract("retract-incident", &k.journalist, incident_h),
    );
    add(
        "all-retract-incident",
        "a retraction of an incident record (only testimonies are retracted)",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "target"),
    );
    let log = Log::base().push(
        "testimony-no-text",
        sign(
            "testimony-no-text",
            &k.journalist,
            Kind::Testimony,
            &[],
            &[payload(testimony_json(&[TANGATA], 50))],
        ),
    );
    add(
        "all-testimony-without-text",
        "a testimony that commits no text part",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "missing-part"),
    );

    // One per remaining rule of FORMAT.md §10.
    let mut log = Log::base();
    log.items.swap(0, 1);
    add(
        "all-entry0-not-genesis",
        "entry 0 is an enrolment, not the genesis",
        build(&log, Scope::All, None),
        Expect::Refused(0, "registry", "entry0-genesis"),
    );
    let log = Log::base().push(
        "unenrolled",
        sign("unenrolled", &k.stranger, Kind::Note, &[], &[text("Qui ?")]),
    );
    add(
        "all-unenrolled-author",
        "a note signed by a key that was never enrolled",
        build(&log, Scope::All, None),
        Expect::Refused(n, "authority", "authorised"),
    );
    let log = Log::base().push(
        "reviewer-testimony",
        sign(
            "reviewer-testimony",
            &k.reviewer,
            Kind::Testimony,
            &[],
            &[payload(testimony_json(&[TANGATA], 9)), text("Neuf.")],
        ),
    );
    add(
        "all-role-may-not-sign",
        "a testimony signed by a reviewer (reviewers annotate, merge and write notes)",
        build(&log, Scope::All, None),
        Expect::Refused(n, "authority", "authorised"),
    );
    let revoke = sign(
        "revoke-journalist",
        &k.custodian,
        Kind::Revoke,
        &[],
        &[payload(
            serde_json::to_value(RevokePayload {
                key: k.journalist.public().to_hex(),
                reason: "clé perdue".into(),
                effective_at: T0,
            })
            .unwrap(),
        )],
    );
    let log = Log::base().push("revoke", revoke).push(
        "after-revoke",
        sign(
            "after-revoke",
            &k.journalist,
            Kind::Note,
            &[],
            &[text("Encore.")],
        ),
    );
    add(
        "all-revoked-author",
        "a note by a key after its revocation",
        build(&log, Scope::All, None),
        Expect::Refused(n + 1, "authority", "authorised"),
    );
    let log = Log::base().push(
        "enroll-again",
        enroll("enroll-again", &k, &k.journalist, Role::Custodian),
    );
    add(
        "all-enrolled-twice",
        "a key enrolled a second time",
        build(&log, Scope::All, None),
        Expect::Refused(n, "registry", "registry-change"),
    );
    let log = Log::base().push(
        "incident-no-payload",
        sign(
            "incident-no-payload",
            &k.journalist,
            Kind::Incident,
            &[],
            &[text("Sans payload.")],
        ),
    );
    add(
        "all-missing-payload",
        "an incident that commits no payload part",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "missing-part"),
    );
    let log = Log::base().push(
        "unknown-incident",
        sign(
            "unknown-incident",
            &k.journalist,
            Kind::Testimony,
            &[],
            &[
                payload(testimony_json(&["nulle-part"], 4)),
                text("Ailleurs."),
            ],
        ),
    );
    add(
        "all-unknown-incident",
        "a testimony naming an incident never opened",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "named-incident"),
    );
    let log = Log::base().push(
        "incident-again",
        sign(
            "incident-again",
            &k.journalist,
            Kind::Incident,
            &[],
            &[payload(incident_json(TANGATA))],
        ),
    );
    add(
        "all-incident-opened-twice",
        "an incident id opened a second time",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "incident-taken"),
    );
    let log = Log::base().push(
        "amend-wrong-target",
        amend("amend-wrong-target", &k.journalist, &[incident_h], 5),
    );
    add(
        "all-amend-wrong-target",
        "a testimony amendment whose target is an incident record",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "target"),
    );
    let log = Log::base()
        .push("retract-a1", retract("retract-a1", &k.journalist, a1))
        .push(
            "amend-retracted",
            amend("amend-retracted", &k.journalist, &[a1], 5),
        );
    add(
        "all-amend-retracted",
        "an amendment of a retracted testimony",
        build(&log, Scope::All, None),
        Expect::Refused(n + 1, "rules", "retracted"),
    );
    let log = Log::base()
        .push(
            "enroll-ngo",
            enroll("enroll-ngo", &k, &k.ngo, Role::Intermediary),
        )
        .push(
            "amend-not-owner",
            amend("amend-not-owner", &k.ngo, &[a1], 5),
        );
    add(
        "all-amend-not-owner",
        "an amendment by an intermediary who is not the record's author",
        build(&log, Scope::All, None),
        Expect::Refused(n + 1, "authority", "owner"),
    );

    // Key succession (FORMAT.md §10.2): the NGO's key is enrolled as the
    // successor of the journalist's, which is then revoked; the successor
    // amends and retracts the journalist's records.
    let succeed = |name: &str, who: &SecretKey, old: &SecretKey| {
        sign(
            name,
            &k.custodian,
            Kind::Enroll,
            &[],
            &[payload(
                serde_json::to_value(EnrollPayload {
                    key: who.public().to_hex(),
                    name: who.name().to_string(),
                    role: Role::Intermediary,
                    succeeds: Some(old.public().to_hex()),
                })
                .unwrap(),
            )],
        )
    };
    let revoke_journalist = sign(
        "revoke-journalist-succeeded",
        &k.custodian,
        Kind::Revoke,
        &[],
        &[payload(
            serde_json::to_value(RevokePayload {
                key: k.journalist.public().to_hex(),
                reason: "ordinateur saisi ; nouvelle clé".into(),
                effective_at: received_at(n + 1),
            })
            .unwrap(),
        )],
    );
    let successor_amends = Log::base()
        .push(
            "enroll-successor",
            succeed("enroll-successor", &k.ngo, &k.journalist),
        )
        .push("revoke-journalist-succeeded", revoke_journalist);
    let successor_amends = {
        let a2 = amend("successor-amends", &k.ngo, &[a1], 9);
        let a2h = hash(&a2);
        successor_amends.push("successor-amends", a2).push(
            "successor-retracts",
            retract("successor-retracts", &k.ngo, a2h),
        )
    };
    add(
        "all-successor-amends",
        "a key enrolled as the successor of the journalist's (then revoked) amends and retracts her testimony",
        build(&successor_amends, Scope::All, None),
        Expect::Verified(vec![], vec![]),
    );
    let log = Log::base()
        .push(
            "enroll-successor-of-reviewer",
            succeed("enroll-successor-of-reviewer", &k.ngo, &k.reviewer),
        )
        .push(
            "amend-not-successor",
            amend("amend-not-successor", &k.ngo, &[a1], 5),
        );
    add(
        "all-amend-not-successor",
        "an amendment of the journalist's testimony by the successor of another key",
        build(&log, Scope::All, None),
        Expect::Refused(n + 1, "authority", "owner"),
    );
    let log = Log::base()
        .push(
            "enroll-successor",
            succeed("enroll-successor", &k.ngo, &k.journalist),
        )
        .push(
            "enroll-second-successor",
            succeed("enroll-second-successor", &k.stranger, &k.journalist),
        );
    add(
        "all-succeeded-twice",
        "a second successor of the same key (a succession never forks)",
        build(&log, Scope::All, None),
        Expect::Refused(n + 1, "registry", "registry-change"),
    );
    let log = Log::base().push(
        "enroll-successor-of-unknown",
        succeed("enroll-successor-of-unknown", &k.ngo, &k.stranger),
    );
    add(
        "all-succeeds-unknown",
        "a successor of a key that was never enrolled",
        build(&log, Scope::All, None),
        Expect::Refused(n, "registry", "registry-change"),
    );
    let log = Log::base().push(
        "enroll-successor-of-itself",
        succeed("enroll-successor-of-itself", &k.ngo, &k.ngo),
    );
    add(
        "all-succeeds-itself",
        "a key enrolled as its own successor (a succession never loops)",
        build(&log, Scope::All, None),
        Expect::Refused(n, "registry", "registry-change"),
    );
    let log = Log::base().push(
        "incident-id-changed",
        sign(
            "incident-id-changed",
            &k.journalist,
            Kind::Amendment,
            &[incident_h],
            &[payload(
                json!({"reason": "renommé", "incident": incident_json("autre-id")}),
            )],
        ),
    );
    add(
        "all-incident-id-changed",
        "an incident amendment that changes the incident's id",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "incident-id"),
    );
    let log = Log::base()
        .push("retract-a1", retract("retract-a1", &k.journalist, a1))
        .push("retract-again", retract("retract-again", &k.journalist, a1));
    add(
        "all-retract-twice",
        "a testimony retracted twice",
        build(&log, Scope::All, None),
        Expect::Refused(n + 1, "rules", "retracted"),
    );
    let log = Log::base().push(
        "retract-superseded",
        retract("retract-superseded", &k.journalist, hash(&t1)),
    );
    add(
        "all-retract-superseded",
        "a retraction of a superseded version",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "superseded"),
    );
    let log = Log::base().push(
        "annotation-no-ref",
        sign(
            "annotation-no-ref",
            &k.reviewer,
            Kind::Annotation,
            &[],
            &[payload(json!({"stance": "note", "text": "De quoi ?"}))],
        ),
    );
    add(
        "all-annotation-without-ref",
        "an annotation with no ref",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "ref-count"),
    );
    let merge = |name: &str| {
        sign(
            name,
            &k.reviewer,
            Kind::Merge,
            &[],
            &[payload(
                json!({"from": EMIMALANE, "into": TANGATA, "reason": "même frappe"}),
            )],
        )
    };
    let log = Log::base()
        .push("merge", merge("merge"))
        .push("merge-again", merge("merge-again"));
    add(
        "all-merged-twice",
        "an incident merged when it is already merged",
        build(&log, Scope::All, None),
        Expect::Refused(n + 1, "rules", "merged"),
    );
    let enroll_h = hash(base.get("enroll-journalist"));
    let log = Log::base().push(
        "redact-registry",
        redact("redact-registry", enroll_h, "witness"),
    );
    add(
        "all-redact-registry",
        "a redaction order on a registry statement",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "redact-registry"),
    );
    let log = Log::base().push(
        "redact-no-part",
        redact("redact-no-part", incident_h, "witness"),
    );
    add(
        "all-redact-no-such-part",
        "a redaction order of a part the target does not commit",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "redact-label"),
    );
    let log = Log::base().push(
        "redact-payload",
        redact("redact-payload", hash(base.get("t2")), PAYLOAD),
    );
    add(
        "all-redact-payload",
        "a redaction order of a payload",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "payload"),
    );

    let log = Log::base().push(
        "late-genesis",
        sign(
            "late-genesis",
            &k.custodian,
            Kind::Genesis,
            &[],
            &[(PAYLOAD, base.get("genesis").parts[0].content.clone())],
        ),
    );
    add(
        "all-late-genesis",
        "a second genesis statement, after entry 0",
        build(&log, Scope::All, None),
        Expect::Refused(n, "authority", "authorised"),
    );
    let log = Log::base().push(
        "revoke-custodian",
        sign(
            "revoke-custodian",
            &k.custodian,
            Kind::Revoke,
            &[],
            &[payload(
                serde_json::to_value(RevokePayload {
                    key: k.custodian.public().to_hex(),
                    reason: "départ".into(),
                    effective_at: T0,
                })
                .unwrap(),
            )],
        ),
    );
    add(
        "all-revoke-last-custodian",
        "the revocation of the last active custodian",
        build(&log, Scope::All, None),
        Expect::Refused(n, "registry", "registry-change"),
    );
    let log = Log::base().push(
        "merge-unknown",
        sign(
            "merge-unknown",
            &k.reviewer,
            Kind::Merge,
            &[],
            &[payload(
                json!({"from": "nulle-part", "into": TANGATA, "reason": "même frappe"}),
            )],
        ),
    );
    add(
        "all-merge-unknown-incident",
        "a merge of an incident never opened",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "named-incident"),
    );
    let log = Log::base().push(
        "claim-unknown",
        sign(
            "claim-unknown",
            &k.journalist,
            Kind::SummaryClaim,
            &[],
            &[payload(json!({
                "source": {"relation": "press", "description": "Le Méridional"},
                "text": "23 civils tués en trois semaines.",
                "from": "2025-10-24", "to": "2025-11-14",
                "incidents": [TANGATA, "nulle-part"],
                "figures": {"dead": 23}
            }))],
        ),
    );
    add(
        "all-summary-claim-unknown-incident",
        "a summary claim naming an incident never opened",
        build(&log, Scope::All, None),
        Expect::Refused(n, "rules", "named-incident"),
    );
    let log = Log::base().push(
        "redaction-by-intermediary",
        sign(
            "redaction-by-intermediary",
            &k.journalist,
            Kind::Redaction,
            &[hash(base.get("t2"))],
            &[payload(json!({"label": "text", "reason": "protection"}))],
        ),
    );
    add(
        "all-redaction-by-intermediary",
        "a redaction order signed by an intermediary (custodians only)",
        build(&log, Scope::All, None),
        Expect::Refused(n, "authority", "authorised"),
    );

    // Partial bundles: what they hold is enough to refuse these.
    let with = |extra: &[u64]| -> Vec<u64> {
        let mut s = inc_seqs.clone();
        s.extend_from_slice(extra);
        s
    };
    let log = Log::base().push("t1-again", t1.clone());
    add(
        "incident-statement-twice",
        "an incident bundle holding a testimony appended twice",
        build(&log, Scope::Incident(TANGATA.into()), Some(&with(&[n]))),
        Expect::Refused(n, "rules", "once"),
    );
    let later = sign("later", &k.reviewer, Kind::Note, &[], &[text("Plus tard.")]);
    let log = Log::base()
        .push(
            "ref-later",
            sign(
                "ref-later",
                &k.journalist,
                Kind::Amendment,
                &[a1],
                &[
                    payload(json!({"reason": "x", "testimony": testimony_json(&[TANGATA], 9)})),
                    text("Neuf."),
                ],
            ),
        )
        .push("later", later);
    // An amendment whose only ref is fine, then one that refers to a later entry.
    let later2 = sign("later2", &k.journalist, Kind::Note, &[], &[text("Après.")]);
    let log = log
        .push(
            "annotation-later",
            sign(
                "annotation-later",
                &k.reviewer,
                Kind::Annotation,
                &[hash(&later2)],
                &[payload(json!({"stance": "note", "text": "?"}))],
            ),
        )
        .push("later2", later2);
    add(
        "incident-ref-to-later-entry",
        "an incident bundle with an annotation whose ref names a later entry of the bundle",
        build(
            &log,
            Scope::Incident(TANGATA.into()),
            Some(&with(&[n, n + 2, n + 3])),
        ),
        Expect::Refused(n + 2, "rules", "ref-later"),
    );
    let without_t1: Vec<u64> = inc_seqs
        .iter()
        .copied()
        .filter(|&s| s != base.seq("t1"))
        .collect();
    add(
        "incident-ref-target-left-out",
        "an incident bundle that leaves out the testimony its amendment refers to",
        build(&base, Scope::Incident(TANGATA.into()), Some(&without_t1)),
        Expect::Refused(base.seq("a1"), "rules", "ref-unknown"),
    );
    let log = Log::base().push(
        "note-no-text",
        sign(
            "note-no-text",
            &k.reviewer,
            Kind::Note,
            &[],
            &[("body", b"Sans texte.".to_vec())],
        ),
    );
    add(
        "incident-note-without-text",
        "an incident bundle holding a note with no text part",
        build(&log, Scope::Incident(TANGATA.into()), Some(&with(&[n]))),
        Expect::Refused(n, "rules", "missing-part"),
    );

    // Attachments (FORMAT.md §3.9) and sealed parts (§3.8), carried in the
    // bundle or beside it (§12.2): statement bundles of one note after the
    // honest log, with every registry entry.
    let registry = [0, 1, 2];
    let photo_note = |name: &str, media_type: &str| {
        sign(
            name,
            &k.journalist,
            Kind::Note,
            &[],
            &[
                text("Le marché de Tangata après la frappe."),
                ("photo", crate::statement_vectors::vector_photo()),
                ("photo.type", media_type.as_bytes().to_vec()),
            ],
        )
    };
    let photo = photo_note("photo", "image/jpeg");
    let log = Log::base().push("photo", photo.clone());
    let photo_scope = Scope::Statement(hash(&photo).to_hex());
    let seqs = [&registry[..], &[n]].concat();
    let of = |beside: &[(&str, &str)]| build_beside(&log, photo_scope.clone(), Some(&seqs), beside);
    add(
        "statement-attachment",
        "a note with a photo and its media type (photo.type = image/jpeg), both in the bundle",
        of(&[]).0,
        Expect::Verified(vec![], vec![]),
    );
    add(
        "statement-attachment-both",
        "the photo part has both \"content\" and \"beside\"",
        {
            let mut b = of(&[]).0;
            let p = &mut b.entries.last_mut().unwrap().parts[1];
            p.beside = Some(hex::encode(photo.parts[1].commitment().digest));
            b
        },
        Expect::Refused(n, "format", "beside-shape"),
    );
    let log_bad = Log::base().push("photo-bad-type", photo_note("photo-bad-type", "Image/JPEG"));
    let bad_photo = hash(log_bad.get("photo-bad-type"));
    add(
        "statement-attachment-bad-type",
        "a note whose photo.type is \"Image/JPEG\" (the archive would refuse it; the operator appended it)",
        build(&log_bad, Scope::Statement(bad_photo.to_hex()), Some(&seqs)),
        Expect::Refused(n, "part", "media-type"),
    );

    // The vector author of tests/vectors/statements/, enrolled, and its
    // note whose witness is sealed (sealed-valid.tms: age encrypts with
    // fresh randomness, so it is the file kept there, not one made here).
    let statements = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/vectors/statements");
    let sealed =
        StatementFile::from_bytes(&std::fs::read(statements.join("sealed-valid.tms")).unwrap())
            .unwrap();
    let vector_author = SecretKey::from_seed("vector-author", &[0x42; 32]).unwrap();
    let log_sealed = Log::base()
        .push(
            "enroll-vector-author",
            enroll(
                "enroll-vector-author",
                &k,
                &vector_author,
                Role::Intermediary,
            ),
        )
        .push("sealed", sealed.clone());
    let sealed_scope = Scope::Statement(hash(&sealed).to_hex());
    let sealed_seqs = [&registry[..], &[n, n + 1]].concat();
    add(
        "statement-sealed",
        "a note whose witness part is sealed to a reader (tests/vectors/statements/sealed-valid.tms, its author enrolled): witness declared sealed, its companions in the bundle",
        build(&log_sealed, sealed_scope.clone(), Some(&sealed_seqs)),
        Expect::Verified(vec![], vec![]),
    );
    let reader = temoin::seal::ReaderIdentity::parse_file(
        &std::fs::read_to_string(statements.join("sealed-reader.key")).unwrap(),
    )
    .unwrap();
    let sealed_body = StatementBody::decode(&sealed.statement.body_bytes).unwrap();
    let age = sealed
        .parts
        .iter()
        .find(|p| p.label == "witness.age")
        .unwrap();
    let plain =
        temoin::seal::unseal(&age.content, &reader, sealed_body.part("witness").unwrap()).unwrap();
    add(
        "statement-sealed-in-clear",
        "the same bundle carrying the witness part in clear (as the vector reader opens it)",
        {
            let mut b = build(&log_sealed, sealed_scope.clone(), Some(&sealed_seqs));
            let e = b.entries.last_mut().unwrap();
            e.absent.clear();
            e.parts.push(BundlePart::inline(
                &plain.label,
                &plain.salt,
                &plain.content,
            ));
            b
        },
        Expect::Refused(n + 1, "part", "sealed-in-clear"),
    );

    // Beside the bundle: each in a directory of its own, with its files.
    let mut dir_vector = |name, about, (bundle, files): (Bundle, Files), expect| {
        out.push(Vector {
            name,
            about,
            bundle,
            expect,
            beside: Some(files),
        })
    };
    let photo_file = hex::encode(photo.parts[1].commitment().digest);
    dir_vector(
        "statement-attachment-beside",
        "the photo beside the bundle, as the file named by its digest (its bytes alone)",
        of(&[("photo", "photo")]),
        Expect::Verified(vec![], vec![]),
    );
    dir_vector(
        "statement-sealed-beside",
        "the sealed witness's ciphertext witness.age beside the bundle",
        build_beside(
            &log_sealed,
            sealed_scope,
            Some(&sealed_seqs),
            &[("sealed", "witness.age")],
        ),
        Expect::Verified(vec![], vec![]),
    );
    dir_vector(
        "statement-attachment-beside-altered",
        "the photo beside the bundle with its byte 100 changed",
        {
            let (b, mut files) = of(&[("photo", "photo")]);
            files.get_mut(&photo_file).unwrap()[100] ^= 0x01;
            (b, files)
        },
        Expect::Refused(n, "part", "beside-mismatch"),
    );
    dir_vector(
        "statement-attachment-beside-missing",
        "the bundle of the photo beside it, without the file",
        (of(&[("photo", "photo")]).0, Files::new()),
        Expect::Refused(n, "missing part", "beside-missing"),
    );
    dir_vector(
        "statement-attachment-beside-uppercase",
        "the photo beside the bundle named by its digest in upper-case hex, in the bundle and on disk",
        {
            let (mut b, files) = of(&[("photo", "photo")]);
            let upper = photo_file.to_uppercase();
            b.entries.last_mut().unwrap().parts[1].beside = Some(upper.clone());
            (b, files.into_values().map(|v| (upper.clone(), v)).collect())
        },
        Expect::Refused(n, "part", "beside-name"),
    );
    dir_vector(
        "statement-attachment-beside-payload",
        "the payload of the journalist's enrolment beside the bundle, with its file",
        of(&[("photo", "photo"), ("enroll-journalist", PAYLOAD)]),
        Expect::Refused(1, "part", "beside-payload"),
    );
    out
}

/// The verdict a verifier gave, in the vectors' terms.
fn verdict_of(v: &Verdict) -> Result<Expect, String> {
    if v.ok() {
        return Ok(Expect::Verified(
            v.not_established.iter().map(|n| n.seq).collect(),
            v.signed_after_compromise().iter().map(|f| f.seq).collect(),
        ));
    }
    let Some(first) = v
        .faults
        .iter()
        .filter_map(|f| match f.at {
            bundle::Location::Entry(s) => Some((s, f)),
            _ => None,
        })
        .min_by_key(|(s, _)| *s)
    else {
        return Err(format!("refused, but at no entry: {:#?}", v.faults));
    };
    // Beyond the entries, only the projection may fail: a forgery the
    // projection cannot even fold (a record without its payload) is caught
    // there too.
    if let Some(f) = v.faults.iter().find(|f| {
        !matches!(
            f.at,
            bundle::Location::Entry(_) | bundle::Location::Projection
        )
    }) {
        return Err(format!("a fault outside the entries: {f}"));
    }
    let kind = match first.1.kind.name() {
        "rules" => "rules",
        "authority" => "authority",
        "registry" => "registry",
        "compromise" => "compromise",
        "part" => "part",
        "missing part" => "missing part",
        "format" => "format",
        other => return Err(format!("unexpected fault kind {other}: {}", first.1)),
    };
    let rule = rule_of(&first.1.reason.to_string())
        .ok_or_else(|| format!("no rule name for the fault {}", first.1))?;
    Ok(Expect::Refused(first.0, kind, rule))
}

/// The short name the vectors give the rule a fault reason breaks.
fn rule_of(reason: &str) -> Option<&'static str> {
    const NAMES: &[(&str, &str)] = &[
        ("is never appended twice", "once"),
        ("a ref names an earlier entry", "ref-later"),
        ("which is not in the log", "ref-unknown"),
        ("which is not in this bundle", "ref-unknown"),
        ("genesis statement cannot refer", "genesis-refs"),
        ("needs a part labelled", "missing-part"),
        ("payload is invalid", "payload"),
        ("not valid JSON of its kind", "payload"),
        ("entry 0 must be the genesis", "entry0-genesis"),
        ("was not authorised at entry", "authorised"),
        ("registry change was not allowed", "registry-change"),
        ("or a custodian may do that", "owner"),
        ("which is not in the archive", "named-incident"),
        ("opened only later", "named-incident"),
        ("is already taken", "incident-taken"),
        ("applies to", "target"),
        ("ref(s), this one has", "ref-count"),
        ("already superseded", "superseded"),
        ("already retracted", "retracted"),
        ("cannot change its id", "incident-id"),
        ("already merged", "merged"),
        ("registry statements cannot be redacted", "redact-registry"),
        ("no part labelled", "redact-label"),
        ("already redacted", "redacted"),
        ("signed_after_compromise says", "signed-after-compromise"),
        (
            "carried either in the JSON or beside the bundle",
            "beside-shape",
        ),
        ("never travels beside", "beside-payload"),
        ("which is not its committed digest", "beside-name"),
        ("which is not there", "beside-missing"),
        ("beside the bundle was changed", "beside-mismatch"),
        ("(it was cut or added to)", "beside-mismatch"),
        ("yet the bundle carries it in clear", "sealed-in-clear"),
        ("does not name a media type", "media-type"),
    ];
    NAMES
        .iter()
        .find(|(phrase, _)| reason.contains(phrase))
        .map(|(_, name)| *name)
}

fn expect_json(e: &Expect) -> Value {
    match e {
        Expect::Verified(seqs, compromised) => json!({
            "verified": true,
            "not_established": seqs,
            "signed_after_compromise": compromised,
        }),
        Expect::Refused(seq, kind, rule) => {
            json!({"verified": false, "first_fault": {"entry": seq, "kind": kind, "rule": rule}})
        }
    }
}

#[test]
fn every_bundle_vector_gets_its_verdict_and_the_files_are_what_the_generator_builds() {
    let vs = vectors();
    let key = archive_vkey(&Log::base());
    let mut index = Vec::new();
    let mut wrong = Vec::new();
    for v in &vs {
        let got = verdict_of(&v.verify(&key));
        if got.as_ref() != Ok(&v.expect) {
            let faults: Vec<String> = v
                .verify(&key)
                .faults
                .iter()
                .map(|f| f.to_string())
                .collect();
            wrong.push(format!(
                "{}: expected {:?}, got {:?}; faults: {faults:#?}",
                v.name, v.expect, got
            ));
        }
        index.push(json!({
            "file": v.file(),
            "about": v.about,
            "expect": expect_json(&v.expect),
        }));
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let index = json!({
        "about": "Evidence bundles of a small log, each with the verdict a verifier of docs/FORMAT.md §12.6 must give it: \
                  verified (with the entries for which a rule is not established by a partial bundle), or refused \
                  (the lowest entry with a fault and that fault's kind). The forged ones carry a checkpoint re-signed \
                  with the vector archive's demo key and a recomputed projection, as an operator could make them. \
                  A bundle with parts beside it (§12.2) is in a directory of its own, with those files. \
                  Built by tests/it/bundle_vectors.rs; checked by it and by tests/vectors/verify_vectors.py.",
        "archive_key": Log::base().k.archive.vkey().unwrap(),
        "vectors": index,
    });
    // Every file of the vectors: the bundles, the files beside them, the index.
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for v in &vs {
        files.push((v.file(), (v.bundle.to_json() + "\n").into_bytes()));
        for (name, bytes) in v.beside.iter().flatten() {
            files.push((format!("{}/{name}", v.name), bytes.clone()));
        }
    }
    files.push((
        "index.json".to_string(),
        (serde_json::to_string_pretty(&index).unwrap() + "\n").into_bytes(),
    ));
    if std::env::var_os("TEMOIN_WRITE_VECTORS").is_some() {
        for v in vs.iter().filter(|v| v.beside.is_some()) {
            let _ = std::fs::remove_dir_all(dir().join(v.name));
        }
        for (name, bytes) in &files {
            let path = dir().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, bytes).unwrap();
        }
    }
    for (name, bytes) in &files {
        let on_disk = std::fs::read(dir().join(name)).unwrap_or_else(|e| {
            panic!("tests/vectors/bundles/{name}: {e} (write it with TEMOIN_WRITE_VECTORS=1)")
        });
        assert!(
            on_disk == *bytes,
            "tests/vectors/bundles/{name} is not what the generator builds (rewrite with TEMOIN_WRITE_VECTORS=1 after a deliberate change)"
        );
    }
    for v in &vs {
        // A vector's directory holds its bundle and its files, nothing else.
        if let Some(beside) = &v.beside {
            let mut on_disk: Vec<String> = std::fs::read_dir(dir().join(v.name))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect();
            on_disk.sort();
            let mut expected: Vec<String> = beside.keys().cloned().collect();
            expected.push(format!("{}.bundle.json", v.name));
            expected.sort();
            assert_eq!(on_disk, expected, "tests/vectors/bundles/{}/", v.name);
        }
        // What is on disk verifies the same once read back, with the files
        // beside it read from the disk.
        let path = dir().join(v.file());
        let b = Bundle::from_json(&std::fs::read(&path).unwrap()).unwrap();
        let got = bundle::verify_with(&b, &key, &bundle::BesideDir::of_bundle(&path));
        assert_eq!(verdict_of(&got).as_ref(), Ok(&v.expect), "{}", v.file());
    }
}

/// `temoin verify-bundle` on the vector files: a forgery is refused (exit 1)
/// naming its entry and rule; what a partial bundle cannot establish is
/// said, in text and in `--json`, without failing it.
#[test]
fn verify_bundle_names_the_broken_rule_and_what_is_not_established() {
    let key = Log::base().k.archive.vkey().unwrap();
    let run = |file: &str, json: bool| {
        let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_temoin"));
        cmd.arg("verify-bundle")
            .arg(dir().join(file))
            .args(["--archive-key", &key]);
        if json {
            cmd.arg("--json");
        }
        let out = cmd.output().unwrap();
        (
            out.status.code(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    let (code, out, err) = run("all-statement-twice.bundle.json", false);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("entry 12: rules: statement")
            && err.contains("is already entry 4: a statement is never appended twice"),
        "{err}"
    );
    let (code, out, err) = run("all-ref-to-later-entry.bundle.json", false);
    assert_eq!(code, Some(1), "{out}{err}");
    assert!(
        err.contains("entry 12: rules: the archive would have refused it: it refers to statement")
            && err.contains("which is entry 13: a ref names an earlier entry"),
        "{err}"
    );
    let (code, out, err) = run("incident-verified.bundle.json", false);
    assert_eq!(code, Some(0), "{out}{err}");
    assert!(
        out.contains(&format!(
            "not established by this bundle: entry 8: it names incident \"{EMIMALANE}\", whose opening record is not in this bundle"
        )),
        "{out}"
    );
    assert!(out.contains("VERIFIED"), "{out}");
    let (code, out, _) = run("incident-verified.bundle.json", true);
    assert_eq!(code, Some(0));
    let j: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(j["ok"], true);
    assert_eq!(j["not_established"][0]["seq"], 8);
    assert_eq!(j["not_established"].as_array().map(Vec::len), Some(1));
}

/// The chain-of-custody report of a partial bundle says what the bundle
/// does not establish, with the entry; a whole-log bundle's has no such
/// section.
#[test]
fn the_report_says_what_a_partial_bundle_does_not_establish() {
    let key = archive_vkey(&Log::base());
    let read = |file: &str| {
        let text = std::fs::read(dir().join(file)).unwrap();
        bundle::verify(&Bundle::from_json(&text).unwrap(), &key)
    };
    let v = read("incident-verified.bundle.json");
    assert!(v.ok());
    let md = temoin::report::markdown(&v, &Default::default());
    let at = md
        .find("Not established by this bundle")
        .unwrap_or_else(|| panic!("{md}"));
    assert!(
        md[at..].contains(&format!("it names incident {EMIMALANE},")),
        "{md}"
    );
    let html = temoin::report::html(&v, &Default::default());
    assert!(html.contains("Not established by this bundle"));
    let all = read("all-verified.bundle.json");
    assert!(all.ok());
    assert!(!temoin::report::markdown(&all, &Default::default())
        .contains("Not established by this bundle"));
}
