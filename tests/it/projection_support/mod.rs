//! Shared by the projection, domain and demo tests: a small archive with
//! the demo custodian, two intermediaries and a reviewer, and helpers to
//! sign JSON inputs through the same path as `temoin sign`.
#![allow(dead_code)]

use serde_json::{json, Value};
use temoin::archive::{Accepted, Archive, Config, Refusal};
use temoin::compose::draft_from_json;
use temoin::hash::Digest;
use temoin::keys::SecretKey;
use temoin::projection::ArchiveViews;
use temoin::registry::{EnrollPayload, Role, PAYLOAD};
use temoin::statement::{Draft, Kind, StatementFile};

pub struct Fx {
    pub dir: tempfile::TempDir,
    pub archive: Archive,
    pub custodian: SecretKey,
    pub journalist: SecretKey,
    pub ngo: SecretKey,
    pub reviewer: SecretKey,
}

pub fn key(name: &str) -> SecretKey {
    temoin::demo::key(name).expect("demo key")
}

pub fn enroll(custodian: &SecretKey, k: &SecretKey, role: Role) -> StatementFile {
    let p = EnrollPayload {
        key: k.public().to_hex(),
        name: k.name().to_string(),
        role,
        succeeds: None,
    };
    Draft::new(Kind::Enroll)
        .part(PAYLOAD, serde_json::to_vec(&p).expect("json"))
        .sign(custodian)
        .expect("sign")
}

/// Sign `input` as a `kind` statement by `key`, through `draft_from_json`.
pub fn sign(key: &SecretKey, kind: Kind, input: &Value) -> StatementFile {
    let bytes = serde_json::to_vec(input).expect("json");
    draft_from_json(kind, &bytes)
        .unwrap_or_else(|e| panic!("compose {kind}: {e}"))
        .sign(key)
        .expect("sign")
}

pub fn incident_json(id: &str, name: &str, start: &str) -> Value {
    json!({
        "id": id,
        "title": format!("Frappe à {name}"),
        "type": "drone_strike",
        "place": {"name": name, "region": "Tombouctou", "country": "ML"},
        "when": {"start": start, "precision": "exact"},
        "description": "test"
    })
}

pub fn testimony_json(
    incidents: &[&str],
    relation: &str,
    description: &str,
    claims: Value,
) -> Value {
    json!({
        "incidents": incidents,
        "source": {"relation": relation, "description": description},
        "language": "fr",
        "text": "Récit recueilli (test).",
        "witness": {"nom": "Témoin (test)"},
        "claims": claims
    })
}

impl Fx {
    pub fn new() -> Fx {
        let dir = tempfile::tempdir().expect("tempdir");
        let custodian = key("demo-custodian");
        let mut archive = Archive::init(
            &dir.path().join("a"),
            Config::new("temoin.test/projection"),
            &custodian,
            "demo-custodian",
        )
        .expect("init");
        let journalist = key("demo-journalist");
        let ngo = key("demo-ngo");
        let reviewer = key("demo-reviewer");
        let files = vec![
            enroll(&custodian, &journalist, Role::Intermediary),
            enroll(&custodian, &ngo, Role::Intermediary),
            enroll(&custodian, &reviewer, Role::Reviewer),
        ];
        for r in archive.ingest_batch(&files).expect("ingest") {
            r.expect("enrolment accepted");
        }
        Fx {
            dir,
            archive,
            custodian,
            journalist,
            ngo,
            reviewer,
        }
    }

    pub fn path(&self) -> std::path::PathBuf {
        self.dir.path().join("a")
    }

    pub fn submit(&mut self, who: Who, kind: Kind, input: Value) -> Result<Accepted, Refusal> {
        let file = sign(self.key(who), kind, &input);
        self.archive.ingest(&file).expect("archive error")
    }

    pub fn ok(&mut self, who: Who, kind: Kind, input: Value) -> Digest {
        match self.submit(who, kind, input) {
            Ok(a) => a.statement_hash,
            Err(r) => panic!("{kind} refused: {r}"),
        }
    }

    pub fn key(&self, who: Who) -> &SecretKey {
        match who {
            Who::Custodian => &self.custodian,
            Who::Journalist => &self.journalist,
            Who::Ngo => &self.ngo,
            Who::Reviewer => &self.reviewer,
        }
    }

    pub fn open(&mut self, id: &str, name: &str, start: &str) -> Digest {
        self.ok(
            Who::Journalist,
            Kind::Incident,
            incident_json(id, name, start),
        )
    }

    pub fn p(&self) -> ArchiveViews<'_> {
        ArchiveViews::new(self.archive.store())
    }

    pub fn size(&self) -> u64 {
        self.archive.size()
    }

    /// (size, last hash, checksum of every key and value in the store).
    pub fn state(&self) -> (u64, [u8; 32], u32) {
        let h = self.archive.head();
        (
            h.size,
            h.last_hash,
            self.archive.store().raw_db().checksum().expect("checksum"),
        )
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Who {
    Custodian,
    Journalist,
    Ngo,
    Reviewer,
}
